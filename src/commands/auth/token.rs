use crate::context::Context;
use crate::error::{Error, ErrorKind, Result};
use clap::Args;

/// Print the token, alone, for scripts
///
/// Prints the token that calls would send (AGENTCTL_TOKEN, else the one stored for the
/// profile), unmasked. Exit status 3 when there is none.
#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  curl -H \"Authorization: Bearer $(agentctl auth token)\" https://agents.example.com/api/v1/agents
  agentctl auth token --profile staging")]
pub struct AuthTokenArgs {}

pub async fn run(ctx: &Context, _args: AuthTokenArgs) -> Result<()> {
    match &ctx.settings.token {
        Some(token) => ctx.ui.answer(&format!("{}\n", token.value.expose())),
        None => Err(match &ctx.settings.withheld_token {
            Some(reason) => Error::new(ErrorKind::Auth, reason.clone())
                .with_hint("drop --host / AGENTCTL_HOST, or set AGENTCTL_TOKEN"),
            None => Error::new(
                ErrorKind::Auth,
                format!("no token for profile '{}'", ctx.settings.profile.value),
            )
            .with_hint("run `agentctl auth login` (or set AGENTCTL_TOKEN)"),
        }),
    }
}
