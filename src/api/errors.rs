//! Turning HTTP failures into user-facing errors of the right kind (contract §6).

use crate::error::{Error, ErrorKind};
use crate::sanitize::sanitize;
use reqwest::StatusCode;
use serde_json::Value;

/// How much of a body an error quotes.
const QUOTE_CHARS: usize = 200;

/// The error for a non-2xx response, quoting what the server said.
pub fn status_error(status: StatusCode, body: &[u8], what: &str) -> Error {
    let kind = match status.as_u16() {
        401 | 403 => ErrorKind::Auth,
        404 => ErrorKind::NotFound,
        _ => ErrorKind::Api,
    };
    let status_text = match status.canonical_reason() {
        Some(reason) => format!("HTTP {} {reason}", status.as_u16()),
        None => format!("HTTP {}", status.as_u16()),
    };
    let mut message = format!("{what}: {status_text}");
    if let Some(said) = server_message(body) {
        message.push_str(": ");
        message.push_str(&said);
    }
    let error = Error::new(kind, message).with_class(status.as_u16().to_string());
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
/// object, or the start of a text body. Sanitized and cut to 200 characters.
pub fn server_message(body: &[u8]) -> Option<String> {
    if let Ok(Value::Object(object)) = serde_json::from_slice::<Value>(body) {
        for key in ["message", "error", "msg", "detail"] {
            match object.get(key) {
                Some(Value::String(text)) if !text.trim().is_empty() => return Some(quote(text)),
                Some(Value::Object(inner)) => {
                    if let Some(Value::String(text)) = inner.get("message") {
                        return Some(quote(text));
                    }
                    return Some(quote(&Value::Object(inner.clone()).to_string()));
                }
                Some(value @ Value::Array(_)) => return Some(quote(&value.to_string())),
                _ => {}
            }
        }
    }
    let text = String::from_utf8_lossy(body);
    let text = text.trim();
    (!text.is_empty()).then(|| quote(text))
}

/// The error for a 2xx response whose body is not what was expected.
pub fn malformed(what: &str, problem: &str, body: &[u8]) -> Error {
    let text = String::from_utf8_lossy(body);
    let snippet = quote(text.trim());
    let mut message = format!("{what}: the server's response is not valid: {problem}");
    if snippet.is_empty() {
        message.push_str(" (empty body)");
    } else {
        message.push_str(&format!("; it began: {snippet}"));
    }
    Error::new(ErrorKind::Api, message).with_class("malformed")
}

/// A transport failure: connect, DNS, TLS, timeout, a connection cut mid-body.
pub fn network_error(err: &reqwest::Error, what: &str, timeout: std::time::Duration) -> Error {
    if err.is_timeout() {
        return Error::new(
            ErrorKind::Network,
            format!(
                "{what}: no complete answer within {} (--request-timeout)",
                crate::duration::format_duration(timeout)
            ),
        )
        .with_hint("the server is slow or unreachable; raise --request-timeout if it is just slow")
        .with_class("timeout");
    }
    let chain = error_chain(err);
    if let Some((cause, hint)) = tls_cause(&chain, err.url().and_then(|u| u.host_str())) {
        return Error::new(
            ErrorKind::Network,
            format!("{what}: TLS failed: {cause} ({chain})"),
        )
        .with_class("tls")
        .with_hint(hint);
    }
    let mut error =
        Error::new(ErrorKind::Network, format!("{what}: {chain}")).with_class("network");
    if err.is_connect() {
        error = error
            .with_hint("is the host right and the server running? Check --host / AGENTCTL_HOST");
    }
    error
}

/// The cause of a TLS failure in plain words, and what to do about it.
fn tls_cause(chain: &str, host: Option<&str>) -> Option<(String, &'static str)> {
    let lower = chain.to_ascii_lowercase();
    let host = sanitize(host.unwrap_or("the host")).into_owned();
    if lower.contains("unknownissuer") || lower.contains("unknown issuer") {
        Some((
            "the server's certificate is signed by an unknown issuer".into(),
            "for a private CA pass --cacert <FILE> with its PEM certificate",
        ))
    } else if lower.contains("expired") {
        Some((
            "the server's certificate has expired".into(),
            "the server needs a renewed certificate (or this machine's clock is wrong)",
        ))
    } else if lower.contains("not valid for name") || lower.contains("notvalidforname") {
        Some((
            format!("the server's certificate is not valid for {host}"),
            "use the host name the certificate was issued for in --host",
        ))
    } else if lower.contains("certificate") || lower.contains("tls") || lower.contains("handshake")
    {
        Some((
            "the TLS handshake failed".into(),
            "check that the host speaks HTTPS on that port; for a private CA pass --cacert <FILE>",
        ))
    } else {
        None
    }
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

fn quote(text: &str) -> String {
    let cut: String = text.chars().take(QUOTE_CHARS).collect();
    let ellipsis = if text.chars().count() > QUOTE_CHARS {
        "…"
    } else {
        ""
    };
    format!("{}{ellipsis}", sanitize(&cut))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_the_servers_words() {
        assert_eq!(
            server_message(br#"{"message":"bad token"}"#).unwrap(),
            "bad token"
        );
        assert_eq!(
            server_message(br#"{"error":"nope","message":""}"#).unwrap(),
            "nope"
        );
        assert_eq!(
            server_message(br#"{"detail":{"message":"deep"}}"#).unwrap(),
            "deep"
        );
        assert_eq!(server_message(b"upstream down\n").unwrap(), "upstream down");
        assert_eq!(server_message(b""), None);
        assert_eq!(server_message(b"\x1b[2Jboom").unwrap(), "\\x1b[2Jboom");
        let long = "x".repeat(500);
        assert_eq!(
            server_message(long.as_bytes()).unwrap().chars().count(),
            201
        );
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
            let err = status_error(StatusCode::from_u16(code).unwrap(), b"{}", "GET x");
            assert_eq!(err.kind, kind, "{code}");
        }
        let err = status_error(
            StatusCode::UNAUTHORIZED,
            br#"{"message":"expired"}"#,
            "GET x",
        );
        assert_eq!(err.message, "GET x: HTTP 401 Unauthorized: expired");
        assert!(err.hint.unwrap().contains("agentctl auth login"));
    }
}
