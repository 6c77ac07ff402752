use super::*;
use crate::clock::Clock;
use std::time::{Duration, UNIX_EPOCH};

fn at(secs: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(secs)
}

fn beat() -> Heartbeat {
    Heartbeat {
        version: "1.2.3".into(),
        uptime: 86400,
        cpu_usage: 12.5,
        mem_usage: 35.2,
    }
}

#[test]
fn status_boundaries_are_half_open() {
    let thresholds = Thresholds::default();
    let mut record = AgentRecord::registered("a", at(1000));
    assert_eq!(record.status(at(1000), &thresholds), AgentStatus::Offline);
    record.heard_at = Some(at(1000));
    for (secs, status) in [
        (999, AgentStatus::Online),
        (1000, AgentStatus::Online),
        (1019, AgentStatus::Online),
        (1020, AgentStatus::Delayed),
        (1049, AgentStatus::Delayed),
        (1050, AgentStatus::Offline),
        (9999, AgentStatus::Offline),
    ] {
        assert_eq!(record.status(at(secs), &thresholds), status, "{secs}");
    }
}

#[test]
fn heartbeats_register_then_update() {
    let clock = Clock::frozen_at(at(1_768_464_000));
    let store = Store::new(Thresholds::default(), clock.clone());
    let first = store.heartbeat("agent-1", &beat()).unwrap();
    assert_eq!(first.name, "agent-1");
    assert_eq!(first.create_date, at(1_768_464_000));
    clock.advance(Duration::from_secs(30));
    let second = store
        .heartbeat(
            "agent-1",
            &Heartbeat {
                version: "1.2.4".into(),
                ..beat()
            },
        )
        .unwrap();
    assert_eq!(second.create_date, first.create_date);
    assert_eq!(second.last_heartbeat_at, Some(at(1_768_464_030)));
    assert_eq!(second.version.as_deref(), Some("1.2.4"));
    assert_eq!(store.len(), 1);
}

#[test]
fn the_view_has_every_seed_field_in_order() {
    let record = AgentRecord::registered("a", at(1_768_464_000));
    let json =
        serde_json::to_value(record.view(at(1_768_464_000), &Thresholds::default())).unwrap();
    let keys: Vec<&str> = json
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "uuid",
            "name",
            "type",
            "version",
            "status",
            "endpoint",
            "platformId",
            "region",
            "labels",
            "lastHeartbeatAt",
            "createDate",
            "lastOpDate",
            "uptime",
            "cpuUsage",
            "memUsage"
        ]
    );
    assert_eq!(json["createDate"], "2026-01-15T08:00:00Z");
    assert_eq!(json["labels"], "{}");
}

#[test]
fn filters() {
    let clock = Clock::frozen_at(at(1_768_464_000));
    let store = Store::new(Thresholds::default(), clock.clone());
    let mut seeded = AgentRecord::registered("s", at(0));
    seeded.agent_type = Some("log".into());
    seeded.region = Some("eu".into());
    store.insert(seeded).unwrap();
    store.heartbeat("h", &beat()).unwrap();
    let now = store.now();
    let ids = |filter: ListFilter| -> Vec<String> {
        store
            .list(&filter, now)
            .into_iter()
            .map(|r| r.uuid.to_string())
            .collect()
    };
    assert_eq!(ids(ListFilter::default()), ["h", "s"]);
    let online = ListFilter {
        status: Some(AgentStatus::Online),
        ..Default::default()
    };
    assert_eq!(ids(online), ["h"]);
    let log_in_eu = ListFilter {
        agent_type: Some("log".into()),
        region: Some("eu".into()),
        ..Default::default()
    };
    assert_eq!(ids(log_in_eu), ["s"]);
}

#[test]
fn pages_follow_the_id_order_as_agents_arrive() {
    let clock = Clock::frozen_at(at(1_768_464_000));
    let store = Store::new(Thresholds::default(), clock.clone());
    let page = |filter: &ListFilter, offset, limit| {
        let mut ids = Vec::new();
        let total = store.page(filter, store.now(), offset, limit, |record| {
            ids.push(record.uuid.to_string())
        });
        (ids, total)
    };
    for id in ["m", "c", "x"] {
        store.heartbeat(id, &beat()).unwrap();
    }
    assert_eq!(
        page(&ListFilter::default(), 0, 2),
        (vec!["c".into(), "m".into()], 3)
    );
    // Registered between two listings: merged into the order, not appended.
    for id in ["a", "n", "z"] {
        store.heartbeat(id, &beat()).unwrap();
    }
    let all = ListFilter::default();
    assert_eq!(page(&all, 0, 2), (vec!["a".into(), "c".into()], 6));
    assert_eq!(page(&all, 2, 2), (vec!["m".into(), "n".into()], 6));
    assert_eq!(page(&all, 4, 2), (vec!["x".into(), "z".into()], 6));
    assert_eq!(page(&all, 6, 2), (vec![], 6));
    assert_eq!(page(&all, usize::MAX, usize::MAX), (vec![], 6));
    // A filter counts only its matches and pages within them.
    clock.advance(std::time::Duration::from_secs(30));
    store.heartbeat("c", &beat()).unwrap();
    store.heartbeat("z", &beat()).unwrap();
    let delayed = ListFilter {
        status: Some(AgentStatus::Delayed),
        ..Default::default()
    };
    assert_eq!(page(&delayed, 1, 2), (vec!["m".into(), "n".into()], 4));
}

#[test]
fn a_full_store_refuses_new_agents_and_keeps_the_known_ones() {
    let clock = Clock::frozen_at(at(1_768_464_000));
    let store = Store::with_max_agents(Thresholds::default(), clock.clone(), 2);
    store.heartbeat("a", &beat()).unwrap();
    store.insert(AgentRecord::registered("b", at(0))).unwrap();
    assert_eq!(
        store.heartbeat("c", &beat()).unwrap_err(),
        StoreFull { max_agents: 2 }
    );
    assert_eq!(
        store
            .insert(AgentRecord::registered("d", at(0)))
            .unwrap_err(),
        StoreFull { max_agents: 2 }
    );
    clock.advance(std::time::Duration::from_secs(5));
    let again = store.heartbeat("b", &beat()).unwrap();
    assert_eq!(again.last_heartbeat_at, Some(at(1_768_464_005)));
    store.insert(AgentRecord::registered("a", at(0))).unwrap();
    assert_eq!(store.len(), 2);
    assert_eq!(store.get("c"), None);
    let ids: Vec<String> = store
        .list(&ListFilter::default(), store.now())
        .into_iter()
        .map(|r| r.uuid.to_string())
        .collect();
    assert_eq!(ids, ["a", "b"]);
}

#[test]
fn a_stepped_wall_clock_moves_no_status() {
    let start = at(1_768_464_000);
    let clock = Clock::frozen_at(start);
    let store = Store::new(Thresholds::default(), clock.clone());
    let mut seeded = AgentRecord::registered("seeded", start);
    seeded.last_heartbeat_at = Some(start - Duration::from_secs(10));
    store.insert(seeded).unwrap();
    store.heartbeat("dead", &beat()).unwrap();
    clock.advance(Duration::from_secs(60));
    store.heartbeat("live", &beat()).unwrap();
    let statuses = |store: &Store| {
        let now = store.status_time();
        ["dead", "live", "seeded"].map(|id| store.get(id).unwrap().status(now, &store.thresholds))
    };
    let expected = [
        AgentStatus::Offline,
        AgentStatus::Online,
        AgentStatus::Offline,
    ];
    assert_eq!(statuses(&store), expected);
    for step in [
        start + Duration::from_secs(60) - Duration::from_secs(3600),
        start + Duration::from_secs(60) + Duration::from_secs(3600),
    ] {
        clock.set_time_of_day(step);
        assert_eq!(statuses(&store), expected, "wall clock at {step:?}");
        let listed = store.list(
            &ListFilter {
                status: Some(AgentStatus::Online),
                ..ListFilter::default()
            },
            store.status_time(),
        );
        assert_eq!(listed.len(), 1);
        assert_eq!(&*listed[0].uuid, "live");
    }
    // Time goes on: the live one ages as it would have, whatever the wall clock says.
    clock.advance(Duration::from_secs(20));
    assert_eq!(
        statuses(&store),
        [
            AgentStatus::Offline,
            AgentStatus::Delayed,
            AgentStatus::Offline
        ]
    );
    // The record's stamps stay the time of day.
    let live = store.get("live").unwrap();
    assert_eq!(
        live.last_heartbeat_at,
        Some(start + Duration::from_secs(60))
    );
}

#[test]
fn a_seeded_heartbeat_counts_from_its_time_of_day() {
    let start = at(1_768_464_000);
    let clock = Clock::frozen_at(start);
    let store = Store::new(Thresholds::default(), clock.clone());
    for (id, ago) in [("recent", 5), ("late", 30), ("old", 50)] {
        let mut record = AgentRecord::registered(id, start);
        record.last_heartbeat_at = Some(start - Duration::from_secs(ago));
        store.insert(record).unwrap();
    }
    let mut future = AgentRecord::registered("future", start);
    future.last_heartbeat_at = Some(start + Duration::from_secs(3600));
    store.insert(future).unwrap();
    let now = store.status_time();
    let status = |id: &str| store.get(id).unwrap().status(now, &store.thresholds);
    assert_eq!(status("recent"), AgentStatus::Online);
    assert_eq!(status("late"), AgentStatus::Delayed);
    assert_eq!(status("old"), AgentStatus::Offline);
    assert_eq!(status("future"), AgentStatus::Online);
    clock.advance(Duration::from_secs(20));
    let now = store.status_time();
    assert_eq!(
        store.get("future").unwrap().status(now, &store.thresholds),
        AgentStatus::Delayed,
        "a heartbeat stamped in the future counts as heard when it was loaded"
    );
}
