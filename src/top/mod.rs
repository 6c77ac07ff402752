//! `agentctl top`: a full-screen view of the fleet, refreshed by one walk of the listing per
//! interval (the walk and the filters of `watch --all`, handed in by the command).
//!
//! - `fleet`: the agents as the walks left them, their counts, filtering and sorting, pure;
//! - `state`: the view over the fleet and the keys, pure;
//! - `render`: one frame, drawn with ratatui;
//! - `live`: the terminal (raw mode, alternate screen, restored on every way out), the keys
//!   and the refresh timer.

pub mod fleet;
pub mod live;
pub mod render;
pub mod state;

use crate::clock::Clock;
use crate::error::Result;
use crate::watch::poller::Listing;
use futures_util::StreamExt;
use state::Top;

/// One walk of the listing into `top`: pages applied as they come, then the walk's end (an
/// error is kept on the view, never returned).
pub async fn walk_into(top: &mut Top, listing: Listing<'_>, clock: &Clock) {
    let started = clock.instant();
    top.walk_started();
    let mut listing = listing;
    let outcome = loop {
        match listing.next().await {
            Some(Ok(page)) => top.page(page, clock.now()),
            Some(Err(err)) => break Err(crate::sanitize::sanitize(&err.to_string()).into_owned()),
            None => break Ok(()),
        }
    };
    top.walk_done(outcome, clock.since(started), clock.now());
}

/// `top --once`: one walk, one frame of `width`x`height` as text.
pub async fn once(
    listing: Listing<'_>,
    screen: &render::Screen,
    clock: &Clock,
    width: u16,
    height: u16,
) -> Result<String> {
    let mut top = Top::new();
    walk_into(&mut top, listing, clock).await;
    let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(width, height))
        .map_err(|err| crate::error::Error::other(format!("drawing the frame: {err}")))?;
    top.set_page(render::body_rows(&top, height));
    let now = clock.now();
    terminal
        .draw(|frame| render::draw(frame, &top, screen, now))
        .map_err(|err| crate::error::Error::other(format!("drawing the frame: {err}")))?;
    Ok(render::buffer_text(terminal.backend().buffer()))
}
