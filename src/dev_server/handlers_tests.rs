use super::*;

#[test]
fn the_seed_example_is_a_valid_heartbeat() {
    let beat =
        parse_heartbeat(br#"{"version":"1.2.3","uptime":86400,"cpuUsage":12.5,"memUsage":35.2}"#)
            .unwrap();
    assert_eq!(
        beat,
        Heartbeat {
            version: "1.2.3".into(),
            uptime: 86400,
            cpu_usage: 12.5,
            mem_usage: 35.2
        }
    );
    let extra = br#"{"version":"1","uptime":0,"cpuUsage":0,"memUsage":100,"host":"x"}"#;
    assert!(parse_heartbeat(extra).is_ok());
    for (uptime, expected) in [
        ("9223372036854775807", i64::MAX as u64),
        ("5.0", 5),
        ("1e3", 1000),
        ("0", 0),
    ] {
        let body = format!(r#"{{"version":"é","uptime":{uptime},"cpuUsage":0,"memUsage":0}}"#);
        assert_eq!(
            parse_heartbeat(body.as_bytes()).unwrap().uptime,
            expected,
            "{uptime}"
        );
    }
    let long = "é".repeat(256);
    let body = format!(r#"{{"version":"{long}","uptime":1,"cpuUsage":0,"memUsage":0}}"#);
    assert!(
        parse_heartbeat(body.as_bytes()).is_ok(),
        "256 characters, 512 bytes"
    );
}

#[test]
fn bad_bodies_name_the_field() {
    let cases: [(&[u8], &str, &str); 19] = [
        (
            br#"{"version":"1","uptime":9223372036854775808,"cpuUsage":1,"memUsage":1}"#,
            "uptime",
            "at most",
        ),
        (
            br#"{"version":"1","uptime":1e19,"cpuUsage":1,"memUsage":1}"#,
            "uptime",
            "at most",
        ),
        (
            br#"{"version":" \u00a0","uptime":1,"cpuUsage":1,"memUsage":1}"#,
            "version",
            "blank",
        ),
        (
            br#"{"version":"1\u0085","uptime":1,"cpuUsage":1,"memUsage":1}"#,
            "version",
            "control",
        ),
        (
            br#"{"version":"1","uptime":1,"cpuUsage":1e400,"memUsage":1}"#,
            "cpuUsage",
            "0–100",
        ),
        (b"nope", "body", "not valid JSON"),
        (b"[1,2]", "body", "an array"),
        (
            br#"{"uptime":1,"cpuUsage":1,"memUsage":1}"#,
            "version",
            "missing",
        ),
        (
            br#"{"version":"","uptime":1,"cpuUsage":1,"memUsage":1}"#,
            "version",
            "empty",
        ),
        (
            br#"{"version":7,"uptime":1,"cpuUsage":1,"memUsage":1}"#,
            "version",
            "a number",
        ),
        (
            br#"{"version":"1","cpuUsage":1,"memUsage":1}"#,
            "uptime",
            "missing",
        ),
        (
            br#"{"version":"1","uptime":"86400","cpuUsage":1,"memUsage":1}"#,
            "uptime",
            "a string",
        ),
        (
            br#"{"version":"1","uptime":-1,"cpuUsage":1,"memUsage":1}"#,
            "uptime",
            "0 or more",
        ),
        (
            br#"{"version":"1","uptime":1.5,"cpuUsage":1,"memUsage":1}"#,
            "uptime",
            "whole",
        ),
        (
            br#"{"version":"1","uptime":1,"cpuUsage":100.5,"memUsage":1}"#,
            "cpuUsage",
            "0–100",
        ),
        (
            br#"{"version":"1","uptime":1,"cpuUsage":"5","memUsage":1}"#,
            "cpuUsage",
            "a string",
        ),
        (
            br#"{"version":"1","uptime":1,"cpuUsage":1,"memUsage":-0.1}"#,
            "memUsage",
            "0–100",
        ),
        (
            br#"{"version":"1","uptime":1,"cpuUsage":1,"memUsage":null}"#,
            "memUsage",
            "null",
        ),
        (
            br#"{"version":"1","uptime":1,"cpuUsage":1}"#,
            "memUsage",
            "missing",
        ),
    ];
    for (body, field, needle) in cases {
        let err = parse_heartbeat(body).unwrap_err();
        let shown = String::from_utf8_lossy(body);
        assert_eq!(err.status, StatusCode::BAD_REQUEST, "{shown}");
        assert_eq!(err.field.as_deref(), Some(field), "{shown}");
        assert!(err.message.contains(needle), "{shown}: {}", err.message);
    }
}

#[test]
fn bearer_parsing_and_comparison() {
    assert_eq!(bearer_token(b"Bearer abc"), Some(&b"abc"[..]));
    assert_eq!(bearer_token(b"bearer  abc "), Some(&b"abc"[..]));
    assert_eq!(bearer_token(b"Basic abc"), None);
    assert_eq!(bearer_token(b"Bearer "), None);
    assert_eq!(bearer_token(b"Bear"), None);
    assert!(constant_time_eq(b"abc", b"abc"));
    assert!(!constant_time_eq(b"abc", b"abd"));
    assert!(!constant_time_eq(b"abc", b"abcd"));
}

#[test]
fn list_queries() {
    assert_eq!(
        list_query("").unwrap(),
        ListQuery {
            filter: ListFilter::default(),
            page: 1,
            page_size: DEFAULT_SERVED_PAGE_SIZE
        }
    );
    let query = list_query("status=delayed&type=log&region=us-east-1&page=2&x=1").unwrap();
    assert_eq!(query.filter.status, Some(AgentStatus::Delayed));
    assert_eq!(query.filter.agent_type.as_deref(), Some("log"));
    assert_eq!(query.filter.region.as_deref(), Some("us-east-1"));
    assert_eq!((query.page, query.page_size), (2, DEFAULT_SERVED_PAGE_SIZE));
    assert_eq!(
        list_query("pageSize=5000").unwrap().page_size,
        MAX_SERVED_PAGE_SIZE
    );
    assert_eq!(list_query("pageSize=7").unwrap().page_size, 7);
    let last = list_query("page=9223372036854775807&pageSize=9223372036854775807").unwrap();
    assert_eq!(
        (last.page, last.page_size),
        (i64::MAX as u64, MAX_SERVED_PAGE_SIZE)
    );
    for (query, field) in [
        ("status=sleepy", "status"),
        ("page=0", "page"),
        ("page=-1", "page"),
        ("page=1.5", "page"),
        ("page=9223372036854775808", "page"),
        ("pageSize=0", "pageSize"),
        ("pageSize=", "pageSize"),
    ] {
        let err = list_query(query).unwrap_err();
        assert_eq!(err.field.as_deref(), Some(field), "{query}");
    }
}
