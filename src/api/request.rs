//! One request of the Agents API, described once: its method, URL, headers and body. Both
//! senders write it (reqwest for every call, the lean HTTP/1.1 connections of `simulate` for
//! heartbeats), `-v`/`-vv` logs it and `heartbeat send --dry-run` prints it, all from this
//! description: what is shown is what is sent, and every header name is written here alone.
//!
//! The headers of a request are its client's (user agent, `Accept`, the bearer token), then
//! `Content-Type` when it has a body. The senders add the framing (`Host`, `Content-Length`).

use super::urls;
use crate::error::{Error, Result};
use crate::secret::Secret;
use crate::ui::Ui;
use reqwest::Method;
use reqwest::header::{
    ACCEPT, AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE, HOST, HeaderName, HeaderValue,
};
use serde_json::{Map, Value};
use std::borrow::Cow;
use url::Url;

/// The `User-Agent` of every request.
pub const USER_AGENT: &str = concat!("agentctl/", env!("CARGO_PKG_VERSION"));

/// The type of every body sent, and the only one asked for.
const JSON: &str = "application/json";

/// How a credential is shown: never its value.
const REDACTED: &str = "[REDACTED]";

/// The headers every request of one client carries: who asks, what it accepts, and (with a
/// token) `Authorization: Bearer <token>`, marked sensitive so that no HTTP stack prints it.
#[derive(Debug, Clone)]
pub struct ClientHeaders {
    user_agent: (HeaderName, HeaderValue),
    /// `Accept`, then `Authorization` when there is a token.
    own: Vec<(HeaderName, HeaderValue)>,
    /// `Content-Type`, for a request with a body.
    content_type: (HeaderName, HeaderValue),
}

impl ClientHeaders {
    /// The headers of a client that sends `token`; a token that cannot go into a header is a
    /// usage error (never quoted: it is a secret even when it is malformed).
    pub fn new(token: Option<&Secret>) -> Result<ClientHeaders> {
        let authorization = match token {
            Some(token) => {
                let bad_token = |why: String| {
                    Error::usage(why)
                        .with_hint("check AGENTCTL_TOKEN, or run `agentctl auth login` again")
                };
                crate::secret::check_token(token.expose()).map_err(bad_token)?;
                let value =
                    HeaderValue::from_str(&format!("Bearer {}", token.expose())).map_err(|_| {
                        bad_token(
                            "the token holds a character that cannot go into an HTTP header \
                             (a control character or non-ASCII)"
                                .into(),
                        )
                    })?;
                Some(value)
            }
            None => None,
        };
        Ok(ClientHeaders::with_authorization(authorization))
    }

    /// The headers as they are shown without the token at hand (`heartbeat send --dry-run`
    /// prints a request it does not send): `Authorization` when there is a token, redacted.
    pub fn shown(has_token: bool) -> ClientHeaders {
        let placeholder = format!("Bearer {REDACTED}");
        ClientHeaders::with_authorization(
            has_token.then(|| HeaderValue::from_str(&placeholder).expect("plain ASCII")),
        )
    }

    fn with_authorization(authorization: Option<HeaderValue>) -> ClientHeaders {
        let mut own = vec![(ACCEPT, HeaderValue::from_static(JSON))];
        if let Some(mut value) = authorization {
            value.set_sensitive(true);
            own.push((AUTHORIZATION, value));
        }
        ClientHeaders {
            user_agent: (
                reqwest::header::USER_AGENT,
                HeaderValue::from_static(USER_AGENT),
            ),
            own,
            content_type: (CONTENT_TYPE, HeaderValue::from_static(JSON)),
        }
    }
}

/// One request: what it does, to what, with which headers and body.
#[derive(Debug, Clone)]
pub struct Request<'a> {
    pub method: Method,
    pub url: &'a Url,
    headers: &'a ClientHeaders,
    /// JSON, when the request has a body.
    pub body: Option<&'a [u8]>,
}

impl<'a> Request<'a> {
    pub fn get(url: &'a Url, headers: &'a ClientHeaders) -> Request<'a> {
        Request {
            method: Method::GET,
            url,
            headers,
            body: None,
        }
    }

    pub fn put(url: &'a Url, headers: &'a ClientHeaders, body: &'a [u8]) -> Request<'a> {
        Request {
            method: Method::PUT,
            url,
            headers,
            body: Some(body),
        }
    }

    /// Every header, in the order the log and the HTTP/1.1 connections write them: the user
    /// agent first, then [`own_headers`](Self::own_headers).
    pub fn headers(&self) -> impl Iterator<Item = &(HeaderName, HeaderValue)> {
        std::iter::once(&self.headers.user_agent).chain(self.own_headers())
    }

    /// All but the user agent, in order. reqwest takes the user agent from its client
    /// ([`USER_AGENT`]) and writes it after these, as it always has: the bytes of its requests
    /// stay what they were.
    pub fn own_headers(&self) -> impl Iterator<Item = &(HeaderName, HeaderValue)> {
        self.headers
            .own
            .iter()
            .chain(self.body.map(|_| &self.headers.content_type))
    }

    /// Whether sending the request twice does what sending it once does (RFC 9110 §9.2.2):
    /// only such a request is sent again once it may have reached the server.
    pub fn is_idempotent(&self) -> bool {
        matches!(
            self.method,
            Method::GET | Method::HEAD | Method::PUT | Method::DELETE | Method::OPTIONS
        )
    }

    /// The request target in origin form: the URL's path and query.
    pub fn target(&self) -> &'a str {
        &self.url[url::Position::BeforePath..url::Position::AfterQuery]
    }

    /// `content-length` and its value, for a request with a body: framing the senders write
    /// (reqwest on its own), and the log shows.
    fn length_header(&self) -> Option<(HeaderName, usize)> {
        self.body.map(|body| (CONTENT_LENGTH, body.len()))
    }

    /// The whole request as HTTP/1.1 puts it on the wire, into `out` (cleared first): the
    /// request line, `host` (`authority`), the headers, and with a body its length and itself.
    pub fn write_http1(&self, authority: &HeaderValue, out: &mut Vec<u8>) {
        out.clear();
        out.extend_from_slice(self.method.as_str().as_bytes());
        out.push(b' ');
        out.extend_from_slice(self.target().as_bytes());
        out.extend_from_slice(b" HTTP/1.1\r\n");
        let mut line = |name: &HeaderName, value: &[u8]| {
            out.extend_from_slice(name.as_str().as_bytes());
            out.extend_from_slice(b": ");
            out.extend_from_slice(value);
            out.extend_from_slice(b"\r\n");
        };
        line(&HOST, authority.as_bytes());
        for (name, value) in self.headers() {
            line(name, value.as_bytes());
        }
        if let Some((name, length)) = self.length_header() {
            line(&name, itoa::Buffer::new().format(length).as_bytes());
        }
        out.extend_from_slice(b"\r\n");
        if let Some(body) = self.body {
            out.extend_from_slice(body);
        }
    }

    /// `-v`: `> METHOD URL`; `-vv`: the headers too, credentials redacted, and the length of
    /// the body. Written before each attempt, whichever sender makes it.
    pub fn log(&self, ui: &Ui) {
        // Guarded: the lines are built on every attempt, and simulate makes many.
        if ui.verbosity >= 1 {
            ui.verbose(1, &format!("> {} {}", self.method, urls::shown(self.url)));
        }
        if ui.verbosity >= 2 {
            for (name, value) in self.headers() {
                ui.verbose(2, &format!("> {name}: {}", shown_value(value)));
            }
            if let Some((name, length)) = self.length_header() {
                ui.verbose(2, &format!("> {name}: {length}"));
            }
        }
    }

    /// The headers as `--dry-run` prints them: by name, in `Title-Case`, credentials redacted.
    fn shown_headers(&self) -> Vec<(String, Cow<'_, str>)> {
        let mut shown: Vec<(String, Cow<'_, str>)> = self
            .headers()
            .map(|(name, value)| (title_case(name), shown_value(value)))
            .collect();
        shown.sort_by(|a, b| a.0.cmp(&b.0));
        shown
    }

    /// The request as `--dry-run` prints it: `METHOD URL`, a header per line, a blank line and
    /// the body.
    pub fn dry_run_text(&self) -> String {
        let mut text = format!("{} {}\n", self.method, urls::shown(self.url));
        for (name, value) in self.shown_headers() {
            text.push_str(&format!("{name}: {value}\n"));
        }
        text.push('\n');
        if let Some(body) = self.body {
            text.push_str(&String::from_utf8_lossy(body));
            text.push('\n');
        }
        text
    }

    /// The request as `--dry-run -o json` prints it: `{"method","url","headers","body"}`,
    /// the body as the JSON it is.
    pub fn dry_run_json(&self) -> Value {
        let headers: Map<String, Value> = self
            .shown_headers()
            .into_iter()
            .map(|(name, value)| (name, Value::from(value.into_owned())))
            .collect();
        let body = match self.body {
            Some(body) => serde_json::from_slice(body)
                .unwrap_or_else(|_| Value::from(String::from_utf8_lossy(body).into_owned())),
            None => Value::Null,
        };
        serde_json::json!({
            "method": self.method.as_str(),
            "url": urls::shown(self.url),
            "headers": headers,
            "body": body,
        })
    }
}

/// A header's value for a log or a dry run: a sensitive one as its scheme and `[REDACTED]`.
fn shown_value(value: &HeaderValue) -> Cow<'_, str> {
    let text = String::from_utf8_lossy(value.as_bytes());
    if !value.is_sensitive() {
        return text;
    }
    match text.split_once(' ') {
        Some((scheme, _)) => Cow::Owned(format!("{scheme} {REDACTED}")),
        None => Cow::Borrowed(REDACTED),
    }
}

/// `content-type` → `Content-Type`.
fn title_case(name: &HeaderName) -> String {
    name.as_str()
        .split('-')
        .map(|word| {
            let mut chars = word.chars();
            match chars.next() {
                Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join("-")
}

#[cfg(test)]
#[path = "request_tests.rs"]
mod tests;
