//! The `agentctl dev-server` binary as a test server, for tests that drive the CLI the way a
//! script does, and for the tests of the dev server as a process (its banner, SIGTERM, what
//! it writes outside itself).

use super::{TOKEN, World};
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, ExitStatus, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::Duration;

/// A started `agentctl dev-server --listen 127.0.0.1:0 …`, its stderr going to a file of
/// the world's; killed when dropped unless stopped.
pub struct DevServer {
    child: Child,
    /// Where it listens: the first line of its banner, without "listening on ".
    pub url: String,
    /// The second line of its banner, `export AGENTCTL_HOST=… AGENTCTL_TOKEN=…`.
    pub export: String,
    stderr: PathBuf,
}

impl DevServer {
    /// Saving no profile, with the test token, and `extra` flags after those.
    pub fn start(world: &World, extra: &[&str]) -> DevServer {
        let mut args = vec!["--no-save-profile", "--token", TOKEN];
        args.extend(extra);
        DevServer::spawn(world, &args, &[])
    }

    /// `agentctl dev-server --listen 127.0.0.1:0 ARGS` with the world's config dir and home,
    /// no profile or dev token from the environment but `envs`; returns once the banner is
    /// read (the rest of stdout is drained, so the server never writes into a closed pipe).
    pub fn spawn(world: &World, args: &[&str], envs: &[(&str, &str)]) -> DevServer {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let stderr = world.dir.path().join(format!(
            "dev-server-stderr-{}",
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_agentctl"));
        command
            .args(["dev-server", "--listen", "127.0.0.1:0"])
            .args(args)
            .env("AGENTCTL_CONFIG_DIR", world.config_dir())
            .env("HOME", world.home())
            .env_remove("AGENTCTL_PROFILE")
            .env_remove("AGENTCTL_DEV_TOKEN")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&stderr).unwrap());
        for (name, value) in envs {
            command.env(name, value);
        }
        let mut child = command.spawn().unwrap();
        let (first, export) = read_banner(&mut child);
        let url = first
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("first line: {first:?}"))
            .to_owned();
        DevServer {
            child,
            url,
            export,
            stderr,
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// What it has written to stderr so far.
    pub fn stderr(&self) -> String {
        std::fs::read_to_string(&self.stderr).unwrap_or_default()
    }

    /// SIGTERM, then its exit status (within 15 s, or the test fails) and its stderr.
    pub fn stop(mut self) -> (ExitStatus, String) {
        let killed = std::process::Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(killed.success());
        let status = wait_with_timeout(&mut self.child, Duration::from_secs(15));
        (status, self.stderr())
    }
}

impl Drop for DevServer {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// The first two stdout lines of a started `agentctl dev-server` (the address and the
/// export line); the rest of stdout is drained.
fn read_banner(child: &mut Child) -> (String, String) {
    let stdout = child.stdout.take().unwrap();
    let (lines_tx, lines_rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            // The receiver is gone once the banner is read: keep draining.
            let _ = lines_tx.send(line);
        }
    });
    let first = lines_rx
        .recv_timeout(Duration::from_secs(30))
        .expect("the dev server's first line");
    let second = lines_rx
        .recv_timeout(Duration::from_secs(5))
        .expect("the dev server's export line");
    (first, second)
}

fn wait_with_timeout(child: &mut Child, limit: Duration) -> ExitStatus {
    let started = std::time::Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            panic!("agentctl dev-server did not stop within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}
