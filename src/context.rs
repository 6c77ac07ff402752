//! What every command is handed, and its only door to the outside world: the resolved
//! settings, the `Ui`, the API client factory, standard input, the prompter and the shutdown
//! signal (gh's `cmdutil.Factory`). Tests build one with captured output, scripted input and a
//! manual shutdown; no command reaches past it.

use crate::api::{ApiClient, ClientOptions};
use crate::config::{Settings, host_setting_name};
use crate::error::{Error, Result};
use crate::output::OutputOptions;
use crate::prompt::Prompter;
use crate::shutdown::Shutdown;
use crate::ui::Ui;
use std::io::{BufRead, IsTerminal};
use std::sync::Arc;
use std::time::SystemTime;
use url::Url;

pub struct Context {
    pub settings: Settings,
    pub ui: Arc<Ui>,
    pub stdin: Stdin,
    pub prompter: Arc<dyn Prompter>,
    pub shutdown: Shutdown,
}

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
pub struct TestContext {
    pub ctx: Context,
    pub captured: crate::ui::Captured,
    pub trigger: crate::shutdown::ShutdownTrigger,
}

impl Context {
    /// A context for in-process tests (gh's `iostreams.Test()`): settings resolved from
    /// `argv` and `env` as `run` resolves them, output captured (a terminal or not), the given
    /// stdin, scripted prompts and a shutdown the test fires.
    pub fn for_tests(
        argv: &[&str],
        env: &dyn Fn(&str) -> Option<String>,
        stdin: Stdin,
        prompter: Arc<dyn Prompter>,
        terminal: bool,
    ) -> Result<TestContext> {
        let invocation = crate::parse_args(argv).map_err(|err| Error::usage(err.to_string()))?;
        let files_use = crate::commands::files_use(&invocation.cli.command);
        let settings =
            Settings::resolve_with(&invocation.cli.global, &invocation.sources, env, files_use)?;
        let (ui, captured) = Ui::captured(terminal);
        let (trigger, shutdown) = crate::shutdown::Shutdown::manual();
        Ok(TestContext {
            ctx: Context {
                settings,
                ui: Arc::new(ui),
                stdin,
                prompter,
                shutdown,
            },
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

    /// Where the host setting came from, for error messages.
    pub fn host_setting(&self) -> &'static str {
        self.settings
            .host
            .as_ref()
            .map_or("--host", |h| host_setting_name(h.source))
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
        ApiClient::new(options, self.ui.clone())
    }

    /// A client for a host and a token that are not the settings' own yet: `auth login` checks
    /// the token it is about to save. The other options (timeout, retries, `--cacert`, the
    /// insecure-http rule, the proxy) are the settings'; no withheld-token warning, since the settings'
    /// token is not the one sent.
    pub fn api_for(&self, base_url: Url, token: crate::secret::Secret) -> Result<ApiClient> {
        ApiClient::new(self.options_for(base_url, Some(token)), self.ui.clone())
    }

    /// The output options of this invocation, resolved once; commands hand them to `output`
    /// with their data.
    pub fn output_options(&self) -> OutputOptions {
        OutputOptions {
            format: self.settings.output.value,
            headers: !self.settings.no_headers,
            color: self.ui.color,
            now: SystemTime::now(),
            jq: self.settings.jq.clone(),
            raw: self.settings.raw_output,
            terminal: self.ui.stdout_is_terminal,
        }
    }
}
