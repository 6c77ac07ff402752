//! The shared harness: run the real binary with a private config dir and home, never the
//! user's, and a recognizable token that tests can grep all output for.

#![allow(dead_code)]

use assert_cmd::Command;
use std::path::Path;
use std::time::Duration;
use tempfile::TempDir;

pub mod dev;
pub mod dev_binary;
pub mod inproc;
pub mod mock;
pub mod stub;

/// The token every test sends; no output may ever contain it.
pub const TOKEN: &str = "tok-5ecr3t-9f8e7d6c5b4a";

/// The smallest valid set of heartbeat flags, for tests about something else.
pub const MINIMAL_BEAT: [&str; 8] = [
    "--version",
    "1",
    "--uptime",
    "1",
    "--cpu",
    "1",
    "--mem",
    "1",
];

/// The heartbeat body [`MINIMAL_BEAT`] sends, byte for byte.
pub const MINIMAL_BODY: &str = r#"{"version":"1","uptime":1,"cpuUsage":1,"memUsage":1}"#;

/// The seed's request example, byte for byte.
pub const SEED_BODY: &str = r#"{"version":"1.2.3","uptime":86400,"cpuUsage":12.5,"memUsage":35.2}"#;

/// The seed's response example (four fields missing, as in the seed).
pub const SEED_RESPONSE: &str = r#"{
  "uuid": "agent-abc123-def456",
  "name": "prod-agent-01",
  "type": "log",
  "version": "1.2.3",
  "status": "online",
  "endpoint": "http://192.168.1.10:7890",
  "platformId": "plat-001-abc",
  "region": "us-east-1"
}"#;

/// The seed's response example as the record of agent `uuid` (a record for another uuid
/// than the one asked for is an error).
pub fn seed_response_for(uuid: &str) -> String {
    SEED_RESPONSE.replace("agent-abc123-def456", uuid)
}

/// A private world for one test: config dir and home in a temp dir.
pub struct World {
    pub dir: TempDir,
}

impl World {
    pub fn new() -> World {
        World {
            dir: tempfile::tempdir().expect("a temp dir"),
        }
    }

    pub fn config_dir(&self) -> std::path::PathBuf {
        self.dir.path().join("config")
    }

    pub fn home(&self) -> &Path {
        self.dir.path()
    }

    /// `agentctl` with no token and no host from the environment.
    pub fn cmd(&self) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_agentctl"));
        for var in [
            "AGENTCTL_HOST",
            "AGENTCTL_TOKEN",
            "AGENTCTL_PROFILE",
            "AGENTCTL_OUTPUT",
            "NO_COLOR",
            "CLICOLOR_FORCE",
            "HTTP_PROXY",
            "HTTPS_PROXY",
            "ALL_PROXY",
            "http_proxy",
            "https_proxy",
            "all_proxy",
            "NO_PROXY",
            "no_proxy",
        ] {
            cmd.env_remove(var);
        }
        cmd.env("AGENTCTL_CONFIG_DIR", self.config_dir())
            .env("HOME", self.home())
            .env("XDG_CONFIG_HOME", self.home().join("xdg"))
            .timeout(Duration::from_secs(60));
        cmd
    }

    /// `agentctl` pointed at `host` with the test token.
    pub fn cmd_at(&self, host: &str) -> Command {
        let mut cmd = self.cmd();
        cmd.env("AGENTCTL_HOST", host).env("AGENTCTL_TOKEN", TOKEN);
        cmd
    }
}

/// The outcome of a command, as text.
pub struct Ran {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Something that runs agentctl once: the binary (assert_cmd) or the in-process runner.
pub trait Launch {
    fn launch(&mut self) -> Ran;
}

impl Launch for Command {
    fn launch(&mut self) -> Ran {
        let output = self.output().expect("agentctl runs");
        Ran {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }
}

/// `heartbeat simulate` of one agent every 20ms, JSON summary, no retries, plus `extra`: the
/// run the wire and hostile-server tests hold up against a server.
pub fn simulate_one(world: &World, host: &str, extra: &[&str]) -> Ran {
    run(world
        .cmd_at(host)
        .args([
            "heartbeat",
            "simulate",
            "--agents",
            "1",
            "--interval",
            "20ms",
            "--retries",
            "0",
            "-o",
            "json",
        ])
        .args(extra))
}

/// Runs it and checks what must hold for every run.
pub fn run(cmd: &mut impl Launch) -> Ran {
    let ran = cmd.launch();
    assert_clean(&ran);
    ran
}

/// What must hold for every run: no token, no panic.
pub fn assert_clean(ran: &Ran) {
    for (name, text) in [("stdout", &ran.stdout), ("stderr", &ran.stderr)] {
        assert!(!text.contains(TOKEN), "the token leaked to {name}:\n{text}");
        assert!(!text.contains("panicked at"), "a panic on {name}:\n{text}");
        assert!(
            !text.contains("internal error"),
            "an internal error on {name}:\n{text}"
        );
    }
}

impl Ran {
    /// The run as one text: `[exit status: N]`, then stdout and stderr (jj's snapshot form).
    pub fn transcript(&self) -> String {
        transcript(self.code, &self.stdout, &self.stderr)
    }

    /// [`Ran::transcript`] with each `(text, placeholder)` replaced, for what a snapshot
    /// cannot pin (a port, a temp dir).
    pub fn transcript_with(&self, replacements: &[(&str, &str)]) -> String {
        replacements
            .iter()
            .fold(self.transcript(), |text, (from, to)| text.replace(from, to))
    }
}

/// `[exit status: N]`, then stdout and stderr, as one text.
pub fn transcript(code: i32, stdout: &str, stderr: &str) -> String {
    format!("[exit status: {code}]\n----- stdout -----\n{stdout}----- stderr -----\n{stderr}")
}

/// A loopback port where nothing listens, and where nothing else can for as long as this
/// lives: a socket bound to it that never listens (and without SO_REUSEADDR, so no other
/// socket binds it). A connection to it is refused.
pub struct ClosedPort {
    _socket: socket2::Socket,
    port: u16,
}

impl ClosedPort {
    pub fn new() -> ClosedPort {
        use socket2::{Domain, Protocol, Socket, Type};
        let socket = Socket::new(Domain::IPV4, Type::STREAM, Some(Protocol::TCP)).unwrap();
        let any_port = std::net::SocketAddr::from(([127, 0, 0, 1], 0));
        socket.bind(&any_port.into()).unwrap();
        let port = socket.local_addr().unwrap().as_socket().unwrap().port();
        ClosedPort {
            _socket: socket,
            port,
        }
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

/// Runs `agentctl <args>` in-process against `host` with the test token, stdout a terminal
/// or not.
pub fn in_process(world: &World, host: &str, args: &[&str], terminal: bool) -> Ran {
    let mut cmd = world.inproc_at(host);
    cmd.args(args);
    if terminal {
        cmd.terminal();
    }
    run(&mut cmd)
}

/// The query parameters of a request target (`/p?a=1&b=2`), undecoded.
pub fn query_of(target: &str) -> Vec<(String, String)> {
    target
        .split_once('?')
        .map(|(_, query)| {
            query
                .split('&')
                .filter_map(|pair| pair.split_once('='))
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect()
        })
        .unwrap_or_default()
}

/// One query parameter of a request target.
pub fn query_param(target: &str, name: &str) -> Option<String> {
    query_of(target)
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
}

/// A man page as `man -l` renders it, at a fixed width, as text; panics naming man's error
/// when it cannot render the page.
pub fn render_man(page: &Path) -> String {
    let output = std::process::Command::new("man")
        .arg("-l")
        .arg(page)
        .env("MANPAGER", "cat")
        .env("PAGER", "cat")
        .env("MANWIDTH", "100")
        .env("MAN_KEEP_FORMATTING", "")
        .env("LC_ALL", "C.UTF-8")
        .output()
        .expect("man (man-db) is installed");
    assert!(
        output.status.success(),
        "man -l {}: {}",
        page.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn a_closed_port_refuses_connections_and_no_one_else_can_take_it() {
    let closed = ClosedPort::new();
    let refused = std::net::TcpStream::connect(("127.0.0.1", closed.port())).unwrap_err();
    assert_eq!(refused.kind(), std::io::ErrorKind::ConnectionRefused);
    // A server binding it (std sets SO_REUSEADDR, as servers do) is refused the port.
    let taken = std::net::TcpListener::bind(("127.0.0.1", closed.port()));
    assert_eq!(
        taken.map(|_| ()).unwrap_err().kind(),
        std::io::ErrorKind::AddrInUse
    );
}

/// A FIFO at `path` (with no writer: opening it for reading blocks unless non-blocking).
pub fn mkfifo(path: &Path) {
    let status = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo runs");
    assert!(status.success(), "mkfifo {}", path.display());
}
