//! What every command is handed, and its only door to the outside world (gh's
//! `cmdutil.Factory`): the resolved settings, the `Ui`, and the doors: standard input, the
//! prompter, the shutdown signal, the environment, the clock and the API client factory.
//! `main` builds the doors from the process; tests from buffers, fixed variables, a frozen
//! clock and a factory pointed at a stub. No command reaches past them.

use crate::api::{ApiClient, ClientOptions};
use crate::clock::Clock;
use crate::config::{FilesUse, GlobalFlags, Settings};
use crate::env::Env;
use crate::error::{Error, Result};
use crate::output::OutputOptions;
use crate::prompt::Prompter;
use crate::shutdown::Shutdown;
use crate::ui::Ui;
use std::ffi::OsString;
use std::future::Future;
use std::io::{BufRead, IsTerminal};
use std::pin::Pin;
use std::sync::Arc;
use url::Url;

pub struct Context {
    pub settings: Settings,
    pub ui: Arc<Ui>,
    pub stdin: Stdin,
    pub prompter: Arc<dyn Prompter>,
    pub shutdown: Shutdown,
    pub env: Env,
    pub clock: Clock,
    pub clients: ClientFactory,
    pub program: Program,
}

/// The doors of a run other than its output: what `main` takes from the process and a test
/// replaces.
pub struct Doors {
    pub stdin: Stdin,
    pub prompter: Arc<dyn Prompter>,
    pub signals: Signals,
    pub env: Env,
    pub clock: Clock,
    pub clients: ClientFactory,
}

impl Doors {
    /// The process's stdin, the terminal's prompts, SIGINT/SIGTERM/SIGHUP, the environment,
    /// the system clock and real HTTP clients.
    pub fn from_process() -> Doors {
        Doors {
            stdin: Stdin::from_process(),
            prompter: Arc::new(crate::prompt::TerminalPrompter::new()),
            signals: Signals::Process,
            env: Env::process(),
            clock: Clock::system(),
            clients: ClientFactory::default(),
        }
    }

    /// Doors that open on nothing: no input, no answers to prompts, no signal, no
    /// variables, the system clock and real clients. Tests change the ones they need.
    pub fn closed() -> Doors {
        Doors {
            stdin: Stdin::from_bytes(Vec::new(), false),
            prompter: Arc::new(crate::prompt::ScriptedPrompter::default()),
            signals: Signals::Given(Shutdown::never()),
            env: Env::empty(),
            clock: Clock::system(),
            clients: ClientFactory::default(),
        }
    }
}

/// Where the shutdown signal comes from.
pub enum Signals {
    /// SIGINT, SIGTERM and SIGHUP, listened for once the run starts (inside the runtime).
    Process,
    /// This one (tests, and the demo's steps, which share the tour's).
    Given(Shutdown),
}

impl Signals {
    fn listen(self) -> Shutdown {
        match self {
            Signals::Process => Shutdown::from_process(),
            Signals::Given(shutdown) => shutdown,
        }
    }
}

/// How API clients are made: `ApiClient::new` (the default), or a test's own way, such as
/// [`ClientFactory::pointed_at`] a stub server. Every client of a run comes from here.
#[derive(Clone)]
pub struct ClientFactory(Arc<MakeClient>);

type MakeClient = dyn Fn(ClientOptions, Arc<Ui>) -> Result<ApiClient> + Send + Sync;

impl Default for ClientFactory {
    fn default() -> ClientFactory {
        ClientFactory::new(ApiClient::new)
    }
}

impl ClientFactory {
    pub fn new(
        make: impl Fn(ClientOptions, Arc<Ui>) -> Result<ApiClient> + Send + Sync + 'static,
    ) -> ClientFactory {
        ClientFactory(Arc::new(make))
    }

    /// Clients that send everything to `server` (scheme, host and port) instead of the
    /// settings' host, keeping the host's path prefix and every other option: the token,
    /// the timeouts, the retries and the insecure-http rule (judged for `server`). For tests:
    /// a command configured for `https://agents.example.com` talks to a stub on loopback.
    pub fn pointed_at(server: Url) -> ClientFactory {
        ClientFactory::new(move |mut options, ui| {
            let url = &mut options.base_url;
            // Replacing an http(s) URL's origin with an http(s) origin cannot fail.
            let _ = url.set_scheme(server.scheme());
            let _ = url.set_host(server.host_str());
            let _ = url.set_port(server.port_or_known_default());
            ApiClient::new(options, ui)
        })
    }

    fn make(&self, options: ClientOptions, ui: Arc<Ui>) -> Result<ApiClient> {
        (self.0)(options, ui)
    }
}

/// The program itself, for the commands that describe or re-enter it: `generate-assets`
/// renders its clap tree, `demo` runs each step of its tour through it. Handed down by the
/// crate root, so no command imports the layer that dispatches to it.
#[derive(Clone, Copy)]
pub struct Program {
    /// The clap tree, as documented.
    pub command: fn() -> clap::Command,
    /// Runs a command line (argv, program name first) with this `Ui` and these doors.
    pub run: fn(Vec<OsString>, Arc<Ui>, Doors) -> Running,
}

/// A command line being run (`Program::run`).
pub type Running = Pin<Box<dyn Future<Output = Result<()>>>>;

/// Standard input: the process's, or bytes given in advance (tests).
pub struct Stdin {
    source: StdinSource,
    is_terminal: bool,
}

enum StdinSource {
    Process,
    Bytes(Vec<u8>),
}

impl Stdin {
    pub fn from_process() -> Stdin {
        Stdin {
            source: StdinSource::Process,
            is_terminal: std::io::stdin().is_terminal(),
        }
    }

    /// Input that holds `bytes` (and, for `is_terminal`, looks like a terminal or a pipe).
    pub fn from_bytes(bytes: impl Into<Vec<u8>>, is_terminal: bool) -> Stdin {
        Stdin {
            source: StdinSource::Bytes(bytes.into()),
            is_terminal,
        }
    }

    pub fn is_terminal(&self) -> bool {
        self.is_terminal
    }

    /// A buffered reader over it, for reading lines as they come.
    pub fn reader(&self) -> Box<dyn BufRead + '_> {
        match &self.source {
            StdinSource::Process => Box::new(std::io::stdin().lock()),
            StdinSource::Bytes(bytes) => Box::new(std::io::Cursor::new(bytes.as_slice())),
        }
    }

    /// Everything up to end of input, at most `limit` bytes (more is an error naming `what`).
    /// Read on a blocking thread, so the runtime keeps serving the shutdown signal.
    pub async fn read_to_end(&self, limit: u64, what: &str) -> Result<Vec<u8>> {
        let bytes = match &self.source {
            StdinSource::Bytes(bytes) => bytes.clone(),
            StdinSource::Process => tokio::task::spawn_blocking(move || {
                use std::io::Read;
                let mut bytes = Vec::new();
                std::io::stdin()
                    .lock()
                    .take(limit + 1)
                    .read_to_end(&mut bytes)
                    .map(|_| bytes)
            })
            .await
            .map_err(|err| Error::other(format!("reading {what}: {err}")))?
            .map_err(|err| Error::other(format!("could not read {what}: {err}")).with_cause(err))?,
        };
        if bytes.len() as u64 > limit {
            return Err(Error::usage(format!(
                "{what} is larger than {} KiB",
                limit / 1024
            )));
        }
        Ok(bytes)
    }
}

/// A context for in-process tests, and what they observe of it.
#[cfg(test)]
pub struct TestContext {
    pub ctx: Context,
    pub captured: crate::ui::Captured,
    pub trigger: crate::shutdown::ShutdownTrigger,
}

impl Context {
    /// The one place a context is made, for a run and for in-process tests alike: settings
    /// resolved from the command line's global options and `doors.env`, and the signals
    /// listened for (inside the runtime, for the process's).
    pub fn new(
        flags: &GlobalFlags,
        files_use: FilesUse,
        ui: Arc<Ui>,
        doors: Doors,
        program: Program,
    ) -> Result<Context> {
        // Signals first: from here on, each one ends the run through `Shutdown`.
        let shutdown = doors.signals.listen();
        let settings = Settings::resolve_with(flags, &doors.env, files_use)?;
        Ok(Context {
            settings,
            ui,
            stdin: doors.stdin,
            prompter: doors.prompter,
            shutdown,
            env: doors.env,
            clock: doors.clock,
            clients: doors.clients,
            program,
        })
    }

    /// A context for in-process tests (gh's `iostreams.Test()`): `argv` parsed and resolved
    /// as a run does, output captured (a terminal or not), the given doors but a shutdown
    /// the test fires.
    #[cfg(test)]
    pub fn for_tests(argv: &[&str], mut doors: Doors, terminal: bool) -> Result<TestContext> {
        let invocation = crate::parse_args(argv).map_err(|err| Error::usage(err.to_string()))?;
        let files_use = crate::commands::files_use(&invocation.cli.command);
        let (ui, captured) = Ui::captured(terminal);
        let (trigger, shutdown) = Shutdown::manual();
        doors.signals = Signals::Given(shutdown);
        let ctx = Context::new(
            &invocation.flags,
            files_use,
            Arc::new(ui),
            doors,
            crate::PROGRAM,
        )?;
        Ok(TestContext {
            ctx,
            captured,
            trigger,
        })
    }

    /// The API base URL, or the usage error that says how to configure one.
    pub fn host(&self) -> Result<Url> {
        match &self.settings.host {
            Some(host) => Ok(host.value.clone()),
            None => Err(Error::usage("no host configured").with_hint(
                "run `agentctl auth login`, pass --host or set AGENTCTL_HOST; \
                 for a local server to try things on, run `agentctl dev-server`",
            )),
        }
    }

    /// The client options these settings give.
    fn client_options(&self) -> Result<ClientOptions> {
        let token = self.settings.token.as_ref().map(|t| t.value.clone());
        Ok(self.options_for(self.host()?, token))
    }

    /// The settings' client options (timeout, retries, `--cacert`, proxy, the insecure-http
    /// rule) for a given host and token.
    fn options_for(&self, base_url: Url, token: Option<crate::secret::Secret>) -> ClientOptions {
        ClientOptions {
            base_url,
            token,
            request_timeout: self.settings.request_timeout,
            retries: self.settings.retries,
            cacert: self.settings.cacert.clone(),
            allow_insecure_http: self.settings.allow_insecure_http,
            proxy: self.settings.proxy.clone(),
            clock: self.clock.clone(),
        }
    }

    /// The one HTTP client for this invocation (build it once and share it).
    pub fn api(&self) -> Result<ApiClient> {
        self.api_with(|_| {})
    }

    /// A client with some options changed (`send --every` turns retries off). Every client
    /// is built here, so each gets the same withheld-token warning and the same proxy, TLS
    /// and insecure-http rules.
    pub fn api_with(&self, adjust: impl FnOnce(&mut ClientOptions)) -> Result<ApiClient> {
        if let Some(reason) = &self.settings.withheld_token {
            self.ui
                .warn(&format!("{reason}; set AGENTCTL_TOKEN to send one"));
        }
        let mut options = self.client_options()?;
        adjust(&mut options);
        self.clients.make(options, self.ui.clone())
    }

    /// A client for a host and a token that are not the settings' own yet: `auth login` checks
    /// the token it is about to save. The other options (timeout, retries, `--cacert`, the
    /// insecure-http rule, the proxy) are the settings'; no withheld-token warning, since the settings'
    /// token is not the one sent.
    pub fn api_for(&self, base_url: Url, token: crate::secret::Secret) -> Result<ApiClient> {
        self.clients
            .make(self.options_for(base_url, Some(token)), self.ui.clone())
    }

    /// The output options of this invocation, resolved once; commands hand them to `output`
    /// with their data.
    pub fn output_options(&self) -> OutputOptions {
        OutputOptions {
            headers: !self.settings.no_headers,
            color: self.ui.color,
            jq: self.settings.jq.clone(),
            raw: self.settings.raw_output,
            terminal: self.ui.stdout_is_terminal,
            ..OutputOptions::new(self.settings.output.value, self.clock.now())
        }
    }
}
