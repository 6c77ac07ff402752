//! The dev server's paged listing (contract §5) and its bound on the number of agents.

use super::{Dev, assert_error};
use crate::common::*;
use agentctl::dev_server::store::AgentRecord;
use serde_json::Value;
use std::time::{Duration, UNIX_EPOCH};

/// A dev server seeded with `count` agents whose ids sort in a different order than they
/// were given (`agent-00007` … in reverse), the first `online` of them having beaten just now.
fn seeded(count: usize, online: usize, max_agents: usize) -> Dev {
    Dev::start_with(|config| {
        let now = UNIX_EPOCH + Duration::from_secs(super::START_SECS);
        config.max_agents = max_agents;
        config.seed = (0..count)
            .rev()
            .map(|i| {
                let mut record = AgentRecord::registered(&format!("agent-{i:05}"), now);
                if i < online {
                    record.last_heartbeat_at = Some(now);
                }
                record
            })
            .collect();
    })
}

fn uuids(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .expect("items is an array")
        .iter()
        .map(|record| record["uuid"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn pages_walk_every_agent_in_uuid_order_with_the_total_on_each_page() {
    let dev = seeded(2345, 10, 10_000);
    let expected: Vec<String> = (0..2345).map(|i| format!("agent-{i:05}")).collect();

    // Page size asked: none (100), 7, 1000, and over the cap (5000 is served as 1000).
    for (asked, served) in [
        (None, 100),
        (Some(7), 7),
        (Some(1000), 1000),
        (Some(5000), 1000),
    ] {
        let mut walked = Vec::new();
        let mut page = 1;
        loop {
            let path = match asked {
                None => format!("/api/v1/agents?page={page}"),
                Some(size) => format!("/api/v1/agents?page={page}&pageSize={size}"),
            };
            let answer = dev.get(&path);
            assert_eq!(answer.status, 200, "{path}: {:?}", answer.json);
            assert_eq!(answer.json["total"], 2345, "{path}");
            assert_eq!(answer.json["page"], page, "{path}");
            assert_eq!(answer.json["pageSize"], served, "{path}");
            let ids = uuids(&answer.json);
            let expected_len = served.min(2345usize.saturating_sub(walked.len()));
            assert_eq!(ids.len(), expected_len, "{path}");
            if ids.is_empty() {
                break;
            }
            walked.extend(ids);
            page += 1;
        }
        assert_eq!(walked, expected, "page size {asked:?}");
        assert_eq!(page, 2345usize.div_ceil(served) + 1, "page size {asked:?}");
    }

    // No page named is page 1; a page far past the end is empty and still has the total.
    let first = dev.get("/api/v1/agents");
    assert_eq!(uuids(&first.json), expected[..100]);
    let keys: Vec<&String> = first.json.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["items", "total", "page", "pageSize"]);
    let far = dev.get("/api/v1/agents?page=9223372036854775807&pageSize=1000");
    assert_eq!((far.status, uuids(&far.json).len()), (200, 0));
    assert_eq!(far.json["total"], 2345);

    // Filters apply before paging; total counts the filtered set.
    let online = dev.get("/api/v1/agents?status=online&pageSize=4&page=2");
    assert_eq!(online.json["total"], 10);
    assert_eq!(
        uuids(&online.json),
        ["agent-00004", "agent-00005", "agent-00006", "agent-00007"]
    );
    let offline = dev.get("/api/v1/agents?status=offline&pageSize=1000&page=3");
    assert_eq!(offline.json["total"], 2335);
    assert_eq!(uuids(&offline.json), expected[2010..]);
    let none = dev.get("/api/v1/agents?type=log");
    assert_eq!(
        (none.json["total"].clone(), uuids(&none.json).len()),
        (0.into(), 0)
    );

    // Paging parameters outside 1..=2^63-1 are a 400 naming the parameter.
    for (query, field) in [
        ("page=0", "page"),
        ("page=two", "page"),
        ("pageSize=0", "pageSize"),
        ("pageSize=-5", "pageSize"),
        ("page=9223372036854775808", "page"),
    ] {
        assert_error(
            &dev.get(&format!("/api/v1/agents?{query}")),
            400,
            Some(field),
        );
    }
}

#[test]
fn agents_registered_between_pages_join_the_order() {
    let dev = seeded(0, 0, 100);
    for id in ["m", "c", "x"] {
        assert_eq!(dev.put_heartbeat(id, SEED_BODY.as_bytes()).status, 200);
    }
    assert_eq!(
        uuids(&dev.get("/api/v1/agents?pageSize=2").json),
        ["c", "m"]
    );
    for id in ["a", "n"] {
        assert_eq!(dev.put_heartbeat(id, SEED_BODY.as_bytes()).status, 200);
    }
    let page2 = dev.get("/api/v1/agents?pageSize=2&page=2");
    assert_eq!(page2.json["total"], 5);
    assert_eq!(uuids(&page2.json), ["m", "n"]);
}

#[test]
fn one_agent_over_max_agents_gets_a_507_and_the_others_keep_beating() {
    let dev = seeded(2, 0, 3);
    assert_eq!(
        dev.put_heartbeat("agent-new", SEED_BODY.as_bytes()).status,
        200
    );

    let refused = dev.put_heartbeat("agent-one-too-many", SEED_BODY.as_bytes());
    assert_error(&refused, 507, None);
    assert!(
        refused.json["message"]
            .as_str()
            .unwrap()
            .contains("--max-agents"),
        "{:?}",
        refused.json
    );
    assert_error(&dev.get("/api/v1/agents/agent-one-too-many"), 404, None);

    // Known agents, seeded or registered, still beat and are updated.
    dev.clock.advance(Duration::from_secs(7));
    for id in ["agent-00000", "agent-00001", "agent-new"] {
        let beat = dev.put_heartbeat(
            id,
            br#"{"version":"2.0.0","uptime":7,"cpuUsage":1,"memUsage":2}"#,
        );
        assert_eq!(beat.status, 200, "{id}: {:?}", beat.json);
        assert_eq!(beat.json["version"], "2.0.0");
        assert_eq!(beat.json["lastHeartbeatAt"], "2026-01-15T08:00:07Z");
    }
    let all = dev.get("/api/v1/agents");
    assert_eq!(all.json["total"], 3);
    assert_eq!(
        uuids(&all.json),
        ["agent-00000", "agent-00001", "agent-new"]
    );
    assert_eq!(dev.server().agent_count(), 3);
    // Still full: the refusal is not a one-off.
    assert_error(
        &dev.put_heartbeat("agent-other", SEED_BODY.as_bytes()),
        507,
        None,
    );
}
