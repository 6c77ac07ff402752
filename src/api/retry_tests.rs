use super::*;
use crate::api::request::ClientHeaders;
use crate::secret::Secret;
use reqwest::Method;
use reqwest::header::HeaderValue;
use std::collections::VecDeque;
use std::sync::Mutex;

const TOKEN: &str = "tok-5ecr3t";

/// A sender that answers from a script and counts the attempts.
struct Script {
    outcomes: Mutex<VecDeque<Result<Answer, NoAnswer>>>,
    attempts: Mutex<u32>,
}

impl Script {
    fn new(outcomes: Vec<Result<Answer, NoAnswer>>) -> Script {
        Script {
            outcomes: Mutex::new(outcomes.into()),
            attempts: Mutex::new(0),
        }
    }

    fn attempts(&self) -> u32 {
        *self.attempts.lock().unwrap()
    }
}

impl Sender for Script {
    async fn attempt(&self, _request: &Request<'_>, _what: &str) -> Result<Answer, NoAnswer> {
        *self.attempts.lock().unwrap() += 1;
        self.outcomes
            .lock()
            .unwrap()
            .pop_front()
            .expect("an attempt more than the script holds")
    }
}

fn answer(status: u16, headers: &[(&'static str, &str)], body: &str) -> Result<Answer, NoAnswer> {
    let mut map = HeaderMap::new();
    for (name, value) in headers {
        map.append(*name, HeaderValue::from_str(value).unwrap());
    }
    Ok(Answer {
        status: StatusCode::from_u16(status).unwrap(),
        headers: map,
        body: Ok(body.as_bytes().to_vec()),
    })
}

fn no_answer(nothing_sent: bool) -> Result<Answer, NoAnswer> {
    Err(NoAnswer {
        error: ApiError::new("agent a", Failure::Network, format!("refused, {TOKEN}")),
        nothing_sent,
    })
}

/// Sends `method` to a fixed URL through `script` with `retries`; the outcome, the attempts
/// made and what `-vv` logged.
async fn send(
    method: Method,
    retries: u32,
    script: Vec<Result<Answer, NoAnswer>>,
) -> (Result<Vec<u8>, ApiError>, u32, String) {
    let (mut ui, captured) = Ui::captured(false);
    ui.verbosity = 2;
    let url = Url::parse("http://127.0.0.1:9/api/v1/agents/a").unwrap();
    let headers = ClientHeaders::new(Some(&Secret::new(TOKEN))).unwrap();
    let mut request = Request::get(&url, &headers);
    request.method = method;
    let sender = Script::new(script);
    let policy = Retries {
        retries,
        ui: &ui,
        secret: Some(TOKEN),
        clock: &crate::clock::Clock::system(),
    };
    let outcome = policy.send(&sender, &request, "agent a").await;
    (outcome, sender.attempts(), captured.stderr())
}

#[tokio::test(start_paused = true)]
async fn a_busy_server_is_asked_again_up_to_the_retries() {
    let (outcome, attempts, log) = send(
        Method::GET,
        2,
        vec![
            answer(503, &[], ""),
            answer(429, &[], ""),
            answer(200, &[], "{}"),
        ],
    )
    .await;
    assert_eq!(outcome.unwrap(), b"{}");
    assert_eq!(attempts, 3);
    assert!(
        log.contains("retry 1 of 2") && log.contains("retry 2 of 2"),
        "{log}"
    );
    assert_eq!(
        log.matches("> GET http://127.0.0.1:9/api/v1/agents/a\n")
            .count(),
        3
    );

    let (outcome, attempts, _) = send(
        Method::PUT,
        1,
        vec![answer(502, &[], "down"), answer(504, &[], "still down")],
    )
    .await;
    let err = outcome.unwrap_err();
    assert_eq!(attempts, 2);
    assert_eq!(err.failure, Failure::Status(504));
    assert_eq!(err.detail, "HTTP 504 Gateway Timeout: still down");
}

#[tokio::test(start_paused = true)]
async fn only_statuses_that_mean_not_now_are_retried_and_only_for_a_repeatable_request() {
    for status in [400, 401, 404, 500, 501] {
        let (outcome, attempts, _) = send(Method::GET, 3, vec![answer(status, &[], "")]).await;
        assert_eq!(outcome.unwrap_err().failure, Failure::Status(status));
        assert_eq!(attempts, 1, "{status}");
    }
    let (outcome, attempts, _) = send(Method::POST, 3, vec![answer(503, &[], "")]).await;
    assert_eq!(outcome.unwrap_err().failure, Failure::Status(503));
    assert_eq!(attempts, 1, "a POST may have been acted on");
}

#[tokio::test(start_paused = true)]
async fn retry_after_is_honoured_up_to_a_minute() {
    let started = tokio::time::Instant::now();
    let (outcome, attempts, log) = send(
        Method::GET,
        1,
        vec![
            answer(503, &[("retry-after", "30")], ""),
            answer(200, &[], "{}"),
        ],
    )
    .await;
    assert!(outcome.is_ok());
    assert_eq!(attempts, 2);
    assert!(log.contains("retrying in 30.0s"), "{log}");
    assert_eq!(started.elapsed(), Duration::from_secs(30));

    let (outcome, attempts, _) = send(
        Method::GET,
        3,
        vec![answer(429, &[("retry-after", "3600")], "slow down")],
    )
    .await;
    assert_eq!(outcome.unwrap_err().failure, Failure::Status(429));
    assert_eq!(attempts, 1, "an hour is not waited for");
}

#[tokio::test(start_paused = true)]
async fn no_connection_is_retried_whatever_the_request_but_a_lost_answer_is_not() {
    let (outcome, attempts, log) = send(
        Method::POST,
        1,
        vec![no_answer(true), answer(200, &[], "{}")],
    )
    .await;
    assert!(outcome.is_ok());
    assert_eq!(attempts, 2);
    assert!(log.contains("< POST http://127.0.0.1:9/api/v1/agents/a failed after "));
    assert!(log.contains("refused, [REDACTED]"), "{log}");
    assert!(!log.contains(TOKEN), "{log}");

    let (outcome, attempts, _) = send(Method::GET, 3, vec![no_answer(false)]).await;
    assert_eq!(outcome.unwrap_err().failure, Failure::Network);
    assert_eq!(attempts, 1);

    let (outcome, attempts, _) =
        send(Method::GET, 2, (0..3).map(|_| no_answer(true)).collect()).await;
    assert_eq!(outcome.unwrap_err().failure, Failure::Network);
    assert_eq!(attempts, 3, "the retries run out");
}

#[tokio::test(start_paused = true)]
async fn a_redirect_that_was_not_followed_names_the_origin_the_token_stays_with() {
    let (outcome, _, _) = send(Method::GET, 0, vec![answer(307, &[], "")]).await;
    let err = outcome.unwrap_err();
    assert_eq!(err.failure, Failure::Redirect);
    assert_eq!(
        err.detail,
        "307 Temporary Redirect to another origin; not followed, so the token stays with \
         http://127.0.0.1:9"
    );
    assert!(err.hint.unwrap().contains("--host"));
}

#[tokio::test(start_paused = true)]
async fn an_answer_whose_body_was_not_read_is_the_bodys_error() {
    let url = Url::parse("http://127.0.0.1:9/big").unwrap();
    let too_big = Ok(Answer {
        status: StatusCode::OK,
        headers: HeaderMap::new(),
        body: Err(too_large(&url, "agent a")),
    });
    let (outcome, attempts, _) = send(Method::GET, 2, vec![too_big]).await;
    let err = outcome.unwrap_err();
    assert_eq!(attempts, 1);
    assert_eq!(err.failure, Failure::Malformed);
    assert_eq!(
        err.detail,
        "the response from http://127.0.0.1:9/big is larger than 16 MiB; stopped reading it"
    );
}

#[tokio::test(start_paused = true)]
async fn the_answer_is_logged_with_its_headers_and_the_token_redacted() {
    let (_, _, log) = send(
        Method::GET,
        0,
        vec![answer(
            200,
            &[("content-type", "application/json"), ("x-echo", TOKEN)],
            "{}",
        )],
    )
    .await;
    let lines: Vec<&str> = log.lines().collect();
    assert!(
        lines[4].starts_with("< GET http://127.0.0.1:9/api/v1/agents/a 200 OK ("),
        "{log}"
    );
    assert!(lines[4].ends_with(" ms)"), "{log}");
    assert_eq!(
        lines[5..],
        ["< content-type: application/json", "< x-echo: [REDACTED]"]
    );
    let (mut ui, captured) = Ui::captured(false);
    ui.verbosity = 1;
    let policy = Retries {
        retries: 0,
        ui: &ui,
        secret: None,
        clock: &crate::clock::Clock::system(),
    };
    let url = Url::parse("http://h/").unwrap();
    let headers = ClientHeaders::new(None).unwrap();
    let sender = Script::new(vec![answer(299, &[("x-a", "b")], "")]);
    policy
        .send(&sender, &Request::get(&url, &headers), "x")
        .await
        .unwrap();
    let log = captured.stderr();
    assert!(log.contains("< GET http://h/ 299 ("), "{log}");
    assert!(!log.contains("x-a"), "headers only with -vv: {log}");
}
