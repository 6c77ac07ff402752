//! `--jq` against jq 1.7.1: every filter of fixtures/jq_parity/filters.txt run through
//! `agent list` on the records of records.json, compared byte for byte with what jq 1.7.1
//! printed for it (expected.json, made by scripts/jq-parity-fixture.sh, which says how to get
//! that jq). stdout must be the same; the error messages too; the exit status by the rule
//! below. What agentctl does otherwise on purpose is listed in DIFFERENCES, in one place.

use crate::common::*;
use httpmock::prelude::*;

const RECORDS: &str = include_str!("fixtures/jq_parity/records.json");
const EXPECTED: &str = include_str!("fixtures/jq_parity/expected.json");

/// The intentional differences from jq 1.7.1: filters whose error message is worded
/// otherwise (stdout and exit status agree), each with its reason. Besides these, by rule:
/// - exit status: a run-time error (jq's 5) is 1, agentctl's status for a failed filter (5 is
///   its API-error status, contract §6), whenever any record failed — jq 1.7.1 exits with
///   the status of its last input only; `halt_error(N)` is 1 for any N other than 0; a
///   compile error (jq's 3) is 2, a usage error;
/// - a compile error's wording is agentctl's ("at column N: …"), not jq's.
const DIFFERENCES: &[(&str, &str)] = &[
    (
        "[., input] | map(.uuid)",
        "jq 1.7.1 says \"break\" when `input` finds no more input (a bug of 1.7.1; jq -n says \
         \"No more inputs\"); agentctl says \"No more inputs\"",
    ),
    (
        "json input",
        "the same: \"No more inputs\" rather than 1.7.1's \"break\"",
    ),
    (
        ".name | test(\"[\")",
        "the regex engine's own words after \"Regex failure: \" (Oniguruma's in jq)",
    ),
];

struct Case {
    mode: String,
    raw: bool,
    filter: String,
    stdout: String,
    stderr: String,
    status: i32,
}

fn cases() -> Vec<Case> {
    let expected: serde_json::Value = serde_json::from_str(EXPECTED).expect("expected.json");
    assert_eq!(expected["jq"], "jq-1.7.1", "the fixture is jq 1.7.1's");
    expected["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .map(|case| Case {
            mode: case["mode"].as_str().unwrap().to_owned(),
            raw: case["raw"].as_bool().unwrap(),
            filter: case["filter"].as_str().unwrap().to_owned(),
            stdout: case["stdout"].as_str().unwrap().to_owned(),
            stderr: case["stderr"].as_str().unwrap().to_owned(),
            status: case["status"].as_i64().unwrap() as i32,
        })
        .collect()
}

/// The messages of jq's stderr: `jq: error (at F:N): M` is M, `… (not a string): V` is
/// "(not a string): V", and any other text (`halt_error`'s) as it is.
fn jq_messages(stderr: &str) -> Vec<String> {
    stderr
        .lines()
        .filter(|line| !line.is_empty())
        .map(|line| match line.strip_prefix("jq: error (at ") {
            Some(rest) => match rest.split_once("): ") {
                Some((_, message)) if !rest.starts_with(") (not") => message.to_owned(),
                _ => rest
                    .split_once(") (not a string): ")
                    .map(|(_, value)| format!("(not a string): {value}"))
                    .unwrap_or_else(|| rest.to_owned()),
            },
            None => line.to_owned(),
        })
        .collect()
}

/// The messages of agentctl's stderr: `error: --jq 'F': M` is M.
fn our_messages(stderr: &str, filter: &str) -> Vec<String> {
    let prefix = format!("error: --jq '{filter}': ");
    stderr
        .lines()
        .filter_map(|line| line.strip_prefix(&prefix).map(str::to_owned))
        .collect()
}

/// The status agentctl should exit with where jq exited with `status` (the rule above).
fn our_status(case: &Case) -> i32 {
    match case.status {
        3 => 2,
        _ if case.stderr.contains("jq: error") => 1,
        0 => 0,
        _ => 1,
    }
}

fn label(case: &Case) -> String {
    format!(
        "{}{} {}",
        case.mode,
        if case.raw { " -r" } else { "" },
        case.filter
    )
}

#[test]
fn jq_filters_agree_with_jq_1_7_1_byte_for_byte() {
    let server = MockServer::start();
    server.mock(|when, then| {
        when.method(GET).path("/api/v1/agents");
        then.status(200)
            .header("content-type", "application/json")
            .body(RECORDS);
    });
    let world = World::new();
    let cases = cases();
    assert!(cases.len() >= 60, "{} filters", cases.len());
    let mut disagreements = Vec::new();
    let mut listed_but_agreeing = Vec::new();
    for case in &cases {
        let mut cmd = world.inproc_at(&server.base_url());
        // A run's `$ENV` is the environment it is handed; jq's had PATH.
        cmd.env("PATH", "/usr/bin:/bin");
        cmd.args(["agent", "list", "-o"]);
        cmd.arg(if case.mode == "ndjson" {
            "ndjson"
        } else {
            "json"
        });
        if case.mode == "json" {
            cmd.arg("-c");
        }
        if case.raw {
            cmd.arg("-r");
        }
        cmd.args(["--jq", &case.filter]);
        let ran = run(&mut cmd);
        let listed = DIFFERENCES.iter().any(|(filter, _)| {
            *filter == case.filter || *filter == format!("{} {}", case.mode, case.filter)
        });
        let mut problems = Vec::new();
        if ran.stdout != case.stdout {
            problems.push(format!(
                "stdout:\n  jq:    {:?}\n  ours:  {:?}",
                case.stdout, ran.stdout
            ));
        }
        if ran.code != our_status(case) {
            problems.push(format!(
                "exit status {} (jq's {}), expected {}; stderr: {}",
                ran.code,
                case.status,
                our_status(case),
                ran.stderr
            ));
        }
        let compile_error = case.status == 3;
        let messages_differ =
            !compile_error && jq_messages(&case.stderr) != our_messages(&ran.stderr, &case.filter);
        if listed && !messages_differ {
            listed_but_agreeing.push(label(case));
        } else if !listed && messages_differ {
            problems.push(format!(
                "messages:\n  jq:    {:?}\n  ours:  {:?}",
                jq_messages(&case.stderr),
                our_messages(&ran.stderr, &case.filter)
            ));
        }
        if !problems.is_empty() {
            disagreements.push(format!("{}\n{}", label(case), problems.join("\n")));
        }
    }
    assert!(
        disagreements.is_empty(),
        "{} of {} filters disagree with jq 1.7.1:\n\n{}",
        disagreements.len(),
        cases.len(),
        disagreements.join("\n\n")
    );
    assert!(
        listed_but_agreeing.is_empty(),
        "listed as differences but agreeing with jq (drop them from DIFFERENCES): {listed_but_agreeing:?}"
    );
}

#[test]
fn json_output_through_jq_is_pretty_unless_compact() {
    let server = MockServer::start();
    server.mock(|when, then| {
        when.method(GET).path("/api/v1/agents");
        then.status(200)
            .body(r#"[{"uuid":"a1","labels":{"env":"prod"}}]"#);
    });
    let world = World::new();
    let pretty = run(world
        .inproc_at(&server.base_url())
        .args(["agent", "list", "-o", "json", "--jq", ".[0]"]));
    assert_eq!(
        pretty.stdout,
        "{\n  \"uuid\": \"a1\",\n  \"labels\": {\n    \"env\": \"prod\"\n  }\n}\n"
    );
    let compact = run(world
        .inproc_at(&server.base_url())
        .args(["agent", "list", "-o", "json", "-c", "--jq", ".[0]"]));
    assert_eq!(
        compact.stdout,
        "{\"uuid\":\"a1\",\"labels\":{\"env\":\"prod\"}}\n"
    );
    let ndjson = run(world
        .inproc_at(&server.base_url())
        .args(["agent", "list", "-o", "ndjson", "--jq", "."]));
    assert_eq!(ndjson.stdout, compact.stdout);
    // -c is for --jq.
    let ran = run(world
        .inproc_at(&server.base_url())
        .args(["agent", "list", "-c"]));
    assert_eq!(ran.code, 2, "{}", ran.stderr);
    assert!(ran.stderr.contains("--jq"), "{}", ran.stderr);
}

/// Through the binary, as a script runs it: an error on one record is reported, the records
/// before and after it are filtered, and the command exits 1.
#[test]
fn a_failing_record_keeps_the_others_results_and_exits_1() {
    let server = MockServer::start();
    server.mock(|when, then| {
        when.method(GET).path("/api/v1/agents");
        then.status(200).body(
            r#"{"total":3,"items":[{"uuid":"a1","labels":{"env":"prod"}},{"uuid":"a2","labels":"{}"},{"uuid":"a3","labels":{"env":"dev"}}]}"#,
        );
    });
    let world = World::new();
    let ran = run(world.cmd_at(&server.base_url()).args([
        "agent",
        "list",
        "-o",
        "ndjson",
        "-r",
        "--jq",
        ".uuid, .labels.env",
    ]));
    assert_eq!(ran.code, 1, "{}", ran.stderr);
    assert_eq!(ran.stdout, "a1\nprod\na2\na3\ndev\n");
    assert_eq!(
        ran.stderr,
        "error: --jq '.uuid, .labels.env': Cannot index string with string \"env\"\n"
    );
    // halt_error stops the run: what came before is printed, then its message; exit 1.
    let ran = run(world.cmd_at(&server.base_url()).args([
        "agent",
        "list",
        "-o",
        "ndjson",
        "-r",
        "--jq",
        r#"if .uuid == "a2" then "stop at \(.uuid)\n" | halt_error(1) else .uuid end"#,
    ]));
    assert_eq!(ran.code, 1, "{}", ran.stderr);
    assert_eq!(ran.stdout, "a1\n");
    assert!(ran.stderr.ends_with("': stop at a2\n"), "{}", ran.stderr);
    // `halt` ends it with success.
    let ran = run(world.cmd_at(&server.base_url()).args([
        "agent",
        "list",
        "-o",
        "ndjson",
        "-r",
        "--jq",
        ".uuid, halt",
    ]));
    assert_eq!(
        (ran.code, ran.stdout.as_str()),
        (0, "a1\n"),
        "{}",
        ran.stderr
    );
}
