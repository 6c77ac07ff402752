//! Running a command in-process, through `agentctl::main_with`, the binary's own entry point,
//! with captured output (a terminal or a pipe), given stdin, scripted prompts, fixed
//! variables, and where a test asks, a frozen clock or a client factory pointed at a stub: no
//! process, no real terminal, no real config dir. Subprocess tests remain where a process
//! matters (signals, broken pipes, the PTY login, env precedence).

use super::{Launch, Ran, TOKEN, World};
use agentctl::clock::Clock;
use agentctl::context::{ClientFactory, Doors, Stdin};
use agentctl::env::Env;
use agentctl::ui::Terminal;
use std::collections::BTreeMap;
use std::ffi::{OsStr, OsString};

pub struct InProcess {
    args: Vec<OsString>,
    env: BTreeMap<String, String>,
    stdin: Vec<u8>,
    terminal: bool,
    clock: Clock,
    clients: ClientFactory,
}

impl World {
    /// `agentctl` in-process with this world's config dir and no host or token. Variables
    /// that clap reads itself (AGENTCTL_HOST, _PROFILE, _OUTPUT, _CONFIG_DIR) come from the
    /// process, so these are given as flags; `env` is for the ones agentctl looks up.
    pub fn inproc(&self) -> InProcess {
        InProcess {
            args: vec!["--config-dir".into(), self.config_dir().into()],
            env: BTreeMap::new(),
            stdin: Vec::new(),
            terminal: false,
            clock: Clock::system(),
            clients: ClientFactory::default(),
        }
    }

    /// `agentctl` in-process pointed at `host` with the test token.
    pub fn inproc_at(&self, host: &str) -> InProcess {
        let mut inproc = self.inproc();
        inproc.args(["--host", host]).env("AGENTCTL_TOKEN", TOKEN);
        inproc
    }
}

/// Built like assert_cmd's `Command`, so a test switches between the two by its constructor.
impl InProcess {
    pub fn args<I: IntoIterator<Item = S>, S: AsRef<OsStr>>(&mut self, args: I) -> &mut Self {
        self.args
            .extend(args.into_iter().map(|a| a.as_ref().to_owned()));
        self
    }

    pub fn arg(&mut self, arg: impl AsRef<OsStr>) -> &mut Self {
        self.args([arg])
    }

    pub fn env(&mut self, name: &str, value: &str) -> &mut Self {
        self.env.insert(name.to_owned(), value.to_owned());
        self
    }

    pub fn write_stdin(&mut self, bytes: impl Into<Vec<u8>>) -> &mut Self {
        self.stdin = bytes.into();
        self
    }

    /// stdout, stderr and stdin are terminals (gh's `iostreams.Test()` with TTY on).
    pub fn terminal(&mut self) -> &mut Self {
        self.terminal = true;
        self
    }

    /// The run's clock, e.g. `Clock::frozen_at(…)` for ages and stamps that never move.
    pub fn clock(&mut self, clock: Clock) -> &mut Self {
        self.clock = clock;
        self
    }

    /// How the run makes its API clients, e.g. `ClientFactory::pointed_at(stub)`.
    pub fn clients(&mut self, clients: ClientFactory) -> &mut Self {
        self.clients = clients;
        self
    }
}

impl Launch for InProcess {
    fn launch(&mut self) -> Ran {
        let argv: Vec<OsString> = std::iter::once(OsString::from("agentctl"))
            .chain(self.args.iter().cloned())
            .collect();
        let (terminal, captured) = Terminal::captured(self.terminal);
        let doors = Doors {
            stdin: Stdin::from_bytes(self.stdin.clone(), self.terminal),
            env: Env::from_pairs(self.env.clone()),
            clock: self.clock.clone(),
            clients: self.clients.clone(),
            ..Doors::closed()
        };
        let code = agentctl::main_with(argv, agentctl::Io { terminal, doors });
        Ran {
            code: i32::from(code),
            stdout: captured.stdout(),
            stderr: captured.stderr(),
        }
    }
}
