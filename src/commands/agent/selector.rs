//! `-l/--selector`: kubectl's label selector syntax, matched against an agent's `labels`
//! (client-side: the listing API has no label filter).
//!
//! Requirements are separated by commas and must all hold: `key=value` (or `==`),
//! `key!=value` (also true when the label is missing), `key` (the label exists), `!key` (it
//! does not), `key in (a,b)` and `key notin (a,b)` (also true when missing). Keys and values
//! match exactly, as in kubectl.

use crate::api::Agent;
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Requirement {
    Equals(String, String),
    NotEquals(String, String),
    Exists(String),
    Missing(String),
    In(String, Vec<String>),
    NotIn(String, Vec<String>),
}

/// A parsed label selector.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selector {
    requirements: Vec<Requirement>,
    text: String,
}

impl fmt::Display for Selector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl Selector {
    /// Parses `team=ops,env!=dev,tier in (web,api),!canary`.
    pub fn parse(text: &str) -> Result<Selector, String> {
        let mut requirements = Vec::new();
        for part in split_top_level(text)? {
            let part = part.trim();
            if part.is_empty() {
                return Err(format!(
                    "'{text}': an empty requirement (two commas in a row, or one at an end)"
                ));
            }
            requirements.push(parse_requirement(part)?);
        }
        Ok(Selector {
            requirements,
            text: text.to_owned(),
        })
    }

    /// Whether every requirement holds for the agent's labels.
    pub fn matches(&self, agent: &Agent) -> bool {
        let labels = agent.labels().unwrap_or_default();
        let get = |key: &str| {
            labels
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.as_str())
        };
        self.requirements
            .iter()
            .all(|requirement| match requirement {
                Requirement::Equals(key, value) => get(key) == Some(value.as_str()),
                Requirement::NotEquals(key, value) => get(key) != Some(value.as_str()),
                Requirement::Exists(key) => get(key).is_some(),
                Requirement::Missing(key) => get(key).is_none(),
                Requirement::In(key, values) => {
                    get(key).is_some_and(|v| values.iter().any(|w| w == v))
                }
                Requirement::NotIn(key, values) => {
                    !get(key).is_some_and(|v| values.iter().any(|w| w == v))
                }
            })
    }
}

/// Splits at commas that are not inside parentheses.
fn split_top_level(text: &str) -> Result<Vec<&str>, String> {
    let mut parts = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    for (index, ch) in text.char_indices() {
        match ch {
            '(' => depth += 1,
            ')' => {
                depth = depth
                    .checked_sub(1)
                    .ok_or_else(|| format!("'{text}': a ')' without its '('"))?;
            }
            ',' if depth == 0 => {
                parts.push(&text[start..index]);
                start = index + 1;
            }
            _ => {}
        }
    }
    if depth > 0 {
        return Err(format!("'{text}': a '(' without its ')'"));
    }
    parts.push(&text[start..]);
    Ok(parts)
}

fn parse_requirement(part: &str) -> Result<Requirement, String> {
    if let Some(key) = part.strip_prefix('!') {
        return Ok(Requirement::Missing(key_of(key, part)?));
    }
    for (operator, build) in [
        (
            "!=",
            Requirement::NotEquals as fn(String, String) -> Requirement,
        ),
        ("==", Requirement::Equals),
        ("=", Requirement::Equals),
    ] {
        if let Some((key, value)) = part.split_once(operator) {
            return Ok(build(key_of(key, part)?, value_of(value, part)?));
        }
    }
    let words: Vec<&str> = part.splitn(2, char::is_whitespace).collect();
    if let [key, rest] = words.as_slice() {
        let rest = rest.trim_start();
        for (operator, negated) in [("notin", true), ("in", false)] {
            if let Some(list) = rest.strip_prefix(operator) {
                let list = list.trim();
                let inner = list
                    .strip_prefix('(')
                    .and_then(|l| l.strip_suffix(')'))
                    .ok_or_else(|| format!("'{part}': expected {operator} (a,b,…)"))?;
                let values = inner
                    .split(',')
                    .map(|v| value_of(v, part))
                    .collect::<Result<Vec<_>, _>>()?;
                let key = key_of(key, part)?;
                return Ok(if negated {
                    Requirement::NotIn(key, values)
                } else {
                    Requirement::In(key, values)
                });
            }
        }
        return Err(format!(
            "'{part}': expected key=value, key!=value, key, !key, key in (a,b) or key notin (a,b)"
        ));
    }
    Ok(Requirement::Exists(key_of(part, part)?))
}

fn key_of(key: &str, part: &str) -> Result<String, String> {
    let key = key.trim();
    if key.is_empty() || key.contains(|c: char| c.is_whitespace() || "()!=,".contains(c)) {
        return Err(format!("'{part}': '{key}' is not a label key"));
    }
    Ok(key.to_owned())
}

fn value_of(value: &str, part: &str) -> Result<String, String> {
    let value = value.trim();
    if value.contains(|c: char| c.is_whitespace() || "()!=,".contains(c)) {
        return Err(format!("'{part}': '{value}' is not a label value"));
    }
    Ok(value.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn agent(labels: serde_json::Value) -> Agent {
        Agent::from_value(json!({"uuid": "a", "labels": labels.to_string()})).unwrap()
    }

    #[test]
    fn kubectl_requirements() {
        let ops_prod = agent(json!({"team": "ops", "env": "prod", "tier": "web"}));
        let dev = agent(json!({"team": "dev", "env": "dev"}));
        let none = Agent::from_value(json!({"uuid": "b"})).unwrap();
        let cases = [
            ("team=ops", [true, false, false]),
            ("team==ops,env!=dev", [true, false, false]),
            ("env!=dev", [true, false, true]),
            ("tier", [true, false, false]),
            ("!tier", [false, true, true]),
            ("tier in (web, api)", [true, false, false]),
            ("env notin (dev)", [true, false, true]),
            ("team in (ops,dev),env=prod", [true, false, false]),
            ("team=", [false, false, false]),
        ];
        for (text, expected) in cases {
            let selector = Selector::parse(text).unwrap();
            let got = [&ops_prod, &dev, &none].map(|a| selector.matches(a));
            assert_eq!(got, expected, "{text}");
        }
        let object_labels =
            Agent::from_value(json!({"uuid": "c", "labels": {"team": "ops"}})).unwrap();
        assert!(Selector::parse("team=ops").unwrap().matches(&object_labels));
    }

    #[test]
    fn bad_selectors_say_what_is_wrong() {
        for bad in ["", "a,,b", "=x", "a in b", "a in (b", "a b", "a=(b)", "x)"] {
            assert!(Selector::parse(bad).is_err(), "{bad}");
        }
    }
}
