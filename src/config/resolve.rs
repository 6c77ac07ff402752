//! How settings are resolved: which profile is selected, what makes a profile name valid, and
//! each value taken from the first of flag, environment, selected profile and default.

use super::docs::ConfigDoc;
use super::files::ConfigFiles;
use super::keys::{self, ConfigKey};
use super::profile_name::{validate_profile_name, validate_profile_name_in};
use super::settings::{
    DEFAULT_PROFILE, DEFAULT_REQUEST_TIMEOUT, DEFAULT_RETRIES, FilesUse, GlobalFlags, Resolved,
    Settings, Source, default_config_dir, host_setting_name, host_text, parse_host,
};
use crate::env::Env;
use crate::error::{Error, Result};
use crate::output::OutputFormat;
use crate::secret::Secret;
use url::Url;

impl Settings {
    /// Resolves every setting once: flag, environment, selected profile, default. `env`
    /// gives the variables clap does not read itself (AGENTCTL_TOKEN has no flag, the proxy
    /// variables are not agentctl's).
    pub fn resolve_with(global: &GlobalFlags, env: &Env, files_use: FilesUse) -> Result<Settings> {
        let config_dir = match &global.config_dir {
            Some(dir) => Some(dir.clone()),
            None => default_config_dir().map(|dir| Resolved::new(dir, Source::Default)),
        };
        let files = config_dir
            .as_ref()
            .filter(|_| files_use != FilesUse::Skip)
            .map(|dir| ConfigFiles::new(&dir.value));
        let config = match &files {
            Some(files) => files.read_config()?,
            None => ConfigDoc::default(),
        };
        let profile = select_profile(global.profile.as_ref(), &config)?;
        let known_profiles = config.profile_names();
        if files_use == FilesUse::Read {
            require_known_profile(&profile, &known_profiles)?;
        }
        let stored = StoredProfile {
            name: &profile.value,
            table: config.profile(&profile.value),
            files: files.as_ref(),
            strict: files_use == FilesUse::Read,
        };

        let host = match &global.host {
            Some(text) => {
                let name = host_setting_name(text.source);
                Some(Resolved::new(parse_host(&text.value, name)?, text.source))
            }
            None => stored
                .get(ConfigKey::Host, keys::read_host)?
                .map(|url| Resolved::new(url, Source::Profile)),
        };
        let env_token = env
            .var("AGENTCTL_TOKEN")
            .map(|t| t.trim().to_owned())
            .filter(|t| !t.is_empty())
            .map(|t| Resolved::new(Secret::new(t), Source::Env));
        // The credentials file is only read when it is needed, so CI that passes the token in
        // the environment is never stopped by a file it does not use.
        let (token, token_origin) = match (env_token, &files) {
            (Some(token), _) => (Some(token), None),
            (None, Some(files)) => {
                let credentials = files.read_credentials()?;
                // The profile's token for its host, which may be the one it held before a
                // login whose config.toml half never reached the disk.
                let kept = host.as_ref().and_then(|host| {
                    let origin = host.value.origin().ascii_serialization();
                    credentials.token_for_origin(&profile.value, &origin)
                });
                match kept {
                    Some((token, origin)) => {
                        (Some(Resolved::new(token, Source::Profile)), Some(origin))
                    }
                    None => (
                        credentials
                            .token(&profile.value)
                            .map(|t| Resolved::new(t, Source::Profile)),
                        credentials.token_origin(&profile.value),
                    ),
                }
            }
            (None, None) => (None, None),
        };
        let (token, withheld_token) =
            withhold_from_other_hosts(token, host.as_ref(), &stored, token_origin.as_deref());
        let mut output = match &global.output {
            Some(format) => format.clone(),
            None => match stored.get(ConfigKey::Output, keys::read_output)? {
                Some(format) => Resolved::new(format, Source::Profile),
                None => Resolved::new(OutputFormat::default(), Source::Default),
            },
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
                    // --jq implies JSON output over a default, a profile or an environment setting.
                    output = Resolved::new(OutputFormat::Json, Source::Flag);
                }
                Some(
                    crate::jq::JqFilter::compile(expression)?
                        .with_env(env.vars())
                        .with_compact(global.compact_output),
                )
            }
            None => None,
        };
        let request_timeout = match global.request_timeout {
            Some(timeout) => timeout,
            None => stored
                .get(ConfigKey::RequestTimeout, keys::read_duration)?
                .unwrap_or(DEFAULT_REQUEST_TIMEOUT),
        };
        let retries = match global.retries {
            Some(retries) => retries,
            None => stored
                .get(ConfigKey::Retries, keys::read_retries)?
                .unwrap_or(DEFAULT_RETRIES),
        };
        let cacert = match &global.cacert {
            Some(path) => Some(path.clone()),
            None => stored.get(ConfigKey::Cacert, keys::read_path)?,
        };
        Ok(Settings {
            host,
            token,
            output,
            request_timeout,
            retries,
            cacert,
            allow_insecure_http: global.allow_insecure_http,
            config_dir,
            no_headers: global.no_headers,
            no_input: global.no_input,
            jq,
            raw_output: global.raw_output,
            profile,
            known_profiles,
            withheld_token,
            proxy: crate::api::ProxyConfig::from_env(&|name| env.var(name)),
        })
    }
}

impl Settings {
    /// For commands resolved with `FilesUse::Edit` that must not create a profile: a profile
    /// named by `--profile`/`AGENTCTL_PROFILE` must exist.
    pub fn require_known_profile(&self) -> Result<()> {
        require_known_profile(&self.profile, &self.known_profiles)
    }

    /// The config files, or the error saying how to name a config dir when there is none.
    pub fn config_files(&self) -> Result<ConfigFiles> {
        match &self.config_dir {
            Some(dir) => Ok(ConfigFiles::new(&dir.value)),
            None => Err(Error::other(
                "no configuration directory: the home directory could not be found",
            )
            .with_hint("pass --config-dir DIR or set AGENTCTL_CONFIG_DIR")),
        }
    }
}

/// A profile named by `--profile` or `AGENTCTL_PROFILE` must exist (one chosen by
/// `current_profile` or the default need not).
fn require_known_profile(profile: &Resolved<String>, known: &[String]) -> Result<()> {
    let named = matches!(profile.source, Source::Flag | Source::Env);
    if named && !known.contains(&profile.value) {
        return Err(unknown_profile(&profile.value, known));
    }
    Ok(())
}

/// A stored token belongs to its profile's host: when --host or AGENTCTL_HOST points to another
/// origin, it is not sent there (as a redirect to another host does not carry it either). Returns
/// the token to use, and why the stored one was withheld.
fn withhold_from_other_hosts(
    token: Option<Resolved<Secret>>,
    host: Option<&Resolved<Url>>,
    stored: &StoredProfile<'_>,
    token_origin: Option<&str>,
) -> (Option<Resolved<Secret>>, Option<String>) {
    let (Some(stored_token), Some(host)) = (&token, host) else {
        return (token, None);
    };
    if stored_token.source != Source::Profile {
        return (token, None);
    }
    let host_origin = host.value.origin().ascii_serialization();
    let belongs = match token_origin {
        // The origin saved with the token decides, whatever config.toml or --host say.
        Some(origin) if origin == host_origin => return (token, None),
        Some(origin) => format!("belongs to {}", crate::sanitize::sanitize(origin)),
        // A credentials file from before origins were stored: the token belongs to the
        // profile's host in config.toml, as it always did.
        None => {
            if host.source == Source::Profile {
                return (token, None);
            }
            let profile_host = stored
                .table
                .and_then(|t| t.get(ConfigKey::Host.name()))
                .and_then(|v| keys::read_host(v).ok());
            match &profile_host {
                Some(url) if url.origin() == host.value.origin() => return (token, None),
                Some(url) => format!("belongs to {}", host_text(url)),
                None => "has no host of its own".to_owned(),
            }
        }
    };
    let reason = format!(
        "not sending the token of profile '{}' to {} ({}): it {belongs}",
        stored.name,
        host_text(&host.value),
        host_setting_name(host.source)
    );
    (None, Some(reason))
}

/// `--profile`/`AGENTCTL_PROFILE`, else `current_profile`, else `default`.
fn select_profile(
    given: Option<&Resolved<String>>,
    config: &ConfigDoc,
) -> Result<Resolved<String>> {
    if let Some(given) = given.filter(|given| !given.value.trim().is_empty()) {
        let setting = if given.source == Source::Env {
            "AGENTCTL_PROFILE"
        } else {
            "--profile"
        };
        validate_profile_name_in(setting, &given.value)?;
        return Ok(Resolved::new(given.value.trim().to_owned(), given.source));
    }
    if let Some(current) = config
        .current_profile()
        .filter(|n| validate_profile_name(n).is_ok())
    {
        return Ok(Resolved::new(current.to_owned(), Source::Profile));
    }
    Ok(Resolved::new(DEFAULT_PROFILE.to_owned(), Source::Default))
}

/// The usage error for a profile that does not exist, listing the ones that do.
pub fn unknown_profile(name: &str, known: &[String]) -> Error {
    let error = Error::usage(format!("unknown profile '{name}'"));
    if known.is_empty() {
        error.with_hint(format!(
            "no profiles exist yet; create it with `agentctl auth login --profile {name}`"
        ))
    } else {
        error.with_hint(format!(
            "known profiles: {}; create a new one with `agentctl auth login --profile {name}`",
            known.join(", ")
        ))
    }
}

/// The selected profile's stored values, read on demand.
pub(super) struct StoredProfile<'a> {
    pub(super) name: &'a str,
    pub(super) table: Option<&'a toml::Table>,
    pub(super) files: Option<&'a ConfigFiles>,
    /// A bad value is an error (otherwise it is ignored, for commands that fix it).
    pub(super) strict: bool,
}

impl StoredProfile<'_> {
    pub(super) fn get<T>(
        &self,
        key: ConfigKey,
        read: impl Fn(&toml::Value) -> std::result::Result<T, String>,
    ) -> Result<Option<T>> {
        let Some(value) = self.table.and_then(|t| t.get(key.name())) else {
            return Ok(None);
        };
        match read(value) {
            Ok(value) => Ok(Some(value)),
            Err(_) if !self.strict => Ok(None),
            Err(err) => {
                let file = self.files.map_or_else(
                    || "config.toml".into(),
                    |f| f.config_path().display().to_string(),
                );
                Err(Error::other(format!(
                    "{file}: profile '{}': {}: {}",
                    self.name,
                    key.name(),
                    crate::sanitize::sanitize(&err)
                ))
                .with_hint(format!(
                    "fix it with `agentctl config set {} <VALUE> --profile {}`",
                    key.name(),
                    self.name
                )))
            }
        }
    }
}
