use crate::config::{Source, host_text, parse_host, save_profile};
use crate::context::Context;
use crate::error::{Error, Result};
use crate::secret::{Secret, check_token};
use clap::Args;

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
        if ctx.stdin.is_terminal() {
            ctx.ui
                .status("Reading the token from standard input (end with Ctrl-D)…");
        }
        (host_text(&host.value), read_token_from_stdin(ctx).await?)
    } else {
        if settings.no_input {
            return Err(
                Error::usage("--no-input: cannot prompt for the token").with_hint(PIPE_HINT)
            );
        }
        if !ctx.stdin.is_terminal() || !ctx.ui.stderr_is_terminal {
            return Err(
                Error::usage("not a terminal: cannot prompt for the token").with_hint(PIPE_HINT)
            );
        }
        prompt(ctx).await?
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

/// Host (unless --host was given), then the token without echo. The prompts block, so they
/// run on a blocking thread while the runtime keeps listening for signals.
async fn prompt(ctx: &Context) -> Result<(String, Secret)> {
    let settings = &ctx.settings;
    let flag_host = match &settings.host {
        Some(host) if host.source == Source::Flag => Some(host_text(&host.value)),
        _ => None,
    };
    let stored_host = settings.host.as_ref().map(|host| host_text(&host.value));
    let prompter = ctx.prompter.clone();
    let answers = tokio::task::spawn_blocking(move || -> std::io::Result<(String, String)> {
        let host = match flag_host {
            Some(host) => host,
            None => prompter.input("Host (API base URL)", stored_host.as_deref(), &|text| {
                parse_host(text, "host")
                    .map(drop)
                    .map_err(|err| match err.hint {
                        Some(hint) => format!("{}; {hint}", err.message),
                        None => err.message,
                    })
            })?,
        };
        let token = prompter.password(&format!("Token for {host}"), &|text| {
            check_token(text.trim())
        })?;
        Ok((host, token))
    })
    .await
    .map_err(|err| Error::other(format!("the prompt failed: {err}")))?
    .map_err(|err| {
        Error::other(format!("could not read from the terminal: {err}")).with_cause(err)
    })?;
    let (host, token) = answers;
    let host = host_text(&parse_host(&host, "host")?);
    Ok((host, Secret::new(token.trim())))
}

async fn read_token_from_stdin(ctx: &Context) -> Result<Secret> {
    let bytes = ctx
        .stdin
        .read_to_end(64 * 1024, "the token on standard input")
        .await?;
    let text = String::from_utf8(bytes)
        .map_err(|_| Error::usage("the token on standard input is not UTF-8 text"))?;
    let token = text.trim();
    check_token(token).map_err(|why| Error::usage(why).with_hint(PIPE_HINT))?;
    Ok(Secret::new(token))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::context::Stdin;

    fn with_stdin(bytes: &[u8]) -> Context {
        let argv = [
            "agentctl",
            "auth",
            "login",
            "--with-token",
            "--config-dir",
            "/nonexistent",
        ];
        Context::for_tests(
            &argv,
            &|_| None,
            Stdin::from_bytes(bytes, false),
            std::sync::Arc::new(crate::prompt::ScriptedPrompter::default()),
            false,
        )
        .unwrap()
        .ctx
    }

    #[tokio::test]
    async fn tokens_are_checked_without_being_quoted() {
        let token = read_token_from_stdin(&with_stdin(b" tok-123 \n"))
            .await
            .unwrap();
        assert_eq!(token.expose(), "tok-123");
        for bad in ["", "  ", "abc 123", "abc\n123", "abc\u{7}", "t\u{f8}ken"] {
            let err = read_token_from_stdin(&with_stdin(bad.as_bytes()))
                .await
                .unwrap_err();
            assert_eq!(err.exit_code(), 2, "{bad:?}");
            assert!(!err.message.contains("abc"), "{}", err.message);
        }
    }
}
