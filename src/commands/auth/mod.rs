pub mod login;
pub mod logout;
pub mod status;
pub mod token;

use crate::context::Context;
use crate::error::Result;
use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub enum AuthCommand {
    Login(login::AuthLoginArgs),
    Logout(logout::AuthLogoutArgs),
    Status(status::AuthStatusArgs),
    Token(token::AuthTokenArgs),
}

pub async fn run(ctx: &Context, command: AuthCommand) -> Result<()> {
    match command {
        AuthCommand::Login(args) => login::run(ctx, args).await,
        AuthCommand::Logout(args) => logout::run(ctx, args).await,
        AuthCommand::Status(args) => status::run(ctx, args).await,
        AuthCommand::Token(args) => token::run(ctx, args).await,
    }
}
