use crate::context::Context;
use crate::error::Result;
use clap::Args;
use clap_complete::Shell;

/// Print a shell completion script
#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  agentctl completions bash > ~/.local/share/bash-completion/completions/agentctl
  agentctl completions zsh > ~/.zfunc/_agentctl     # with fpath+=(~/.zfunc) before compinit
  agentctl completions fish > ~/.config/fish/completions/agentctl.fish")]
pub struct CompletionsArgs {
    /// The shell
    #[arg(value_enum)]
    pub shell: Shell,
}

pub async fn run(ctx: &Context, args: CompletionsArgs) -> Result<()> {
    let script = crate::assets::completion(args.shell);
    ctx.ui.answer(&String::from_utf8_lossy(&script))
}
