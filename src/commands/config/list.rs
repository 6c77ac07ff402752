use crate::config::{display_value, is_valid_profile_name};
use crate::context::Context;
use crate::error::Result;
use crate::sanitize::sanitize;
use clap::Args;
use serde_json::json;

/// List the profiles and their settings
///
/// Prints `current_profile=NAME`, then one `PROFILE.KEY=VALUE` line per stored setting, as
/// config.toml holds them (tokens are not listed: see `agentctl auth status`). A profile whose
/// name is not a valid one (letters, digits, `-` and `_`) is ignored and named in a warning.
#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  agentctl config list
  agentctl config list | grep '\\.host='
  agentctl config list -o json")]
pub struct ConfigListArgs {}

pub async fn run(ctx: &Context, _args: ConfigListArgs) -> Result<()> {
    let config = ctx.settings.config_files()?.read_config()?;
    let names = config.profile_names();
    let invalid = config.invalid_profile_names();
    for name in &invalid {
        ctx.ui.warn(&format!(
            "profile '{}' in config.toml is ignored: not a valid profile name (letters, digits, \
             '-' and '_'); rename or remove its table in the file `agentctl config path` shows",
            sanitize(name)
        ));
    }
    let current = config.current_profile();
    if let Some(current) = current.filter(|name| !is_valid_profile_name(name)) {
        ctx.ui.warn(&format!(
            "current_profile '{}' in config.toml is ignored: not a valid profile name",
            sanitize(current)
        ));
    }
    if ctx.settings.output.value.is_json() {
        let profiles: serde_json::Map<String, serde_json::Value> = names
            .iter()
            .map(|name| {
                let table = config.profile(name).cloned().unwrap_or_default();
                let value = serde_json::to_value(table).unwrap_or_default();
                (name.clone(), value)
            })
            .collect();
        let mut json = json!({
            "current_profile": current,
            "profiles": profiles,
        });
        if !invalid.is_empty() {
            json["invalid_profiles"] = json!(invalid);
        }
        return crate::output::print_json(&ctx.ui, &ctx.output_options(), &json);
    }
    if names.is_empty() && invalid.is_empty() {
        ctx.ui
            .status("No profiles yet: run `agentctl auth login` to create one.");
        return Ok(());
    }
    let mut text = String::new();
    if let Some(current) = current {
        text.push_str(&format!("current_profile={}\n", sanitize(current)));
    }
    for name in &names {
        // Valid names need no sanitizing: letters, digits, '-' and '_'.
        for (key, value) in config.profile(name).into_iter().flatten() {
            text.push_str(&format!(
                "{name}.{}={}\n",
                sanitize(key),
                sanitize(&display_value(value))
            ));
        }
    }
    ctx.ui.data(&text)
}
