use crate::context::Context;
use crate::error::Result;
use clap::Args;
use serde_json::json;

/// Print the path of the config file
///
/// Prints the path of config.toml; credentials.toml (the tokens) sits beside it. The config
/// dir is --config-dir, else AGENTCTL_CONFIG_DIR, else the platform config dir
/// (~/.config/agentctl on Linux). The files are not read, so this works even when one is
/// broken.
#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  agentctl config path
  $EDITOR \"$(agentctl config path)\"
  agentctl config path -o json")]
pub struct ConfigPathArgs {}

pub async fn run(ctx: &Context, _args: ConfigPathArgs) -> Result<()> {
    let files = ctx.settings.config_files()?;
    if ctx.settings.output.value.is_json() {
        let json = json!({
            "config_dir": files.dir(),
            "config_file": files.config_path(),
            "credentials_file": files.credentials_path(),
        });
        // Through the one JSON path, so --jq works here too.
        return ctx
            .ui
            .answer(&crate::output::json_text(&ctx.output_options(), &json)?);
    }
    ctx.ui
        .answer(&format!("{}\n", files.config_path().display()))
}
