//! httpmock, the suite's one test server for ordinary request matching, and what the tests
//! ask of it again and again: the request every API call of agentctl sends (matched by the
//! mock, so a request that differs is not answered), answers in turn, the requests a route
//! answered with their times, and a guard that nothing else was asked.

use super::TOKEN;
pub use httpmock::prelude::*;
pub use httpmock::{HttpMockRequest, HttpMockResponse, Mock, When};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// The bearer header of the test token.
pub fn bearer() -> String {
    format!("Bearer {TOKEN}")
}

/// Matches the path of `target` and exactly its query string (`/p?a=1&b=2`; none without `?`).
pub fn target(when: When, target: &str) -> When {
    let (path, query) = match target.split_once('?') {
        Some((path, query)) => (path.to_owned(), Some(query.to_owned())),
        None => (target.to_owned(), None),
    };
    when.path(path)
        .is_true(move |req| req.uri().query().map(str::to_owned) == query)
}

/// A GET of the API as agentctl sends it: the test token, JSON accepted, agentctl's user
/// agent, no body.
pub fn api_get(when: When, request_target: &str) -> When {
    api_headers(target(when.method(GET), request_target)).is_true(|req| req.body_ref().is_empty())
}

/// A GET of the listing as agentctl sends it, whatever its query (the test checks the
/// targets it recorded).
pub fn api_list(when: When) -> When {
    api_headers(when.method(GET).path("/api/v1/agents")).is_true(|req| req.body_ref().is_empty())
}

/// A heartbeat PUT as agentctl sends it, its body exactly `body`.
pub fn api_put(when: When, path: &str, body: &str) -> When {
    api_headers(target(when.method(PUT), path))
        .header("content-type", "application/json")
        .body(body)
}

/// The headers of every authenticated API request.
pub fn api_headers(when: When) -> When {
    when.header("authorization", bearer())
        .header("accept", "application/json")
        .header_prefix("user-agent", "agentctl/")
}

/// Answers every request no other mock answered with a 599 and counts it; create it after
/// the mocks it guards (httpmock tries mocks in the order they were made) and end the test
/// with `.assert_calls(0)`. Without it an unmatched request gets httpmock's 404, which
/// agentctl may rightly read as "no such agent".
pub fn nothing_else(server: &MockServer) -> Mock<'_> {
    server.mock(|when, then| {
        when.any_request();
        then.status(599)
            .header("content-type", "application/json")
            .body(r#"{"message":"no mock matched this request"}"#);
    })
}

/// A JSON answer.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    pub body: String,
}

impl Answer {
    pub fn json(status: u16, body: impl Into<String>) -> Answer {
        Answer {
            status,
            body: body.into(),
        }
    }

    pub fn ok(body: impl Into<String>) -> Answer {
        Answer::json(200, body)
    }

    pub fn response(&self) -> HttpMockResponse {
        json_response(self.status, self.body.clone())
    }

    /// A responder for `then.respond_with`: this answer to every request.
    pub fn into_responder(self) -> impl Fn(&HttpMockRequest) -> HttpMockResponse + Send + Sync {
        move |_| self.response()
    }
}

/// A response with this status and a JSON body.
pub fn json_response(status: u16, body: impl Into<String>) -> HttpMockResponse {
    HttpMockResponse::builder()
        .status(status)
        .header("content-type", "application/json")
        .body(body.into())
        .build()
}

/// One request as a mock's responder saw it.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    /// The request target: path and query string.
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// When it was answered (after the mock's delay, if it has one).
    pub at: Instant,
}

impl Request {
    /// A header's value, by name in any case.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// The requests answered through [`Seen::answer`], in the order they were answered.
#[derive(Debug, Clone, Default)]
pub struct Seen(Arc<Mutex<Vec<Request>>>);

impl Seen {
    pub fn new() -> Seen {
        Seen::default()
    }

    /// Records `req` and answers it with `answer(n, req)`, `n` counting the requests this
    /// [`Seen`] answered before it.
    pub fn answer(
        &self,
        answer: impl Fn(usize, &HttpMockRequest) -> HttpMockResponse + Send + Sync + 'static,
    ) -> impl Fn(&HttpMockRequest) -> HttpMockResponse + Send + Sync + 'static {
        let seen = self.clone();
        move |req: &HttpMockRequest| {
            let n = {
                let mut requests = seen.0.lock().unwrap();
                requests.push(Request {
                    method: req.method_str().to_owned(),
                    target: req
                        .uri()
                        .path_and_query()
                        .map_or_else(|| "/".to_owned(), |target| target.as_str().to_owned()),
                    headers: req.headers_vec().clone(),
                    body: req.body_vec(),
                    at: Instant::now(),
                });
                requests.len() - 1
            };
            answer(n, req)
        }
    }

    /// Answers with `answers` in turn, the last one repeating.
    pub fn in_turn(
        &self,
        answers: Vec<Answer>,
    ) -> impl Fn(&HttpMockRequest) -> HttpMockResponse + Send + Sync + 'static {
        assert!(!answers.is_empty(), "a route needs at least one answer");
        self.answer(move |n, _| answers[n.min(answers.len() - 1)].response())
    }

    pub fn requests(&self) -> Vec<Request> {
        self.0.lock().unwrap().clone()
    }

    pub fn targets(&self) -> Vec<String> {
        self.requests().into_iter().map(|r| r.target).collect()
    }

    pub fn times(&self) -> Vec<Instant> {
        self.requests().into_iter().map(|r| r.at).collect()
    }

    pub fn len(&self) -> usize {
        self.0.lock().unwrap().len()
    }
}

/// A route of `server` matched by `when`, answering `answers` in turn (the last repeating),
/// with the requests it answered.
pub struct Route<'a> {
    pub mock: Mock<'a>,
    pub seen: Seen,
}

pub fn route<'a>(
    server: &'a MockServer,
    when: impl FnOnce(When) -> When,
    answers: Vec<Answer>,
) -> Route<'a> {
    let seen = Seen::new();
    let mock = server.mock(|w, then| {
        when(w);
        then.respond_with(seen.in_turn(answers));
    });
    Route { mock, seen }
}

/// A GET route of the API (see [`api_get`]).
pub fn get_route<'a>(
    server: &'a MockServer,
    request_target: &str,
    answers: Vec<Answer>,
) -> Route<'a> {
    route(server, |when| api_get(when, request_target), answers)
}

/// How many requests a server held at once: counted in by a mock's matcher when one arrives,
/// out by its responder when it is answered (after the mock's delay).
#[derive(Debug, Clone, Default)]
pub struct InFlight {
    now: Arc<AtomicUsize>,
    most: Arc<AtomicUsize>,
}

impl InFlight {
    /// A matcher that counts the request in (put it last: httpmock runs custom matchers
    /// after the others, so only requests that match otherwise are counted).
    pub fn arrive(&self) -> impl Fn(&HttpMockRequest) -> bool + Send + Sync + 'static {
        let gauge = self.clone();
        move |_| {
            let now = gauge.now.fetch_add(1, Ordering::SeqCst) + 1;
            gauge.most.fetch_max(now, Ordering::SeqCst);
            true
        }
    }

    /// Counts a request out; call it from the responder.
    pub fn leave(&self) {
        self.now.fetch_sub(1, Ordering::SeqCst);
    }

    /// The most requests held at once.
    pub fn most(&self) -> usize {
        self.most.load(Ordering::SeqCst)
    }
}
