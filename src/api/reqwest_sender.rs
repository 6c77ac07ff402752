//! reqwest as a [`Sender`]: every call but the heartbeats of `simulate` goes through it. How
//! its client is built (TLS, timeouts, the proxy rule, redirects within the origin), and one
//! attempt: the request of the description, the body read under its cap.

use super::error::{ApiError, network_error};
use super::proxy::ProxyConfig;
use super::request::{Request, USER_AGENT};
use super::retry::{Answer, MAX_RESPONSE_BODY_BYTES, NoAnswer, Sender, too_large};
use crate::error::{Error, ErrorKind, Result};
use reqwest::header::{CONTENT_LENGTH, HeaderMap};
use reqwest::redirect;
use std::time::Duration;

pub struct Reqwest {
    http: reqwest::Client,
    /// `--request-timeout`, for the error that says it ran out.
    timeout: Duration,
}

impl Reqwest {
    /// A client with `timeout` for each attempt, the proxy rule of `proxy`, and `tls` for
    /// https:// hosts (`None`: plain HTTP only).
    pub fn new(
        timeout: Duration,
        proxy: &ProxyConfig,
        tls: Option<&rustls::ClientConfig>,
    ) -> Result<Reqwest> {
        // reqwest is built without a default crypto provider so that only ring is linked.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let mut builder = reqwest::Client::builder()
            // The client's, not the request's: reqwest writes it after the request's own
            // headers (see `Request::own_headers`).
            .user_agent(USER_AGENT)
            .timeout(timeout)
            .connect_timeout(timeout.min(Duration::from_secs(10)))
            .redirect(same_origin_redirects())
            .tcp_nodelay(true)
            .pool_idle_timeout(Duration::from_secs(30))
            // reqwest's own reading of the environment would proxy loopback too: the one
            // rule is ProxyConfig's.
            .no_proxy();
        if *proxy != ProxyConfig::none() {
            let proxies = proxy.clone();
            builder = builder.proxy(reqwest::Proxy::custom(move |url| {
                proxies.proxy_for(url).ok().flatten().map(|p| p.url)
            }));
        }
        builder = match tls {
            // Plain HTTP: do not load the system root store just to never use it. Redirects
            // never leave the origin, so no TLS connection can follow.
            None => builder.tls_certs_only(Vec::new()),
            // The one TLS configuration, as the heartbeat connections use it; HTTP/2 when the
            // server offers it.
            Some(tls) => {
                let mut with_alpn = tls.clone();
                with_alpn.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
                builder.tls_backend_preconfigured(with_alpn)
            }
        };
        let http = builder.build().map_err(|err| {
            Error::new(ErrorKind::Network, format!("could not set up HTTPS: {err}"))
        })?;
        Ok(Reqwest { http, timeout })
    }

    /// One attempt: the status, headers and the body (read with the size cap).
    async fn exchange(
        &self,
        request: &Request<'_>,
        what: &str,
    ) -> std::result::Result<Answer, reqwest::Error> {
        let mut builder = self
            .http
            .request(request.method.clone(), request.url.clone());
        for (name, value) in request.own_headers() {
            builder = builder.header(name, value);
        }
        if let Some(body) = request.body {
            builder = builder.body(body.to_vec());
        }
        let mut response = builder.send().await?;
        let status = response.status();
        // Taken, not cloned: the body is read without them.
        let headers = std::mem::take(response.headers_mut());
        let body = read_capped(&mut response, &headers, request, what).await?;
        Ok(Answer {
            status,
            headers,
            body,
        })
    }
}

/// The body, or the error for one over [`MAX_RESPONSE_BODY_BYTES`] (by `Content-Length`
/// before reading, else once it grows past the cap).
async fn read_capped(
    response: &mut reqwest::Response,
    headers: &HeaderMap,
    request: &Request<'_>,
    what: &str,
) -> std::result::Result<std::result::Result<Vec<u8>, ApiError>, reqwest::Error> {
    let declared = headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|len| len > MAX_RESPONSE_BODY_BYTES as u64) {
        return Ok(Err(too_large(request.url, what)));
    }
    let mut collected = Vec::with_capacity(declared.unwrap_or(0).min(64 * 1024) as usize);
    while let Some(chunk) = response.chunk().await? {
        if collected.len() + chunk.len() > MAX_RESPONSE_BODY_BYTES {
            return Ok(Err(too_large(request.url, what)));
        }
        collected.extend_from_slice(&chunk);
    }
    Ok(Ok(collected))
}

impl Sender for Reqwest {
    async fn attempt(
        &self,
        request: &Request<'_>,
        what: &str,
    ) -> std::result::Result<Answer, NoAnswer> {
        self.exchange(request, what).await.map_err(|err| NoAnswer {
            nothing_sent: err.is_connect(),
            error: network_error(err, what, self.timeout),
        })
    }
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
