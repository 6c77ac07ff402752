//! The heartbeat PUT of load generation (`heartbeat simulate`), on connections of its own:
//! one TCP or TLS stream each, taken from a stack of idle ones and put back after the answer.
//! The request is the description every sender writes (`Request::write_http1`), into a buffer
//! the connection keeps, in one write; the answer is read with `httparse` into another. There
//! is no per-request URL handling, no pool keyed by origin, no redirect machinery, and the
//! answer is checked without building a record.
//!
//! Everything that makes a request safe is shared with the rest of the client: the
//! insecure-http rule (checked when the [`ApiClient`] was built), the headers, the TLS
//! configuration (`--cacert`), the retry loop, the errors and the redaction of the token.
//! Where these connections would behave differently from the client, the client sends the
//! beat: a host reached through a proxy, and a redirect (which the client follows within the
//! origin).

use super::client::{ApiClient, ApiResult, HeartbeatTarget};
use super::error::{ApiError, Failure, TransportFailure, transport_error};
use super::http1::{ReadError, Response, read_response};
use super::request::Request;
use super::retry::{Answer, MAX_RESPONSE_BODY_BYTES, NoAnswer, Sender, too_large};
use hyper::StatusCode;
use hyper::header::HeaderValue;
use rustls::pki_types::ServerName;
use std::mem::MaybeUninit;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Waker};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt, ReadBuf};
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
            return self.client.heartbeat_ack(target, &payload).await;
        };
        let what = target.what.as_str();
        let client = &self.client;
        let request = Request::put(&target.url, client.headers(), &payload);
        match client.send_via(lean, &request, what).await {
            Ok(answer) => client.check_ack(&answer, what),
            // A redirect is followed by the client (within the origin), or refused by it.
            Err(err) if err.failure == Failure::Redirect => {
                client.heartbeat_ack(target, &payload).await
            }
            Err(err) => Err(err),
        }
    }
}

/// Where the connections go, and the idle connections.
struct Connections {
    /// `host:port`, for connecting.
    address: String,
    host: String,
    port: u16,
    /// The `host` header: the port only when the URL names one, as reqwest writes it.
    authority: HeaderValue,
    tls: Option<(TlsConnector, ServerName<'static>)>,
    /// Keep the headers of every answer (for `-vv`), not only of those that are not a 2xx.
    all_headers: bool,
    timeout: Duration,
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
        let (url, tls) = client.direct_origin()?;
        let host = url.host_str()?.to_owned();
        let port = url.port_or_known_default()?;
        let tls = match (url.scheme(), tls) {
            ("http", _) => None,
            ("https", Some(config)) => {
                let mut config = rustls::ClientConfig::clone(config);
                config.alpn_protocols = vec![b"http/1.1".to_vec()];
                let name = ServerName::try_from(host.trim_matches(['[', ']']).to_owned()).ok()?;
                Some((TlsConnector::from(Arc::new(config)), name))
            }
            _ => return None,
        };
        let authority = match url.port() {
            Some(port) => format!("{host}:{port}"),
            None => host.clone(),
        };
        Some(Connections {
            address: format!("{host}:{port}"),
            authority: HeaderValue::from_str(&authority).ok()?,
            host,
            port,
            tls,
            all_headers: client.verbosity() >= 2,
            timeout: client.request_timeout(),
            idle: Mutex::new(Vec::new()),
        })
    }

    async fn exchange(&self, request: &Request<'_>, what: &str) -> Result<Answer, NoAnswer> {
        let idle = self.quiet_idle();
        let reused = idle.is_some();
        let mut connection = match idle {
            Some(connection) => connection,
            None => self.connect(what).await?,
        };
        let mut outcome = connection
            .exchange(request, &self.authority, self.all_headers)
            .await;
        if reused && request.is_idempotent() && closed_while_idle(&outcome) {
            // The server closed the idle connection as it was taken (its write met a closed
            // connection, the connection ended before any byte of an answer, or the server's
            // idle timeout answered 408 first): the request goes out again on a new one, once
            // (sending it twice does no harm); a second failure is the beat's.
            connection = self.connect(what).await?;
            outcome = connection
                .exchange(request, &self.authority, self.all_headers)
                .await;
        }
        let response = outcome.map_err(|err| match err {
            // The server answered, with bytes that are not an HTTP answer (a negative chunk
            // size, a length that is not digits): malformed, as from the client, and not
            // retried as a network failure would be.
            ReadError::Invalid(why) => NoAnswer {
                error: ApiError::new(
                    what,
                    Failure::Malformed,
                    format!("the server's response is not valid: {why}"),
                ),
                nothing_sent: false,
            },
            err => self.failed(err.into(), false, what),
        })?;
        if response.reusable {
            self.idle().push(connection);
        }
        Ok(Answer {
            status: response.status,
            headers: response.headers,
            body: response.body.ok_or_else(|| too_large(request.url, what)),
        })
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

    /// An idle connection on which nothing came since its last answer, the others dropped:
    /// bytes there were never asked for (a stale answer would be taken for the next one's),
    /// and the end of the connection means the server closed it.
    fn quiet_idle(&self) -> Option<Connection> {
        loop {
            let mut connection = self.idle().pop()?;
            if connection.is_quiet() {
                return Some(connection);
            }
        }
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
            nothing_sent: connect,
        }
    }
}

impl Sender for Connections {
    /// One attempt within `--request-timeout`: the request on an idle connection (or a new
    /// one), the answer read under the body cap, and the connection put back for the next.
    async fn attempt(&self, request: &Request<'_>, what: &str) -> Result<Answer, NoAnswer> {
        match tokio::time::timeout(self.timeout, self.exchange(request, what)).await {
            Ok(outcome) => outcome,
            Err(_) => Err(NoAnswer {
                error: transport_error(
                    anyhow::anyhow!("timed out"),
                    self.facts(true, false),
                    what,
                    self.timeout,
                ),
                nothing_sent: false,
            }),
        }
    }
}

impl Connection {
    /// Writes the request in one go and reads its answer.
    async fn exchange(
        &mut self,
        request: &Request<'_>,
        authority: &HeaderValue,
        all_headers: bool,
    ) -> Result<Response, ReadError> {
        request.write_http1(authority, &mut self.write);
        self.stream
            .write_all(&self.write)
            .await
            .map_err(ReadError::Lost)?;
        self.stream.flush().await.map_err(ReadError::Lost)?;
        read_response(
            &mut self.stream,
            &mut self.read,
            all_headers,
            MAX_RESPONSE_BODY_BYTES,
        )
        .await
    }

    /// Whether nothing has come on the connection since its last answer: no byte and not its
    /// end, looked at without waiting. First what the stream holds or the runtime already
    /// knows (TLS: records read but not yet returned, a `close_notify`), then the socket
    /// itself, which the runtime may not have looked at since.
    fn is_quiet(&mut self) -> bool {
        let mut probe = [0u8; 1];
        let mut probe = ReadBuf::new(&mut probe);
        let mut cx = Context::from_waker(Waker::noop());
        if Pin::new(&mut self.stream)
            .poll_read(&mut cx, &mut probe)
            .is_ready()
        {
            return false;
        }
        let mut peek = [MaybeUninit::uninit(); 1];
        matches!(
            socket2::SockRef::from(self.stream.tcp()).peek(&mut peek),
            Err(err) if err.kind() == std::io::ErrorKind::WouldBlock
        )
    }
}

/// A reused connection's request failed in a way that says the server had closed it, or
/// was closing it, before the request came: the write met a closed connection, the
/// connection ended (or was reset) before any byte of an answer, or the answer is a 408
/// (the server's idle timeout, sent before the request arrived).
fn closed_while_idle(outcome: &Result<Response, ReadError>) -> bool {
    match outcome {
        Ok(response) => response.status == StatusCode::REQUEST_TIMEOUT,
        Err(err) => err.before_answer(),
    }
}

impl ReadError {
    /// The connection failed before any byte of an answer came back.
    fn before_answer(&self) -> bool {
        matches!(self, ReadError::Closed | ReadError::Lost(_))
    }
}

/// A plain or TLS stream, and the TCP stream under it.
trait Io: AsyncRead + AsyncWrite + Unpin + Send {
    fn tcp(&self) -> &TcpStream;
}

impl Io for TcpStream {
    fn tcp(&self) -> &TcpStream {
        self
    }
}

impl Io for tokio_rustls::client::TlsStream<TcpStream> {
    fn tcp(&self) -> &TcpStream {
        self.get_ref().0
    }
}

#[cfg(test)]
#[path = "beats_tests.rs"]
mod tests;
