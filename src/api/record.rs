//! One agent record in a compact form: the JSON text the server sent for it (printed as is),
//! and where in that text the few fields agentctl reads are. No `serde_json::Value` tree is
//! built per record: a listing of 100,000 agents is 100,000 strings, not 100,000 maps.
//!
//! Reading stays tolerant (contract §1): every field is optional, a number that arrives as a
//! string or a string that arrives as a number is accepted, `labels` may be a JSON string
//! holding an object or an object, and unknown fields are kept in the text.

use super::models::parse_timestamp;
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use serde_json::{Map, Value};
use std::borrow::Cow;
use std::fmt;
use std::time::SystemTime;

/// The fields agentctl reads, located once when a record is read. Any other field is still
/// reachable (found by a scan of the text when asked for).
const FIELDS: [&str; 12] = [
    "uuid",
    "name",
    "type",
    "status",
    "version",
    "region",
    "lastHeartbeatAt",
    "labels",
    "endpoint",
    "platformId",
    "createDate",
    "lastOpDate",
];

/// The deepest nesting of arrays and objects a record may have, the record's own object
/// counted. serde_json accepts any depth as raw text but refuses past 127 when it builds a
/// value (`-o json`, `--jq`, redaction), so a deeper record is refused where it enters.
pub const MAX_NESTING: usize = 100;

/// What a record nested deeper than [`MAX_NESTING`] is called in errors.
const TOO_DEEP: &str = "an object nested deeper than 100 levels";

/// The deepest nesting of arrays and objects in valid JSON text (brackets inside strings
/// are not counted).
fn nesting(text: &str) -> usize {
    let (mut depth, mut deepest) = (0usize, 0usize);
    let (mut in_string, mut escaped) = (false, false);
    for &b in text.as_bytes() {
        if in_string {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    deepest
}

/// Where a field's JSON value is in the record's text; `len == 0` means absent (a JSON value
/// is never empty).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Span {
    start: u32,
    len: u32,
}

/// One agent record as the server sent it.
#[derive(Clone)]
pub struct Agent {
    raw: Box<RawValue>,
    spans: [Span; FIELDS.len()],
}

impl Agent {
    /// Reads a record from the JSON text of one value; the error names what the value was
    /// when it is not an object.
    pub fn from_raw(raw: &RawValue) -> Result<Agent, &'static str> {
        let text = raw.get();
        if !text.starts_with('{') {
            return Err(text_kind(text));
        }
        if nesting(text) > MAX_NESTING {
            return Err(TOO_DEEP);
        }
        let mut spans = [Span::default(); FIELDS.len()];
        scan(
            text,
            &|key| FIELDS.iter().position(|f| *f == key),
            &mut |index, span| spans[index] = span,
        )
        .map_err(|_| "an object that is not valid JSON")?;
        Ok(Agent {
            raw: raw.to_owned(),
            spans,
        })
    }

    /// Reads a record from JSON text.
    pub fn from_json(text: &str) -> Result<Agent, String> {
        let raw: &RawValue =
            serde_json::from_str(text).map_err(|err| format!("not JSON ({err})"))?;
        Agent::from_raw(raw).map_err(|kind| format!("expected an agent object, got {kind}"))
    }

    /// Reads a record from a JSON value that must be an object.
    pub fn from_value(value: Value) -> Result<Agent, String> {
        if !value.is_object() {
            return Err(format!(
                "expected an agent object, got {}",
                super::models::json_kind(&value)
            ));
        }
        Agent::from_json(&value.to_string())
    }

    /// The record with the token redacted if it echoes it (one of its strings or keys is the
    /// token whole, [`crate::secret::redact_echoed_record`]): the one exception to "the record
    /// exactly as sent". Any other record stays the server's bytes, even where the token's
    /// text sits inside a field name or a longer string. Only a record whose text holds the
    /// token, or an escape that could spell it, is parsed to find out.
    pub fn redacted(self, secret: &str) -> Agent {
        let text = self.raw.get();
        // The token can only be in a decoded string if the text holds it as is, in its JSON
        // escaped form (a token may hold `"` or `\`), or behind a `\u`/`\/` escape; other
        // records (labels as escaped JSON are common) are not parsed on this per-record path.
        let escaped = serde_json::to_string(secret).unwrap_or_default();
        let escaped = escaped.trim_matches('"');
        let may_hold = text.contains(secret)
            || text.contains(escaped)
            || text.contains("\\u")
            || text.contains("\\/");
        if secret.is_empty() || !may_hold {
            return self;
        }
        let Value::Object(mut map) = self.to_value() else {
            return self;
        };
        // `labels` as a string holding an object (the seed's form) is judged decoded, as the
        // LABELS column shows it: a token escaped inside that string is a label's value.
        let labels_text = match map.get("labels") {
            Some(Value::String(text)) => serde_json::from_str::<Map<String, Value>>(text).ok(),
            _ => None,
        };
        let labels_were_text = labels_text.is_some();
        if let Some(labels) = labels_text {
            map.insert("labels".to_owned(), Value::Object(labels));
        }
        if !crate::secret::redact_echoed_record(&mut map, secret) {
            return self;
        }
        if labels_were_text && let Some(labels) = map.get_mut("labels") {
            *labels = Value::String(labels.to_string());
        }
        Agent::from_value(Value::Object(map)).unwrap_or(self)
    }

    /// The record's JSON text, exactly as the server sent it.
    pub fn json(&self) -> &str {
        self.raw.get()
    }

    /// The record as one compact line: the server's text without the blanks between tokens
    /// (strings, numbers and escapes untouched).
    pub fn compact_json(&self) -> Cow<'_, str> {
        compact(self.raw.get())
    }

    /// The record as a JSON value (for `--jq` and pretty printing), built on demand. Every
    /// record was checked to be valid JSON within serde_json's nesting limit when it was
    /// read ([`MAX_NESTING`]).
    pub fn to_value(&self) -> Value {
        serde_json::from_str(self.raw.get())
            .expect("a record is valid JSON within the nesting limit")
    }

    /// The JSON text of one field's value.
    pub fn field_json(&self, field: &str) -> Option<&str> {
        let text = self.raw.get();
        let span = match FIELDS.iter().position(|f| *f == field) {
            Some(index) => self.spans[index],
            None => {
                let mut found = Span::default();
                let _ = scan(text, &|key| (key == field).then_some(0), &mut |_, span| {
                    found = span
                });
                found
            }
        };
        if span.len == 0 {
            return None;
        }
        text.get(span.start as usize..(span.start + span.len) as usize)
    }

    /// A field as text: strings as they are, numbers and booleans printed.
    pub fn text(&self, field: &str) -> Option<String> {
        self.text_ref(field).map(Cow::into_owned)
    }

    /// A field as text, borrowed from the record when it holds no escapes.
    pub fn text_ref(&self, field: &str) -> Option<Cow<'_, str>> {
        scalar_text(self.field_json(field)?)
    }

    pub fn uuid(&self) -> Option<String> {
        self.text("uuid")
    }

    pub fn status(&self) -> Option<String> {
        self.text("status")
    }

    /// The labels, from a JSON string holding an object (the seed) or an object.
    /// Values that are not strings are printed as JSON.
    pub fn labels(&self) -> Option<Vec<(String, String)>> {
        let json = self.field_json("labels")?;
        let object: Map<String, Value> = if json.starts_with('"') {
            let inner: String = serde_json::from_str(json).ok()?;
            serde_json::from_str(&inner).ok()?
        } else {
            serde_json::from_str(json).ok()?
        };
        Some(
            object
                .into_iter()
                .map(|(key, value)| {
                    let value = match value {
                        Value::String(s) => s,
                        other => other.to_string(),
                    };
                    (key, value)
                })
                .collect(),
        )
    }

    /// A timestamp field (`lastHeartbeatAt`, `createDate`, `lastOpDate`).
    pub fn time(&self, field: &str) -> Option<SystemTime> {
        let json = self.field_json(field)?;
        if !(json.starts_with('"') || json.starts_with(|c: char| c == '-' || c.is_ascii_digit())) {
            return None;
        }
        parse_timestamp(&serde_json::from_str(json).ok()?)
    }
}

impl PartialEq for Agent {
    fn eq(&self, other: &Agent) -> bool {
        self.raw.get() == other.raw.get()
    }
}

impl fmt::Debug for Agent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Agent({})", self.raw.get())
    }
}

impl Serialize for Agent {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.raw.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Agent {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Agent, D::Error> {
        let raw = Box::<RawValue>::deserialize(deserializer)?;
        Agent::from_raw(&raw)
            .map_err(|kind| de::Error::custom(format!("expected an agent object, got {kind}")))
    }
}

/// The text of a scalar JSON value: a string decoded (borrowed when it has no escapes), a
/// number or a boolean as written; `None` for null, arrays and objects.
fn scalar_text(json: &str) -> Option<Cow<'_, str>> {
    match json.as_bytes().first()? {
        b'"' => {
            let inner = &json[1..json.len() - 1];
            if inner.contains('\\') {
                serde_json::from_str::<String>(json).ok().map(Cow::Owned)
            } else {
                Some(Cow::Borrowed(inner))
            }
        }
        b'n' | b'{' | b'[' => None,
        _ => Some(Cow::Borrowed(json)),
    }
}

/// A short name for the type of the JSON value `text` starts, for error messages.
pub fn text_kind(text: &str) -> &'static str {
    match text.trim_start().as_bytes().first() {
        Some(b'{') => "an object",
        Some(b'[') => "an array",
        Some(b'"') => "a string",
        Some(b't' | b'f') => "a boolean",
        Some(b'n') => "null",
        Some(_) => "a number",
        None => "nothing",
    }
}

/// Calls `found(index, span)` for each key of the object `text` that `wanted` maps to an
/// index (a later duplicate key wins, as in a JSON map).
fn scan(
    text: &str,
    wanted: &dyn Fn(&str) -> Option<usize>,
    found: &mut dyn FnMut(usize, Span),
) -> Result<(), serde_json::Error> {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    de::Deserializer::deserialize_map(
        &mut deserializer,
        SpanVisitor {
            base: text.as_ptr() as usize,
            wanted,
            found,
        },
    )
}

struct SpanVisitor<'a, 'b> {
    base: usize,
    wanted: &'a dyn Fn(&str) -> Option<usize>,
    found: &'b mut dyn FnMut(usize, Span),
}

impl<'de> Visitor<'de> for SpanVisitor<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(index) = map.next_key_seed(KeySeed(self.wanted))? {
            match index {
                Some(index) => {
                    let value: &'de RawValue = map.next_value()?;
                    let text = value.get();
                    // The value borrows from the record's text: its offset is where it starts.
                    let start = (text.as_ptr() as usize).wrapping_sub(self.base);
                    (self.found)(
                        index,
                        Span {
                            start: start as u32,
                            len: text.len() as u32,
                        },
                    );
                }
                None => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

/// Reads a key and maps it to a field index without allocating (unless it holds escapes).
struct KeySeed<'a>(&'a dyn Fn(&str) -> Option<usize>);

impl<'de> DeserializeSeed<'de> for KeySeed<'_> {
    type Value = Option<usize>;

    fn deserialize<D: de::Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeySeed<'_> {
    type Value = Option<usize>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a key")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<Self::Value, E> {
        Ok((self.0)(key))
    }
}

/// `text` without the blanks between JSON tokens; borrowed when it has none.
pub fn compact(text: &str) -> Cow<'_, str> {
    let bytes = text.as_bytes();
    let mut in_string = false;
    let mut escaped = false;
    let blank = |b: u8| matches!(b, b' ' | b'\t' | b'\n' | b'\r');
    if !bytes.iter().any(|&b| blank(b)) {
        return Cow::Borrowed(text);
    }
    let mut out = Vec::with_capacity(bytes.len());
    for &b in bytes {
        if in_string {
            out.push(b);
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
            }
        } else if b == b'"' {
            in_string = true;
            out.push(b);
        } else if !blank(b) {
            out.push(b);
        }
    }
    if out.len() == bytes.len() {
        return Cow::Borrowed(text);
    }
    // Only ASCII blanks were dropped, at token boundaries: still UTF-8.
    Cow::Owned(String::from_utf8(out).expect("UTF-8 in, UTF-8 out"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_echoed_token_is_redacted_however_it_is_spelled_and_other_records_stay_as_sent() {
        let token = "tok-5ecr3t-9f8e7d6c";
        let plain = Agent::from_json(
            r#"{"uuid":"a","name":"x tok-5ecr3t-9f8e7d6c","t":"tok-5ecr3t-9f8e7d6c"}"#,
        )
        .unwrap();
        assert_eq!(
            plain.redacted(token).json(),
            r#"{"uuid":"a","name":"x [REDACTED]","t":"[REDACTED]"}"#
        );
        // \u0074 is 't': the escape spells the token.
        let escaped =
            Agent::from_json(r#"{"uuid":"a","name":"\u0074ok-5ecr3t-9f8e7d6c"}"#).unwrap();
        assert_eq!(
            escaped.redacted(token).json(),
            r#"{"uuid":"a","name":"[REDACTED]"}"#
        );
        // The token's text inside longer strings only: the server's bytes, untouched.
        let text = r#"{"uuid":"a", "tok-5ecr3t-9f8e7d6c-count":1, "name":"x tok-5ecr3t-9f8e7d6c"}"#;
        let inside = Agent::from_json(text).unwrap();
        assert_eq!(inside.redacted(token).json(), text);
        // The token inside the labels string, escaped there: redacted in the decoded labels,
        // which stay a string.
        let text = r#"{"uuid":"a","labels":"{\"k\":\"\\u0074ok-5ecr3t-9f8e7d6c\"}"}"#;
        let redacted = Agent::from_json(text).unwrap().redacted(token);
        assert_eq!(
            redacted.json(),
            r#"{"uuid":"a","labels":"{\"k\":\"[REDACTED]\"}"}"#
        );
        assert_eq!(
            redacted.labels().unwrap(),
            [("k".into(), "[REDACTED]".into())]
        );
        // Escaped JSON in labels, no token: the server's bytes, untouched.
        let text = r#"{"uuid":"a", "labels":"{\"team\":\"ops\"}"}"#;
        let labels = Agent::from_json(text).unwrap();
        assert_eq!(labels.redacted(token).json(), text);
    }

    #[test]
    fn fields_are_found_without_a_tree_and_the_text_is_kept() {
        let text = r#"{ "uuid" : 42, "name":"a\"b", "status":"online", "extra": [1, {"uuid":"x"}],
            "labels": "{\"env\":\"prod\"}", "cpuUsage": "12.5", "big": 1.000000000000000000001 }"#;
        let agent = Agent::from_json(text).unwrap();
        assert_eq!(agent.json(), text);
        assert_eq!(agent.uuid().as_deref(), Some("42"));
        assert_eq!(agent.text("name").as_deref(), Some("a\"b"));
        assert_eq!(agent.status().as_deref(), Some("online"));
        assert_eq!(agent.text("cpuUsage").as_deref(), Some("12.5"));
        assert_eq!(agent.field_json("extra"), Some(r#"[1, {"uuid":"x"}]"#));
        assert_eq!(agent.text("extra"), None);
        assert_eq!(agent.labels().unwrap(), [("env".into(), "prod".into())]);
        assert_eq!(
            agent.compact_json(),
            r#"{"uuid":42,"name":"a\"b","status":"online","extra":[1,{"uuid":"x"}],"labels":"{\"env\":\"prod\"}","cpuUsage":"12.5","big":1.000000000000000000001}"#
        );
        assert_eq!(
            serde_json::to_string(&agent).unwrap(),
            text,
            "serialized as sent"
        );
        let compact = r#"{"a":"x y"}"#;
        assert!(matches!(compact_of(compact), Cow::Borrowed(_)));
    }

    fn compact_of(text: &str) -> Cow<'_, str> {
        compact(text)
    }

    #[test]
    fn a_record_nested_past_the_limit_is_refused_and_one_within_it_builds_a_value() {
        let nested = |depth: usize| {
            format!(
                r#"{{"uuid":"a","s":"[[[{{","labels":{}1{}}}"#,
                "[".repeat(depth),
                "]".repeat(depth)
            )
        };
        let within = Agent::from_json(&nested(MAX_NESTING - 1)).unwrap();
        assert_eq!(within.uuid().as_deref(), Some("a"));
        let _ = within.to_value();
        let _ = within.redacted("tok-5ecr3t-9f8e7d6c");
        assert_eq!(
            Agent::from_json(&nested(MAX_NESTING)).unwrap_err(),
            "expected an agent object, got an object nested deeper than 100 levels"
        );
        assert_eq!(
            Agent::from_json(&nested(200)).unwrap_err(),
            "expected an agent object, got an object nested deeper than 100 levels"
        );
    }

    #[test]
    fn duplicate_keys_take_the_last_and_escaped_keys_are_found() {
        let agent = Agent::from_json(r#"{"status":"online","st\u0061tus":"offline"}"#).unwrap();
        assert_eq!(agent.status().as_deref(), Some("offline"));
        assert!(Agent::from_json("[1]").is_err());
        assert!(Agent::from_json("7").is_err());
    }
}
