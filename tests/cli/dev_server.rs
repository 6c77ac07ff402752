//! The dev server over real TCP: started in-process on 127.0.0.1:0 with a test clock (so status
//! changes need no sleeping) and driven by the real `agentctl` binary and raw HTTP; and the
//! `agentctl dev-server` binary itself.

mod network;
mod paging;
mod profiles;

use crate::common::*;
use agentctl::dev_server::{DevServerConfig, DevServerHandle, ManualClock, start};
use serde_json::{Value, json};
use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};
use std::sync::mpsc;
use std::time::{Duration, UNIX_EPOCH};

/// 2026-01-15T08:00:00Z, the seed's example time.
const START_SECS: u64 = 1_768_464_000;

/// A dev server in this process, on its own runtime, with a clock the test moves.
struct Dev {
    runtime: tokio::runtime::Runtime,
    server: Option<DevServerHandle>,
    clock: ManualClock,
    url: String,
    http: reqwest::Client,
}

/// A response as the test sees it.
#[derive(Debug)]
struct Answer {
    status: u16,
    headers: reqwest::header::HeaderMap,
    json: Value,
}

impl Dev {
    fn start() -> Dev {
        Dev::start_with(|_| {})
    }

    fn start_with(adjust: impl FnOnce(&mut DevServerConfig)) -> Dev {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let clock = ManualClock::new(UNIX_EPOCH + Duration::from_secs(START_SECS));
        let mut config = DevServerConfig::new(TOKEN);
        config.clock = clock.clock();
        adjust(&mut config);
        let server = runtime.block_on(async {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            start(listener, config).await.unwrap()
        });
        let url = server.base_url();
        assert!(url.starts_with("http://127.0.0.1:"), "{url}");
        Dev {
            runtime,
            server: Some(server),
            clock,
            url,
            http: http_client(),
        }
    }

    fn server(&self) -> &DevServerHandle {
        self.server.as_ref().unwrap()
    }

    /// One request; `token` None sends no Authorization header.
    fn call(&self, method: &str, path: &str, token: Option<&str>, body: Option<&[u8]>) -> Answer {
        self.runtime
            .block_on(send(&self.http, &self.url, method, path, token, body))
    }

    fn get(&self, path: &str) -> Answer {
        self.call("GET", path, Some(TOKEN), None)
    }

    fn put_heartbeat(&self, id: &str, body: &[u8]) -> Answer {
        self.call(
            "PUT",
            &format!("/api/v1/agents/{id}/heartbeat"),
            Some(TOKEN),
            Some(body),
        )
    }
}

impl Drop for Dev {
    fn drop(&mut self) {
        if let Some(server) = self.server.take() {
            self.runtime.block_on(server.shutdown());
        }
    }
}

fn http_client() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .tls_certs_only(Vec::new())
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap()
}

async fn send(
    http: &reqwest::Client,
    base: &str,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<&[u8]>,
) -> Answer {
    let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
    let mut request = http.request(method, format!("{base}{path}"));
    if let Some(token) = token {
        request = request.header("authorization", format!("Bearer {token}"));
    }
    if let Some(body) = body {
        request = request
            .header("content-type", "application/json")
            .body(body.to_vec());
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let bytes = response.bytes().await.unwrap();
    assert_eq!(
        headers
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_owned()),
        Some("application/json".to_owned()),
        "every answer is JSON: {status} {}",
        String::from_utf8_lossy(&bytes)
    );
    let json = serde_json::from_slice(&bytes)
        .unwrap_or_else(|err| panic!("{status}: not JSON ({err}): {bytes:?}"));
    Answer {
        status,
        headers,
        json,
    }
}

fn assert_error(answer: &Answer, status: u16, field: Option<&str>) {
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
    let seed = agentctl::dev_server::store::parse_seed(
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

/// The OpenAPI description parses, and the dev server agrees with it: the same routes and
/// methods, the same required heartbeat fields, and records with the documented fields.
#[test]
fn the_openapi_description_matches_the_dev_server() {
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/api/openapi.yaml")).unwrap();
    let spec: Value = serde_norway::from_str(&text).expect("api/openapi.yaml parses as YAML");
    assert!(spec["openapi"].as_str().unwrap().starts_with("3.1."));
    let paths = spec["paths"].as_object().unwrap();
    let mut routes: Vec<(String, String)> = paths
        .iter()
        .flat_map(|(path, item)| {
            item.as_object()
                .unwrap()
                .keys()
                .filter(|key| ["get", "put", "post", "delete", "patch"].contains(&key.as_str()))
                .map(|method| (method.to_uppercase(), path.clone()))
                .collect::<Vec<_>>()
        })
        .collect();
    routes.sort();
    assert_eq!(
        routes,
        [
            ("GET".to_owned(), "/api/v1/agents".to_owned()),
            ("GET".to_owned(), "/api/v1/agents/{uuid}".to_owned()),
            (
                "PUT".to_owned(),
                "/api/v1/agents/{uuid}/heartbeat".to_owned()
            ),
        ]
    );

    let schemas = &spec["components"]["schemas"];
    let request = &schemas["HeartbeatRequest"];
    let required: Vec<&str> = request["required"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(required, ["version", "uptime", "cpuUsage", "memUsage"]);
    assert_eq!(request["properties"]["uptime"]["type"], "integer");
    let example = &paths["/api/v1/agents/{uuid}/heartbeat"]["put"]["requestBody"]["content"]["application/json"]
        ["example"];
    assert_eq!(
        serde_json::to_string(example).unwrap(),
        SEED_BODY,
        "the request example is the seed's"
    );

    let dev = Dev::start();
    let example_body = serde_json::to_vec(example).unwrap();
    // The agent the GET routes read is registered first.
    routes.sort_by_key(|(method, _)| method != "PUT");
    // Every documented route answers (not 404/405); every other method on it is a 405.
    for (method, path) in &routes {
        let concrete = path.replace("{uuid}", "agent-abc123-def456");
        let body = (method == "PUT").then_some(example_body.as_slice());
        let answer = dev.call(method, &concrete, Some(TOKEN), body);
        assert_eq!(answer.status, 200, "{method} {path}: {:?}", answer.json);
        for other in ["GET", "PUT", "POST", "DELETE", "PATCH"] {
            if !routes.iter().any(|(m, p)| m == other && p == path) {
                assert_eq!(dev.call(other, &concrete, Some(TOKEN), body).status, 405);
            }
        }
    }
    // Each required field, left out, is the field the 400 names; a field the description
    // does not require is not required by the server either.
    for field in &required {
        let mut body = example.clone();
        body.as_object_mut().unwrap().remove(*field);
        let answer = dev.put_heartbeat("agent-abc123-def456", &serde_json::to_vec(&body).unwrap());
        assert_error(&answer, 400, Some(field));
    }
    // The record carries exactly the documented properties, the seed's response fields among them.
    let record = dev.get("/api/v1/agents/agent-abc123-def456").json;
    let mut sent: Vec<&String> = record.as_object().unwrap().keys().collect();
    let mut documented: Vec<&String> = schemas["Agent"]["properties"]
        .as_object()
        .unwrap()
        .keys()
        .collect();
    sent.sort();
    documented.sort();
    assert_eq!(sent, documented);
    let seed_example: Value = serde_json::from_str(SEED_RESPONSE).unwrap();
    for key in seed_example.as_object().unwrap().keys() {
        assert!(record.get(key).is_some(), "{key}");
    }
    let list = &schemas["AgentList"]["required"];
    assert_eq!(list, &json!(["items", "total", "page", "pageSize"]));
    let listing = dev.get("/api/v1/agents");
    let mut sent: Vec<&String> = listing.json.as_object().unwrap().keys().collect();
    let mut documented: Vec<&String> = schemas["AgentList"]["properties"]
        .as_object()
        .unwrap()
        .keys()
        .collect();
    sent.sort();
    documented.sort();
    assert_eq!(sent, documented);
}

/// Reads the first two stdout lines of a started `agentctl dev-server`.
fn read_banner(child: &mut Child) -> (String, String) {
    let stdout = child.stdout.take().unwrap();
    let (lines_tx, lines_rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            if lines_tx.send(line.unwrap()).is_err() {
                break;
            }
        }
    });
    let first = lines_rx
        .recv_timeout(Duration::from_secs(30))
        .expect("a first line");
    let second = lines_rx
        .recv_timeout(Duration::from_secs(5))
        .expect("an export line");
    (first, second)
}

fn wait_with_timeout(child: &mut Child, limit: Duration) -> std::process::ExitStatus {
    let started = std::time::Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            panic!("agentctl dev-server did not stop within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn the_binary_announces_itself_serves_the_cli_and_stops_on_sigterm() {
    let world = World::new();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_agentctl"))
        .args([
            "dev-server",
            "--listen",
            "127.0.0.1:0",
            "--no-save-profile",
            "-v",
        ])
        .env("AGENTCTL_CONFIG_DIR", world.config_dir())
        .env("HOME", world.home())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (first, second) = read_banner(&mut child);
    let port: u16 = first
        .strip_prefix("listening on http://127.0.0.1:")
        .unwrap_or_else(|| panic!("first line: {first}"))
        .parse()
        .unwrap();
    assert_ne!(port, 0);
    let host = format!("http://127.0.0.1:{port}");
    let rest = second
        .strip_prefix(&format!("export AGENTCTL_HOST={host} AGENTCTL_TOKEN="))
        .unwrap_or_else(|| panic!("second line: {second}"));
    let token = rest.to_owned();
    assert!(token.starts_with("dev_") && token.len() == 68, "{token}");

    let mut cmd = world.cmd();
    cmd.env("AGENTCTL_HOST", &host)
        .env("AGENTCTL_TOKEN", &token);
    let ran = run(cmd.args([
        "heartbeat",
        "send",
        "web-01",
        "--version",
        "1.2.3",
        "--uptime",
        "90",
        "--cpu",
        "5",
        "--mem",
        "6",
        "-o",
        "json",
    ]));
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert!(!ran.stdout.contains(&token) && !ran.stderr.contains(&token));
    let mut cmd = world.cmd();
    cmd.env("AGENTCTL_HOST", &host)
        .env("AGENTCTL_TOKEN", &token);
    let ran = run(cmd.args(["agent", "show", "web-01", "--no-headers"]));
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert!(ran.stdout.starts_with("web-01"), "{}", ran.stdout);
    assert!(ran.stdout.contains("online"), "{}", ran.stdout);

    let killed = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = wait_with_timeout(&mut child, Duration::from_secs(15));
    assert_eq!(status.code(), Some(0), "{status:?}");
    let mut stderr = String::new();
    std::io::Read::read_to_string(child.stderr.as_mut().unwrap(), &mut stderr).unwrap();
    assert!(
        stderr.contains("online < 20s ≤ delayed < 50s ≤ offline"),
        "{stderr}"
    );
    assert!(!stderr.contains("warning"), "{stderr}");
    assert!(
        !world.config_dir().exists(),
        "--no-save-profile wrote config"
    );
}

#[test]
fn sigterm_right_after_the_banner_is_a_clean_stop_with_a_chosen_token_and_seed() {
    let world = World::new();
    let seed = world.home().join("seed.json");
    std::fs::write(&seed, r#"[{"uuid":"a"},{"uuid":"b","type":"log"}]"#).unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_agentctl"))
        .args([
            "dev-server",
            "--listen",
            "127.0.0.1:0",
            "--no-save-profile",
            "--token",
            "it's$",
        ])
        .arg("--seed")
        .arg(&seed)
        .env("AGENTCTL_CONFIG_DIR", world.config_dir())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (_, export) = read_banner(&mut child);
    assert!(
        export.ends_with(r#" AGENTCTL_TOKEN='it'\''s$'"#),
        "{export}"
    );
    std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    let status = wait_with_timeout(&mut child, Duration::from_secs(15));
    assert_eq!(status.code(), Some(0));
    let mut stderr = String::new();
    std::io::Read::read_to_string(child.stderr.as_mut().unwrap(), &mut stderr).unwrap();
    assert!(stderr.contains("2 agents from the seed"), "{stderr}");
}

#[test]
fn bad_settings_are_usage_errors() {
    let world = World::new();
    let ran = run(world.cmd().args([
        "dev-server",
        "--listen",
        "127.0.0.1:0",
        "--delayed-after",
        "30s",
        "--offline-after",
        "30s",
    ]));
    assert_eq!(ran.code, 2, "{}", ran.stderr);
    assert!(
        ran.stderr
            .contains("--offline-after (30s) must be longer than --delayed-after (30s)"),
        "{}",
        ran.stderr
    );
    assert_eq!(ran.stdout, "");

    let bad_seed = world.home().join("agents.json");
    std::fs::write(&bad_seed, r#"[{"uuid":"a"},{"name":"no id"}]"#).unwrap();
    for (file, needle) in [
        (bad_seed.clone(), "record 1: uuid is missing"),
        (world.home().join("missing.json"), "No such file"),
    ] {
        let ran = run(world
            .cmd()
            .args(["dev-server", "--listen", "127.0.0.1:0", "--seed"])
            .arg(&file));
        assert_eq!(ran.code, 2, "{}", ran.stderr);
        assert!(
            ran.stderr.contains(&format!("--seed {}", file.display()))
                && ran.stderr.contains(needle),
            "{}",
            ran.stderr
        );
        assert_eq!(ran.stdout, "");
    }

    // A port that is taken: exit 1 with a hint to take any free one.
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let ran = run(world.cmd().args(["dev-server", "--listen", &addr]));
    assert_eq!(ran.code, 1, "{}", ran.stderr);
    assert!(ran.stderr.contains("127.0.0.1:0"), "{}", ran.stderr);
}
