//! Agent ids as they go into a URL path: checked before any request, then encoded as one
//! path segment. Ids are not required to be RFC 4122 UUIDs (the seed's own example is
//! `agent-abc123-def456`).

use std::fmt;

/// The longest id accepted, in bytes.
pub const MAX_ID_BYTES: usize = 256;

/// An agent id that is safe to put into a URL path as one segment.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AgentId(String);

impl AgentId {
    /// Checks an id; the error says why it was refused (the caller names the argument).
    pub fn parse(id: &str) -> Result<AgentId, String> {
        if id.is_empty() {
            return Err("the agent id is empty".into());
        }
        if id == "." || id == ".." {
            return Err(format!(
                "'{id}' is not an agent id (it would change the URL path)"
            ));
        }
        if id.contains('/') {
            return Err(format!(
                "'{}' contains '/', which an agent id cannot",
                crate::sanitize::sanitize(id)
            ));
        }
        if id.chars().any(char::is_control) {
            return Err(format!(
                "'{}' contains a control character",
                crate::sanitize::sanitize(id)
            ));
        }
        if id.len() > MAX_ID_BYTES {
            return Err(format!(
                "the agent id is {} bytes long; the limit is {MAX_ID_BYTES}",
                id.len()
            ));
        }
        Ok(AgentId(id.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for AgentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_seed_style_and_uuid_ids() {
        for id in [
            "agent-abc123-def456",
            "3f2b8c1e-0000-4000-8000-000000000001",
            "a b?c#d",
            "ünïcode",
        ] {
            assert_eq!(AgentId::parse(id).unwrap().as_str(), id);
        }
    }

    #[test]
    fn refuses_ids_that_would_escape_the_path() {
        for id in [
            "",
            ".",
            "..",
            "../../admin",
            "a/b",
            "a\u{1b}b",
            "a\nb",
            "a\u{0}b",
        ] {
            assert!(AgentId::parse(id).is_err(), "{id:?} should be refused");
        }
        assert!(AgentId::parse(&"x".repeat(MAX_ID_BYTES)).is_ok());
        assert!(AgentId::parse(&"x".repeat(MAX_ID_BYTES + 1)).is_err());
    }
}
