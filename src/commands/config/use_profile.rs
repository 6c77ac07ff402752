use crate::config::{Source, unknown_profile, validate_profile_name_in};
use crate::context::Context;
use crate::error::Result;
use clap::Args;

/// Make a profile the current one
///
/// Later commands use it when neither --profile nor AGENTCTL_PROFILE names another.
#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  agentctl config use staging
  agentctl config use default")]
pub struct ConfigUseArgs {
    /// A profile from `agentctl config list`
    // Its own id: under the id `profile` clap would take it for the global `--profile`, which
    // then named the wrong argument in errors and was refused after `config use`.
    #[arg(id = "profile_name", value_name = "PROFILE", add = clap_complete::ArgValueCandidates::new(crate::complete::profiles))]
    pub profile: String,
}

pub async fn run(ctx: &Context, args: ConfigUseArgs) -> Result<()> {
    let name = args.profile.trim();
    validate_profile_name_in("<PROFILE>", name)?;
    let files = ctx.settings.config_files()?;
    // Checked before taking the lock too, so a mistyped name creates no dir or lock file.
    let known = files.read_config()?.profile_names();
    if !known.iter().any(|k| k == name) {
        return Err(unknown_profile(name, &known));
    }
    files.update(|config, _| {
        if !config.has_profile(name) {
            return Err(unknown_profile(name, &config.profile_names()));
        }
        config.set_current_profile(name);
        Ok(())
    })?;
    ctx.ui.status(&format!("Switched to profile '{name}'."));
    if ctx.settings.profile.source == Source::Env {
        ctx.ui.warn(&format!(
            "AGENTCTL_PROFILE={} is set and takes precedence over the current profile",
            ctx.settings.profile.value
        ));
    }
    Ok(())
}
