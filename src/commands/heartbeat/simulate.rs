use crate::context::Context;
use crate::duration::{parse_duration, parse_positive_duration};
use crate::error::{Error, ErrorKind, Result};
use crate::number::whole_number;
use crate::simulate::report::{print_summary, threshold_outcome};
use crate::simulate::shard::Shard;
use crate::simulate::threshold::Threshold;
use crate::simulate::{Plan, Simulation};
use crate::timestamp::{MissingOffset, parse_rfc3339};
use clap::Args;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

/// Simulate a fleet of agents sending heartbeats, and measure how the server copes
///
/// Agents are named <prefix>0001, <prefix>0002, … Their first beats are spread evenly over one
/// interval, then each beats once per interval on its own phase, with CPU and memory moving as
/// bounded random walks. Beats go out on schedule even while earlier ones are unanswered (up
/// to --concurrency in flight), and latency is measured from the time a beat was due, so a
/// slow server shows as latency rather than hiding behind a slower schedule; a beat that
/// starts more than 10% of the interval (at least 50 ms) after it was due counts as late.
/// --interval 0 is a stress test instead: --concurrency workers each send the next beat as
/// soon as the previous one answers.
///
/// One fleet can be split across processes or machines: --shard I/N runs the I-th of N
/// slices (0-based), on the schedule one unsharded run would give it, so the N shards
/// together send what one run would, under the same names; --start-at gives them a common
/// start, and `heartbeat summary` merges their -o json summaries. In a Kubernetes Indexed
/// Job, pass --shard $(JOB_COMPLETION_INDEX)/N (Kubernetes expands it; see deploy/kubernetes).
///
/// Runs until --duration, --beats, Ctrl-C, SIGTERM or SIGHUP. On a terminal a progress line is
/// drawn on stderr; at the end a summary goes to stdout (JSON with -o json or ndjson,
/// including the latency histogram that `heartbeat summary` merges).
///
/// Exit status, the first that applies: 130, 143 or 129 when ended by SIGINT, SIGTERM or
/// SIGHUP (after the summary of what was sent); 8 when a --fail-if threshold was crossed; the
/// exit code of the last failure (3 auth, 4 not found, 5 API, 6 network) when no beat
/// succeeded at all; otherwise 0, failures being part of the measurement (they are counted by
/// class in the summary).
#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  agentctl heartbeat simulate --agents 200 --interval 10s --duration 5m
  agentctl heartbeat simulate --agents 20 --interval 1s --beats 2 -o json | jq .latency_ms
  agentctl heartbeat simulate --agents 32 --interval 0 --duration 10s --retries 0
  agentctl heartbeat simulate --agents 100000 --interval 30s --duration 10m --fail-if 'p99>250ms' --fail-if 'errors>0.1%'
  agentctl heartbeat simulate --agents 1000000 --interval 60s --duration 10m --shard 2/8 \\
      --start-at 2026-03-01T12:00:00Z -o json > shard-2.json")]
pub struct HeartbeatSimulateArgs {
    /// Number of simulated agents (the whole fleet, all shards together; at most 1,000,000
    /// per process)
    #[arg(long, value_name = "N", value_parser = whole_number::<u64>(1, Some(1_000_000_000)), allow_negative_numbers = true)]
    pub agents: u64,

    /// Time between two beats of one agent; 0 sends back to back (closed-loop stress)
    #[arg(long, value_name = "DUR", value_parser = parse_duration, default_value = "10s", allow_hyphen_values = true)]
    pub interval: Duration,

    /// Stop sending after this long (beats in flight are awaited)
    #[arg(long, value_name = "DUR", value_parser = parse_positive_duration, conflicts_with = "beats", allow_hyphen_values = true)]
    pub duration: Option<Duration>,

    /// Stop after N beats per agent
    #[arg(long, value_name = "N", value_parser = whole_number::<u64>(1, None), allow_negative_numbers = true)]
    pub beats: Option<u64>,

    /// Prefix of the simulated agent ids
    #[arg(long, value_name = "P", default_value = "sim-")]
    pub prefix: String,

    /// Most requests in flight at once [default: this shard's number of agents, at most 256]
    #[arg(long, value_name = "C", value_parser = whole_number::<u64>(1, Some(65_536)), allow_negative_numbers = true)]
    pub concurrency: Option<u64>,

    /// Run only shard I of N (0-based) of the fleet: agents [I·A/N, (I+1)·A/N)
    #[arg(long, value_name = "I/N", env = "AGENTCTL_SHARD", value_parser = Shard::parse)]
    pub shard: Option<Shard>,

    /// Start at this time (RFC 3339, e.g. 2026-03-01T12:00:00Z) or after this long (+30s);
    /// a time in the past starts at once
    #[arg(long, value_name = "TIME", value_parser = parse_start_at, allow_hyphen_values = true)]
    pub start_at: Option<StartAt>,

    /// Fail (exit 8) when the run crosses this threshold: p50|p90|p99|p999|max <|<=|>|>= DUR,
    /// errors <|> N% (failed ÷ sent), rate <|> N (per second); repeatable
    #[arg(long, value_name = "EXPR", value_parser = Threshold::parse)]
    pub fail_if: Vec<Threshold>,
}

/// The most agents one process simulates (about 24 MB of state per million); a larger
/// fleet is split with --shard.
const MAX_AGENTS_PER_PROCESS: u64 = 1_000_000;

/// When a run starts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum StartAt {
    At(SystemTime),
    After(Duration),
}

/// `+30s` (from now) or an RFC 3339 time.
pub fn parse_start_at(text: &str) -> std::result::Result<StartAt, String> {
    let text = text.trim();
    match text.strip_prefix('+') {
        Some(after) => parse_duration(after).map(StartAt::After),
        None => parse_rfc3339(text, MissingOffset::Refused)
            .map(StartAt::At)
            .map_err(|err| format!("{err}, or +DURATION from now (+30s)")),
    }
}

impl StartAt {
    /// The start as (monotonic instant, wall-clock time), given now on both clocks; a time
    /// in the past is now.
    fn resolve(self, now: Instant, now_wall: SystemTime) -> (Instant, SystemTime) {
        let wait = match self {
            StartAt::After(wait) => wait,
            StartAt::At(time) => time.duration_since(now_wall).unwrap_or_default(),
        };
        (now + wait, now_wall + wait)
    }
}

pub async fn run(ctx: &Context, args: HeartbeatSimulateArgs) -> Result<()> {
    let shard = args.shard.unwrap_or(Shard::WHOLE);
    let shard_agents = {
        let range = shard.range(args.agents);
        range.end - range.start
    };
    if shard_agents > MAX_AGENTS_PER_PROCESS {
        return Err(Error::usage(format!(
            "--agents {}: one process runs at most {MAX_AGENTS_PER_PROCESS} agents",
            args.agents
        ))
        .with_hint(format!(
            "split the fleet across processes with --shard I/N (N at least {})",
            args.agents.div_ceil(MAX_AGENTS_PER_PROCESS)
        )));
    }
    let plan = Plan {
        agents: args.agents,
        shard,
        interval: args.interval,
        duration: args.duration,
        beats: args.beats,
        concurrency: args.concurrency.unwrap_or(shard_agents.clamp(1, 256)) as usize,
        prefix: args.prefix,
    };
    // Checked before the client, so a bad prefix is a usage error even without a host.
    plan.check_prefix()
        .map_err(|err| Error::usage(format!("--prefix {:?}: {err}", plan.prefix)))?;
    let client = ctx.api()?;
    if shard_agents == 0 {
        ctx.ui.warn(&format!(
            "shard {shard} has no agents ({} agents over {} shards): it sends nothing",
            plan.agents, shard.count
        ));
    }
    let (origin, origin_wall) = args
        .start_at
        .unwrap_or(StartAt::After(Duration::ZERO))
        .resolve(ctx.clock.instant(), ctx.clock.now());
    let simulation = Simulation::new(plan.clone(), client, ctx.clock.clone(), origin, origin_wall)
        .map_err(Error::usage)?;

    let (stop, stop_requested) = tokio::sync::watch::channel(false);
    let progress = progress_bar(ctx, &plan);
    let ticker = progress.clone().map(|bar| {
        let simulation = Arc::clone(&simulation);
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_millis(250));
            let mut previous = None;
            loop {
                tick.tick().await;
                bar.set_message(progress_message(&simulation, &mut previous));
            }
        })
    });
    let mut interrupted = None;
    {
        let running = simulation.run(stop_requested);
        let mut running = std::pin::pin!(running);
        tokio::select! {
            _ = &mut running => {}
            signal = ctx.shutdown.wait() => {
                // SIGINT, SIGTERM and SIGHUP alike: stop sending, wait for the beats in
                // flight, and report what was sent.
                interrupted = Some(signal);
                let _ = stop.send(true);
                running.await;
            }
        }
    }
    if let Some(ticker) = ticker {
        ticker.abort();
    }
    if let Some(bar) = progress {
        bar.finish_and_clear();
    }

    let summary = simulation.summary(&args.fail_if);
    print_summary(&ctx.ui, &ctx.output_options(), &summary)?;
    // The exit status, in the contract's order: a signal, a crossed threshold, no success.
    if let Some(signal) = interrupted {
        return Err(signal.into());
    }
    threshold_outcome(&summary)?;
    if summary.sent > 0 && summary.ok == 0 {
        let last = simulation.with_stats(|stats| {
            stats
                .last_error()
                .map(|err| (err.kind(), err.to_string(), err.hint.clone()))
        });
        let (kind, detail, hint) = last.map_or((ErrorKind::Api, String::new(), None), |err| {
            (err.0, format!("; the last error: {}", err.1), err.2)
        });
        let error = Error::new(
            kind,
            format!("none of the {} heartbeats succeeded{detail}", summary.sent),
        );
        return Err(match hint {
            Some(hint) => error.with_hint(hint),
            None => error,
        });
    }
    Ok(())
}

/// A progress line on stderr, only when stderr is a terminal (never in a pipe or a log).
fn progress_bar(ctx: &Context, plan: &Plan) -> Option<ProgressBar> {
    if !ctx.ui.stderr_is_terminal || ctx.ui.quiet {
        return None;
    }
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr_with_hz(4));
    bar.set_style(
        ProgressStyle::with_template("{elapsed:>4} {wide_msg}")
            .expect("the progress template is valid"),
    );
    let pace = if plan.interval.is_zero() {
        "back to back".to_owned()
    } else {
        format!("every {}", crate::duration::format_duration(plan.interval))
    };
    let shard = if plan.shard.is_whole() {
        String::new()
    } else {
        format!(" (shard {} of {} agents)", plan.shard, plan.agents)
    };
    bar.set_message(format!("{} agents{shard}, {pace}", plan.shard_agents()));
    bar.enable_steady_tick(Duration::from_millis(250));
    Some(bar)
}

/// The progress line: counts so far, and the rate since the previous tick (a rate over the
/// first few milliseconds of a run would be noise), or the wait before the start.
fn progress_message(simulation: &Simulation, previous: &mut Option<(Instant, u64)>) -> String {
    let until_start = simulation.until_start();
    if !until_start.is_zero() {
        return format!("starting in {:.0}s", until_start.as_secs_f64().ceil());
    }
    let (sent, ok, p99) = simulation.with_stats(|stats| (stats.sent(), stats.ok(), stats.p99()));
    let now = simulation.clock().instant();
    let rate = match previous.replace((now, sent)) {
        Some((then, sent_then)) if now > then => {
            format!(
                "{:.0}/s",
                (sent - sent_then) as f64 / (now - then).as_secs_f64()
            )
        }
        _ => "-/s".to_owned(),
    };
    format!(
        "sent {sent}  ok {ok}  failed {}  {rate}  p99 {:.1} ms",
        sent - ok,
        p99.as_secs_f64() * 1000.0
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn start_times() {
        let now = crate::clock::Clock::system().instant();
        let now_wall = SystemTime::UNIX_EPOCH + Duration::from_secs(1_772_366_400);
        assert_eq!(
            parse_start_at("+30s").unwrap().resolve(now, now_wall),
            (
                now + Duration::from_secs(30),
                now_wall + Duration::from_secs(30)
            )
        );
        let later = parse_start_at("2026-03-01T12:01:00Z").unwrap();
        assert_eq!(
            later.resolve(now, now_wall),
            (
                now + Duration::from_secs(60),
                now_wall + Duration::from_secs(60)
            )
        );
        // In the past: at once.
        let earlier = parse_start_at("2026-03-01T13:59:00+02:00").unwrap();
        assert_eq!(earlier.resolve(now, now_wall), (now, now_wall));
        for bad in ["tomorrow", "+", "+-5s", "2026-03-01", ""] {
            assert!(parse_start_at(bad).is_err(), "{bad}");
        }
    }
}
