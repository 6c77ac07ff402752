//! The HTTP/1.1 answers of the heartbeat connections (`api::beats`; the request is written by
//! `Request::write_http1`), read with `httparse` into a buffer the connection keeps. Framing
//! as RFC 9112 §6.3 has it: no body for 1xx/204/304, chunked, a Content-Length, or up to the
//! end of the connection.

use hyper::StatusCode;
use hyper::header::{HeaderMap, HeaderName, HeaderValue};
use std::io;
use tokio::io::{AsyncRead, AsyncReadExt};

/// Headers of an answer beyond this many make it invalid (the client's own limit is similar).
const MAX_HEADERS: usize = 64;
/// A head (status line and headers) longer than this makes the answer invalid.
const MAX_HEAD_BYTES: usize = 64 * 1024;

/// An answer: its status, headers (only when asked for, or when it is not a 2xx), body, and
/// whether the connection can carry the next request.
#[derive(Debug)]
pub struct Response {
    pub status: StatusCode,
    pub headers: HeaderMap,
    /// `None`: the body was larger than the cap (the connection is then not reused).
    pub body: Option<Vec<u8>>,
    pub reusable: bool,
}

#[derive(Debug)]
pub enum ReadError {
    /// The connection ended before any byte of an answer.
    Closed,
    /// The connection failed before any byte of an answer (a reset, a TLS stream cut short,
    /// or the request could not be written).
    Lost(io::Error),
    /// The connection failed during the answer.
    Io(io::Error),
    /// The connection ended in the middle of an answer (the head or the body).
    Cut(&'static str),
    /// Not an HTTP/1.1 answer, or one framed in a way that cannot be read: the server's
    /// answer is malformed.
    Invalid(String),
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::Closed => f.write_str("the server closed the connection without answering"),
            ReadError::Lost(err) => write!(f, "the connection was lost before an answer: {err}"),
            ReadError::Io(err) => write!(f, "reading the answer: {err}"),
            ReadError::Cut(part) => write!(f, "the connection ended in the {part}"),
            ReadError::Invalid(why) => write!(f, "invalid HTTP answer: {why}"),
        }
    }
}

impl std::error::Error for ReadError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ReadError::Io(err) | ReadError::Lost(err) => Some(err),
            _ => None,
        }
    }
}

/// How the body of an answer ends.
enum Framing {
    None,
    Length(usize),
    Chunked,
    UntilClose,
}

/// Reads one answer from `io`. `buf` is the connection's read buffer (empty between answers
/// on a connection that is reused); `all_headers`: keep the headers of a 2xx too; `cap`: the
/// largest body read.
pub async fn read_response<R: AsyncRead + Unpin>(
    io: &mut R,
    buf: &mut Vec<u8>,
    all_headers: bool,
    cap: usize,
) -> Result<Response, ReadError> {
    buf.clear();
    loop {
        let mut scanned = 0;
        let (head_len, status, framing, close, headers) = loop {
            // Parsed only once its end may have come: a server trickling its head a byte at a
            // time costs linear time, not quadratic.
            if head_may_be_complete(buf, &mut scanned)
                && let Some(parsed) = parse_head(buf, all_headers)?
            {
                break parsed;
            }
            if buf.len() > MAX_HEAD_BYTES {
                return Err(ReadError::Invalid("the head is larger than 64 KiB".into()));
            }
            match fill(io, buf).await {
                Ok(0) if buf.is_empty() => return Err(ReadError::Closed),
                Ok(0) => return Err(ReadError::Cut("head")),
                Ok(_) => {}
                Err(ReadError::Io(err)) if buf.is_empty() => return Err(ReadError::Lost(err)),
                Err(err) => return Err(err),
            }
        };
        buf.drain(..head_len);
        if status.is_informational() {
            // 100 Continue, 103 Early Hints: the answer follows.
            continue;
        }
        let (body, rest_unread) = match framing {
            Framing::None => (Some(Vec::new()), false),
            Framing::Length(len) => {
                if len > cap {
                    (None, true)
                } else {
                    while buf.len() < len {
                        if fill(io, buf).await? == 0 {
                            return Err(ReadError::Cut("body"));
                        }
                    }
                    let body = buf[..len].to_vec();
                    buf.drain(..len);
                    (Some(body), false)
                }
            }
            Framing::Chunked => read_chunked(io, buf, cap).await?,
            Framing::UntilClose => {
                while buf.len() <= cap && fill(io, buf).await? > 0 {}
                if buf.len() > cap {
                    (None, true)
                } else {
                    (Some(std::mem::take(buf)), false)
                }
            }
        };
        // Bytes after the answer were never asked for: the connection is not trusted again.
        let reusable = !close && !rest_unread && buf.is_empty() && body.is_some();
        return Ok(Response {
            status,
            headers,
            body,
            reusable,
        });
    }
}

type Head = (usize, StatusCode, Framing, bool, HeaderMap);

/// Whether the bytes since the last look may end a head (a blank line, CRLF or bare LF).
fn head_may_be_complete(buf: &[u8], scanned: &mut usize) -> bool {
    let from = scanned.saturating_sub(3);
    *scanned = buf.len();
    let new = &buf[from.min(buf.len())..];
    new.windows(2).any(|w| w == b"\n\n") || new.windows(3).any(|w| w == b"\n\r\n")
}

/// The head at the start of `buf`, or `None` when more bytes are needed.
fn parse_head(buf: &[u8], all_headers: bool) -> Result<Option<Head>, ReadError> {
    let mut slots = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut response = httparse::Response::new(&mut slots);
    let head_len = match response.parse(buf) {
        Ok(httparse::Status::Complete(len)) => len,
        Ok(httparse::Status::Partial) => return Ok(None),
        Err(err) => return Err(ReadError::Invalid(err.to_string())),
    };
    let code = response.code.unwrap_or(0);
    let status =
        StatusCode::from_u16(code).map_err(|_| ReadError::Invalid(format!("status {code}")))?;
    let http10 = response.version == Some(0);
    let mut length: Option<usize> = None;
    let mut chunked = false;
    let mut encoded = false;
    let mut close = http10;
    let mut headers = HeaderMap::new();
    let keep = all_headers || !status.is_success();
    for header in response.headers.iter() {
        let name = header.name;
        if name.eq_ignore_ascii_case("content-length") {
            // Digits only (RFC 9110 §8.6): `+2` and ` 2 2` are not lengths, whatever Rust's
            // parser makes of them.
            let value = std::str::from_utf8(header.value)
                .ok()
                .map(str::trim)
                .filter(|v| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()))
                .and_then(|v| v.parse::<usize>().ok())
                .ok_or_else(|| {
                    ReadError::Invalid("a content-length that is not a number".into())
                })?;
            if length.is_some_and(|seen| seen != value) {
                return Err(ReadError::Invalid("two different content-lengths".into()));
            }
            length = Some(value);
        } else if name.eq_ignore_ascii_case("transfer-encoding") {
            encoded = true;
            let value = String::from_utf8_lossy(header.value).to_ascii_lowercase();
            chunked = value.rsplit(',').next().map(str::trim) == Some("chunked");
        } else if name.eq_ignore_ascii_case("connection") {
            let value = String::from_utf8_lossy(header.value).to_ascii_lowercase();
            if value.split(',').any(|v| v.trim() == "close") {
                close = true;
            }
        }
        if keep
            && let (Ok(name), Ok(value)) = (
                HeaderName::from_bytes(name.as_bytes()),
                HeaderValue::from_bytes(header.value),
            )
        {
            headers.append(name, value);
        }
    }
    let framing = if status.is_informational() || matches!(code, 204 | 304) {
        Framing::None
    } else if encoded {
        // A transfer coding wins over a length; one that does not end in chunked runs to the
        // end of the connection.
        if chunked {
            Framing::Chunked
        } else {
            close = true;
            Framing::UntilClose
        }
    } else if let Some(length) = length {
        Framing::Length(length)
    } else {
        close = true;
        Framing::UntilClose
    };
    Ok(Some((head_len, status, framing, close, headers)))
}

/// A chunked body; `(None, true)` when it is larger than `cap`.
async fn read_chunked<R: AsyncRead + Unpin>(
    io: &mut R,
    buf: &mut Vec<u8>,
    cap: usize,
) -> Result<(Option<Vec<u8>>, bool), ReadError> {
    let mut body = Vec::new();
    loop {
        let (consumed, size) = loop {
            match httparse::parse_chunk_size(buf) {
                Ok(httparse::Status::Complete(found)) => break found,
                Ok(httparse::Status::Partial) => {
                    if buf.len() > MAX_HEAD_BYTES {
                        return Err(ReadError::Invalid("a chunk size line too long".into()));
                    }
                    need_more(io, buf).await?;
                }
                Err(_) => return Err(ReadError::Invalid("a bad chunk size".into())),
            }
        };
        buf.drain(..consumed);
        if size == 0 {
            // Trailers, if any, up to the empty line: under the head's cap, each byte looked
            // at once (a line is found from where the last look ended), dropped at the end.
            let (mut line, mut scanned) = (0, 0);
            loop {
                if let Some(at) = buf[scanned..].windows(2).position(|w| w == b"\r\n") {
                    let end = scanned + at + 2;
                    if end - line == 2 {
                        buf.drain(..end);
                        return Ok((Some(body), false));
                    }
                    (line, scanned) = (end, end);
                    continue;
                }
                if buf.len() > MAX_HEAD_BYTES {
                    return Err(ReadError::Invalid("trailers larger than 64 KiB".into()));
                }
                scanned = buf.len().saturating_sub(1).max(line);
                need_more(io, buf).await?;
            }
        }
        let size = usize::try_from(size).unwrap_or(usize::MAX);
        if body.len().saturating_add(size) > cap {
            return Ok((None, true));
        }
        while buf.len() < size + 2 {
            need_more(io, buf).await?;
        }
        if &buf[size..size + 2] != b"\r\n" {
            return Err(ReadError::Invalid("a chunk not ended by CRLF".into()));
        }
        body.extend_from_slice(&buf[..size]);
        buf.drain(..size + 2);
    }
}

async fn need_more<R: AsyncRead + Unpin>(io: &mut R, buf: &mut Vec<u8>) -> Result<(), ReadError> {
    match fill(io, buf).await? {
        0 => Err(ReadError::Cut("body")),
        _ => Ok(()),
    }
}

/// Reads what is there into the end of `buf`; 0 at the end of the connection.
async fn fill<R: AsyncRead + Unpin>(io: &mut R, buf: &mut Vec<u8>) -> Result<usize, ReadError> {
    if buf.capacity() - buf.len() < 4096 {
        buf.reserve(8192);
    }
    io.read_buf(buf).await.map_err(ReadError::Io)
}

#[cfg(test)]
#[path = "http1_tests.rs"]
mod tests;
