//! The settings a profile can hold: their names, how a typed value is checked before it is
//! stored, and how a stored value is read back. `config set` and settings resolution share
//! these, so a value that `config set` accepts is one resolution understands.

use super::settings::{DEFAULT_REQUEST_TIMEOUT, DEFAULT_RETRIES, parse_host};
use crate::duration::{format_duration, parse_duration};
use crate::error::{Error, Result};
use crate::output::OutputFormat;
use clap::ValueEnum;
use std::path::PathBuf;
use std::time::Duration;
use url::Url;

/// A key of a profile in `config.toml`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfigKey {
    Host,
    Output,
    RequestTimeout,
    Retries,
    Cacert,
}

impl ConfigKey {
    pub const ALL: [ConfigKey; 5] = [
        ConfigKey::Host,
        ConfigKey::Output,
        ConfigKey::RequestTimeout,
        ConfigKey::Retries,
        ConfigKey::Cacert,
    ];

    pub fn name(self) -> &'static str {
        match self {
            ConfigKey::Host => "host",
            ConfigKey::Output => "output",
            ConfigKey::RequestTimeout => "request_timeout",
            ConfigKey::Retries => "retries",
            ConfigKey::Cacert => "cacert",
        }
    }

    /// The valid key names, for errors and help.
    pub fn names() -> String {
        Self::ALL.map(Self::name).join(", ")
    }

    /// A key by name (`request-timeout` is accepted for `request_timeout`). An unknown key is a
    /// usage error listing the valid ones.
    pub fn parse(name: &str) -> Result<ConfigKey> {
        let normalized = name.trim().to_ascii_lowercase().replace('-', "_");
        if let Some(key) = Self::ALL.into_iter().find(|k| k.name() == normalized) {
            return Ok(key);
        }
        if normalized == "token" {
            return Err(Error::usage("the token is not a config key").with_hint(
                "a token on the command line lands in shell history; store it with \
                 `agentctl auth login` (or pipe it to `agentctl auth login --with-token`)",
            ));
        }
        Err(Error::usage(format!(
            "unknown config key '{}'; valid keys: {}",
            crate::sanitize::sanitize(name),
            Self::names()
        )))
    }

    /// The built-in default, when the key has one.
    pub fn default_value(self) -> Option<String> {
        match self {
            ConfigKey::Host | ConfigKey::Cacert => None,
            ConfigKey::Output => OutputFormat::default()
                .to_possible_value()
                .map(|v| v.get_name().to_owned()),
            ConfigKey::RequestTimeout => Some(format_duration(DEFAULT_REQUEST_TIMEOUT)),
            ConfigKey::Retries => Some(DEFAULT_RETRIES.to_string()),
        }
    }

    /// Checks a value typed by the operator and returns what to store. A bad value is a usage
    /// error naming the key.
    pub fn parse_value(self, text: &str) -> Result<toml::Value> {
        let text = text.trim();
        let value = match self {
            ConfigKey::Retries => match text.parse::<u32>() {
                Ok(n) => toml::Value::Integer(i64::from(n)),
                Err(_) => {
                    return Err(Error::usage(format!(
                        "invalid value for retries: '{text}' (expected a whole number, e.g. 2)"
                    )));
                }
            },
            ConfigKey::Output => match <OutputFormat as ValueEnum>::from_str(text, true) {
                Ok(format) => toml::Value::String(output_name(format)),
                Err(_) => return Err(Error::usage(bad_output(text))),
            },
            ConfigKey::Cacert => {
                let path = std::path::absolute(text).map_err(|err| {
                    Error::usage(format!("invalid value for cacert: '{text}': {err}"))
                })?;
                if !path.is_file() {
                    return Err(Error::usage(format!(
                        "invalid value for cacert: {} is not a file",
                        path.display()
                    )));
                }
                toml::Value::String(path.to_string_lossy().into_owned())
            }
            ConfigKey::Host | ConfigKey::RequestTimeout => toml::Value::String(text.to_owned()),
        };
        // One set of rules: what is stored must read back.
        let checked = match self {
            ConfigKey::Host => read_host(&value).map(drop),
            ConfigKey::RequestTimeout => read_duration(&value).map(drop),
            _ => Ok(()),
        };
        checked.map_err(|err| Error::usage(format!("invalid value for {}: {err}", self.name())))?;
        Ok(value)
    }
}

fn output_name(format: OutputFormat) -> String {
    format
        .to_possible_value()
        .map(|v| v.get_name().to_owned())
        .unwrap_or_default()
}

fn bad_output(text: &str) -> String {
    let names: Vec<String> = OutputFormat::value_variants()
        .iter()
        .map(|f| output_name(*f))
        .collect();
    format!(
        "invalid value for output: '{}' (expected one of {})",
        crate::sanitize::sanitize(text),
        names.join(", ")
    )
}

/// A stored value as the operator would type it (strings unquoted).
pub fn display_value(value: &toml::Value) -> String {
    match value {
        toml::Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

pub(crate) fn read_host(value: &toml::Value) -> Result<Url, String> {
    let text = value.as_str().ok_or("expected a string holding a URL")?;
    parse_host(text, "host").map_err(|err| match err.hint {
        Some(hint) => format!("{} ({hint})", err.message.trim_start_matches("host: ")),
        None => err.message.trim_start_matches("host: ").to_owned(),
    })
}

pub(crate) fn read_output(value: &toml::Value) -> Result<OutputFormat, String> {
    let text = value.as_str().ok_or("expected a string")?;
    <OutputFormat as ValueEnum>::from_str(text, true).map_err(|_| bad_output(text))
}

pub(crate) fn read_duration(value: &toml::Value) -> Result<Duration, String> {
    match value {
        toml::Value::String(text) => parse_duration(text),
        toml::Value::Integer(secs) => u64::try_from(*secs)
            .map(Duration::from_secs)
            .map_err(|_| format!("{secs} is negative")),
        _ => Err("expected a duration such as \"10s\"".into()),
    }
}

pub(crate) fn read_retries(value: &toml::Value) -> Result<u32, String> {
    value
        .as_integer()
        .and_then(|n| u32::try_from(n).ok())
        .ok_or_else(|| "expected a whole number, e.g. 2".into())
}

pub(crate) fn read_path(value: &toml::Value) -> Result<PathBuf, String> {
    value
        .as_str()
        .map(PathBuf::from)
        .ok_or_else(|| "expected a string holding a file path".into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    #[test]
    fn keys_by_name() {
        assert_eq!(ConfigKey::parse("host").unwrap(), ConfigKey::Host);
        assert_eq!(
            ConfigKey::parse("request-timeout").unwrap(),
            ConfigKey::RequestTimeout
        );
        let err = ConfigKey::parse("colour").unwrap_err();
        assert_eq!(err.kind, ErrorKind::Usage);
        assert!(
            err.message
                .contains("host, output, request_timeout, retries, cacert")
        );
        assert!(ConfigKey::parse("token").unwrap_err().hint.is_some());
    }

    #[test]
    fn values_are_checked_and_normalized() {
        let ok = |key: ConfigKey, text| key.parse_value(text).unwrap();
        assert_eq!(ok(ConfigKey::Output, "JSON").as_str(), Some("json"));
        assert_eq!(ok(ConfigKey::Retries, "3").as_integer(), Some(3));
        assert_eq!(
            ok(ConfigKey::RequestTimeout, "1m30s").as_str(),
            Some("1m30s")
        );
        assert_eq!(
            ok(ConfigKey::Host, " https://h/gw ").as_str(),
            Some("https://h/gw")
        );
        for (key, bad) in [
            (ConfigKey::Output, "xml"),
            (ConfigKey::Host, "not-a-url"),
            (ConfigKey::Host, "ftp://h"),
            (ConfigKey::RequestTimeout, "soon"),
            (ConfigKey::Retries, "-1"),
            (ConfigKey::Cacert, "/no/such/file.pem"),
        ] {
            let err = key.parse_value(bad).unwrap_err();
            assert_eq!(err.kind, ErrorKind::Usage, "{bad}");
            assert!(err.message.contains(key.name()), "{}", err.message);
        }
    }

    #[test]
    fn stored_values_read_back() {
        assert_eq!(
            read_duration(&toml::Value::Integer(30)),
            Ok(Duration::from_secs(30))
        );
        assert!(read_duration(&toml::Value::Integer(-1)).is_err());
        assert!(read_retries(&toml::Value::String("2".into())).is_err());
        assert_eq!(
            ConfigKey::RequestTimeout.default_value().as_deref(),
            Some("10s")
        );
        assert_eq!(ConfigKey::Output.default_value().as_deref(), Some("table"));
        assert_eq!(display_value(&toml::Value::Integer(2)), "2");
        assert_eq!(display_value(&toml::Value::String("x".into())), "x");
    }
}
