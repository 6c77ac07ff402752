use crate::context::Context;
use crate::error::{Error, Result};
use clap::Args;
use std::path::PathBuf;

/// Write the shell completions and man pages into completions/ and man/ (for maintainers)
#[derive(Debug, Args)]
pub struct GenerateAssetsArgs {
    /// The repository root
    #[arg(long, default_value = ".")]
    pub dir: PathBuf,
}

pub async fn run(ctx: &Context, args: GenerateAssetsArgs) -> Result<()> {
    for asset in crate::assets::all(&(ctx.program.command)()) {
        let path = args.dir.join(&asset.path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|err| Error::other(format!("{}: {err}", parent.display())))?;
        }
        std::fs::write(&path, &asset.contents)
            .map_err(|err| Error::other(format!("{}: {err}", path.display())))?;
        ctx.ui.status(&format!("wrote {}", path.display()));
    }
    Ok(())
}
