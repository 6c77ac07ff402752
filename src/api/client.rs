//! The one HTTP client: how it is built (auth, TLS, timeouts, the insecure-http rule) and the
//! calls of the Agents API. Sending, retrying and reading bodies live in `transport`;
//! turning bodies into records in `decode`.

use super::decode::{read_agent, read_agent_list};
use super::error::{ApiError, malformed};
use super::ids::AgentId;
use super::models::{Agent, HeartbeatRequest};
use super::proxy::{ChosenProxy, ProxyConfig};
use super::transport::{is_loopback, same_origin_redirects};
use crate::clock::Clock;
use crate::error::{Error, ErrorKind, Result};
use crate::sanitize::sanitize;
use crate::secret::Secret;
use crate::ui::Ui;
use reqwest::Method;
use reqwest::header::HeaderValue;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use url::Url;

pub const USER_AGENT: &str = concat!("agentctl/", env!("CARGO_PKG_VERSION"));

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
#[derive(Debug, Clone)]
pub struct HeartbeatTarget {
    pub(super) url: Url,
    pub(super) what: String,
    /// The request target (the URL's path) as the heartbeat connections send it.
    pub(super) path: String,
}

pub struct ApiClient {
    pub(super) http: reqwest::Client,
    pub(super) base_url: Url,
    pub(super) token: Option<Secret>,
    pub(super) request_timeout: Duration,
    pub(super) retries: u32,
    /// `Bearer <token>`, built once and marked sensitive (never printed by the HTTP stack).
    pub(super) authorization: Option<HeaderValue>,
    pub(super) ui: Arc<Ui>,
    /// The HTTPS configuration (for an https:// host), without ALPN.
    pub(super) tls: Option<Arc<rustls::ClientConfig>>,
    /// Whether requests to the host go through a proxy.
    pub(super) proxied: bool,
    pub(super) clock: Clock,
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
                .map(|p| format!(" through the proxy {} ({})", proxy_text(&p.url), p.variable))
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
                    proxy_text(&proxy.url),
                    proxy.variable
                ),
            );
        }

        // reqwest is built without a default crypto provider so that only ring is linked.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let mut builder = reqwest::Client::builder()
            .user_agent(USER_AGENT)
            .timeout(options.request_timeout)
            .connect_timeout(options.request_timeout.min(Duration::from_secs(10)))
            .redirect(same_origin_redirects())
            .tcp_nodelay(true)
            .pool_idle_timeout(Duration::from_secs(30))
            // reqwest's own reading of the environment would proxy loopback too: the one
            // rule is ProxyConfig's.
            .no_proxy();
        if options.proxy != ProxyConfig::none() {
            let proxies = options.proxy.clone();
            builder = builder.proxy(reqwest::Proxy::custom(move |url| {
                proxies.proxy_for(url).ok().flatten().map(|p| p.url)
            }));
        }
        let tls = if base_url.scheme() == "http" {
            // Plain HTTP: do not load the system root store just to never use it. Redirects
            // never leave the origin, so no TLS connection can follow.
            builder = builder.tls_certs_only(Vec::new());
            None
        } else {
            // The one TLS configuration (system roots, plus --cacert), as the heartbeat
            // connections of `simulate` use it; HTTP/2 when the server offers it.
            let tls = super::tls::client_config(options.cacert.as_deref())?;
            let mut with_alpn = tls.clone();
            with_alpn.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
            builder = builder.tls_backend_preconfigured(with_alpn);
            Some(Arc::new(tls))
        };
        let http = builder.build().map_err(|err| {
            Error::new(ErrorKind::Network, format!("could not set up HTTPS: {err}"))
        })?;
        let authorization = match options.token.as_ref() {
            Some(token) => {
                crate::secret::check_token(token.expose()).map_err(|why| {
                    Error::usage(why)
                        .with_hint("check AGENTCTL_TOKEN, or run `agentctl auth login` again")
                })?;
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
            tls,
            proxied: proxy.is_some(),
            clock: options.clock,
        })
    }

    pub fn agents_url(&self, id: Option<&AgentId>, tail: Option<&str>) -> Url {
        agents_url(&self.base_url, id, tail)
    }

    pub fn heartbeat_url(&self, id: &AgentId) -> Url {
        self.agents_url(Some(id), Some("heartbeat"))
    }

    /// `PUT /api/v1/agents/{uuid}/heartbeat`; returns the agent record the server answers with.
    pub async fn heartbeat(&self, id: &AgentId, body: &HeartbeatRequest) -> ApiResult<Agent> {
        let payload = body.to_json_bytes();
        self.heartbeat_raw(id, payload).await
    }

    /// The heartbeat PUT with a body already serialized.
    pub async fn heartbeat_raw(&self, id: &AgentId, payload: Vec<u8>) -> ApiResult<Agent> {
        let url = self.heartbeat_url(id);
        let what = format!("heartbeat for {}", sanitize(id.as_str()));
        let body = self.call(Method::PUT, url, Some(payload), &what).await?;
        let agent = read_agent(&body, &what, self.secret()).map_err(|err| self.scrub(err))?;
        self.check_uuid(&agent, id, &what)?;
        Ok(self.scrub_record(agent))
    }

    /// The URL and error wording of one agent's heartbeat, built once for a sender that
    /// beats the same agent many times (building a URL re-parses it).
    pub fn heartbeat_target(&self, id: &AgentId) -> HeartbeatTarget {
        let url = self.heartbeat_url(id);
        let path = url[url::Position::BeforePath..url::Position::AfterQuery].to_owned();
        HeartbeatTarget {
            url,
            what: format!("heartbeat for {}", sanitize(id.as_str())),
            path,
        }
    }

    /// The heartbeat PUT for load generation: succeeds on a 2xx whose body is a JSON object,
    /// without building the agent record (that costs more than the rest of the call).
    pub async fn heartbeat_ack(&self, target: &HeartbeatTarget, payload: Vec<u8>) -> ApiResult<()> {
        let what = target.what.as_str();
        let body = self
            .call(Method::PUT, target.url.clone(), Some(payload), what)
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
        let body = self
            .call(Method::GET, self.agents_url(Some(id), None), None, &what)
            .await?;
        let agent = read_agent(&body, &what, self.secret()).map_err(|err| self.scrub(err))?;
        self.check_uuid(&agent, id, &what)?;
        Ok(self.scrub_record(agent))
    }

    /// `GET /api/v1/agents?…`: a bare array, or an object holding it under `items`, `data`,
    /// `agents`, `list` or `records`.
    pub async fn list_agents(&self, query: &[(&str, &str)]) -> ApiResult<Vec<Agent>> {
        let mut url = self.agents_url(None, None);
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(query);
        }
        let what = "agent list";
        let body = self.call(Method::GET, url, None, what).await?;
        let agents = read_agent_list(&body, what, self.secret()).map_err(|err| self.scrub(err))?;
        Ok(agents.into_iter().map(|a| self.scrub_record(a)).collect())
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
    pub(super) fn scrub_record(&self, agent: Agent) -> Agent {
        match &self.token {
            Some(token) => agent.redacted(token.expose()),
            None => agent,
        }
    }

    /// The token, for the error builders that quote a response (they redact it before
    /// cutting the quote).
    pub(super) fn secret(&self) -> Option<&str> {
        self.token.as_ref().map(|t| t.expose())
    }

    pub(super) fn scrub_text<'a>(&self, text: &'a str) -> std::borrow::Cow<'a, str> {
        match &self.token {
            Some(token) if !token.expose().is_empty() && text.contains(token.expose()) => {
                std::borrow::Cow::Owned(text.replace(token.expose(), "[REDACTED]"))
            }
            _ => std::borrow::Cow::Borrowed(text),
        }
    }
}

/// A proxy URL for messages: without its password.
fn proxy_text(url: &Url) -> String {
    let mut shown = url.clone();
    if shown.password().is_some() {
        let _ = shown.set_password(Some("[REDACTED]"));
    }
    sanitize(shown.as_str()).into_owned()
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
                proxy: ProxyConfig::none(),
                clock: Clock::system(),
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
}
