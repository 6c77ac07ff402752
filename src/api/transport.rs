//! Sending one call: the request, retries with backoff, the body read under its cap, the
//! redirect policy and the verbose log.

use super::client::{ApiClient, USER_AGENT};
use super::error::{ApiError, Failure, network_error, status_error};
use crate::backoff::{CLIENT_RETRY, retry_wait};
use crate::sanitize::sanitize;
use reqwest::header::{
    ACCEPT, AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE, HeaderMap, HeaderValue, RETRY_AFTER,
};
use reqwest::{Method, StatusCode, redirect};
use url::Url;

/// A response body larger than this is cut off with an error.
pub const MAX_BODY_BYTES: usize = 16 * 1024 * 1024;

/// What one attempt got back: the status, headers and the body read under its cap.
pub(super) type Answer = (StatusCode, HeaderMap, Result<Vec<u8>, ApiError>);

/// An attempt that got no answer.
pub(super) struct NoAnswer {
    pub error: ApiError,
    /// Nothing reached the server (no connection was made): safe to send again.
    pub retry_safe: bool,
}

impl ApiClient {
    /// Sends a request with retries; returns the body of a 2xx response, or the error.
    pub(super) async fn call(
        &self,
        method: Method,
        url: Url,
        body: Option<Vec<u8>>,
        what: &str,
    ) -> Result<Vec<u8>, ApiError> {
        self.call_unscrubbed(method, url, body, what)
            .await
            .map_err(|err| self.scrub(err))
    }

    async fn call_unscrubbed(
        &self,
        method: Method,
        url: Url,
        body: Option<Vec<u8>>,
        what: &str,
    ) -> Result<Vec<u8>, ApiError> {
        self.retrying(&method, &url, what, || async {
            self.send_once(&method, &url, body.as_ref(), what)
                .await
                .map_err(|err| NoAnswer {
                    retry_safe: err.is_connect(),
                    error: network_error(err, what, self.request_timeout),
                })
        })
        .await
    }

    /// The one retry loop, whichever HTTP stack makes the attempts: a connect failure or a
    /// 429/502/503/504 is tried again (up to `--retries`, with backoff and `Retry-After`),
    /// each attempt logged with `-v`; returns the body of a 2xx, or the error.
    pub(super) async fn retrying<F, Fut>(
        &self,
        method: &Method,
        url: &Url,
        what: &str,
        mut attempt_once: F,
    ) -> Result<Vec<u8>, ApiError>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<Answer, NoAnswer>>,
    {
        let mut attempt: u32 = 0;
        loop {
            let started = self.clock.instant();
            let outcome = attempt_once().await;
            let elapsed = self.clock.since(started);
            let retry_in = match &outcome {
                Ok((status, headers, _)) => {
                    // Guarded: the line is built on every call, and simulate makes many.
                    if self.ui.verbosity >= 1 {
                        self.ui.verbose(
                            1,
                            &format!(
                                "< {} {} {} ({} ms)",
                                method,
                                display_url(url),
                                status_line(*status),
                                elapsed.as_millis()
                            ),
                        );
                    }
                    if self.ui.verbosity >= 2 {
                        for (name, value) in headers {
                            let value = String::from_utf8_lossy(value.as_bytes());
                            let value = self.scrub_text(&value);
                            self.ui
                                .verbose(2, &format!("< {name}: {}", sanitize(&value)));
                        }
                    }
                    let retry_after = headers.get(RETRY_AFTER).and_then(|v| v.to_str().ok());
                    retryable_status(*status)
                        .then(|| retry_wait(&CLIENT_RETRY, attempt, retry_after, self.clock.now()))
                }
                Err(failed) => {
                    if self.ui.verbosity >= 1 {
                        self.ui.verbose(
                            1,
                            &format!(
                                "< {method} {} failed after {} ms: {}",
                                display_url(url),
                                elapsed.as_millis(),
                                self.scrub_text(&failed.error.detail)
                            ),
                        );
                    }
                    failed
                        .retry_safe
                        .then(|| Some(CLIENT_RETRY.full_jitter(attempt)))
                }
            };
            // `Some(Some(delay))`: retry after `delay`; `Some(None)`: the server asked for too long a wait.
            if let Some(Some(delay)) = retry_in
                && attempt < self.retries
            {
                attempt += 1;
                self.ui.verbose(
                    1,
                    &format!(
                        "  retrying in {:.1}s (retry {attempt} of {})",
                        delay.as_secs_f64(),
                        self.retries
                    ),
                );
                tokio::time::sleep(delay).await;
                continue;
            }
            let (status, _headers, response_body) = outcome.map_err(|failed| failed.error)?;
            let response_body = response_body?;
            if status.is_success() {
                return Ok(response_body);
            }
            if status.is_redirection() {
                return Err(ApiError::new(
                    what,
                    Failure::Redirect,
                    format!(
                        "{} to another origin; not followed, so the token stays with {}",
                        status_line(status),
                        origin_of(url)
                    ),
                )
                .with_hint("point --host at the address the server redirects to"));
            }
            return Err(status_error(status, &response_body, what, self.secret()));
        }
    }

    /// One attempt: the status, headers and the body (read with the size cap).
    async fn send_once(
        &self,
        method: &Method,
        url: &Url,
        body: Option<&Vec<u8>>,
        what: &str,
    ) -> Result<Answer, reqwest::Error> {
        let mut request = self
            .http
            .request(method.clone(), url.clone())
            .header(ACCEPT, HeaderValue::from_static("application/json"));
        if let Some(value) = &self.authorization {
            request = request.header(AUTHORIZATION, value.clone());
        }
        if let Some(body) = body {
            request = request
                .header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
                .body(body.clone());
        }
        self.log_request(method, url, body.map(Vec::len));
        let mut response = request.send().await?;
        let status = response.status();
        // Taken, not cloned: the body is read without them.
        let headers = std::mem::take(response.headers_mut());
        let declared = headers
            .get(CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        if declared.is_some_and(|len| len > MAX_BODY_BYTES as u64) {
            return Ok((status, headers, Err(too_large(url, what))));
        }
        let mut collected = Vec::with_capacity(declared.unwrap_or(0).min(64 * 1024) as usize);
        while let Some(chunk) = response.chunk().await? {
            if collected.len() + chunk.len() > MAX_BODY_BYTES {
                return Ok((status, headers, Err(too_large(url, what))));
            }
            collected.extend_from_slice(&chunk);
        }
        Ok((status, headers, Ok(collected)))
    }
}

impl ApiClient {
    /// `-v`: the request line; `-vv`: its headers too, the token redacted. Every HTTP path
    /// logs its requests through here.
    pub(super) fn log_request(&self, method: &Method, url: &Url, body_len: Option<usize>) {
        if self.ui.verbosity >= 1 {
            self.ui
                .verbose(1, &format!("> {method} {}", display_url(url)));
        }
        if self.ui.verbosity >= 2 {
            self.ui.verbose(2, &format!("> user-agent: {USER_AGENT}"));
            self.ui.verbose(2, "> accept: application/json");
            if self.token.is_some() {
                self.ui.verbose(2, "> authorization: Bearer [REDACTED]");
            }
            if let Some(len) = body_len {
                self.ui.verbose(2, "> content-type: application/json");
                self.ui.verbose(2, &format!("> content-length: {len}"));
            }
        }
    }
}

pub(super) fn too_large(url: &Url, what: &str) -> ApiError {
    ApiError::new(
        what,
        Failure::Malformed,
        format!(
            "the response from {} is larger than {} MiB; stopped reading it",
            display_url(url),
            MAX_BODY_BYTES / (1024 * 1024)
        ),
    )
}

/// Follows redirects only within the same scheme, host and port, so the token is never sent
/// anywhere but the configured origin. A redirect elsewhere is reported, not followed.
pub(super) fn same_origin_redirects() -> redirect::Policy {
    redirect::Policy::custom(|attempt| {
        if attempt.previous().len() >= 5 {
            return attempt.error("too many redirects");
        }
        let same_origin = attempt
            .previous()
            .first()
            .is_some_and(|first| first.origin() == attempt.url().origin());
        if same_origin {
            attempt.follow()
        } else {
            attempt.stop()
        }
    })
}

fn retryable_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 429 | 502 | 503 | 504)
}

pub(super) fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        // Only the name itself: `*.localhost` goes through DNS, which may answer anything.
        Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

fn status_line(status: StatusCode) -> String {
    match status.canonical_reason() {
        Some(reason) => format!("{} {reason}", status.as_u16()),
        None => status.as_u16().to_string(),
    }
}

/// A URL for logs and errors: without any password it may carry.
fn display_url(url: &Url) -> String {
    let mut shown = url.clone();
    if shown.password().is_some() {
        let _ = shown.set_password(Some("[REDACTED]"));
    }
    sanitize(shown.as_str()).into_owned()
}

fn origin_of(url: &Url) -> String {
    sanitize(&url.origin().ascii_serialization()).into_owned()
}
