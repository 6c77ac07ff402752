//! The one API client: how it is built (auth, TLS, timeouts, the insecure-http rule), the
//! calls of the Agents API, and the redaction of the token from all they return. Each call
//! describes its request (`request`), sends it through the one retry loop (`retry`) with
//! reqwest (`reqwest_sender`), and turns the body into records (`decode`).

use super::decode::{Page, read_agent, read_agent_list, read_page};
use super::error::{ApiError, malformed};
use super::ids::AgentId;
use super::models::HeartbeatRequest;
use super::pages::{ListRequest, WalkState};
use super::proxy::{ChosenProxy, ProxyConfig};
use super::record::Agent;
use super::request::{ClientHeaders, Request};
use super::reqwest_sender::Reqwest;
use super::retry::{Retries, Sender};
use super::urls::{self, agents_url, is_loopback};
use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::sanitize::sanitize;
use crate::secret::Secret;
use crate::ui::Ui;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use url::Url;

/// The outcome of one API call.
pub type ApiResult<T> = std::result::Result<T, ApiError>;

/// Everything the client needs, resolved from flags, environment and config.
#[derive(Debug, Clone)]
pub struct ClientOptions {
    pub base_url: Url,
    pub token: Option<Secret>,
    pub request_timeout: Duration,
    pub retries: u32,
    pub cacert: Option<PathBuf>,
    pub allow_insecure_http: bool,
    /// The proxy variables of the environment (`ProxyConfig::none()` for none).
    pub proxy: ProxyConfig,
    /// The run's clock: `Retry-After` dates and the `-v` timings are read on it.
    pub clock: Clock,
}

impl ClientOptions {
    /// The proxy a request to `url` goes through, by the rules every HTTP path of the program
    /// follows: never for a loopback host, `NO_PROXY` honoured, the scheme's variable before
    /// `ALL_PROXY`. An unusable proxy value is an error naming the variable.
    pub fn proxy_for(&self, url: &Url) -> std::result::Result<Option<ChosenProxy>, String> {
        self.proxy.proxy_for(url)
    }
}

/// See [`ApiClient::heartbeat_target`].
/// See [`ApiClient::heartbeat_target`].
#[derive(Debug, Clone)]
pub struct HeartbeatTarget {
    pub(super) url: Url,
    pub(super) what: String,
}

pub struct ApiClient {
    reqwest: Reqwest,
    base_url: Url,
    token: Option<Secret>,
    /// User agent, `Accept` and the bearer token (sensitive), built once.
    headers: ClientHeaders,
    request_timeout: Duration,
    retries: u32,
    ui: Arc<Ui>,
    /// The HTTPS configuration (for an https:// host), without ALPN.
    tls: Option<Arc<rustls::ClientConfig>>,
    /// Whether requests to the host go through a proxy.
    proxied: bool,
    /// The run's clock: `Retry-After` dates and the `-v` timings are read on it.
    clock: Clock,
}

impl ApiClient {
    pub fn new(options: ClientOptions, ui: Arc<Ui>) -> Result<ApiClient> {
        let base_url = options.base_url.clone();
        let proxy = options
            .proxy_for(&base_url)
            .map_err(|why| Error::usage(why).with_hint("fix or unset the variable"))?;
        // Loopback is exempt only because such a request stays on this machine (it is never
        // proxied); through a proxy, a plain-http token crosses the network to the proxy.
        let leaves_the_machine = !is_loopback(&base_url) || proxy.is_some();
        if options.token.is_some()
            && base_url.scheme() == "http"
            && leaves_the_machine
            && !options.allow_insecure_http
        {
            let through = proxy
                .as_ref()
                .map(|p| {
                    format!(
                        " through the proxy {} ({})",
                        urls::shown(&p.url),
                        p.variable
                    )
                })
                .unwrap_or_default();
            return Err(Error::usage(format!(
                "refusing to send the token over plain http:// to {}{through}",
                base_url.host_str().unwrap_or("?")
            ))
            .with_hint(
                "use an https:// host, or pass --allow-insecure-http if this network is trusted",
            ));
        }
        if let Some(proxy) = &proxy {
            ui.verbose(
                1,
                &format!(
                    "* proxy: {} (from {})",
                    urls::shown(&proxy.url),
                    proxy.variable
                ),
            );
        }
        let tls = if base_url.scheme() == "http" {
            None
        } else {
            // The one TLS configuration (system roots, plus --cacert), as the heartbeat
            // connections of `simulate` use it too.
            Some(Arc::new(super::tls::client_config(
                options.cacert.as_deref(),
            )?))
        };
        let reqwest = Reqwest::new(options.request_timeout, &options.proxy, tls.as_deref())?;
        let headers = ClientHeaders::new(options.token.as_ref())?;
        Ok(ApiClient {
            reqwest,
            base_url,
            headers,
            token: options.token,
            request_timeout: options.request_timeout,
            retries: options.retries,
            ui,
            tls,
            proxied: proxy.is_some(),
            clock: options.clock,
        })
    }

    fn heartbeat_url(&self, id: &AgentId) -> Url {
        agents_url(&self.base_url, Some(id), Some("heartbeat"))
    }

    /// `PUT /api/v1/agents/{uuid}/heartbeat`; returns the agent record the server answers with.
    pub async fn heartbeat(&self, id: &AgentId, body: &HeartbeatRequest) -> ApiResult<Agent> {
        let url = self.heartbeat_url(id);
        let what = format!("heartbeat for {}", sanitize(id.as_str()));
        let payload = body.to_json_bytes();
        let body = self
            .call(&Request::put(&url, &self.headers, &payload), &what)
            .await?;
        let agent = read_agent(&body, &what, self.secret()).map_err(|err| self.scrub(err))?;
        self.check_uuid(&agent, id, &what)?;
        Ok(self.scrub_record(agent))
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
    pub async fn heartbeat_ack(&self, target: &HeartbeatTarget, payload: &[u8]) -> ApiResult<()> {
        let what = target.what.as_str();
        let body = self
            .call(&Request::put(&target.url, &self.headers, payload), what)
            .await?;
        self.check_ack(&body, what)
    }

    /// An acknowledgement is a JSON object; it is checked, not built.
    pub(super) fn check_ack(&self, body: &[u8], what: &str) -> ApiResult<()> {
        let is_object = body.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{');
        if !is_object || serde_json::from_slice::<serde::de::IgnoredAny>(body).is_err() {
            return Err(self.scrub(malformed(
                what,
                "expected a JSON object",
                body,
                self.secret(),
            )));
        }
        Ok(())
    }

    /// `GET /api/v1/agents/{uuid}`.
    pub async fn get_agent(&self, id: &AgentId) -> ApiResult<Agent> {
        let what = format!("agent {}", sanitize(id.as_str()));
        let url = agents_url(&self.base_url, Some(id), None);
        let body = self.call(&Request::get(&url, &self.headers), &what).await?;
        let agent = read_agent(&body, &what, self.secret()).map_err(|err| self.scrub(err))?;
        self.check_uuid(&agent, id, &what)?;
        Ok(self.scrub_record(agent))
    }

    /// `GET /api/v1/agents?…`: a bare array, or an object holding it under `items`, `data`,
    /// `agents`, `list` or `records`.
    pub async fn list_agents(&self, query: &[(&str, &str)]) -> ApiResult<Vec<Agent>> {
        let mut url = agents_url(&self.base_url, None, None);
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(query);
        }
        let what = "agent list";
        let body = self.call(&Request::get(&url, &self.headers), what).await?;
        let agents = read_agent_list(&body, what, self.secret()).map_err(|err| self.scrub(err))?;
        Ok(agents.into_iter().map(|a| self.scrub_record(a)).collect())
    }

    /// Walks the listing page by page.
    pub fn walk(&self, request: ListRequest) -> PageWalk<'_> {
        PageWalk {
            client: self,
            request,
            state: WalkState::new(),
        }
    }

    /// `GET /api/v1/agents?page=N&pageSize=M&…`: one page.
    pub async fn list_page(
        &self,
        page: u64,
        page_size: u32,
        filters: &[(&'static str, String)],
    ) -> ApiResult<Page> {
        let mut url = agents_url(&self.base_url, None, None);
        {
            let mut query = url.query_pairs_mut();
            query
                .append_pair("page", &page.to_string())
                .append_pair("pageSize", &page_size.to_string());
            for (name, value) in filters {
                query.append_pair(name, value);
            }
        }
        let what = "agent list";
        let body = self.call(&Request::get(&url, &self.headers), what).await?;
        let most = usize::try_from(page_size).unwrap_or(usize::MAX);
        let mut page =
            read_page(&body, what, self.secret(), most).map_err(|err| self.scrub(err))?;
        page.records = page
            .records
            .into_iter()
            .map(|record| self.scrub_record(record))
            .collect();
        Ok(page)
    }

    /// Sends a request through reqwest, with retries; returns the body of a 2xx, or the error.
    async fn call(&self, request: &Request<'_>, what: &str) -> ApiResult<Vec<u8>> {
        self.send_via(&self.reqwest, request, what).await
    }

    /// Sends a request through `sender` under the client's retry loop; returns the body of a
    /// 2xx, or the error, the token scrubbed from it.
    pub(super) async fn send_via<S: Sender>(
        &self,
        sender: &S,
        request: &Request<'_>,
        what: &str,
    ) -> ApiResult<Vec<u8>> {
        let retries = Retries {
            retries: self.retries,
            ui: &self.ui,
            secret: self.secret(),
            clock: &self.clock,
        };
        retries
            .send(sender, request, what)
            .await
            .map_err(|err| self.scrub(err))
    }

    /// The headers every request of this client carries.
    pub(super) fn headers(&self) -> &ClientHeaders {
        &self.headers
    }

    /// The base URL and its TLS configuration (`None` for http://), when requests reach the
    /// host directly; `None` when they go through a proxy.
    pub(super) fn direct_origin(&self) -> Option<(&Url, Option<&Arc<rustls::ClientConfig>>)> {
        (!self.proxied).then_some((&self.base_url, self.tls.as_ref()))
    }

    pub(super) fn request_timeout(&self) -> Duration {
        self.request_timeout
    }

    /// `-v` (1), `-vv` (2) or none (0).
    pub(super) fn verbosity(&self) -> u8 {
        self.ui.verbosity
    }

    /// A server that echoes the token back (in an error body, a header) must not get it
    /// printed: every text built from a response passes through here.
    pub(super) fn scrub(&self, err: ApiError) -> ApiError {
        match &self.token {
            Some(token) => err.scrubbed(token.expose()),
            None => err,
        }
    }

    /// A record that names another agent than the one asked for is not an answer to the call
    /// (a confused proxy or cache, a server bug): an API error, never printed as if it were.
    /// A record without a uuid is taken as it is.
    fn check_uuid(&self, agent: &Agent, id: &AgentId, what: &str) -> ApiResult<()> {
        match agent.uuid() {
            Some(uuid) if uuid != id.as_str() => Err(self.scrub(ApiError::new(
                what,
                super::error::Failure::Malformed,
                format!(
                    "the server answered with the record of another agent ('{}'), not '{}'",
                    sanitize(&crate::secret::redact_and_cut(&uuid, self.secret(), 80)),
                    sanitize(id.as_str())
                ),
            ))),
            _ => Ok(()),
        }
    }

    /// A record that echoes the token has it redacted in every string (keys included): every
    /// record enters through this client, so every output (table, JSON, watch events and the
    /// live table) shows `[REDACTED]`, the one exception to "the record exactly as sent".
    fn scrub_record(&self, agent: Agent) -> Agent {
        match &self.token {
            Some(token) => agent.redacted(token.expose()),
            None => agent,
        }
    }

    /// The token, for the error builders that quote a response (they redact it before
    /// cutting the quote).
    fn secret(&self) -> Option<&str> {
        self.token.as_ref().map(|t| t.expose())
    }
}

/// A walk over the listing's pages through the API client; see `api::pages`.
pub struct PageWalk<'a> {
    client: &'a ApiClient,
    request: ListRequest,
    state: WalkState,
}

impl PageWalk<'_> {
    /// The next page's new records; `None` once the walk is over. After an error the walk is
    /// over. A page may hold no new record while the walk goes on.
    pub async fn next(&mut self) -> Option<ApiResult<Vec<Agent>>> {
        let number = self.state.next_page()?;
        match self
            .client
            .list_page(number, self.request.page_size, &self.request.filters)
            .await
        {
            Ok(page) => {
                let (records, warning) = self.state.accept(page);
                if let Some(warning) = warning {
                    self.client.ui.warn(&warning);
                }
                Some(Ok(records))
            }
            Err(err) => {
                self.state.finish();
                Some(Err(err))
            }
        }
    }

    /// Ends the walk early (`--limit`).
    pub fn finish(&mut self) {
        self.state.finish();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

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
            proxy: ProxyConfig::none(),
            clock: Clock::system(),
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

    /// A server that answers in plain HTTP on the port of an https:// host: rustls reads its
    /// answer as a record of no known type.
    #[tokio::test]
    async fn an_https_host_that_answers_in_plain_http_is_a_tls_failure_for_both_senders() {
        use tokio::io::AsyncWriteExt;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        tokio::spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                let _ = stream
                    .write_all(b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n")
                    .await;
            }
        });
        let (ui, _) = Ui::captured(false);
        let options = ClientOptions {
            base_url: Url::parse(&format!("https://127.0.0.1:{port}")).unwrap(),
            token: Some(Secret::new("t0k")),
            request_timeout: Duration::from_secs(30),
            retries: 0,
            cacert: None,
            allow_insecure_http: false,
            proxy: ProxyConfig::none(),
            clock: Clock::system(),
        };
        let client = ApiClient::new(options, Arc::new(ui)).unwrap();
        let id = AgentId::parse("a").unwrap();
        let target = client.heartbeat_target(&id);
        let by_reqwest = client.get_agent(&id).await.unwrap_err();
        let lean = super::super::HeartbeatSender::new(client);
        let by_lean = lean.send(&target, b"{}".to_vec()).await.unwrap_err();
        for err in [by_reqwest, by_lean] {
            assert_eq!(err.failure, super::super::Failure::Tls, "{err}");
            assert!(
                err.detail
                    .starts_with("TLS failed: the TLS handshake failed (")
                    && err.detail.contains("InvalidContentType"),
                "{err}"
            );
            assert!(
                err.hint.as_deref().unwrap().contains("speaks HTTPS"),
                "{err}"
            );
        }
    }
}
