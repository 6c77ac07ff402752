use crate::context::Context;
use crate::dev_server::seed::parse_seed;
use crate::dev_server::{DevServerConfig, Thresholds, random_token, start};
use crate::error::{Error, Result};
use crate::sanitize::shell_quote;
use clap::Args;
use std::path::Path;
use std::time::Duration;

/// A self-contained tour: a dev server in-process, and the main commands run against it
///
/// Starts the dev server on a free loopback port with short thresholds (delayed after 2s,
/// offline after 4s), then runs the main commands against it, printing each command line
/// before its output. Uses a temporary config dir and touches no user configuration.
#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  agentctl demo
  cargo run --release -- demo")]
pub struct DemoArgs {}

const DELAYED_AFTER: Duration = Duration::from_secs(2);
const OFFLINE_AFTER: Duration = Duration::from_secs(4);

/// The fleet the tour starts with: what a platform knows about its agents before they beat.
const SEED: &str = r#"[
  {"uuid":"web-01","name":"prod-web-01","type":"log","region":"us-east-1","platformId":"plat-001-abc",
   "endpoint":"http://10.0.1.10:7890","labels":"{\"env\":\"prod\",\"team\":\"web\"}"},
  {"uuid":"db-01","name":"prod-db-01","type":"metric","region":"us-east-1","platformId":"plat-001-abc",
   "endpoint":"http://10.0.2.20:7890","labels":"{\"env\":\"prod\",\"team\":\"data\"}"},
  {"uuid":"trace-01","name":"prod-trace-01","type":"trace","region":"eu-west-1","platformId":"plat-001-abc",
   "endpoint":"http://10.0.3.30:7890","labels":"{\"env\":\"prod\",\"team\":\"sre\"}"}
]"#;

/// The tour: a note printed before the command when it needs one, and the command's words.
const STEPS: &[(&str, &[&str])] = &[
    (
        "# three agents report in",
        &[
            "heartbeat",
            "send",
            "web-01",
            "--version",
            "1.4.2",
            "--uptime",
            "3h",
            "--cpu",
            "12.5",
            "--mem",
            "41",
        ],
    ),
    (
        "",
        &[
            "heartbeat",
            "send",
            "db-01",
            "--version",
            "1.4.2",
            "--uptime",
            "2d",
            "--cpu",
            "37",
            "--mem",
            "68.2",
        ],
    ),
    (
        "",
        &[
            "heartbeat",
            "send",
            "trace-01",
            "--version",
            "1.3.9",
            "--uptime",
            "15m",
            "--cpu",
            "3.1",
            "--mem",
            "22",
        ],
    ),
    (
        "# look at them",
        &["agent", "show", "web-01", "db-01", "-o", "wide"],
    ),
    ("", &["agent", "list", "--region", "us-east-1"]),
    (
        "# scripts get JSON, filtered in-process",
        &[
            "agent",
            "list",
            "-r",
            "--jq",
            ".[] | \"\\(.uuid) \\(.type) \\(.status)\"",
        ],
    ),
    (
        "# see a request without sending it",
        &[
            "heartbeat",
            "send",
            "web-01",
            "--version",
            "1.4.2",
            "--uptime",
            "3h",
            "--cpu",
            "12.5",
            "--mem",
            "41",
            "--dry-run",
        ],
    ),
    (
        "# trace-01 sends no more heartbeats: watch it go delayed after 2s, then offline after 4s",
        &[
            "watch",
            "trace-01",
            "--interval",
            "500ms",
            "--until",
            "offline",
            "--timeout",
            "10s",
            "-r",
            "--jq",
            "\"\\(.time)  \\(.uuid)  \\(.from) -> \\(.to)\"",
        ],
    ),
];

pub async fn run(ctx: &Context, _args: DemoArgs) -> Result<()> {
    let token =
        random_token().map_err(|err| Error::other(format!("could not generate a token: {err}")))?;
    let thresholds = Thresholds::new(DELAYED_AFTER, OFFLINE_AFTER).map_err(Error::other)?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|err| Error::other(format!("demo: cannot listen on 127.0.0.1: {err}")))?;
    // Registered a month ago, never heard from since.
    let registered = ctx.clock.now() - Duration::from_secs(30 * 86_400);
    let seed = parse_seed(SEED.as_bytes(), registered)
        .map_err(|err| Error::other(format!("demo: the built-in seed: {err}")))?;
    let server = start(
        listener,
        DevServerConfig {
            thresholds,
            seed,
            ..DevServerConfig::new(token.expose())
        },
    )
    .await
    .map_err(|err| Error::other(format!("demo: dev server: {err}")))?;
    let host = server.base_url();
    let config_dir = crate::files::temp_dir("agentctl-demo-")
        .map_err(|err| Error::other(format!("demo: could not create a temp dir: {err}")))?;
    crate::config::save_profile(config_dir.path(), "demo", &host, &token, true)?;
    ctx.ui.data(&format!(
        "agentctl demo: a dev server is running in-process at {host}\n\
         (agents go delayed 2s and offline 4s after their last heartbeat; the commands below \
         run against it with a temporary config)\n"
    ))?;
    let outcome = tour(ctx, &host, &token, config_dir.path()).await;
    server.shutdown().await;
    outcome?;
    ctx.ui
        .data("\nThat was the tour. Run `agentctl dev-server` for a server of your own.\n")
}

async fn tour(
    ctx: &Context,
    host: &str,
    token: &crate::secret::Secret,
    config_dir: &Path,
) -> Result<()> {
    // Only the dev server's token is offered as AGENTCTL_TOKEN; a token in the real
    // environment never reaches it, and none of the user's settings apply.
    let env = crate::env::Env::from_pairs([("AGENTCTL_TOKEN", token.expose())]);
    for (note, words) in STEPS {
        if !note.is_empty() {
            ctx.ui.data(&format!("\n{note}"))?;
        }
        let line = words
            .iter()
            .map(|w| shell_quote(w))
            .collect::<Vec<_>>()
            .join(" ");
        ctx.ui.data(&format!("\n$ agentctl {line}\n"))?;
        let mut argv: Vec<std::ffi::OsString> = std::iter::once("agentctl")
            .chain(words.iter().copied())
            .map(Into::into)
            .collect();
        // Flags beat the environment: the user's AGENTCTL_HOST, AGENTCTL_PROFILE,
        // AGENTCTL_CONFIG_DIR or
        // AGENTCTL_OUTPUT cannot send the tour elsewhere or change how it looks.
        argv.extend(["--host".into(), host.into()]);
        argv.extend(["--config-dir".into(), config_dir.into()]);
        argv.extend(["--profile".into(), "demo".into()]);
        if !words
            .iter()
            .any(|w| matches!(*w, "-o" | "--jq" | "--dry-run"))
        {
            argv.extend(["-o".into(), "table".into()]);
        }
        // Boxed: `demo` runs commands through the same dispatcher that runs `demo`.
        // Each step gets no stdin and no prompts, but the tour's own shutdown signal, clock
        // and clients.
        let doors = crate::context::Doors {
            signals: crate::context::Signals::Given(ctx.shutdown.clone()),
            env: env.clone(),
            clock: ctx.clock.clone(),
            clients: ctx.clients.clone(),
            ..crate::context::Doors::closed()
        };
        let step = (ctx.program.run)(argv, ctx.ui.clone(), doors);
        step.await.map_err(|err| {
            let message = format!("demo step '{line}' failed: {}", err.message);
            let mut error = Error::new(err.kind, message);
            error.hint = err.hint;
            error.cause = err.cause;
            error
        })?;
    }
    Ok(())
}
