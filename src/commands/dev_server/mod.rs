mod profile;

use crate::context::Context;
use crate::dev_server::seed::parse_seed;
use crate::dev_server::serve::Limits;
use crate::dev_server::{
    DEFAULT_DELAYED_AFTER, DEFAULT_OFFLINE_AFTER, DevServerConfig, RequestLog, Thresholds, start,
};
use crate::duration::format_duration;
use crate::duration::parse_duration;
use crate::error::{Error, Result};
use crate::sanitize::shell_quote;
use crate::secret::Secret;
use clap::Args;
use profile::save_dev_profile;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

/// Run a local, in-memory Agents API to try commands and scripts on
///
/// Serves PUT /api/v1/agents/{uuid}/heartbeat, GET /api/v1/agents/{uuid} and GET /api/v1/agents
/// behind a bearer token. The first line of stdout is the address, the second an `export` line
/// for the shell. Nothing is kept after it stops (Ctrl-C or SIGTERM). With -v, a line per
/// request on stderr.
///
/// The token is --token, else the first line of --token-file, else AGENTCTL_DEV_TOKEN, else a
/// random one (--token shows in `ps`; the other two do not).
///
/// It saves its host and token as profile `dev` (or the one --profile names), marked
/// `created_by = "dev-server"` in config.toml, and never makes it current. A profile of that
/// name that it did not create is left as it is: nothing is saved.
#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  agentctl dev-server
  agentctl --profile dev agent list   # from another shell while it runs
  agentctl dev-server --token-file dev-token.txt --delayed-after 5s --offline-after 15s --seed agents.json

  # In a script: start it in the background, wait for the env file, load it.
  rm -f dev.env; agentctl dev-server --listen 127.0.0.1:0 --env-file dev.env &
  until [ -s dev.env ]; do sleep 0.1; done
  set -a; . ./dev.env; set +a; agentctl agent list")]
pub struct DevServerArgs {
    /// Address to listen on (port 0 picks a free one); anything but loopback is reachable from other machines
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:7878", value_parser = parse_listen)]
    pub listen: SocketAddr,

    /// Bearer token clients must send (visible in `ps`: prefer --token-file or AGENTCTL_DEV_TOKEN) [default: a random one]
    #[arg(long, value_name = "T", value_parser = any_token, allow_hyphen_values = true)]
    pub token: Option<Secret>,

    /// Read the bearer token from the first line of this file
    #[arg(long, value_name = "PATH", conflicts_with = "token")]
    pub token_file: Option<PathBuf>,

    /// Once listening, write AGENTCTL_HOST=… and AGENTCTL_TOKEN=… lines to this file (0600, atomically; systemd's EnvironmentFile format; from a shell: set -a; . PATH; set +a)
    #[arg(long, value_name = "PATH")]
    pub env_file: Option<PathBuf>,

    /// An agent whose last heartbeat is at least this old is `delayed`
    #[arg(long, value_name = "DUR", default_value = "20s", value_parser = parse_duration, allow_hyphen_values = true)]
    pub delayed_after: Duration,

    /// An agent whose last heartbeat is at least this old is `offline` (must exceed --delayed-after)
    #[arg(long, value_name = "DUR", default_value = "50s", value_parser = parse_duration, allow_hyphen_values = true)]
    pub offline_after: Duration,

    /// Load agent records from a JSON array (the API's record fields; only uuid is required)
    #[arg(long, value_name = "FILE")]
    pub seed: Option<PathBuf>,

    /// The most agents the server holds; a heartbeat that would register one more gets a 507
    #[arg(long, value_name = "N", default_value_t = crate::dev_server::store::DEFAULT_MAX_AGENTS, value_parser = parse_count_from_one, allow_negative_numbers = true)]
    pub max_agents: usize,

    /// The most open connections; at the limit a new one closes the longest-idle one (lowered to what the open-file limit allows)
    #[arg(long, value_name = "N", default_value_t = crate::dev_server::serve::DEFAULT_MAX_CONNECTIONS, value_parser = parse_count_from_one, allow_negative_numbers = true)]
    pub max_connections: usize,

    /// Do not save a profile with this server's host and token
    #[arg(long)]
    pub no_save_profile: bool,
}

pub async fn run(ctx: &Context, args: DevServerArgs) -> Result<()> {
    let thresholds = Thresholds::new(args.delayed_after, args.offline_after).map_err(|msg| {
        Error::usage(msg).with_hint(format!(
            "the defaults are --delayed-after {} --offline-after {}",
            format_duration(DEFAULT_DELAYED_AFTER),
            format_duration(DEFAULT_OFFLINE_AFTER)
        ))
    })?;
    let seed = match &args.seed {
        Some(path) => load_seed(path, ctx.clock.now())?,
        None => Vec::new(),
    };
    let seeded = seed.len();
    if seeded > args.max_agents {
        return Err(Error::usage(format!(
            "--seed holds {seeded} agents, more than --max-agents {}",
            args.max_agents
        ))
        .with_hint(format!("pass --max-agents {seeded} or more")));
    }
    let token = choose_token(&args, &ctx.env)?;
    // The shutdown signal's handlers are in before the address is printed (`run` installs
    // them first): a parent that reads the first line and sends SIGTERM at once gets a clean
    // shutdown, not the default kill.
    // Connections are bounded by the open-file limit: take what the hard limit allows.
    crate::dev_server::serve::raise_open_file_limit();
    let listener = bind(args.listen).await?;
    let server = start(
        listener,
        DevServerConfig {
            token,
            thresholds,
            seed,
            clock: ctx.clock.clone(),
            max_agents: args.max_agents,
            limits: Limits {
                max_connections: args.max_connections,
                ..Limits::default()
            },
            request_log: (ctx.ui.verbosity >= 1).then(|| {
                let ui = ctx.ui.clone();
                let log: RequestLog = Arc::new(move |line: &str| ui.verbose(1, line));
                log
            }),
        },
    )
    .await
    .map_err(|err| Error::other(format!("dev server: {err}")))?;

    let host = server.base_url();
    // Saved before the address is printed: whoever reads the banner can use the profile.
    if !args.no_save_profile {
        save_dev_profile(ctx, &host, server.token())?;
    }
    if let Some(path) = &args.env_file {
        write_env_file(path, &host, server.token())?;
        ctx.ui.status(&format!(
            "wrote {} (load it with: set -a; . {}; set +a)",
            path.display(),
            shell_quote(&sourceable(path))
        ));
    }
    ctx.ui.data(&format!(
        "listening on http://{}\nexport AGENTCTL_HOST={} AGENTCTL_TOKEN={}\n",
        server.local_addr(),
        shell_quote(&host),
        shell_quote(server.token().expose())
    ))?;
    if !server.local_addr().ip().is_loopback() {
        ctx.ui.warn(&format!(
            "listening on {}, which other machines can reach: the dev server speaks plain HTTP \
             and keeps everything in memory; use --listen 127.0.0.1:PORT unless you mean it",
            server.local_addr()
        ));
    }
    ctx.ui.status(&format!(
        "in-memory Agents API{}; online < {} ≤ delayed < {} ≤ offline; up to {} agents and {} \
         connections; Ctrl-C stops it",
        match seeded {
            0 => String::new(),
            1 => ", 1 agent from the seed".to_owned(),
            n => format!(", {n} agents from the seed"),
        },
        format_duration(thresholds.delayed_after),
        format_duration(thresholds.offline_after),
        args.max_agents,
        server.max_connections(),
    ));

    // Stopping is how a dev server ends, so it exits 0 on any of the signals.
    let signal = ctx.shutdown.wait().await;
    ctx.ui.status(&format!(
        "stopping ({}): finishing requests in flight",
        signal.name()
    ));
    server.shutdown().await;
    Ok(())
}

/// The token: --token, else --token-file, else AGENTCTL_DEV_TOKEN (empty counts as unset),
/// else a random one.
fn choose_token(args: &DevServerArgs, env: &crate::env::Env) -> Result<Secret> {
    if let Some(token) = &args.token {
        return parse_token(token.expose()).map_err(|err| Error::usage(format!("--token: {err}")));
    }
    if let Some(path) = &args.token_file {
        return read_token_file(path);
    }
    if let Some(text) = env.var_os(DEV_TOKEN_VAR).filter(|v| !v.is_empty()) {
        let text = text
            .into_string()
            .map_err(|_| Error::usage(format!("{DEV_TOKEN_VAR} is not valid UTF-8")))?;
        return parse_token(&text).map_err(|err| Error::usage(format!("{DEV_TOKEN_VAR}: {err}")));
    }
    crate::dev_server::random_token()
        .map_err(|err| Error::other(format!("could not generate a token: {err}")))
}

/// The variable that sets the token without putting it on the command line.
pub const DEV_TOKEN_VAR: &str = "AGENTCTL_DEV_TOKEN";

/// A token file larger than this is refused: it holds one line.
const MAX_TOKEN_FILE_BYTES: u64 = 64 * 1024;

/// A seed file larger than this is refused (100,000 records of a few hundred bytes fit).
const MAX_SEED_BYTES: u64 = 256 * 1024 * 1024;

/// The first line of a token file, surrounding whitespace removed.
fn read_token_file(path: &Path) -> Result<Secret> {
    let subject = format!("--token-file {}", path.display());
    let bytes = crate::files::read_file(path, MAX_TOKEN_FILE_BYTES)
        .map_err(|err| err.into_error(&subject, crate::error::ErrorKind::Usage))?;
    let text = String::from_utf8_lossy(&bytes);
    let line = text.lines().next().unwrap_or("").trim();
    parse_token(line).map_err(|err| Error::usage(format!("{subject}: {err}")))
}

/// Writes `AGENTCTL_HOST=…` and `AGENTCTL_TOKEN=…` lines, readable by the owner only,
/// atomically: a reader sees no file, the old one or the whole new one.
fn write_env_file(path: &Path, host: &str, token: &Secret) -> Result<()> {
    let contents = format!(
        "AGENTCTL_HOST={}\nAGENTCTL_TOKEN={}\n",
        shell_quote(host),
        shell_quote(token.expose())
    );
    if path.file_name().is_none() {
        return Err(Error::usage(format!(
            "--env-file {}: not a file name",
            path.display()
        )));
    }
    crate::files::write_atomic(path, contents.as_bytes(), 0o600)
        .map_err(|err| Error::other(format!("--env-file {}: {err}", path.display())))
}

/// A path as `.` finds it: a bare name would be searched for in PATH.
fn sourceable(path: &Path) -> String {
    let text = path.display().to_string();
    if path.is_absolute() || text.starts_with("./") || text.starts_with("../") {
        text
    } else {
        format!("./{text}")
    }
}

async fn bind(addr: SocketAddr) -> Result<tokio::net::TcpListener> {
    tokio::net::TcpListener::bind(addr).await.map_err(|err| {
        let error = Error::other(format!("cannot listen on {addr}: {err}"));
        match err.kind() {
            std::io::ErrorKind::AddrInUse => error.with_hint(
                "another server holds that port; pass --listen 127.0.0.1:0 to take any free one",
            ),
            std::io::ErrorKind::PermissionDenied => {
                error.with_hint("ports below 1024 need privileges; pick a port above 1024")
            }
            _ => error,
        }
    })
}

fn load_seed(path: &Path, now: SystemTime) -> Result<Vec<crate::dev_server::store::AgentRecord>> {
    let text = crate::files::read_file(path, MAX_SEED_BYTES).map_err(|err| {
        err.into_error(
            &format!("--seed {}", path.display()),
            crate::error::ErrorKind::Usage,
        )
    })?;
    parse_seed(&text, now).map_err(|err| {
        Error::usage(format!("--seed {}: {err}", path.display())).with_hint(
            "a seed file is a JSON array of agent records, e.g. \
             [{\"uuid\":\"agent-1\",\"type\":\"log\",\"region\":\"us-east-1\"}]",
        )
    })
}

/// `--listen`: `IP:PORT`, `localhost:PORT`, or a bare port (on 127.0.0.1).
pub fn parse_listen(text: &str) -> std::result::Result<SocketAddr, String> {
    let text = text.trim();
    if let Ok(addr) = text.parse::<SocketAddr>() {
        return Ok(addr);
    }
    let port = text
        .strip_prefix("localhost:")
        .or_else(|| text.strip_prefix(':'))
        .unwrap_or(text);
    port.parse::<u16>()
        .map(|port| SocketAddr::from((Ipv4Addr::LOCALHOST, port)))
        .map_err(|_| {
            format!("'{text}' is not an address to listen on (examples: 127.0.0.1:7878, 127.0.0.1:0, [::1]:7878)")
        })
}

/// `--max-agents`, `--max-connections`: a whole number from 1.
fn parse_count_from_one(text: &str) -> std::result::Result<usize, String> {
    if text.trim_start().starts_with('-') {
        return Err(format!(
            "'{text}' is negative; a whole number from 1 is expected"
        ));
    }
    match text.trim().parse::<usize>() {
        Ok(n) if n >= 1 => Ok(n),
        _ => Err(format!("'{text}' is not a whole number from 1")),
    }
}

/// `--token` as given: checked by `parse_token` when the command runs, so that a refusal
/// never quotes it (clap's own "invalid value '…'" would print the token).
fn any_token(text: &str) -> std::result::Result<Secret, std::convert::Infallible> {
    Ok(Secret::new(text))
}

/// A token: what can go into an `Authorization` header unchanged, and not too short.
pub fn parse_token(text: &str) -> std::result::Result<Secret, String> {
    crate::secret::check_token_length(text)?;
    Ok(Secret::new(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_dev_server_gets_a_multi_threaded_runtime() {
        let parsed =
            crate::parse_args(["agentctl", "dev-server", "--listen", "127.0.0.1:0"]).unwrap();
        assert!(parsed.wants_multi_thread());
        let parsed = crate::parse_args(["agentctl", "agent", "show", "a"]).unwrap();
        assert!(!parsed.wants_multi_thread());
    }

    #[test]
    fn listen_addresses() {
        assert_eq!(
            parse_listen("127.0.0.1:0").unwrap(),
            "127.0.0.1:0".parse().unwrap()
        );
        assert_eq!(
            parse_listen("localhost:7878").unwrap(),
            "127.0.0.1:7878".parse().unwrap()
        );
        assert_eq!(
            parse_listen("9000").unwrap(),
            "127.0.0.1:9000".parse().unwrap()
        );
        assert_eq!(
            parse_listen("[::1]:80").unwrap(),
            "[::1]:80".parse().unwrap()
        );
        assert!(parse_listen("example.com:80").is_err());
        assert!(parse_listen("127.0.0.1:99999").is_err());
    }

    #[test]
    fn both_counts_are_whole_numbers_from_one() {
        for flag in ["--max-agents", "--max-connections"] {
            for (text, ok) in [("1", true), (" 7 ", true), ("0", false), ("x", false)] {
                let parsed = crate::parse_args(["agentctl", "dev-server", flag, text]);
                match parsed {
                    Ok(_) => assert!(ok, "{flag} {text}"),
                    Err(err) => {
                        assert!(!ok, "{flag} {text}: {err}");
                        let err = err.to_string();
                        assert!(err.contains(flag), "{err}");
                    }
                }
            }
        }
        assert_eq!(parse_count_from_one("12"), Ok(12));
        assert_eq!(
            parse_count_from_one("0").unwrap_err(),
            "'0' is not a whole number from 1"
        );
    }

    #[test]
    fn tokens_and_quoting() {
        assert!(parse_token("").is_err());
        assert!(parse_token("a b").is_err());
        assert!(parse_token("tok\n").is_err());
        assert!(parse_token("dev-token").is_err());
        assert_eq!(
            parse_token("dev-token-0123456").unwrap().expose(),
            "dev-token-0123456"
        );
        let token = crate::dev_server::random_token().unwrap();
        assert_eq!(token.expose().len(), 4 + 64);
        assert_ne!(token, crate::dev_server::random_token().unwrap());
    }
}
