//! `top` at a terminal: raw mode and the alternate screen for the run, left again on every
//! way out (`q`, Ctrl-C, SIGTERM, SIGHUP, an error, a panic); the keys read on a thread of
//! their own; one walk of the listing per interval, `r` for one now.

use super::render::{self, Screen};
use super::state::{Effect, Key, Top, handle};
use crate::clock::Clock;
use crate::error::{Error, ErrorKind, Result};
use crate::shutdown::Signal;
use crate::ui::Ui;
use crate::watch::poller::Listing;
use crossterm::event::{Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use futures_util::StreamExt;
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use std::future::Future;
use std::io::Write;
use std::pin::pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use tokio::sync::mpsc;

/// How often the screen is redrawn with nothing new (the ages in it move on).
const TICK: Duration = Duration::from_secs(1);
/// The longest the first frame waits for the first walk.
const FIRST_FRAME_WAIT: Duration = Duration::from_millis(500);

/// How `top` ended without an error: `q`, with the picked uuid if `y` chose one.
pub struct Ended {
    pub picked: Option<String>,
}

/// Bytes for the terminal, handed to the `Ui` one frame at a time (on flush).
struct UiWriter {
    ui: Arc<Ui>,
    pending: Vec<u8>,
}

impl Write for UiWriter {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.pending.extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let text = String::from_utf8_lossy(&self.pending).into_owned();
        self.pending.clear();
        self.ui
            .answer(&text)
            .map_err(|err| std::io::Error::other(err.message))
    }
}

/// Raw mode and the alternate screen, for as long as this lives. Dropped (a return, an
/// error, a signal) or in the panic hook, the terminal is left as it was found.
struct Raw {
    writer: UiWriter,
}

/// Whether the terminal is in `top`'s modes now (the panic hook reads it).
static ENTERED: AtomicBool = AtomicBool::new(false);

fn leave_terminal(out: &mut impl Write) {
    if ENTERED.swap(false, Ordering::SeqCst) {
        let _ = crossterm::execute!(
            out,
            crossterm::terminal::LeaveAlternateScreen,
            crossterm::cursor::Show
        );
        let _ = crossterm::terminal::disable_raw_mode();
    }
}

impl Raw {
    fn enter(ui: Arc<Ui>) -> Result<Raw> {
        install_panic_hook();
        let mut writer = UiWriter {
            ui,
            pending: Vec::new(),
        };
        crossterm::terminal::enable_raw_mode()
            .map_err(|err| Error::other(format!("could not set up the terminal: {err}")))?;
        ENTERED.store(true, Ordering::SeqCst);
        crossterm::execute!(
            writer,
            crossterm::terminal::EnterAlternateScreen,
            crossterm::cursor::Hide
        )
        .map_err(|err| Error::other(format!("could not set up the terminal: {err}")))?;
        Ok(Raw { writer })
    }
}

impl Drop for Raw {
    fn drop(&mut self) {
        leave_terminal(&mut self.writer);
    }
}

/// Once per process: a panic restores the terminal before its message is printed.
fn install_panic_hook() {
    static INSTALLED: std::sync::Once = std::sync::Once::new();
    INSTALLED.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            restore_then_report(&|| leave_terminal(&mut std::io::stdout()), &*previous, info);
        }));
    });
}

/// The panic hook's body: `restore` first, then `previous` (the hook that prints the
/// message). The other way round, a terminal still raw and in the alternate screen would draw
/// the message over and lose it.
fn restore_then_report<I: ?Sized>(restore: &dyn Fn(), previous: &dyn Fn(&I), info: &I) {
    restore();
    previous(info);
}

/// A terminal event as `top` reads it.
enum Input {
    Key(Key),
    Resize,
}

fn key_of(event: KeyEvent) -> Option<Key> {
    if event.kind == KeyEventKind::Release {
        return None;
    }
    let ctrl = event.modifiers.contains(KeyModifiers::CONTROL);
    Some(match event.code {
        KeyCode::Char('c') if ctrl => Key::Interrupt,
        KeyCode::Char(_) if ctrl => return None,
        KeyCode::Char(ch) => Key::Char(ch),
        KeyCode::Up => Key::Up,
        KeyCode::Down => Key::Down,
        KeyCode::PageUp => Key::PageUp,
        KeyCode::PageDown => Key::PageDown,
        KeyCode::Home => Key::Home,
        KeyCode::End => Key::End,
        KeyCode::Enter => Key::Enter,
        KeyCode::Esc => Key::Esc,
        KeyCode::Backspace => Key::Backspace,
        _ => return None,
    })
}

/// Reads terminal events on a thread of its own until `done` is set or nobody listens.
fn read_events(sender: mpsc::UnboundedSender<Input>, done: Arc<AtomicBool>) {
    std::thread::spawn(move || {
        while !done.load(Ordering::Relaxed) {
            match crossterm::event::poll(Duration::from_millis(50)) {
                Ok(false) => continue,
                Ok(true) => {}
                Err(_) => return,
            }
            let input = match crossterm::event::read() {
                Ok(Event::Key(key)) => key_of(key).map(Input::Key),
                Ok(Event::Resize(..)) => Some(Input::Resize),
                Ok(_) => None,
                Err(_) => return,
            };
            if let Some(input) = input
                && sender.send(input).is_err()
            {
                return;
            }
        }
    });
}

/// Runs `top` until `q` (Ok, with the pick), Ctrl-C or a signal (the signal's error). `list`
/// starts one walk of the listing.
pub async fn run<'a>(
    list: &dyn Fn() -> Listing<'a>,
    screen: &Screen,
    interval: Duration,
    clock: &Clock,
    ui: Arc<Ui>,
    stop: impl Future<Output = Signal>,
) -> Result<Ended> {
    let mut stop = pin!(stop);
    let raw = Raw::enter(ui)?;
    let mut terminal = Terminal::new(CrosstermBackend::new(raw.writer_handle()))
        .map_err(|err| Error::other(format!("could not set up the terminal: {err}")))?;
    let (sender, mut inputs) = mpsc::unbounded_channel();
    let done = Arc::new(AtomicBool::new(false));
    read_events(sender, done.clone());
    let _stop_reader = StopOnDrop(done);

    let mut top = Top::new();
    let mut walk: Option<Listing<'a>> = Some(list());
    let mut walk_started = clock.instant();
    top.walk_started();
    let mut next_walk = walk_started + interval;
    // The first frame waits for the first walk (a moment at most), so the screen opens on
    // the fleet rather than on empty counts.
    let first_frame = tokio::time::Instant::from_std(walk_started + FIRST_FRAME_WAIT);
    let mut tick = tokio::time::interval_at(first_frame + TICK, TICK);
    let mut drawn = false;
    let mut dirty = false;
    let outcome = loop {
        if dirty {
            if let Err(err) = draw(&mut terminal, &mut top, screen, clock) {
                break Err(err);
            }
            dirty = false;
            drawn = true;
        }
        if walk.is_none() && clock.instant() >= next_walk {
            walk = Some(list());
            walk_started = clock.instant();
            top.walk_started();
        }
        let wake = tokio::time::Instant::from_std(next_walk);
        tokio::select! {
            biased;
            signal = &mut stop => break Err(signal.into()),
            input = inputs.recv() => match input {
                Some(Input::Key(key)) => match handle(&mut top, key, clock.now()) {
                    Effect::Nothing => {}
                    Effect::Redraw => dirty = true,
                    Effect::Refresh => {
                        if walk.is_none() {
                            next_walk = clock.instant();
                        }
                    }
                    Effect::Quit { interrupted: false } => break Ok(Ended { picked: top.picked.clone() }),
                    Effect::Quit { interrupted: true } => break Err(Signal::Interrupt.into()),
                },
                Some(Input::Resize) => dirty = true,
                None => break Err(Error::other("the terminal's input ended")),
            },
            page = next_page(&mut walk) => match page {
                Some(Ok(records)) => top.page(records, clock.now()),
                Some(Err(err)) => {
                    walk = None;
                    // A refused token before anything was listed: nothing to show, ever.
                    if err.kind() == ErrorKind::Auth && top.refresh.last_ok.is_none() {
                        break Err(err.into());
                    }
                    let reason = crate::sanitize::sanitize(&err.to_string()).into_owned();
                    top.walk_done(Err(reason), clock.since(walk_started), clock.now());
                    next_walk = walk_started + interval;
                    dirty = true;
                }
                None => {
                    walk = None;
                    top.walk_done(Ok(()), clock.since(walk_started), clock.now());
                    next_walk = walk_started + interval;
                    dirty = true;
                }
            },
            () = tokio::time::sleep_until(wake), if walk.is_none() => {}
            () = tokio::time::sleep_until(first_frame), if !drawn => dirty = true,
            _ = tick.tick() => dirty = true,
        }
    };
    drop(terminal);
    drop(raw);
    outcome
}

struct StopOnDrop(Arc<AtomicBool>);

impl Drop for StopOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

impl Raw {
    /// A writer for the backend that goes the same way as the guard's own.
    fn writer_handle(&self) -> UiWriter {
        UiWriter {
            ui: self.writer.ui.clone(),
            pending: Vec::new(),
        }
    }
}

fn draw(
    terminal: &mut Terminal<CrosstermBackend<UiWriter>>,
    top: &mut Top,
    screen: &Screen,
    clock: &Clock,
) -> Result<()> {
    let size = terminal
        .size()
        .map_err(|err| Error::other(format!("could not read the terminal's size: {err}")))?;
    top.set_page(render::body_rows(top, size.height));
    let now = clock.now();
    terminal
        .draw(|frame| render::draw(frame, top, screen, now))
        .map_err(|err| Error::other(format!("could not draw: {err}")))?;
    Ok(())
}

async fn next_page(
    walk: &mut Option<Listing<'_>>,
) -> Option<std::result::Result<Vec<crate::api::Agent>, crate::api::ApiError>> {
    match walk {
        Some(stream) => stream.next().await,
        None => std::future::pending().await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    #[test]
    fn the_panic_hook_restores_the_terminal_before_the_message() {
        let calls = Mutex::new(Vec::new());
        restore_then_report(
            &|| calls.lock().unwrap().push("restore".to_owned()),
            &|message: &str| calls.lock().unwrap().push(format!("print {message}")),
            "boom",
        );
        assert_eq!(*calls.lock().unwrap(), ["restore", "print boom"]);
    }
}
