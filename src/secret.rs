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
}
