//! The one HTTP client: base URL and path building, bearer auth, timeouts, retries with
//! backoff, redirect policy, body limits and verbose logging.

use super::errors::{malformed, network_error, status_error};
use super::ids::AgentId;
use super::models::{Agent, HeartbeatRequest, json_kind};
use crate::error::{Error, ErrorKind, Result};
use crate::sanitize::sanitize;
use crate::secret::Secret;
use crate::ui::Ui;
use reqwest::header::{
    ACCEPT, AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE, HeaderMap, HeaderValue, RETRY_AFTER,
};
use reqwest::{Method, StatusCode, redirect};
use serde_json::Value;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};
use url::Url;

pub const USER_AGENT: &str = concat!("agentctl/", env!("CARGO_PKG_VERSION"));

/// A response body larger than this is cut off with an error.
pub const MAX_BODY_BYTES: usize = 16 * 1024 * 1024;

/// The longest `Retry-After` honored; a server asking for more gets its error reported instead.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(60);
const BACKOFF_BASE: Duration = Duration::from_millis(250);
const BACKOFF_CAP: Duration = Duration::from_secs(8);

/// Everything the client needs, resolved from flags, environment and config.
#[derive(Debug, Clone)]
pub struct ClientOptions {
    pub base_url: Url,
    pub token: Option<Secret>,
    pub request_timeout: Duration,
    pub retries: u32,
    pub cacert: Option<PathBuf>,
    pub allow_insecure_http: bool,
}

/// See [`ApiClient::heartbeat_target`].
#[derive(Debug, Clone)]
pub struct HeartbeatTarget {
    url: Url,
    what: String,
}

pub struct ApiClient {
    http: reqwest::Client,
    base_url: Url,
    token: Option<Secret>,
    request_timeout: Duration,
    retries: u32,
    /// `Bearer <token>`, built once and marked sensitive (never printed by the HTTP stack).
    authorization: Option<HeaderValue>,
    ui: Arc<Ui>,
}

impl ApiClient {
    pub fn new(options: ClientOptions, ui: Arc<Ui>) -> Result<ApiClient> {
        let base_url = options.base_url;
        if options.token.is_some()
            && base_url.scheme() == "http"
            && !is_loopback(&base_url)
            && !options.allow_insecure_http
        {
            return Err(Error::usage(format!(
                "refusing to send the token over plain http:// to {}",
                base_url.host_str().unwrap_or("?")
            ))
            .with_hint(
                "use an https:// host, or pass --allow-insecure-http if this network is trusted",
            ));
        }

        // reqwest is built without a default crypto provider so that only ring is linked.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let mut builder = reqwest::Client::builder()
            .user_agent(USER_AGENT)
            .timeout(options.request_timeout)
            .connect_timeout(options.request_timeout.min(Duration::from_secs(10)))
            .redirect(same_origin_redirects())
            .tcp_nodelay(true)
            .pool_idle_timeout(Duration::from_secs(30));
        if base_url.scheme() == "http" {
            // Plain HTTP: do not load the system root store just to never use it. Redirects
            // never leave the origin, so no TLS connection can follow.
            builder = builder.tls_certs_only(Vec::new());
        } else if let Some(path) = &options.cacert {
            let pem = std::fs::read(path)
                .map_err(|err| Error::usage(format!("--cacert {}: {err}", path.display())))?;
            let certs = reqwest::Certificate::from_pem_bundle(&pem)
                .ok()
                .filter(|certs| !certs.is_empty())
                .ok_or_else(|| {
                    Error::usage(format!(
                        "--cacert {}: no PEM certificate found in the file",
                        path.display()
                    ))
                    .with_hint(
                        "the file must hold one or more '-----BEGIN CERTIFICATE-----' blocks",
                    )
                })?;
            builder = builder.tls_certs_merge(certs);
        }
        let http = builder.build().map_err(|err| {
            Error::new(ErrorKind::Network, format!("could not set up HTTPS: {err}"))
        })?;
        let authorization = match options.token.as_ref() {
            Some(token) => {
                let mut value = HeaderValue::from_str(&format!("Bearer {}", token.expose()))
                    .map_err(|_| {
                        // Never quote it: the token is a secret even when it is malformed.
                        Error::usage(
                            "the token holds a character that cannot go into an HTTP header \
                             (a control character or non-ASCII)",
                        )
                        .with_hint("check AGENTCTL_TOKEN, or run `agentctl auth login` again")
                    })?;
                value.set_sensitive(true);
                Some(value)
            }
            None => None,
        };
        Ok(ApiClient {
            http,
            base_url,
            authorization,
            token: options.token,
            request_timeout: options.request_timeout,
            retries: options.retries,
            ui,
        })
    }

    pub fn agents_url(&self, id: Option<&AgentId>, tail: Option<&str>) -> Url {
        agents_url(&self.base_url, id, tail)
    }

    pub fn heartbeat_url(&self, id: &AgentId) -> Url {
        self.agents_url(Some(id), Some("heartbeat"))
    }

    /// `PUT /api/v1/agents/{uuid}/heartbeat`; returns the agent record the server answers with.
    pub async fn heartbeat(&self, id: &AgentId, body: &HeartbeatRequest) -> Result<Agent> {
        let payload = body.to_json_bytes();
        self.heartbeat_raw(id, payload).await
    }

    /// The heartbeat PUT with a body already serialized.
    pub async fn heartbeat_raw(&self, id: &AgentId, payload: Vec<u8>) -> Result<Agent> {
        let url = self.heartbeat_url(id);
        let what = format!("heartbeat for {}", sanitize(id.as_str()));
        let body = self.call(Method::PUT, url, Some(payload), &what).await?;
        read_agent(&body, &what).map_err(|err| self.scrub(err))
    }

    /// The URL and error wording of one agent's heartbeat, built once for a sender that
    /// beats the same agent many times (building a URL re-parses it).
    pub fn heartbeat_target(&self, id: &AgentId) -> HeartbeatTarget {
        HeartbeatTarget {
            url: self.heartbeat_url(id),
            what: format!("heartbeat for {}", sanitize(id.as_str())),
        }
    }

    /// The heartbeat PUT for load generation: succeeds on a 2xx whose body is a JSON object,
    /// without building the agent record (that costs more than the rest of the call).
    pub async fn heartbeat_ack(&self, target: &HeartbeatTarget, payload: Vec<u8>) -> Result<()> {
        let what = target.what.as_str();
        let body = self
            .call(Method::PUT, target.url.clone(), Some(payload), what)
            .await?;
        let is_object = body.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{');
        if !is_object || serde_json::from_slice::<serde::de::IgnoredAny>(&body).is_err() {
            return Err(self.scrub(malformed(what, "expected a JSON object", &body)));
        }
        Ok(())
    }

    /// `GET /api/v1/agents/{uuid}`.
    pub async fn get_agent(&self, id: &AgentId) -> Result<Agent> {
        let what = format!("agent {}", sanitize(id.as_str()));
        let body = self
            .call(Method::GET, self.agents_url(Some(id), None), None, &what)
            .await?;
        read_agent(&body, &what).map_err(|err| self.scrub(err))
    }

    /// `GET /api/v1/agents?…`: a bare array, or an object holding it under `items`, `data`,
    /// `agents`, `list` or `records`.
    pub async fn list_agents(&self, query: &[(&str, &str)]) -> Result<Vec<Agent>> {
        let mut url = self.agents_url(None, None);
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(query);
        }
        let what = "agent list";
        let body = self.call(Method::GET, url, None, what).await?;
        read_agent_list(&body, what).map_err(|err| self.scrub(err))
    }

    /// A server that echoes the token back (in an error body, a header) must not get it
    /// printed: every text built from a response passes through here.
    fn scrub(&self, mut err: Error) -> Error {
        err.message = self.scrub_text(&err.message).into_owned();
        err
    }

    fn scrub_text<'a>(&self, text: &'a str) -> std::borrow::Cow<'a, str> {
        match &self.token {
            Some(token) if !token.expose().is_empty() && text.contains(token.expose()) => {
                std::borrow::Cow::Owned(text.replace(token.expose(), "[REDACTED]"))
            }
            _ => std::borrow::Cow::Borrowed(text),
        }
    }

    /// Sends a request with retries; returns the body of a 2xx response, or the error.
    async fn call(
        &self,
        method: Method,
        url: Url,
        body: Option<Vec<u8>>,
        what: &str,
    ) -> Result<Vec<u8>> {
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
    ) -> Result<Vec<u8>> {
        let mut attempt: u32 = 0;
        loop {
            let started = Instant::now();
            let outcome = self.send_once(&method, &url, body.as_ref()).await;
            let elapsed = started.elapsed();
            let retry_in = match &outcome {
                Ok((status, headers, _)) => {
                    // Guarded: the line is built on every call, and simulate makes many.
                    if self.ui.verbosity >= 1 {
                        self.ui.verbose(
                            1,
                            &format!(
                                "< {} {} {} ({} ms)",
                                method,
                                display_url(&url),
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
                    retryable_status(*status).then(|| retry_delay(headers, attempt))
                }
                Err(err) => {
                    self.ui.verbose(
                        1,
                        &format!(
                            "< {method} {} failed after {} ms: {}",
                            display_url(&url),
                            elapsed.as_millis(),
                            sanitize(&err.to_string())
                        ),
                    );
                    err.is_connect().then(|| Some(backoff(attempt)))
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
            let (status, _headers, response_body) =
                outcome.map_err(|err| network_error(&err, what, self.request_timeout))?;
            let response_body = response_body?;
            if status.is_success() {
                return Ok(response_body);
            }
            if status.is_redirection() {
                return Err(Error::new(
                    ErrorKind::Api,
                    format!(
                        "{what}: {} to another origin; not followed, so the token stays with {}",
                        status_line(status),
                        origin_of(&url)
                    ),
                )
                .with_hint("point --host at the address the server redirects to"));
            }
            return Err(status_error(status, &response_body, what));
        }
    }

    /// One attempt: the status, headers and the body (read with the size cap).
    async fn send_once(
        &self,
        method: &Method,
        url: &Url,
        body: Option<&Vec<u8>>,
    ) -> std::result::Result<(StatusCode, HeaderMap, Result<Vec<u8>>), reqwest::Error> {
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
            if let Some(body) = body {
                self.ui.verbose(2, "> content-type: application/json");
                self.ui
                    .verbose(2, &format!("> content-length: {}", body.len()));
            }
        }
        let mut response = request.send().await?;
        let status = response.status();
        // Taken, not cloned: the body is read without them.
        let headers = std::mem::take(response.headers_mut());
        let declared = headers
            .get(CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        if declared.is_some_and(|len| len > MAX_BODY_BYTES as u64) {
            return Ok((status, headers, Err(too_large(url))));
        }
        let mut collected = Vec::with_capacity(declared.unwrap_or(0).min(64 * 1024) as usize);
        while let Some(chunk) = response.chunk().await? {
            if collected.len() + chunk.len() > MAX_BODY_BYTES {
                return Ok((status, headers, Err(too_large(url))));
            }
            collected.extend_from_slice(&chunk);
        }
        Ok((status, headers, Ok(collected)))
    }
}

/// `<base>/api/v1/agents[/<id>[/<tail>]]`, the id encoded as one path segment; a path prefix
/// in the base (`https://h/gw` or `https://h/gw/`) is kept.
pub fn agents_url(base: &Url, id: Option<&AgentId>, tail: Option<&str>) -> Url {
    let mut url = base.clone();
    {
        let mut segments = url
            .path_segments_mut()
            .expect("http(s) URLs always have a path");
        segments.pop_if_empty().extend(["api", "v1", "agents"]);
        if let Some(id) = id {
            segments.push(id.as_str());
        }
        if let Some(tail) = tail {
            segments.push(tail);
        }
    }
    url
}

fn too_large(url: &Url) -> Error {
    Error::new(
        ErrorKind::Api,
        format!(
            "the response from {} is larger than {} MiB; stopped reading it",
            display_url(url),
            MAX_BODY_BYTES / (1024 * 1024)
        ),
    )
}

/// Follows redirects only within the same scheme, host and port, so the token is never sent
/// anywhere but the configured origin. A redirect elsewhere is reported, not followed.
fn same_origin_redirects() -> redirect::Policy {
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

/// How long to wait before retry number `attempt + 1`: the server's `Retry-After` (seconds or
/// an HTTP date) if it sent one, else exponential backoff with full jitter. `None` when the
/// server asks for a wait longer than agentctl is willing to block.
fn retry_delay(headers: &HeaderMap, attempt: u32) -> Option<Duration> {
    match headers
        .get(RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(parse_retry_after)
    {
        Some(wait) if wait > MAX_RETRY_AFTER => None,
        Some(wait) => Some(wait),
        None => Some(backoff(attempt)),
    }
}

/// `Retry-After: 3` or `Retry-After: Wed, 21 Oct 2026 07:28:00 GMT`.
pub fn parse_retry_after(value: &str) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(
        at.duration_since(SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

/// Full jitter: a uniform wait between 0 and `min(cap, base · 2^attempt)`.
pub fn backoff(attempt: u32) -> Duration {
    let ceiling = BACKOFF_BASE
        .saturating_mul(1u32.checked_shl(attempt).unwrap_or(u32::MAX))
        .min(BACKOFF_CAP);
    ceiling.mul_f64(fastrand::f64())
}

fn is_loopback(url: &Url) -> bool {
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

fn parse_json(body: &[u8], what: &str) -> Result<Value> {
    serde_json::from_slice(body).map_err(|err| malformed(what, &format!("not JSON ({err})"), body))
}

/// Reads one agent record from a response body; `what` names the call in errors.
pub fn read_agent(body: &[u8], what: &str) -> Result<Agent> {
    let value = parse_json(body, what)?;
    let kind = json_kind(&value);
    Agent::from_value(value)
        .map_err(|_| malformed(what, &format!("expected an agent object, got {kind}"), body))
}

/// The envelopes a collection may come in, in the order they are tried.
const LIST_KEYS: [&str; 5] = ["items", "data", "agents", "list", "records"];

/// Reads a collection of agent records from a response body.
pub fn read_agent_list(body: &[u8], what: &str) -> Result<Vec<Agent>> {
    let value = parse_json(body, what)?;
    let items = match value {
        Value::Array(items) => items,
        Value::Object(mut object) => LIST_KEYS
            .iter()
            .find_map(|key| match object.remove(*key) {
                Some(Value::Array(items)) => Some(items),
                _ => None,
            })
            .ok_or_else(|| {
                malformed(
                    what,
                    &format!(
                        "expected an array of agents, or an object holding one under {}",
                        LIST_KEYS.join(", ")
                    ),
                    body,
                )
            })?,
        other => {
            return Err(malformed(
                what,
                &format!("expected an array of agents, got {}", json_kind(&other)),
                body,
            ));
        }
    };
    items
        .into_iter()
        .enumerate()
        .map(|(index, item)| {
            let kind = json_kind(&item);
            Agent::from_value(item).map_err(|_| {
                malformed(
                    what,
                    &format!("item {index} is {kind}, not an agent object"),
                    body,
                )
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client(base: &str) -> ApiClient {
        let (ui, _) = Ui::captured(false);
        ApiClient::new(
            ClientOptions {
                base_url: Url::parse(base).unwrap(),
                token: None,
                request_timeout: Duration::from_secs(1),
                retries: 0,
                cacert: None,
                allow_insecure_http: false,
            },
            Arc::new(ui),
        )
        .unwrap()
    }

    #[test]
    fn path_prefixes_and_encoding() {
        let id = AgentId::parse("a b?c#d").unwrap();
        for base in ["https://h/gw", "https://h/gw/"] {
            assert_eq!(
                client(base).heartbeat_url(&id).as_str(),
                "https://h/gw/api/v1/agents/a%20b%3Fc%23d/heartbeat"
            );
        }
        assert_eq!(
            client("http://127.0.0.1:9").agents_url(None, None).as_str(),
            "http://127.0.0.1:9/api/v1/agents"
        );
        let pct = AgentId::parse("50%").unwrap();
        assert_eq!(
            client("https://h").agents_url(Some(&pct), None).as_str(),
            "https://h/api/v1/agents/50%25"
        );
    }

    #[test]
    fn plain_http_with_a_token_only_on_loopback() {
        let (ui, _) = Ui::captured(false);
        let ui = Arc::new(ui);
        let options = |base: &str, allow| ClientOptions {
            base_url: Url::parse(base).unwrap(),
            token: Some(Secret::new("t")),
            request_timeout: Duration::from_secs(1),
            retries: 0,
            cacert: None,
            allow_insecure_http: allow,
        };
        for ok in [
            "http://127.0.0.1:1",
            "http://localhost:1",
            "http://[::1]:1",
            "https://agents.example.com",
        ] {
            assert!(
                ApiClient::new(options(ok, false), ui.clone()).is_ok(),
                "{ok}"
            );
        }
        let err = ApiClient::new(options("http://agents.invalid", false), ui.clone())
            .err()
            .unwrap();
        assert_eq!(err.kind, ErrorKind::Usage);
        assert!(ApiClient::new(options("http://agents.invalid", true), ui).is_ok());
    }

    #[test]
    fn retry_after_forms() {
        assert_eq!(parse_retry_after("3"), Some(Duration::from_secs(3)));
        let soon = SystemTime::now() + Duration::from_secs(30);
        let wait = parse_retry_after(&httpdate::fmt_http_date(soon)).unwrap();
        assert!(
            wait <= Duration::from_secs(30) && wait >= Duration::from_secs(28),
            "{wait:?}"
        );
        assert_eq!(
            parse_retry_after("Thu, 01 Jan 1970 00:00:00 GMT"),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon"), None);
    }

    #[test]
    fn backoff_is_jittered_and_capped() {
        for attempt in 0..40 {
            let wait = backoff(attempt);
            assert!(wait <= BACKOFF_CAP);
            assert!(wait <= BACKOFF_BASE * 2u32.saturating_pow(attempt.min(20)));
        }
    }

    #[test]
    fn list_envelopes() {
        let one = br#"[{"uuid":"a"}]"#;
        assert_eq!(read_agent_list(one, "x").unwrap().len(), 1);
        for key in LIST_KEYS {
            let body = format!(r#"{{"total":1,"{key}":[{{"uuid":"a"}}]}}"#);
            assert_eq!(
                read_agent_list(body.as_bytes(), "x").unwrap()[0]
                    .uuid()
                    .unwrap(),
                "a"
            );
        }
        assert!(read_agent_list(br#"{"rows":[]}"#, "x").is_err());
        assert!(read_agent_list(br#"[1]"#, "x").is_err());
    }

    proptest::proptest! {
        /// Any accepted id comes back out of the URL as exactly itself, as one segment.
        #[test]
        fn ids_round_trip_through_the_url(id in "\\PC{1,40}") {
            if let Ok(agent_id) = AgentId::parse(&id) {
                let url = agents_url(&Url::parse("https://h/gw/").unwrap(), Some(&agent_id), Some("heartbeat"));
                let segments: Vec<&str> = url.path_segments().unwrap().collect();
                proptest::prop_assert_eq!(segments.len(), 6);
                let decoded = percent_encoding::percent_decode_str(segments[4]).decode_utf8().unwrap();
                proptest::prop_assert_eq!(decoded.as_ref(), id.as_str());
                proptest::prop_assert!(url.query().is_none() && url.fragment().is_none());
            }
        }

        /// Reading arbitrary bytes as a record or a list never panics.
        #[test]
        fn record_reader_never_panics(body in proptest::collection::vec(proptest::num::u8::ANY, 0..200)) {
            let _ = read_agent(&body, "x");
            let _ = read_agent_list(&body, "x");
        }
    }
}
