//! The dev server over real TCP: started in-process (`common::dev`, a test clock so status
//! changes need no sleeping) and driven by the real `agentctl` binary and raw HTTP; and the
//! `agentctl dev-server` binary itself (`common::dev_binary`).

mod binary;
mod network;
mod openapi;
mod paging;
mod profiles;

use crate::common::dev::{Dev, Response, START_SECS, http_client, send};
use crate::common::*;
use serde_json::{Value, json};
use std::time::{Duration, UNIX_EPOCH};

fn assert_error(answer: &Response, status: u16, field: Option<&str>) {
    assert_eq!(answer.status, status, "{:?}", answer.json);
    let object = answer.json.as_object().expect("an error object");
    assert!(
        object["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{object:?}"
    );
    assert_eq!(object["field"].as_str(), field, "{object:?}");
}

#[test]
fn the_cli_sends_shows_and_lists_and_sees_status_age_with_the_clock() {
    let dev = Dev::start();
    let world = World::new();
    let ran = run(world.cmd_at(&dev.url).args([
        "heartbeat",
        "send",
        "agent-abc123-def456",
        "--version",
        "1.2.3",
        "--uptime",
        "1d",
        "--cpu",
        "12.5",
        "--mem",
        "35.2",
        "-o",
        "json",
    ]));
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    let sent: Value = serde_json::from_str(&ran.stdout).unwrap();
    assert_eq!(
        sent,
        json!({
            "uuid": "agent-abc123-def456", "name": "agent-abc123-def456", "type": null,
            "version": "1.2.3", "status": "online", "endpoint": null, "platformId": null,
            "region": null, "labels": "{}", "lastHeartbeatAt": "2026-01-15T08:00:00Z",
            "createDate": "2026-01-15T08:00:00Z", "lastOpDate": "2026-01-15T08:00:00Z",
            "uptime": 86400, "cpuUsage": 12.5, "memUsage": 35.2
        })
    );
    assert_eq!(dev.server().agent_count(), 1);

    let show = |extra: &[&str]| {
        let ran = run(world
            .cmd_at(&dev.url)
            .args(["agent", "show", "agent-abc123-def456"])
            .args(extra));
        assert_eq!(ran.code, 0, "{}", ran.stderr);
        ran.stdout
    };
    let shown: Value = serde_json::from_str(&show(&["-o", "json"])).unwrap();
    assert_eq!(shown, sent);

    // The table's STATUS column follows the clock: 19s online, 20s delayed, 50s offline.
    let status_column = |stdout: String| -> String {
        let row: Vec<String> = stdout
            .lines()
            .nth(1)
            .unwrap()
            .split_whitespace()
            .map(String::from)
            .collect();
        row[3].clone()
    };
    dev.clock.advance(Duration::from_secs(19));
    assert_eq!(status_column(show(&[])), "online");
    dev.clock.advance(Duration::from_secs(1));
    assert_eq!(status_column(show(&[])), "delayed");
    dev.clock.advance(Duration::from_secs(29));
    assert_eq!(status_column(show(&[])), "delayed");
    dev.clock.advance(Duration::from_secs(1));
    assert_eq!(status_column(show(&[])), "offline");

    // A new heartbeat brings it back, keeping its createDate.
    let ran = run(world.cmd_at(&dev.url).args([
        "heartbeat",
        "send",
        "agent-abc123-def456",
        "--version",
        "1.2.4",
        "--uptime",
        "86450",
        "--cpu",
        "3",
        "--mem",
        "40",
        "-o",
        "json",
    ]));
    let again: Value = serde_json::from_str(&ran.stdout).unwrap();
    assert_eq!(again["status"], "online");
    assert_eq!(again["version"], "1.2.4");
    assert_eq!(again["createDate"], "2026-01-15T08:00:00Z");
    assert_eq!(again["lastHeartbeatAt"], "2026-01-15T08:00:50Z");
    assert_eq!(again["cpuUsage"], 3.0);

    // The list, through the client's own reader of collections, and as it is on the wire.
    run(world.cmd_at(&dev.url).args([
        "heartbeat",
        "send",
        "web-01",
        "--version",
        "2.0.0",
        "--uptime",
        "5",
        "--cpu",
        "1",
        "--mem",
        "2",
    ]));
    let listed = dev.runtime.block_on(async {
        let (ui, _captured) = agentctl::ui::Ui::captured(false);
        let client = agentctl::api::ApiClient::new(
            agentctl::api::ClientOptions {
                base_url: dev.url.parse().unwrap(),
                token: Some(agentctl::secret::Secret::new(TOKEN)),
                request_timeout: Duration::from_secs(10),
                retries: 0,
                cacert: None,
                allow_insecure_http: false,
                proxy: agentctl::api::ProxyConfig::none(),
                clock: agentctl::clock::Clock::system(),
            },
            std::sync::Arc::new(ui),
        )
        .unwrap();
        client.list_agents(&[]).await.unwrap()
    });
    let ids: Vec<String> = listed.iter().map(|a| a.uuid().unwrap()).collect();
    assert_eq!(ids, ["agent-abc123-def456", "web-01"]);
    let page = dev.get("/api/v1/agents");
    assert_eq!(page.status, 200);
    assert_eq!(page.json["total"], 2);
    assert_eq!(page.json["items"][0], again);

    dev.clock.advance(Duration::from_secs(25));
    let delayed = dev.get("/api/v1/agents?status=delayed");
    assert_eq!(delayed.json["total"], 2);
    assert_eq!(dev.get("/api/v1/agents?status=online").json["total"], 0);
    assert_error(
        &dev.get("/api/v1/agents?status=asleep"),
        400,
        Some("status"),
    );
}

#[test]
fn seeded_records_filter_by_type_and_region() {
    let seed = agentctl::dev_server::seed::parse_seed(
        br#"[{"uuid":"agent-abc123-def456","name":"prod-agent-01","type":"log","version":"1.2.3",
              "endpoint":"http://192.168.1.10:7890","platformId":"plat-001-abc","region":"us-east-1",
              "labels":"{\"env\":\"prod\",\"team\":\"ops\"}","lastHeartbeatAt":"2026-01-15T08:00:00Z",
              "createDate":"2026-01-01T00:00:00Z"},
             {"uuid":"m-1","type":"metric","region":"eu-west-1"}]"#,
        UNIX_EPOCH + Duration::from_secs(START_SECS),
    )
    .unwrap();
    let dev = Dev::start_with(|config| config.seed = seed);
    let one = dev.get("/api/v1/agents/agent-abc123-def456");
    assert_eq!(one.json["name"], "prod-agent-01");
    assert_eq!(one.json["labels"], r#"{"env":"prod","team":"ops"}"#);
    assert_eq!(one.json["status"], "online");
    assert_eq!(one.json["lastOpDate"], "2026-01-01T00:00:00Z");
    let never = dev.get("/api/v1/agents/m-1");
    assert_eq!(never.json["status"], "offline");
    assert_eq!(never.json["lastHeartbeatAt"], Value::Null);
    let ids = |query: &str| -> Vec<Value> {
        let page = dev.get(&format!("/api/v1/agents?{query}"));
        page.json["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["uuid"].clone())
            .collect()
    };
    assert_eq!(ids("type=log"), [json!("agent-abc123-def456")]);
    assert_eq!(ids("region=eu-west-1"), [json!("m-1")]);
    assert_eq!(ids("type=log&region=eu-west-1"), Vec::<Value>::new());
    assert_eq!(ids("status=offline"), [json!("m-1")]);

    // The wide table shows the seeded labels.
    let world = World::new();
    let ran =
        run(world
            .cmd_at(&dev.url)
            .args(["agent", "show", "agent-abc123-def456", "-o", "wide"]));
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert!(ran.stdout.contains("env=prod,team=ops"), "{}", ran.stdout);
}

#[test]
fn every_route_wants_the_token() {
    let dev = Dev::start();
    dev.put_heartbeat("known", SEED_BODY.as_bytes());
    let routes: [(&str, &str, Option<&[u8]>); 3] = [
        (
            "PUT",
            "/api/v1/agents/known/heartbeat",
            Some(SEED_BODY.as_bytes()),
        ),
        ("GET", "/api/v1/agents/known", None),
        ("GET", "/api/v1/agents", None),
    ];
    for (method, path, body) in routes {
        let missing = dev.call(method, path, None, body);
        assert_error(&missing, 401, None);
        assert_eq!(
            missing.headers["www-authenticate"],
            r#"Bearer realm="agentctl dev-server""#
        );
        for wrong in ["tok-5ecr3t-9f8e7d6c5b4b", "tok", "x"] {
            let answer = dev.call(method, path, Some(wrong), body);
            assert_error(&answer, 401, None);
            assert!(
                answer.headers["www-authenticate"]
                    .to_str()
                    .unwrap()
                    .contains(r#"error="invalid_token""#)
            );
        }
    }
    // Another scheme is no token at all.
    let basic = dev.runtime.block_on(async {
        dev.http
            .get(format!("{}/api/v1/agents", dev.url))
            .header("authorization", format!("Basic {TOKEN}"))
            .send()
            .await
            .unwrap()
            .status()
    });
    assert_eq!(basic.as_u16(), 401);
    // A refused heartbeat registers nothing.
    dev.call(
        "PUT",
        "/api/v1/agents/new/heartbeat",
        None,
        Some(SEED_BODY.as_bytes()),
    );
    assert_eq!(dev.server().agent_count(), 1);

    // The CLI maps it to exit 3, and never prints the token.
    let world = World::new();
    let mut cmd = world.cmd();
    cmd.env("AGENTCTL_HOST", &dev.url)
        .env("AGENTCTL_TOKEN", "not-the-token");
    let ran = run(cmd.args(["agent", "show", "known"]));
    assert_eq!(ran.code, 3, "{}", ran.stderr);
    let mut cmd = world.cmd();
    cmd.env("AGENTCTL_HOST", &dev.url);
    let ran = run(cmd.args(["agent", "show", "known"]));
    assert_eq!(ran.code, 3, "{}", ran.stderr);
}

#[test]
fn bad_bodies_get_400_or_413_naming_the_field_and_change_nothing() {
    let dev = Dev::start();
    assert_eq!(dev.put_heartbeat("a1", SEED_BODY.as_bytes()).status, 200);
    let before = dev.get("/api/v1/agents/a1").json;
    dev.clock.advance(Duration::from_secs(5));
    let big = format!(
        r#"{{"version":"1.2.3","uptime":1,"cpuUsage":1,"memUsage":1,"pad":"{}"}}"#,
        "x".repeat(64 * 1024)
    );
    let cases: Vec<(Vec<u8>, u16, &str)> = vec![
        (b"".to_vec(), 400, "body"),
        (b"not json".to_vec(), 400, "body"),
        (b"[1,2,3]".to_vec(), 400, "body"),
        (b"\"text\"".to_vec(), 400, "body"),
        (
            br#"{"uptime":1,"cpuUsage":1,"memUsage":1}"#.to_vec(),
            400,
            "version",
        ),
        (
            br#"{"version":"","uptime":1,"cpuUsage":1,"memUsage":1}"#.to_vec(),
            400,
            "version",
        ),
        (
            br#"{"version":1.2,"uptime":1,"cpuUsage":1,"memUsage":1}"#.to_vec(),
            400,
            "version",
        ),
        (
            br#"{"version":"9","cpuUsage":1,"memUsage":1}"#.to_vec(),
            400,
            "uptime",
        ),
        (
            br#"{"version":"9","uptime":"86400","cpuUsage":1,"memUsage":1}"#.to_vec(),
            400,
            "uptime",
        ),
        (
            br#"{"version":"9","uptime":-1,"cpuUsage":1,"memUsage":1}"#.to_vec(),
            400,
            "uptime",
        ),
        (
            br#"{"version":"9","uptime":0.5,"cpuUsage":1,"memUsage":1}"#.to_vec(),
            400,
            "uptime",
        ),
        (
            br#"{"version":"9","uptime":1,"memUsage":1}"#.to_vec(),
            400,
            "cpuUsage",
        ),
        (
            br#"{"version":"9","uptime":1,"cpuUsage":"12.5","memUsage":1}"#.to_vec(),
            400,
            "cpuUsage",
        ),
        (
            br#"{"version":"9","uptime":1,"cpuUsage":100.01,"memUsage":1}"#.to_vec(),
            400,
            "cpuUsage",
        ),
        (
            br#"{"version":"9","uptime":1,"cpuUsage":-1,"memUsage":1}"#.to_vec(),
            400,
            "cpuUsage",
        ),
        (
            br#"{"version":"9","uptime":1,"cpuUsage":1}"#.to_vec(),
            400,
            "memUsage",
        ),
        (
            br#"{"version":"9","uptime":1,"cpuUsage":1,"memUsage":true}"#.to_vec(),
            400,
            "memUsage",
        ),
        (
            br#"{"version":"9","uptime":1,"cpuUsage":1,"memUsage":101}"#.to_vec(),
            400,
            "memUsage",
        ),
        (big.into_bytes(), 413, "body"),
    ];
    for (body, status, field) in &cases {
        let answer = dev.put_heartbeat("a1", body);
        assert_error(&answer, *status, Some(field));
        // Nothing half-applied, and a refused heartbeat for a new id registers nothing.
        assert_eq!(dev.get("/api/v1/agents/a1").json, before, "{field}");
        let fresh = dev.put_heartbeat("fresh", body);
        assert_eq!(fresh.status, *status);
        assert_error(&dev.get("/api/v1/agents/fresh"), 404, None);
    }
    assert_eq!(dev.server().agent_count(), 1);
    // Exactly at the limit is still read (and then judged as JSON).
    let template = r#"{"version":"1.2.3","uptime":1,"cpuUsage":1,"memUsage":1,"pad":""}"#;
    let padded = template.replace(
        r#""pad":"""#,
        &format!(r#""pad":"{}""#, "x".repeat(64 * 1024 - template.len())),
    );
    assert_eq!(padded.len(), 64 * 1024);
    assert_eq!(dev.put_heartbeat("a1", padded.as_bytes()).status, 200);
}

#[test]
fn unknown_routes_404_and_wrong_methods_405() {
    let dev = Dev::start();
    for path in [
        "/",
        "/api/v1",
        "/api/v1/agent",
        "/api/v1/agents/a/b/c",
        "/api/v2/agents",
    ] {
        assert_error(&dev.get(path), 404, None);
    }
    assert_error(&dev.get("/api/v1/agents/nobody"), 404, None);
    assert_error(&dev.get("/api/v1/agents/.."), 404, None);
    assert_error(&dev.get("/api/v1/agents/a%2Fb"), 400, Some("uuid"));
    for (method, path, allow) in [
        ("POST", "/api/v1/agents", "GET,HEAD"),
        ("DELETE", "/api/v1/agents/x", "GET,HEAD"),
        ("PUT", "/api/v1/agents/x", "GET,HEAD"),
        ("GET", "/api/v1/agents/x/heartbeat", "PUT"),
        ("POST", "/api/v1/agents/x/heartbeat", "PUT"),
    ] {
        let answer = dev.call(method, path, Some(TOKEN), None);
        assert_error(&answer, 405, None);
        assert_eq!(answer.headers["allow"], allow, "{method} {path}");
    }
    let world = World::new();
    let ran = run(world.cmd_at(&dev.url).args(["agent", "show", "nobody"]));
    assert_eq!(ran.code, 4, "{}", ran.stderr);
    assert!(ran.stderr.contains("no agent 'nobody'"), "{}", ran.stderr);
}

#[test]
fn two_thousand_heartbeats_from_sixteen_clients_make_one_hundred_agents() {
    let dev = Dev::start();
    let url = dev.url.clone();
    let statuses: Vec<u16> = dev.runtime.block_on(async {
        let clients = (0..16).map(|client| {
            let url = url.clone();
            tokio::spawn(async move {
                let http = http_client();
                let mut statuses = Vec::with_capacity(125);
                for beat in 0..125 {
                    let id = (client * 125 + beat) % 100;
                    let body = format!(
                        r#"{{"version":"1.0.{client}","uptime":{beat},"cpuUsage":{},"memUsage":50}}"#,
                        beat % 101
                    );
                    let answer = send(
                        &http,
                        &url,
                        "PUT",
                        &format!("/api/v1/agents/agent-{id:03}/heartbeat"),
                        Some(TOKEN),
                        Some(body.as_bytes()),
                    )
                    .await;
                    assert_eq!(answer.json["uuid"], format!("agent-{id:03}"));
                    statuses.push(answer.status);
                }
                statuses
            })
        });
        let mut all = Vec::new();
        for handle in futures_util::future::join_all(clients).await {
            all.extend(handle.unwrap());
        }
        all
    });
    assert_eq!(statuses.len(), 2000);
    assert!(statuses.iter().all(|&s| s == 200), "{statuses:?}");
    assert_eq!(dev.server().agent_count(), 100);
    let page = dev.get("/api/v1/agents");
    assert_eq!(page.json["total"], 100);
    let ids: Vec<&str> = page.json["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["uuid"].as_str().unwrap())
        .collect();
    let expected: Vec<String> = (0..100).map(|i| format!("agent-{i:03}")).collect();
    assert_eq!(ids, expected);
}

#[test]
fn status_follows_the_monotonic_clock_when_the_wall_clock_is_stepped() {
    let dev = Dev::start();
    let beat = br#"{"version":"1.2.3","uptime":1,"cpuUsage":1.0,"memUsage":1.0}"#;
    assert_eq!(dev.put_heartbeat("dead", beat).status, 200);
    dev.clock.advance(Duration::from_secs(60));
    assert_eq!(dev.put_heartbeat("live", beat).status, 200);
    let start = UNIX_EPOCH + Duration::from_secs(START_SECS);
    for (wall, label) in [
        (
            start + Duration::from_secs(60) - Duration::from_secs(3600),
            "an hour back",
        ),
        (start + Duration::from_secs(60 + 3600), "an hour forward"),
    ] {
        dev.clock.set_time_of_day(wall);
        let dead = dev.get("/api/v1/agents/dead").json;
        let live = dev.get("/api/v1/agents/live").json;
        assert_eq!(
            (dead["status"].as_str(), live["status"].as_str()),
            (Some("offline"), Some("online")),
            "wall clock stepped {label}"
        );
        // The stamps are the time of day they were heard at.
        assert_eq!(live["lastHeartbeatAt"], "2026-01-15T08:01:00Z");
        let online = dev.get("/api/v1/agents?status=online").json;
        assert_eq!(online["total"], 1, "{label}: {online}");
    }
}
