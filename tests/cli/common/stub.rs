//! The one hand-written HTTP test server of the suite, on loopback. It reads requests one way
//! and records each as it arrived; three front ends decide the answers:
//!
//! - [`Stub`]: a hostile server answering each request with whatever bytes a test scripts,
//!   including ones no honest server sends (escape sequences, endless bodies, stalls, resets);
//! - [`ScriptServer`]: keep-alive routes with a sequence of answers each (the last one
//!   repeats), a delay per answer served in parallel, and a count of requests in flight;
//! - [`TlsStub`]: the same over TLS with certificates made for the test (a private CA, and a
//!   leaf that is good, expired, or for another name).
//!
//! httpmock is used where a mock reads best; the dev server for end-to-end runs.

use std::collections::HashMap;
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
    /// Which connection of the server it came on (numbered from 0 as they were accepted; the
    /// keep-alive front end only).
    pub connection: usize,
    pub at: Instant,
}

/// The name the keep-alive front end's tests use.
pub type Received = Recorded;

impl Recorded {
    /// A header's value, by name in any case.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The path without its query string.
    pub fn route(&self) -> &str {
        self.path.split('?').next().unwrap_or("")
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
        at: Instant::now(),
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
    /// A response with this status and JSON body.
    Json(u16, String),
    /// Write the head, then `total` bytes of body in chunks as fast as the reader takes them,
    /// then hold the connection open for ten seconds (a client that buffers everything is
    /// caught holding it all).
    Endless {
        content_length: Option<u64>,
        total: u64,
    },
    /// Write the head and a first part of the body, then go silent for `stall`.
    Stall {
        head_and_start: Vec<u8>,
        stall: Duration,
    },
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

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.requests.lock().unwrap().clone()
    }
}

fn answer_once(mut stream: TcpStream, reply: Reply) {
    match reply {
        Reply::Raw(bytes) => {
            let _ = stream.write_all(&bytes);
        }
        Reply::Json(status, body) => {
            let _ = stream.write_all(&response(status, body.as_bytes(), ""));
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
        Reply::Stall {
            head_and_start,
            stall,
        } => {
            let _ = stream.write_all(&head_and_start);
            let _ = stream.flush();
            std::thread::sleep(stall);
        }
        Reply::Reset => {
            // RST instead of FIN: SO_LINGER with a zero timeout.
            let _ = socket2::SockRef::from(&stream).set_linger(Some(Duration::ZERO));
            drop(stream);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The keep-alive front end: routes with a sequence of answers each.

/// One answer of a route: status, JSON body, and how long to wait before sending it.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    pub body: String,
    pub delay: Duration,
}

impl Answer {
    pub fn json(status: u16, body: impl Into<String>) -> Answer {
        Answer {
            status,
            body: body.into(),
            delay: Duration::ZERO,
        }
    }

    pub fn ok(body: impl Into<String>) -> Answer {
        Answer::json(200, body)
    }

    pub fn after(mut self, delay: Duration) -> Answer {
        self.delay = delay;
        self
    }
}

#[derive(Default)]
struct Routes {
    answers: HashMap<(String, String), Vec<Answer>>,
    received: Vec<Recorded>,
}

#[derive(Clone, Default)]
struct Counters {
    in_flight: Arc<AtomicUsize>,
    max_in_flight: Arc<AtomicUsize>,
    served: Arc<AtomicUsize>,
    connections: Arc<AtomicUsize>,
}

pub struct ScriptServer {
    addr: SocketAddr,
    routes: Arc<Mutex<Routes>>,
    counters: Counters,
}

impl ScriptServer {
    pub fn start() -> ScriptServer {
        Self::start_with(true)
    }

    /// A server that counts requests but does not keep them (for load runs).
    pub fn counting() -> ScriptServer {
        Self::start_with(false)
    }

    fn start_with(record: bool) -> ScriptServer {
        let routes: Arc<Mutex<Routes>> = Arc::default();
        let counters = Counters::default();
        let (shared_routes, shared_counters) = (routes.clone(), counters.clone());
        let addr = listen(move |stream| {
            serve_keep_alive(stream, &shared_routes, &shared_counters, record)
        });
        ScriptServer {
            addr,
            routes,
            counters,
        }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Answers `method path` (path without query) with `answers` in turn, the last repeating.
    pub fn route(&self, method: &str, path: &str, answers: Vec<Answer>) {
        assert!(!answers.is_empty(), "a route needs at least one answer");
        self.routes
            .lock()
            .unwrap()
            .answers
            .insert((method.to_owned(), path.to_owned()), answers);
    }

    pub fn received(&self) -> Vec<Recorded> {
        self.routes.lock().unwrap().received.clone()
    }

    /// Requests whose path (without query) is `path`.
    pub fn received_at(&self, path: &str) -> Vec<Recorded> {
        self.received()
            .into_iter()
            .filter(|r| r.route() == path)
            .collect()
    }

    pub fn served(&self) -> usize {
        self.counters.served.load(Ordering::SeqCst)
    }

    pub fn max_in_flight(&self) -> usize {
        self.counters.max_in_flight.load(Ordering::SeqCst)
    }
}

/// One connection, kept alive for as many requests as the client sends.
fn serve_keep_alive(stream: TcpStream, routes: &Mutex<Routes>, counters: &Counters, record: bool) {
    let Ok(mut writer) = stream.try_clone() else {
        return;
    };
    let connection = counters.connections.fetch_add(1, Ordering::SeqCst);
    let mut reader = BufReader::new(stream);
    while let Some(mut request) = read_request(&mut reader) {
        request.connection = connection;
        let now = counters.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        counters.max_in_flight.fetch_max(now, Ordering::SeqCst);
        let answer = {
            let key = (request.method.clone(), request.route().to_owned());
            let mut routes = routes.lock().unwrap();
            if record {
                routes.received.push(request);
            }
            match routes.answers.get_mut(&key) {
                Some(answers) if answers.len() > 1 => answers.remove(0),
                Some(answers) => answers[0].clone(),
                None => Answer::json(404, r#"{"message":"no such route"}"#),
            }
        };
        if !answer.delay.is_zero() {
            std::thread::sleep(answer.delay);
        }
        let head = format!(
            "HTTP/1.1 {} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
            answer.status,
            answer.body.len()
        );
        counters.in_flight.fetch_sub(1, Ordering::SeqCst);
        counters.served.fetch_add(1, Ordering::SeqCst);
        if writer.write_all(head.as_bytes()).is_err()
            || writer.write_all(answer.body.as_bytes()).is_err()
        {
            return;
        }
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
