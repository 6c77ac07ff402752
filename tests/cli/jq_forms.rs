//! `--jq` is jq to scripts (contract §4): each form scripts reach for, against the output jq 1.7
//! documents for it (its manual's examples and its own test suite). The jq installed on build
//! machines is not always 1.7, so the expected outputs are written here.

use crate::common::*;
use httpmock::prelude::*;

/// `agent show a1` answered with `{"uuid":"a1","doc":DOCUMENT}`: `--jq '.doc | FILTER'` runs
/// the filter on the document, as `jq FILTER` would on it.
fn jq_on(document: &str, filter: &str, extra: &[&str]) -> Ran {
    let server = MockServer::start();
    let body = format!(r#"{{"uuid":"a1","doc":{document}}}"#);
    let mock = server.mock(|when, then| {
        when.method(GET).path("/api/v1/agents/a1");
        then.status(200)
            .header("content-type", "application/json")
            .body(body);
    });
    let world = World::new();
    let ran = run(world
        .inproc_at(&server.base_url())
        .args(["agent", "show", "a1", "--jq", &format!(".doc | {filter}")])
        .args(extra));
    mock.assert_calls(1);
    ran
}

/// stdout when the filter succeeds.
fn outputs(document: &str, filter: &str, extra: &[&str]) -> String {
    let ran = jq_on(document, filter, extra);
    assert_eq!(ran.code, 0, "{filter}: {}", ran.stderr);
    assert_eq!(ran.stderr, "", "{filter}");
    ran.stdout
}

#[test]
fn at_tsv() {
    // jq's test suite: `[1,.]|@tsv` on "!()<>&'\"\t".
    assert_eq!(
        outputs(r#""!()<>&'\"\t""#, "[1,.] | @tsv", &[]),
        "\"1\\t!()<>&'\\\"\\\\t\"\n"
    );
    // Raw: null is an empty field; tab, newline, CR and backslash are escaped.
    assert_eq!(
        outputs(r#"["a b",1,2.5,true,null,"x\ty\\z\nw\r"]"#, "@tsv", &["-r"]),
        "a b\t1\t2.5\ttrue\t\tx\\ty\\\\z\\nw\\r\n"
    );
}

#[test]
fn at_csv() {
    // jq's test suite: `[1,.]|@csv` on "!()<>&'\"\t".
    assert_eq!(
        outputs(r#""!()<>&'\"\t""#, "[1,.] | @csv", &[]),
        "\"1,\\\"!()<>&'\\\"\\\"\\t\\\"\"\n"
    );
    assert_eq!(
        outputs(r#"[1,"one","two \"quoted\"",null,false]"#, "@csv", &["-r"]),
        "1,\"one\",\"two \"\"quoted\"\"\",,false\n"
    );
    // The string form applies the format to each interpolation.
    assert_eq!(
        outputs(r#"{"a":["x",1]}"#, r#"@csv "row: \(.a)""#, &["-r"]),
        "row: \"x\",1\n"
    );
}

#[test]
fn at_csv_and_at_tsv_refuse_what_jq_refuses() {
    let ran = jq_on(r#"{"a":1}"#, "@csv", &[]);
    assert_eq!(ran.code, 1, "{}", ran.stderr);
    assert!(
        ran.stderr
            .contains(r#"object ({"a":1}) cannot be csv-formatted, only an array can be"#),
        "{}",
        ran.stderr
    );
    let ran = jq_on("[[1]]", "@tsv", &[]);
    assert_eq!(ran.code, 1, "{}", ran.stderr);
    assert!(
        ran.stderr.contains("array ([1]) is not valid in a csv row"),
        "{}",
        ran.stderr
    );
    assert_eq!(ran.stdout, "");
}

#[test]
fn at_sh() {
    // jq's manual.
    assert_eq!(
        outputs(r#""O'Hara's Ale""#, r#"@sh "echo \(.)""#, &[]),
        "\"echo 'O'\\\\''Hara'\\\\''s Ale'\"\n"
    );
    assert_eq!(
        outputs(r#"["a b",1,null]"#, "@sh", &["-r"]),
        "'a b' 1 null\n"
    );
    let ran = jq_on(r#"["a",{"b":1}]"#, "@sh", &[]);
    assert_eq!(ran.code, 1, "{}", ran.stderr);
    assert!(
        ran.stderr
            .contains(r#"object ({"b":1}) can not be escaped for shell"#),
        "{}",
        ran.stderr
    );
}

#[test]
fn at_base64() {
    // jq's manual.
    assert_eq!(
        outputs(r#""This is a message""#, "@base64", &[]),
        "\"VGhpcyBpcyBhIG1lc3NhZ2U=\"\n"
    );
    assert_eq!(
        outputs(r#""VGhpcyBpcyBhIG1lc3NhZ2U=""#, "@base64d", &[]),
        "\"This is a message\"\n"
    );
}

#[test]
fn env_and_dollar_env() {
    // jq's manual: `$ENV.PAGER` and `env.PAGER` with PAGER=less. A process of its own: both
    // read the process environment.
    for filter in ["$ENV.PAGER", "env.PAGER"] {
        let server = MockServer::start();
        server.mock(|when, then| {
            when.method(GET).path("/api/v1/agents/a1");
            then.status(200)
                .json_body(serde_json::json!({"uuid": "a1"}));
        });
        let ran = run(World::new()
            .cmd_at(&server.base_url())
            .env("PAGER", "less")
            .args(["agent", "show", "a1", "--jq", filter]));
        assert_eq!(
            (ran.code, ran.stdout.as_str()),
            (0, "\"less\"\n"),
            "{filter}: {}",
            ran.stderr
        );
    }
}

fn four_agents() -> MockServer {
    let server = MockServer::start();
    server.mock(|when, then| {
        when.method(GET).path("/api/v1/agents");
        then.status(200).json_body(serde_json::json!([
            {"uuid": "a"}, {"uuid": "b"}, {"uuid": "c"}, {"uuid": "d"}
        ]));
    });
    server
}

#[test]
fn input_and_inputs_read_the_following_ndjson_records() {
    let server = four_agents();
    let world = World::new();
    // jq -c '[.uuid, input.uuid]' on four values: the first and second, the third and fourth.
    let ran = run(world.inproc_at(&server.base_url()).args([
        "agent",
        "list",
        "-o",
        "ndjson",
        "--jq",
        "[.uuid, input.uuid]",
    ]));
    assert_eq!(
        (ran.code, ran.stdout.as_str()),
        (0, "[\"a\",\"b\"]\n[\"c\",\"d\"]\n"),
        "{}",
        ran.stderr
    );
    let ran = run(world.inproc_at(&server.base_url()).args([
        "agent",
        "list",
        "-o",
        "ndjson",
        "--jq",
        "[.uuid, (inputs | .uuid)]",
    ]));
    assert_eq!(
        (ran.code, ran.stdout.as_str()),
        (0, "[\"a\",\"b\",\"c\",\"d\"]\n"),
        "{}",
        ran.stderr
    );
}

#[test]
fn one_json_document_has_no_further_input() {
    let server = four_agents();
    let world = World::new();
    // jq 1.7 with one input: `input` is the error "No more inputs", `[inputs]` is [].
    let ran = run(world
        .inproc_at(&server.base_url())
        .args(["agent", "list", "-o", "json", "--jq", "input"]));
    assert_eq!(ran.code, 1, "{}", ran.stderr);
    assert_eq!(ran.stdout, "");
    assert!(ran.stderr.contains("No more inputs"), "{}", ran.stderr);
    let ran = run(world.inproc_at(&server.base_url()).args([
        "agent",
        "list",
        "-o",
        "json",
        "--jq",
        "[inputs] | length",
    ]));
    assert_eq!(
        (ran.code, ran.stdout.as_str()),
        (0, "0\n"),
        "{}",
        ran.stderr
    );
}

#[test]
fn test_matches_regular_expressions() {
    // jq's manual.
    assert_eq!(outputs(r#""foo""#, r#"test("foo")"#, &[]), "true\n");
    assert_eq!(
        outputs(
            r#"["xabcd", "ABC"]"#,
            r#".[] | test("a b c # spaces are ignored"; "ix")"#,
            &[]
        ),
        "true\ntrue\n"
    );
}

#[test]
fn fromdateiso8601_gives_epoch_seconds() {
    // jq's manual (`fromdate` is `fromdateiso8601`).
    assert_eq!(
        outputs(r#""2015-03-05T23:51:47Z""#, "fromdateiso8601", &[]),
        "1425599507\n"
    );
}

#[test]
fn sort_by_one_and_two_keys() {
    // jq's manual.
    assert_eq!(
        outputs(
            r#"[{"foo":4, "bar":10}, {"foo":3, "bar":10}, {"foo":2, "bar":1}]"#,
            "sort_by(.foo)",
            &["-c"]
        ),
        "[{\"foo\":2,\"bar\":1},{\"foo\":3,\"bar\":10},{\"foo\":4,\"bar\":10}]\n"
    );
    assert_eq!(
        outputs(
            r#"[{"foo":4, "bar":10}, {"foo":3, "bar":20}, {"foo":2, "bar":1}, {"foo":3, "bar":10}]"#,
            "sort_by(.foo, .bar)",
            &["-c"]
        ),
        "[{\"foo\":2,\"bar\":1},{\"foo\":3,\"bar\":10},{\"foo\":3,\"bar\":20},{\"foo\":4,\"bar\":10}]\n"
    );
}

#[test]
fn group_by_a_key() {
    // jq's manual.
    assert_eq!(
        outputs(
            r#"[{"foo":1, "bar":10}, {"foo":3, "bar":100}, {"foo":1, "bar":1}]"#,
            "group_by(.foo)",
            &["-c"]
        ),
        "[[{\"foo\":1,\"bar\":10},{\"foo\":1,\"bar\":1}],[{\"foo\":3,\"bar\":100}]]\n"
    );
}

#[test]
fn a_runtime_error_is_exit_1_with_the_value_quoted_as_jq_quotes_it() {
    // jq 1.7.1 quotes 11 bytes of the value and "..." (its 15-byte buffer): far under the
    // contract's 200 characters.
    let long = "x".repeat(10_000);
    let ran = jq_on(&format!(r#""{long}""#), ".[]", &[]);
    assert_eq!(ran.code, 1, "{}", ran.stderr);
    assert_eq!(ran.stdout, "");
    let message = r#"--jq '.doc | .[]': Cannot iterate over string ("xxxxxxxxxx...)"#;
    assert!(ran.stderr.contains(message), "{}", ran.stderr);
    assert!(ran.stderr.len() < 200, "{}", ran.stderr);
    // jq 1.7.1's message for a missing key of a number.
    let ran = jq_on(r#"{"a":1}"#, ".a.b", &[]);
    assert_eq!(ran.code, 1, "{}", ran.stderr);
    assert!(
        ran.stderr
            .contains(r#"Cannot index number with string "b""#),
        "{}",
        ran.stderr
    );
}
