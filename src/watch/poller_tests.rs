//! Tests of the poll loop against a scripted fake, on paused time.

use super::*;
use crate::api::Failure;
use serde_json::json;
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
// The paused test clock's instants (`Clock::instant` reads the same clock).
use tokio::time::Instant;

/// Scripted answers per id (the last one repeats) and a record of every call.
#[derive(Default)]
struct Script {
    answers: RefCell<HashMap<String, Vec<Option<&'static str>>>>,
    /// Walks of the listing, each a list of pages of `id` or `id:status` entries; the last
    /// walk repeats.
    listings: RefCell<Vec<Vec<Vec<&'static str>>>>,
    list_calls: Cell<usize>,
    /// When each walk of the listing started.
    walks: RefCell<Vec<Instant>>,
    calls: RefCell<Vec<(Instant, String)>>,
    in_flight: Cell<usize>,
    max_in_flight: Cell<usize>,
    latency: Duration,
}

impl Script {
    fn agent(self, id: &str, statuses: &[Option<&'static str>]) -> Self {
        self.answers
            .borrow_mut()
            .insert(id.to_owned(), statuses.to_vec());
        self
    }
}

impl Fetch for Script {
    async fn get_agent(&self, id: &AgentId) -> Result<Agent, ApiError> {
        self.calls
            .borrow_mut()
            .push((Instant::now(), id.as_str().to_owned()));
        self.in_flight.set(self.in_flight.get() + 1);
        self.max_in_flight
            .set(self.max_in_flight.get().max(self.in_flight.get()));
        tokio::time::sleep(self.latency).await;
        self.in_flight.set(self.in_flight.get() - 1);
        let mut answers = self.answers.borrow_mut();
        let script = answers.get_mut(id.as_str()).expect("a scripted agent");
        let answer = if script.len() > 1 {
            script.remove(0)
        } else {
            script[0]
        };
        match answer {
            Some("404") => Err(ApiError::new(
                format!("agent {}", id.as_str()),
                Failure::Status(404),
                "HTTP 404 Not Found",
            )),
            Some(status) => Ok(Agent::from_value(
                json!({"uuid": id.as_str(), "status": status, "version": "1.0"}),
            )
            .unwrap()),
            None => Err(ApiError::new(
                format!("agent {}", id.as_str()),
                Failure::Status(500),
                "HTTP 500 Internal Server Error",
            )),
        }
    }

    fn list(&self) -> Listing<'_> {
        self.walks.borrow_mut().push(Instant::now());
        let pages = {
            let mut listings = self.listings.borrow_mut();
            if listings.len() > 1 {
                listings.remove(0)
            } else {
                listings[0].clone()
            }
        };
        Box::pin(
            futures_util::stream::iter(pages).then(move |page| async move {
                self.list_calls.set(self.list_calls.get() + 1);
                tokio::time::sleep(Duration::from_millis(10)).await;
                // A page of `!` is a connection refused.
                if page == ["!"] {
                    return Err(ApiError::new(
                        "agent list",
                        Failure::Network,
                        "could not connect to 127.0.0.1:9: Connection refused",
                    ));
                }
                Ok(page
                    .into_iter()
                    .map(|entry| {
                        let record = match entry.split_once(':') {
                            Some((id, status)) => json!({"uuid": id, "status": status}),
                            None => json!({"uuid": entry}),
                        };
                        Agent::from_value(record).unwrap()
                    })
                    .collect())
            }),
        )
    }
}

#[derive(Default)]
struct Recorder {
    changes: Vec<(String, Option<String>, String)>,
    /// `(from, to, reason)` of the fleet's events.
    fleet: Vec<(Option<&'static str>, &'static str, Option<String>)>,
    finished: bool,
}

impl Sink for Recorder {
    fn change(&mut self, change: &Change) -> Result<()> {
        self.changes.push((
            change.uuid.clone(),
            change.from.as_ref().map(ToString::to_string),
            change.to.to_string(),
        ));
        Ok(())
    }
    fn frame(&mut self, _view: &View<'_>) -> Result<()> {
        Ok(())
    }
    fn frame_every(&self) -> Option<Duration> {
        None
    }
    fn list_failed(&mut self, _reason: &str) {}
    fn fleet(&mut self, change: &FleetChange) -> Result<()> {
        self.fleet
            .push((change.from, change.to, change.reason.clone()));
        Ok(())
    }
    fn warn(&mut self, _line: &str) {}
    fn finish(&mut self, _view: &View<'_>) -> Result<()> {
        self.finished = true;
        Ok(())
    }
}

fn plan(targets: Targets, until: Option<&str>, timeout: Option<u64>) -> Plan {
    Plan {
        targets,
        interval: Duration::from_secs(5),
        concurrency: 32,
        until: until.map(|s| Until::Status(AgentStatus::parse(s).expect("a status"))),
        timeout: timeout.map(Duration::from_secs),
    }
}

fn ids(names: &[&str]) -> Targets {
    Targets::Ids(names.iter().map(|n| AgentId::parse(n).unwrap()).collect())
}

fn change(id: &str, from: Option<&str>, to: &str) -> (String, Option<String>, String) {
    (id.to_owned(), from.map(str::to_owned), to.to_owned())
}

#[tokio::test(start_paused = true)]
async fn status_moves_until_offline_then_stop() {
    let script = Script::default().agent(
        "a",
        &[
            Some("online"),
            Some("online"),
            Some("delayed"),
            Some("delayed"),
            Some("offline"),
        ],
    );
    let mut sink = Recorder::default();
    let started = Instant::now();
    let outcome = watch(
        &script,
        &mut sink,
        &plan(ids(&["a"]), Some("offline"), None),
        &Clock::system(),
        std::future::pending(),
    )
    .await;
    assert!(outcome.is_ok(), "{outcome:?}");
    assert_eq!(
        sink.changes,
        [
            change("a", None, "online"),
            change("a", Some("online"), "delayed"),
            change("a", Some("delayed"), "offline"),
        ]
    );
    assert!(sink.finished);
    // Five polls, four intervals of 5 s ± 10 % between them.
    let calls = script.calls.borrow();
    assert_eq!(calls.len(), 5);
    let gaps: Vec<Duration> = calls.windows(2).map(|w| w[1].0 - w[0].0).collect();
    for gap in &gaps {
        assert!(
            *gap >= Duration::from_millis(4500) && *gap <= Duration::from_millis(5500),
            "{gaps:?}"
        );
    }
    assert!(started.elapsed() <= Duration::from_secs(22));
}

#[tokio::test(start_paused = true)]
async fn until_not_reached_is_exit_7_at_the_timeout() {
    let script = Script::default().agent("a", &[Some("offline")]);
    let mut sink = Recorder::default();
    let started = Instant::now();
    let err = watch(
        &script,
        &mut sink,
        &plan(ids(&["a"]), Some("online"), Some(3)),
        &Clock::system(),
        std::future::pending(),
    )
    .await
    .unwrap_err();
    assert_eq!(err.kind, ErrorKind::UntilTimeout);
    assert!(
        err.message.contains("1 of 1 agents not online after 3s: a"),
        "{}",
        err.message
    );
    assert_eq!(started.elapsed(), Duration::from_secs(3));
    assert!(sink.finished);
}

#[tokio::test(start_paused = true)]
async fn a_failing_agent_backs_off_alone() {
    let script = Script::default()
        .agent("bad", &[None])
        .agent("good", &[Some("online")]);
    let mut sink = Recorder::default();
    let err = watch(
        &script,
        &mut sink,
        &plan(ids(&["good", "bad"]), None, Some(60)),
        &Clock::system(),
        std::future::pending(),
    )
    .await;
    assert!(err.is_ok());
    let mut changes = sink.changes.clone();
    changes.sort();
    assert_eq!(
        changes,
        [
            change("bad", None, "unreachable"),
            change("good", None, "online")
        ]
    );
    let calls = script.calls.borrow();
    let count = |id: &str| calls.iter().filter(|(_, c)| c == id).count();
    // good: every ~5 s for 60 s; bad: 5, 10, 20, 40 s apart.
    assert!((11..=14).contains(&count("good")), "{}", count("good"));
    assert!((4..=6).contains(&count("bad")), "{}", count("bad"));
}

#[tokio::test(start_paused = true)]
async fn never_more_than_concurrency_in_flight_and_rounds_are_parallel() {
    let names: Vec<String> = (0..200).map(|n| format!("agent-{n:03}")).collect();
    let mut script = Script {
        latency: Duration::from_millis(200),
        ..Script::default()
    };
    for name in &names {
        script = script.agent(name, &[Some("online")]);
    }
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let mut plan = plan(ids(&refs), Some("online"), None);
    plan.concurrency = 50;
    let started = Instant::now();
    let mut sink = Recorder::default();
    watch(
        &script,
        &mut sink,
        &plan,
        &Clock::system(),
        std::future::pending(),
    )
    .await
    .unwrap();
    assert_eq!(script.calls.borrow().len(), 200);
    assert_eq!(script.max_in_flight.get(), 50);
    // Four waves of 50: 800 ms, not 200 × 200 ms.
    assert_eq!(started.elapsed(), Duration::from_millis(800));
}

#[tokio::test(start_paused = true)]
async fn listing_adds_and_removes_agents() {
    let script = Script::default()
        .agent("a", &[Some("online")])
        .agent("b", &[Some("delayed")]);
    script
        .listings
        .borrow_mut()
        .extend([vec![vec!["a"]], vec![vec!["a", "b"]], vec![vec!["b"]]]);
    let mut sink = Recorder::default();
    watch(
        &script,
        &mut sink,
        &plan(Targets::All, None, Some(16)),
        &Clock::system(),
        std::future::pending(),
    )
    .await
    .unwrap();
    assert_eq!(
        sink.changes,
        [
            change("a", None, "online"),
            change("b", None, "delayed"),
            change("a", Some("online"), "gone"),
        ]
    );
}

#[tokio::test(start_paused = true)]
async fn the_stop_signal_interrupts_and_finishes_the_sink() {
    let script = Script::default().agent("a", &[Some("online")]);
    let mut sink = Recorder::default();
    let err = watch(
        &script,
        &mut sink,
        &plan(ids(&["a"]), None, None),
        &Clock::system(),
        async {
            tokio::time::sleep(Duration::from_secs(12)).await;
            Signal::Interrupt
        },
    )
    .await
    .unwrap_err();
    assert_eq!(err.kind, ErrorKind::Signal(Signal::Interrupt));
    assert!(sink.finished);
    assert_eq!(script.calls.borrow().len(), 3);
}

#[test]
fn backoff_doubles_from_the_second_failure_and_is_capped() {
    let second = Duration::from_secs(1);
    assert_eq!(poll_delay(second, 0), second);
    assert_eq!(poll_delay(second, 1), second);
    assert_eq!(poll_delay(second, 2), second * 2);
    assert_eq!(poll_delay(second, 5), second * 16);
    assert_eq!(poll_delay(second, 40), Duration::from_secs(60));
    let hour = Duration::from_secs(3600);
    assert_eq!(poll_delay(hour, 9), hour);
}

#[tokio::test(start_paused = true)]
async fn all_takes_statuses_from_the_listing_one_walk_per_interval() {
    let script = Script::default();
    script.listings.borrow_mut().extend([
        vec![vec!["a:online", "b:online"], vec!["c:delayed"]],
        vec![vec!["a:online", "b:offline"], vec!["c:delayed"]],
        vec![vec!["a:online"], vec!["c:online"]],
    ]);
    let mut sink = Recorder::default();
    let mut plan = plan(Targets::All, None, Some(12));
    plan.interval = Duration::from_secs(5);
    watch(
        &script,
        &mut sink,
        &plan,
        &Clock::system(),
        std::future::pending(),
    )
    .await
    .unwrap();
    assert_eq!(
        sink.changes,
        [
            change("a", None, "online"),
            change("b", None, "online"),
            change("c", None, "delayed"),
            change("b", Some("online"), "offline"),
            change("c", Some("delayed"), "online"),
            change("b", Some("offline"), "gone"),
        ]
    );
    // Three walks of two pages in 12 s, and not one GET of an agent.
    assert_eq!(script.list_calls.get(), 6);
    assert!(script.calls.borrow().is_empty());
}

#[tokio::test(start_paused = true)]
async fn until_is_judged_only_at_the_end_of_a_walk() {
    let script = Script::default();
    script.listings.borrow_mut().extend([
        vec![vec!["a:online"], vec!["b:offline"]],
        vec![vec!["a:online"], vec!["b:online"]],
    ]);
    let mut sink = Recorder::default();
    let started = Instant::now();
    watch(
        &script,
        &mut sink,
        &plan(Targets::All, Some("online"), Some(60)),
        &Clock::system(),
        std::future::pending(),
    )
    .await
    .unwrap();
    // Not done after the first page of the first walk (a was online, b not yet listed).
    assert_eq!(script.list_calls.get(), 4);
    assert!(started.elapsed() >= Duration::from_millis(4500));
}

#[tokio::test(start_paused = true)]
async fn a_listed_record_without_status_is_fetched_once_per_walk() {
    let script = Script::default().agent("b", &[Some("delayed")]);
    script
        .listings
        .borrow_mut()
        .push(vec![vec!["a:online", "b"]]);
    let mut sink = Recorder::default();
    watch(
        &script,
        &mut sink,
        &plan(Targets::All, None, Some(12)),
        &Clock::system(),
        std::future::pending(),
    )
    .await
    .unwrap();
    let calls: Vec<String> = script.calls.borrow().iter().map(|c| c.1.clone()).collect();
    assert_eq!(calls, ["b", "b", "b"], "one GET of b per walk");
    assert_eq!(
        sink.changes,
        [change("a", None, "online"), change("b", None, "delayed")]
    );
}

#[tokio::test(start_paused = true)]
async fn absent_is_polled_at_the_interval_and_online_is_seen_within_one() {
    let script = Script::default().agent(
        "new",
        &[
            Some("404"),
            Some("404"),
            Some("404"),
            Some("404"),
            Some("online"),
        ],
    );
    let mut sink = Recorder::default();
    let mut plan = plan(ids(&["new"]), Some("online"), None);
    plan.interval = Duration::from_secs(1);
    let started = Instant::now();
    watch(
        &script,
        &mut sink,
        &plan,
        &Clock::system(),
        std::future::pending(),
    )
    .await
    .unwrap();
    assert_eq!(
        sink.changes,
        [
            change("new", None, "absent"),
            change("new", Some("absent"), "online")
        ]
    );
    // Polled at 0, ~1, ~2, ~3, ~4 s: never backed off (a failure would wait 1, 2, 4, 8 s).
    let calls = script.calls.borrow();
    assert_eq!(calls.len(), 5);
    for gap in calls.windows(2).map(|w| w[1].0 - w[0].0) {
        assert!(gap <= Duration::from_millis(1100), "{gap:?}");
    }
    assert!(started.elapsed() <= Duration::from_millis(4500));
}

#[tokio::test(start_paused = true)]
async fn until_jq_waits_for_every_record_to_match() {
    let script = Script::default()
        .agent("a", &[Some("online")])
        .agent("b", &[Some("delayed"), Some("delayed"), Some("online")]);
    let mut sink = Recorder::default();
    let mut plan = plan(ids(&["a", "b"]), None, Some(60));
    plan.until = Some(Until::Jq(
        JqFilter::compile(r#".status == "online" and .version == "1.0""#).unwrap(),
    ));
    let started = Instant::now();
    watch(
        &script,
        &mut sink,
        &plan,
        &Clock::system(),
        std::future::pending(),
    )
    .await
    .unwrap();
    let elapsed = started.elapsed();
    assert!(
        elapsed >= Duration::from_secs(9) && elapsed <= Duration::from_secs(12),
        "{elapsed:?}"
    );
    plan.until = Some(Until::Jq(JqFilter::compile(".version == \"2.0\"").unwrap()));
    plan.timeout = Some(Duration::from_secs(3));
    let err = watch(
        &script,
        &mut Recorder::default(),
        &plan,
        &Clock::system(),
        std::future::pending(),
    )
    .await
    .unwrap_err();
    assert_eq!(err.kind, ErrorKind::UntilTimeout);
    assert!(
        err.message
            .contains("2 of 2 agents not matching --until-jq"),
        "{}",
        err.message
    );
}

#[tokio::test(start_paused = true)]
async fn a_failing_listing_is_one_fleet_event_each_way_and_walks_go_on_at_the_interval() {
    // Listed, then four failed walks (a 20 s outage at a 5 s interval), then listed again
    // with the agent offline.
    let script = Script::default();
    *script.listings.borrow_mut() = vec![
        vec![vec!["a:online"]],
        vec![vec!["!"]],
        vec![vec!["!"]],
        vec![vec!["!"]],
        vec![vec!["!"]],
        vec![vec!["a:offline"]],
    ];
    let mut sink = Recorder::default();
    let clock = Clock::system();
    let plan = plan(Targets::All, Some("offline"), Some(120));
    watch(&script, &mut sink, &plan, &clock, std::future::pending())
        .await
        .unwrap();
    assert_eq!(
        sink.changes,
        [
            change("a", None, "online"),
            change("a", Some("online"), "offline")
        ]
    );
    let refused = "could not connect to 127.0.0.1:9: Connection refused".to_owned();
    assert_eq!(
        sink.fleet,
        [
            (Some("reachable"), "unreachable", Some(refused)),
            (Some("unreachable"), "reachable", None),
        ]
    );
    // No backoff while the listing fails: every walk within one interval of the last (and
    // no sooner than the spread allows), so the fleet back up is seen within one interval.
    let walks = script.walks.borrow();
    assert_eq!(walks.len(), 6);
    let gaps: Vec<Duration> = walks.windows(2).map(|pair| pair[1] - pair[0]).collect();
    assert!(
        (Duration::from_millis(4_500)..=Duration::from_millis(5_500)).contains(&gaps[0]),
        "{gaps:?}"
    );
    assert!(
        gaps[1..]
            .iter()
            .all(|gap| (Duration::from_millis(4_500)..=Duration::from_secs(5)).contains(gap)),
        "after a failed walk: {gaps:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn a_listing_that_never_answered_fails_from_null() {
    let script = Script::default();
    *script.listings.borrow_mut() = vec![vec![vec!["!"]], vec![vec!["a:online"]]];
    let mut sink = Recorder::default();
    let clock = Clock::system();
    let plan = plan(Targets::All, Some("online"), Some(60));
    watch(&script, &mut sink, &plan, &clock, std::future::pending())
        .await
        .unwrap();
    let froms: Vec<_> = sink
        .fleet
        .iter()
        .map(|(from, to, _)| (*from, *to))
        .collect();
    assert_eq!(
        froms,
        [(None, "unreachable"), (Some("unreachable"), "reachable")]
    );
    assert_eq!(sink.changes, [change("a", None, "online")]);
}
