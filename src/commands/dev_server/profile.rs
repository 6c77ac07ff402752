//! The dev profile's ownership rules (contract §3): which profile `dev-server` may write its
//! host and token to, and the writing of them.

use crate::api::is_loopback;
use crate::config::{CREATED_BY_DEV_SERVER, CREATED_BY_KEY, ConfigKey, Source};
use crate::context::Context;
use crate::error::{Error, Result};
use crate::secret::Secret;

/// The profile `dev-server` saves when `--profile` does not name one.
pub const DEV_PROFILE: &str = "dev";

/// Saves this server's host and token as profile `dev` (or the one `--profile` names), under
/// the rules of contract §3: only a profile that dev-server created itself (marked
/// `created_by = "dev-server"` in config.toml, with a loopback `http://` host) is rewritten;
/// one it did not create is left as it is and nothing is saved; the profile is never made
/// current. The one place where `dev-server` touches the configuration.
pub(super) fn save_dev_profile(ctx: &Context, host: &str, token: &Secret) -> Result<()> {
    let name = match ctx.settings.profile.source {
        Source::Flag => ctx.settings.profile.value.clone(),
        _ => DEV_PROFILE.to_owned(),
    };
    let files = ctx.settings.config_files()?;
    let host_value = toml::Value::String(host.to_owned());
    // The token is saved with its origin: were config.toml left behind by a crash, it would
    // still go to this server only.
    let host_url = url::Url::parse(host)
        .map_err(|err| Error::other(format!("dev server address {host}: {err}")))?;
    let saved = files.update(|config, credentials| {
        let ours = match config.profile(&name) {
            Some(table) => created_by_dev_server(table),
            // A token without a profile is not ours to replace either.
            None => credentials.token(&name).is_none(),
        };
        if ours {
            let profile = config.profile_mut(&name);
            profile.insert(ConfigKey::Host.name().into(), host_value);
            profile.insert(
                CREATED_BY_KEY.into(),
                toml::Value::String(CREATED_BY_DEV_SERVER.into()),
            );
            credentials.set_token_for(&name, token, &host_url);
        }
        Ok(ours)
    })?;
    let dir = files.dir().display();
    if saved {
        let flag = if name == DEV_PROFILE {
            String::new()
        } else {
            format!(" --profile {name}")
        };
        ctx.ui.status(&format!(
            "saved profile '{name}' in {dir} (use it with --profile {name}; it is not made current; \
             the next `agentctl{flag} dev-server` rewrites it)"
        ));
    } else {
        ctx.ui.warn(&format!(
            "profile '{name}' in {dir} was not created by dev-server: left as it is, nothing saved. \
             Save this server under another name with `agentctl --profile NAME dev-server`, or \
             pass --no-save-profile and use the export line or --env-file PATH"
        ));
    }
    Ok(())
}

/// A profile `dev-server` may rewrite: it carries the mark, and its host is still one the dev
/// server writes (plain http to a loopback address), so a profile the user pointed elsewhere
/// is never taken back.
fn created_by_dev_server(profile: &toml::Table) -> bool {
    let marked =
        profile.get(CREATED_BY_KEY).and_then(|v| v.as_str()) == Some(CREATED_BY_DEV_SERVER);
    let local = profile
        .get(ConfigKey::Host.name())
        .and_then(|v| v.as_str())
        .and_then(|text| url::Url::parse(text).ok())
        .is_some_and(|url| url.scheme() == "http" && is_loopback(&url));
    marked && local
}

#[cfg(test)]
mod tests {
    use super::*;

    fn profile(host: &str, marked: bool) -> toml::Table {
        let mut table = toml::Table::new();
        table.insert(ConfigKey::Host.name().into(), host.into());
        if marked {
            table.insert(CREATED_BY_KEY.into(), CREATED_BY_DEV_SERVER.into());
        }
        table
    }

    #[test]
    fn only_a_marked_profile_on_plain_http_to_this_machine_is_ours() {
        for host in [
            "http://127.0.0.1:7878",
            "http://[::1]:7878",
            "http://localhost:7878",
            "http://LOCALHOST:1",
        ] {
            assert!(created_by_dev_server(&profile(host, true)), "{host}");
            assert!(!created_by_dev_server(&profile(host, false)), "{host}");
        }
        for host in [
            "https://127.0.0.1:7878",
            "https://localhost:7878",
            "http://a.localhost:7878",
            "http://10.0.0.1:7878",
            "http://api.example.com",
            "not a url",
        ] {
            assert!(!created_by_dev_server(&profile(host, true)), "{host}");
        }
    }
}
