//! The one hand-written HTTP test server of the suite, on loopback, for what httpmock (the
//! server of every ordinary request-matching test, `common::mock`) cannot do. It reads
//! requests one way and records each as it arrived; the front ends decide the answers:
//!
//! - [`Stub`]: a hostile server answering each request with whatever bytes a test scripts,
//!   including ones no honest server sends (broken framing, endless bodies, stalls, resets);
//! - [`KeepAlive`]: one answer on kept-alive connections, each request recorded byte for
//!   byte with the connection it came on;
//! - [`TlsStub`]: the same over TLS with certificates made for the test (a private CA, and a
//!   leaf that is good, expired, or for another name);
//! - [`LoggingProxy`]: a proxy that logs the head of each request and refuses it;
//! - [`Silent`]: a listener that accepts connections and never answers.

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// One request as the server received it.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    /// The request target as sent: path and query string.
    pub path: String,
    /// Header names as sent; look them up with [`Recorded::header`].
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// The request byte for byte as it arrived.
    pub raw: Vec<u8>,
    /// Which connection of the server it came on (numbered from 0 as they were accepted;
    /// [`KeepAlive`] only).
    pub connection: usize,
}

impl Recorded {
    /// A header's value, by name in any case.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Reads one request: the request line, headers and a `Content-Length` body. `None` when the
/// connection closes or the request is cut short.
fn read_request(reader: &mut impl BufRead) -> Option<Recorded> {
    let mut line = String::new();
    if reader.read_line(&mut line).ok()? == 0 {
        return None;
    }
    let mut raw = line.clone().into_bytes();
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_owned();
    let path = parts.next()?.to_owned();
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        raw.extend_from_slice(line.as_bytes());
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            headers.push((name.trim().to_owned(), value.trim().to_owned()));
        }
    }
    let length = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse::<usize>().ok())
        .unwrap_or(0);
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    raw.extend_from_slice(&body);
    Some(Recorded {
        method,
        path,
        headers,
        body,
        raw,
        connection: 0,
    })
}

/// Accepts connections on a loopback port, each served on its own thread by `serve`.
fn listen(serve: impl Fn(TcpStream) + Send + Sync + 'static) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let addr = listener.local_addr().unwrap();
    let serve = Arc::new(serve);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { continue };
            let _ = stream.set_nodelay(true);
            let serve = serve.clone();
            std::thread::spawn(move || serve(stream));
        }
    });
    addr
}

/// A complete response with a JSON content type, closing the connection.
pub fn response(status: u16, body: &[u8], extra_headers: &str) -> Vec<u8> {
    let mut out = format!(
        "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n{extra_headers}\r\n",
        body.len()
    )
    .into_bytes();
    out.extend_from_slice(body);
    out
}

// ---------------------------------------------------------------------------------------------
// The hostile front end: one scripted answer per connection.

/// What the stub does with a request.
pub enum Reply {
    /// Write these bytes (a whole response) and close.
    Raw(Vec<u8>),
    /// Write the head, then `total` bytes of body in chunks as fast as the reader takes them,
    /// then hold the connection open for ten seconds (a client that buffers everything is
    /// caught holding it all).
    Endless {
        content_length: Option<u64>,
        total: u64,
    },
    /// Write the head and a first part of the body, then go silent until the client hangs
    /// up: only a timeout of the client's own ends the call (or the minute-long bound of
    /// [`super::World::cmd`], failing the test).
    Stall { head_and_start: Vec<u8> },
    /// Close the connection with a TCP reset, before any answer.
    Reset,
}

pub struct Stub {
    addr: SocketAddr,
    requests: Arc<Mutex<Vec<Recorded>>>,
}

impl Stub {
    pub fn start(reply: impl Fn(&Recorded) -> Reply + Send + Sync + 'static) -> Stub {
        let requests = Arc::new(Mutex::new(Vec::new()));
        let recorded = requests.clone();
        let addr = listen(move |stream| {
            let Ok(read_half) = stream.try_clone() else {
                return;
            };
            let Some(request) = read_request(&mut BufReader::new(read_half)) else {
                return;
            };
            recorded.lock().unwrap().push(request.clone());
            answer_once(stream, reply(&request));
        });
        Stub { addr, requests }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.requests.lock().unwrap().clone()
    }
}

/// Reads and drops whatever the client sends until it closes the connection, for two
/// minutes at most (so a client that never gives up does not keep the thread forever).
fn wait_for_hang_up(stream: &mut TcpStream) {
    let until = Instant::now() + Duration::from_secs(120);
    let _ = stream.set_read_timeout(Some(Duration::from_secs(1)));
    let mut buffer = [0u8; 1024];
    while Instant::now() < until {
        match std::io::Read::read(stream, &mut buffer) {
            Ok(0) => return,
            Ok(_) => {}
            Err(err)
                if matches!(
                    err.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) => {}
            Err(_) => return,
        }
    }
}

fn answer_once(mut stream: TcpStream, reply: Reply) {
    match reply {
        Reply::Raw(bytes) => {
            let _ = stream.write_all(&bytes);
        }
        Reply::Endless {
            content_length,
            total,
        } => {
            let length_header = content_length
                .map(|n| format!("content-length: {n}\r\n"))
                .unwrap_or_default();
            let head = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n{length_header}connection: close\r\n\r\n"
            );
            if stream.write_all(head.as_bytes()).is_err() {
                return;
            }
            let chunk = vec![b' '; 64 * 1024];
            let mut sent = 0;
            while sent < total {
                if stream.write_all(&chunk).is_err() {
                    return;
                }
                sent += chunk.len() as u64;
            }
            std::thread::sleep(Duration::from_secs(10));
        }
        Reply::Stall { head_and_start } => {
            let _ = stream.write_all(&head_and_start);
            let _ = stream.flush();
            wait_for_hang_up(&mut stream);
        }
        Reply::Reset => {
            // RST instead of FIN: SO_LINGER with a zero timeout.
            let _ = socket2::SockRef::from(&stream).set_linger(Some(Duration::ZERO));
            drop(stream);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The keep-alive front end: one answer, requests recorded byte for byte per connection.

pub struct KeepAlive {
    addr: SocketAddr,
    received: Arc<Mutex<Vec<Recorded>>>,
}

/// What a [`KeepAlive`] server does with a connection once it has answered on it.
#[derive(Clone, Copy)]
pub enum WhenIdle {
    /// Waits for the next request.
    Wait,
    /// Ten milliseconds later (the connection idle by then), sends these bytes nobody asked
    /// for, then waits for the next request: a stale answer a client must not take for the
    /// answer to its next request.
    Send(&'static [u8]),
    /// Ten milliseconds later, sends these bytes and closes the connection, as a server whose
    /// idle timeout answers `408` does.
    SendAndClose(&'static [u8]),
}

impl KeepAlive {
    /// Answers every request with `status` and the JSON `body`, keeping the connection open
    /// for as many requests as the client sends on it.
    pub fn start(status: u16, body: &'static str) -> KeepAlive {
        KeepAlive::start_idle(status, body, WhenIdle::Wait)
    }

    /// [`KeepAlive::start`], doing `idle` after each answer.
    pub fn start_idle(status: u16, body: &'static str, idle: WhenIdle) -> KeepAlive {
        let received: Arc<Mutex<Vec<Recorded>>> = Arc::default();
        let connections = Arc::new(AtomicUsize::new(0));
        let recorded = received.clone();
        let addr = listen(move |stream| {
            let Ok(mut writer) = stream.try_clone() else {
                return;
            };
            let connection = connections.fetch_add(1, Ordering::SeqCst);
            let mut reader = BufReader::new(stream);
            while let Some(mut request) = read_request(&mut reader) {
                request.connection = connection;
                recorded.lock().unwrap().push(request);
                let head = format!(
                    "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
                    body.len()
                );
                if writer.write_all(head.as_bytes()).is_err()
                    || writer.write_all(body.as_bytes()).is_err()
                {
                    return;
                }
                let (WhenIdle::Send(unasked) | WhenIdle::SendAndClose(unasked)) = idle else {
                    continue;
                };
                // The client has read the answer and put the connection aside by now.
                std::thread::sleep(Duration::from_millis(10));
                if writer.write_all(unasked).is_err() || matches!(idle, WhenIdle::SendAndClose(_)) {
                    return;
                }
            }
        });
        KeepAlive { addr, received }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn received(&self) -> Vec<Recorded> {
        self.received.lock().unwrap().clone()
    }
}

// ---------------------------------------------------------------------------------------------
// The TLS front end.

pub enum Leaf {
    Good,
    Expired,
    OtherName,
}

pub struct TlsStub {
    pub addr: SocketAddr,
    /// The private CA's certificate, PEM.
    pub ca_pem: String,
}

impl TlsStub {
    /// Serves `body` with status 200 to every request over TLS, with the chosen leaf certificate.
    pub fn start(leaf: Leaf, body: &'static str) -> TlsStub {
        use rcgen::{
            BasicConstraints, CertificateParams, CertifiedIssuer, IsCa, KeyPair, date_time_ymd,
        };
        use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

        let ca_key = KeyPair::generate().unwrap();
        let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        let ca = CertifiedIssuer::self_signed(ca_params, ca_key).unwrap();

        let names = match leaf {
            Leaf::OtherName => vec!["other.example".to_owned()],
            _ => vec!["localhost".to_owned(), "127.0.0.1".to_owned()],
        };
        let mut leaf_params = CertificateParams::new(names).unwrap();
        if let Leaf::Expired = leaf {
            leaf_params.not_before = date_time_ymd(2020, 1, 1);
            leaf_params.not_after = date_time_ymd(2021, 1, 1);
        }
        let leaf_key = KeyPair::generate().unwrap();
        let leaf_cert = leaf_params.signed_by(&leaf_key, &ca).unwrap();

        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(
                vec![CertificateDer::from(leaf_cert.der().to_vec())],
                PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf_key.serialize_der())),
            )
            .unwrap();
        let config = Arc::new(config);
        let addr = listen(move |tcp| {
            let Ok(connection) = rustls::ServerConnection::new(config.clone()) else {
                return;
            };
            let mut tls = rustls::StreamOwned::new(connection, tcp);
            // A failed handshake (the client refused the certificate) ends here.
            if read_request(&mut BufReader::new(&mut tls)).is_none() {
                return;
            }
            let _ = tls.write_all(&response(200, body.as_bytes(), ""));
            tls.conn.send_close_notify();
            let _ = tls.flush();
        });
        TlsStub {
            addr,
            ca_pem: ca.pem(),
        }
    }

    pub fn url(&self, host: &str) -> String {
        format!("https://{host}:{}", self.addr.port())
    }
}

// ---------------------------------------------------------------------------------------------
// A proxy that refuses everything, and a listener that never answers.

/// A proxy on 127.0.0.2 that logs the head of every request it gets and refuses it (403).
pub struct LoggingProxy {
    pub url: String,
    heads: Mutex<Vec<String>>,
    listener: TcpListener,
}

impl LoggingProxy {
    pub fn start() -> LoggingProxy {
        let listener = TcpListener::bind("127.0.0.2:0").expect("bind 127.0.0.2");
        let url = format!("http://{}", listener.local_addr().unwrap());
        LoggingProxy {
            url,
            heads: Mutex::default(),
            listener,
        }
    }

    /// Serves the connections already waiting (the client has finished by now), then says
    /// what they asked for.
    pub fn heads(&self) -> Vec<String> {
        self.listener.set_nonblocking(true).unwrap();
        while let Ok((stream, _)) = self.listener.accept() {
            stream.set_nonblocking(false).unwrap();
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut head = String::new();
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line.trim().is_empty() {
                    break;
                }
                head.push_str(&line);
            }
            let _ = (&stream).write_all(b"HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\n\r\n");
            self.heads.lock().unwrap().push(head);
        }
        self.heads.lock().unwrap().clone()
    }
}

/// A loopback listener that accepts connections and never answers: a client connected to
/// it waits.
pub struct Silent {
    listener: TcpListener,
}

impl Silent {
    pub fn start() -> Silent {
        Silent {
            listener: TcpListener::bind("127.0.0.1:0").expect("bind loopback"),
        }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.listener.local_addr().unwrap())
    }

    /// Waits for the next client to connect, and keeps its connection open while the
    /// returned stream lives.
    pub fn accept(&self) -> TcpStream {
        self.listener.accept().unwrap().0
    }
}
