//! What every command is handed: the resolved settings and the `Ui`; and the one way to get an
//! API client from them.

use crate::api::{ApiClient, ClientOptions};
use crate::config::{Settings, host_setting_name};
use crate::error::{Error, Result};
use crate::output::OutputOptions;
use crate::ui::Ui;
use std::sync::Arc;
use std::time::SystemTime;
use url::Url;

pub struct Context {
    pub settings: Settings,
    pub ui: Arc<Ui>,
}

impl Context {
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
    pub fn client_options(&self) -> Result<ClientOptions> {
        Ok(ClientOptions {
            base_url: self.host()?,
            token: self.settings.token.as_ref().map(|t| t.value.clone()),
            request_timeout: self.settings.request_timeout,
            retries: self.settings.retries,
            cacert: self.settings.cacert.clone(),
            allow_insecure_http: self.settings.allow_insecure_http,
        })
    }

    /// The one HTTP client for this invocation (build it once and share it).
    pub fn client(&self) -> Result<ApiClient> {
        if let Some(reason) = &self.settings.withheld_token {
            self.ui
                .warn(&format!("{reason}; set AGENTCTL_TOKEN to send one"));
        }
        ApiClient::new(self.client_options()?, self.ui.clone())
    }

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
