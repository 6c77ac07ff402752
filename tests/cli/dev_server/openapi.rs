//! api/openapi.yaml against the running dev server.

use super::*;

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
