use super::check::{TokenCheck, check_token, unverifiable_reason};
use crate::config::{Source, host_text, parse_host, save_profile};
use crate::context::Context;
use crate::error::{Error, ErrorKind, Result};
use crate::prompt::Prompter;
use crate::secret::{Secret, check_token as check_token_text};
use crate::shutdown::Signal;
use clap::Args;
use std::sync::Arc;
use url::Url;

const PIPE_HINT: &str = "pipe the token to `agentctl auth login --with-token`, e.g. \
     printf '%s' \"$TOKEN\" | agentctl auth login --with-token --host https://agents.example.com";

/// Log in: check a token with the server, then save it and the host to a profile
///
/// On a terminal, asks for the host (default: the profile's) and then the token, which is not
/// echoed. With --with-token the token is read from standard input instead, for scripts and CI
/// (at a terminal it is asked for without echo). Before anything is saved, the token is checked
/// with one listing request (GET /api/v1/agents?page=1&pageSize=1): a refused token (HTTP 401
/// or 403) is not saved (exit 3); a server without a listing (404, 405) cannot check it, and it
/// is saved with a warning; a server that cannot be reached is exit 6, unless --no-verify.
/// The host goes to config.toml and the token to credentials.toml (mode 0600) in the config
/// dir. Saves to --profile, else the current profile, else `default`, which becomes the
/// current profile when none is; no other profile is touched.
#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  agentctl auth login
  printf '%s' \"$TOKEN\" | agentctl auth login --with-token --host https://agents.example.com
  agentctl auth login --profile staging --host https://staging.example.com
  printf '%s' \"$TOKEN\" | agentctl auth login --with-token --no-verify   # saved unchecked")]
pub struct AuthLoginArgs {
    /// Read the token from standard input (surrounding whitespace is trimmed)
    #[arg(long)]
    pub with_token: bool,

    /// Save the token without checking it with the server first
    #[arg(long)]
    pub no_verify: bool,
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
        let token = if ctx.stdin.is_terminal() {
            // Standard input is the terminal: ask for the token as the prompt does, without
            // echo, rather than read a line that shows it on the screen.
            if settings.no_input {
                return Err(Error::usage(
                    "--no-input: standard input is a terminal, so the token would be typed",
                )
                .with_hint(PIPE_HINT));
            }
            if !ctx.ui.stderr_is_terminal {
                return Err(Error::usage(
                    "standard input is a terminal but standard error is not: \
                     cannot ask for the token without echo",
                )
                .with_hint(PIPE_HINT));
            }
            let prompt = format!("Token for {}", host_text(&host.value));
            ask_token(ctx.prompter.clone(), prompt).await?
        } else {
            read_token_from_stdin(ctx).await?
        };
        (host.value.clone(), token)
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
    let host_shown = host_text(&host);
    if let Err(short) = crate::secret::check_token_length(token.expose()) {
        ctx.ui.warn(&format!(
            "{short}: it is quick to guess, and agentctl hides its text as [REDACTED] wherever \
             it appears in errors and verbose lines"
        ));
    }

    if args.no_verify {
        ctx.ui.status(&format!(
            "Not checking the token with {host_shown} (--no-verify)."
        ));
    } else {
        let client = ctx.api_for(host.clone(), token.clone())?;
        match check_token(&client).await {
            TokenCheck::Accepted => {}
            TokenCheck::Refused(err) => {
                return Err(Error::new(
                    ErrorKind::Auth,
                    format!(
                        "{host_shown} refused the token ({}); nothing was saved",
                        err.detail
                    ),
                )
                .with_hint(
                    "check that the token is for this server and has not expired or been revoked",
                ));
            }
            TokenCheck::Unverifiable(err) => {
                ctx.ui.warn(&format!(
                    "could not check the token: {}; saving it unchecked",
                    unverifiable_reason(&err)
                ));
            }
            TokenCheck::Failed(err) => {
                let kind = err.kind();
                let hint = match &err.hint {
                    Some(hint) => format!("{hint}; or pass --no-verify to save it unchecked"),
                    None => {
                        "check --host, or pass --no-verify to save the token unchecked".to_owned()
                    }
                };
                return Err(Error::new(
                    kind,
                    format!(
                        "could not check the token with {host_shown} ({}); nothing was saved",
                        err.detail
                    ),
                )
                .with_hint(hint));
            }
        }
    }

    let saved = save_profile(files.dir(), profile, &host_shown, &token, true)?;
    let current = if saved.made_current {
        " (now the current profile)"
    } else {
        ""
    };
    ctx.ui.status(&format!(
        "Logged in to {host_shown} as profile '{profile}'{current}."
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
async fn prompt(ctx: &Context) -> Result<(Url, Secret)> {
    let settings = &ctx.settings;
    let flag_host = match &settings.host {
        Some(host) if host.source == Source::Flag => Some(host.value.clone()),
        _ => None,
    };
    let host = match flag_host {
        Some(host) => host,
        None => {
            let stored_host = settings.host.as_ref().map(|host| host_text(&host.value));
            let prompter = ctx.prompter.clone();
            let answer = blocking(move || {
                prompter.input("Host (API base URL)", stored_host.as_deref(), &|text| {
                    parse_host(text, "host")
                        .map(drop)
                        .map_err(|err| match err.hint {
                            Some(hint) => format!("{}; {hint}", err.message),
                            None => err.message,
                        })
                })
            })
            .await?;
            parse_host(&answer, "host")?
        }
    };
    let token = ask_token(
        ctx.prompter.clone(),
        format!("Token for {}", host_text(&host)),
    )
    .await?;
    Ok((host, token))
}

/// The token, asked for without echo.
async fn ask_token(prompter: Arc<dyn Prompter>, prompt: String) -> Result<Secret> {
    let token =
        blocking(move || prompter.password(&prompt, &|text| check_token_text(text.trim()))).await?;
    Ok(Secret::new(token.trim()))
}

/// Runs a prompt on a blocking thread. Ctrl-C while a key-by-key prompt has the terminal in
/// raw mode comes back as an interrupted read (dialoguer raises SIGINT too): it ends the
/// command as the signal does.
async fn blocking(
    ask: impl FnOnce() -> std::io::Result<String> + Send + 'static,
) -> Result<String> {
    tokio::task::spawn_blocking(ask)
        .await
        .map_err(|err| Error::other(format!("the prompt failed: {err}")))?
        .map_err(|err| {
            if err.kind() == std::io::ErrorKind::Interrupted {
                Error::from(Signal::Interrupt)
            } else {
                Error::other(format!("could not read from the terminal: {err}")).with_cause(err)
            }
        })
}

async fn read_token_from_stdin(ctx: &Context) -> Result<Secret> {
    let bytes = ctx
        .stdin
        .read_to_end(64 * 1024, "the token on standard input")
        .await?;
    let text = String::from_utf8(bytes)
        .map_err(|_| Error::usage("the token on standard input is not UTF-8 text"))?;
    let token = text.trim();
    check_token_text(token).map_err(|why| Error::usage(why).with_hint(PIPE_HINT))?;
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
        let doors = crate::context::Doors {
            stdin: Stdin::from_bytes(bytes, false),
            ..crate::context::Doors::closed()
        };
        Context::for_tests(&argv, doors, false).unwrap().ctx
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

    /// `auth login --with-token --no-verify` with standard input at a terminal, answering the
    /// prompts from `answers`.
    fn at_a_terminal(
        dir: &std::path::Path,
        extra: &[&str],
        answers: &[&str],
        stderr_is_terminal: bool,
    ) -> (
        crate::context::TestContext,
        Arc<crate::prompt::ScriptedPrompter>,
    ) {
        let dir = dir.to_str().unwrap();
        let mut argv = vec!["agentctl", "auth", "login", "--with-token", "--no-verify"];
        argv.extend(["--config-dir", dir, "--host", "https://h.example.com"]);
        argv.extend(extra);
        let prompter = Arc::new(crate::prompt::ScriptedPrompter::new(
            answers.iter().copied(),
        ));
        let doors = crate::context::Doors {
            stdin: Stdin::from_bytes("typed-token-would-echo\n", true),
            prompter: prompter.clone(),
            ..crate::context::Doors::closed()
        };
        let test = Context::for_tests(&argv, doors, stderr_is_terminal).unwrap();
        (test, prompter)
    }

    #[tokio::test]
    async fn with_token_at_a_terminal_asks_through_the_hidden_prompt() {
        let dir = tempfile::tempdir().unwrap();
        let (test, prompter) =
            at_a_terminal(dir.path(), &[], &["bad token", " tok-hidden-1234 "], true);
        run(
            &test.ctx,
            AuthLoginArgs {
                with_token: true,
                no_verify: true,
            },
        )
        .await
        .unwrap();
        assert_eq!(
            *prompter.asked.lock().unwrap(),
            ["Token for https://h.example.com"]
        );
        let credentials = crate::config::ConfigFiles::new(dir.path())
            .read_credentials()
            .unwrap();
        assert_eq!(
            credentials.token("default").unwrap().expose(),
            "tok-hidden-1234"
        );

        // --no-input: typing at a terminal is input; say how to pipe the token instead.
        let args = || AuthLoginArgs {
            with_token: true,
            no_verify: true,
        };
        let (test, prompter) =
            at_a_terminal(dir.path(), &["--no-input"], &["tok-other-1234"], true);
        let err = run(&test.ctx, args()).await.unwrap_err();
        assert_eq!(err.exit_code(), 2);
        assert!(err.hint.unwrap().contains("printf"));
        assert!(prompter.asked.lock().unwrap().is_empty());

        // The prompt draws on standard error: without a terminal there, no prompt.
        let (test, prompter) = at_a_terminal(dir.path(), &[], &["tok-other-1234"], false);
        let err = run(&test.ctx, args()).await.unwrap_err();
        assert_eq!(err.exit_code(), 2);
        assert!(
            err.message.contains("standard error is not"),
            "{}",
            err.message
        );
        assert!(prompter.asked.lock().unwrap().is_empty());
    }
}
