//! The doors `agentctl::main_with` takes, used in-process: a frozen clock for the ages and
//! stamps a command prints, a client factory that points every client at a stub, and a fixed
//! environment that is all a run sees.

use crate::common::*;
use agentctl::api::ApiClient;
use agentctl::clock::Clock;
use agentctl::context::ClientFactory;
use httpmock::prelude::*;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

/// 2027-01-15T08:00:00Z.
fn frozen() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000)
}

fn record(uuid: &str, last_heartbeat: SystemTime) -> String {
    serde_json::json!({
        "uuid": uuid,
        "name": "web",
        "type": "log",
        "status": "online",
        "version": "1.2.3",
        "region": "eu-west-1",
        "lastHeartbeatAt": humantime::format_rfc3339(last_heartbeat).to_string(),
        "createDate": humantime::format_rfc3339(last_heartbeat - Duration::from_secs(3 * 86_400)).to_string(),
    })
    .to_string()
}

#[test]
fn ages_are_counted_from_the_clock_the_run_is_handed() {
    let server = MockServer::start();
    server.mock(|when, then| {
        when.method(GET).path("/api/v1/agents/web-01");
        then.status(200)
            .body(record("web-01", frozen() - Duration::from_secs(12)));
    });
    let world = World::new();
    let ran = run(world
        .inproc_at(&server.base_url())
        .clock(Clock::frozen_at(frozen()))
        .args(["agent", "show", "web-01", "-o", "wide"]));
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    let row = ran.stdout.lines().nth(1).unwrap();
    assert!(row.contains("  12s ago"), "{row}");
    assert!(row.contains("  3d ago"), "{row}");

    // The same record a minute later on that clock.
    let ran = run(world
        .inproc_at(&server.base_url())
        .clock(Clock::frozen_at(frozen() + Duration::from_secs(60)))
        .args(["agent", "show", "web-01"]));
    assert!(
        ran.stdout.lines().nth(1).unwrap().ends_with("1m ago"),
        "{}",
        ran.stdout
    );
}

#[test]
fn a_beats_stamp_is_the_clocks_time_of_day() {
    let server = MockServer::start();
    server.mock(|when, then| {
        when.method(PUT).path("/api/v1/agents/web-01/heartbeat");
        then.status(200).body(record("web-01", frozen()));
    });
    let world = World::new();
    let ran = run(world
        .inproc_at(&server.base_url())
        .clock(Clock::frozen_at(frozen()))
        .args([
            "heartbeat",
            "send",
            "web-01",
            "--every",
            "1s",
            "--count",
            "1",
        ])
        .args(MINIMAL_BEAT));
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert!(
        ran.stdout.starts_with("2027-01-15T08:00:00.000Z  ok "),
        "{}",
        ran.stdout
    );
}

#[test]
fn a_command_configured_for_a_remote_host_talks_to_the_stub_the_factory_points_at() {
    let server = MockServer::start();
    // The host's path prefix is kept; only where the client connects changes.
    let mock = server.mock(|when, then| {
        when.method(GET)
            .path("/gw/api/v1/agents/web-01")
            .header("authorization", format!("Bearer {TOKEN}"));
        then.status(200).body(record("web-01", SystemTime::now()));
    });
    let world = World::new();
    let ran = run(world
        .inproc_at("https://agents.example.com/gw")
        .clients(ClientFactory::pointed_at(
            server.base_url().parse().unwrap(),
        ))
        .args([
            "agent", "show", "web-01", "-o", "json", "--jq", ".region", "-r",
        ]));
    assert_eq!(
        (ran.code, ran.stdout.as_str()),
        (0, "eu-west-1\n"),
        "{}",
        ran.stderr
    );
    mock.assert();
}

#[test]
fn every_client_of_a_run_is_made_by_its_factory_with_the_commands_options() {
    let server = MockServer::start();
    server.mock(|when, then| {
        when.path_includes("/api/v1/agents/web-01");
        then.status(200).body(record("web-01", SystemTime::now()));
    });
    let made: Arc<Mutex<Vec<(String, u32)>>> = Arc::default();
    let factory = {
        let made = made.clone();
        ClientFactory::new(move |options, ui| {
            made.lock()
                .unwrap()
                .push((options.base_url.to_string(), options.retries));
            ApiClient::new(options, ui)
        })
    };
    let world = World::new();
    for args in [
        &["agent", "show", "web-01"][..],
        // The schedule is the retry policy of --every: its client makes no retries.
        &[
            "heartbeat",
            "send",
            "web-01",
            "--every",
            "1s",
            "--count",
            "1",
        ][..],
    ] {
        let ran = run(world
            .inproc_at(&server.base_url())
            .clients(factory.clone())
            .args(args)
            .args(if args[0] == "heartbeat" {
                &MINIMAL_BEAT[..]
            } else {
                &[]
            }));
        assert_eq!(ran.code, 0, "{args:?}: {}", ran.stderr);
    }
    let base = format!("{}/", server.base_url());
    assert_eq!(*made.lock().unwrap(), [(base.clone(), 2), (base, 0)]);
}

#[test]
fn a_run_sees_only_the_variables_it_is_handed() {
    let server = MockServer::start();
    server.mock(|when, then| {
        when.method(GET).path("/api/v1/agents/web-01");
        then.status(200).body(record("web-01", SystemTime::now()));
    });
    let world = World::new();
    // jq's $ENV and env are the run's environment.
    let ran = run(world
        .inproc_at(&server.base_url())
        .env("PAGER", "less")
        .args([
            "agent",
            "show",
            "web-01",
            "--jq",
            "[$ENV.PAGER, env.PAGER, $ENV.PATH]",
            "-c",
        ]));
    assert_eq!(ran.stdout, "[\"less\",\"less\",null]\n", "{}", ran.stderr);
    // Color at a terminal, unless NO_COLOR says otherwise.
    let show = || {
        let mut inproc = world.inproc_at(&server.base_url());
        inproc.args(["agent", "show", "web-01"]).terminal();
        inproc
    };
    assert!(
        run(&mut show()).stdout.contains("\x1b[38;5;10monline"),
        "no color"
    );
    let ran = run(show().env("NO_COLOR", "1"));
    assert!(
        ran.stdout.contains("online") && !ran.stdout.contains('\x1b'),
        "{:?}",
        ran.stdout
    );
}

#[test]
#[should_panic(expected = "AGENTCTL_HOST is read by clap from the process environment")]
fn a_variable_clap_reads_itself_cannot_be_handed_in() {
    World::new()
        .inproc()
        .env("AGENTCTL_HOST", "http://127.0.0.1:9")
        .args(["config", "path"])
        .launch();
}
