//! What `top` shows and how keys move it: the view over the fleet (its order, filter,
//! status view and selection, a list of row numbers into the fleet held once), the screen
//! shown, and the key handling as a pure state machine. No I/O and no clock of its own: the
//! caller passes the time.

use super::fleet::{Arrange, Fleet, Refresh, Row, Seen, SortBy};
use crate::api::Agent;
use crate::status::AgentStatus;
use std::time::{Duration, SystemTime};

/// A key, as the state machine sees it (the terminal's events are mapped onto these).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    Up,
    Down,
    PageUp,
    PageDown,
    Home,
    End,
    Enter,
    Esc,
    Backspace,
    Char(char),
    /// Ctrl-C (the terminal is raw, so it arrives as a key, not as SIGINT).
    Interrupt,
}

/// What the caller does after a key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Nothing changed on screen.
    Nothing,
    Redraw,
    /// Walk the listing now (`r`).
    Refresh,
    /// Leave: `q` (exit 0) or Ctrl-C (exit 130). The picked uuid, if any, is in
    /// [`Top::picked`].
    Quit {
        interrupted: bool,
    },
}

/// Which screen is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    List,
    /// Typing a filter after `/`.
    Filter,
    /// One agent's record (its row number).
    Detail(usize),
    Help,
}

/// The whole state of `top`.
#[derive(Debug)]
pub struct Top {
    fleet: Fleet,
    /// The rows shown, in order: numbers into `rows`.
    order: Vec<usize>,
    /// The selected line of `order`, and the first line shown.
    pub selected: usize,
    pub offset: usize,
    /// Body lines the screen has room for (the renderer says; PgUp/PgDn move by it).
    pub page: usize,
    pub sort: SortBy,
    pub reverse: bool,
    /// `1` `2` `3`: only this status.
    pub only: Option<AgentStatus>,
    pub filter: String,
    pub mode: Mode,
    /// `y`: the uuid printed on exit.
    pub picked: Option<String>,
    pub refresh: Refresh,
}

impl Default for Top {
    fn default() -> Top {
        Top::new()
    }
}

impl Top {
    pub fn new() -> Top {
        Top {
            fleet: Fleet::default(),
            order: Vec::new(),
            selected: 0,
            offset: 0,
            page: 20,
            sort: SortBy::Status,
            reverse: false,
            only: None,
            filter: String::new(),
            mode: Mode::List,
            picked: None,
            refresh: Refresh::default(),
        }
    }

    /// Every agent of the fleet.
    pub fn rows(&self) -> &[Row] {
        self.fleet.rows()
    }

    /// How many rows the view shows (after the filter and the status view).
    pub fn shown(&self) -> usize {
        self.order.len()
    }

    /// The rows of the view from line `from`, at most `count`: what one frame draws.
    pub fn visible(&self, from: usize, count: usize) -> impl Iterator<Item = &Row> {
        let end = from.saturating_add(count).min(self.order.len());
        self.order[from.min(end)..end]
            .iter()
            .map(|&i| &self.fleet.rows()[i])
    }

    /// The selected row, if the view shows any.
    pub fn selected_row(&self) -> Option<&Row> {
        self.order
            .get(self.selected)
            .map(|&i| &self.fleet.rows()[i])
    }

    /// A row by its number (the detail view's).
    pub fn row(&self, number: usize) -> Option<&Row> {
        self.fleet.rows().get(number)
    }

    /// The changes seen of one agent in this session, oldest first.
    pub fn history(&self, uuid: &str) -> impl Iterator<Item = &Seen> {
        self.fleet.history(uuid)
    }

    /// The fleet's counts by status, in `AgentStatus::ALL` order, then other values.
    pub fn counts(&self) -> &[(String, usize)] {
        self.fleet.counts()
    }

    /// A walk of the listing begins.
    pub fn walk_started(&mut self) {
        self.fleet.walk_started();
        self.refresh.walking = true;
    }

    /// One page of the walk in progress: records are updated in place (a status that moved is
    /// marked and remembered), new agents added.
    pub fn page(&mut self, records: Vec<Agent>, now: SystemTime) {
        self.fleet.page(records, now);
    }

    /// The walk ended: `Ok` after its last page (agents it did not list have left), `Err` with
    /// the reason (the last good data stays). Marks age by one refresh either way.
    pub fn walk_done(&mut self, outcome: Result<(), String>, took: Duration, now: SystemTime) {
        self.refresh.walking = false;
        // Read before rows go: `order` still numbers the rows as they were. A selection on
        // the first line stays there: the problems a walk brings are shown at the top, where
        // the view was looking, rather than scrolled away after the agent that led before.
        let keep = match self.mode {
            Mode::List | Mode::Filter | Mode::Help if self.selected == 0 => None,
            _ => self.selected_row().map(|row| row.uuid.clone()),
        };
        let detail = match self.mode {
            Mode::Detail(at) => self.fleet.rows().get(at).map(|row| row.uuid.clone()),
            _ => None,
        };
        match &outcome {
            Ok(()) => {
                self.refresh.last_ok = Some((now, took));
                self.refresh.error = None;
            }
            Err(reason) => self.refresh.error = Some((reason.clone(), now)),
        }
        self.fleet.walk_done(outcome.is_ok());
        if let Some(uuid) = detail {
            self.mode = match self.fleet.position(&uuid) {
                Some(at) => Mode::Detail(at),
                None => Mode::List,
            };
        }
        self.order.clear();
        self.reorder_keeping(keep);
    }

    /// Works out the view again (after a walk, a filter, a sort or a status view), keeping
    /// the same agent selected when it is still shown.
    fn reorder(&mut self) {
        let keep = self.selected_row().map(|row| row.uuid.clone());
        self.reorder_keeping(keep);
    }

    /// Works out the view again, selecting `keep` when it is shown.
    fn reorder_keeping(&mut self, keep: Option<String>) {
        let needle = self.filter.to_lowercase();
        let view = Arrange {
            only: self.only,
            needle: &needle,
            sort: self.sort,
            reverse: self.reverse,
        };
        self.fleet.arrange(view, &mut self.order);
        let rows = self.fleet.rows();
        self.selected = keep
            .and_then(|uuid| self.order.iter().position(|&at| rows[at].uuid == uuid))
            .unwrap_or(0);
        self.clamp();
    }

    /// Keeps the selection inside the view and on screen.
    fn clamp(&mut self) {
        let len = self.order.len();
        self.selected = self.selected.min(len.saturating_sub(1));
        let page = self.page.max(1);
        if self.selected < self.offset {
            self.offset = self.selected;
        } else if self.selected >= self.offset + page {
            self.offset = self.selected + 1 - page;
        }
        self.offset = self.offset.min(len.saturating_sub(page));
    }

    /// The screen has room for `page` body lines now (a resize, or the first frame).
    pub fn set_page(&mut self, page: usize) {
        if self.page != page {
            self.page = page;
            self.clamp();
        }
    }

    fn move_to(&mut self, line: usize) -> Effect {
        let before = (self.selected, self.offset);
        self.selected = line;
        self.clamp();
        if before == (self.selected, self.offset) {
            Effect::Nothing
        } else {
            Effect::Redraw
        }
    }
}

/// What a key does to the state, at `now` (the run's clock; frozen in tests). No key reads
/// the time today: ages are worked out when a frame is drawn.
pub fn handle(top: &mut Top, key: Key, _now: SystemTime) -> Effect {
    if key == Key::Interrupt {
        return Effect::Quit { interrupted: true };
    }
    match top.mode {
        Mode::Filter => filter_key(top, key),
        Mode::Help => match key {
            Key::Char('q') => Effect::Quit { interrupted: false },
            _ => {
                top.mode = Mode::List;
                Effect::Redraw
            }
        },
        Mode::Detail(_) => match key {
            Key::Esc | Key::Enter | Key::Backspace => {
                top.mode = Mode::List;
                Effect::Redraw
            }
            _ => list_key(top, key),
        },
        Mode::List => list_key(top, key),
    }
}

fn filter_key(top: &mut Top, key: Key) -> Effect {
    match key {
        Key::Esc => {
            top.mode = Mode::List;
            top.filter.clear();
        }
        Key::Enter => top.mode = Mode::List,
        Key::Backspace => {
            top.filter.pop();
        }
        Key::Char(ch) if !ch.is_control() => top.filter.push(ch),
        Key::Up | Key::Down | Key::PageUp | Key::PageDown | Key::Home | Key::End => {
            top.mode = Mode::List;
            return list_key(top, key);
        }
        _ => return Effect::Nothing,
    }
    top.reorder();
    Effect::Redraw
}

fn list_key(top: &mut Top, key: Key) -> Effect {
    let last = top.order.len().saturating_sub(1);
    let page = top.page.max(1);
    let in_detail = matches!(top.mode, Mode::Detail(_));
    let effect = match key {
        Key::Up | Key::Char('k') => top.move_to(top.selected.saturating_sub(1)),
        Key::Down | Key::Char('j') => top.move_to((top.selected + 1).min(last)),
        Key::PageUp => top.move_to(top.selected.saturating_sub(page)),
        Key::PageDown => top.move_to((top.selected + page).min(last)),
        Key::Home | Key::Char('g') => top.move_to(0),
        Key::End | Key::Char('G') => top.move_to(last),
        Key::Char('q') => return Effect::Quit { interrupted: false },
        Key::Char('r') => return Effect::Refresh,
        Key::Char('y') => {
            top.picked = top.selected_row().map(|row| row.uuid.clone());
            return Effect::Redraw;
        }
        Key::Char('?') => {
            top.mode = Mode::Help;
            return Effect::Redraw;
        }
        Key::Char('/') => {
            top.mode = Mode::Filter;
            return Effect::Redraw;
        }
        Key::Esc if !top.filter.is_empty() => {
            top.filter.clear();
            top.reorder();
            Effect::Redraw
        }
        Key::Enter => {
            if let Some(&at) = top.order.get(top.selected) {
                top.mode = Mode::Detail(at);
                return Effect::Redraw;
            }
            Effect::Nothing
        }
        Key::Char('s') => {
            top.sort = top.sort.next();
            top.reverse = false;
            top.reorder();
            Effect::Redraw
        }
        Key::Char('S') => {
            top.reverse = !top.reverse;
            top.reorder();
            Effect::Redraw
        }
        Key::Char(digit @ '0'..='3') => {
            top.only = match digit {
                '1' => Some(AgentStatus::Online),
                '2' => Some(AgentStatus::Delayed),
                '3' => Some(AgentStatus::Offline),
                _ => None,
            };
            top.reorder();
            Effect::Redraw
        }
        _ => Effect::Nothing,
    };
    // Moving in the detail view moves to the next agent's detail.
    if in_detail && let Some(&at) = top.order.get(top.selected) {
        top.mode = Mode::Detail(at);
    }
    effect
}

#[cfg(test)]
#[path = "state_tests.rs"]
mod tests;
