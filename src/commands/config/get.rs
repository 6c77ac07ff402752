use crate::config::{ConfigKey, display_value};
use crate::context::Context;
use crate::error::{Error, Result};
use crate::sanitize::sanitize;
use clap::Args;

/// Print one setting of a profile
///
/// Prints the value stored in --profile (or the current profile), or the built-in default when
/// the profile does not set it. Flags and environment variables are not applied here: see
/// `agentctl auth status` for what a call would use.
#[derive(Debug, Args)]
#[command(after_help = "\
Keys: host, output, request_timeout, retries, cacert

Examples:
  agentctl config get host
  agentctl config get output --profile staging")]
pub struct ConfigGetArgs {
    /// The setting: host, output, request_timeout, retries or cacert
    #[arg(value_name = "KEY", add = clap_complete::ArgValueCandidates::new(crate::complete::config_keys))]
    pub key: String,
}

pub async fn run(ctx: &Context, args: ConfigGetArgs) -> Result<()> {
    let key = ConfigKey::parse(&args.key)?;
    let settings = &ctx.settings;
    settings.require_known_profile()?;
    let profile = &settings.profile.value;
    let config = settings.config_files()?.read_config()?;
    let stored = config.profile(profile).and_then(|p| p.get(key.name()));
    let value = match (stored, key.default_value()) {
        (Some(value), _) => display_value(value),
        (None, Some(default)) => default,
        (None, None) => {
            return Err(
                Error::other(format!("{} is not set in profile '{profile}'", key.name()))
                    .with_hint(format!(
                        "set it with `agentctl config set {} <VALUE>`",
                        key.name()
                    )),
            );
        }
    };
    ctx.ui.answer(&format!("{}\n", sanitize(&value)))
}
