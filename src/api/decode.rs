//! Reading records from response bodies: one agent, or a collection in any of its envelopes.

use super::error::{ApiError, malformed};
use super::models::{Agent, json_kind};
use serde_json::Value;

fn parse_json(body: &[u8], what: &str, secret: Option<&str>) -> Result<Value, ApiError> {
    serde_json::from_slice(body)
        .map_err(|err| malformed(what, &format!("not JSON ({err})"), body, secret))
}

/// Reads one agent record from a response body; `what` names the call in errors, which never
/// quote `secret` (the token).
pub fn read_agent(body: &[u8], what: &str, secret: Option<&str>) -> Result<Agent, ApiError> {
    let value = parse_json(body, what, secret)?;
    let kind = json_kind(&value);
    Agent::from_value(value).map_err(|_| {
        malformed(
            what,
            &format!("expected an agent object, got {kind}"),
            body,
            secret,
        )
    })
}

/// The envelopes a collection may come in, in the order they are tried.
const LIST_KEYS: [&str; 5] = ["items", "data", "agents", "list", "records"];

/// Reads a collection of agent records from a response body.
pub fn read_agent_list(
    body: &[u8],
    what: &str,
    secret: Option<&str>,
) -> Result<Vec<Agent>, ApiError> {
    let value = parse_json(body, what, secret)?;
    let items = match value {
        Value::Array(items) => items,
        Value::Object(mut object) => LIST_KEYS
            .iter()
            .find_map(|key| match object.remove(*key) {
                Some(Value::Array(items)) => Some(items),
                _ => None,
            })
            .ok_or_else(|| {
                malformed(
                    what,
                    &format!(
                        "expected an array of agents, or an object holding one under {}",
                        LIST_KEYS.join(", ")
                    ),
                    body,
                    secret,
                )
            })?,
        other => {
            return Err(malformed(
                what,
                &format!("expected an array of agents, got {}", json_kind(&other)),
                body,
                secret,
            ));
        }
    };
    items
        .into_iter()
        .enumerate()
        .map(|(index, item)| {
            let kind = json_kind(&item);
            Agent::from_value(item).map_err(|_| {
                malformed(
                    what,
                    &format!("item {index} is {kind}, not an agent object"),
                    body,
                    secret,
                )
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::client::agents_url;
    use crate::api::ids::AgentId;
    use url::Url;

    #[test]
    fn list_envelopes() {
        let one = br#"[{"uuid":"a"}]"#;
        assert_eq!(read_agent_list(one, "x", None).unwrap().len(), 1);
        for key in LIST_KEYS {
            let body = format!(r#"{{"total":1,"{key}":[{{"uuid":"a"}}]}}"#);
            assert_eq!(
                read_agent_list(body.as_bytes(), "x", None).unwrap()[0]
                    .uuid()
                    .unwrap(),
                "a"
            );
        }
        assert!(read_agent_list(br#"{"rows":[]}"#, "x", None).is_err());
        assert!(read_agent_list(br#"[1]"#, "x", None).is_err());
    }

    proptest::proptest! {
        /// Any accepted id comes back out of the URL as exactly itself, as one segment.
        #[test]
        fn ids_round_trip_through_the_url(id in "\\PC{1,40}") {
            if let Ok(agent_id) = AgentId::parse(&id) {
                let url = agents_url(&Url::parse("https://h/gw/").unwrap(), Some(&agent_id), Some("heartbeat"));
                let segments: Vec<&str> = url.path_segments().unwrap().collect();
                proptest::prop_assert_eq!(segments.len(), 6);
                let decoded = percent_encoding::percent_decode_str(segments[4]).decode_utf8().unwrap();
                proptest::prop_assert_eq!(decoded.as_ref(), id.as_str());
                proptest::prop_assert!(url.query().is_none() && url.fragment().is_none());
            }
        }

        /// Reading arbitrary bytes as a record or a list never panics.
        #[test]
        fn record_reader_never_panics(body in proptest::collection::vec(proptest::num::u8::ANY, 0..200)) {
            let _ = read_agent(&body, "x", None);
            let _ = read_agent_list(&body, "x", None);
        }
    }
}
