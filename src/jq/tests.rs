use super::*;
use serde_json::json;

fn outputs(expression: &str, input: serde_json::Value) -> Vec<String> {
    JqFilter::compile(expression)
        .unwrap()
        .apply(&input, false)
        .unwrap()
}

fn fails(expression: &str, input: serde_json::Value) -> String {
    let err = JqFilter::compile(expression)
        .unwrap()
        .apply(&input, false)
        .unwrap_err();
    assert_eq!(err.exit_code(), 1, "{}", err.message);
    err.message
}

#[test]
fn filters_records() {
    let agent = json!({"uuid": "a1", "status": "online", "labels": {"env": "prod"}});
    assert_eq!(outputs(".status", agent.clone()), ["\"online\""]);
    assert_eq!(
        JqFilter::compile(".status")
            .unwrap()
            .apply(&agent, true)
            .unwrap(),
        ["online"]
    );
    let list = json!([{"uuid": "a", "status": "offline"}, {"uuid": "b", "status": "online"}]);
    let offline = JqFilter::compile(r#".[] | select(.status == "offline") | .uuid"#).unwrap();
    assert_eq!(offline.apply(&list, true).unwrap(), ["a"]);
    assert_eq!(outputs("length", list.clone()), ["2"]);
    assert_eq!(outputs("map(.uuid)", list), [r#"["a","b"]"#]);
}

#[test]
fn syntax_errors_are_usage_errors_with_a_position() {
    let err = JqFilter::compile(".status |").unwrap_err();
    assert_eq!(err.exit_code(), 2);
    assert!(err.message.contains("column"), "{}", err.message);
    let err = JqFilter::compile(".[").unwrap_err();
    assert!(err.message.contains("column"), "{}", err.message);
    let err = JqFilter::compile("nosuchfunction").unwrap_err();
    assert!(
        err.message.contains("column 1") && err.message.contains("unknown"),
        "{}",
        err.message
    );
}

#[test]
fn runtime_errors_are_exit_1_in_jq_words() {
    let cases = [
        (
            ".a.b",
            json!({"a": 1}),
            r#"Cannot index number with string "b""#,
        ),
        (".[0]", json!("s"), "Cannot index string with number"),
        (".[0]", json!({}), "Cannot index object with number"),
        (".[]", json!(1), "Cannot iterate over number (1)"),
        (
            ". + 1",
            json!({"a": "x"}),
            r#"object ({"a":"x"}) and number (1) cannot be added"#,
        ),
        (
            ". % 0",
            json!(1),
            "number (1) and number (0) cannot be divided because the divisor is zero",
        ),
        (r#"error("boom")"#, json!(1), "boom"),
        ("error({a: 1})", json!(1), r#"(not a string): {"a":1}"#),
        (
            "@csv",
            json!({"a": 1}),
            r#"object ({"a":1}) cannot be csv-formatted, only an array can be"#,
        ),
        (
            "@tsv",
            json!([[1]]),
            "array ([1]) is not valid in a csv row",
        ),
        ("input", json!(1), "No more inputs"),
        (
            "@sh",
            json!([1, [2]]),
            "array ([2]) can not be escaped for shell",
        ),
        ("-.", json!("x"), r#"string ("x") cannot be negated"#),
        ("keys", json!(null), "null (null) has no keys"),
        (
            "has(0)",
            json!({}),
            "Cannot check whether object has a number key",
        ),
        (
            "sort",
            json!(1),
            "number (1) cannot be sorted, as it is not an array",
        ),
        (
            "tonumber",
            json!([]),
            "array ([]) cannot be parsed as a number",
        ),
        ("test(1)", json!("a"), "number not a string or array"),
        (
            "startswith(1)",
            json!("a"),
            "startswith() requires string inputs",
        ),
        ("ascii_downcase", json!(1), "explode input must be a string"),
    ];
    for (expression, input, message) in cases {
        assert_eq!(
            fails(expression, input),
            format!("--jq '{expression}': {message}")
        );
    }
}

#[test]
fn a_quoted_value_is_cut_as_jq_cuts_it() {
    let long = "x".repeat(5000);
    assert_eq!(
        fails(".[]", json!(long)),
        r#"--jq '.[]': Cannot iterate over string ("xxxxxxxxxx...)"#
    );
    let message = fails(". - 1", json!({"a": [long.clone(), long]}));
    assert_eq!(
        message,
        r#"--jq '. - 1': object ({"a":["xxxx...) and number (1) cannot be subtracted"#
    );
    // A message of the filter's own is kept whole.
    let own = format!(r#"error("{}")"#, "y".repeat(300));
    assert_eq!(fails(&own, json!(1)).len(), own.len() + 9 + 300);
    // At a character boundary.
    assert_eq!(value::truncated("ééééééééé", 15), "ééééé...");
}

fn run_all(expression: &str, documents: &[serde_json::Value]) -> Run {
    let documents: Vec<(serde_json::Value, usize)> =
        documents.iter().map(|d| (d.clone(), 1)).collect();
    JqFilter::compile(expression)
        .unwrap()
        .run(&documents, false, true)
}

fn shown(run: &Run) -> Vec<String> {
    run.events
        .iter()
        .map(|event| match event {
            Event::Output(text) => text.clone(),
            Event::Said(text) => format!("said {text}"),
            Event::Failed(err) => format!("failed {}", err.message),
        })
        .collect()
}

#[test]
fn input_reads_the_following_documents_of_the_stream() {
    let documents: Vec<serde_json::Value> = (1..=4).map(|i| json!(i)).collect();
    assert_eq!(
        shown(&run_all("[., input]", &documents)),
        ["[1,2]", "[3,4]"]
    );
    assert_eq!(shown(&run_all("[., inputs]", &documents)), ["[1,2,3,4]"]);
    assert_eq!(shown(&run_all("[., inputs]", &documents[..1])), ["[1]"]);
    assert_eq!(
        shown(&run_all("[., input]", &documents[..3])),
        ["[1,2]", "failed --jq '[., input]': No more inputs"]
    );
    assert_eq!(
        shown(&run_all("input_line_number", &documents[..2])),
        ["1", "2"]
    );
}

#[test]
fn an_error_ends_the_filter_on_its_document_only() {
    let documents = [json!({"a": 1}), json!("x"), json!({"a": 3})];
    let run = run_all(".a, .a", &documents);
    assert_eq!(
        shown(&run),
        [
            "1",
            "1",
            r#"failed --jq '.a, .a': Cannot index string with string "a""#,
            "3",
            "3"
        ]
    );
    assert!(run.halted.is_none());
}

#[test]
fn halt_and_halt_error_stop_the_run_with_their_status() {
    let documents = [json!(1), json!(2), json!(3)];
    let run = run_all(
        r#"if . == 2 then "stop\n" | halt_error(3) else . end"#,
        &documents,
    );
    assert_eq!(shown(&run), ["1"]);
    assert_eq!(run.halted, Some((3, Some("stop\n".to_owned()))));
    let run = run_all("{a: .} | halt_error", &documents);
    assert_eq!(run.halted, Some((5, Some("{\"a\":1}\n".to_owned()))));
    let run = run_all("., halt", &documents);
    assert_eq!(shown(&run), ["1"]);
    assert_eq!(run.halted, Some((0, None)));
    let run = run_all("debug | . * 10", &documents[..1]);
    assert_eq!(shown(&run), ["said [\"DEBUG:\",1]\n", "10"]);
}

#[test]
fn numbers_print_as_jq_prints_them() {
    let cases = [
        ("10 / 2", "5"),
        ("infinite", "1.7976931348623157e+308"),
        ("-infinite", "-1.7976931348623157e+308"),
        ("nan", "null"),
        ("[nan]", "[null]"),
        ("-0", "-0"),
        ("1.0", "1.0"),
        ("1.0 + 0", "1"),
        ("1e1000", "1E+1000"),
        ("100000000000000000001", "100000000000000000001"),
        ("100000000000000000001 + 0", "1e+20"),
        ("1 / 3 | tostring", "\"0.3333333333333333\""),
        ("\"\\(10 / 2)\"", "\"5\""),
        ("[10 / 4, 3] | @csv", "\"2.5,3\""),
    ];
    for (expression, text) in cases {
        assert_eq!(outputs(expression, json!(null)), [text], "{expression}");
    }
    let literal: serde_json::Value = serde_json::from_str(r#"{"x":1.50}"#).unwrap();
    assert_eq!(outputs(".", literal), [r#"{"x":1.50}"#]);
}

#[test]
fn tonumber_and_fromjson_read_exactly_one_value() {
    assert_eq!(outputs(r#""1.4.2" | [tonumber?]"#, json!(null)), ["[]"]);
    assert_eq!(
        outputs(r#""2026-01-15" | [tonumber?]"#, json!(null)),
        ["[]"]
    );
    assert_eq!(
        outputs(r#"try ("x" | tonumber) catch "bad""#, json!(null)),
        ["\"bad\""]
    );
    assert_eq!(outputs(r#"" 12 " | tonumber"#, json!(null)), ["12"]);
    assert_eq!(outputs(r#""{} []" | [fromjson?]"#, json!(null)), ["[]"]);
    assert_eq!(outputs(r#""[1, 2]" | fromjson"#, json!(null)), ["[1,2]"]);
}

#[test]
fn the_builtins_scripts_reach_for() {
    let cases = [
        (r#"[[1,2] | tostream]"#, "[[[0],1],[[1],2],[[1]]]"),
        (r#"fromstream([1,2] | tostream)"#, "[1,2]"),
        (r#"[.[].id | select(IN(2, 3))]"#, "[2,3]"),
        (r#"INDEX(.id) | keys"#, "[\"1\",\"2\",\"3\"]"),
        ("$__loc__", r#"{"file":"<top-level>","line":1}"#),
        (r#"1 | ltrimstr("x")"#, "1"),
        (
            r#"try getpath(["a", 0]) catch ."#,
            r#""Cannot index number with number""#,
        ),
        (r#""é" | test("É"; "i")"#, "true"),
        (r#""Édge" | test("\\p{Lu}")"#, "true"),
        (r#""AGENT" | test(["ag", "i"])"#, "true"),
        (r#""a-b" | [splits("-")]"#, r#"["a","b"]"#),
        (r#""a1b2" | gsub("[0-9]"; "_")"#, r#""a_b_""#),
        (
            r#"try ("2026-01-01T00:00:00.5Z" | fromdateiso8601) catch "no""#,
            "\"no\"",
        ),
        (r#""2026-01-15T10:00:00Z" | fromdateiso8601"#, "1768471200"),
        (r#"[1, null, "a"] | join("-")"#, "\"1--a\""),
        ("del(.[0, 1]) | length", "1"),
        (r#"{"b": 1, "a": 2} | del(.b) | keys_unsorted"#, "[\"a\"]"),
        ("env | type", "\"object\""),
    ];
    let input = json!([{"id": 1}, {"id": 2}, {"id": 3}]);
    for (expression, text) in cases {
        let input = if expression.starts_with("try getpath") {
            json!({"a": 1})
        } else {
            input.clone()
        };
        assert_eq!(outputs(expression, input), [text], "{expression}");
    }
}

#[test]
fn pretty_output_is_jqs_and_raw_strings_are_bare() {
    let filter = JqFilter::compile(r#"{a: [1, {}], b: "x"}, "y""#).unwrap();
    let run = filter.run(&[(json!(null), 1)], true, false);
    assert_eq!(
        shown(&run),
        [
            "{\n  \"a\": [\n    1,\n    {}\n  ],\n  \"b\": \"x\"\n}",
            "y"
        ]
    );
    assert!(!filter.is_compact());
    assert!(filter.with_compact(true).is_compact());
}
