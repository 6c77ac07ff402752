//! Reading records from response bodies: one agent, or a page of a collection in any of its
//! envelopes. Records are kept as the text the server sent (see `record`); no JSON tree is
//! built for a body.

use super::error::{ApiError, malformed};
use super::record::{Agent, text_kind};
use serde::de::{self, IgnoredAny, MapAccess, Visitor};
use serde_json::value::RawValue;
use std::fmt;

fn parse_raw<'a>(
    body: &'a [u8],
    what: &str,
    secret: Option<&str>,
) -> Result<&'a RawValue, ApiError> {
    serde_json::from_slice(body)
        .map_err(|err| malformed(what, &format!("not JSON ({err})"), body, secret))
}

/// Reads one agent record from a response body; `what` names the call in errors, which never
/// quote `secret` (the token).
pub fn read_agent(body: &[u8], what: &str, secret: Option<&str>) -> Result<Agent, ApiError> {
    let raw = parse_raw(body, what, secret)?;
    Agent::from_raw(raw).map_err(|kind| {
        malformed(
            what,
            &format!("expected an agent object, got {kind}"),
            body,
            secret,
        )
    })
}

/// The envelopes a collection may come in, in the order they are tried (contract §1).
pub const LIST_KEYS: [&str; 6] = ["items", "list", "data", "agents", "records", "rows"];

/// One page of a listing: its records, and the server's count of all records when it gave one.
#[derive(Debug, Default)]
pub struct Page {
    pub records: Vec<Agent>,
    pub total: Option<u64>,
}

/// Reads a collection of agent records from a response body.
pub fn read_agent_list(
    body: &[u8],
    what: &str,
    secret: Option<&str>,
) -> Result<Vec<Agent>, ApiError> {
    read_page(body, what, secret, usize::MAX).map(|page| page.records)
}

/// Reads one page of a listing: a bare array, or an object holding the array under one of
/// [`LIST_KEYS`] and, optionally, `total` (a number, or a string holding one).
///
/// A page holding more than `most` records (the `pageSize` asked for) is malformed: the
/// count is checked while the array is read, before any record is built, so a body of
/// millions of tiny records costs the body and `most` records, never one record each.
pub fn read_page(
    body: &[u8],
    what: &str,
    secret: Option<&str>,
    most: usize,
) -> Result<Page, ApiError> {
    let raw = parse_raw(body, what, secret)?;
    let text = raw.get();
    let (items, total) = if text.starts_with('[') {
        (text, None)
    } else if text.starts_with('{') {
        let envelope: Envelope = serde_json::from_str(text)
            .map_err(|err| malformed(what, &format!("not JSON ({err})"), body, secret))?;
        let items = envelope
            .lists
            .iter()
            .flatten()
            .map(|raw| raw.get())
            .find(|text| text.starts_with('['))
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
            })?;
        (items, envelope.total.and_then(|raw| read_count(raw.get())))
    } else {
        return Err(malformed(
            what,
            &format!("expected an array of agents, got {}", text_kind(text)),
            body,
            secret,
        ));
    };
    let mut deserializer = serde_json::Deserializer::from_str(items);
    let items = de::Deserializer::deserialize_seq(&mut deserializer, AtMost(most)).map_err(
        |err| match err.is_data() && err.to_string().starts_with(TOO_MANY) {
            true => malformed(
                what,
                &format!(
                    "the page holds more than the {most} agents asked for (pageSize={most}); \
                     a server that ignores pageSize cannot be walked safely"
                ),
                body,
                secret,
            ),
            false => malformed(what, &format!("not JSON ({err})"), body, secret),
        },
    )?;
    let records = items
        .into_iter()
        .enumerate()
        .map(|(index, item)| {
            Agent::from_raw(item).map_err(|kind| {
                malformed(
                    what,
                    &format!("item {index} is {kind}, not an agent object"),
                    body,
                    secret,
                )
            })
        })
        .collect::<Result<Vec<Agent>, ApiError>>()?;
    Ok(Page { records, total })
}

/// The start of the error [`AtMost`] stops with.
const TOO_MANY: &str = "more items than asked for";

/// An array's items as borrowed JSON texts, refused past `.0` items.
struct AtMost(usize);

impl<'de> Visitor<'de> for AtMost {
    type Value = Vec<&'de RawValue>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array")
    }

    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<&'de RawValue>()? {
            if items.len() == self.0 {
                return Err(de::Error::custom(TOO_MANY));
            }
            items.push(item);
        }
        Ok(items)
    }
}

/// A count: a whole number, or a string holding one.
fn read_count(text: &str) -> Option<u64> {
    let text = text
        .strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .unwrap_or(text);
    let text = text.trim();
    text.parse::<u64>().ok().or_else(|| {
        let float: f64 = text.parse().ok()?;
        (float.is_finite() && float >= 0.0 && float.fract() == 0.0).then_some(float as u64)
    })
}

/// The parts of an envelope object that matter, borrowed from the body.
struct Envelope<'a> {
    lists: [Option<&'a RawValue>; LIST_KEYS.len()],
    total: Option<&'a RawValue>,
}

impl<'de: 'a, 'a> serde::Deserialize<'de> for Envelope<'a> {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(EnvelopeVisitor(std::marker::PhantomData))
    }
}

struct EnvelopeVisitor<'a>(std::marker::PhantomData<&'a ()>);

impl<'de: 'a, 'a> Visitor<'de> for EnvelopeVisitor<'a> {
    type Value = Envelope<'a>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Envelope<'a>, A::Error> {
        let mut envelope = Envelope {
            lists: [None; LIST_KEYS.len()],
            total: None,
        };
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            if key == "total" {
                envelope.total = Some(map.next_value()?);
            } else if let Some(index) = LIST_KEYS.iter().position(|k| *k == key) {
                envelope.lists[index] = Some(map.next_value()?);
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(envelope)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::ids::AgentId;
    use crate::api::urls::agents_url;
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
        assert!(
            read_agent_list(br#"{"rows":[]}"#, "x", None)
                .unwrap()
                .is_empty()
        );
        assert!(read_agent_list(br#"{"other":[]}"#, "x", None).is_err());
        let page = read_page(
            br#"{"total":"7","data":{"x":1},"rows":[{"uuid":"a"}]}"#,
            "x",
            None,
            1,
        )
        .unwrap();
        assert_eq!((page.records.len(), page.total), (1, Some(7)));
        assert_eq!(
            read_page(br#"{"total":null,"items":[]}"#, "x", None, 1)
                .unwrap()
                .total,
            None
        );
        assert!(read_agent_list(br#"[1]"#, "x", None).is_err());
    }

    #[test]
    fn a_page_longer_than_asked_is_refused_before_its_records_are_built() {
        let two = br#"{"items":[{"uuid":"a"},{"uuid":"b"}],"total":2}"#;
        assert_eq!(read_page(two, "x", None, 2).unwrap().records.len(), 2);
        let err = read_page(two, "x", None, 1).unwrap_err();
        assert_eq!(err.failure, crate::api::Failure::Malformed);
        assert!(
            err.detail
                .contains("the page holds more than the 1 agents asked for (pageSize=1)"),
            "{err}"
        );
        let err = read_page(b"[{},{", "x", None, 5).unwrap_err();
        assert!(err.detail.contains("not JSON"), "{err}");
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
            // What is read can be built as a value and redacted (`-o json`, `--jq`).
            for agent in read_agent(&body, "x", None).into_iter().chain(read_agent_list(&body, "x", None).into_iter().flatten()) {
                let _ = agent.to_value();
                let _ = agent.redacted("tok");
            }
        }
    }
}
