//! Running a command in-process, through the same `run_with` and exit-code mapping as the
//! binary, with captured output (a terminal or a pipe), given stdin, scripted prompts and an
//! explicit environment: no process, no real terminal, no real config dir. Subprocess tests
//! remain where a process matters (signals, broken pipes, the PTY login, env precedence).

use super::{Launch, Ran, TOKEN, World};
use agentctl::context::Stdin;
use agentctl::prompt::ScriptedPrompter;
use agentctl::shutdown::Shutdown;
use agentctl::ui::{ColorChoice, Ui};
use std::collections::HashMap;
use std::ffi::{OsStr, OsString};
use std::sync::Arc;

pub struct InProcess {
    args: Vec<OsString>,
    env: HashMap<String, String>,
    stdin: Vec<u8>,
    terminal: bool,
}

impl World {
    /// `agentctl` in-process with this world's config dir and no host or token. Variables
    /// that clap reads itself (AGENTCTL_HOST, _PROFILE, _OUTPUT, _CONFIG_DIR) come from the
    /// process, so these are given as flags; `env` is for the ones agentctl looks up.
    pub fn inproc(&self) -> InProcess {
        InProcess {
            args: vec!["--config-dir".into(), self.config_dir().into()],
            env: HashMap::new(),
            stdin: Vec::new(),
            terminal: false,
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
}

impl Launch for InProcess {
    fn launch(&mut self) -> Ran {
        let argv: Vec<OsString> = std::iter::once(OsString::from("agentctl"))
            .chain(self.args.iter().cloned())
            .collect();
        let (mut ui, captured) = Ui::captured(self.terminal);
        let parsed = agentctl::parse_args(&argv);
        if let Ok(invocation) = &parsed {
            // As main does: -q, -v and color from the flags (the environment's color
            // variables are the process's, so they are left out).
            let global = &invocation.cli.global;
            ui.quiet = global.quiet;
            ui.verbosity = global.verbose;
            ui.color = ColorChoice {
                no_color_flag: global.no_color,
                ..ColorChoice::default()
            }
            .enabled(self.terminal);
        }
        let ui = Arc::new(ui);
        let code = match parsed {
            Err(err) => {
                let text = err.render().to_string();
                if err.use_stderr() {
                    ui.stderr_raw(&text);
                    2
                } else {
                    ui.answer(&text).unwrap();
                    0
                }
            }
            Ok(invocation) => {
                let env = self.env.clone();
                let lookup = move |name: &str| env.get(name).cloned();
                let io = agentctl::Io {
                    stdin: Stdin::from_bytes(self.stdin.clone(), self.terminal),
                    prompter: Arc::new(ScriptedPrompter::default()),
                    shutdown: Shutdown::never(),
                };
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .unwrap();
                let outcome =
                    runtime.block_on(agentctl::run_with(invocation, ui.clone(), &lookup, io));
                agentctl::exit_code(outcome, &ui)
            }
        };
        Ran {
            code: i32::from(code),
            stdout: captured.stdout(),
            stderr: captured.stderr(),
        }
    }
}
