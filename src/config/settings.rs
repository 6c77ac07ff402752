//! Settings resolved once, in the order of the contract: flag, environment variable, selected
//! profile, built-in default. Each value remembers where it came from.

use crate::error::{Error, Result};
use crate::output::OutputFormat;
use crate::secret::Secret;
use std::fmt;
use std::path::PathBuf;
use std::time::Duration;
use url::Url;

pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
pub const DEFAULT_RETRIES: u32 = 2;
/// The profile used when none is selected and none is current yet.
pub const DEFAULT_PROFILE: &str = "default";

/// Where a setting's value came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Flag,
    Env,
    Profile,
    Default,
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Source::Flag => "flag",
            Source::Env => "env",
            Source::Profile => "profile",
            Source::Default => "default",
        })
    }
}

/// A value and where it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Resolved<T> {
    pub value: T,
    pub source: Source,
}

impl<T> Resolved<T> {
    pub fn new(value: T, source: Source) -> Self {
        Resolved { value, source }
    }
}

/// Everything a command may need, validated, in one plain struct the rest of the program trusts.
#[derive(Debug, Clone)]
pub struct Settings {
    pub host: Option<Resolved<Url>>,
    pub token: Option<Resolved<Secret>>,
    pub output: Resolved<OutputFormat>,
    pub request_timeout: Duration,
    pub retries: u32,
    pub cacert: Option<PathBuf>,
    pub allow_insecure_http: bool,
    pub config_dir: Option<Resolved<PathBuf>>,
    pub no_headers: bool,
    pub no_input: bool,
    /// `--jq`, compiled once.
    pub jq: Option<crate::jq::JqFilter>,
    /// `-r`: strings from `--jq` without quotes.
    pub raw_output: bool,
    /// The selected profile: `--profile`, `AGENTCTL_PROFILE`, `current_profile` in
    /// config.toml (source `Profile`), or `default`.
    pub profile: Resolved<String>,
    /// The profiles in config.toml, sorted.
    pub known_profiles: Vec<String>,
    /// Why the selected profile's stored token is not used: --host or AGENTCTL_HOST points
    /// to another origin than the profile's host.
    pub withheld_token: Option<String>,
    /// The proxy variables of the environment, read once (see `api::ProxyConfig`).
    pub proxy: crate::api::ProxyConfig,
}

/// How a command uses the config files, which decides how strict resolution is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FilesUse {
    /// Reads its settings from them: an unknown `--profile` is a usage error, a stored value
    /// that does not make sense is an error naming the file.
    Read,
    /// Edits them (`auth login`, `config set`): a new profile name is welcome, and a bad stored
    /// value is left for the command to overwrite instead of stopping it.
    Edit,
    /// Does not look at them (`config path`): a broken file does not stop it.
    Skip,
}

/// The name a host setting goes by in errors, by its source.
pub fn host_setting_name(source: Source) -> &'static str {
    match source {
        Source::Flag => "--host",
        Source::Env => "AGENTCTL_HOST",
        Source::Profile => "the profile's host",
        Source::Default => "host",
    }
}

/// Checks an API base URL: http or https, with a host, no query or fragment.
pub fn parse_host(text: &str, setting: &str) -> Result<Url> {
    let text = text.trim();
    // Quoted in errors without any password it holds.
    let shown = without_userinfo(text);
    let url = Url::parse(text).map_err(|err| {
        let error = Error::usage(format!("{setting}: '{shown}' is not a URL ({err})"));
        if !text.contains("://") {
            error.with_hint(format!("did you mean https://{shown} ?"))
        } else {
            error
        }
    })?;
    if !url.username().is_empty() || url.password().is_some() {
        // Basic credentials would travel beside the bearer token, and be printed as the host.
        return Err(Error::usage(format!(
            "{setting}: '{shown}' carries a user name or password; agentctl authenticates \
             with a bearer token only"
        ))
        .with_hint(
            "drop the 'user:password@' part; the token comes from AGENTCTL_TOKEN or `agentctl auth login`",
        ));
    }
    if !matches!(url.scheme(), "http" | "https") {
        return Err(Error::usage(format!(
            "{setting}: '{shown}' is not an http:// or https:// URL"
        )));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(Error::usage(format!("{setting}: '{shown}' has no host")));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(Error::usage(format!(
            "{setting}: '{shown}' must not carry a query or fragment"
        )));
    }
    Ok(url)
}

/// `text` with anything between `://` and an `@` before the path replaced by `[REDACTED]@`:
/// a host as it may be quoted in an error, whether or not it parses.
fn without_userinfo(text: &str) -> String {
    let Some(start) = text.find("://").map(|i| i + 3) else {
        return text.to_owned();
    };
    let authority_end = text[start..]
        .find(['/', '?', '#'])
        .map_or(text.len(), |i| start + i);
    match text[start..authority_end].rfind('@') {
        Some(at) => format!("{}[REDACTED]{}", &text[..start], &text[start + at..]),
        None => text.to_owned(),
    }
}

/// A host URL as it is written to a profile: `https://h`, not `https://h/`.
pub fn host_text(url: &Url) -> String {
    let text = url.as_str();
    if url.path() == "/" {
        text.trim_end_matches('/').to_owned()
    } else {
        text.to_owned()
    }
}

/// The platform config dir (`~/.config/agentctl` on Linux).
pub fn default_config_dir() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "agentctl").map(|dirs| dirs.config_dir().to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts() {
        assert_eq!(
            parse_host("https://h/gw", "--host").unwrap().as_str(),
            "https://h/gw"
        );
        assert!(
            parse_host("agents.example.com", "--host")
                .unwrap_err()
                .hint
                .unwrap()
                .contains("https://agents.example.com")
        );
        assert!(parse_host("ftp://h", "--host").is_err());
        assert!(parse_host("https://h/?x=1", "--host").is_err());
        let err = parse_host("nope", "AGENTCTL_HOST").unwrap_err();
        assert!(err.message.starts_with("AGENTCTL_HOST"));
        assert_eq!(
            host_text(&parse_host("https://h", "host").unwrap()),
            "https://h"
        );
        assert_eq!(
            host_text(&parse_host("https://h/gw/", "host").unwrap()),
            "https://h/gw/"
        );
    }
}

/// The global options as the command line gave them, before resolution: each value with the
/// flag or variable it came from (`Source::Flag` or `Source::Env`), `None` when neither gave
/// one. The CLI layer fills it in from clap's parse; `Settings` are resolved from it.
#[derive(Debug, Clone, Default)]
pub struct GlobalFlags {
    pub host: Option<Resolved<String>>,
    pub profile: Option<Resolved<String>>,
    pub output: Option<Resolved<OutputFormat>>,
    pub config_dir: Option<Resolved<PathBuf>>,
    pub jq: Option<String>,
    pub raw_output: bool,
    pub compact_output: bool,
    pub no_headers: bool,
    pub request_timeout: Option<Duration>,
    pub retries: Option<u32>,
    pub cacert: Option<PathBuf>,
    pub allow_insecure_http: bool,
    pub no_input: bool,
}
