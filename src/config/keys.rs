//! The settings a profile can hold: their names, how a typed value is checked before it is
//! stored, and how a stored value is read back. A value typed to `config set` is checked by the
//! parser of the global flag that sets the same thing (contract §3: `config set` validates a
//! value exactly as the matching flag does), and settings resolution reads stored values with
//! the same rules, so a value `config set` accepts is one the flag and resolution accept.

use super::settings::{DEFAULT_REQUEST_TIMEOUT, DEFAULT_RETRIES, parse_host};
use crate::duration::{format_duration, parse_positive_duration};
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

    /// The global flag that sets the same value, whose parser checks what `config set` is given.
    #[cfg(test)]
    pub fn flag(self) -> &'static str {
        match self {
            ConfigKey::Host => "--host",
            ConfigKey::Output => "--output",
            ConfigKey::RequestTimeout => "--request-timeout",
            ConfigKey::Retries => "--retries",
            ConfigKey::Cacert => "--cacert",
        }
    }

    /// Checks a value typed by the operator, with the parser of the matching flag, and returns
    /// what to store. A bad value is a usage error naming the key and the flag's reason.
    pub fn parse_value(self, text: &str) -> Result<toml::Value> {
        let invalid = |why: String| {
            Error::usage(format!(
                "invalid value for {}: {}",
                self.name(),
                crate::sanitize::sanitize(&why)
            ))
        };
        let value = match self {
            // --host is checked by parse_host when settings are resolved.
            ConfigKey::Host => {
                let url = parse_host(text, "host").map_err(|err| {
                    let why = err.message.trim_start_matches("host: ").to_owned();
                    let error = invalid(why);
                    match err.hint {
                        Some(hint) => error.with_hint(hint),
                        None => error,
                    }
                })?;
                toml::Value::String(super::settings::host_text(&url))
            }
            // -o/--output is a clap value enum, matched as clap matches it (ignoring case).
            ConfigKey::Output => match <OutputFormat as ValueEnum>::from_str(text, true) {
                Ok(format) => toml::Value::String(output_name(format)),
                Err(_) => return Err(Error::usage(bad_output(text))),
            },
            ConfigKey::RequestTimeout => {
                parse_positive_duration(text).map_err(invalid)?;
                toml::Value::String(text.trim().to_owned())
            }
            ConfigKey::Retries => {
                toml::Value::Integer(i64::from(parse_retries(text).map_err(invalid)?))
            }
            // --cacert takes any path and fails at the first request when the file is not
            // there; a stored setting is checked now, while the operator is looking.
            ConfigKey::Cacert => {
                let path =
                    std::path::absolute(text).map_err(|err| invalid(format!("'{text}': {err}")))?;
                if !path.is_file() {
                    return Err(invalid(format!("{} is not a file", path.display())));
                }
                toml::Value::String(path.to_string_lossy().into_owned())
            }
        };
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

/// A stored `request_timeout`: as --request-timeout takes it (more than 0), or a whole number
/// of seconds.
pub(crate) fn read_duration(value: &toml::Value) -> Result<Duration, String> {
    match value {
        toml::Value::String(text) => parse_positive_duration(text),
        toml::Value::Integer(secs) => parse_positive_duration(&secs.to_string()),
        _ => Err("expected a duration such as \"10s\"".into()),
    }
}

/// `--retries`, and `config set retries`: a whole number, 0 or more.
pub fn parse_retries(text: &str) -> Result<u32, String> {
    if text.trim_start().starts_with('-') {
        return Err(format!(
            "'{text}' is negative; a whole number of retries is expected (e.g. 0, 2, 5)"
        ));
    }
    text.parse::<u32>()
        .map_err(|_| format!("'{text}' is not a whole number of retries (e.g. 0, 2, 5)"))
}

/// A stored `retries`: an integer, as --retries takes it.
pub(crate) fn read_retries(value: &toml::Value) -> Result<u32, String> {
    match value {
        toml::Value::Integer(n) => parse_retries(&n.to_string()),
        _ => Err("expected a whole number, e.g. 2".into()),
    }
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

    /// Whether the matching flag takes `text`: a command line with `--flag=TEXT` parses and
    /// its settings resolve (no config files are read).
    fn flag_accepts(key: ConfigKey, text: &str) -> bool {
        let flag = format!("{}={text}", key.flag());
        let Ok(invocation) = crate::parse_args(["agentctl", flag.as_str(), "config", "path"])
        else {
            return false;
        };
        crate::config::Settings::resolve_with(
            &invocation.flags,
            &crate::env::Env::empty(),
            crate::config::FilesUse::Skip,
        )
        .is_ok()
    }

    #[test]
    fn config_set_takes_exactly_what_the_flag_takes() {
        let samples = [
            "0",
            "0s",
            "0ms",
            "1",
            "1ms",
            "10s",
            "1m30s",
            "90",
            "2d",
            "36500d",
            "99999d",
            "-1",
            "-5s",
            "1.5",
            "+3",
            " 3",
            "3 ",
            "4294967295",
            "4294967296",
            "abc",
            "",
            "json",
            "JSON",
            "Json",
            "table",
            "wide",
            "ndjson",
            " json",
            "xml",
            "https://h",
            "https://h/gw/",
            " https://h ",
            "http://127.0.0.1:7878",
            "h",
            "ftp://h",
            "https://h/?q=1",
            "https://",
        ];
        // --cacert takes any path (and fails at the first request); `config set` checks that
        // the file is there now: it is tested below.
        for key in ConfigKey::ALL
            .into_iter()
            .filter(|k| *k != ConfigKey::Cacert)
        {
            for text in samples {
                assert_eq!(
                    key.parse_value(text).is_ok(),
                    flag_accepts(key, text),
                    "{} {text:?}",
                    key.name()
                );
            }
        }
        // The case of the report: a timeout of 0 is refused, as --request-timeout 0 is.
        let err = ConfigKey::RequestTimeout.parse_value("0").unwrap_err();
        assert_eq!(err.exit_code(), 2);
        assert!(
            err.message.contains("must be more than 0"),
            "{}",
            err.message
        );
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
            (ConfigKey::RequestTimeout, "0"),
            (ConfigKey::RequestTimeout, "0ms"),
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
        assert!(read_duration(&toml::Value::Integer(0)).is_err());
        assert!(read_duration(&toml::Value::String("0s".into())).is_err());
        assert_eq!(read_retries(&toml::Value::Integer(0)), Ok(0));
        assert!(read_retries(&toml::Value::Integer(-1)).is_err());
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
