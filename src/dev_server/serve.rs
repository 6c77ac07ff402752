//! The dev server's connections: HTTP/1.1 only (no h2c), with a bound on connections and
//! timeouts that free what a client leaves hanging, so idle or half-sent connections cannot
//! stop it from answering a new client.
//!
//! - Connection cap: at `max_connections`, a new connection closes the connection that has been
//!   waiting longest without a request in progress (idle, or still sending its head; nginx
//!   does the same with its keep-alive connections); when every connection has a request in
//!   progress, the new one gets a 503 with a JSON error and is closed.
//! - Header-read timeout: a request head must be complete within `header_read_timeout` of its
//!   first byte, or the connection is closed.
//! - Idle timeout: a connection with no request in progress and nothing received for
//!   `idle_timeout` is closed.
//! - (The body of a request must arrive within `body_read_timeout`: see the handlers.)
//! - Requests the HTTP layer refuses before any handler sees them (a malformed request line
//!   or header: 400; a head over `MAX_HEAD_BYTES`: 431; a target too long: 414) get the same
//!   JSON error body as every other error, then the connection is closed.

use std::collections::HashMap;
use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, ready};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, watch};
use tokio::task::JoinSet;
use tokio::time::Instant;

/// The most bytes of a request head (request line and headers); more is a 431.
pub const MAX_HEAD_BYTES: usize = 64 * 1024;
/// Default bound on open connections (lowered to the open-file limit less a reserve).
pub const DEFAULT_MAX_CONNECTIONS: usize = 10_000;
/// File descriptors kept free beside the connections (listener, stdio, config files, runtime).
pub const FD_RESERVE: u64 = 64;

/// How long a client may take, and how many connections it may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub max_connections: usize,
    pub header_read_timeout: Duration,
    pub idle_timeout: Duration,
    pub body_read_timeout: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_connections: DEFAULT_MAX_CONNECTIONS,
            header_read_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(30),
            body_read_timeout: Duration::from_secs(10),
        }
    }
}

/// The open-file limit of this process (soft, hard), where the platform says.
pub fn open_file_limit() -> Option<(u64, Option<u64>)> {
    #[cfg(unix)]
    {
        let limit = rustix::process::getrlimit(rustix::process::Resource::Nofile);
        limit.current.map(|soft| (soft, limit.maximum))
    }
    #[cfg(not(unix))]
    None
}

/// Raises the soft open-file limit to the hard one (at most 2^20), as Go programs do at
/// start: the soft default of 1024 would otherwise bound the connections. Returns the limit
/// in force afterwards.
pub fn raise_open_file_limit() -> Option<u64> {
    #[cfg(unix)]
    {
        use rustix::process::{Resource, Rlimit, getrlimit, setrlimit};
        let limit = getrlimit(Resource::Nofile);
        let soft = limit.current?;
        let target = limit.maximum.unwrap_or(1 << 20).min(1 << 20);
        if soft < target {
            let raised = Rlimit {
                current: Some(target),
                maximum: limit.maximum,
            };
            if setrlimit(Resource::Nofile, raised).is_ok() {
                return Some(target);
            }
        }
        Some(soft)
    }
    #[cfg(not(unix))]
    None
}

/// The connection cap in force: the one asked for, but never more than the open-file limit
/// allows.
pub fn effective_max_connections(asked: usize) -> usize {
    match open_file_limit() {
        Some((soft, _)) => {
            let room = soft.saturating_sub(FD_RESERVE).max(1);
            asked.min(usize::try_from(room).unwrap_or(usize::MAX))
        }
        None => asked,
    }
    .max(1)
}

/// Milliseconds since the server started (monotonic), for the per-connection timestamps.
#[derive(Clone, Copy)]
struct Epoch(Instant);

impl Epoch {
    fn now(self) -> u64 {
        self.0.elapsed().as_millis() as u64
    }

    fn at(self, millis: u64) -> Instant {
        self.0 + Duration::from_millis(millis)
    }
}

/// What the accept loop and the connection's own task know about one connection.
struct Conn {
    /// Requests handed to the router and not answered yet.
    in_service: AtomicUsize,
    /// When the last answer was produced (or the connection opened).
    idle_since: AtomicU64,
    /// When the first byte after that arrived; 0 when none has (+1 so 0 stays free).
    head_started: AtomicU64,
    /// When anything was last received or answered.
    last_active: AtomicU64,
    evict: Notify,
    /// A head has begun: the connection's deadline is now the head timeout's, which the
    /// connection's task, asleep until the idle deadline, must be woken to see.
    head_began: Notify,
}

impl Conn {
    fn new(now: u64) -> Conn {
        Conn {
            in_service: AtomicUsize::new(0),
            idle_since: AtomicU64::new(now),
            head_started: AtomicU64::new(0),
            last_active: AtomicU64::new(now),
            evict: Notify::new(),
            head_began: Notify::new(),
        }
    }

    fn received(&self, now: u64) {
        self.last_active.store(now, Ordering::Relaxed);
        if self.in_service.load(Ordering::Acquire) == 0
            && self
                .head_started
                .compare_exchange(0, now + 1, Ordering::AcqRel, Ordering::Relaxed)
                .is_ok()
        {
            self.head_began.notify_one();
        }
    }

    fn begin(self: &Arc<Conn>) -> InService {
        self.in_service.fetch_add(1, Ordering::AcqRel);
        self.head_started.store(0, Ordering::Release);
        InService(self.clone())
    }

    fn busy(&self) -> bool {
        self.in_service.load(Ordering::Acquire) > 0
    }

    /// When this connection is due to be closed, if nothing changes before then.
    fn deadline(&self, limits: &Limits) -> Option<u64> {
        if self.busy() {
            return None;
        }
        let head = self.head_started.load(Ordering::Acquire);
        if head != 0 {
            return Some(head - 1 + limits.header_read_timeout.as_millis() as u64);
        }
        let idle = self
            .idle_since
            .load(Ordering::Acquire)
            .max(self.last_active.load(Ordering::Relaxed));
        Some(idle + limits.idle_timeout.as_millis() as u64)
    }
}

/// A request in progress; the connection is idle again when it is dropped.
struct InService(Arc<Conn>);

impl Drop for InService {
    fn drop(&mut self) {
        self.0.in_service.fetch_sub(1, Ordering::AcqRel);
    }
}

/// The open connections, for the cap.
#[derive(Default)]
struct Registry {
    next: u64,
    open: HashMap<u64, Arc<Conn>>,
}

impl Registry {
    /// Makes room for one more connection: closes the one waiting longest without a request
    /// in progress. False when every connection is busy.
    fn make_room(&mut self) -> bool {
        let oldest = self
            .open
            .iter()
            .filter(|(_, conn)| !conn.busy())
            .min_by_key(|(_, conn)| conn.last_active.load(Ordering::Relaxed))
            .map(|(id, _)| *id);
        match oldest.and_then(|id| self.open.remove(&id)) {
            Some(conn) => {
                conn.evict.notify_one();
                true
            }
            None => false,
        }
    }
}

/// Serves `router` on `listener` until `stop` turns true, then lets requests in progress
/// finish (the caller bounds how long).
pub async fn serve(
    listener: TcpListener,
    router: axum::Router,
    limits: Limits,
    mut stop: watch::Receiver<bool>,
) -> io::Result<()> {
    let epoch = Epoch(Instant::now());
    let registry = Arc::new(Mutex::new(Registry::default()));
    let mut tasks = JoinSet::new();
    loop {
        let accepted = tokio::select! {
            _ = stop.wait_for(|stop| *stop) => break,
            Some(_) = tasks.join_next(), if !tasks.is_empty() => continue,
            accepted = listener.accept() => accepted,
        };
        let stream = match accepted {
            Ok((stream, _)) => stream,
            Err(err) if is_per_connection(&err) => continue,
            Err(_) => {
                // Out of file descriptors (or memory): free an idle connection and retry
                // shortly, rather than spin.
                registry
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .make_room();
                tokio::time::sleep(Duration::from_millis(20)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let conn = {
            let mut registry = registry.lock().unwrap_or_else(|e| e.into_inner());
            if registry.open.len() >= limits.max_connections && !registry.make_room() {
                None
            } else {
                let conn = Arc::new(Conn::new(epoch.now()));
                let id = registry.next;
                registry.next += 1;
                registry.open.insert(id, conn.clone());
                Some((id, conn))
            }
        };
        match conn {
            None => {
                tasks.spawn(refuse(stream));
            }
            Some((id, conn)) => {
                let router = router.clone();
                let registry = registry.clone();
                let stop = stop.clone();
                tasks.spawn(async move {
                    serve_connection(stream, conn, router, limits, stop, epoch).await;
                    registry
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .open
                        .remove(&id);
                });
            }
        }
    }
    drop(listener);
    while tasks.join_next().await.is_some() {}
    Ok(())
}

/// Accept errors that concern one connection only (it was reset before it was accepted).
fn is_per_connection(err: &io::Error) -> bool {
    matches!(
        err.kind(),
        io::ErrorKind::ConnectionRefused
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
    )
}

async fn serve_connection(
    stream: TcpStream,
    conn: Arc<Conn>,
    router: axum::Router,
    limits: Limits,
    mut stop: watch::Receiver<bool>,
    epoch: Epoch,
) {
    let io = hyper_util::rt::TokioIo::new(Tracked {
        inner: stream,
        conn: conn.clone(),
        epoch,
        replacement: Vec::new(),
        written: 0,
    });
    let service = {
        let conn = conn.clone();
        hyper::service::service_fn(move |request: hyper::Request<hyper::body::Incoming>| {
            let mut router = router.clone();
            let in_service = conn.begin();
            let conn = conn.clone();
            async move {
                use tower_service::Service;
                std::future::poll_fn(|cx| {
                    Service::<hyper::Request<hyper::body::Incoming>>::poll_ready(&mut router, cx)
                })
                .await?;
                let response = router.call(request).await;
                let now = epoch.now();
                conn.idle_since.store(now, Ordering::Release);
                conn.last_active.store(now, Ordering::Relaxed);
                drop(in_service);
                response
            }
        })
    };
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .max_buf_size(MAX_HEAD_BYTES)
        .max_header_size(MAX_HEAD_BYTES)
        .writev(false)
        .header_read_timeout(None);
    let connection = builder.serve_connection(io, service);
    tokio::pin!(connection);
    let mut stopping = false;
    loop {
        let deadline = conn.deadline(&limits);
        let sleep = async {
            match deadline {
                Some(at) => tokio::time::sleep_until(epoch.at(at)).await,
                // Busy: look again shortly (the request ends, or its own timeout ends it).
                None => tokio::time::sleep(Duration::from_millis(500)).await,
            }
        };
        tokio::select! {
            _ = connection.as_mut() => return,
            _ = conn.evict.notified() => return,
            // The deadline moved closer: look again.
            _ = conn.head_began.notified() => {}
            _ = stop.wait_for(|stop| *stop), if !stopping => {
                stopping = true;
                if !conn.busy() {
                    return;
                }
                connection.as_mut().graceful_shutdown();
            }
            _ = sleep => {
                if conn.deadline(&limits).is_some_and(|at| at <= epoch.now()) {
                    return;
                }
            }
        }
    }
}

/// The answer to a connection over the cap when no connection can be closed for it.
async fn refuse(mut stream: TcpStream) {
    let body = br#"{"message":"the dev server has as many connections as it allows, each with a request in progress; try again shortly","field":null}"#;
    let head = format!(
        "HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\n\
         content-length: {}\r\nretry-after: 1\r\nconnection: close\r\n\r\n",
        body.len()
    );
    let answer = async {
        stream.write_all(head.as_bytes()).await?;
        stream.write_all(body).await?;
        stream.shutdown().await?;
        // Read what the client sent, so closing does not reset the connection under the
        // answer (a reset can discard it before the client reads it).
        let mut sink = [0u8; 4096];
        let mut read = 0;
        while read < 64 * 1024 {
            match tokio::io::AsyncReadExt::read(&mut stream, &mut sink).await? {
                0 => break,
                n => read += n,
            }
        }
        io::Result::Ok(())
    };
    let _ = tokio::time::timeout(Duration::from_secs(1), answer).await;
}

/// The TCP stream as hyper sees it: every read marks the connection active, and an answer
/// hyper writes on its own for a request it could not parse is given a JSON body.
struct Tracked {
    inner: TcpStream,
    conn: Arc<Conn>,
    epoch: Epoch,
    /// The JSON answer that replaces hyper's, and how much of it is written.
    replacement: Vec<u8>,
    written: usize,
}

impl Tracked {
    fn drain(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while self.written < self.replacement.len() {
            let n = ready!(
                Pin::new(&mut self.inner).poll_write(cx, &self.replacement[self.written..])
            )?;
            if n == 0 {
                return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
            }
            self.written += n;
        }
        Poll::Ready(Ok(()))
    }
}

impl AsyncRead for Tracked {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let result = ready!(Pin::new(&mut self.inner).poll_read(cx, buf));
        if buf.filled().len() > before {
            self.conn.received(self.epoch.now());
        }
        Poll::Ready(result)
    }
}

impl AsyncWrite for Tracked {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        ready!(self.drain(cx))?;
        // hyper's own answers come only between requests, so they start a write.
        if !self.conn.busy()
            && let Some(json) = json_for_automatic_error(buf)
        {
            self.replacement = json;
            self.written = 0;
            // Taken whole: what is left is written by the next write, flush or shutdown.
            let _ = self.drain(cx)?;
            return Poll::Ready(Ok(buf.len()));
        }
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        ready!(self.drain(cx))?;
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        ready!(self.drain(cx))?;
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// hyper answers a request it cannot parse by itself, with an empty body: `HTTP/1.1 400 Bad
/// Request`, `431 Request Header Fields Too Large` or `414 URI Too Long`, `content-length: 0`
/// and no `content-type` (every answer of the handlers has one). Such a head becomes the same
/// status with a JSON error body; anything else is `None`.
pub fn json_for_automatic_error(buf: &[u8]) -> Option<Vec<u8>> {
    let end = buf.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = std::str::from_utf8(&buf[..end]).ok()?;
    let mut lines = head.split("\r\n");
    let status_line = lines.next()?;
    let code: u16 = status_line
        .strip_prefix("HTTP/1.1 ")
        .or_else(|| status_line.strip_prefix("HTTP/1.0 "))?
        .get(..3)?
        .parse()
        .ok()?;
    if !(400..600).contains(&code) {
        return None;
    }
    let mut empty = false;
    for line in lines {
        let (name, value) = line.split_once(':')?;
        let name = name.trim();
        if name.eq_ignore_ascii_case("content-type") {
            return None;
        }
        if name.eq_ignore_ascii_case("content-length") && value.trim() == "0" {
            empty = true;
        }
    }
    if !empty {
        return None;
    }
    let message = match code {
        431 => format!(
            "the request's head (request line and headers) is over {} KiB",
            MAX_HEAD_BYTES / 1024
        ),
        414 => "the request target (the URL) is too long".to_owned(),
        _ => "the request is not valid HTTP/1.1: its request line or a header could not be \
              parsed"
            .to_owned(),
    };
    let body = serde_json::json!({ "message": message, "field": null }).to_string();
    Some(
        format!(
            "{status_line}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\
             connection: close\r\n\r\n{body}",
            body.len()
        )
        .into_bytes(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_hypers_empty_error_answers_are_rewritten() {
        let hyper_431 = b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-length: 0\r\ndate: Sun, 29 Nov 2026 08:00:00 GMT\r\n\r\n";
        let rewritten = String::from_utf8(json_for_automatic_error(hyper_431).unwrap()).unwrap();
        let (head, body) = rewritten.split_once("\r\n\r\n").unwrap();
        assert!(head.starts_with("HTTP/1.1 431 Request Header Fields Too Large\r\n"));
        assert!(head.contains("content-type: application/json"));
        assert!(head.contains(&format!("content-length: {}", body.len())));
        let json: serde_json::Value = serde_json::from_str(body).unwrap();
        assert!(json["message"].as_str().unwrap().contains("64 KiB"));
        assert_eq!(json["field"], serde_json::Value::Null);
        for text in [
            &b"HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\ncontent-length: 0\r\n\r\n"[..],
            b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n",
            b"HTTP/1.1 100 Continue\r\n\r\n",
            b"HTTP/1.1 404 Not Found\r\ncontent-length: 12\r\n\r\n",
            b"{\"uuid\":\"HTTP/1.1 400\"}",
            b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n",
        ] {
            assert_eq!(json_for_automatic_error(text), None, "{}", String::from_utf8_lossy(text));
        }
    }

    #[test]
    fn connections_are_due_by_the_right_timeout() {
        let limits = Limits {
            max_connections: 4,
            header_read_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(30),
            body_read_timeout: Duration::from_secs(10),
        };
        let conn = Arc::new(Conn::new(1000));
        assert_eq!(conn.deadline(&limits), Some(31_000));
        conn.received(2000);
        assert_eq!(conn.deadline(&limits), Some(12_000));
        let in_service = conn.begin();
        assert_eq!(conn.deadline(&limits), None);
        conn.received(3000);
        conn.idle_since.store(4000, Ordering::Release);
        drop(in_service);
        assert_eq!(conn.deadline(&limits), Some(34_000));
    }

    #[test]
    fn room_is_made_by_closing_the_longest_waiting_idle_connection() {
        let mut registry = Registry::default();
        for (id, active) in [(0, 500), (1, 100), (2, 300)] {
            registry.open.insert(id, Arc::new(Conn::new(active)));
        }
        let _busy = registry.open[&1].begin();
        assert!(registry.make_room());
        assert_eq!(registry.open.len(), 2);
        assert!(!registry.open.contains_key(&2));
        registry.open.remove(&0);
        assert!(!registry.make_room(), "only a busy one is left");
    }
}
