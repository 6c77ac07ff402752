//! The one retry loop, whichever HTTP stack sends: a request that got no connection, or a
//! 429/502/503/504 for a request that may be sent twice, is tried again up to `--retries`
//! times, after a full-jitter backoff or the server's `Retry-After`. Each attempt and its
//! answer are logged with `-v`. The stacks sit behind [`Sender`]: reqwest
//! (`api::reqwest_sender`) and the heartbeat connections of `simulate` (`api::beats`).

use super::error::{ApiError, Failure, status_error};
use super::request::Request;
use super::urls;
use crate::backoff::{CLIENT_RETRY, retry_wait};
use crate::clock::Clock;
use crate::sanitize::sanitize;
use crate::ui::Ui;
use reqwest::StatusCode;
use reqwest::header::{HeaderMap, RETRY_AFTER};
use std::time::Duration;
use url::Url;

/// A response body larger than this is not read: the call fails instead.
pub const MAX_RESPONSE_BODY_BYTES: usize = 16 * 1024 * 1024;

/// What one attempt got back: the status, headers and the body read under its cap.
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Result<Vec<u8>, ApiError>,
}

/// An attempt that got no answer.
pub struct NoAnswer {
    pub error: ApiError,
    /// Nothing reached the server (no connection was made): safe to send again, whatever
    /// the request.
    pub nothing_sent: bool,
}

/// One HTTP stack's way of making one attempt at a request.
pub trait Sender {
    /// Sends `request` once (`what` names the call in errors) and reads its answer.
    fn attempt(
        &self,
        request: &Request<'_>,
        what: &str,
    ) -> impl Future<Output = Result<Answer, NoAnswer>>;
}

/// How a client retries: `--retries`, where the log goes, and the token (redacted from the
/// log and from what an error quotes).
pub struct Retries<'a> {
    pub retries: u32,
    pub ui: &'a Ui,
    pub secret: Option<&'a str>,
    /// The run's clock: `Retry-After` dates and the `-v` timings are read on it.
    pub clock: &'a Clock,
}

impl Retries<'_> {
    /// Sends `request` through `sender`, again while that is safe and worth it; returns the
    /// body of a 2xx, or the error (not yet scrubbed of the token: the client does that).
    pub async fn send<S: Sender>(
        &self,
        sender: &S,
        request: &Request<'_>,
        what: &str,
    ) -> Result<Vec<u8>, ApiError> {
        let mut attempt: u32 = 0;
        loop {
            request.log(self.ui);
            let started = self.clock.instant();
            let outcome = sender.attempt(request, what).await;
            let elapsed = self.clock.since(started);
            let retry_in = match &outcome {
                Ok(answer) => {
                    self.log_answer(request, answer, elapsed);
                    let retry_after = answer
                        .headers
                        .get(RETRY_AFTER)
                        .and_then(|v| v.to_str().ok());
                    (retryable_status(answer.status) && request.is_idempotent())
                        .then(|| retry_wait(&CLIENT_RETRY, attempt, retry_after, self.clock.now()))
                }
                Err(failed) => {
                    self.log_failure(request, failed, elapsed);
                    failed
                        .nothing_sent
                        .then(|| Some(CLIENT_RETRY.full_jitter(attempt)))
                }
            };
            // `Some(Some(delay))`: retry after `delay`; `Some(None)`: the server asked for too
            // long a wait.
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
            let answer = outcome.map_err(|failed| failed.error)?;
            return self.outcome(answer, request.url, what);
        }
    }

    /// The body of a 2xx, or the error a final answer makes.
    fn outcome(&self, answer: Answer, url: &Url, what: &str) -> Result<Vec<u8>, ApiError> {
        let body = answer.body?;
        let status = answer.status;
        if status.is_success() {
            return Ok(body);
        }
        if status.is_redirection() {
            return Err(ApiError::new(
                what,
                Failure::Redirect,
                format!(
                    "{} to another origin; not followed, so the token stays with {}",
                    status_line(status),
                    urls::origin(url)
                ),
            )
            .with_hint("point --host at the address the server redirects to"));
        }
        Err(status_error(status, &body, what, self.secret))
    }

    /// `-v`: `< METHOD URL STATUS (N ms)`; `-vv`: the answer's headers too.
    fn log_answer(&self, request: &Request<'_>, answer: &Answer, elapsed: Duration) {
        // Guarded: the lines are built on every attempt, and simulate makes many.
        if self.ui.verbosity >= 1 {
            self.ui.verbose(
                1,
                &format!(
                    "< {} {} {} ({} ms)",
                    request.method,
                    urls::shown(request.url),
                    status_line(answer.status),
                    elapsed.as_millis()
                ),
            );
        }
        if self.ui.verbosity >= 2 {
            for (name, value) in &answer.headers {
                let value = String::from_utf8_lossy(value.as_bytes());
                self.ui.verbose(
                    2,
                    &format!("< {name}: {}", sanitize(&self.redacted(&value))),
                );
            }
        }
    }

    fn log_failure(&self, request: &Request<'_>, failed: &NoAnswer, elapsed: Duration) {
        if self.ui.verbosity >= 1 {
            self.ui.verbose(
                1,
                &format!(
                    "< {} {} failed after {} ms: {}",
                    request.method,
                    urls::shown(request.url),
                    elapsed.as_millis(),
                    self.redacted(&failed.error.detail)
                ),
            );
        }
    }

    /// A text built from a response, the token replaced (a server may echo it back).
    fn redacted(&self, text: &str) -> String {
        match self.secret {
            Some(secret) => crate::secret::redact(text, secret),
            None => text.to_owned(),
        }
    }
}

/// The error for a body over [`MAX_RESPONSE_BODY_BYTES`].
pub fn too_large(url: &Url, what: &str) -> ApiError {
    ApiError::new(
        what,
        Failure::Malformed,
        format!(
            "the response from {} is larger than {} MiB; stopped reading it",
            urls::shown(url),
            MAX_RESPONSE_BODY_BYTES / (1024 * 1024)
        ),
    )
}

/// Statuses that say "not now" rather than "no": a rate limit, a gateway or an overloaded server.
fn retryable_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 429 | 502 | 503 | 504)
}

/// `503 Service Unavailable`, or the bare code of a status without a reason phrase.
fn status_line(status: StatusCode) -> String {
    match status.canonical_reason() {
        Some(reason) => format!("{} {reason}", status.as_u16()),
        None => status.as_u16().to_string(),
    }
}

#[cfg(test)]
#[path = "retry_tests.rs"]
mod tests;
