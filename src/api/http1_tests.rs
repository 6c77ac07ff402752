use super::*;
use std::pin::Pin;
use std::task::{Context, Poll};
use tokio::io::ReadBuf;

/// Hands out its bytes `step` at a time, as a slow network would.
struct Trickle {
    data: Vec<u8>,
    at: usize,
    step: usize,
}

impl AsyncRead for Trickle {
    fn poll_read(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let end = (self.at + self.step).min(self.data.len());
        let n = (end - self.at).min(buf.remaining());
        buf.put_slice(&self.data[self.at..self.at + n]);
        self.at += n;
        Poll::Ready(Ok(()))
    }
}

/// Runs `future` to its end on a runtime of its own.
fn block_on<T>(future: impl std::future::Future<Output = T>) -> T {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap()
        .block_on(future)
}

/// Reads `wire` in one go (for answers too long to read byte by byte).
fn read_at_once(wire: &str, all_headers: bool, cap: usize) -> Result<Response, ReadError> {
    block_on(read_response(
        &mut wire.as_bytes(),
        &mut Vec::new(),
        all_headers,
        cap,
    ))
}

/// Reads `wire` whole and one byte at a time; both must give the same answer.
fn read(wire: &str, all_headers: bool, cap: usize) -> Result<Response, ReadError> {
    let whole = block_on(async {
        let mut io = Trickle {
            data: wire.as_bytes().to_vec(),
            at: 0,
            step: usize::MAX / 2,
        };
        read_response(&mut io, &mut Vec::new(), all_headers, cap).await
    });
    let trickled = block_on(async {
        let mut io = Trickle {
            data: wire.as_bytes().to_vec(),
            at: 0,
            step: 1,
        };
        read_response(&mut io, &mut Vec::new(), all_headers, cap).await
    });
    assert_eq!(
        format!("{whole:?}"),
        format!("{trickled:?}"),
        "read whole and byte by byte differ for {wire:?}"
    );
    whole
}

fn body(response: &Response) -> &str {
    std::str::from_utf8(response.body.as_deref().expect("a body under the cap")).unwrap()
}

#[test]
fn a_length_framed_answer_leaves_the_connection_reusable() {
    let response = read(
        "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX-Seen: 1\r\n\r\n{}",
        false,
        100,
    )
    .unwrap();
    assert_eq!(response.status, StatusCode::OK);
    assert_eq!(body(&response), "{}");
    assert!(response.reusable);
    assert!(response.headers.is_empty(), "a 2xx keeps no headers");
    let kept_alive = read(
        "HTTP/1.1 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 2\r\n\r\n{}",
        false,
        100,
    )
    .unwrap();
    assert!(kept_alive.reusable);
    let kept = read(
        "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nX-Seen: 1\r\n\r\n",
        true,
        100,
    )
    .unwrap();
    assert_eq!(kept.headers["x-seen"], "1");
    assert_eq!(body(&kept), "");
}

#[test]
fn an_error_answer_keeps_its_headers() {
    let response = read(
        "HTTP/1.1 503 Service Unavailable\r\nRetry-After: 2\r\nContent-Length: 4\r\n\r\ndown",
        false,
        100,
    )
    .unwrap();
    assert_eq!(response.status.as_u16(), 503);
    assert_eq!(response.headers["retry-after"], "2");
    assert_eq!(body(&response), "down");
    assert!(response.reusable);
}

#[test]
fn chunked_bodies_with_extensions_and_trailers() {
    let response = read(
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n\
         3;ext=1\r\n{\"a\r\n5\r\n\":1}\n\r\n0\r\nX-Trailer: t\r\n\r\n",
        false,
        100,
    )
    .unwrap();
    assert_eq!(body(&response), "{\"a\":1}\n");
    assert!(response.reusable);
    let plain = read(
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\nContent-Length: 99\r\n\r\n2\r\nok\r\n0\r\n\r\n",
        false,
        100,
    )
    .unwrap();
    assert_eq!(body(&plain), "ok", "a transfer coding wins over a length");
}

#[test]
fn informational_answers_are_skipped_and_some_have_no_body() {
    let response = read(
        "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\nContent-Length: 10\r\n\r\n",
        false,
        100,
    )
    .unwrap();
    assert_eq!(response.status.as_u16(), 204);
    assert_eq!(body(&response), "");
    assert!(response.reusable);
}

#[test]
fn answers_that_end_the_connection_are_not_reused() {
    for wire in [
        "HTTP/1.1 200 OK\r\nConnection: keep-alive, close\r\nContent-Length: 2\r\n\r\n{}",
        "HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\n{}",
        "HTTP/1.1 200 OK\r\n\r\n{}",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n{}",
    ] {
        let response = read(wire, false, 100).unwrap();
        assert_eq!(body(&response), "{}", "{wire:?}");
        assert!(!response.reusable, "{wire:?}");
    }
    // Bytes nobody asked for that came with the answer.
    let response = read_at_once(
        "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}HTTP/1.1 200 OK",
        false,
        100,
    )
    .unwrap();
    assert_eq!(body(&response), "{}");
    assert!(!response.reusable);
}

#[test]
fn bodies_over_the_cap_are_not_read() {
    for wire in [
        "HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\n01234567890",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n6\r\n012345\r\n5\r\n67890\r\n0\r\n\r\n",
        "HTTP/1.1 200 OK\r\n\r\n01234567890",
    ] {
        let response = read(wire, false, 10).unwrap();
        assert!(response.body.is_none(), "{wire:?}");
        assert!(!response.reusable, "{wire:?}");
    }
    // A body of exactly the cap is read, however it is framed.
    for wire in [
        "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n0123456789",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\n0123\r\n6\r\n456789\r\n0\r\n\r\n",
        "HTTP/1.1 200 OK\r\n\r\n0123456789",
    ] {
        let at_cap = read(wire, false, 10).unwrap();
        assert_eq!(body(&at_cap), "0123456789", "{wire:?}");
    }
}

#[test]
fn broken_answers_are_errors_that_say_why() {
    assert!(matches!(read("", false, 100), Err(ReadError::Closed)));
    let cases = [
        ("HTTP/1.1 200 OK\r\nContent-Le", "ended in the head"),
        (
            "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n{}",
            "ended in the body",
        ),
        (
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{}",
            "ended in the body",
        ),
        (
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
            "bad chunk size",
        ),
        (
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}xx0\r\n\r\n",
            "not ended by CRLF",
        ),
        (
            "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}",
            "two different",
        ),
        (
            "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n{}",
            "not a number",
        ),
        ("<html>hello</html>\r\n\r\n", "invalid HTTP answer"),
    ];
    for (wire, says) in cases {
        let err = read(wire, false, 100).unwrap_err();
        assert!(err.to_string().contains(says), "{wire:?}: {err}");
    }
    let framing = [
        (
            "HTTP/1.1 200 OK\r\nContent-Length: +2\r\n\r\n{}",
            "not a number",
        ),
        (
            "HTTP/1.1 200 OK\r\nContent-Length: 2 2\r\n\r\n{}",
            "not a number",
        ),
        (
            "HTTP/1.1 200 OK\r\nContent-Length:\r\n\r\n{}",
            "not a number",
        ),
        (
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n-2\r\n{}\r\n0\r\n\r\n",
            "bad chunk size",
        ),
    ];
    for (wire, says) in framing {
        // Malformed, not a network failure (`Cut`, `Io`).
        match read(wire, false, 100) {
            Err(err @ ReadError::Invalid(_)) => {
                assert!(err.to_string().contains(says), "{wire:?}: {err}")
            }
            other => panic!("{wire:?}: {other:?}"),
        }
    }
    assert!(matches!(
        read("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n{}", false, 100),
        Err(ReadError::Cut("body"))
    ));
    let huge = format!("HTTP/1.1 200 OK\r\nX: {}", "a".repeat(70_000));
    let err = read(&huge, false, 100).unwrap_err();
    assert!(err.to_string().contains("larger than 64 KiB"), "{err}");
}

/// Hands out `data`, then fails as a reset connection does.
struct ThenReset(Vec<u8>);

impl AsyncRead for ThenReset {
    fn poll_read(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        if self.0.is_empty() {
            return Poll::Ready(Err(io::ErrorKind::ConnectionReset.into()));
        }
        let data = std::mem::take(&mut self.0);
        buf.put_slice(&data);
        Poll::Ready(Ok(()))
    }
}

#[test]
fn a_connection_lost_before_any_answer_is_told_apart_from_one_lost_during_it() {
    let read = |data: &[u8]| {
        block_on(read_response(
            &mut ThenReset(data.to_vec()),
            &mut Vec::new(),
            false,
            100,
        ))
    };
    assert!(matches!(read(b""), Err(ReadError::Lost(_))));
    assert!(matches!(read(b"HTTP/1.1 200"), Err(ReadError::Io(_))));
    assert!(matches!(
        read(b"HTTP/1.1 200 OK\r\ncontent-length: 9\r\n\r\n{"),
        Err(ReadError::Io(_))
    ));
}

#[test]
fn a_long_head_under_the_limit_is_read() {
    let wire = format!(
        "HTTP/1.1 200 OK\r\nX-Long: {}\r\nContent-Length: 2\r\n\r\n{{}}",
        "a".repeat(60_000)
    );
    let response = read_at_once(&wire, true, 100).unwrap();
    assert_eq!(body(&response), "{}");
    assert_eq!(response.headers["x-long"].len(), 60_000);
}

#[test]
fn a_lost_connection_keeps_its_cause_for_verbose_output() {
    use std::error::Error as _;
    let lost = ReadError::Lost(io::ErrorKind::ConnectionReset.into());
    assert_eq!(
        lost.source().map(|cause| cause.to_string()),
        Some(io::Error::from(io::ErrorKind::ConnectionReset).to_string())
    );
    assert!(
        lost.to_string()
            .starts_with("the connection was lost before an answer")
    );
    let cut = ReadError::Io(io::ErrorKind::UnexpectedEof.into());
    assert_eq!(
        cut.source().map(|cause| cause.to_string()),
        Some(io::Error::from(io::ErrorKind::UnexpectedEof).to_string())
    );
    assert!(ReadError::Closed.source().is_none());
}

#[test]
fn chunks_of_any_size_and_a_runaway_chunk_line() {
    let data = "x".repeat(300);
    let wire = format!(
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n{:x}\r\n{data}\r\n0\r\n\r\n",
        data.len()
    );
    let response = read(&wire, false, 1000).unwrap();
    assert_eq!(body(&response), data);

    // A chunk-size line that never ends (read whole: byte by byte it is quadratic by design
    // of httparse's chunk parser, which the 64 KiB bound caps).
    let runaway = format!(
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;{}",
        "e".repeat(70_000)
    );
    let err = read_at_once(&runaway, false, 100).unwrap_err();
    assert!(
        err.to_string().contains("chunk size line too long"),
        "{err}"
    );
}

/// Counts the bytes read from it.
struct Counting<R> {
    inner: R,
    read: usize,
}

impl<R: AsyncRead + Unpin> AsyncRead for Counting<R> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.inner).poll_read(cx, buf);
        self.read += buf.filled().len() - before;
        polled
    }
}

#[test]
fn trailers_are_held_to_the_heads_cap_and_read_once() {
    // Trailers up to the cap are read, in one line or many.
    let many = "X: y\r\n".repeat(60_000 / 6);
    let wire = format!(
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{{}}\r\n0\r\n{many}\r\n"
    );
    let response = read_at_once(&wire, false, 100).unwrap();
    assert_eq!((body(&response), response.reusable), ("{}", true));
    // A server that sends trailers without end is stopped at the cap, having been read
    // little more than the cap (it used to be buffered whole, and rescanned on each read).
    let endless = format!(
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{{}}\r\n0\r\n{}",
        "X".repeat(10 * 1024 * 1024)
    );
    let mut io = Counting {
        inner: endless.as_bytes(),
        read: 0,
    };
    let err = block_on(read_response(&mut io, &mut Vec::new(), false, 100)).unwrap_err();
    assert!(
        err.to_string().contains("trailers larger than 64 KiB"),
        "{err}"
    );
    assert!(io.read < 3 * MAX_HEAD_BYTES, "read {} bytes", io.read);
    // Trickled a byte at a time, in many lines: the same answer as read whole.
    let wire = format!(
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n{}\r\n",
        "Trailer-Line: value\r\n".repeat(100)
    );
    assert_eq!(body(&read(&wire, false, 100).unwrap()), "");
}
