use crate::api::{AgentId, HeartbeatRequest, USER_AGENT, agents_url};
use crate::cli::{parse_agent_id, parse_duration_arg, parse_percent, parse_version};
use crate::context::Context;
use crate::error::{Error, Result};
use crate::output::{Shape, print_agents, print_json};
use clap::Args;
use std::io::Read;
use std::path::PathBuf;
use std::time::Duration;

/// Send one heartbeat for an agent, as the agent itself would
///
/// Prints the agent record the server answers with.
#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  agentctl heartbeat send agent-abc123-def456 --version 1.2.3 --uptime 1d --cpu 12.5 --mem 35.2
  agentctl heartbeat send web-01 --version 1.2.3 --uptime 90 --cpu 3 --mem 41 --dry-run
  echo '{\"version\":\"1.2.3\",\"uptime\":86400,\"cpuUsage\":12.5,\"memUsage\":35.2}' | agentctl heartbeat send web-01 --body -")]
pub struct HeartbeatSendArgs {
    /// Agent id (any string; not required to be an RFC 4122 UUID)
    #[arg(value_name = "UUID", value_parser = parse_agent_id)]
    pub uuid: AgentId,

    /// Version of the agent binary, e.g. 1.2.3
    #[arg(long = "version", visible_alias = "agent-version", value_name = "V", value_parser = parse_version,
          required_unless_present = "body")]
    pub agent_version: Option<String>,

    /// How long the agent has been running: seconds, or 90s, 5m, 1h30m, 2d
    #[arg(long, value_name = "DUR", value_parser = parse_duration_arg, allow_hyphen_values = true,
          required_unless_present = "body")]
    pub uptime: Option<Duration>,

    /// CPU utilization percentage, 0–100
    #[arg(long, visible_alias = "cpu-usage", value_name = "PCT", value_parser = parse_percent,
          allow_hyphen_values = true, required_unless_present = "body")]
    pub cpu: Option<f64>,

    /// Memory utilization percentage, 0–100
    #[arg(long, visible_alias = "mem-usage", value_name = "PCT", value_parser = parse_percent,
          allow_hyphen_values = true, required_unless_present = "body")]
    pub mem: Option<f64>,

    /// Send a JSON body read from a file, or from stdin with '-' (validated like the flags)
    #[arg(long, value_name = "FILE|-", conflicts_with_all = ["agent_version", "uptime", "cpu", "mem"])]
    pub body: Option<PathBuf>,

    /// Print the request (method, URL, headers, body) and send nothing
    #[arg(long)]
    pub dry_run: bool,
}

pub async fn run(ctx: &Context, args: HeartbeatSendArgs) -> Result<()> {
    let body = heartbeat_body(&args)?;
    if args.dry_run {
        return print_dry_run(ctx, &args.uuid, &body);
    }
    let client = ctx.client()?;
    let agent = client.heartbeat(&args.uuid, &body).await?;
    print_agents(&ctx.ui, &ctx.output_options(), &[agent], Shape::One)
}

/// The body to send: from `--body`, or from the four flags.
fn heartbeat_body(args: &HeartbeatSendArgs) -> Result<HeartbeatRequest> {
    if let Some(path) = &args.body {
        let (name, text) = read_body_source(path)?;
        return HeartbeatRequest::from_json(&text)
            .map_err(|err| Error::usage(format!("--body {name}: {err}")));
    }
    let missing = |flag: &str| Error::usage(format!("{flag} is required (or pass --body)"));
    Ok(HeartbeatRequest {
        version: args
            .agent_version
            .clone()
            .ok_or_else(|| missing("--version"))?,
        uptime: args.uptime.ok_or_else(|| missing("--uptime"))?.as_secs(),
        cpu_usage: args.cpu.ok_or_else(|| missing("--cpu"))?,
        mem_usage: args.mem.ok_or_else(|| missing("--mem"))?,
    })
}

/// Reads `--body`: a file, or stdin for `-`. At most 1 MiB: a heartbeat is a few dozen bytes.
fn read_body_source(path: &PathBuf) -> Result<(String, Vec<u8>)> {
    const LIMIT: u64 = 1024 * 1024;
    let (name, reader): (String, Box<dyn Read>) = if path.as_os_str() == "-" {
        ("-".into(), Box::new(std::io::stdin()))
    } else {
        let file = std::fs::File::open(path)
            .map_err(|err| Error::usage(format!("--body {}: {err}", path.display())))?;
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

fn print_dry_run(ctx: &Context, id: &AgentId, body: &HeartbeatRequest) -> Result<()> {
    let url = agents_url(&ctx.host()?, Some(id), Some("heartbeat"));
    let has_token = ctx.settings.token.is_some();
    if ctx.settings.output.value.is_json() {
        let mut headers = serde_json::Map::new();
        headers.insert("Accept".into(), "application/json".into());
        if has_token {
            headers.insert("Authorization".into(), "Bearer [REDACTED]".into());
        }
        headers.insert("Content-Type".into(), "application/json".into());
        headers.insert("User-Agent".into(), USER_AGENT.into());
        let request = serde_json::json!({"method": "PUT", "url": url.as_str(), "headers": headers, "body": body});
        return print_json(&ctx.ui, &ctx.output_options(), &request);
    }
    let mut text = format!("PUT {url}\nAccept: application/json\n");
    if has_token {
        text.push_str("Authorization: Bearer [REDACTED]\n");
    }
    text.push_str(&format!(
        "Content-Type: application/json\nUser-Agent: {USER_AGENT}\n\n{}\n",
        serde_json::to_string(body).expect("a heartbeat always serializes")
    ));
    ctx.ui.data(&text)
}
