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

/// Where a setting's value came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Flag,
    Env,
    Profile,
    Default,
}

impl Source {
    /// From clap's record of how an argument got its value.
    pub fn from_clap(source: Option<clap::parser::ValueSource>) -> Source {
        match source {
            Some(clap::parser::ValueSource::CommandLine) => Source::Flag,
            Some(clap::parser::ValueSource::EnvVariable) => Source::Env,
            _ => Source::Default,
        }
    }
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
    let url = Url::parse(text).map_err(|err| {
        let error = Error::usage(format!("{setting}: '{text}' is not a URL ({err})"));
        if !text.contains("://") {
            error.with_hint(format!("did you mean https://{text} ?"))
        } else {
            error
        }
    })?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(Error::usage(format!(
            "{setting}: '{text}' is not an http:// or https:// URL"
        )));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(Error::usage(format!("{setting}: '{text}' has no host")));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(Error::usage(format!(
            "{setting}: '{text}' must not carry a query or fragment"
        )));
    }
    Ok(url)
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
    }
}

/// How each global option that has an environment variable got its value (from clap).
#[derive(Debug, Clone, Copy)]
pub struct ArgSources {
    pub host: Source,
    pub output: Source,
    pub config_dir: Source,
}

impl Settings {
    /// Resolves every setting once. `env` looks up environment variables that clap does not
    /// handle itself (the token has no flag, so clap never sees it).
    pub fn resolve(
        global: &crate::cli::GlobalArgs,
        sources: &ArgSources,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Settings> {
        let host = match &global.host {
            Some(text) => {
                let name = host_setting_name(sources.host);
                Some(Resolved::new(parse_host(text, name)?, sources.host))
            }
            None => None,
        };
        let token = env("AGENTCTL_TOKEN")
            .map(|t| t.trim().to_owned())
            .filter(|t| !t.is_empty())
            .map(|t| Resolved::new(Secret::new(t), Source::Env));
        let mut output = match global.output {
            Some(format) => Resolved::new(format, sources.output),
            None => Resolved::new(OutputFormat::default(), Source::Default),
        };
        let jq = match &global.jq {
            Some(expression) => {
                if !output.value.is_json() {
                    if output.source == Source::Flag {
                        return Err(Error::usage(format!(
                            "--jq filters JSON output; it cannot be combined with -o {}",
                            output.value.name()
                        ))
                        .with_hint("drop -o, or use -o json or -o ndjson"));
                    }
                    // --jq implies JSON output over a default or an environment setting.
                    output = Resolved::new(OutputFormat::Json, Source::Flag);
                }
                Some(crate::jq::JqFilter::compile(expression)?)
            }
            None => None,
        };
        let config_dir = match &global.config_dir {
            Some(dir) => Some(Resolved::new(dir.clone(), sources.config_dir)),
            None => default_config_dir().map(|dir| Resolved::new(dir, Source::Default)),
        };
        Ok(Settings {
            host,
            token,
            output,
            request_timeout: global.request_timeout.unwrap_or(DEFAULT_REQUEST_TIMEOUT),
            retries: global.retries.unwrap_or(DEFAULT_RETRIES),
            cacert: global.cacert.clone(),
            allow_insecure_http: global.allow_insecure_http,
            config_dir,
            no_headers: global.no_headers,
            no_input: global.no_input,
            jq,
            raw_output: global.raw_output,
        })
    }
}
