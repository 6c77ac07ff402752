use super::check::{TokenCheck, check_token};
use crate::config::{Settings, Source, host_text};
use crate::context::Context;
use crate::error::{Error, ErrorKind, Result};
use crate::sanitize::sanitize;
use clap::Args;
use serde_json::{Value, json};

/// Show the profile, host and token in use, and whether the server accepts the token
///
/// Each value is shown with its source: a flag, an environment variable, the profile in the
/// config file, or the built-in default; and the files used. The token is shown masked
/// (abcd…wxyz). With a host and a token, one listing request (GET
/// /api/v1/agents?page=1&pageSize=1) asks the server whether it accepts the token; --offline
/// skips it. Exit status 0 when a host and a token are configured and the server does not
/// refuse the token; 3 when one is missing or the server refuses it (HTTP 401/403); 6 when the
/// server cannot be reached, 5 when it answers with an error. A server without a listing
/// (404, 405) cannot tell: that is reported, with exit 0.
#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  agentctl auth status
  agentctl auth status --profile staging
  agentctl auth status --offline
  agentctl auth status -q && echo logged in")]
pub struct AuthStatusArgs {
    /// Do not ask the server whether it accepts the token
    #[arg(long)]
    pub offline: bool,
}

pub async fn run(ctx: &Context, args: AuthStatusArgs) -> Result<()> {
    let settings = &ctx.settings;
    let mut report = Report::new(settings);
    let logged_in = settings.host.is_some() && settings.token.is_some();
    let check = if !logged_in {
        None
    } else if args.offline {
        report.check = Checked::Skipped("--offline");
        None
    } else {
        let check = check_token(&ctx.api()?).await;
        report.check = Checked::Done(check.describe(), check.label());
        Some(check)
    };
    if settings.output.value.is_json() {
        crate::output::print_json(&ctx.ui, &ctx.output_options(), &report.to_json())?;
    } else {
        ctx.ui.data(&report.to_text())?;
    }
    let profile = &settings.profile.value;
    let missing = match (&settings.host, &settings.token) {
        (Some(_), Some(_)) => return check.map_or(Ok(()), |check| outcome(check, settings)),
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

/// The exit status a check gives, once the report is out.
fn outcome(check: TokenCheck, settings: &Settings) -> Result<()> {
    let host = settings
        .host
        .as_ref()
        .map(|host| sanitize(&host_text(&host.value)).into_owned())
        .unwrap_or_default();
    match check {
        TokenCheck::Accepted | TokenCheck::Unverifiable(_) => Ok(()),
        TokenCheck::Refused(err) => {
            let hint = match settings.token.as_ref().map(|t| t.source) {
                Some(Source::Env) => "check AGENTCTL_TOKEN, or unset it to use the stored one",
                _ => {
                    "log in again with `agentctl auth login` (the token may have expired or been revoked)"
                }
            };
            Err(Error::new(
                ErrorKind::Auth,
                format!("{host} refused the token ({})", err.detail),
            )
            .with_hint(hint))
        }
        TokenCheck::Failed(err) => {
            let mut error = Error::new(
                err.kind(),
                format!("could not check the token with {host} ({})", err.detail),
            );
            error.hint = Some(match err.hint {
                Some(hint) => format!("{hint}; or pass --offline to skip the check"),
                None => "pass --offline to skip the check".to_owned(),
            });
            Err(error)
        }
    }
}

/// What the report says of the server's view of the token.
enum Checked {
    /// No host or no token: nothing to ask about.
    NotLoggedIn,
    /// Not asked, and why.
    Skipped(&'static str),
    /// Asked: the answer in words, and its label.
    Done(String, &'static str),
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
    check: Checked,
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
            check: Checked::NotLoggedIn,
        }
    }

    fn to_text(&self) -> String {
        let value_text = |line: &Line| match &line.value {
            Some(value) => format!("{value}  ({})", line.origin),
            None if !line.origin.is_empty() => line.origin.clone(),
            None => "(not set)".to_owned(),
        };
        let mut rows: Vec<(&str, String)> = vec![
            ("Profile:", value_text(&self.profile)),
            ("Host:", value_text(&self.host)),
            ("Token:", value_text(&self.token)),
        ];
        match &self.check {
            Checked::NotLoggedIn => {}
            Checked::Skipped(why) => rows.push(("Server:", format!("not asked ({why})"))),
            Checked::Done(text, _) => rows.push(("Server:", format!("token {text}"))),
        }
        if let Some(dir) = &self.config_dir {
            rows.push(("Config dir:", value_text(dir)));
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
            "token_check": self.check_json(),
        })
    }
}

impl Report {
    /// `{"result": "accepted", "accepted": true, "detail": …}`; `accepted` is null when the
    /// server was not asked or could not tell.
    fn check_json(&self) -> Value {
        let (result, accepted, detail) = match &self.check {
            Checked::NotLoggedIn => ("not_logged_in", Value::Null, None),
            Checked::Skipped(why) => ("skipped", Value::Null, Some((*why).to_owned())),
            Checked::Done(text, label) => {
                let accepted = match *label {
                    "accepted" => Value::Bool(true),
                    "refused" => Value::Bool(false),
                    _ => Value::Null,
                };
                (*label, accepted, Some(text.clone()))
            }
        };
        json!({"result": result, "accepted": accepted, "detail": detail})
    }
}

fn not_set() -> Line {
    Line {
        value: None,
        source: Source::Default,
        origin: String::new(),
    }
}
