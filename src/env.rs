//! The environment variables a run sees: the process's (`Env::process`, what `main` hands
//! in) or a fixed set (`Env::from_pairs`, for tests and for the demo's steps). Every lookup of
//! a variable goes through one of these, so an in-process run never reads the test runner's
//! own environment by accident.
//!
//! Four variables are the exception: clap reads AGENTCTL_HOST, AGENTCTL_PROFILE,
//! AGENTCTL_OUTPUT and AGENTCTL_CONFIG_DIR (and `simulate`'s AGENTCTL_SHARD) itself, from
//! the process, through the `env` attribute of their options, which also writes `[env: …]`
//! into `--help`. `main_with` refuses a fixed set that names one of them (pass the flag
//! instead).

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::sync::Arc;

/// Where variables are looked up.
#[derive(Clone, Debug)]
pub struct Env(Source);

#[derive(Clone, Debug)]
enum Source {
    Process,
    Fixed(Arc<BTreeMap<String, OsString>>),
}

impl Env {
    /// The process's environment, read at each lookup.
    pub fn process() -> Env {
        Env(Source::Process)
    }

    /// Exactly these variables and no others.
    pub fn from_pairs<I, K, V>(pairs: I) -> Env
    where
        I: IntoIterator<Item = (K, V)>,
        K: Into<String>,
        V: Into<OsString>,
    {
        Env(Source::Fixed(Arc::new(
            pairs
                .into_iter()
                .map(|(name, value)| (name.into(), value.into()))
                .collect(),
        )))
    }

    /// No variables at all.
    pub fn empty() -> Env {
        Env::from_pairs(std::iter::empty::<(String, OsString)>())
    }

    /// Whether this is the process's environment.
    pub fn is_process(&self) -> bool {
        matches!(self.0, Source::Process)
    }

    /// A variable's value, as it was set (`None` when unset).
    pub fn var_os(&self, name: &str) -> Option<OsString> {
        match &self.0 {
            Source::Process => std::env::var_os(name),
            Source::Fixed(vars) => vars.get(name).cloned(),
        }
    }

    /// A variable's value as text; `None` when unset or not valid UTF-8.
    pub fn var(&self, name: &str) -> Option<String> {
        self.var_os(name)?.into_string().ok()
    }

    /// Whether a variable is set to something other than the empty string (NO_COLOR's rule).
    pub fn is_set(&self, name: &str) -> bool {
        self.var_os(name).is_some_and(|value| !value.is_empty())
    }

    /// Every variable, in name order, as text (bytes that are not UTF-8 replaced), for jq's
    /// `$ENV`.
    pub fn vars(&self) -> Vec<(String, String)> {
        let lossy = |name: OsString, value: OsString| {
            (
                name.to_string_lossy().into_owned(),
                value.to_string_lossy().into_owned(),
            )
        };
        let mut vars: Vec<(String, String)> = match &self.0 {
            Source::Process => std::env::vars_os()
                .map(|(name, value)| lossy(name, value))
                .collect(),
            Source::Fixed(vars) => vars
                .iter()
                .map(|(name, value)| (name.clone(), value.to_string_lossy().into_owned()))
                .collect(),
        };
        vars.sort();
        vars
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fixed_set_is_all_there_is() {
        let env = Env::from_pairs([("AGENTCTL_TOKEN", "t"), ("NO_COLOR", "")]);
        assert_eq!(env.var("AGENTCTL_TOKEN").as_deref(), Some("t"));
        assert_eq!(env.var("PATH"), None);
        assert!(env.var_os("NO_COLOR").is_some() && !env.is_set("NO_COLOR"));
        assert!(env.is_set("AGENTCTL_TOKEN"));
        assert_eq!(
            env.vars(),
            [
                ("AGENTCTL_TOKEN".to_owned(), "t".to_owned()),
                ("NO_COLOR".to_owned(), String::new())
            ]
        );
        assert!(!env.is_process() && Env::process().is_process());
        assert!(Env::empty().vars().is_empty());
    }

    #[cfg(unix)]
    #[test]
    fn a_value_that_is_not_utf8_is_set_but_not_text() {
        use std::os::unix::ffi::OsStringExt;
        let env = Env::from_pairs([("X", OsString::from_vec(vec![0xff]))]);
        assert!(env.is_set("X"));
        assert_eq!(env.var("X"), None);
        assert_eq!(env.vars(), [("X".to_owned(), "\u{fffd}".to_owned())]);
    }
}
