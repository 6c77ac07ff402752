use crate::config::Source;
use crate::context::Context;
use crate::error::Result;
use clap::Args;

/// Log out: remove the stored token of a profile
///
/// Removes the token of --profile (or the current profile) from credentials.toml. The host
/// and the other settings of the profile stay, and so do the other profiles. A token passed in
/// AGENTCTL_TOKEN is not affected.
#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  agentctl auth logout
  agentctl auth logout --profile staging")]
pub struct AuthLogoutArgs {}

pub async fn run(ctx: &Context, _args: AuthLogoutArgs) -> Result<()> {
    let settings = &ctx.settings;
    settings.require_known_profile()?;
    let files = settings.config_files()?;
    let profile = settings.profile.value.as_str();
    // Nothing to remove means nothing to write: no dir or lock file is created for it.
    let stored = files.read_credentials()?.token(profile).is_some();
    let removed = stored && files.update(|_, credentials| Ok(credentials.remove_token(profile)))?;
    if removed {
        ctx.ui.status(&format!(
            "Removed the token of profile '{profile}' from {}.",
            files.credentials_path().display()
        ));
    } else {
        ctx.ui
            .status(&format!("Profile '{profile}' had no stored token."));
    }
    if settings
        .token
        .as_ref()
        .is_some_and(|t| t.source == Source::Env)
    {
        ctx.ui
            .warn("AGENTCTL_TOKEN is still set and will be used until it is unset");
    }
    Ok(())
}
