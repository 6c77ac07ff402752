use super::*;
use crate::error::ErrorKind;

const TOKEN: &str = "tok-5ecr3t";

fn url(text: &str) -> Url {
    Url::parse(text).unwrap()
}

fn with_token() -> ClientHeaders {
    ClientHeaders::new(Some(&Secret::new(TOKEN))).unwrap()
}

fn without_token() -> ClientHeaders {
    ClientHeaders::new(None).unwrap()
}

fn names<'a>(headers: impl Iterator<Item = &'a (HeaderName, HeaderValue)>) -> Vec<&'a str> {
    headers.map(|(name, _)| name.as_str()).collect()
}

/// What `log` writes at `verbosity`.
fn logged(request: &Request<'_>, verbosity: u8) -> String {
    let (mut ui, captured) = Ui::captured(false);
    ui.verbosity = verbosity;
    request.log(&ui);
    captured.stderr()
}

#[test]
fn a_request_carries_its_clients_headers_then_its_bodys_type() {
    let target = url("https://h/api/v1/agents/a/heartbeat");
    let headers = with_token();
    let put = Request::put(&target, &headers, b"{}");
    assert_eq!(
        names(put.headers()),
        ["user-agent", "accept", "authorization", "content-type"]
    );
    assert_eq!(
        names(put.own_headers()),
        ["accept", "authorization", "content-type"]
    );
    let values: Vec<&[u8]> = put.headers().map(|(_, value)| value.as_bytes()).collect();
    assert_eq!(
        values,
        [
            USER_AGENT.as_bytes(),
            b"application/json",
            format!("Bearer {TOKEN}").as_bytes(),
            b"application/json",
        ]
    );
    let none = without_token();
    let get = Request::get(&target, &none);
    assert_eq!(names(get.headers()), ["user-agent", "accept"]);
    assert_eq!(names(get.own_headers()), ["accept"]);
    assert_eq!(get.body, None);
}

#[test]
fn the_token_is_marked_sensitive_and_only_the_token() {
    let target = url("https://h/");
    let headers = with_token();
    let put = Request::put(&target, &headers, b"{}");
    let sensitive: Vec<&str> = put
        .headers()
        .filter(|(_, value)| value.is_sensitive())
        .map(|(name, _)| name.as_str())
        .collect();
    assert_eq!(sensitive, ["authorization"]);
}

#[test]
fn a_token_that_cannot_be_sent_is_a_usage_error_that_never_quotes_it() {
    for bad in ["", "tok en", "tok\nen", "tok\u{7f}en", "tøken"] {
        let err = ClientHeaders::new(Some(&Secret::new(bad))).unwrap_err();
        assert_eq!(err.kind, ErrorKind::Usage, "{bad:?}");
        assert!(
            err.hint.as_deref().unwrap().contains("AGENTCTL_TOKEN"),
            "{bad:?}"
        );
        if !bad.is_empty() {
            assert!(!err.message.contains(bad), "{bad:?}: {}", err.message);
        }
    }
}

#[test]
fn only_methods_that_may_be_repeated_are_idempotent() {
    let target = url("https://h/");
    let headers = without_token();
    let mut request = Request::get(&target, &headers);
    for (method, idempotent) in [
        (Method::GET, true),
        (Method::HEAD, true),
        (Method::PUT, true),
        (Method::DELETE, true),
        (Method::OPTIONS, true),
        (Method::POST, false),
        (Method::PATCH, false),
    ] {
        request.method = method.clone();
        assert_eq!(request.is_idempotent(), idempotent, "{method}");
    }
}

#[test]
fn the_http1_request_is_the_line_the_host_the_headers_the_length_then_the_body() {
    let target = url("http://127.0.0.1:8080/gw/api/v1/agents/a%20b/heartbeat?x=1");
    let headers = with_token();
    let put = Request::put(&target, &headers, b"{\"x\":1}");
    let mut out = b"left over".to_vec();
    put.write_http1(&HeaderValue::from_static("127.0.0.1:8080"), &mut out);
    assert_eq!(
        String::from_utf8(out).unwrap(),
        format!(
            "PUT /gw/api/v1/agents/a%20b/heartbeat?x=1 HTTP/1.1\r\n\
             host: 127.0.0.1:8080\r\n\
             user-agent: {USER_AGENT}\r\n\
             accept: application/json\r\n\
             authorization: Bearer {TOKEN}\r\n\
             content-type: application/json\r\n\
             content-length: 7\r\n\r\n{{\"x\":1}}"
        )
    );
    let none = without_token();
    let root = url("http://h");
    let get = Request::get(&root, &none);
    let mut out = Vec::new();
    get.write_http1(&HeaderValue::from_static("h"), &mut out);
    assert_eq!(
        String::from_utf8(out).unwrap(),
        format!(
            "GET / HTTP/1.1\r\nhost: h\r\nuser-agent: {USER_AGENT}\r\naccept: application/json\r\n\r\n"
        )
    );
}

#[test]
fn the_log_shows_the_request_line_then_the_headers_with_the_token_redacted() {
    let target = url("http://127.0.0.1:9/api/v1/agents/a/heartbeat");
    let headers = with_token();
    let put = Request::put(&target, &headers, b"{\"x\":1}");
    assert_eq!(logged(&put, 0), "");
    assert_eq!(
        logged(&put, 1),
        "> PUT http://127.0.0.1:9/api/v1/agents/a/heartbeat\n"
    );
    assert_eq!(
        logged(&put, 2),
        format!(
            "> PUT http://127.0.0.1:9/api/v1/agents/a/heartbeat\n\
             > user-agent: {USER_AGENT}\n\
             > accept: application/json\n\
             > authorization: Bearer [REDACTED]\n\
             > content-type: application/json\n\
             > content-length: 7\n"
        )
    );
    let none = without_token();
    let get = Request::get(&target, &none);
    assert_eq!(
        logged(&get, 2),
        format!(
            "> GET http://127.0.0.1:9/api/v1/agents/a/heartbeat\n\
             > user-agent: {USER_AGENT}\n\
             > accept: application/json\n"
        )
    );
}

#[test]
fn the_dry_run_prints_the_headers_by_name_and_the_body_as_sent() {
    let target = url("https://agents.example.com/api/v1/agents/web-01/heartbeat");
    let body = br#"{"version":"1.2.3","uptime":90,"cpuUsage":3.5,"memUsage":41}"#;
    for headers in [with_token(), ClientHeaders::shown(true)] {
        let put = Request::put(&target, &headers, body);
        assert_eq!(
            put.dry_run_text(),
            format!(
                "PUT https://agents.example.com/api/v1/agents/web-01/heartbeat\n\
                 Accept: application/json\n\
                 Authorization: Bearer [REDACTED]\n\
                 Content-Type: application/json\n\
                 User-Agent: {USER_AGENT}\n\
                 \n\
                 {}\n",
                std::str::from_utf8(body).unwrap()
            )
        );
        assert_eq!(
            put.dry_run_json().to_string(),
            format!(
                "{{\"method\":\"PUT\",\
                 \"url\":\"https://agents.example.com/api/v1/agents/web-01/heartbeat\",\
                 \"headers\":{{\"Accept\":\"application/json\",\
                 \"Authorization\":\"Bearer [REDACTED]\",\
                 \"Content-Type\":\"application/json\",\
                 \"User-Agent\":\"{USER_AGENT}\"}},\
                 \"body\":{}}}",
                std::str::from_utf8(body).unwrap()
            )
        );
        assert!(!put.dry_run_text().contains(TOKEN));
    }
    let shown = ClientHeaders::shown(false);
    let put = Request::put(&target, &shown, b"not json");
    assert!(!put.dry_run_text().contains("Authorization"));
    assert_eq!(put.dry_run_json()["body"], "not json");
    let get = Request::get(&target, &shown);
    assert_eq!(
        get.dry_run_text(),
        format!(
            "GET https://agents.example.com/api/v1/agents/web-01/heartbeat\n\
             Accept: application/json\nUser-Agent: {USER_AGENT}\n\n"
        )
    );
    assert_eq!(get.dry_run_json()["body"], Value::Null);
}

#[test]
fn a_sensitive_value_shows_its_scheme_only() {
    let mut value = HeaderValue::from_static("Basic dXNlcjpwdw==");
    assert_eq!(shown_value(&value), "Basic dXNlcjpwdw==");
    value.set_sensitive(true);
    assert_eq!(shown_value(&value), "Basic [REDACTED]");
    let mut bare = HeaderValue::from_static("s3cret");
    bare.set_sensitive(true);
    assert_eq!(shown_value(&bare), "[REDACTED]");
}

#[test]
fn header_names_in_title_case() {
    for (name, shown) in [
        (CONTENT_TYPE, "Content-Type"),
        (ACCEPT, "Accept"),
        (reqwest::header::WWW_AUTHENTICATE, "Www-Authenticate"),
    ] {
        assert_eq!(title_case(&name), shown);
    }
    assert_eq!(
        title_case(&HeaderName::from_static("x--y")),
        "X--Y",
        "an empty word stays empty"
    );
}
