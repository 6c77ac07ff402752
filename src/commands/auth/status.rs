use crate::config::{Settings, Source, host_text};
use crate::context::Context;
use crate::error::{Error, ErrorKind, Result};
use crate::sanitize::sanitize;
use clap::Args;
use serde_json::{Value, json};

/// Show the profile, host and token in use, and where each came from
///
/// Each value is shown with its source: a flag, an environment variable, the profile in the
/// config file, or the built-in default; and the files used. The token is shown masked
/// (abcd…wxyz). Exit status 0 when a host and a token are configured, 3 otherwise.
#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  agentctl auth status
  agentctl auth status --profile staging
  agentctl auth status -q && echo logged in")]
pub struct AuthStatusArgs {}

pub async fn run(ctx: &Context, _args: AuthStatusArgs) -> Result<()> {
    let settings = &ctx.settings;
    let report = Report::new(settings);
    if settings.output.value.is_json() {
        crate::output::print_json(&ctx.ui, &ctx.output_options(), &report.to_json())?;
    } else {
        ctx.ui.data(&report.to_text())?;
    }
    let profile = &settings.profile.value;
    let missing = match (&settings.host, &settings.token) {
        (Some(_), Some(_)) => return Ok(()),
        (None, None) => "no host and no token",
        (None, Some(_)) => "no host",
        (Some(_), None) => "no token",
    };
    Err(Error::new(
        ErrorKind::Auth,
        format!("not logged in: {missing} for profile '{profile}'"),
    )
    .with_hint(
        "run `agentctl auth login` (or set AGENTCTL_HOST and AGENTCTL_TOKEN); \
         for a local server to try things on, run `agentctl dev-server`",
    ))
}

/// One line of the report: a value (already safe to print) and where it came from.
struct Line {
    value: Option<String>,
    source: Source,
    /// How the source reads in text: `env AGENTCTL_HOST`, `profile staging`.
    origin: String,
}

struct Report {
    profile: Line,
    host: Line,
    token: Line,
    config_dir: Option<Line>,
    config_file: Option<(String, bool)>,
    credentials_file: Option<(String, bool)>,
    token_withheld: Option<String>,
}

impl Report {
    fn new(settings: &Settings) -> Report {
        let profile_name = &settings.profile.value;
        let origin = |source: Source, flag: &str, env: &str| match source {
            Source::Flag => format!("flag {flag}"),
            Source::Env => format!("env {env}"),
            Source::Profile => format!("profile {profile_name}"),
            Source::Default => "default".to_owned(),
        };
        let profile = Line {
            value: Some(profile_name.clone()),
            source: settings.profile.source,
            origin: match settings.profile.source {
                Source::Profile => "current_profile in config.toml".to_owned(),
                source => origin(source, "--profile", "AGENTCTL_PROFILE"),
            },
        };
        let host = match &settings.host {
            Some(host) => Line {
                value: Some(sanitize(&host_text(&host.value)).into_owned()),
                source: host.source,
                origin: origin(host.source, "--host", "AGENTCTL_HOST"),
            },
            None => not_set(),
        };
        let token = match &settings.token {
            Some(token) => Line {
                value: Some(token.value.masked()),
                source: token.source,
                origin: origin(token.source, "", "AGENTCTL_TOKEN"),
            },
            None => Line {
                value: None,
                source: Source::Default,
                origin: settings
                    .withheld_token
                    .as_ref()
                    .map(|reason| format!("(not used: {reason})"))
                    .unwrap_or_default(),
            },
        };
        let config_dir = settings.config_dir.as_ref().map(|dir| Line {
            value: Some(sanitize(&dir.value.to_string_lossy()).into_owned()),
            source: dir.source,
            origin: origin(dir.source, "--config-dir", "AGENTCTL_CONFIG_DIR"),
        });
        let file = |path: std::path::PathBuf| {
            let exists = path.exists();
            (sanitize(&path.to_string_lossy()).into_owned(), exists)
        };
        let files = settings.config_files().ok();
        Report {
            profile,
            host,
            token,
            config_dir,
            config_file: files.as_ref().map(|f| file(f.config_path())),
            credentials_file: files.as_ref().map(|f| file(f.credentials_path())),
            token_withheld: settings.withheld_token.clone(),
        }
    }

    fn to_text(&self) -> String {
        let mut rows: Vec<(&str, String)> = Vec::new();
        let mut value_row = |label, line: &Line| {
            let text = match &line.value {
                Some(value) => format!("{value}  ({})", line.origin),
                None if !line.origin.is_empty() => line.origin.clone(),
                None => "(not set)".to_owned(),
            };
            rows.push((label, text));
        };
        value_row("Profile:", &self.profile);
        value_row("Host:", &self.host);
        value_row("Token:", &self.token);
        if let Some(dir) = &self.config_dir {
            value_row("Config dir:", dir);
        }
        let file_row = |file: &Option<(String, bool)>| match file {
            Some((path, true)) => path.clone(),
            Some((path, false)) => format!("{path}  (not created yet)"),
            None => "(none)".to_owned(),
        };
        rows.push(("Config file:", file_row(&self.config_file)));
        rows.push(("Credentials:", file_row(&self.credentials_file)));
        let width = rows.iter().map(|(label, _)| label.len()).max().unwrap_or(0);
        rows.iter()
            .map(|(label, text)| format!("{label:<width$}  {text}\n"))
            .collect()
    }

    fn to_json(&self) -> Value {
        let line = |line: &Line| match &line.value {
            Some(value) => json!({"value": value, "source": line.source.to_string()}),
            None => Value::Null,
        };
        let file = |file: &Option<(String, bool)>| match file {
            Some((path, exists)) => json!({"path": path, "exists": exists}),
            None => Value::Null,
        };
        json!({
            "profile": line(&self.profile),
            "host": line(&self.host),
            "token": line(&self.token),
            "config_dir": self.config_dir.as_ref().map_or(Value::Null, line),
            "config_file": file(&self.config_file),
            "credentials_file": file(&self.credentials_file),
            "logged_in": self.host.value.is_some() && self.token.value.is_some(),
            "token_withheld": self.token_withheld,
        })
    }
}

fn not_set() -> Line {
    Line {
        value: None,
        source: Source::Default,
        origin: String::new(),
    }
}
