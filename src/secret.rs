//! A bearer token that cannot be printed by accident: `Debug` and `Display` show `[REDACTED]`.

use std::fmt;

#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The raw value, for the one place that needs it (the `Authorization` header, `auth token`).
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// `abcd…wxyz`: enough to tell two tokens apart, not enough to use one.
    /// Tokens under 20 characters are fully masked: 8 known characters of a short token
    /// would leave too little to guess.
    pub fn masked(&self) -> String {
        let chars: Vec<char> = self.0.chars().collect();
        if chars.len() < 20 {
            return "****".into();
        }
        let head: String = chars[..4].iter().collect();
        let tail: String = chars[chars.len() - 4..].iter().collect();
        format!("{head}…{tail}")
    }
}

/// Replaces every occurrence of `secret` in `text` with `[REDACTED]`.
pub fn redact(text: &str, secret: &str) -> String {
    if secret.is_empty() {
        return text.to_owned();
    }
    text.replace(secret, "[REDACTED]")
}

/// The one rule for what a bearer token may hold: visible ASCII, no spaces (RFC 6750's
/// b64token is stricter still; this is what can travel in an `Authorization` header intact).
/// Used by `auth login`, `dev-server --token`, profile saving and the client.
pub fn check_token(token: &str) -> Result<(), String> {
    if token.is_empty() {
        return Err("the token is empty".into());
    }
    if let Some(bad) = token.chars().find(|c| !c.is_ascii_graphic()) {
        let what = if bad == ' ' {
            "a space".to_owned()
        } else if bad == '\n' || bad == '\r' {
            "a line break".to_owned()
        } else if bad.is_ascii_control() || bad.is_control() {
            "a control character".to_owned()
        } else {
            "a character that is not plain ASCII".to_owned()
        };
        // Never quote the token itself: it is a secret even when it is malformed.
        return Err(format!(
            "the token holds {what}; a bearer token is visible ASCII without spaces"
        ));
    }
    Ok(())
}

/// The shortest token agentctl calls safe. Output is searched for the token to redact it, and a
/// short one (`t`, `tok`) is found inside ordinary words; it is also quick to guess.
pub const MIN_TOKEN_CHARS: usize = 16;

/// The rule for a token agentctl is asked to serve or keep: [`check_token`], and at least
/// [`MIN_TOKEN_CHARS`] characters. `dev-server --token`/`--token-file` refuse a token that
/// breaks it; `auth login` warns (the token is the server's, not agentctl's, to choose).
pub fn check_token_length(token: &str) -> Result<(), String> {
    check_token(token)?;
    let length = token.chars().count();
    if length < MIN_TOKEN_CHARS {
        // The length only: the token itself is never quoted.
        return Err(format!(
            "the token is {length} character{} long; a safe token has at least {MIN_TOKEN_CHARS}",
            if length == 1 { "" } else { "s" }
        ));
    }
    Ok(())
}

/// `text` with `secret` redacted, then cut to `max` characters (`…` marks a cut). Redaction
/// comes first, so a token is never cut into a fragment that no longer matches; and when the
/// cut ends in the first characters of the token (the text was cut inside a `secret` that was
/// not whole, or a fragment sat at the edge), those characters are redacted as well.
pub fn redact_and_cut(text: &str, secret: Option<&str>, max: usize) -> String {
    let secret = secret.filter(|s| !s.is_empty());
    let redacted = match secret {
        Some(secret) => redact(text, secret),
        None => text.to_owned(),
    };
    if redacted.chars().count() <= max {
        return redacted;
    }
    let mut cut: String = redacted.chars().take(max).collect();
    if let Some(secret) = secret {
        let longest_fragment = (1..secret.len())
            .rev()
            .filter(|&len| secret.is_char_boundary(len))
            .find(|&len| cut.ends_with(&secret[..len]));
        if let Some(len) = longest_fragment {
            cut.truncate(cut.len() - len);
            cut.push_str("[REDACTED]");
        }
    }
    cut.push('…');
    cut
}

/// Whether a JSON value echoes `secret`: one of its strings, a value or a key, is the token
/// whole. Only such a value is ever rewritten by redaction: a token's text inside a longer
/// string (a field name, a sentence) is data, and data is printed as the server sent it.
pub fn echoes(value: &serde_json::Value, secret: &str) -> bool {
    use serde_json::Value;
    match value {
        Value::String(text) => !secret.is_empty() && text == secret,
        Value::Array(items) => items.iter().any(|item| echoes(item, secret)),
        Value::Object(map) => map_echoes(map, secret),
        _ => false,
    }
}

fn map_echoes(map: &serde_json::Map<String, serde_json::Value>, secret: &str) -> bool {
    map.iter()
        .any(|(key, value)| (!secret.is_empty() && key == secret) || echoes(value, secret))
}

/// Redacts `secret` in a record (an object) that echoes it ([`echoes`]): then every
/// occurrence in its strings and keys is `[REDACTED]`, since a server that sends the token
/// back whole also composes it into others ("agent of <token>"). A record that does not echo
/// it is left exactly as it is. Returns whether anything changed.
pub fn redact_echoed_record(
    map: &mut serde_json::Map<String, serde_json::Value>,
    secret: &str,
) -> bool {
    if !map_echoes(map, secret) {
        return false;
    }
    redact_map(map, secret);
    true
}

/// Every occurrence of `secret` in the strings of a JSON value, keys included.
fn redact_value(value: &mut serde_json::Value, secret: &str) {
    use serde_json::Value;
    match value {
        Value::String(text) if text.contains(secret) => *text = redact(text, secret),
        Value::Array(items) => items.iter_mut().for_each(|item| redact_value(item, secret)),
        Value::Object(map) => redact_map(map, secret),
        _ => {}
    }
}

fn redact_map(map: &mut serde_json::Map<String, serde_json::Value>, secret: &str) {
    if map.keys().any(|key| key.contains(secret)) {
        // Rebuilt in order, so the record keeps its shape.
        let entries = std::mem::take(map);
        for (key, value) in entries {
            map.insert(redact(&key, secret), value);
        }
    }
    map.values_mut()
        .for_each(|value| redact_value(value, secret));
}

/// Turns core dumps off for this process (soft and hard limit 0): a dump would hold the token.
/// Called first thing at start-up; failing to do so is not worth stopping for.
pub fn disable_core_dumps() {
    #[cfg(unix)]
    {
        use rustix::process::{Resource, Rlimit, setrlimit};
        let _ = setrlimit(
            Resource::Core,
            Rlimit {
                current: Some(0),
                maximum: Some(0),
            },
        );
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[REDACTED]")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[REDACTED]")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_formats_the_value() {
        let token = Secret::new("tok_supersecret_value_123");
        assert_eq!(Secret::new("tok-abcdefghijk").masked(), "****");
        assert_eq!(format!("{token:?} {token}"), "[REDACTED] [REDACTED]");
        assert_eq!(token.masked(), "tok_…_123");
        assert_eq!(Secret::new("short").masked(), "****");
    }

    #[test]
    fn token_rule() {
        assert!(check_token("dev_0123abc-._~+/=").is_ok());
        assert_eq!(check_token("").unwrap_err(), "the token is empty");
        assert!(check_token("a b").unwrap_err().contains("a space"));
        assert!(check_token("tok\nen").unwrap_err().contains("line break"));
        assert!(check_token("tok\u{7}").unwrap_err().contains("control"));
        assert!(
            check_token("tøken")
                .unwrap_err()
                .contains("not plain ASCII")
        );
        assert!(!check_token("tøken").unwrap_err().contains("tøken"));
    }

    #[test]
    fn a_token_under_16_characters_is_short() {
        assert_eq!(
            check_token_length("t").unwrap_err(),
            "the token is 1 character long; a safe token has at least 16"
        );
        assert!(
            check_token_length("0123456789abcde")
                .unwrap_err()
                .starts_with("the token is 15 characters long;")
        );
        assert!(check_token_length("0123456789abcdef").is_ok());
        // The character rule comes first.
        assert!(
            check_token_length("0123456789 abcdef")
                .unwrap_err()
                .contains("a space")
        );
    }

    #[test]
    fn redaction_comes_before_the_cut_and_covers_a_cut_token() {
        let token = "tok-5ecr3t-9f8e7d6c5b4a";
        // The audit's case: the token after 185 characters, cut to 200.
        let text = format!("{}{token} trailing words", "x".repeat(185));
        let quoted = redact_and_cut(&text, Some(token), 200);
        assert!(!quoted.contains("tok-5ecr"), "{quoted}");
        assert!(quoted.starts_with(&"x".repeat(185)), "{quoted}");
        assert!(quoted.contains("[REDACTED]"), "{quoted}");
        // A token that was already cut by the server: the fragment at the edge is redacted.
        let text = format!("{}{}", "y".repeat(195), &token[..10]) + &"z".repeat(50);
        let quoted = redact_and_cut(&text, Some(token), 200);
        assert_eq!(quoted, format!("{}[REDACTED]…", "y".repeat(195)));
        // Nothing to hide, nothing changed but the cut.
        assert_eq!(redact_and_cut("short", Some(token), 200), "short");
        assert_eq!(redact_and_cut("abcdef", None, 3), "abc…");
    }

    #[test]
    fn a_record_that_echoes_the_token_whole_is_redacted_everywhere() {
        let token = "tok-5ecr3t-9f8e7d6c5b4a";
        let serde_json::Value::Object(mut map) = serde_json::json!({
            "a": format!("x {token} y"), "b": [1, token], token: {"c": token}, "d": true,
            "e": "clean"
        }) else {
            unreachable!()
        };
        assert!(redact_echoed_record(&mut map, token));
        assert_eq!(
            serde_json::Value::Object(map.clone()),
            serde_json::json!({
                "a": "x [REDACTED] y", "b": [1, "[REDACTED]"], "[REDACTED]": {"c": "[REDACTED]"},
                "d": true, "e": "clean"
            })
        );
        assert!(!redact_echoed_record(&mut map, token));
        // A key that is the token whole is an echo too.
        let serde_json::Value::Object(mut map) = serde_json::json!({"debug": {token: 1}}) else {
            unreachable!()
        };
        assert!(redact_echoed_record(&mut map, token));
        assert_eq!(
            serde_json::Value::Object(map),
            serde_json::json!({"debug": {"[REDACTED]": 1}})
        );
    }

    #[test]
    fn a_record_that_holds_the_token_only_inside_longer_strings_is_left_as_it_is() {
        let token = "agentFleetRegion";
        let record = serde_json::json!({
            "agentFleetRegionCode": "eu", "labels": {"agentFleetRegionTier": "gold"},
            "note": "see agentFleetRegion docs", "list": ["xagentFleetRegion"]
        });
        let serde_json::Value::Object(mut map) = record.clone() else {
            unreachable!()
        };
        assert!(!echoes(&record, token));
        assert!(!redact_echoed_record(&mut map, token));
        assert_eq!(serde_json::Value::Object(map), record);
        // Nothing is ever redacted for an empty secret.
        assert!(!echoes(&serde_json::json!([""]), ""));
        assert!(!echoes(&serde_json::json!({"": 1}), ""));
        assert!(!echoes(&serde_json::json!(1), token));
    }

    #[test]
    fn redaction_replaces_every_occurrence() {
        assert_eq!(redact("a tok b tok", "tok"), "a [REDACTED] b [REDACTED]");
        assert_eq!(redact("text", ""), "text");
    }
}
