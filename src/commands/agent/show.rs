use crate::api::{AgentId, ApiError, ApiResult};
use crate::context::Context;
use crate::error::{Error, Result};
use crate::output::{Shape, print_agents};
use clap::Args;
use futures_util::{StreamExt, stream};

/// How many agents are fetched at once.
const CONCURRENCY: usize = 16;

/// Show one or more agents
///
/// Several ids are fetched concurrently; the ones found print in argument order, each failure
/// goes to stderr, and the exit code is the first failure's. `-` reads ids from stdin, one per
/// line; JSON output is then always an array, however many lines there were.
#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  agentctl agent show agent-abc123-def456
  agentctl agent show web-01 web-02 web-03 -o wide
  agentctl agent show web-01 -o json
  agentctl agent list --status offline -o ndjson -r --jq .uuid | agentctl agent show - -o wide")]
pub struct AgentShowArgs {
    /// Agent ids; '-' reads them from stdin, one per line
    #[arg(value_name = "UUID", required = true, value_parser = parse_id_or_stdin)]
    pub uuids: Vec<IdArg>,
}

/// An id on the command line, or `-` for the ids on stdin.
#[derive(Debug, Clone)]
pub enum IdArg {
    Id(AgentId),
    Stdin,
}

fn parse_id_or_stdin(text: &str) -> std::result::Result<IdArg, String> {
    if text == "-" {
        Ok(IdArg::Stdin)
    } else {
        AgentId::parse(text).map(IdArg::Id)
    }
}

/// The ids to fetch, with `-` replaced by stdin's lines (blank lines skipped). A bad id on
/// stdin is a usage error naming its line, before any request.
fn expand_ids(args: &[IdArg], stdin: impl std::io::BufRead) -> Result<Vec<AgentId>> {
    let mut ids = Vec::new();
    let mut stdin = Some(stdin);
    for arg in args {
        match arg {
            IdArg::Id(id) => ids.push(id.clone()),
            IdArg::Stdin => {
                let Some(reader) = stdin.take() else {
                    return Err(Error::usage(
                        "'-' (read ids from stdin) can be given only once",
                    ));
                };
                for (index, line) in reader.lines().enumerate() {
                    let line =
                        line.map_err(|err| Error::other(format!("reading ids from stdin: {err}")))?;
                    let text = line.trim();
                    if text.is_empty() {
                        continue;
                    }
                    let id = AgentId::parse(text)
                        .map_err(|why| Error::usage(format!("stdin line {}: {why}", index + 1)))?;
                    ids.push(id);
                }
            }
        }
    }
    if ids.is_empty() {
        return Err(Error::usage("no agent ids: stdin held none"));
    }
    Ok(ids)
}

pub async fn run(ctx: &Context, args: AgentShowArgs) -> Result<()> {
    let uuids = expand_ids(&args.uuids, ctx.stdin.reader())?;
    let client = ctx.api()?;
    let results: Vec<ApiResult<_>> = stream::iter(uuids.iter())
        .map(|id| client.get_agent(id))
        .buffered(CONCURRENCY)
        .collect()
        .await;
    let shape = if uuids.len() == 1 && !args.uuids.iter().any(|a| matches!(a, IdArg::Stdin)) {
        Shape::One
    } else {
        Shape::Many
    };
    let total = results.len();
    let mut found = Vec::with_capacity(total);
    let mut failures = Vec::new();
    for result in results {
        match result {
            Ok(agent) => found.push(agent),
            Err(err) => failures.push(err),
        }
    }
    if total == 1
        && let Some(err) = failures.pop()
    {
        return Err(err.into());
    }
    print_agents(&ctx.ui, &ctx.output_options(), &found, shape)?;
    let Some(first_kind) = failures.first().map(ApiError::kind) else {
        return Ok(());
    };
    let failed = failures.len();
    for err in failures {
        ctx.ui.error(&err.into());
    }
    Err(Error::new(
        first_kind,
        format!("{failed} of {total} agents could not be shown"),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stdin_ids_expand_in_place() {
        let args = [
            parse_id_or_stdin("first").unwrap(),
            parse_id_or_stdin("-").unwrap(),
            parse_id_or_stdin("last").unwrap(),
        ];
        let ids = expand_ids(&args, "a1\n\n  a2  \n".as_bytes()).unwrap();
        let ids: Vec<&str> = ids.iter().map(AgentId::as_str).collect();
        assert_eq!(ids, ["first", "a1", "a2", "last"]);
    }

    #[test]
    fn bad_stdin_ids_name_their_line() {
        let args = [IdArg::Stdin];
        let err = expand_ids(&args, "ok\n../admin\n".as_bytes()).unwrap_err();
        assert_eq!(err.exit_code(), 2);
        assert!(err.message.starts_with("stdin line 2"), "{}", err.message);
        assert!(expand_ids(&args, "\n".as_bytes()).is_err());
        assert!(expand_ids(&[IdArg::Stdin, IdArg::Stdin], "a\n".as_bytes()).is_err());
    }
}
