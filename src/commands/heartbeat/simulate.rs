use crate::context::Context;
use crate::duration::parse_duration;
use crate::error::{Error, ErrorKind, Result};
use crate::output::{plain_table, print_json, render_table};
use crate::simulate::stats::Summary;
use crate::simulate::{Plan, Simulation};
use clap::Args;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::sync::Arc;
use std::time::Duration;

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
/// Runs until --duration, --beats or Ctrl-C. On a terminal a progress line is drawn on
/// stderr; at the end a summary goes to stdout (JSON with -o json or ndjson).
///
/// Exit status: 0 when the run completed and at least one beat succeeded, failures being part
/// of the measurement (they are counted by class in the summary); when no beat succeeded at
/// all, the exit code of the last failure (3 auth, 4 not found, 5 API, 6 network); 130 on
/// Ctrl-C, after the summary.
#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  agentctl heartbeat simulate --agents 200 --interval 10s --duration 5m
  agentctl heartbeat simulate --agents 20 --interval 1s --beats 2 -o json | jq .latency_ms
  agentctl heartbeat simulate --agents 32 --interval 0 --duration 10s --retries 0")]
pub struct HeartbeatSimulateArgs {
    /// Number of simulated agents
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    pub agents: u64,

    /// Time between two beats of one agent; 0 sends back to back (closed-loop stress)
    #[arg(long, value_name = "DUR", value_parser = parse_duration, default_value = "10s")]
    pub interval: Duration,

    /// Stop scheduling beats after this long (beats in flight are awaited)
    #[arg(long, value_name = "DUR", value_parser = parse_duration, conflicts_with = "beats")]
    pub duration: Option<Duration>,

    /// Stop after N beats per agent
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub beats: Option<u64>,

    /// Prefix of the simulated agent ids
    #[arg(long, value_name = "P", default_value = "sim-")]
    pub prefix: String,

    /// Most requests in flight at once [default: the number of agents, at most 256]
    #[arg(long, value_name = "C", value_parser = clap::value_parser!(u64).range(1..=65_536))]
    pub concurrency: Option<u64>,
}

pub async fn run(ctx: &Context, args: HeartbeatSimulateArgs) -> Result<()> {
    let plan = Plan {
        agents: args.agents,
        interval: args.interval,
        duration: args.duration,
        beats: args.beats,
        concurrency: args.concurrency.unwrap_or(args.agents.min(256)) as usize,
        prefix: args.prefix,
    };
    // Checked before the client, so a bad prefix is a usage error even without a host.
    plan.agent_ids()
        .map_err(|err| Error::usage(format!("--prefix {:?}: {err}", plan.prefix)))?;
    let client = ctx.api()?;
    let simulation = Simulation::new(plan.clone(), client).map_err(Error::usage)?;

    let (stop, stop_requested) = tokio::sync::watch::channel(false);
    let progress = progress_bar(ctx, &plan);
    let ticker = progress.clone().map(|bar| {
        let simulation = Arc::clone(&simulation);
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_millis(250));
            loop {
                tick.tick().await;
                bar.set_message(progress_message(&simulation));
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

    let summary = simulation.summary();
    print_summary(ctx, &summary)?;
    if let Some(signal) = interrupted {
        return Err(signal.into());
    }
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
    bar.set_message(format!("{} agents, {pace}", plan.agents));
    bar.enable_steady_tick(Duration::from_millis(250));
    Some(bar)
}

fn progress_message(simulation: &Simulation) -> String {
    let (sent, ok, p99) = simulation.with_stats(|stats| (stats.sent(), stats.ok(), stats.p99()));
    let seconds = simulation.elapsed().as_secs_f64().max(0.001);
    format!(
        "sent {sent}  ok {ok}  failed {}  {:.0}/s  p99 {:.1} ms",
        sent - ok,
        sent as f64 / seconds,
        p99.as_secs_f64() * 1000.0
    )
}

/// The summary on stdout (data: `-q` silences it, the exit code tells).
fn print_summary(ctx: &Context, summary: &Summary) -> Result<()> {
    if ctx.settings.output.value.is_json() {
        let value = serde_json::to_value(summary).expect("a summary always serializes");
        return print_json(&ctx.ui, &ctx.output_options(), &value);
    }
    ctx.ui
        .data(&summary_table(summary, !ctx.settings.no_headers))
}

fn summary_table(summary: &Summary, headers: bool) -> String {
    let failed = if summary.failed.is_empty() {
        "0".to_owned()
    } else {
        let classes: Vec<String> = summary
            .failed
            .iter()
            .map(|(class, count)| format!("{class}: {count}"))
            .collect();
        format!("{} ({})", summary.failed_total(), classes.join(", "))
    };
    let ms = |value: f64| format!("{value:.1} ms");
    let mut table = plain_table(false);
    if headers {
        table.set_header(["METRIC", "VALUE"]);
    }
    let rows = [
        ("agents", summary.agents.to_string()),
        ("sent", summary.sent.to_string()),
        ("ok", summary.ok.to_string()),
        ("failed", failed),
        ("rate", format!("{:.1}/s", summary.rate_per_sec)),
        ("latency p50", ms(summary.latency_ms.p50)),
        ("latency p90", ms(summary.latency_ms.p90)),
        ("latency p99", ms(summary.latency_ms.p99)),
        ("latency max", ms(summary.latency_ms.max)),
        ("late", summary.late.to_string()),
        ("duration", format!("{:.1}s", summary.duration_sec)),
    ];
    for (name, value) in rows {
        table.add_row([name.to_owned(), value]);
    }
    render_table(&mut table)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::simulate::stats::LatencySummary;
    use std::collections::BTreeMap;

    #[test]
    fn the_summary_table() {
        let summary = Summary {
            agents: 2,
            sent: 10,
            ok: 7,
            failed: BTreeMap::from([("503".to_owned(), 2), ("timeout".to_owned(), 1)]),
            rate_per_sec: 5.0,
            latency_ms: LatencySummary {
                p50: 1.25,
                p90: 2.0,
                p99: 3.0,
                max: 4.0,
            },
            late: 1,
            duration_sec: 2.0,
        };
        let text = summary_table(&summary, true);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 12, "{text}");
        assert!(lines[0].contains("METRIC"));
        assert!(
            text.contains("\nfailed        3 (503: 2, timeout: 1)\n"),
            "{text}"
        );
        assert!(text.contains("\nlatency p50   1.2 ms\n"), "{text}");
        assert_eq!(summary_table(&summary, false).lines().count(), 11);
    }
}
