use crate::api::{Agent, AgentId, ApiClient, ApiError};
use crate::commands::agent::filters::ListFilters;
use crate::config::Source;
use crate::context::Context;
use crate::duration::parse_positive_duration;
use crate::error::{Error, ErrorKind, Result};
use crate::jq::JqFilter;
use crate::number::whole_number;
use crate::output::OutputFormat;
use crate::status::{AgentStatus, StatusFlag};
use crate::watch::exec::{ExecConfig, Handlers};
use crate::watch::handler_queue::QUEUE_CAPACITY;
use crate::watch::poller::{Change, Fetch, FleetChange, Listing, Sink, Until, View};
use crate::watch::render::{ChangeRows, JsonLines, LiveTable};
use crate::watch::{Plan, Targets, watch};
use clap::{ArgGroup, Args};
use std::future::Future;
use std::time::Duration;

/// Watch agents go online, delayed and offline
//
// The description is the text after the options, ahead of the examples, rather than a long
// about: a long about would make `watch --help` the long layout (a blank line between
// options, defaults on lines of their own), which does not fit a screen.
#[derive(Debug, Args)]
#[command(
    group(ArgGroup::new("targets").required(true).args(["uuids", "all"])),
    after_help = "\
Ids are polled one by one every --interval. --all polls the listing instead: one walk of its \
pages per interval, statuses from the listed records (the filters of `agent list` apply). A \
terminal gets a live table, problem agents first; a pipe gets one JSON event per change, \
{\"time\",\"uuid\",\"from\",\"to\",\"agent\"}, or one row per change with an explicit -o \
table|wide. A failed poll is \"unreachable\" (with a \"reason\"), a 404 \"absent\" (no heartbeat \
yet, polled at the normal pace). With --all a failed walk of the listing is one event for the fleet, \
\"uuid\":null and \"to\":\"unreachable\" with a \"reason\", and it answering again one more, \
\"to\":\"reachable\" (handlers are not run for these); failed walks are retried every interval. --exec runs `sh -c CMD` for each change with the event on \
stdin and AGENTCTL_EVENT_UUID/FROM/TO set, AGENTCTL_TOKEN and AGENTCTL_DEV_TOKEN unset (a \
handler that calls the API reads a token file of its own); a failing or hanging handler is reported and the \
watch goes on. Handlers that fall behind get each agent's latest change, from what its handler last \
saw, with \"coalesced\":N counting the changes folded into it (stderr says how many). Exit 0 once --until/--until-jq holds for every agent, 7 if --timeout comes \
first (without them --timeout just ends the watch), 3 on a refused token.

Examples:
  agentctl watch --all
  agentctl watch web-01 web-02 --until online --timeout 5m   # block a deploy until both are up
  agentctl watch web-01 --until-jq '.status == \"online\" and .version == \"1.4.2\"' --timeout 10m
  agentctl watch --all -l team=ops --exec 'jq -r .uuid >> /tmp/changed'
  agentctl watch --all -o ndjson | jq -c 'select(.to == \"offline\")'"
)]
pub struct WatchArgs {
    /// Agent ids
    #[arg(value_name = "UUID", value_parser = AgentId::parse)]
    pub uuids: Vec<AgentId>,

    /// Time between two polls (of an agent, or of the listing with --all)
    #[arg(long, value_name = "DUR", default_value = "5s", value_parser = parse_positive_duration,
          allow_hyphen_values = true)]
    pub interval: Duration,

    /// Most requests in flight at once
    #[arg(long, value_name = "C", default_value_t = 32,
          value_parser = whole_number::<u32>(1, Some(4096)), allow_negative_numbers = true)]
    pub concurrency: u32,

    /// Exit 0 as soon as every watched agent has this status
    #[arg(long, value_name = "STATUS", value_parser = StatusFlag::LISTED,
          conflicts_with = "until_jq")]
    pub until: Option<AgentStatus>,

    /// Exit 0 as soon as this jq expression is true for every watched record, e.g.
    /// '.status == "online" and .version == "1.4.2"'
    #[arg(long, value_name = "EXPR", value_parser = compile_jq)]
    pub until_jq: Option<JqFilter>,

    /// Give up after this long, more than 0 (exit 7 with --until or --until-jq)
    #[arg(long, value_name = "DUR", value_parser = parse_positive_duration, allow_hyphen_values = true)]
    pub timeout: Option<Duration>,

    /// Run `sh -c CMD` for each change, the event's JSON on stdin
    #[arg(long, value_name = "CMD")]
    pub exec: Option<String>,

    /// Most --exec handlers running at once
    #[arg(long, value_name = "N", default_value_t = 4, requires = "exec",
          value_parser = whole_number::<u32>(1, Some(1024)), allow_negative_numbers = true)]
    pub exec_concurrency: u32,

    /// Kill an --exec handler that runs longer than this
    #[arg(long, value_name = "DUR", default_value = "30s", requires = "exec",
          value_parser = parse_positive_duration, allow_hyphen_values = true)]
    pub exec_timeout: Duration,

    // --all and the filters of `agent list` after watch's own options, under a heading.
    /// Watch every agent the server lists (the filters below apply), listed every interval
    #[arg(long, conflicts_with = "uuids", help_heading = "Every listed agent")]
    pub all: bool,

    #[command(flatten, next_help_heading = "Every listed agent")]
    pub filters: ListFilters,
}

fn compile_jq(text: &str) -> std::result::Result<JqFilter, String> {
    JqFilter::compile(text).map_err(|err| err.message)
}

/// The API behind the watch: one agent by id, or a walk of the listing filtered as asked.
struct ApiFetch<'a> {
    client: &'a ApiClient,
    filters: &'a ListFilters,
}

impl Fetch for ApiFetch<'_> {
    fn get_agent(
        &self,
        id: &AgentId,
    ) -> impl Future<Output = std::result::Result<Agent, ApiError>> {
        self.client.get_agent(id)
    }

    fn list(&self) -> Listing<'_> {
        listing(self.client, self.filters)
    }
}

/// One walk of the listing as `agent list` filters it: the filters go to the server, and
/// each page is checked against them again (a server may ignore one). `watch --all` and `top`
/// both poll this way.
pub fn listing<'a>(client: &'a ApiClient, filters: &'a ListFilters) -> Listing<'a> {
    let walk = client.walk(filters.request());
    Box::pin(futures_util::stream::unfold(
        walk,
        move |mut walk| async move {
            let page = walk.next().await?;
            let page = page.map(|records| {
                records
                    .into_iter()
                    .filter(|record| filters.matches(record))
                    .collect()
            });
            Some((page, walk))
        },
    ))
}

/// A sink that also hands every change to the `--exec` handlers.
struct WithHandlers<'a, S> {
    sink: S,
    handlers: Option<&'a Handlers>,
}

impl<S: Sink> Sink for WithHandlers<'_, S> {
    fn change(&mut self, change: &Change) -> Result<()> {
        if let Some(handlers) = self.handlers {
            handlers.change(change);
        }
        self.sink.change(change)
    }
    fn frame(&mut self, view: &View<'_>) -> Result<()> {
        self.sink.frame(view)
    }
    fn frame_every(&self) -> Option<Duration> {
        self.sink.frame_every()
    }
    fn list_failed(&mut self, reason: &str) {
        self.sink.list_failed(reason);
    }
    /// Not a handler's: handlers are per agent (AGENTCTL_EVENT_UUID), and the fleet's
    /// events are in the stream for whoever reads it.
    fn fleet(&mut self, change: &FleetChange) -> Result<()> {
        self.sink.fleet(change)
    }
    fn warn(&mut self, line: &str) {
        self.sink.warn(line);
    }
    fn finish(&mut self, view: &View<'_>) -> Result<()> {
        self.sink.finish(view)
    }
}

pub async fn run(ctx: &Context, args: WatchArgs) -> Result<()> {
    if !args.all
        && (args.filters.any() || args.filters.page_size != crate::api::DEFAULT_REQUESTED_PAGE_SIZE)
    {
        return Err(Error::usage(
            "--status, --type, --region, -l and --page-size apply to --all only",
        )
        .with_hint("watch --all --status offline, or name the agents to watch"));
    }
    let client = ctx.api()?;
    let until = match (args.until, args.until_jq) {
        (Some(status), _) => Some(Until::Status(status)),
        (None, Some(filter)) => Some(Until::Jq(filter.with_env(ctx.env.vars()))),
        (None, None) => None,
    };
    let plan = Plan {
        targets: if args.all {
            Targets::All
        } else {
            Targets::Ids(args.uuids)
        },
        interval: args.interval,
        concurrency: args.concurrency as usize,
        until,
        timeout: args.timeout,
    };
    let fetch = ApiFetch {
        client: &client,
        filters: &args.filters,
    };
    let handlers = args.exec.map(|command| {
        Handlers::start(
            ExecConfig {
                command,
                concurrency: args.exec_concurrency as usize,
                timeout: args.exec_timeout,
                capacity: QUEUE_CAPACITY,
                report_every: args.interval,
            },
            ctx.ui.clone(),
            ctx.shutdown.clone(),
        )
    });
    // SIGINT, SIGTERM and SIGHUP end the watch alike: the sink restores the terminal.
    let stop = ctx.shutdown.wait();
    let format = ctx.settings.output.value;
    let explicit_table = ctx.settings.output.source != Source::Default
        && matches!(format, OutputFormat::Table | OutputFormat::Wide);
    let wide = format == OutputFormat::Wide;
    let headers = !ctx.settings.no_headers;
    // With -q there is nothing to draw: the exit code is the answer (`--until`).
    let live = ctx.ui.stdout_is_terminal && !format.is_json() && !ctx.ui.quiet;
    let outcome = if live {
        let mut sink = WithHandlers {
            sink: LiveTable::new(ctx.ui.clone(), wide, headers),
            handlers: handlers.as_ref(),
        };
        watch(&fetch, &mut sink, &plan, &ctx.clock, stop).await
    } else if explicit_table && ctx.settings.jq.is_none() {
        let mut sink = WithHandlers {
            sink: ChangeRows::new(ctx.ui.clone(), wide, headers),
            handlers: handlers.as_ref(),
        };
        watch(&fetch, &mut sink, &plan, &ctx.clock, stop).await
    } else {
        let mut sink = WithHandlers {
            sink: JsonLines::new(ctx.ui.clone(), ctx.output_options()),
            handlers: handlers.as_ref(),
        };
        watch(&fetch, &mut sink, &plan, &ctx.clock, stop).await
    };
    if let Some(handlers) = handlers {
        let interrupted = matches!(&outcome, Err(err) if matches!(err.kind, ErrorKind::Signal(_)));
        handlers.finish(interrupted).await;
    }
    outcome
}
