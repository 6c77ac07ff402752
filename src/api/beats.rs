//! The heartbeat PUT of load generation (`heartbeat simulate`), on connections of its own:
//! one TCP or TLS stream each, taken from a stack of idle ones and put back after the answer.
//! The request is written from a head encoded once (`http1::RequestHead`) into a buffer the
//! connection keeps, in one write; the answer is read with `httparse` into another. There is
//! no per-request URL handling, no pool keyed by origin, no redirect machinery, and the answer
//! is checked without building a record.
//!
//! Everything that makes a request safe is shared with the rest of the client: the
//! insecure-http rule (checked when the [`ApiClient`] was built), the TLS configuration
//! (`--cacert`), the retry loop, the errors and the redaction of the token. Where these
//! connections would behave differently from the client, the client sends the beat: a host
//! reached through a proxy, and a redirect (which the client follows within the origin).

use super::client::{ApiClient, ApiResult, HeartbeatTarget, USER_AGENT};
use super::error::{Failure, TransportFailure, transport_error};
use super::http1::{ReadError, RequestHead, read_response};
use super::transport::{Answer, MAX_BODY_BYTES, NoAnswer, too_large};
use hyper::Method;
use hyper::header::HeaderValue;
use rustls::pki_types::ServerName;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;

/// Sends heartbeats for a load generator: on the lean connections when they apply to the
/// host, else through the client.
pub struct HeartbeatSender {
    client: ApiClient,
    lean: Option<Connections>,
}

impl HeartbeatSender {
    pub fn new(client: ApiClient) -> HeartbeatSender {
        let lean = Connections::for_client(&client);
        HeartbeatSender { client, lean }
    }

    pub fn client(&self) -> &ApiClient {
        &self.client
    }

    /// The heartbeat PUT of `target` with `payload` as its body; succeeds on a 2xx whose body
    /// is a JSON object.
    pub async fn send(&self, target: &HeartbeatTarget, payload: Vec<u8>) -> ApiResult<()> {
        let Some(lean) = &self.lean else {
            return self.client.heartbeat_ack(target, payload).await;
        };
        let what = target.what.as_str();
        let client = &self.client;
        let outcome = client
            .retrying(&Method::PUT, &target.url, what, || {
                client.log_request(&Method::PUT, &target.url, Some(payload.len()));
                lean.attempt(client, &target.path, &payload, what)
            })
            .await;
        match outcome {
            Ok(answer) => client.check_ack(&answer, what),
            // A redirect is followed by the client (within the origin), or refused by it.
            Err(err) if err.failure == Failure::Redirect => {
                client.heartbeat_ack(target, payload).await
            }
            Err(err) => Err(client.scrub(err)),
        }
    }
}

/// Where the connections go, the constant part of every request, and the idle connections.
struct Connections {
    /// `host:port`, for connecting.
    address: String,
    host: String,
    port: u16,
    tls: Option<(TlsConnector, ServerName<'static>)>,
    head: RequestHead,
    /// Keep the headers of every answer (for `-vv`), not only of those that are not a 2xx.
    all_headers: bool,
    idle: Mutex<Vec<Connection>>,
}

/// One connection and its buffers.
struct Connection {
    stream: Box<dyn Io>,
    write: Vec<u8>,
    read: Vec<u8>,
}

impl Connections {
    /// The connections for the client's host, or `None` where the client must send instead
    /// (a proxy applies to the host).
    fn for_client(client: &ApiClient) -> Option<Connections> {
        if client.proxied {
            return None;
        }
        let url = &client.base_url;
        let host = url.host_str()?.to_owned();
        let port = url.port_or_known_default()?;
        let tls = match (url.scheme(), &client.tls) {
            ("http", _) => None,
            ("https", Some(config)) => {
                let mut config = rustls::ClientConfig::clone(config);
                config.alpn_protocols = vec![b"http/1.1".to_vec()];
                let name = ServerName::try_from(host.trim_matches(['[', ']']).to_owned()).ok()?;
                Some((TlsConnector::from(Arc::new(config)), name))
            }
            _ => return None,
        };
        // As the client writes it: the port only when the URL names one.
        let authority = match url.port() {
            Some(port) => format!("{host}:{port}"),
            None => host.clone(),
        };
        let host_value = HeaderValue::from_str(&authority).ok()?;
        let user_agent = HeaderValue::from_static(USER_AGENT);
        let json = HeaderValue::from_static("application/json");
        let mut headers = vec![
            ("host", &host_value),
            ("user-agent", &user_agent),
            ("accept", &json),
        ];
        if let Some(value) = &client.authorization {
            headers.push(("authorization", value));
        }
        headers.push(("content-type", &json));
        Some(Connections {
            address: format!("{host}:{port}"),
            host,
            port,
            tls,
            head: RequestHead::new(&headers),
            all_headers: client.ui.verbosity >= 2,
            idle: Mutex::new(Vec::new()),
        })
    }

    /// One attempt within `--request-timeout`: the PUT on an idle connection (or a new one),
    /// the answer read under the body cap, and the connection put back for the next beat.
    async fn attempt(
        &self,
        client: &ApiClient,
        path: &str,
        body: &[u8],
        what: &str,
    ) -> Result<Answer, NoAnswer> {
        let timeout = client.request_timeout;
        match tokio::time::timeout(timeout, self.exchange(client, path, body, what)).await {
            Ok(outcome) => outcome,
            Err(_) => Err(NoAnswer {
                error: transport_error(
                    anyhow::anyhow!("timed out"),
                    self.facts(true, false),
                    what,
                    timeout,
                ),
                retry_safe: false,
            }),
        }
    }

    async fn exchange(
        &self,
        client: &ApiClient,
        path: &str,
        body: &[u8],
        what: &str,
    ) -> Result<Answer, NoAnswer> {
        let idle = self.idle().pop();
        let reused = idle.is_some();
        let mut connection = match idle {
            Some(connection) => connection,
            None => self.connect(what).await?,
        };
        let mut outcome = connection
            .exchange(&self.head, path, body, self.all_headers)
            .await;
        if reused && outcome.as_ref().is_err_and(ReadError::before_answer) {
            // The server closed the idle connection as it was taken: the beat goes out again
            // on a new one (a heartbeat says the same thing twice without harm).
            connection = self.connect(what).await?;
            outcome = connection
                .exchange(&self.head, path, body, self.all_headers)
                .await;
        }
        let response = outcome.map_err(|err| self.failed(err.into(), false, what))?;
        if response.reusable {
            self.idle().push(connection);
        }
        let body = response
            .body
            .ok_or_else(|| too_large(&client.base_url, what));
        Ok((response.status, response.headers, body))
    }

    async fn connect(&self, what: &str) -> Result<Connection, NoAnswer> {
        let tcp = TcpStream::connect(&self.address)
            .await
            .map_err(|err| self.failed(err.into(), true, what))?;
        let _ = tcp.set_nodelay(true);
        let stream: Box<dyn Io> = match &self.tls {
            None => Box::new(tcp),
            Some((connector, name)) => Box::new(
                connector
                    .connect(name.clone(), tcp)
                    .await
                    .map_err(|err| self.failed(err.into(), true, what))?,
            ),
        };
        Ok(Connection {
            stream,
            write: Vec::with_capacity(1024),
            read: Vec::with_capacity(8192),
        })
    }

    fn idle(&self) -> std::sync::MutexGuard<'_, Vec<Connection>> {
        self.idle.lock().unwrap_or_else(|err| err.into_inner())
    }

    fn facts(&self, timed_out: bool, connect: bool) -> TransportFailure {
        TransportFailure {
            timed_out,
            connect,
            host: Some(self.host.clone()),
            port: Some(self.port),
        }
    }

    /// A failure without an answer (not a timeout); `connect`: before anything was sent.
    fn failed(&self, err: anyhow::Error, connect: bool, what: &str) -> NoAnswer {
        NoAnswer {
            error: transport_error(err, self.facts(false, connect), what, Duration::ZERO),
            retry_safe: connect,
        }
    }
}

impl Connection {
    /// Writes the request in one go and reads its answer.
    async fn exchange(
        &mut self,
        head: &RequestHead,
        path: &str,
        body: &[u8],
        all_headers: bool,
    ) -> Result<super::http1::Response, ReadError> {
        head.encode(&mut self.write, path.as_bytes(), body);
        self.stream
            .write_all(&self.write)
            .await
            .map_err(ReadError::Lost)?;
        self.stream.flush().await.map_err(ReadError::Lost)?;
        read_response(
            &mut self.stream,
            &mut self.read,
            all_headers,
            MAX_BODY_BYTES,
        )
        .await
    }
}

impl ReadError {
    /// The connection failed before any byte of an answer came back.
    fn before_answer(&self) -> bool {
        matches!(self, ReadError::Closed | ReadError::Lost(_))
    }
}

/// A plain or TLS stream.
trait Io: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Io for T {}
