//! What goes over the wire: the heartbeat body (the seed's request example) and agent records
//! (read tolerantly, kept as received).

use crate::timestamp::{MissingOffset, parse_rfc3339};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The heartbeat body, exactly the seed's request example shape:
/// `{"version":"1.2.3","uptime":86400,"cpuUsage":12.5,"memUsage":35.2}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HeartbeatRequest {
    pub version: String,
    /// Whole seconds the agent process has been running (a JSON integer).
    pub uptime: u64,
    #[serde(serialize_with = "whole_as_integer")]
    pub cpu_usage: f64,
    #[serde(serialize_with = "whole_as_integer")]
    pub mem_usage: f64,
}

/// `35.2` stays `35.2`, but `100.0` goes out as `100`: the seed's field table types the usages
/// as Long, and a whole number written as an integer is read by either kind of server.
fn whole_as_integer<S: serde::Serializer>(value: &f64, serializer: S) -> Result<S::Ok, S::Error> {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        serializer.serialize_i64(*value as i64)
    } else {
        serializer.serialize_f64(*value)
    }
}

impl HeartbeatRequest {
    /// The body as it goes over the wire (the one place a heartbeat is serialized).
    pub fn to_json_bytes(&self) -> Vec<u8> {
        serde_json::to_vec(self).expect("a heartbeat always serializes")
    }

    /// Checks every field; the error names the field and what is allowed.
    pub fn validate(&self) -> Result<(), FieldError> {
        validate_version(&self.version).map_err(|msg| FieldError::new("version", msg))?;
        validate_percent(self.cpu_usage).map_err(|msg| FieldError::new("cpuUsage", msg))?;
        validate_percent(self.mem_usage).map_err(|msg| FieldError::new("memUsage", msg))?;
        Ok(())
    }

    /// Reads a heartbeat body from JSON text (for `--body`): an object with the four fields
    /// of the seed, each of the right type and range. Other fields are refused, so a typo
    /// (`cpu_usage`) does not silently send a half-empty heartbeat.
    pub fn from_json(text: &[u8]) -> Result<HeartbeatRequest, FieldError> {
        let value: Value = serde_json::from_slice(text)
            .map_err(|err| FieldError::new("body", format!("is not valid JSON: {err}")))?;
        // serde_json keeps the last of two equal keys; which one a server keeps is anyone's
        // guess, so a body that names a field twice is refused.
        serde_json::from_slice::<UniqueKeys>(text)
            .map_err(|err| FieldError::new("body", format!("names a field twice: {err}")))?;
        let Value::Object(object) = value else {
            return Err(FieldError::new("body", "must be a JSON object"));
        };
        const FIELDS: [&str; 4] = ["version", "uptime", "cpuUsage", "memUsage"];
        if let Some(unknown) = object.keys().find(|key| !FIELDS.contains(&key.as_str())) {
            return Err(FieldError::new(
                unknown,
                format!("is not a heartbeat field (expected {})", FIELDS.join(", ")),
            ));
        }
        let field = |name: &str| {
            object
                .get(name)
                .ok_or_else(|| FieldError::new(name, "is missing"))
        };
        let version = field("version")?
            .as_str()
            .ok_or_else(|| FieldError::new("version", "must be a string"))?
            .to_owned();
        let uptime = field("uptime")?;
        let uptime = uptime.as_u64().ok_or_else(|| {
            if uptime.as_i64().is_some_and(|n| n < 0) || uptime.as_f64().is_some_and(|n| n < 0.0) {
                FieldError::new("uptime", "must not be negative")
            } else {
                FieldError::new("uptime", "must be a whole number of seconds")
            }
        })?;
        let number = |name: &str| -> Result<f64, FieldError> {
            field(name)?
                .as_f64()
                .ok_or_else(|| FieldError::new(name, "must be a number"))
        };
        let request = HeartbeatRequest {
            version,
            uptime,
            cpu_usage: number("cpuUsage")?,
            mem_usage: number("memUsage")?,
        };
        request.validate()?;
        Ok(request)
    }
}

/// The JSON text of a heartbeat body, as it goes over the wire.
pub fn heartbeat_json(body: &HeartbeatRequest) -> String {
    String::from_utf8(body.to_json_bytes()).expect("JSON is UTF-8")
}

/// A JSON document checked for objects that hold the same key twice (at any depth).
struct UniqueKeys;

impl<'de> serde::Deserialize<'de> for UniqueKeys {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(UniqueKeysVisitor)
    }
}

struct UniqueKeysVisitor;

impl<'de> serde::de::Visitor<'de> for UniqueKeysVisitor {
    type Value = UniqueKeys;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<UniqueKeys, E> {
        Ok(UniqueKeys)
    }
    fn visit_i64<E>(self, _: i64) -> Result<UniqueKeys, E> {
        Ok(UniqueKeys)
    }
    fn visit_u64<E>(self, _: u64) -> Result<UniqueKeys, E> {
        Ok(UniqueKeys)
    }
    fn visit_f64<E>(self, _: f64) -> Result<UniqueKeys, E> {
        Ok(UniqueKeys)
    }
    fn visit_str<E>(self, _: &str) -> Result<UniqueKeys, E> {
        Ok(UniqueKeys)
    }
    fn visit_unit<E>(self) -> Result<UniqueKeys, E> {
        Ok(UniqueKeys)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<UniqueKeys, A::Error> {
        while seq.next_element::<UniqueKeys>()?.is_some() {}
        Ok(UniqueKeys)
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<UniqueKeys, A::Error> {
        let mut seen = std::collections::HashSet::new();
        while let Some(key) = map.next_key::<String>()? {
            if !seen.insert(key.clone()) {
                return Err(serde::de::Error::custom(format!(
                    "the key \"{}\" appears twice",
                    crate::sanitize::sanitize(&key)
                )));
            }
            map.next_value::<UniqueKeys>()?;
        }
        Ok(UniqueKeys)
    }
}

/// A field of a heartbeat that is not acceptable, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: &str, message: impl Into<String>) -> Self {
        FieldError {
            field: field.to_owned(),
            message: message.into(),
        }
    }
}

impl std::fmt::Display for FieldError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.field, self.message)
    }
}

/// A usage percentage: finite and within 0–100.
/// A usage percentage flag: a finite number within 0–100.
pub fn parse_percent(text: &str) -> Result<f64, String> {
    let value: f64 = text
        .trim()
        .parse()
        .map_err(|_| format!("'{text}' is not a number (0–100)"))?;
    validate_percent(value)
}

/// An agent version flag.
pub fn parse_version(text: &str) -> Result<String, String> {
    validate_version(text)?;
    Ok(text.to_owned())
}

pub fn validate_percent(value: f64) -> Result<f64, String> {
    if !value.is_finite() {
        return Err(format!("{value} is not a finite number (0–100)"));
    }
    if !(0.0..=100.0).contains(&value) {
        return Err(format!("{value} is outside 0–100"));
    }
    Ok(value)
}

/// An agent version: non-empty, no control characters, at most 256 bytes.
pub fn validate_version(version: &str) -> Result<(), String> {
    if version.trim().is_empty() {
        return Err("must not be empty".into());
    }
    if version.chars().any(char::is_control) {
        return Err("must not contain control characters".into());
    }
    if version.len() > 256 {
        return Err("is longer than 256 bytes".into());
    }
    Ok(())
}

/// Reads a timestamp: RFC 3339 (`Z`, `+02:00` or `-0530`, fractional seconds, a space for `T`;
/// without an offset it is UTC), or a number of seconds (milliseconds when it is too large to
/// be seconds) since the epoch.
pub fn parse_timestamp(value: &Value) -> Option<SystemTime> {
    match value {
        Value::Number(n) => from_epoch_number(n.as_f64()?),
        Value::String(s) => {
            let s = s.trim();
            if let Ok(n) = s.parse::<f64>() {
                return from_epoch_number(n);
            }
            parse_rfc3339(s, MissingOffset::Utc).ok()
        }
        _ => None,
    }
}

fn from_epoch_number(n: f64) -> Option<SystemTime> {
    if !n.is_finite() || n < 0.0 {
        return None;
    }
    let secs = if n > 1e11 { n / 1000.0 } else { n };
    UNIX_EPOCH.checked_add(Duration::try_from_secs_f64(secs).ok()?)
}

/// A short name for the type of a JSON value, for error messages.
pub fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::record::Agent;

    #[test]
    fn percent_and_version_parsers() {
        assert_eq!(parse_percent("12.5"), Ok(12.5));
        for bad in ["150", "-1", "NaN", "inf", "x"] {
            assert!(parse_percent(bad).is_err(), "{bad}");
        }
        assert!(parse_version("").is_err());
        assert!(parse_version("1.2\n").is_err());
        assert_eq!(parse_version("1.2.3").unwrap(), "1.2.3");
    }
    use serde_json::json;

    #[test]
    fn heartbeat_serializes_as_the_seed_example() {
        let body = HeartbeatRequest {
            version: "1.2.3".into(),
            uptime: 86400,
            cpu_usage: 12.5,
            mem_usage: 35.2,
        };
        assert_eq!(
            serde_json::to_string(&body).unwrap(),
            r#"{"version":"1.2.3","uptime":86400,"cpuUsage":12.5,"memUsage":35.2}"#
        );
        let whole = HeartbeatRequest {
            cpu_usage: 0.0,
            mem_usage: 100.0,
            ..body
        };
        assert_eq!(
            serde_json::to_string(&whole).unwrap(),
            r#"{"version":"1.2.3","uptime":86400,"cpuUsage":0,"memUsage":100}"#
        );
    }

    #[test]
    fn body_files_are_validated_like_flags() {
        let ok = HeartbeatRequest::from_json(
            br#"{"version":"1.2.3","uptime":86400,"cpuUsage":12.5,"memUsage":35.2}"#,
        )
        .unwrap();
        assert_eq!(ok.uptime, 86400);
        let cases: [(&[u8], &str); 8] = [
            (b"nope", "body"),
            (b"[1]", "body"),
            (br#"{"uptime":1,"cpuUsage":1,"memUsage":1}"#, "version"),
            (
                br#"{"version":"1","uptime":-5,"cpuUsage":1,"memUsage":1}"#,
                "uptime",
            ),
            (
                br#"{"version":"1","uptime":"86400","cpuUsage":1,"memUsage":1}"#,
                "uptime",
            ),
            (
                br#"{"version":"1","uptime":1,"cpuUsage":150,"memUsage":1}"#,
                "cpuUsage",
            ),
            (
                br#"{"version":"1","uptime":1,"cpuUsage":1,"memUsage":-1}"#,
                "memUsage",
            ),
            (
                br#"{"version":"1","uptime":1,"cpuUsage":1,"memUsage":1,"cpu":3}"#,
                "cpu",
            ),
        ];
        for (text, field) in cases {
            let err = HeartbeatRequest::from_json(text).unwrap_err();
            assert_eq!(err.field, field, "{}", String::from_utf8_lossy(text));
        }
    }

    #[test]
    fn long_decimals_survive_a_round_trip() {
        // Found by fuzzing the --body validator: without serde_json's float_roundtrip,
        // 12.5333…3 read as 12.533333333333331, and the body sent was not the body given.
        let text = br#"{"version":"1","uptime":1,"cpuUsage":12.533333333333333333333333333333333333,"memUsage":35.2}"#;
        let body = HeartbeatRequest::from_json(text).unwrap();
        assert_eq!(body.cpu_usage, 12.533333333333333);
        let again = HeartbeatRequest::from_json(heartbeat_json(&body).as_bytes()).unwrap();
        assert_eq!(again, body);
    }

    #[test]
    fn records_are_read_tolerantly() {
        let agent = Agent::from_value(json!({
            "uuid": 42, "cpuUsage": "12.5", "labels": "{\"env\":\"prod\",\"n\":1}", "extra": [1]
        }))
        .unwrap();
        assert_eq!(agent.uuid().as_deref(), Some("42"));
        assert_eq!(agent.text("cpuUsage").as_deref(), Some("12.5"));
        assert_eq!(
            agent.labels().unwrap(),
            vec![("env".into(), "prod".into()), ("n".into(), "1".into())]
        );
        assert!(Agent::from_value(json!([1])).is_err());
        let as_object = Agent::from_value(json!({"labels": {"team": "ops"}})).unwrap();
        assert_eq!(
            as_object.labels().unwrap(),
            vec![("team".into(), "ops".into())]
        );
    }

    #[test]
    fn timestamps_in_several_shapes() {
        let utc = parse_timestamp(&json!("2026-01-15T08:00:00Z")).unwrap();
        assert_eq!(
            parse_timestamp(&json!("2026-01-15T10:00:00+02:00")),
            Some(utc)
        );
        assert_eq!(
            parse_timestamp(&json!("2026-01-15T03:00:00-05:00")),
            Some(utc)
        );
        // An offset without its colon, as the doc above has always said.
        assert_eq!(
            parse_timestamp(&json!("2026-01-15T02:30:00-0530")),
            Some(utc)
        );
        // What servers write instead of RFC 3339: a space for `T`, no offset (UTC).
        assert_eq!(parse_timestamp(&json!("2026-01-15 08:00:00")), Some(utc));
        let epoch = utc.duration_since(UNIX_EPOCH).unwrap().as_secs();
        assert_eq!(parse_timestamp(&json!(epoch)), Some(utc));
        assert_eq!(parse_timestamp(&json!(epoch * 1000)), Some(utc));
        assert!(parse_timestamp(&json!("2026-01-15T08:00:00.123Z")).is_some());
        assert_eq!(parse_timestamp(&json!("yesterday")), None);
        // Found by the property test: a multi-byte character where an offset would start.
        assert_eq!(parse_timestamp(&json!("ጓi?\\ቘy%:🕴\"ળ%5𑧟ඳ")), None);
    }

    fn arbitrary_json() -> impl proptest::strategy::Strategy<Value = Value> {
        use proptest::prelude::*;
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<f64>()
                .prop_map(|n| serde_json::Number::from_f64(n).map_or(Value::Null, Value::Number)),
            any::<i64>().prop_map(|n| Value::Number(n.into())),
            "\\PC{0,20}".prop_map(Value::String),
            prop_oneof![
                Just("2026-01-15T08:00:00Z"),
                Just("{\"a\":1}"),
                Just("-1e400"),
                Just("+99:99")
            ]
            .prop_map(|s| Value::String(s.into())),
        ];
        leaf.prop_recursive(3, 32, 6, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                proptest::collection::vec(
                    (
                        prop_oneof![
                            Just("uuid".to_owned()),
                            Just("labels".to_owned()),
                            Just("lastHeartbeatAt".to_owned()),
                            Just("status".to_owned()),
                            Just("createDate".to_owned()),
                            "\\PC{0,8}"
                        ],
                        inner
                    ),
                    0..6
                )
                .prop_map(|pairs| Value::Object(pairs.into_iter().collect())),
            ]
        })
    }

    proptest::proptest! {
        /// Whatever JSON a server sends, reading and rendering it never panics.
        #[test]
        fn reading_any_record_never_panics(value in arbitrary_json()) {
            if let Ok(agent) = Agent::from_value(value) {
                for field in ["uuid", "status", "labels", "lastHeartbeatAt", "createDate"] {
                    let _ = agent.text(field);
                    let _ = agent.time(field);
                }
                let _ = agent.labels();
                let options = crate::output::OutputOptions {
                    color: true,
                    ..crate::output::OutputOptions::new(
                        crate::output::OutputFormat::Wide,
                        std::time::UNIX_EPOCH,
                    )
                };
                let _ = crate::output::agents_table(&[agent], true, &options);
            }
        }

        /// The heartbeat body validator never panics and never accepts what the contract refuses.
        #[test]
        fn body_validator_is_total(value in arbitrary_json()) {
            let text = value.to_string();
            if let Ok(body) = HeartbeatRequest::from_json(text.as_bytes()) {
                proptest::prop_assert!(body.validate().is_ok());
                proptest::prop_assert!((0.0..=100.0).contains(&body.cpu_usage));
            }
        }
    }
}
