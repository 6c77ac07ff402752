use super::*;
use crate::api::request::ClientHeaders;
use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener};
use url::Url;

/// Runs `future` on a runtime of its own, on this thread (the I/O driver turns only where
/// the future waits).
fn block_on<T>(future: impl Future<Output = T>) -> T {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(future)
}

/// A connection to a loopback listener, and the server's end of it.
async fn pair() -> (Connection, std::net::TcpStream) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let tcp = TcpStream::connect(listener.local_addr().unwrap())
        .await
        .unwrap();
    let (server, _) = listener.accept().unwrap();
    let connection = Connection {
        stream: Box::new(tcp),
        write: Vec::new(),
        read: Vec::new(),
    };
    (connection, server)
}

#[test]
fn an_idle_connection_is_quiet_until_a_byte_or_its_end_comes() {
    block_on(async {
        let (mut connection, mut server) = pair().await;
        assert!(connection.is_quiet());
        // Not awaited since: the runtime has not seen the byte, the socket has.
        server.write_all(b"H").unwrap();
        assert!(!connection.is_quiet());

        let (mut connection, server) = pair().await;
        drop(server);
        assert!(!connection.is_quiet());
    });
}

/// Reads one request (head and `content-length` body) from `reader`; `false` at its end.
fn read_request(reader: &mut impl BufRead) -> bool {
    let mut length = 0;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return false;
        }
        if line == "\r\n" {
            break;
        }
        if let Some(value) = line.to_ascii_lowercase().strip_prefix("content-length:") {
            length = value.trim().parse().unwrap();
        }
    }
    reader.read_exact(&mut vec![0; length]).is_ok()
}

/// A server answering the requests of its `n`th connection with `answers(n, i)` for the
/// `i`th request (`None`: close the connection), for two connections; returns its address
/// and, once the client has closed both, how many requests came on each.
fn server(
    answers: impl Fn(usize, usize) -> Option<&'static str> + Send + 'static,
) -> (SocketAddr, std::sync::mpsc::Receiver<Vec<usize>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let (done, seen) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut counts = Vec::new();
        for n in 0..2 {
            let (stream, _) = listener.accept().unwrap();
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut writer = stream;
            counts.push(0);
            while read_request(&mut reader) {
                counts[n] += 1;
                let Some(answer) = answers(n, counts[n] - 1) else {
                    break;
                };
                writer.write_all(answer.as_bytes()).unwrap();
            }
        }
        let _ = done.send(counts);
    });
    (addr, seen)
}

fn connections_to(addr: SocketAddr) -> Connections {
    Connections {
        address: addr.to_string(),
        host: "127.0.0.1".into(),
        port: addr.port(),
        authority: HeaderValue::from_str(&addr.to_string()).unwrap(),
        tls: None,
        all_headers: false,
        timeout: Duration::from_secs(30),
        idle: Mutex::new(Vec::new()),
    }
}

const OK: &str = "HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}";
const TIMED_OUT: &str =
    "HTTP/1.1 408 Request Timeout\r\nconnection: close\r\ncontent-length: 0\r\n\r\n";

/// Two beats on one connection, the second's outcome.
fn second_beat(connections: &Connections) -> Result<Answer, NoAnswer> {
    let url = Url::parse(&format!("http://{}/beat", connections.address)).unwrap();
    let headers = ClientHeaders::new(None).unwrap();
    let request = Request::put(&url, &headers, b"{}");
    block_on(async {
        let first = connections.exchange(&request, "heartbeat").await;
        assert_eq!(first.ok().unwrap().status, 200);
        connections.exchange(&request, "heartbeat").await
    })
}

#[test]
fn a_beat_the_reused_connection_lost_goes_again_once_on_a_new_one() {
    // The idle timeout struck as the second beat came: a 408 and the end of the connection.
    let (addr, seen) = server(|n, i| Some(if n == 0 && i == 1 { TIMED_OUT } else { OK }));
    let connections = connections_to(addr);
    let answer = second_beat(&connections).ok().unwrap();
    assert_eq!(answer.status, 200);
    drop(connections);
    assert_eq!(seen.recv().unwrap(), [2, 1]);

    // Closed without an answer, then again on the new connection: the second failure is
    // the beat's.
    let (addr, seen) = server(|n, i| (n == 0 && i == 0).then_some(OK));
    let connections = connections_to(addr);
    let failed = second_beat(&connections).err().unwrap();
    assert_eq!(failed.error.failure, Failure::Network, "{}", failed.error);
    drop(connections);
    assert_eq!(seen.recv().unwrap(), [2, 1]);
}
