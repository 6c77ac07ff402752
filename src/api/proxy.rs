//! Which proxy a request goes through, decided once from the environment (`HTTP_PROXY`,
//! `HTTPS_PROXY`, `ALL_PROXY`, `NO_PROXY`, lower-case names first, as curl reads them).
//!
//! A loopback host is never reached through a proxy: the plain-http exemption for loopback
//! holds only because such a request really stays on this machine. Every HTTP path of the
//! program asks [`ProxyConfig::proxy_for`] (the client installs it as reqwest's only proxy
//! rule), so they all agree on where a request goes.

use super::urls::is_loopback;
use std::net::IpAddr;
use url::Url;

/// The proxy settings of the environment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProxyConfig {
    http: Option<ProxyVar>,
    https: Option<ProxyVar>,
    all: Option<ProxyVar>,
    no_proxy: Vec<String>,
}

/// A proxy URL and the variable it came from (for messages).
#[derive(Debug, Clone, PartialEq, Eq)]
struct ProxyVar {
    name: &'static str,
    /// `None`: set, but not a URL (refused when it would be used).
    url: Option<Url>,
}

/// The proxy chosen for a request, and where it was configured.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChosenProxy {
    pub url: Url,
    /// The environment variable that named it (`HTTPS_PROXY`, `all_proxy`, …).
    pub variable: &'static str,
}

impl ProxyConfig {
    /// No proxy at all.
    pub fn none() -> ProxyConfig {
        ProxyConfig::default()
    }

    /// Reads the proxy variables through `env` (the process environment, or a test's).
    pub fn from_env(env: &dyn Fn(&str) -> Option<String>) -> ProxyConfig {
        let read = |names: [&'static str; 2]| {
            names.into_iter().find_map(|name| {
                let value = env(name)?;
                let value = value.trim();
                (!value.is_empty()).then(|| ProxyVar {
                    name,
                    url: parse_proxy_url(value),
                })
            })
        };
        let no_proxy = ["no_proxy", "NO_PROXY"]
            .into_iter()
            .find_map(|name| env(name).filter(|v| !v.trim().is_empty()))
            .map(|list| {
                list.split(',')
                    .map(|entry| entry.trim().to_ascii_lowercase())
                    .filter(|entry| !entry.is_empty())
                    .collect()
            })
            .unwrap_or_default();
        ProxyConfig {
            http: read(["http_proxy", "HTTP_PROXY"]),
            https: read(["https_proxy", "HTTPS_PROXY"]),
            all: read(["all_proxy", "ALL_PROXY"]),
            no_proxy,
        }
    }

    /// The proxy a request to `url` goes through: `None` for a loopback host, a host that
    /// `NO_PROXY` lists, or when no variable applies. A variable that is set but not a usable
    /// URL is an error naming it.
    pub fn proxy_for(&self, url: &Url) -> Result<Option<ChosenProxy>, String> {
        if is_loopback(url) || self.excluded(url) {
            return Ok(None);
        }
        let by_scheme = match url.scheme() {
            "http" => self.http.as_ref(),
            "https" => self.https.as_ref(),
            _ => None,
        };
        let Some(var) = by_scheme.or(self.all.as_ref()) else {
            return Ok(None);
        };
        match &var.url {
            Some(proxy) => Ok(Some(ChosenProxy {
                url: proxy.clone(),
                variable: var.name,
            })),
            None => Err(format!(
                "{} is not an http:// or https:// proxy URL (SOCKS proxies are not supported)",
                var.name
            )),
        }
    }

    /// Whether `NO_PROXY` lists the host: `*`, the host itself, a parent domain (`example.com`
    /// or `.example.com` covers `api.example.com`), an IP address or a CIDR block; an entry
    /// with `:port` applies to that port only.
    fn excluded(&self, url: &Url) -> bool {
        let Some(host) = url.host_str() else {
            return false;
        };
        let host = host.trim_start_matches('[').trim_end_matches(']');
        let host = host.to_ascii_lowercase();
        let port = url.port_or_known_default();
        self.no_proxy.iter().any(|entry| {
            if entry == "*" {
                return true;
            }
            let (pattern, entry_port) = split_port(entry);
            if entry_port.is_some() && entry_port != port {
                return false;
            }
            if let (Ok(ip), Some((net, bits))) = (host.parse::<IpAddr>(), parse_cidr(pattern)) {
                return in_block(ip, net, bits);
            }
            let pattern = pattern.trim_start_matches("*.").trim_start_matches('.');
            !pattern.is_empty()
                && (host == pattern
                    || host
                        .strip_suffix(pattern)
                        .is_some_and(|rest| rest.ends_with('.')))
        })
    }
}

/// A proxy value as curl reads it: a URL, or `host:port` meaning `http://host:port`. Only
/// http:// and https:// proxies are supported (reqwest is built without SOCKS).
fn parse_proxy_url(value: &str) -> Option<Url> {
    let text = if value.contains("://") {
        value.to_owned()
    } else {
        format!("http://{value}")
    };
    let url = Url::parse(&text).ok()?;
    (matches!(url.scheme(), "http" | "https") && url.host_str().is_some_and(|h| !h.is_empty()))
        .then_some(url)
}

/// `host:port` → (`host`, port); an IPv6 address without brackets has no port.
fn split_port(entry: &str) -> (&str, Option<u16>) {
    if let Some((ip, tail)) = entry
        .strip_prefix('[')
        .and_then(|rest| rest.split_once(']'))
    {
        return (ip, tail.strip_prefix(':').and_then(|p| p.parse().ok()));
    }
    match entry.rsplit_once(':') {
        Some((host, port)) if !host.contains(':') => match port.parse() {
            Ok(port) => (host, Some(port)),
            Err(_) => (entry, None),
        },
        _ => (entry, None),
    }
}

/// `10.0.0.0/8` → (10.0.0.0, 8); a bare address is a block of one.
fn parse_cidr(pattern: &str) -> Option<(IpAddr, u8)> {
    match pattern.split_once('/') {
        Some((ip, bits)) => Some((ip.parse().ok()?, bits.parse().ok()?)),
        None => {
            let ip: IpAddr = pattern.parse().ok()?;
            Some((ip, if ip.is_ipv4() { 32 } else { 128 }))
        }
    }
}

fn in_block(ip: IpAddr, net: IpAddr, bits: u8) -> bool {
    match (ip, net) {
        (IpAddr::V4(ip), IpAddr::V4(net)) if bits <= 32 => {
            let mask = u32::MAX.checked_shl(32 - u32::from(bits)).unwrap_or(0);
            u32::from(ip) & mask == u32::from(net) & mask
        }
        (IpAddr::V6(ip), IpAddr::V6(net)) if bits <= 128 => {
            let mask = u128::MAX.checked_shl(128 - u32::from(bits)).unwrap_or(0);
            u128::from(ip) & mask == u128::from(net) & mask
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(vars: &[(&str, &str)]) -> ProxyConfig {
        let vars: Vec<(String, String)> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        ProxyConfig::from_env(&|name| vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()))
    }

    fn chosen(config: &ProxyConfig, url: &str) -> Option<String> {
        config
            .proxy_for(&Url::parse(url).unwrap())
            .unwrap()
            .map(|p| format!("{} {}", p.variable, p.url))
    }

    #[test]
    fn by_scheme_then_all_and_never_for_loopback() {
        let proxies = config(&[
            ("HTTP_PROXY", "http://p1:3128"),
            ("https_proxy", "p2:8080"),
            ("ALL_PROXY", "http://p3:1"),
        ]);
        assert_eq!(
            chosen(&proxies, "http://agents.example.com").as_deref(),
            Some("HTTP_PROXY http://p1:3128/")
        );
        assert_eq!(
            chosen(&proxies, "https://agents.example.com").as_deref(),
            Some("https_proxy http://p2:8080/")
        );
        for loopback in [
            "http://127.0.0.1:7878",
            "https://localhost",
            "http://[::1]:1",
        ] {
            assert_eq!(chosen(&proxies, loopback), None, "{loopback}");
        }
        let all = config(&[("all_proxy", "https://p3:1")]);
        assert_eq!(
            chosen(&all, "http://a.example").as_deref(),
            Some("all_proxy https://p3:1/")
        );
        // Lower case first, as curl reads them.
        let both = config(&[
            ("http_proxy", "http://low:1"),
            ("HTTP_PROXY", "http://up:1"),
        ]);
        assert!(chosen(&both, "http://a.example").unwrap().contains("low"));
        assert_eq!(chosen(&config(&[]), "http://a.example"), None);
    }

    #[test]
    fn no_proxy_hosts_domains_ports_and_blocks() {
        let proxies = config(&[
            ("HTTPS_PROXY", "http://p:3128"),
            (
                "NO_PROXY",
                "internal.example, .corp.example,10.0.0.0/8,api.example:8443",
            ),
        ]);
        for direct in [
            "https://internal.example",
            "https://a.internal.example",
            "https://x.corp.example",
            "https://10.2.3.4",
            "https://api.example:8443",
        ] {
            assert_eq!(chosen(&proxies, direct), None, "{direct}");
        }
        for proxied in [
            "https://notinternal.example",
            "https://11.0.0.1",
            "https://api.example",
        ] {
            assert!(chosen(&proxies, proxied).is_some(), "{proxied}");
        }
        let star = config(&[("HTTPS_PROXY", "http://p:1"), ("no_proxy", "*")]);
        assert_eq!(chosen(&star, "https://a.example"), None);
    }

    #[test]
    fn an_unusable_proxy_value_is_an_error_when_it_would_be_used() {
        let socks = config(&[("ALL_PROXY", "socks5://p:1080")]);
        let err = socks
            .proxy_for(&Url::parse("https://a.example").unwrap())
            .unwrap_err();
        assert!(err.contains("ALL_PROXY"), "{err}");
        assert_eq!(
            socks.proxy_for(&Url::parse("http://127.0.0.1:1").unwrap()),
            Ok(None)
        );
    }
}
