//! What makes a profile name valid: one rule for `--profile`, `AGENTCTL_PROFILE`, the names
//! agentctl writes, and the ones it reads back from a `config.toml` someone edited by hand.

use crate::error::{Error, Result};

/// Letters, digits, `-` and `_`, at most 64 characters: a name that needs no quoting in a
/// shell, a TOML key or a `config list` line (`NAME.key=value`).
pub fn is_valid_profile_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// A profile name as given (`--profile`, `AGENTCTL_PROFILE`, `config use`, `auth login`),
/// surrounding blanks aside; a usage error naming it otherwise.
pub fn validate_profile_name(name: &str) -> Result<()> {
    let name = name.trim();
    if is_valid_profile_name(name) {
        Ok(())
    } else {
        Err(Error::usage(format!(
            "'{}' is not a valid profile name",
            crate::sanitize::sanitize(name)
        ))
        .with_hint(NAME_HINT))
    }
}

/// [`validate_profile_name`] for a name given in `setting` (`--profile`, `AGENTCTL_PROFILE`,
/// `<PROFILE>`): the message starts with the setting, so the user knows which one to fix.
pub fn validate_profile_name_in(setting: &str, name: &str) -> Result<()> {
    validate_profile_name(name)
        .map_err(|err| Error::usage(format!("{setting}: {}", err.message)).with_hint(NAME_HINT))
}

/// What a valid name is made of, for hints.
const NAME_HINT: &str = "use letters, digits, '-' and '_' (at most 64 characters)";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_that_need_quoting_anywhere_are_not_valid() {
        for good in ["prod", "dev-2", "a_b", &"x".repeat(64)] {
            assert!(is_valid_profile_name(good), "{good}");
        }
        for bad in [
            "",
            "bad*",
            "two words",
            "it's",
            "\"q\"",
            "$(reboot)",
            "`id`",
            "a.b",
            " prod",
            "é",
            &"x".repeat(65),
        ] {
            assert!(!is_valid_profile_name(bad), "{bad}");
        }
        assert!(validate_profile_name(" prod ").is_ok());
        let err = validate_profile_name("x\u{1b}[2J*").unwrap_err();
        assert_eq!(err.message, "'x\\x1b[2J*' is not a valid profile name");
        let err = validate_profile_name_in("<PROFILE>", "a*").unwrap_err();
        assert_eq!(err.message, "<PROFILE>: 'a*' is not a valid profile name");
        assert_eq!(err.hint.as_deref(), Some(NAME_HINT));
        assert!(validate_profile_name_in("<PROFILE>", "a").is_ok());
    }
}
