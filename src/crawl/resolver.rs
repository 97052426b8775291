//! Name resolution: `--resolve` overrides, reserved names, offline mode.
//!
//! All of govscan's DNS goes through here, so that tests and the demo can map
//! outside-looking hosts to loopback and be sure nothing else is looked up.

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

/// Why a name did not resolve.
#[derive(Debug)]
pub enum ResolveFailure {
    /// The name does not exist (or is reserved, like `.invalid`).
    NotFound(String),
    /// Offline mode: only `--resolve` names and loopback are reachable.
    Offline(String),
}

impl std::fmt::Display for ResolveFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ResolveFailure::NotFound(n) => write!(f, "dns error: {n} does not resolve"),
            ResolveFailure::Offline(n) => write!(f, "offline: {n} is not mapped with --resolve"),
        }
    }
}

impl std::error::Error for ResolveFailure {}

/// A parsed `--resolve HOST:PORT:ADDR`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolveRule {
    /// Host name, lower case.
    pub host: String,
    /// Port (as in curl; the URL's own port is used for the connection).
    pub port: u16,
    /// Address to connect to.
    pub addr: IpAddr,
}

impl std::str::FromStr for ResolveRule {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let usage = || format!("`{s}` is not HOST:PORT:ADDR (example: www.x.gov.cn:80:127.0.0.1)");
        let (host, rest) = s.split_once(':').ok_or_else(usage)?;
        let (port, addr) = rest.split_once(':').ok_or_else(usage)?;
        let addr = addr.trim_start_matches('[').trim_end_matches(']');
        if host.is_empty() {
            return Err(usage());
        }
        Ok(ResolveRule {
            host: host.to_ascii_lowercase(),
            port: port.parse().map_err(|_| usage())?,
            addr: addr.parse().map_err(|_| usage())?,
        })
    }
}

/// The resolver given to reqwest.
#[derive(Debug, Clone)]
pub struct GovscanResolver {
    overrides: Arc<HashMap<String, IpAddr>>,
    /// `*.suffix` rules (suffix with its dot) and `*` (empty suffix).
    wildcards: Arc<Vec<(String, IpAddr)>>,
    offline: bool,
}

impl GovscanResolver {
    /// A resolver with `--resolve` rules; `offline` refuses every other name.
    pub fn new(rules: &[ResolveRule], offline: bool) -> GovscanResolver {
        let (wild, exact): (Vec<&ResolveRule>, Vec<&ResolveRule>) =
            rules.iter().partition(|r| r.host.starts_with('*'));
        GovscanResolver {
            overrides: Arc::new(exact.iter().map(|r| (r.host.clone(), r.addr)).collect()),
            wildcards: Arc::new(
                wild.iter()
                    .map(|r| (r.host[1..].to_string(), r.addr))
                    .collect(),
            ),
            offline,
        }
    }

    /// Whether a host can be requested at all (IP literals bypass the resolver).
    pub fn allows_ip(&self, ip: IpAddr) -> bool {
        !self.offline || ip.is_loopback()
    }

    /// Whether offline mode is on.
    pub fn is_offline(&self) -> bool {
        self.offline
    }
}

impl Resolve for GovscanResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let host = name.as_str().trim_end_matches('.').to_ascii_lowercase();
        let this = self.clone();
        Box::pin(async move {
            if let Some(ip) = this.overrides.get(&host) {
                let addrs: Addrs = Box::new(std::iter::once(SocketAddr::new(*ip, 0)));
                return Ok(addrs);
            }
            // RFC 6761: `.invalid` never resolves; `localhost` is always loopback.
            if host == "invalid" || host.ends_with(".invalid") {
                return Err(Box::new(ResolveFailure::NotFound(host)) as _);
            }
            // `*.x.gov.cn` and `*`, most specific first.
            let wildcard = this
                .wildcards
                .iter()
                .filter(|(suffix, _)| host.ends_with(suffix.as_str()))
                .max_by_key(|(suffix, _)| suffix.len());
            if let Some((_, ip)) = wildcard {
                let addrs: Addrs = Box::new(std::iter::once(SocketAddr::new(*ip, 0)));
                return Ok(addrs);
            }
            if this.offline {
                return Err(Box::new(ResolveFailure::Offline(host)) as _);
            }
            let found: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0))
                .await
                .map_err(|_| {
                    Box::new(ResolveFailure::NotFound(host.clone()))
                        as Box<dyn std::error::Error + Send + Sync>
                })?
                .collect();
            if found.is_empty() {
                return Err(Box::new(ResolveFailure::NotFound(host)) as _);
            }
            let addrs: Addrs = Box::new(found.into_iter());
            Ok(addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_resolve_rules() {
        let r: ResolveRule = "WWW.X.GOV.CN:8080:127.0.0.1".parse().unwrap();
        assert_eq!(r.host, "www.x.gov.cn");
        assert_eq!(r.port, 8080);
        let r: ResolveRule = "a.cn:80:[::1]".parse().unwrap();
        assert!(r.addr.is_loopback());
        assert!("a.cn:80".parse::<ResolveRule>().is_err());
        assert!("a.cn:x:127.0.0.1".parse::<ResolveRule>().is_err());
        assert!(":80:127.0.0.1".parse::<ResolveRule>().is_err());
        let w: ResolveRule = "*.sfx-demo.gov.cn:0:127.0.0.1".parse().unwrap();
        assert_eq!(w.host, "*.sfx-demo.gov.cn");
    }

    #[tokio::test]
    async fn wildcards_map_hosts_but_never_invalid_names() {
        let rules: Vec<ResolveRule> = [
            "*.a.gov.cn:0:127.0.0.2",
            "*:0:127.0.0.3",
            "x.a.gov.cn:0:127.0.0.4",
        ]
        .iter()
        .map(|r| r.parse().unwrap())
        .collect();
        let r = GovscanResolver::new(&rules, true);
        let ip = |name: &str| {
            let r = r.clone();
            let name = name.to_string();
            async move {
                r.resolve(name.parse().unwrap())
                    .await
                    .ok()
                    .and_then(|mut a| a.next())
                    .map(|a| a.ip().to_string())
            }
        };
        assert_eq!(ip("x.a.gov.cn").await.as_deref(), Some("127.0.0.4"));
        assert_eq!(ip("y.a.gov.cn").await.as_deref(), Some("127.0.0.2"));
        assert_eq!(ip("www.b.gov.cn").await.as_deref(), Some("127.0.0.3"));
        assert_eq!(ip("old.site.invalid").await, None);
    }
}
