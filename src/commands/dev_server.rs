use crate::cli::parse_duration_arg;
use crate::context::Context;
use crate::dev_server::store::parse_seed;
use crate::dev_server::{
    DEFAULT_DELAYED_AFTER, DEFAULT_OFFLINE_AFTER, DevServerConfig, RequestLog, Thresholds, start,
    system_clock,
};
use crate::duration::format_duration;
use crate::error::{Error, Result};
use crate::secret::Secret;
use clap::Args;
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
#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  agentctl dev-server
  eval \"$(agentctl dev-server --listen 127.0.0.1:0 | sed -n 2p)\"   # in a script, after starting it in the background
  agentctl dev-server --token dev-token --delayed-after 5s --offline-after 15s --seed agents.json")]
pub struct DevServerArgs {
    /// Address to listen on (port 0 picks a free one); anything but loopback is reachable from other machines
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:7878", value_parser = parse_listen)]
    pub listen: SocketAddr,

    /// Bearer token clients must send [default: a random one]
    #[arg(long, value_name = "T", value_parser = parse_token)]
    pub token: Option<Secret>,

    /// An agent whose last heartbeat is at least this old is `delayed`
    #[arg(long, value_name = "DUR", default_value = "20s", value_parser = parse_duration_arg)]
    pub delayed_after: Duration,

    /// An agent whose last heartbeat is at least this old is `offline` (must exceed --delayed-after)
    #[arg(long, value_name = "DUR", default_value = "50s", value_parser = parse_duration_arg)]
    pub offline_after: Duration,

    /// Load agent records from a JSON array (the API's record fields; only uuid is required)
    #[arg(long, value_name = "FILE")]
    pub seed: Option<PathBuf>,

    /// The most agents the server holds; a heartbeat that would register one more gets a 507
    #[arg(long, value_name = "N", default_value_t = crate::dev_server::store::DEFAULT_MAX_AGENTS, value_parser = parse_max_agents)]
    pub max_agents: usize,

    /// Do not save a `dev` profile with this server's host and token
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
        Some(path) => load_seed(path, SystemTime::now())?,
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
    let token = match args.token {
        Some(token) => token,
        None => crate::dev_server::random_token()
            .map_err(|err| Error::other(format!("could not generate a token: {err}")))?,
    };
    // Signal handlers go in before the address is printed: a parent that reads the first line
    // and sends SIGTERM at once must get a clean shutdown, not the default kill.
    let mut stop = StopSignals::install()?;
    let listener = bind(args.listen).await?;
    let server = start(
        listener,
        DevServerConfig {
            token,
            thresholds,
            seed,
            clock: system_clock(),
            max_agents: args.max_agents,
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
        "in-memory Agents API{}; online < {} ≤ delayed < {} ≤ offline; Ctrl-C stops it",
        match seeded {
            0 => String::new(),
            1 => ", 1 agent from the seed".to_owned(),
            n => format!(", {n} agents from the seed"),
        },
        format_duration(thresholds.delayed_after),
        format_duration(thresholds.offline_after),
    ));

    stop.received().await;
    ctx.ui.status("stopping: finishing requests in flight");
    server.shutdown().await;
    Ok(())
}

/// Saves the `dev` profile (this server's host and token), making it current only when no
/// profile is current yet (contract §5), as `minikube` and `kind` write a kubectl context.
/// The one place where `dev-server` touches the configuration; `--no-save-profile` skips it.
fn save_dev_profile(ctx: &Context, host: &str, token: &Secret) -> Result<()> {
    let files = ctx.settings.config_files()?;
    let saved = crate::config::save_profile(files.dir(), "dev", host, token, true)?;
    let how = if saved.made_current {
        "now the current profile".to_owned()
    } else {
        "use it with --profile dev or AGENTCTL_PROFILE=dev".to_owned()
    };
    ctx.ui.status(&format!(
        "saved profile 'dev' in {} ({how})",
        files.dir().display()
    ));
    Ok(())
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
    let text = std::fs::read(path)
        .map_err(|err| Error::usage(format!("--seed {}: {err}", path.display())))?;
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

/// `--max-agents`: a whole number from 1.
fn parse_max_agents(text: &str) -> std::result::Result<usize, String> {
    match text.trim().parse::<usize>() {
        Ok(n) if n >= 1 => Ok(n),
        _ => Err(format!("'{text}' is not a number of agents (1 or more)")),
    }
}

/// `--token`: what can go into an `Authorization` header unchanged.
pub fn parse_token(text: &str) -> std::result::Result<Secret, String> {
    if text.is_empty() {
        return Err("the token is empty".into());
    }
    if !text.bytes().all(|b| b.is_ascii_graphic()) {
        return Err("the token may hold only printable ASCII without spaces".into());
    }
    Ok(Secret::new(text))
}

/// Quotes a value for a POSIX shell when it holds anything beyond a safe set.
pub(crate) fn shell_quote(value: &str) -> String {
    let safe = |c: char| c.is_ascii_alphanumeric() || "-_.:/@%+=,".contains(c);
    if !value.is_empty() && value.chars().all(safe) {
        value.to_owned()
    } else {
        format!("'{}'", value.replace('\'', r"'\''"))
    }
}

/// SIGINT and SIGTERM, registered before the server announces itself.
struct StopSignals {
    #[cfg(unix)]
    interrupt: tokio::signal::unix::Signal,
    #[cfg(unix)]
    terminate: tokio::signal::unix::Signal,
}

impl StopSignals {
    fn install() -> Result<StopSignals> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            let failed =
                |err: std::io::Error| Error::other(format!("cannot handle signals: {err}"));
            Ok(StopSignals {
                interrupt: signal(SignalKind::interrupt()).map_err(failed)?,
                terminate: signal(SignalKind::terminate()).map_err(failed)?,
            })
        }
        #[cfg(not(unix))]
        Ok(StopSignals {})
    }

    async fn received(&mut self) {
        #[cfg(unix)]
        tokio::select! {
            _ = self.interrupt.recv() => {}
            _ = self.terminate.recv() => {}
        }
        #[cfg(not(unix))]
        let _ = tokio::signal::ctrl_c().await;
    }
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
    fn tokens_and_quoting() {
        assert!(parse_token("").is_err());
        assert!(parse_token("a b").is_err());
        assert!(parse_token("tok\n").is_err());
        assert_eq!(parse_token("dev-token").unwrap().expose(), "dev-token");
        assert_eq!(
            shell_quote("http://127.0.0.1:7878"),
            "http://127.0.0.1:7878"
        );
        assert_eq!(shell_quote("a$b"), "'a$b'");
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
        let token = crate::dev_server::random_token().unwrap();
        assert_eq!(token.expose().len(), 4 + 64);
        assert_ne!(token, crate::dev_server::random_token().unwrap());
    }
}
