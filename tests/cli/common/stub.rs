//! A hostile HTTP stub on loopback: answers each request with whatever bytes a test scripts,
//! including ones no honest server sends (escape sequences, endless bodies, stalls, resets),
//! and records every request it received.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// One request as the stub received it.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub at: Instant,
}

impl Recorded {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// What the stub does with a request.
pub enum Reply {
    /// Write these bytes (a whole response) and close.
    Raw(Vec<u8>),
    /// A 200 with a JSON body.
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
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let addr = listener.local_addr().unwrap();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let reply = Arc::new(reply);
        let recorded = requests.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let reply = reply.clone();
                let recorded = recorded.clone();
                std::thread::spawn(move || serve(stream, &*reply, &recorded));
            }
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

/// A complete response with a JSON content type.
pub fn response(status: u16, body: &[u8], extra_headers: &str) -> Vec<u8> {
    let mut out = format!(
        "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n{extra_headers}\r\n",
        body.len()
    )
    .into_bytes();
    out.extend_from_slice(body);
    out
}

fn serve(
    stream: TcpStream,
    reply: &(dyn Fn(&Recorded) -> Reply + Send + Sync),
    recorded: &Mutex<Vec<Recorded>>,
) {
    let Ok(read_half) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(read_half);
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).unwrap_or(0) == 0 {
        return;
    }
    let mut parts = request_line.split_whitespace();
    let method = parts.next().unwrap_or_default().to_owned();
    let path = parts.next().unwrap_or_default().to_owned();
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
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
    if reader.read_exact(&mut body).is_err() {
        return;
    }
    let request = Recorded {
        method,
        path,
        headers,
        body,
        at: Instant::now(),
    };
    recorded.lock().unwrap().push(request.clone());
    let mut stream = stream;
    match reply(&request) {
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
        Reply::Reset => reset(stream),
    }
}

/// Closes with RST instead of FIN: SO_LINGER with a zero timeout.
fn reset(stream: TcpStream) {
    let _ = socket2::SockRef::from(&stream).set_linger(Some(Duration::ZERO));
    drop(stream);
}
