use super::*;
use crate::api::Failure;

fn window(agents: u64, seconds: u64) -> Window {
    Window {
        agents,
        started_at: SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000),
        duration: Duration::from_secs(seconds),
        shard: Some(Shard::WHOLE),
        merged: None,
    }
}

#[test]
fn counts_and_percentiles() {
    let mut stats = Stats::default();
    for ms in 1..=100 {
        stats.record(Duration::from_millis(ms), Ok(()), false);
    }
    let status = || ApiError::new("heartbeat for a", Failure::Status(503), "HTTP 503");
    stats.record(Duration::from_millis(5), Err(status()), true);
    stats.record(Duration::from_millis(5), Err(status()), false);
    stats.record(
        Duration::from_millis(5),
        Err(ApiError::new(
            "heartbeat for a",
            Failure::Network,
            "refused",
        )),
        false,
    );
    let summary = stats.summary(window(10, 2), &[]);
    assert_eq!((summary.sent, summary.ok, summary.late), (103, 100, 1));
    assert_eq!(summary.failed_total(), 3);
    assert_eq!(
        summary.failed,
        BTreeMap::from([("503".to_owned(), 2), ("network".to_owned(), 1)])
    );
    assert_eq!(summary.rate_per_sec, 51.5);
    assert!((summary.latency_ms.p50 - 49.0).abs() < 1.0, "{summary:?}");
    assert!((summary.latency_ms.p99 - 99.0).abs() < 1.0, "{summary:?}");
    assert!((summary.latency_ms.max - 100.0).abs() < 0.1, "{summary:?}");
    assert_eq!(summary.started_at, "2027-01-15T08:00:00.000000Z");
    assert_eq!(summary.ended_at, "2027-01-15T08:00:02.000000Z");
    assert_eq!(stats.last_error().unwrap().detail, "refused");
    // A closed-model run has no schedule: no send lateness.
    assert_eq!(summary.send_lateness_ms, None);
}

#[test]
fn send_lateness_is_summarized_apart_from_latency() {
    let mut stats = Stats::default();
    for ms in 1..=100 {
        stats.record_send(Duration::from_millis(ms));
        stats.record(Duration::from_millis(ms + 200), Ok(()), false);
    }
    let summary = stats.summary(window(10, 2), &[]);
    let lateness = summary.send_lateness_ms.clone().expect("an open-model run");
    assert!((lateness.p50 - 50.0).abs() < 1.0, "{lateness:?}");
    assert!((lateness.max - 100.0).abs() < 1.0, "{lateness:?}");
    assert!((summary.latency_ms.p50 - 250.0).abs() < 1.0, "{summary:?}");
}

#[test]
fn an_empty_run_summarizes_to_zeros() {
    let summary = Stats::default().summary(window(3, 0), &[]);
    assert_eq!(
        (summary.sent, summary.rate_per_sec, summary.latency_ms.p99),
        (0, 0.0, 0.0)
    );
    let json = serde_json::to_value(&summary).unwrap();
    for key in [
        "agents",
        "sent",
        "ok",
        "failed",
        "rate_per_sec",
        "latency_ms",
        "late",
        "duration_sec",
        "started_at",
        "ended_at",
        "shard",
        "thresholds",
        "histogram",
    ] {
        assert!(json.get(key).is_some(), "{key}");
    }
    assert!(json.get("merged").is_none());
    assert_eq!(json["shard"], serde_json::json!({"index": 0, "count": 1}));
}

/// A run's summary, read back as `heartbeat summary` reads it.
fn record(stats: &Stats, shard: Shard, start_secs: u64, seconds: u64) -> RunRecord {
    let summary = stats.summary(
        Window {
            agents: 10,
            started_at: SystemTime::UNIX_EPOCH + Duration::from_secs(start_secs),
            duration: Duration::from_secs(seconds),
            shard: Some(shard),
            merged: None,
        },
        &[],
    );
    serde_json::from_value(serde_json::to_value(&summary).unwrap()).unwrap()
}

#[test]
fn merging_shards_gives_what_one_run_with_all_samples_gives() {
    // Four shards with different latency distributions; one run records them all.
    let mut all = Stats::default();
    let mut shards = Vec::new();
    let mut rng = fastrand::Rng::with_seed(42);
    for index in 0..4u64 {
        let mut stats = Stats::default();
        for n in 0..5_000 {
            let micros = rng.u64(100..2_000) * (index + 1) + if n % 97 == 0 { 90_000 } else { 0 };
            let outcome = || {
                if n % 50 == 0 {
                    Err(ApiError::new("h", Failure::Status(503), "x"))
                } else {
                    Ok(())
                }
            };
            let late = n % 1000 == 0;
            stats.record(Duration::from_micros(micros), outcome(), late);
            all.record(Duration::from_micros(micros), outcome(), late);
        }
        shards.push(record(&stats, Shard { index, count: 4 }, 1000 + index, 60));
    }
    let merged = merge(&shards).unwrap();
    let thresholds = [Threshold::parse("p99>5ms").unwrap()];
    let from_shards = merged.stats.summary(merged.window, &thresholds);
    let from_all = all.summary(
        Window {
            agents: 40,
            started_at: SystemTime::UNIX_EPOCH + Duration::from_secs(1000),
            duration: Duration::from_secs(63),
            shard: None,
            merged: Some((0..4).map(|index| Shard { index, count: 4 }).collect()),
        },
        &thresholds,
    );
    assert_eq!(from_shards, from_all);
    assert_eq!(from_shards.sent, 20_000);
    assert_eq!(
        from_shards.failed,
        BTreeMap::from([("503".to_owned(), 400)])
    );
    assert_eq!(from_shards.late, 20);
    // The rate is over the common window: the first start to the last end.
    assert_eq!(from_shards.duration_sec, 63.0);
    assert_eq!(from_shards.rate_per_sec, round3(20_000.0 / 63.0));
    // The p99 is the raw samples' p99 (within the histogram's 3 significant digits).
    let mut raw: Vec<u64> = Vec::new();
    let mut rng = fastrand::Rng::with_seed(42);
    for index in 0..4u64 {
        for n in 0..5_000 {
            raw.push(rng.u64(100..2_000) * (index + 1) + if n % 97 == 0 { 90_000 } else { 0 });
        }
    }
    raw.sort_unstable();
    let exact = raw[(raw.len() as f64 * 0.99).ceil() as usize - 1] as f64 / 1000.0;
    let p99 = from_shards.latency_ms.p99;
    assert!(
        (p99 - exact).abs() <= exact * 0.001 + 0.001,
        "{p99} vs {exact}"
    );
    // A merged summary merges again, shards and all.
    let twice =
        merge(&[serde_json::from_value(serde_json::to_value(&from_shards).unwrap()).unwrap()])
            .unwrap();
    assert_eq!(twice.stats.summary(twice.window, &thresholds), from_shards);
}

#[test]
fn a_histogram_that_does_not_match_its_counts_is_refused() {
    let mut stats = Stats::default();
    stats.record(Duration::from_millis(1), Ok(()), false);
    let mut run = record(&stats, Shard::WHOLE, 0, 1);
    run.sent = 2;
    assert!(merge(&[run]).err().unwrap().contains("holds 1 beats"));
    let mut run = record(&stats, Shard::WHOLE, 0, 1);
    run.histogram = "not base64!".into();
    assert!(merge(&[run]).is_err());
    assert!(merge(&[]).is_err());
}

#[test]
fn odd_shard_sets_are_named() {
    let shard = |index, count| Shard { index, count };
    assert!(shard_warnings(&[shard(0, 2), shard(1, 2)]).is_empty());
    assert!(shard_warnings(&[shard(0, 1)]).is_empty());
    assert_eq!(
        shard_warnings(&[shard(0, 4), shard(1, 4), shard(1, 4)]),
        [
            "shard 1/4 appears more than once: its beats are counted more than once",
            "missing shard 2/4, 3/4: the summary covers 2 of 4 shards"
        ]
    );
    assert_eq!(shard_warnings(&[shard(0, 2), shard(0, 3)]).len(), 1);
}

#[test]
fn rfc3339_times() {
    let noon = SystemTime::UNIX_EPOCH + Duration::from_secs(1_772_366_400);
    assert_eq!(rfc3339(noon), "2026-03-01T12:00:00.000000Z");
    assert_eq!(
        rfc3339(noon + Duration::from_nanos(123_456_789)),
        "2026-03-01T12:00:00.123456Z"
    );
}
