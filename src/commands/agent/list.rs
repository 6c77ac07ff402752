use super::filters::ListFilters;
use crate::api::{Agent, ApiError};
use crate::context::Context;
use crate::error::{Error, Result};
use crate::number::whole_number;
use crate::output::{ListPrinter, OutputFormat};
use clap::Args;
use std::cmp::Ordering;

/// List agents
///
/// Reads every page of the listing (--page-size records a request). The filters go to the
/// server as query parameters, lowercased, and are applied again here (case-insensitively),
/// so a server that ignores them still gives the right rows; -l selects on labels here.
/// -o ndjson and -o json print each page as it arrives, so memory stays flat however large
/// the fleet; a table, --sort-by and --jq with -o json need every record first.
#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  agentctl agent list
  agentctl agent list --status offline --region us-east-1
  agentctl agent list -l 'team=ops,env!=dev' --sort-by lastHeartbeatAt
  agentctl agent list -o ndjson | jq -r 'select(.version != \"1.4.2\") | .uuid'")]
pub struct AgentListArgs {
    #[command(flatten)]
    pub filters: ListFilters,

    /// Sort by a field of the records, ascending: uuid, name, type, status, version, region,
    /// lastHeartbeatAt, createDate, lastOpDate, endpoint, platformId, uptime, cpuUsage,
    /// memUsage; reads every page before printing anything
    #[arg(long, value_name = "FIELD", value_parser = parse_field,
          add = clap_complete::ArgValueCandidates::new(sort_field_candidates))]
    pub sort_by: Option<String>,

    /// Print at most N agents (stops reading pages once N have matched, unless --sort-by)
    #[arg(long, value_name = "N", value_parser = whole_number::<u64>(1, None), allow_negative_numbers = true)]
    pub limit: Option<u64>,
}

/// The fields `--sort-by` takes: the record's fields of the API, and the heartbeat's metrics
/// a record carries. `labels` is left out: an object has no order.
pub const SORT_FIELDS: [&str; 14] = [
    "uuid",
    "name",
    "type",
    "status",
    "version",
    "region",
    "lastHeartbeatAt",
    "createDate",
    "lastOpDate",
    "endpoint",
    "platformId",
    "uptime",
    "cpuUsage",
    "memUsage",
];

/// What completion offers for `--sort-by`.
fn sort_field_candidates() -> Vec<clap_complete::CompletionCandidate> {
    crate::complete::candidates(SORT_FIELDS)
}

/// `--sort-by`: one of [`SORT_FIELDS`]; kubectl's `.name` and `{.name}` are accepted too. An
/// unknown field is refused rather than sorted on silently (every record would tie, leaving
/// the server's order).
fn parse_field(text: &str) -> std::result::Result<String, String> {
    let field = text.trim();
    let field = field
        .strip_prefix('{')
        .and_then(|f| f.strip_suffix('}'))
        .unwrap_or(field);
    let field = field.strip_prefix('.').unwrap_or(field);
    if let Some(known) = SORT_FIELDS.iter().find(|known| **known == field) {
        return Ok((*known).to_owned());
    }
    let known = SORT_FIELDS.join(", ");
    let why = match field.strip_prefix('-') {
        Some(rest) if SORT_FIELDS.contains(&rest) => {
            format!(
                "the order is ascending only (the reverse: -o json --jq 'reverse[]'); fields: {known}"
            )
        }
        _ => match SORT_FIELDS.iter().find(|f| f.eq_ignore_ascii_case(field)) {
            Some(near) => {
                format!("field names are case-sensitive: did you mean '{near}'? fields: {known}")
            }
            None => format!("not a field of an agent record; fields: {known}"),
        },
    };
    Err(why)
}

pub async fn run(ctx: &Context, args: AgentListArgs) -> Result<()> {
    let client = ctx.api()?;
    let filters = &args.filters;
    let mut request = filters.request();
    if let Some(limit) = args.limit
        && args.sort_by.is_none()
        && filters.selector.is_none()
    {
        // The server filters the rest: no need to fetch more than asked for per page.
        request.page_size = request.page_size.min(limit.min(u32::MAX as u64) as u32);
    }
    let mut walk = client.walk(request);
    let options = ctx.output_options();
    // Whether each page is written as it comes (else every record is held to the end).
    let streams = matches!(options.format, OutputFormat::Ndjson | OutputFormat::Json)
        && options.jq.is_none()
        && args.sort_by.is_none();
    let mut printer = ListPrinter::new(&ctx.ui, options);
    let mut held: Vec<Agent> = Vec::new();
    let mut matched: u64 = 0;
    let mut pages: u64 = 0;
    while let Some(page) = walk.next().await {
        let page = match page {
            Ok(page) => page,
            Err(err) if pages == 0 => return Err(err.into()),
            Err(err) => {
                let printed = if streams { printer.count() } else { 0 };
                return Err(cut_short(err, pages + 1, printed, printer.count()));
            }
        };
        pages += 1;
        let mut page: Vec<Agent> = page
            .into_iter()
            .filter(|agent| filters.matches(agent))
            .collect();
        if args.sort_by.is_some() {
            held.append(&mut page);
            continue;
        }
        if let Some(limit) = args.limit {
            page.truncate((limit - matched).min(usize::MAX as u64) as usize);
        }
        matched += page.len() as u64;
        printer.page(&page)?;
        if args.limit.is_some_and(|limit| matched >= limit) {
            walk.finish();
            break;
        }
    }
    if let Some(field) = &args.sort_by {
        sort_by_field(&mut held, field);
        if let Some(limit) = args.limit {
            held.truncate(limit.min(usize::MAX as u64) as usize);
        }
        printer.page(&held)?;
    }
    let empty = printer.count() == 0;
    printer.end()?;
    if empty && ctx.ui.stdout_is_terminal {
        ctx.ui.status("No agents match.");
    }
    Ok(())
}

/// The error of a walk that failed after its first page: what was printed, and that the list
/// is incomplete, ahead of the cause (the exit code stays the cause's).
fn cut_short(err: ApiError, page: u64, printed: usize, read: usize) -> Error {
    let agents = |n: usize| format!("{n} agent{}", if n == 1 { "" } else { "s" });
    let message = if printed > 0 || read == 0 {
        format!(
            "agent list is incomplete: {} printed, then page {page} failed: {}",
            agents(printed),
            err.detail
        )
    } else {
        format!(
            "agent list is incomplete: nothing printed ({} read), page {page} failed: {}",
            agents(read),
            err.detail
        )
    };
    let mut error = Error::new(err.kind(), message);
    error.hint = err.hint;
    error.cause = err.cause;
    error
}

/// A value to sort on: times as times (for the timestamp fields), numbers as numbers when
/// both sides are numbers, otherwise text; records without the field last.
fn sort_by_field(agents: &mut [Agent], field: &str) {
    let is_time = matches!(field, "lastHeartbeatAt" | "createDate" | "lastOpDate");
    agents.sort_by(|a, b| {
        if is_time {
            return match (a.time(field), b.time(field)) {
                (Some(x), Some(y)) => x.cmp(&y),
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (None, None) => Ordering::Equal,
            };
        }
        match (a.text_ref(field), b.text_ref(field)) {
            (Some(x), Some(y)) => match (x.trim().parse::<f64>(), y.trim().parse::<f64>()) {
                (Ok(x), Ok(y)) => x.total_cmp(&y),
                _ => x.cmp(&y),
            },
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn sorting_by_numbers_times_and_text() {
        let mut agents: Vec<Agent> = [
            json!({"uuid":"a","n":"10","t":"x","lastHeartbeatAt":"2026-01-01T00:00:10Z"}),
            json!({"uuid":"b","n":9,"lastHeartbeatAt":"2026-01-01T00:00:02+00:00"}),
            json!({"uuid":"c","n":"100","t":"a"}),
        ]
        .into_iter()
        .map(|v| Agent::from_value(v).unwrap())
        .collect();
        let order = |agents: &[Agent]| -> Vec<String> {
            agents.iter().map(|a| a.uuid().unwrap()).collect()
        };
        sort_by_field(&mut agents, "n");
        assert_eq!(order(&agents), ["b", "a", "c"]);
        sort_by_field(&mut agents, "t");
        assert_eq!(order(&agents), ["c", "a", "b"]);
        sort_by_field(&mut agents, "lastHeartbeatAt");
        assert_eq!(order(&agents), ["b", "a", "c"]);
        assert_eq!(parse_field("{.name}").unwrap(), "name");
        assert_eq!(parse_field(" .cpuUsage ").unwrap(), "cpuUsage");
    }

    #[test]
    fn an_unknown_sort_field_is_refused_naming_the_known_ones() {
        let known = SORT_FIELDS.join(", ");
        assert_eq!(
            parse_field("nmae").unwrap_err(),
            format!("not a field of an agent record; fields: {known}")
        );
        assert!(parse_field("a.b").is_err());
        assert!(parse_field("").is_err());
        assert!(parse_field("labels").is_err());
        assert_eq!(
            parse_field("-cpuUsage").unwrap_err(),
            format!(
                "the order is ascending only (the reverse: -o json --jq 'reverse[]'); fields: {known}"
            )
        );
        assert_eq!(
            parse_field("-nmae").unwrap_err(),
            format!("not a field of an agent record; fields: {known}")
        );
        assert_eq!(
            parse_field("CPUUSAGE").unwrap_err(),
            format!("field names are case-sensitive: did you mean 'cpuUsage'? fields: {known}")
        );
    }
}
