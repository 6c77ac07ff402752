use super::*;
use std::time::{Duration, UNIX_EPOCH};

fn at(secs: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(secs)
}

#[test]
fn seeds_are_checked_record_by_record() {
    let now = at(1_768_464_000);
    let records = parse_seed(
        br#"[{"uuid":"agent-abc123-def456","name":"prod-agent-01","type":"log",
             "labels":{"env":"prod"},"lastHeartbeatAt":"2026-01-15T08:00:00Z","status":"online"},
            {"uuid":"b","labels":"{\"team\":\"ops\"}"}]"#,
        now,
    )
    .unwrap();
    assert_eq!(records[0].labels, r#"{"env":"prod"}"#);
    assert_eq!(records[0].last_heartbeat_at, Some(now));
    assert_eq!(records[1].name, "b");
    assert_eq!(records[1].create_date, now);
    for (text, needle) in [
        (&b"{}"[..], "array"),
        (b"[1]", "record 1: expected an object"),
        (
            br#"[{"uuid":"a"},{"uuid":"a"}]"#,
            "record 2: uuid 'a' appears twice",
        ),
        (b"[{}]", "uuid is missing"),
        (br#"[{"uuid":"a"},{"uuid":"a"}]"#, "twice"),
        (br#"[{"uuid":"a/b"}]"#, "uuid"),
        (br#"[{"uuid":"a","labels":"x"}]"#, "labels"),
        (br#"[{"uuid":"a","createDate":"soon"}]"#, "createDate"),
        (br#"[{"uuid":"a","uptime":-1}]"#, "uptime"),
        (b"[", "JSON"),
    ] {
        let err = parse_seed(text, now).unwrap_err();
        assert!(err.contains(needle), "{err}");
    }
}
