use super::*;
use crate::top::fleet::MARK_REFRESHES;
use serde_json::json;

fn at(secs: u64) -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000 + secs)
}

fn agent(uuid: &str, status: &str, region: &str, beat: u64) -> Agent {
    let beat = humantime::format_rfc3339_seconds(at(beat)).to_string();
    Agent::from_value(json!({
        "uuid": uuid, "name": format!("{uuid}-name"), "status": status,
        "region": region, "lastHeartbeatAt": beat, "labels": {"team": "ops"}
    }))
    .unwrap()
}

fn walk(top: &mut Top, records: Vec<Agent>, now: SystemTime) {
    top.walk_started();
    top.page(records, now);
    top.walk_done(Ok(()), Duration::from_millis(40), now);
}

fn fleet() -> Top {
    let mut top = Top::new();
    top.page = 3;
    walk(
        &mut top,
        vec![
            agent("a1", "online", "eu", 100),
            agent("a2", "offline", "us", 10),
            agent("a3", "delayed", "eu", 50),
            agent("a4", "offline", "eu", 5),
            agent("a5", "online", "us", 90),
        ],
        at(120),
    );
    top
}

fn shown(top: &Top) -> Vec<&str> {
    top.visible(0, usize::MAX)
        .map(|r| r.uuid.as_str())
        .collect()
}

fn keys(top: &mut Top, keys: &[Key]) -> Vec<Effect> {
    keys.iter().map(|k| handle(top, *k, at(130))).collect()
}

#[test]
fn problems_come_first_then_the_oldest_heartbeat() {
    let top = fleet();
    assert_eq!(shown(&top), ["a4", "a2", "a3", "a5", "a1"]);
    assert_eq!(
        top.counts(),
        [
            ("online".to_owned(), 2),
            ("delayed".to_owned(), 1),
            ("offline".to_owned(), 2)
        ]
    );
}

#[test]
fn moving_scrolls_the_page_and_stops_at_the_ends() {
    let mut top = fleet();
    assert_eq!(keys(&mut top, &[Key::Up]), [Effect::Nothing]);
    keys(&mut top, &[Key::Down, Key::Char('j'), Key::Down]);
    assert_eq!((top.selected, top.offset), (3, 1));
    keys(&mut top, &[Key::End]);
    assert_eq!((top.selected, top.offset), (4, 2));
    assert_eq!(keys(&mut top, &[Key::Down]), [Effect::Nothing]);
    keys(&mut top, &[Key::PageUp]);
    assert_eq!((top.selected, top.offset), (1, 1));
    keys(&mut top, &[Key::Char('k'), Key::PageDown]);
    assert_eq!((top.selected, top.offset), (3, 1));
    keys(&mut top, &[Key::Home]);
    assert_eq!((top.selected, top.offset), (0, 0));
    assert_eq!(top.selected_row().unwrap().uuid, "a4");
}

#[test]
fn the_filter_narrows_as_typed_and_esc_clears_it() {
    let mut top = fleet();
    keys(&mut top, &[Key::Char('/'), Key::Char('E'), Key::Char('u')]);
    assert_eq!(top.mode, Mode::Filter);
    assert_eq!(shown(&top), ["a4", "a3", "a1"]);
    // q is text while typing a filter.
    assert_eq!(keys(&mut top, &[Key::Char('q')]), [Effect::Redraw]);
    assert_eq!(shown(&top), Vec::<&str>::new());
    keys(&mut top, &[Key::Backspace, Key::Enter]);
    assert_eq!((top.mode, top.filter.as_str()), (Mode::List, "Eu"));
    keys(&mut top, &[Key::Char('3')]);
    assert_eq!(shown(&top), ["a4"], "offline agents in eu");
    keys(&mut top, &[Key::Esc]);
    assert_eq!(shown(&top), ["a4", "a2"]);
    keys(&mut top, &[Key::Char('/'), Key::Char('x'), Key::Esc]);
    assert_eq!((top.mode, top.filter.as_str()), (Mode::List, ""));
    keys(&mut top, &[Key::Char('0'), Key::Char('/')]);
    for ch in "team=ops".chars() {
        handle(&mut top, Key::Char(ch), at(130));
    }
    assert_eq!(top.shown(), 5, "labels are searched as key=value");
}

#[test]
fn sort_cycles_and_reverses_keeping_the_selection() {
    let mut top = fleet();
    keys(&mut top, &[Key::Down]);
    assert_eq!(top.selected_row().unwrap().uuid, "a2");
    keys(&mut top, &[Key::Char('s')]);
    assert_eq!((top.sort, shown(&top)[0]), (SortBy::Name, "a1"));
    assert_eq!(top.selected_row().unwrap().uuid, "a2");
    keys(&mut top, &[Key::Char('S')]);
    assert_eq!(shown(&top), ["a5", "a4", "a3", "a2", "a1"]);
    assert_eq!(top.selected, 3);
    for _ in 0..6 {
        keys(&mut top, &[Key::Char('s')]);
    }
    assert_eq!((top.sort, top.reverse), (SortBy::Status, false));
    keys(&mut top, &[Key::Char('s'), Key::Char('s'), Key::Char('s')]);
    assert_eq!(top.sort, SortBy::Type);
    keys(&mut top, &[Key::Char('s'), Key::Char('s'), Key::Char('s')]);
    assert_eq!(top.sort, SortBy::Heartbeat);
    assert_eq!(shown(&top), ["a4", "a2", "a3", "a5", "a1"]);
}

#[test]
fn enter_opens_the_detail_and_esc_goes_back() {
    let mut top = fleet();
    assert_eq!(keys(&mut top, &[Key::Enter]), [Effect::Redraw]);
    let Mode::Detail(at_row) = top.mode else {
        panic!("{:?}", top.mode)
    };
    assert_eq!(top.row(at_row).unwrap().uuid, "a4");
    keys(&mut top, &[Key::Down]);
    let Mode::Detail(next) = top.mode else {
        panic!("{:?}", top.mode)
    };
    assert_eq!(top.row(next).unwrap().uuid, "a2");
    keys(&mut top, &[Key::Esc]);
    assert_eq!(top.mode, Mode::List);
    keys(&mut top, &[Key::Char('?')]);
    assert_eq!(top.mode, Mode::Help);
    keys(&mut top, &[Key::Esc]);
    assert_eq!(top.mode, Mode::List);
    // An empty view has no detail to open.
    keys(&mut top, &[Key::Char('/'), Key::Char('z'), Key::Enter]);
    assert_eq!(keys(&mut top, &[Key::Enter]), [Effect::Nothing]);
}

#[test]
fn quit_refresh_and_pick() {
    let mut top = fleet();
    assert_eq!(keys(&mut top, &[Key::Char('r')]), [Effect::Refresh]);
    keys(&mut top, &[Key::Down, Key::Char('y')]);
    assert_eq!(top.picked.as_deref(), Some("a2"));
    assert_eq!(
        keys(&mut top, &[Key::Char('q'), Key::Interrupt]),
        [
            Effect::Quit { interrupted: false },
            Effect::Quit { interrupted: true }
        ]
    );
    top.mode = Mode::Filter;
    assert_eq!(
        keys(&mut top, &[Key::Interrupt]),
        [Effect::Quit { interrupted: true }]
    );
}

#[test]
fn status_changes_are_marked_for_a_few_refreshes_and_remembered() {
    let mut top = fleet();
    let moved = |top: &Top, uuid: &str| {
        top.rows()
            .iter()
            .find(|r| r.uuid == uuid)
            .and_then(|r| r.mark.clone())
            .map(|(from, to, left)| (from.to_string(), to.to_string(), left))
    };
    assert_eq!(moved(&top, "a1"), None, "the first sighting is no change");
    assert_eq!(top.counts()[0], ("online".to_owned(), 2));
    let next = vec![
        agent("a1", "offline", "eu", 100),
        agent("a2", "offline", "us", 10),
        agent("a3", "delayed", "eu", 50),
        agent("a5", "online", "us", 90),
    ];
    walk(&mut top, next.clone(), at(130));
    assert_eq!(
        moved(&top, "a1"),
        Some(("online".into(), "offline".into(), MARK_REFRESHES - 1))
    );
    assert_eq!(
        top.counts(),
        [
            ("online".to_owned(), 1),
            ("delayed".to_owned(), 1),
            ("offline".to_owned(), 2)
        ],
        "the counts follow the walks"
    );
    assert_eq!(shown(&top), ["a2", "a1", "a3", "a5"], "a4 left the listing");
    // A failed walk keeps the data and ages the marks too.
    top.walk_started();
    top.walk_done(Err("HTTP 503".into()), Duration::ZERO, at(135));
    assert_eq!(top.refresh.error.as_ref().unwrap().0, "HTTP 503");
    assert_eq!(top.shown(), 4);
    walk(&mut top, next, at(140));
    assert!(top.refresh.error.is_none());
    assert_eq!(moved(&top, "a1"), None, "aged out after {MARK_REFRESHES}");
    let seen: Vec<&Seen> = top.history("a1").collect();
    assert_eq!(seen.len(), 1);
    assert_eq!(
        (seen[0].time, seen[0].from.as_str(), seen[0].to.as_str()),
        (at(130), "online", "offline")
    );
}

#[test]
fn the_top_line_stays_on_top_and_a_moved_selection_follows_its_agent() {
    let mut top = fleet();
    let online: Vec<Agent> = ["a1", "a2", "a3", "a4", "a5"]
        .iter()
        .map(|uuid| agent(uuid, "online", "eu", 100))
        .collect();
    walk(&mut top, online.clone(), at(130));
    assert_eq!(top.selected_row().unwrap().uuid, "a1");
    let mut next = online.clone();
    next[3] = agent("a4", "offline", "eu", 100);
    walk(&mut top, next.clone(), at(140));
    assert_eq!(shown(&top)[0], "a4");
    assert_eq!(
        (
            top.selected,
            top.offset,
            top.selected_row().unwrap().uuid.as_str()
        ),
        (0, 0, "a4"),
        "the new problem is shown where the view was looking"
    );
    keys(&mut top, &[Key::Down]);
    assert_eq!(top.selected_row().unwrap().uuid, "a1");
    next[4] = agent("a5", "offline", "eu", 100);
    walk(&mut top, next, at(150));
    assert_eq!(
        top.selected_row().unwrap().uuid,
        "a1",
        "moved to, so followed"
    );
}

#[test]
fn the_detail_follows_its_agent_across_walks() {
    let mut top = fleet();
    keys(&mut top, &[Key::End, Key::Up, Key::Enter]);
    walk(
        &mut top,
        vec![
            agent("a5", "offline", "us", 90),
            agent("a9", "online", "us", 1),
        ],
        at(130),
    );
    let Mode::Detail(at_row) = top.mode else {
        panic!("{:?}", top.mode)
    };
    assert_eq!(top.row(at_row).unwrap().uuid, "a5");
    walk(&mut top, vec![agent("a9", "online", "us", 1)], at(140));
    assert_eq!(top.mode, Mode::List, "its agent left");
}
