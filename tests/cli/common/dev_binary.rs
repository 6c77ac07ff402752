//! The `agentctl dev-server` binary as a test server, for tests that drive the CLI the way a
//! script does.

use super::{TOKEN, World};
use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};

/// `agentctl dev-server` on a free loopback port, saving no profile; stopped when dropped.
pub struct DevServer {
    child: Child,
    pub url: String,
}

impl DevServer {
    /// Started with `extra` flags after the fixed ones.
    pub fn start(world: &World, extra: &[&str]) -> DevServer {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_agentctl"))
            .args(["dev-server", "--listen", "127.0.0.1:0", "--no-save-profile"])
            .args(["--token", TOKEN])
            .args(extra)
            .env("AGENTCTL_CONFIG_DIR", world.config_dir())
            .env("HOME", world.home())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // The banner's first line says where it listens; the rest of stdout is drained, so
        // the server never writes into a closed pipe.
        let stdout = child.stdout.take().unwrap();
        let (first_line, first) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut lines = BufReader::new(stdout).lines();
            let _ = first_line.send(lines.next().and_then(Result::ok).unwrap_or_default());
            lines.for_each(drop);
        });
        let first = first
            .recv_timeout(std::time::Duration::from_secs(30))
            .expect("the dev server's first line");
        let url = first
            .trim()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("first line: {first:?}"))
            .to_owned();
        DevServer { child, url }
    }
}

impl Drop for DevServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
