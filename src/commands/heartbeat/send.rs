use crate::api::models::{parse_percent, parse_version};
use crate::api::{Agent, AgentId, ApiResult, ClientHeaders, HeartbeatRequest, Request, agents_url};
use crate::backoff::{EVERY_FAILURE, spread};
use crate::context::{Context, Stdin};
use crate::duration::{parse_duration, parse_positive_duration};
use crate::error::{Error, Result};
use crate::host_metrics::{self, HostMetrics};
use crate::number::whole_number;
use crate::output::{OutputFormat, OutputOptions, Shape, json_text, print_agents};
use crate::sanitize::sanitize;
use clap::Args;
use serde_json::Value;
use std::io::Read;
use std::path::PathBuf;
use std::time::Duration;

/// Send a heartbeat for an agent, as the agent itself would
///
/// Prints the agent record the server answers with. With --every, keeps sending on that
/// schedule (±10% jitter, like a fleet of real agents that do not beat in lockstep) and prints
/// one line per beat: time, result, latency (one JSON object per beat with -o json/ndjson).
/// A failed beat is retried after a full-jitter exponential backoff (500 ms doubling up to
/// 8 s), then the schedule resumes; --retries does not apply, the schedule is the retry
/// policy. Ctrl-C stops after the beat in flight (exit 130); otherwise the exit status is the
/// last beat's.
#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  agentctl heartbeat send agent-abc123-def456 --version 1.2.3 --uptime 1d --cpu 12.5 --mem 35.2
  agentctl heartbeat send web-01 --version 1.2.3 --from-host --every 30s
  agentctl heartbeat send web-01 --version 1.2.3 --uptime 90 --cpu 3 --mem 41 --dry-run
  echo '{\"version\":\"1.2.3\",\"uptime\":86400,\"cpuUsage\":12.5,\"memUsage\":35.2}' | agentctl heartbeat send web-01 --body -")]
pub struct HeartbeatSendArgs {
    /// Agent id (any string; not required to be an RFC 4122 UUID)
    #[arg(value_name = "UUID", value_parser = AgentId::parse)]
    pub uuid: AgentId,

    /// Version of the agent binary, e.g. 1.2.3
    #[arg(long = "version", visible_alias = "agent-version", value_name = "V", value_parser = parse_version,
          required_unless_present = "body")]
    pub agent_version: Option<String>,

    /// How long the agent has been running: seconds, or 90s, 5m, 1h30m, 2d (with --every it
    /// grows by the time elapsed, as a running agent's would)
    #[arg(long, value_name = "DUR", value_parser = parse_duration, allow_hyphen_values = true,
          required_unless_present_any = ["body", "from_host"])]
    pub uptime: Option<Duration>,

    /// CPU utilization percentage, 0–100
    #[arg(long, visible_alias = "cpu-usage", value_name = "PCT", value_parser = parse_percent,
          allow_hyphen_values = true, required_unless_present_any = ["body", "from_host"])]
    pub cpu: Option<f64>,

    /// Memory utilization percentage, 0–100
    #[arg(long, visible_alias = "mem-usage", value_name = "PCT", value_parser = parse_percent,
          allow_hyphen_values = true, required_unless_present_any = ["body", "from_host"])]
    pub mem: Option<f64>,

    /// Fill uptime, CPU % (sampled over 250 ms) and memory % (used, as `free` counts it) from
    /// this machine; --uptime, --cpu or --mem given as well win over the measured value
    #[arg(long)]
    pub from_host: bool,

    /// Send a JSON body read from a file, or from stdin with '-' (validated like the flags)
    #[arg(long, value_name = "FILE|-", conflicts_with_all = ["agent_version", "uptime", "cpu", "mem", "from_host"])]
    pub body: Option<PathBuf>,

    /// Keep sending, one beat per DUR (±10% jitter), until Ctrl-C or --count beats
    #[arg(long, value_name = "DUR", value_parser = parse_every, allow_hyphen_values = true)]
    pub every: Option<Duration>,

    /// With --every: stop after N beats (failed beats count)
    #[arg(long, value_name = "N", requires = "every", value_parser = whole_number::<u64>(1, None),
          allow_negative_numbers = true)]
    pub count: Option<u64>,

    /// Print the request (method, URL, headers, body) and send nothing
    #[arg(long, conflicts_with = "every")]
    pub dry_run: bool,
}

pub async fn run(ctx: &Context, args: HeartbeatSendArgs) -> Result<()> {
    let host = if args.from_host {
        Some(host_metrics::measure().await)
    } else {
        None
    };
    let body = heartbeat_body(&args, host.as_ref(), &ctx.stdin)?;
    if args.dry_run {
        return print_dry_run(ctx, &args.uuid, &body);
    }
    if let Some(every) = args.every {
        return beat_every(ctx, &args, body, every).await;
    }
    let client = ctx.api()?;
    let agent = client.heartbeat(&args.uuid, &body).await?;
    print_agents(&ctx.ui, &ctx.output_options(), &[agent], Shape::One)
}

fn parse_every(text: &str) -> std::result::Result<Duration, String> {
    let every = parse_positive_duration(text)?;
    if every < Duration::from_millis(100) {
        return Err(format!(
            "'{text}' is too short; beat at most every 100ms (use `heartbeat simulate` for load)"
        ));
    }
    Ok(every)
}

/// The body to send: from `--body`, or from the four flags, the measured host filling in for
/// the ones not given.
fn heartbeat_body(
    args: &HeartbeatSendArgs,
    host: Option<&HostMetrics>,
    stdin: &Stdin,
) -> Result<HeartbeatRequest> {
    if let Some(path) = &args.body {
        let (name, text) = read_body_source(path, stdin)?;
        return HeartbeatRequest::from_json(&text)
            .map_err(|err| Error::usage(format!("--body {name}: {err}")));
    }
    let missing = |flag: &str| Error::usage(format!("{flag} is required (or pass --body)"));
    Ok(HeartbeatRequest {
        version: args
            .agent_version
            .clone()
            .ok_or_else(|| missing("--version"))?,
        uptime: args
            .uptime
            .or(host.map(|h| h.uptime))
            .ok_or_else(|| missing("--uptime"))?
            .as_secs(),
        cpu_usage: args
            .cpu
            .or(host.map(|h| h.cpu_percent))
            .ok_or_else(|| missing("--cpu"))?,
        mem_usage: args
            .mem
            .or(host.map(|h| h.mem_percent))
            .ok_or_else(|| missing("--mem"))?,
    })
}

/// `--every`: beat on schedule until `--count` or Ctrl-C. With `-q`, only failed beats are
/// reported (as warnings on stderr).
async fn beat_every(
    ctx: &Context,
    args: &HeartbeatSendArgs,
    first_body: HeartbeatRequest,
    every: Duration,
) -> Result<()> {
    // The schedule is the retry policy: a beat is one attempt, reported on its own line, and a
    // failure is followed by a backoff of its own. Retries inside the client would stack a
    // second backoff on top and hide failed attempts from the operator.
    let client = ctx.api_with(|options| options.retries = 0)?;
    let json = ctx.settings.output.value.is_json();
    // Beats are a stream: one compact line each, whatever -o json/ndjson says.
    let beat_options = OutputOptions {
        format: OutputFormat::Ndjson,
        ..ctx.output_options()
    };
    let clock = &ctx.clock;
    let started = clock.instant();
    let mut stop = std::pin::pin!(ctx.shutdown.wait());
    let mut interrupted = None;
    let mut next_beat = started;
    let mut failures_in_a_row: u32 = 0;
    let mut last_outcome: ApiResult<()> = Ok(());
    let mut beats: u64 = 0;
    loop {
        // Measuring the host takes a CPU sample: start it that much early, to send on time.
        let wake = if args.from_host && beats > 0 {
            next_beat
                .checked_sub(host_metrics::CPU_SAMPLE)
                .unwrap_or(next_beat)
        } else {
            next_beat
        };
        tokio::select! {
            _ = tokio::time::sleep_until(wake.into()) => {}
            signal = &mut stop => {
                interrupted = Some(signal);
                break;
            }
        }
        let body = if beats == 0 {
            first_body.clone()
        } else if args.body.is_some() {
            // --body is read once (stdin cannot be read twice); its uptime grows like a flag's.
            let mut body = first_body.clone();
            body.uptime = body.uptime.saturating_add(clock.since(started).as_secs());
            body
        } else {
            let host = if args.from_host {
                Some(host_metrics::measure().await)
            } else {
                None
            };
            let mut body = heartbeat_body(args, host.as_ref(), &ctx.stdin)?;
            if args.uptime.is_some() {
                body.uptime = body.uptime.saturating_add(clock.since(started).as_secs());
            }
            body
        };
        let beat_started = clock.instant();
        let time = humantime::format_rfc3339_millis(clock.now()).to_string();
        let request = client.heartbeat(&args.uuid, &body);
        let mut request = std::pin::pin!(request);
        // A signal during a beat lets the beat finish, so its outcome is reported.
        let outcome = tokio::select! {
            outcome = &mut request => outcome,
            signal = &mut stop => {
                interrupted = Some(signal);
                request.await
            }
        };
        let latency = clock.since(beat_started);
        beats += 1;
        let retry_in = match &outcome {
            Ok(_) => {
                failures_in_a_row = 0;
                None
            }
            Err(_) => {
                failures_in_a_row += 1;
                Some(EVERY_FAILURE.full_jitter(failures_in_a_row - 1))
            }
        };
        let last = args.count.is_some_and(|count| beats >= count) || interrupted.is_some();
        let retry_in = retry_in.filter(|_| !last);
        if json {
            // Through the one JSON path, so --jq filters the beats too.
            let value = beat_json(&time, &outcome, latency, retry_in);
            ctx.ui.data(&json_text(&beat_options, &value)?)?;
        } else {
            ctx.ui
                .data(&beat_line(&time, &outcome, latency, retry_in))?;
        }
        if ctx.ui.quiet && outcome.is_err() {
            // -q: nothing for a beat that worked, but a failure is still worth a word.
            ctx.ui
                .warn(beat_line(&time, &outcome, latency, retry_in).trim_end());
        }
        last_outcome = outcome.map(|_| ());
        if last {
            break;
        }
        next_beat = match retry_in {
            Some(wait) => clock.instant() + wait,
            None => beat_started + spread(every),
        };
    }
    if let Some(signal) = interrupted {
        return Err(signal.into());
    }
    if beats == 0 || args.count.is_none_or(|count| beats < count) {
        // Only a signal ends an endless schedule early.
        return Err(ctx.shutdown.wait().await.into());
    }
    last_outcome.map_err(|err| {
        // The failure was already reported on its beat's line; the exit code still tells.
        let mut error = Error::new(err.kind(), format!("the last heartbeat failed: {err}"));
        error.cause = err.cause;
        error
    })
}

/// One line per beat: `2026-01-15T08:00:00.123Z ok 12ms` or the failure and the retry.
fn beat_line(
    time: &str,
    outcome: &ApiResult<Agent>,
    latency: Duration,
    retry_in: Option<Duration>,
) -> String {
    let latency_ms = (latency.as_secs_f64() * 1e6).round() / 1e3;
    match outcome {
        Ok(agent) => {
            let status = agent
                .status()
                .map(|status| format!("  status {}", sanitize(&status)))
                .unwrap_or_default();
            format!("{time}  ok      {latency_ms:>8.1} ms{status}\n")
        }
        Err(err) => {
            let retry = retry_in
                .map(|wait| format!(" (retry in {:.1}s)", wait.as_secs_f64()))
                .unwrap_or_default();
            format!("{time}  failed  {latency_ms:>8.1} ms  {err}{retry}\n")
        }
    }
}

/// A beat as JSON: `{"time","ok","latency_ms"}` plus `status`, or `error`, `class` and
/// `retry_in_ms` for a failure.
fn beat_json(
    time: &str,
    outcome: &ApiResult<Agent>,
    latency: Duration,
    retry_in: Option<Duration>,
) -> Value {
    let latency_ms = (latency.as_secs_f64() * 1e6).round() / 1e3;
    let mut line = serde_json::json!({
        "time": time,
        "ok": outcome.is_ok(),
        "latency_ms": latency_ms,
    });
    match outcome {
        Ok(agent) => line["status"] = agent.status().map_or(Value::Null, Value::from),
        Err(err) => {
            line["error"] = Value::from(err.to_string());
            line["class"] = Value::from(err.class());
            if let Some(wait) = retry_in {
                line["retry_in_ms"] = Value::from(wait.as_millis() as u64);
            }
        }
    }
    line
}

/// Reads `--body`: a file, or stdin for `-`. At most 1 MiB: a heartbeat is a few dozen bytes.
fn read_body_source(path: &std::path::Path, stdin: &Stdin) -> Result<(String, Vec<u8>)> {
    const LIMIT: u64 = 1024 * 1024;
    let (name, reader): (String, Box<dyn Read + '_>) = if path.as_os_str() == "-" {
        ("-".into(), Box::new(stdin.reader()))
    } else {
        let subject = format!("--body {}", path.display());
        let (file, _) = crate::files::open_regular(path, true).map_err(|err| {
            let refused = !matches!(err, crate::files::ReadError::Io(_));
            let error = err.into_error(&subject, crate::error::ErrorKind::Usage);
            if refused {
                error.with_hint("give a regular file, or `--body -` and the body on stdin")
            } else {
                error
            }
        })?;
        (path.display().to_string(), Box::new(file))
    };
    let mut text = Vec::new();
    reader
        .take(LIMIT + 1)
        .read_to_end(&mut text)
        .map_err(|err| Error::usage(format!("--body {name}: {err}")))?;
    if text.len() as u64 > LIMIT {
        return Err(Error::usage(format!(
            "--body {name}: larger than 1 MiB; a heartbeat body is a small JSON object"
        )));
    }
    Ok((name, text))
}

/// `--dry-run`: the request as the client would send it (the same description), the token
/// redacted; the token itself is not needed, nor checked.
fn print_dry_run(ctx: &Context, id: &AgentId, body: &HeartbeatRequest) -> Result<()> {
    let url = agents_url(&ctx.host()?, Some(id), Some("heartbeat"));
    let headers = ClientHeaders::shown(ctx.settings.token.is_some());
    let payload = body.to_json_bytes();
    let request = Request::put(&url, &headers, &payload);
    // What the user asked to see, so -q does not silence it.
    if ctx.settings.output.value.is_json() {
        return ctx
            .ui
            .answer(&json_text(&ctx.output_options(), &request.dry_run_json())?);
    }
    ctx.ui.answer(&request.dry_run_text())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_beat_line_per_outcome() {
        let ok = Agent::from_value(serde_json::json!({"uuid":"a","status":"online"})).unwrap();
        let line = beat_line("T", &Ok(ok.clone()), Duration::from_micros(12_345), None);
        assert_eq!(line, "T  ok          12.3 ms  status online\n");
        let json = beat_json("T", &Ok(ok), Duration::from_micros(12_345), None);
        assert_eq!(
            json.to_string(),
            "{\"time\":\"T\",\"ok\":true,\"latency_ms\":12.345,\"status\":\"online\"}"
        );
        let err = || {
            crate::api::ApiError::new(
                "heartbeat for a",
                crate::api::Failure::Status(503),
                "HTTP 503",
            )
        };
        let line = beat_line(
            "T",
            &Err(err()),
            Duration::from_millis(2),
            Some(Duration::from_millis(400)),
        );
        assert_eq!(
            line,
            "T  failed       2.0 ms  heartbeat for a: HTTP 503 (retry in 0.4s)\n"
        );
        let json = beat_json("T", &Err(err()), Duration::ZERO, None);
        assert_eq!(json["ok"], false);
        assert_eq!(json["class"], "503");
    }
}
