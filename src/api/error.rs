//! The client-side API error: what was called, what failed (a status, the network, a body
//! that is not what was expected), what the server said, and what to do next. It converts into
//! the user-facing [`crate::error::Error`] with the exit code of contract §6.

use super::tls::TlsFailure;
use crate::error::{Error, ErrorKind};
use crate::sanitize::sanitize;
use reqwest::StatusCode;
use serde_json::Value;
use std::fmt;

/// How much of a body an error quotes.
const QUOTE_CHARS: usize = 200;

/// What failed, as a class a caller can count or branch on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// A non-2xx answer.
    Status(u16),
    /// No complete answer within `--request-timeout`.
    Timeout,
    /// Connect, DNS, a connection cut mid-body.
    Network,
    /// The TLS handshake failed.
    Tls,
    /// A 2xx whose body is not what was expected, or larger than the cap.
    Malformed,
    /// A redirect to another origin, not followed.
    Redirect,
}

/// One failed API call.
#[derive(Debug)]
pub struct ApiError {
    /// What was called, for messages: `agent web-01`, `heartbeat for web-01`, `agent list`.
    pub call: String,
    pub failure: Failure,
    /// What went wrong, without the call: `HTTP 503 Service Unavailable: down for maintenance`.
    /// Sanitized; the token scrubbed.
    pub detail: String,
    pub hint: Option<String>,
    /// The transport error behind it, for `-v`.
    pub cause: Option<anyhow::Error>,
}

impl ApiError {
    pub fn new(call: impl Into<String>, failure: Failure, detail: impl Into<String>) -> Self {
        ApiError {
            call: call.into(),
            failure,
            detail: detail.into(),
            hint: None,
            cause: None,
        }
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// The exit-code kind of contract §6.
    pub fn kind(&self) -> ErrorKind {
        match self.failure {
            Failure::Status(401 | 403) => ErrorKind::Auth,
            Failure::Status(404) => ErrorKind::NotFound,
            Failure::Status(_) | Failure::Malformed | Failure::Redirect => ErrorKind::Api,
            Failure::Timeout | Failure::Network | Failure::Tls => ErrorKind::Network,
        }
    }

    /// The HTTP status, when the server answered.
    pub fn status(&self) -> Option<u16> {
        match self.failure {
            Failure::Status(code) => Some(code),
            _ => None,
        }
    }

    /// A short, stable label for counting failures: the HTTP status (`"503"`), `"timeout"`,
    /// `"network"`, `"tls"`, `"malformed"` or `"redirect"`.
    pub fn class(&self) -> String {
        match self.failure {
            Failure::Status(code) => code.to_string(),
            Failure::Timeout => "timeout".into(),
            Failure::Network => "network".into(),
            Failure::Tls => "tls".into(),
            Failure::Malformed => "malformed".into(),
            Failure::Redirect => "redirect".into(),
        }
    }

    /// Replaces every occurrence of `secret` in the texts built from a response (a server
    /// may echo the token back).
    pub fn scrubbed(mut self, secret: &str) -> Self {
        if !secret.is_empty() {
            self.detail = crate::secret::redact(&self.detail, secret);
            self.call = crate::secret::redact(&self.call, secret);
        }
        self
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.call, self.detail)
    }
}

impl From<ApiError> for Error {
    fn from(err: ApiError) -> Error {
        let mut error = Error::new(err.kind(), err.to_string());
        error.hint = err.hint;
        error.cause = err.cause;
        error
    }
}

/// The error for a non-2xx response, quoting what the server said.
/// `secret` (the token) is redacted from the quote before it is cut.
pub fn status_error(status: StatusCode, body: &[u8], what: &str, secret: Option<&str>) -> ApiError {
    let status_text = match status.canonical_reason() {
        Some(reason) => format!("HTTP {} {reason}", status.as_u16()),
        None => format!("HTTP {}", status.as_u16()),
    };
    let mut detail = status_text;
    if let Some(said) = server_message(body, secret) {
        detail.push_str(": ");
        detail.push_str(&said);
    }
    let error = ApiError::new(what, Failure::Status(status.as_u16()), detail);
    match status.as_u16() {
        401 => error.with_hint(
            "check the token: run `agentctl auth login`, or set AGENTCTL_TOKEN",
        ),
        403 => error.with_hint(
            "the token is valid but not allowed to do this; run `agentctl auth login` with another token",
        ),
        _ => error,
    }
}

/// What the server said in an error body: the `message`, `error`, `msg` or `detail` of a JSON
/// object, or the start of a text body. `secret` redacted, then cut to 200 characters, then
/// sanitized.
pub fn server_message(body: &[u8], secret: Option<&str>) -> Option<String> {
    if let Ok(Value::Object(object)) = serde_json::from_slice::<Value>(body) {
        for key in ["message", "error", "msg", "detail"] {
            match object.get(key) {
                Some(Value::String(text)) if !text.trim().is_empty() => {
                    return Some(quote(text, secret));
                }
                Some(Value::Object(inner)) => {
                    if let Some(Value::String(text)) = inner.get("message") {
                        return Some(quote(text, secret));
                    }
                    return Some(quote(&Value::Object(inner.clone()).to_string(), secret));
                }
                Some(value @ Value::Array(_)) => return Some(quote(&value.to_string(), secret)),
                _ => {}
            }
        }
    }
    let text = String::from_utf8_lossy(body);
    let text = text.trim();
    (!text.is_empty()).then(|| quote(text, secret))
}

/// The error for a 2xx response whose body is not what was expected (`secret` redacted from
/// the quote before it is cut).
pub fn malformed(what: &str, problem: &str, body: &[u8], secret: Option<&str>) -> ApiError {
    let text = String::from_utf8_lossy(body);
    let snippet = quote(text.trim(), secret);
    let mut detail = format!("the server's response is not valid: {problem}");
    if snippet.is_empty() {
        detail.push_str(" (empty body)");
    } else {
        detail.push_str(&format!("; it began: {snippet}"));
    }
    ApiError::new(what, Failure::Malformed, detail)
}

/// A transport failure: connect, DNS, TLS, timeout, a connection cut mid-body.
pub fn network_error(err: reqwest::Error, what: &str, timeout: std::time::Duration) -> ApiError {
    if err.is_redirect() {
        // The server answered (with a loop of redirects): an API error, not the network.
        let mut error = ApiError::new(what, Failure::Redirect, error_chain(&err))
            .with_hint("the server redirects in a loop; check --host");
        error.cause = Some(err.into());
        return error;
    }
    let facts = TransportFailure {
        timed_out: err.is_timeout(),
        connect: err.is_connect(),
        host: err.url().and_then(|u| u.host_str()).map(str::to_owned),
        port: err.url().and_then(|u| u.port_or_known_default()),
    };
    transport_error(err.into(), facts, what, timeout)
}

/// What is known of a request that got no answer, whichever HTTP stack sent it.
pub struct TransportFailure {
    /// `--request-timeout` ran out.
    pub timed_out: bool,
    /// No connection was made (nothing reached the server).
    pub connect: bool,
    pub host: Option<String>,
    pub port: Option<u16>,
}

/// The error for a request that got no answer: a timeout, a TLS failure in plain words, a
/// connection refused, or the cause chain of a connection cut short.
pub fn transport_error(
    err: anyhow::Error,
    facts: TransportFailure,
    what: &str,
    timeout: std::time::Duration,
) -> ApiError {
    if facts.timed_out {
        let detail = format!(
            "no complete answer within {} (--request-timeout)",
            crate::duration::format_duration(timeout)
        );
        let mut error = ApiError::new(what, Failure::Timeout, detail).with_hint(
            "the server is slow or unreachable; raise --request-timeout if it is just slow",
        );
        error.cause = Some(err);
        return error;
    }
    let chain = error_chain(err.as_ref());
    let mut error = if let Some(tls) = TlsFailure::of(err.as_ref(), facts.connect) {
        let cause = tls.cause(facts.host.as_deref());
        ApiError::new(what, Failure::Tls, format!("TLS failed: {cause} ({chain})"))
            .with_hint(tls.hint())
    } else if facts.connect {
        // The innermost cause says it best ("Connection refused"); the whole chain is kept as
        // the cause, for -v.
        let root = innermost_cause(err.as_ref());
        let host = facts.host.as_deref().unwrap_or("the host");
        let target = match facts.port {
            Some(port) => format!("{host}:{port}"),
            None => host.to_owned(),
        };
        ApiError::new(
            what,
            Failure::Network,
            format!("could not connect to {}: {root}", sanitize(&target)),
        )
        .with_hint("is the host right and the server running? Check --host / AGENTCTL_HOST")
    } else {
        // A connection made, then cut: the innermost cause in plain words ("connection reset
        // by peer"), not the stack's chain ("error sending request for url (…): client error
        // (SendRequest): connection error: …"), which -v still shows.
        let root = plain_cause(&innermost_cause(err.as_ref()));
        ApiError::new(
            what,
            Failure::Network,
            format!("the connection was cut before a complete answer: {root}"),
        )
        .with_hint("the server closed or reset the connection; run the command again (-v shows the cause in full)")
    };
    error.cause = Some(err);
    error
}

/// An error's last words as a phrase: without the `(os error 104)` tail, lowercased at the
/// start (`Connection reset by peer (os error 104)` → `connection reset by peer`).
fn plain_cause(root: &str) -> String {
    let mut text = root.trim();
    if let Some((head, tail)) = text.rsplit_once(" (os error ")
        && tail
            .strip_suffix(')')
            .is_some_and(|n| n.bytes().all(|b| b.is_ascii_digit()))
    {
        text = head;
    }
    let mut chars = text.chars();
    match chars.next() {
        Some(first)
            if first.is_uppercase() && !chars.clone().next().is_some_and(char::is_uppercase) =>
        {
            first.to_lowercase().chain(chars).collect()
        }
        _ => text.to_owned(),
    }
}

/// The last error of a chain, sanitized: the one that says what really happened.
fn innermost_cause(err: &dyn std::error::Error) -> String {
    let mut current = err;
    while let Some(next) = current.source() {
        current = next;
    }
    sanitize(&current.to_string()).into_owned()
}

/// The causes of an error, outermost first, without repeats: reqwest wraps hyper wraps io.
fn error_chain(err: &dyn std::error::Error) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut current: Option<&dyn std::error::Error> = Some(err);
    while let Some(e) = current {
        let text = e.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        current = e.source();
    }
    sanitize(&parts.join(": ")).into_owned()
}

/// At most 200 characters of what the server said: the token redacted first (a cut must not
/// leave a fragment of it), then cut, then sanitized.
fn quote(text: &str, secret: Option<&str>) -> String {
    let cut = crate::secret::redact_and_cut(text, secret, QUOTE_CHARS);
    sanitize(&cut).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn classes_and_kinds_of_transport_failures() {
        let cases = [
            (Failure::Timeout, "timeout", ErrorKind::Network),
            (Failure::Network, "network", ErrorKind::Network),
            (Failure::Tls, "tls", ErrorKind::Network),
            (Failure::Malformed, "malformed", ErrorKind::Api),
            (Failure::Redirect, "redirect", ErrorKind::Api),
        ];
        for (failure, class, kind) in cases {
            let err = ApiError::new("agent a", failure, "x");
            assert_eq!(err.class(), class);
            assert_eq!(err.kind(), kind);
            assert_eq!(err.status(), None);
        }
        let err = malformed("agent a", "not JSON", b"<html>", None).scrubbed("html");
        assert_eq!(
            err.to_string(),
            "agent a: the server's response is not valid: not JSON; it began: <[REDACTED]>"
        );
    }

    #[test]
    fn a_connection_cut_short_is_said_in_plain_words() {
        assert_eq!(
            plain_cause("Connection reset by peer (os error 104)"),
            "connection reset by peer"
        );
        assert_eq!(
            plain_cause("connection closed before message completed"),
            "connection closed before message completed"
        );
        assert_eq!(
            plain_cause("TLS close_notify missing"),
            "TLS close_notify missing"
        );
        assert_eq!(plain_cause("odd (os error x)"), "odd (os error x)");
        let reset = std::io::Error::from(std::io::ErrorKind::ConnectionReset);
        let reset = std::io::Error::other(anyhow::Error::from(reset).context("connection error"));
        let facts = TransportFailure {
            timed_out: false,
            connect: false,
            host: Some("127.0.0.1".into()),
            port: Some(80),
        };
        let err = transport_error(reset.into(), facts, "agent list", Duration::from_secs(10));
        assert_eq!(err.kind(), ErrorKind::Network);
        assert_eq!(
            err.to_string(),
            "agent list: the connection was cut before a complete answer: connection reset"
        );
        assert!(err.cause.is_some() && err.hint.is_some());
    }

    #[test]
    fn quotes_the_servers_words() {
        assert_eq!(
            server_message(br#"{"message":"bad token"}"#, None).unwrap(),
            "bad token"
        );
        assert_eq!(
            server_message(br#"{"error":"nope","message":""}"#, None).unwrap(),
            "nope"
        );
        assert_eq!(
            server_message(br#"{"detail":{"message":"deep"}}"#, None).unwrap(),
            "deep"
        );
        assert_eq!(
            server_message(b"upstream down\n", None).unwrap(),
            "upstream down"
        );
        assert_eq!(server_message(b"", None), None);
        assert_eq!(
            server_message(b"\x1b[2Jboom", None).unwrap(),
            "\\x1b[2Jboom"
        );
        let long = "x".repeat(500);
        assert_eq!(
            server_message(long.as_bytes(), None)
                .unwrap()
                .chars()
                .count(),
            201
        );
    }

    #[test]
    fn a_token_in_an_error_body_is_redacted_before_the_quote_is_cut() {
        let token = "tok-5ecr3t-9f8e7d6c5b4a";
        let escaped_head = "\\u0074ok-5ecr3t"; // JSON escapes hide nothing: quoting decodes first
        let body = format!(
            r#"{{"message":"{}{escaped_head}-9f8e7d6c5b4a and more"}}"#,
            "x".repeat(185)
        );
        let said = server_message(body.as_bytes(), Some(token)).unwrap();
        assert!(!said.contains("tok-5ecr3t"), "{said}");
        assert!(said.contains("[REDACTED]"), "{said}");
        let err = malformed(
            "agent a",
            "not JSON",
            format!("{}{token}", "y".repeat(190)).as_bytes(),
            Some(token),
        );
        assert!(!err.detail.contains("tok-5"), "{}", err.detail);
    }

    #[test]
    fn statuses_map_to_kinds() {
        let cases = [
            (401, ErrorKind::Auth),
            (403, ErrorKind::Auth),
            (404, ErrorKind::NotFound),
            (400, ErrorKind::Api),
            (500, ErrorKind::Api),
        ];
        for (code, kind) in cases {
            let err = status_error(StatusCode::from_u16(code).unwrap(), b"{}", "GET x", None);
            assert_eq!(err.kind(), kind, "{code}");
            assert_eq!(err.status(), Some(code));
            assert_eq!(err.class(), code.to_string());
        }
        let err = status_error(
            StatusCode::UNAUTHORIZED,
            br#"{"message":"expired"}"#,
            "GET x",
            None,
        );
        assert_eq!(err.detail, "HTTP 401 Unauthorized: expired");
        let err = Error::from(err);
        assert_eq!(err.message, "GET x: HTTP 401 Unauthorized: expired");
        assert_eq!(err.exit_code(), 3);
        assert!(err.hint.unwrap().contains("agentctl auth login"));
    }

    #[test]
    fn a_tls_failure_names_its_cause_and_keeps_the_chain() {
        let facts = |connect| TransportFailure {
            timed_out: false,
            connect,
            host: Some("localhost".into()),
            port: Some(8443),
        };
        let rustls = rustls::Error::InvalidCertificate(rustls::CertificateError::UnknownIssuer);
        let carried = std::io::Error::new(std::io::ErrorKind::InvalidData, rustls);
        let err = transport_error(carried.into(), facts(true), "agent a", Duration::ZERO);
        assert_eq!(err.failure, Failure::Tls);
        assert_eq!(
            err.detail,
            "TLS failed: the server's certificate is signed by an unknown issuer \
             (invalid peer certificate: UnknownIssuer)"
        );
        assert!(err.hint.unwrap().contains("--cacert"));

        let refused = std::io::Error::from(std::io::ErrorKind::ConnectionRefused);
        let err = transport_error(refused.into(), facts(true), "agent a", Duration::ZERO);
        assert_eq!(err.failure, Failure::Network);
        assert_eq!(
            err.detail,
            "could not connect to localhost:8443: connection refused"
        );
    }
}
