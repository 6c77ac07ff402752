use crate::api::AgentId;
use crate::context::Context;
use crate::duration::{parse_duration, parse_positive_duration};
use crate::error::Result;
use crate::output::OutputFormat;
use crate::watch::render::{JsonLines, LiveTable};
use crate::watch::{Plan, Targets, watch};
use clap::{ArgGroup, Args, ValueEnum};
use std::time::Duration;

/// Watch agents go online, delayed and offline
///
/// Polls each agent every --interval (±10% jitter, at most --concurrency requests at once).
/// At a terminal: a live table redrawn in place. Piped, or with -o json/ndjson: one JSON object
/// per change, {"time","uuid","from","to","agent"} ("from" is null on the first poll). A failed
/// poll marks the agent "unreachable" (with a "reason") and watching goes on. With --all the
/// list is read again every interval: new agents join, vanished ones end as "gone".
///
/// Ends with exit 0 once every agent is in the --until status, exit 7 if --timeout runs out
/// first (without --until, --timeout just ends the watch with exit 0), 130 on Ctrl-C. A refused
/// token (HTTP 401/403) ends it at once with exit 3.
#[derive(Debug, Args)]
#[command(
    group(ArgGroup::new("targets").required(true).args(["uuids", "all"])),
    after_help = "\
Examples:
  agentctl watch --all
  agentctl watch web-01 web-02 --until online --timeout 5m   # block a deploy until both are up
  agentctl watch --all -o ndjson | jq -c 'select(.to == \"offline\")'"
)]
pub struct WatchArgs {
    /// Agent ids
    #[arg(value_name = "UUID", value_parser = AgentId::parse)]
    pub uuids: Vec<AgentId>,

    /// Watch every agent the server lists, re-listed every interval
    #[arg(long, conflicts_with = "uuids")]
    pub all: bool,

    /// Time between two polls of an agent
    #[arg(long, value_name = "DUR", default_value = "5s", value_parser = parse_positive_duration)]
    pub interval: Duration,

    /// Most requests in flight at once
    #[arg(long, value_name = "C", default_value_t = 32,
          value_parser = clap::value_parser!(u32).range(1..=4096))]
    pub concurrency: u32,

    /// Exit 0 as soon as every watched agent has this status
    #[arg(long, value_enum, value_name = "STATUS")]
    pub until: Option<UntilStatus>,

    /// Give up after this long (exit 7 with --until)
    #[arg(long, value_name = "DUR", value_parser = parse_duration)]
    pub timeout: Option<Duration>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum UntilStatus {
    Online,
    Delayed,
    Offline,
}

impl UntilStatus {
    fn as_str(self) -> &'static str {
        match self {
            UntilStatus::Online => "online",
            UntilStatus::Delayed => "delayed",
            UntilStatus::Offline => "offline",
        }
    }
}

pub async fn run(ctx: &Context, args: WatchArgs) -> Result<()> {
    let client = ctx.api()?;
    let plan = Plan {
        targets: if args.all {
            Targets::All
        } else {
            Targets::Ids(args.uuids)
        },
        interval: args.interval,
        concurrency: args.concurrency as usize,
        until: args.until.map(|status| status.as_str().to_owned()),
        timeout: args.timeout,
    };
    // SIGINT, SIGTERM and SIGHUP end the watch alike: the sink restores the terminal.
    let stop = ctx.shutdown.wait();
    let format = ctx.settings.output.value;
    // With -q there is nothing to draw: the exit code is the answer (`--until`).
    let live = ctx.ui.stdout_is_terminal && !format.is_json() && !ctx.ui.quiet;
    if live {
        let mut sink = LiveTable::new(
            ctx.ui.clone(),
            format == OutputFormat::Wide,
            !ctx.settings.no_headers,
        );
        watch(&client, &mut sink, &plan, stop).await
    } else {
        let mut sink = JsonLines::new(ctx.ui.clone(), ctx.output_options());
        watch(&client, &mut sink, &plan, stop).await
    }
}
