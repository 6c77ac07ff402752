//! `heartbeat simulate` over a whole run: --fail-if thresholds and exit 8, --start-at,
//! the --duration bound, signals, and `heartbeat summary` merging the summaries.

use crate::common::mock::*;
use crate::common::*;
use serde_json::Value;
use std::io::Read;
use std::process::Stdio;
use std::time::{Duration, Instant};

/// The heartbeats of a simulation as agentctl sends them (a body with the seed's four
/// fields), each answered with the record of its agent.
fn beats(server: &MockServer) -> Route<'_> {
    let seen = Seen::new();
    let mock = server.mock(|when, then| {
        api_headers(
            when.method(PUT)
                .path_matches(r"^/api/v1/agents/[^/]+/heartbeat$"),
        )
        .header("content-type", "application/json")
        .is_true(|req| {
            let body: Value = serde_json::from_slice(req.body_ref()).unwrap_or_default();
            body.as_object().is_some_and(|fields| {
                fields
                    .keys()
                    .eq(["version", "uptime", "cpuUsage", "memUsage"])
            })
        });
        then.respond_with(seen.answer(|_, req| {
            let id = req
                .uri()
                .path()
                .split('/')
                .nth(4)
                .unwrap_or_default()
                .to_owned();
            json_response(200, format!(r#"{{"uuid":"{id}","status":"online"}}"#))
        }));
    });
    Route { mock, seen }
}

fn simulate(world: &World, host: &str, extra: &[&str]) -> Ran {
    run(world
        .cmd_at(host)
        .args(["heartbeat", "simulate", "--interval", "100ms", "-o", "json"])
        .args(extra))
}

fn json(ran: &Ran) -> Value {
    serde_json::from_str(&ran.stdout).unwrap_or_else(|err| panic!("{err}: {}", ran.stdout))
}

#[test]
fn every_fail_if_form_is_checked_and_a_crossed_one_is_exit_8() {
    let server = MockServer::start();
    let beats = beats(&server);
    let unexpected = nothing_else(&server);
    let world = World::new();
    // Latencies on loopback are above 1 µs and far below an hour; nothing fails.
    let crossed = [
        "p50>=1us",
        "p90>0ms",
        "p99 > 1us",
        "p999>=1us",
        "max<1h",
        "errors<1%",
        "rate>0.001",
        "errors>=0%",
    ];
    let held = [
        "p50>1h",
        "p90>=1h",
        "p99>1h",
        "p999<=1us",
        "max<1us",
        "errors>0%",
        "rate<0.001",
    ];
    let mut args = vec!["--agents", "4", "--beats", "2"];
    for expression in crossed.iter().chain(&held) {
        args.extend(["--fail-if", expression]);
    }
    let ran = simulate(&world, &server.base_url(), &args);
    assert_eq!(ran.code, 8, "{}", ran.stderr);
    assert_eq!(beats.seen.len(), 8, "the run completes");
    let summary = json(&ran);
    assert_eq!(summary["ok"], 8);
    let verdicts = summary["thresholds"].as_array().unwrap();
    assert_eq!(verdicts.len(), crossed.len() + held.len());
    for (verdict, expression) in verdicts.iter().zip(crossed.iter().chain(&held)) {
        let expected: String = expression.chars().filter(|c| *c != ' ').collect();
        assert_eq!(verdict["expression"], expected.as_str());
        assert_eq!(
            verdict["crossed"],
            crossed.contains(expression),
            "{expression}: {verdict}"
        );
        assert!(verdict["value"].is_number());
    }
    assert!(
        ran.stderr
            .contains("error: threshold crossed: p50>=1us (measured "),
        "{}",
        ran.stderr
    );
    // Nothing crossed: exit 0, and the table names each threshold.
    let ran = run(world.cmd_at(&server.base_url()).args([
        "heartbeat",
        "simulate",
        "--agents",
        "2",
        "--interval",
        "100ms",
        "--beats",
        "1",
        "--fail-if",
        "p99>1h",
        "--fail-if",
        "errors>50%",
    ]));
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    let rows: Vec<Vec<&str>> = ran
        .stdout
        .lines()
        .map(|line| line.split_whitespace().collect())
        .filter(|row: &Vec<&str>| row[0] == "fail-if")
        .collect();
    assert_eq!(rows.len(), 2, "{}", ran.stdout);
    assert_eq!(
        rows[0][..5],
        ["fail-if", "p99>1h", "not", "crossed", "(measured"]
    );
    assert_eq!(rows[0][6], "ms)");
    assert_eq!(
        rows[1][1..],
        ["errors>50%", "not", "crossed", "(measured", "0%)"]
    );
    beats.mock.assert_calls(10);
    unexpected.assert_calls(0);
}

#[test]
fn a_malformed_threshold_is_exit_2_before_anything_is_sent() {
    let server = MockServer::start();
    let beats = beats(&server);
    let unexpected = nothing_else(&server);
    let world = World::new();
    for bad in ["p99>200", "p98>1ms", "errors>1", "rate<fast", "p99=1ms"] {
        let ran = simulate(
            &world,
            &server.base_url(),
            &["--agents", "2", "--beats", "1", "--fail-if", bad],
        );
        assert_eq!(ran.code, 2, "{bad}: {}", ran.stderr);
        assert!(ran.stderr.contains("--fail-if"), "{bad}: {}", ran.stderr);
        assert_eq!(ran.stdout, "");
    }
    beats.mock.assert_calls(0);
    unexpected.assert_calls(0);
}

#[test]
fn a_crossed_threshold_comes_before_no_beat_succeeded() {
    let server = MockServer::start();
    let down = server.mock(|when, then| {
        api_headers(
            when.method(PUT)
                .path_matches(r"^/api/v1/agents/sim-000[12]/heartbeat$"),
        );
        then.respond_with(Answer::json(503, r#"{"error":"down"}"#).into_responder());
    });
    let unexpected = nothing_else(&server);
    let world = World::new();
    let ran = simulate(
        &world,
        &server.base_url(),
        &[
            "--agents",
            "2",
            "--beats",
            "1",
            "--retries",
            "0",
            "--fail-if",
            "errors>50%",
        ],
    );
    assert_eq!(ran.code, 8, "{}", ran.stderr);
    let summary = json(&ran);
    assert_eq!(summary["failed"], serde_json::json!({"503": 2}));
    assert_eq!(summary["thresholds"][0]["value"], 100.0);
    // Without the threshold, the last failure's code.
    let ran = simulate(
        &world,
        &server.base_url(),
        &["--agents", "2", "--beats", "1", "--retries", "0"],
    );
    assert_eq!(ran.code, 5, "{}", ran.stderr);
    down.assert_calls(4);
    unexpected.assert_calls(0);
}

#[test]
fn start_at_waits_for_a_common_start() {
    let server = MockServer::start();
    let beats = beats(&server);
    let unexpected = nothing_else(&server);
    let world = World::new();
    let launched = Instant::now();
    let ran = simulate(
        &world,
        &server.base_url(),
        &["--agents", "2", "--beats", "1", "--start-at", "+1500ms"],
    );
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    let times = beats.seen.times();
    assert_eq!(times.len(), 2);
    let first = *times.iter().min().unwrap();
    assert!(
        first.duration_since(launched) >= Duration::from_millis(1400),
        "the first beat went out {:?} after launch",
        first.duration_since(launched)
    );
    // started_at is the start asked for, not the launch.
    let summary = json(&ran);
    let started = humantime::parse_rfc3339(summary["started_at"].as_str().unwrap()).unwrap();
    let ended = humantime::parse_rfc3339(summary["ended_at"].as_str().unwrap()).unwrap();
    assert!(ended > started);
    // A time in the past starts at once.
    let launched = Instant::now();
    let ran = simulate(
        &world,
        &server.base_url(),
        &[
            "--agents",
            "2",
            "--beats",
            "1",
            "--start-at",
            "2020-01-01T00:00:00+01:00",
        ],
    );
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert!(launched.elapsed() < Duration::from_secs(20));
    assert_eq!(json(&ran)["sent"], 2);
    for bad in ["tomorrow", "2026-13-01T00:00:00Z", "+soon"] {
        let ran = simulate(
            &world,
            &server.base_url(),
            &["--agents", "2", "--start-at", bad],
        );
        assert_eq!(ran.code, 2, "{bad}: {}", ran.stderr);
    }
    beats.mock.assert_calls(4);
    unexpected.assert_calls(0);
}

#[test]
fn duration_bounds_the_run_even_when_the_schedule_falls_behind() {
    let shard_server = MockServer::start();
    let _shard_beats = beats(&shard_server);
    let shard_unexpected = nothing_else(&shard_server);
    let server = MockServer::start();
    let beats = beats(&server);
    let unexpected = nothing_else(&server);
    let world = World::new();
    // The two runs are independent, so they run side by side, each on its own server.
    let (far_behind, took, shard) = std::thread::scope(|scope| {
        // A shard whose last beat is due early still lasts the whole --duration, so its window
        // and rate are the run's: agent 1 of 4 beats at 0 s and 1 s, the run ends at 1.5 s.
        let shard = scope.spawn(|| {
            run(world.cmd_at(&shard_server.base_url()).args([
                "heartbeat",
                "simulate",
                "--agents",
                "4",
                "--interval",
                "1s",
                "--duration",
                "1500ms",
                "--shard",
                "0/4",
                "-o",
                "json",
            ]))
        });
        // 100,000 beats per second asked of one connection: far behind schedule at once. The
        // run still ends at --duration, not when the beats due before it have all been sent.
        let launched = Instant::now();
        let far_behind = run(world.cmd_at(&server.base_url()).args([
            "heartbeat",
            "simulate",
            "--agents",
            "10",
            "--interval",
            "100us",
            "--duration",
            "2s",
            "--concurrency",
            "1",
            "-o",
            "json",
        ]));
        let took = launched.elapsed();
        (far_behind, took, shard.join().unwrap())
    });
    let ran = far_behind;
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    let summary = json(&ran);
    let duration = summary["duration_sec"].as_f64().unwrap();
    assert!((2.0..4.0).contains(&duration), "{duration}");
    assert!(took < Duration::from_secs(8), "{took:?}");
    assert_eq!(summary["sent"].as_u64().unwrap() as usize, beats.seen.len());
    let ran = shard;
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    let summary = json(&ran);
    assert_eq!(summary["sent"], 2);
    let duration = summary["duration_sec"].as_f64().unwrap();
    assert!((1.5..4.0).contains(&duration), "{duration}");
    shard_unexpected.assert_calls(0);
    // --duration 0 is refused.
    let ran = simulate(
        &world,
        &server.base_url(),
        &["--agents", "2", "--duration", "0"],
    );
    assert_eq!(ran.code, 2, "{}", ran.stderr);
    unexpected.assert_calls(0);
}

/// Starts a long simulation, waits for its first beats at the server, sends `signal`, and
/// returns the exit code and stdout.
fn signalled(signal: &str) -> (i32, Value, String) {
    let server = MockServer::start();
    let beats = beats(&server);
    let unexpected = nothing_else(&server);
    let world = World::new();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_agentctl"))
        .args([
            "heartbeat",
            "simulate",
            "--agents",
            "5",
            "--interval",
            "200ms",
            "--duration",
            "5m",
            "-o",
            "json",
        ])
        .env("AGENTCTL_CONFIG_DIR", world.config_dir())
        .env("HOME", world.home())
        .env("AGENTCTL_HOST", server.base_url())
        .env("AGENTCTL_TOKEN", TOKEN)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let waited = Instant::now();
    while beats.seen.len() < 3 {
        assert!(
            waited.elapsed() < Duration::from_secs(30),
            "no beats arrived"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let killed = std::process::Command::new("kill")
        .args([&format!("-{signal}"), &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let waited = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if waited.elapsed() > Duration::from_secs(30) {
            let _ = child.kill();
            panic!("simulate did not stop on SIG{signal}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut stdout = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut stdout)
        .unwrap();
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    assert!(!stdout.contains(TOKEN) && !stderr.contains(TOKEN));
    let summary: Value =
        serde_json::from_str(&stdout).unwrap_or_else(|err| panic!("{err}: {stdout}"));
    assert_eq!(summary["sent"].as_u64().unwrap() as usize, beats.seen.len());
    unexpected.assert_calls(0);
    (status.code().unwrap_or(-1), summary, stderr)
}

#[test]
fn sigterm_prints_the_summary_of_what_was_sent_and_exits_143() {
    let (code, summary, stderr) = signalled("TERM");
    assert_eq!(code, 143, "{stderr}");
    assert!(summary["sent"].as_u64().unwrap() >= 3);
    assert!(stderr.contains("stopped by SIGTERM"), "{stderr}");
}

#[test]
fn sighup_prints_the_summary_and_exits_129() {
    let (code, summary, stderr) = signalled("HUP");
    assert_eq!(code, 129, "{stderr}");
    assert!(summary["ok"].as_u64().unwrap() >= 3);
}

#[test]
fn summary_merges_shards_from_files_and_from_one_stream() {
    let server = MockServer::start();
    let beats = beats(&server);
    let unexpected = nothing_else(&server);
    let world = World::new();
    let mut outputs = Vec::new();
    for shard in ["0/3", "1/3", "2/3"] {
        let ran = simulate(
            &world,
            &server.base_url(),
            &["--agents", "10", "--beats", "2", "--shard", shard],
        );
        assert_eq!(ran.code, 0, "{}", ran.stderr);
        outputs.push(ran.stdout);
    }
    assert_eq!(beats.seen.len(), 20);
    unexpected.assert_calls(0);
    let files: Vec<String> = outputs
        .iter()
        .enumerate()
        .map(|(n, text)| {
            let path = world.dir.path().join(format!("shard-{n}.json"));
            std::fs::write(&path, text).unwrap();
            path.display().to_string()
        })
        .collect();
    let ran = run(world
        .cmd()
        .args(["heartbeat", "summary", "-o", "json"])
        .args(&files));
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert_eq!(ran.stderr, "");
    let merged = json(&ran);
    assert_eq!(
        (
            merged["agents"].as_u64(),
            merged["sent"].as_u64(),
            merged["ok"].as_u64()
        ),
        (Some(10), Some(20), Some(20))
    );
    assert_eq!(merged["shard"], Value::Null);
    // Send lateness is each process's own: the shards' summaries have it, a merge does not.
    assert!(merged.get("send_lateness_ms").is_none(), "{merged}");
    assert_eq!(merged["merged"].as_array().unwrap().len(), 3);
    // As `kubectl logs` gives them: one stream, log lines between, one shard missing.
    let stream = format!("pod starting\n{}{}\n", outputs[0], outputs[2]);
    let ran = run(world
        .cmd()
        .args([
            "heartbeat",
            "summary",
            "-",
            "-o",
            "json",
            "--fail-if",
            "p99>=1us",
        ])
        .write_stdin(stream));
    assert_eq!(ran.code, 8, "{}", ran.stderr);
    let partial = json(&ran);
    assert_eq!(partial["thresholds"][0]["crossed"], true);
    assert!(
        ran.stderr
            .contains("skipped 1 line that is not part of a summary"),
        "{}",
        ran.stderr
    );
    assert!(
        ran.stderr
            .contains("missing shard 1/3: the summary covers 2 of 3 shards"),
        "{}",
        ran.stderr
    );
    // Not a summary at all.
    let ran = run(world
        .cmd()
        .args(["heartbeat", "summary", "-"])
        .write_stdin("hello\n"));
    assert_eq!(ran.code, 1, "{}", ran.stderr);
    assert!(
        ran.stderr.contains("stdin: no simulation summary found"),
        "{}",
        ran.stderr
    );
    let ran = run(world
        .cmd()
        .args(["heartbeat", "summary", "-", "--fail-if", "p99"])
        .write_stdin(""));
    assert_eq!(ran.code, 2, "{}", ran.stderr);
}

/// A summary as `heartbeat simulate -o json` writes it, with the given counts and histogram
/// bytes (base64-encoded here).
fn summary_with(sent: u64, ok: &str, failed: &str, histogram: &[u8]) -> String {
    use base64::Engine;
    format!(
        r#"{{"agents":1,"sent":{sent},"ok":{ok},"failed":{failed},"late":0,
            "started_at":"2026-01-01T00:00:00Z","ended_at":"2026-01-01T00:00:01Z",
            "shard":null,"histogram":"{}"}}"#,
        base64::engine::general_purpose::STANDARD.encode(histogram)
    )
}

/// HdrHistogram's plain V2 header, written by hand: the bounds `heartbeat simulate` uses
/// (1 µs to 1 h, 3 digits) and the payload length given.
fn v2_header(payload_len: u32) -> Vec<u8> {
    let mut bytes = 0x1c84_9313u32.to_be_bytes().to_vec();
    bytes.extend(payload_len.to_be_bytes());
    bytes.extend(0u32.to_be_bytes());
    bytes.extend(3u32.to_be_bytes());
    bytes.extend(1u64.to_be_bytes());
    bytes.extend(3_600_000_000u64.to_be_bytes());
    bytes.extend(1f64.to_be_bytes());
    bytes
}

#[test]
fn a_histogram_bomb_is_refused_in_bounded_memory() {
    let world = World::new();
    // 410 bytes whose histogram header claims a payload of 4 GiB.
    let mut header = v2_header(u32::MAX);
    header.resize(160, 0);
    let mut bomb = summary_with(0, "0", "{}", &header);
    while bomb.len() < 410 {
        bomb.push(' ');
    }
    let path = world.home().join("bomb.json");
    std::fs::write(&path, &bomb).unwrap();
    let ran = run(world.cmd().args(["heartbeat", "summary"]).arg(&path));
    assert_eq!(ran.code, 2, "{}", ran.stderr);
    assert!(
        ran.stderr.contains(&format!(
            "{}: the histogram is refused: its header says 4294967295 payload bytes but 120 follow it",
            path.display()
        )),
        "{}",
        ran.stderr
    );
    assert_eq!(ran.stdout, "");
    let report = world.home().join("peak-rss");
    let status = std::process::Command::new("/usr/bin/time")
        .args(["-f", "%M", "-o"])
        .arg(&report)
        .arg(env!("CARGO_BIN_EXE_agentctl"))
        .args(["heartbeat", "summary"])
        .arg(&path)
        .env("AGENTCTL_CONFIG_DIR", world.config_dir())
        .env("HOME", world.home())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .expect("GNU time (/usr/bin/time) measures the peak memory");
    assert_eq!(status.code(), Some(2));
    let text = std::fs::read_to_string(&report).unwrap();
    let peak_kib: u64 = text.lines().last().unwrap().trim().parse().unwrap();
    // 4 GiB before the check; what any agentctl holds after it (a debug build starts at
    // 15-19 MiB; the release build stays under 16 MiB).
    assert!(
        peak_kib <= 32 * 1024,
        "peak RSS {peak_kib} KiB on a 410-byte summary"
    );
}

#[test]
fn summaries_whose_counts_do_not_add_up_are_refused() {
    let world = World::new();
    // One beat of 1 ms: 1000 empty counts (a zero run, -1000), then a count of 1.
    let one = payload(&[-1000, 1]);
    let cases = [
        // ok > sent: `--fail-if errors>…` would be fooled.
        (
            summary_with(1, "2", "{}", &one),
            "ok (2) + failed (0) is 2, not sent (1)",
        ),
        (
            summary_with(1, "0", "{}", &one),
            "ok (0) + failed (0) is 0, not sent (1)",
        ),
        (
            summary_with(1, "18446744073709551615", r#"{"503":2}"#, &one),
            "ok + failed adds up past 18446744073709551615",
        ),
        (
            summary_with(1, "0", r#"{"503":18446744073709551615,"timeout":2}"#, &one),
            "its failed counts add up past 18446744073709551615",
        ),
    ];
    for (n, (text, said)) in cases.iter().enumerate() {
        let path = world.home().join(format!("case-{n}.json"));
        std::fs::write(&path, text).unwrap();
        let ran = run(world.cmd().args(["heartbeat", "summary"]).arg(&path));
        assert_eq!(ran.code, 2, "{}", ran.stderr);
        assert!(
            ran.stderr.contains(&format!("{}: {said}", path.display())),
            "{}",
            ran.stderr
        );
    }
    // Each summary right, the sum past 2^64 - 1: an error, not a wrap.
    let huge = payload(&[i64::MAX, i64::MAX]);
    let big = world.home().join("big.json");
    let count = (u64::MAX - 1).to_string();
    std::fs::write(&big, summary_with(u64::MAX - 1, &count, "{}", &huge)).unwrap();
    let alone = run(world
        .cmd()
        .args(["heartbeat", "summary", "-o", "json"])
        .arg(&big));
    assert_eq!(alone.code, 0, "{}", alone.stderr);
    let twice = run(world
        .cmd()
        .args(["heartbeat", "summary"])
        .arg(&big)
        .arg(&big));
    assert_eq!(twice.code, 2, "{}", twice.stderr);
    assert!(
        twice.stderr.contains(&format!(
            "{}: sent adds up past 18446744073709551615 with the summaries before it",
            big.display()
        )),
        "{}",
        twice.stderr
    );
}

/// A V2 histogram of the given counts (negative: a run of that many empty counts), encoded as
/// HdrHistogram does: zig-zag, then LEB128 with a 9th byte of 8 bits.
fn payload(counts: &[i64]) -> Vec<u8> {
    let mut body = Vec::new();
    for &count in counts {
        let mut v = ((count << 1) ^ (count >> 63)) as u64;
        for _ in 0..8 {
            if v < 0x80 {
                break;
            }
            body.push((v as u8 & 0x7f) | 0x80);
            v >>= 7;
        }
        body.push(v as u8);
    }
    let mut bytes = v2_header(body.len() as u32);
    bytes.extend(body);
    bytes
}
