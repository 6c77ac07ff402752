use crate::commands::agent::filters::ListFilters;
use crate::commands::watch::listing;
use crate::context::Context;
use crate::duration::parse_positive_duration;
use crate::error::{Error, Result};
use crate::number::whole_number;
use crate::top::render::{MIN_HEIGHT, MIN_WIDTH, Screen};
use clap::Args;
use std::time::Duration;

/// The size of `--once`'s frame when neither the flags nor a terminal give one.
const ONCE_SIZE: (u16, u16) = (120, 40);

/// A full-screen view of the fleet: sort, filter, look into an agent, pick one
#[derive(Debug, Args)]
#[command(after_help = "\
One walk of the listing per --interval (the filters of `agent list` apply), problem agents \
first. Keys: arrows, j k, PgUp PgDn, Home End move; / filters by uuid, name, region or label as \
you type (Esc clears); s cycles the sort column, S reverses it; 1 2 3 show only online, delayed, \
offline, 0 all; Enter shows the selected agent (Esc goes back); y picks it (its uuid is printed \
when top ends); r refreshes now; ? lists the keys; q quits (exit 0), Ctrl-C too (130). A failed \
listing is shown in the header over the last good data. Needs a terminal on stdin and stdout: \
for a script, use `watch --all` or `agent list`.

Examples:
  agentctl top
  agentctl top --region eu-west-1 --status offline
  agentctl top --once --width 120 --height 40 > top.txt   # one frame, for a bug report")]
pub struct TopArgs {
    /// Time between two walks of the listing
    #[arg(long, value_name = "DUR", default_value = "5s", value_parser = parse_positive_duration,
          allow_hyphen_values = true)]
    pub interval: Duration,

    /// Draw one frame to stdout and exit (no terminal needed)
    #[arg(long)]
    pub once: bool,

    /// --once: the frame's width [default: the terminal's, else 120]
    #[arg(long, value_name = "N", requires = "once",
          value_parser = whole_number::<u16>(u64::from(MIN_WIDTH), Some(1000)), allow_negative_numbers = true)]
    pub width: Option<u16>,

    /// --once: the frame's height [default: the terminal's, else 40]
    #[arg(long, value_name = "N", requires = "once",
          value_parser = whole_number::<u16>(u64::from(MIN_HEIGHT), Some(1000)), allow_negative_numbers = true)]
    pub height: Option<u16>,

    #[command(flatten, next_help_heading = "Filters (as agent list)")]
    pub filters: ListFilters,
}

pub async fn run(ctx: &Context, args: TopArgs) -> Result<()> {
    let terminal = ctx.stdin.is_terminal() && ctx.ui.stdout_is_terminal;
    if !args.once && !terminal {
        return Err(
            Error::usage("top needs a terminal on standard input and output").with_hint(
                "in a script or a pipe, `agentctl watch --all` streams the changes and \
             `agentctl agent list` prints the fleet; `agentctl top --once` prints one frame",
            ),
        );
    }
    let client = ctx.api()?;
    let mut host = ctx.host()?;
    // The view shows where it looks, never a secret in the URL.
    let _ = host.set_username("");
    let _ = host.set_password(None);
    let screen = Screen {
        host: host.to_string().trim_end_matches('/').to_owned(),
        profile: Some(ctx.settings.profile.value.clone()),
        interval: args.interval,
        color: ctx.ui.color,
    };
    let list = || listing(&client, &args.filters);
    if args.once {
        let terminal = crossterm::terminal::size()
            .ok()
            .filter(|_| ctx.ui.stdout_is_terminal);
        let width = args
            .width
            .or(terminal.map(|(w, _)| w))
            .unwrap_or(ONCE_SIZE.0);
        let height = args
            .height
            .or(terminal.map(|(_, h)| h))
            .unwrap_or(ONCE_SIZE.1);
        let frame = crate::top::once(list(), &screen, &ctx.clock, width, height).await?;
        return ctx.ui.data(&frame);
    }
    let ended = crate::top::live::run(
        &list,
        &screen,
        args.interval,
        &ctx.clock,
        ctx.ui.clone(),
        ctx.shutdown.wait(),
    )
    .await?;
    if let Some(uuid) = ended.picked {
        ctx.ui.answer(&format!("{uuid}\n"))?;
    }
    Ok(())
}
