//! URLs: the paths of the Agents API under the base URL, how a URL is shown in logs and
//! errors, and whether a host is this machine. A leaf of `api`: the client, both senders and
//! the proxy rules ask here, and it asks none of them.

use super::ids::AgentId;
use crate::sanitize::sanitize;
use url::Url;

/// `<base>/api/v1/agents[/<id>[/<tail>]]`, the id encoded as one path segment; a path prefix
/// in the base (`https://h/gw` or `https://h/gw/`) is kept.
pub fn agents_url(base: &Url, id: Option<&AgentId>, tail: Option<&str>) -> Url {
    let mut url = base.clone();
    {
        let mut segments = url
            .path_segments_mut()
            .expect("http(s) URLs always have a path");
        segments.pop_if_empty().extend(["api", "v1", "agents"]);
        if let Some(id) = id {
            segments.push(id.as_str());
        }
        if let Some(tail) = tail {
            segments.push(tail);
        }
    }
    url
}

/// A URL as logs, errors and `--dry-run` show it: any password redacted, sanitized. The same
/// for the API's URLs and a proxy's.
pub fn shown(url: &Url) -> String {
    let mut shown = url.clone();
    if shown.password().is_some() {
        let _ = shown.set_password(Some("[REDACTED]"));
    }
    sanitize(shown.as_str()).into_owned()
}

/// `scheme://host:port`, for messages.
pub fn origin(url: &Url) -> String {
    sanitize(&url.origin().ascii_serialization()).into_owned()
}

/// Whether requests to the URL stay on this machine: a loopback address, or the name
/// `localhost` itself.
pub fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        // Only the name itself: `*.localhost` goes through DNS, which may answer anything.
        Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(text: &str) -> Url {
        Url::parse(text).unwrap()
    }

    #[test]
    fn path_prefixes_and_encoding() {
        let id = AgentId::parse("a b?c#d").unwrap();
        for base in ["https://h/gw", "https://h/gw/"] {
            assert_eq!(
                agents_url(&url(base), Some(&id), Some("heartbeat")).as_str(),
                "https://h/gw/api/v1/agents/a%20b%3Fc%23d/heartbeat"
            );
        }
        assert_eq!(
            agents_url(&url("http://127.0.0.1:9"), None, None).as_str(),
            "http://127.0.0.1:9/api/v1/agents"
        );
        let pct = AgentId::parse("50%").unwrap();
        assert_eq!(
            agents_url(&url("https://h"), Some(&pct), None).as_str(),
            "https://h/api/v1/agents/50%25"
        );
    }

    #[test]
    fn a_shown_url_never_holds_a_password() {
        // `Url` percent-encodes what it is given as a password.
        assert_eq!(
            shown(&url("http://user:hunter2@proxy:3128")),
            "http://user:%5BREDACTED%5D@proxy:3128/"
        );
        assert_eq!(shown(&url("https://h/a?b=c")), "https://h/a?b=c");
        assert_eq!(origin(&url("https://h:8443/a?b")), "https://h:8443");
    }

    #[test]
    fn loopback_is_the_address_or_the_name_itself() {
        for local in [
            "http://127.0.0.1:1",
            "http://127.9.9.9",
            "http://[::1]:1",
            "http://localhost",
            "http://LocalHost:8",
        ] {
            assert!(is_loopback(&url(local)), "{local}");
        }
        for remote in [
            "http://10.0.0.1",
            "http://[::2]",
            "http://a.localhost",
            "http://localhost.example",
            "unix:/run/sock",
        ] {
            assert!(!is_loopback(&url(remote)), "{remote}");
        }
    }
}
