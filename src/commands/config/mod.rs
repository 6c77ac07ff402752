pub mod get;
pub mod list;
pub mod path;
pub mod set;
/// `config use` (`use` is a Rust keyword).
pub mod use_profile;

use crate::context::Context;
use crate::error::Result;
use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    Path(path::ConfigPathArgs),
    List(list::ConfigListArgs),
    Get(get::ConfigGetArgs),
    Set(set::ConfigSetArgs),
    Use(use_profile::ConfigUseArgs),
}

pub async fn run(ctx: &Context, command: ConfigCommand) -> Result<()> {
    match command {
        ConfigCommand::Path(args) => path::run(ctx, args).await,
        ConfigCommand::List(args) => list::run(ctx, args).await,
        ConfigCommand::Get(args) => get::run(ctx, args).await,
        ConfigCommand::Set(args) => set::run(ctx, args).await,
        ConfigCommand::Use(args) => use_profile::run(ctx, args).await,
    }
}
