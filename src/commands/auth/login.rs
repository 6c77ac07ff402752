use crate::config::{Source, host_text, parse_host, save_profile};
use crate::context::Context;
use crate::error::{Error, ErrorKind, Result};
use crate::secret::Secret;
use clap::Args;
use std::io::IsTerminal;
use tokio::io::AsyncReadExt;

const PIPE_HINT: &str = "pipe the token to `agentctl auth login --with-token`, e.g. \
     printf '%s' \"$TOKEN\" | agentctl auth login --with-token --host https://agents.example.com";

/// Log in: store a host and a token in a profile
///
/// On a terminal, asks for the host (default: the profile's) and then the token, which is not
/// echoed. With --with-token the token is read from standard input instead, for scripts and CI.
/// The host goes to config.toml and the token to credentials.toml (mode 0600) in the config
/// dir. Saves to --profile or the current profile; the first login creates `default` and makes
/// it current.
#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  agentctl auth login
  printf '%s' \"$TOKEN\" | agentctl auth login --with-token --host https://agents.example.com
  agentctl auth login --profile staging --host https://staging.example.com")]
pub struct AuthLoginArgs {
    /// Read the token from standard input (surrounding whitespace is trimmed)
    #[arg(long)]
    pub with_token: bool,
}

pub async fn run(ctx: &Context, args: AuthLoginArgs) -> Result<()> {
    let settings = &ctx.settings;
    let files = settings.config_files()?;
    let profile = settings.profile.value.as_str();
    let (host, token) = if args.with_token {
        let Some(host) = &settings.host else {
            return Err(
                Error::usage(format!("no host to log in to for profile '{profile}'"))
                    .with_hint("pass --host https://agents.example.com (or set AGENTCTL_HOST)"),
            );
        };
        if std::io::stdin().is_terminal() {
            ctx.ui
                .status("Reading the token from standard input (end with Ctrl-D)…");
        }
        (host_text(&host.value), read_token_from_stdin().await?)
    } else {
        if settings.no_input {
            return Err(
                Error::usage("--no-input: cannot prompt for the token").with_hint(PIPE_HINT)
            );
        }
        if !std::io::stdin().is_terminal() || !std::io::stderr().is_terminal() {
            return Err(
                Error::usage("not a terminal: cannot prompt for the token").with_hint(PIPE_HINT)
            );
        }
        prompt(ctx)?
    };

    let saved = save_profile(files.dir(), profile, &host, &token, true)?;
    let current = if saved.made_current {
        " (now the current profile)"
    } else {
        ""
    };
    ctx.ui.status(&format!(
        "Logged in to {host} as profile '{profile}'{current}."
    ));
    let replaced = if saved.replaced_token {
        ", replacing the previous one"
    } else {
        ""
    };
    ctx.ui.status(&format!(
        "Token saved to {}{replaced}.",
        files.credentials_path().display()
    ));
    if settings
        .token
        .as_ref()
        .is_some_and(|t| t.source == Source::Env)
    {
        ctx.ui
            .warn("AGENTCTL_TOKEN is set: it takes precedence over the stored token");
    }
    Ok(())
}

/// Host (unless --host was given), then the token without echo.
fn prompt(ctx: &Context) -> Result<(String, Secret)> {
    let settings = &ctx.settings;
    let host = match &settings.host {
        Some(host) if host.source == Source::Flag => host_text(&host.value),
        stored => {
            let mut input = dialoguer::Input::<String>::new()
                .with_prompt("Host (API base URL)")
                .validate_with(|text: &String| -> std::result::Result<(), String> {
                    parse_host(text, "host")
                        .map(drop)
                        .map_err(|err| match err.hint {
                            Some(hint) => format!("{}; {hint}", err.message),
                            None => err.message,
                        })
                });
            if let Some(host) = stored {
                input = input.default(host_text(&host.value));
            }
            let text = input.interact_text().map_err(prompt_error)?;
            host_text(&parse_host(&text, "host")?)
        }
    };
    let token = dialoguer::Password::new()
        .with_prompt(format!("Token for {host}"))
        .validate_with(|text: &String| check_token(text).map_err(|err| err.message))
        .interact()
        .map_err(prompt_error)?;
    Ok((host, Secret::new(token.trim())))
}

async fn read_token_from_stdin() -> Result<Secret> {
    let mut bytes = Vec::new();
    tokio::io::stdin()
        .read_to_end(&mut bytes)
        .await
        .map_err(|err| Error::other(format!("could not read standard input: {err}")))?;
    let text = String::from_utf8(bytes)
        .map_err(|_| Error::usage("the token on standard input is not UTF-8 text"))?;
    let token = text.trim();
    check_token(token)?;
    Ok(Secret::new(token))
}

/// A token must fit in an `Authorization` header. The error never quotes it.
fn check_token(token: &str) -> Result<()> {
    let token = token.trim();
    if token.is_empty() {
        return Err(Error::usage("the token is empty").with_hint(PIPE_HINT));
    }
    if token.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(
            Error::usage("the token holds spaces, line breaks or control characters")
                .with_hint("give the token alone, on one line"),
        );
    }
    Ok(())
}

fn prompt_error(err: dialoguer::Error) -> Error {
    let dialoguer::Error::IO(err) = err;
    if err.kind() == std::io::ErrorKind::Interrupted {
        Error::new(ErrorKind::Interrupted, "login cancelled")
    } else {
        Error::other(format!("could not read from the terminal: {err}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_checked_without_being_quoted() {
        assert!(check_token(" tok-123 ").is_ok());
        for bad in ["", "  ", "abc 123", "abc\n123", "abc\u{7}"] {
            let err = check_token(bad).unwrap_err();
            assert_eq!(err.kind, ErrorKind::Usage);
            assert!(!err.message.contains("abc"), "{}", err.message);
        }
    }
}
