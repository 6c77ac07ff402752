//! Tests of the poll loop against a scripted fake, on paused time.

use super::*;
use crate::api::Failure;
use crate::watch::state::UNREACHABLE;
use serde_json::json;
use std::cell::{Cell, RefCell};
use std::collections::HashMap;

/// Scripted answers per id (the last one repeats) and a record of every call.
#[derive(Default)]
struct Script {
    answers: RefCell<HashMap<String, Vec<Option<&'static str>>>>,
    listings: RefCell<Vec<Vec<&'static str>>>,
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
            Some(status) => {
                Ok(Agent::from_value(json!({"uuid": id.as_str(), "status": status})).unwrap())
            }
            None => Err(ApiError::new(
                format!("agent {}", id.as_str()),
                Failure::Status(500),
                "HTTP 500 Internal Server Error",
            )),
        }
    }

    async fn list_agents(&self) -> Result<Vec<Agent>, ApiError> {
        let mut listings = self.listings.borrow_mut();
        let ids = if listings.len() > 1 {
            listings.remove(0)
        } else {
            listings[0].clone()
        };
        Ok(ids
            .into_iter()
            .map(|id| Agent::from_value(json!({"uuid": id})).unwrap())
            .collect())
    }
}

#[derive(Default)]
struct Recorder {
    changes: Vec<(String, Option<String>, String)>,
    finished: bool,
}

impl Sink for Recorder {
    fn change(&mut self, change: &Change) -> Result<()> {
        self.changes
            .push((change.uuid.clone(), change.from.clone(), change.to.clone()));
        Ok(())
    }
    fn frame(&mut self, _view: &View<'_>) -> Result<()> {
        Ok(())
    }
    fn frame_every(&self) -> Option<Duration> {
        None
    }
    fn list_failed(&mut self, _reason: &str) {}
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
        until: until.map(str::to_owned),
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
        std::future::pending(),
    )
    .await;
    assert!(err.is_ok());
    let mut changes = sink.changes.clone();
    changes.sort();
    assert_eq!(
        changes,
        [
            change("bad", None, UNREACHABLE),
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
    watch(&script, &mut sink, &plan, std::future::pending())
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
        .extend([vec!["a"], vec!["a", "b"], vec!["b"]]);
    let mut sink = Recorder::default();
    watch(
        &script,
        &mut sink,
        &plan(Targets::All, None, Some(16)),
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
    let err = watch(&script, &mut sink, &plan(ids(&["a"]), None, None), async {
        tokio::time::sleep(Duration::from_secs(12)).await;
        Signal::Interrupt
    })
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
