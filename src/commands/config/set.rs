use crate::config::{ConfigKey, become_current_if_none, display_value};
use crate::context::Context;
use crate::error::Result;
use crate::sanitize::sanitize;
use clap::Args;

/// Change one setting of a profile
///
/// Checks the value, then stores it in --profile (or the current profile) in config.toml,
/// creating the profile if needed; the first profile becomes the current one. Tokens are not
/// set here (a command line lands in shell history): use `agentctl auth login`.
#[derive(Debug, Args)]
#[command(after_help = "\
Keys: host, output, request_timeout, retries, cacert

Examples:
  agentctl config set host https://agents.example.com
  agentctl config set output wide
  agentctl config set request_timeout 30s --profile staging")]
pub struct ConfigSetArgs {
    /// The setting: host, output, request_timeout, retries or cacert
    #[arg(value_name = "KEY", add = clap_complete::ArgValueCandidates::new(crate::complete::config_keys))]
    pub key: String,
    /// Its new value
    #[arg(value_name = "VALUE", add = clap_complete::engine::ArgValueCompleter::new(crate::complete::config_values))]
    pub value: String,
}

pub async fn run(ctx: &Context, args: ConfigSetArgs) -> Result<()> {
    let key = ConfigKey::parse(&args.key)?;
    let value = key.parse_value(&args.value)?;
    let profile = ctx.settings.profile.value.as_str();
    let files = ctx.settings.config_files()?;
    let shown = display_value(&value);
    let (created, made_current) = files.update(|config, _| {
        let created = !config.has_profile(profile);
        config.profile_mut(profile).insert(key.name().into(), value);
        Ok((created, become_current_if_none(config, profile)))
    })?;
    let mut line = format!(
        "Set {} = {} in profile '{profile}'",
        key.name(),
        sanitize(&shown)
    );
    if created {
        line.push_str(" (new profile)");
    }
    if made_current {
        line.push_str(", now the current profile");
    }
    ctx.ui.status(&format!("{line}."));
    Ok(())
}
