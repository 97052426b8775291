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
    /// An IPv6-only lookup of a name without an AAAA record.
    NoAaaa(String),
}

impl std::fmt::Display for ResolveFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ResolveFailure::NotFound(n) => write!(f, "dns error: {n} does not resolve"),
            ResolveFailure::Offline(n) => write!(f, "offline: {n} is not mapped with --resolve"),
            ResolveFailure::NoAaaa(n) => write!(f, "dns error: {n} has no AAAA record"),
        }
    }
}

impl std::error::Error for ResolveFailure {}

/// A parsed `--resolve HOST:PORT:ADDR`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
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

/// Which addresses a resolver hands out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// Every address, IPv4 first (what the crawl uses).
    Any,
    /// IPv6 addresses only (the IPv6 checks' own fetches).
    V6,
}

/// The resolver given to reqwest.
#[derive(Debug, Clone)]
pub struct GovscanResolver {
    /// `--resolve` addresses per host: a host given twice (an IPv4 and an
    /// IPv6 address) has an A and an AAAA record.
    overrides: Arc<HashMap<String, Vec<IpAddr>>>,
    /// `*.suffix` rules (suffix with its dot) and `*` (empty suffix).
    wildcards: Arc<Vec<(String, Vec<IpAddr>)>>,
    offline: bool,
    family: Family,
}

impl GovscanResolver {
    /// A resolver with `--resolve` rules; `offline` refuses every other name.
    pub fn new(rules: &[ResolveRule], offline: bool) -> GovscanResolver {
        let mut overrides: HashMap<String, Vec<IpAddr>> = HashMap::new();
        let mut wildcards: Vec<(String, Vec<IpAddr>)> = Vec::new();
        for r in rules {
            match r.host.strip_prefix('*') {
                Some(suffix) => match wildcards.iter_mut().find(|(s, _)| s == suffix) {
                    Some((_, addrs)) => addrs.push(r.addr),
                    None => wildcards.push((suffix.to_string(), vec![r.addr])),
                },
                None => overrides.entry(r.host.clone()).or_default().push(r.addr),
            }
        }
        // IPv4 first, as before: a host with both is crawled over IPv4.
        for addrs in overrides
            .values_mut()
            .chain(wildcards.iter_mut().map(|(_, a)| a))
        {
            addrs.sort_by_key(|a| a.is_ipv6());
        }
        GovscanResolver {
            overrides: Arc::new(overrides),
            wildcards: Arc::new(wildcards),
            offline,
            family: Family::Any,
        }
    }

    /// The same resolver handing out only one family's addresses.
    pub fn with_family(&self, family: Family) -> GovscanResolver {
        GovscanResolver {
            family,
            ..self.clone()
        }
    }

    /// Every address of `host` (both families, whatever this resolver's
    /// family): the A and AAAA records the IPv6 checks read.
    pub async fn lookup(&self, host: &str) -> Result<Vec<IpAddr>, ResolveFailure> {
        let host = host.trim_end_matches('.').to_ascii_lowercase();
        if let Ok(ip) = host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<IpAddr>()
        {
            return Ok(vec![ip]);
        }
        if let Some(addrs) = self.overrides.get(&host) {
            return Ok(addrs.clone());
        }
        // RFC 6761: `.invalid` never resolves.
        if host == "invalid" || host.ends_with(".invalid") {
            return Err(ResolveFailure::NotFound(host));
        }
        // `*.x.gov.cn` and `*`, most specific first.
        let wildcard = self
            .wildcards
            .iter()
            .filter(|(suffix, _)| host.ends_with(suffix.as_str()))
            .max_by_key(|(suffix, _)| suffix.len());
        if let Some((_, addrs)) = wildcard {
            return Ok(addrs.clone());
        }
        if self.offline {
            return Err(ResolveFailure::Offline(host));
        }
        let found: Vec<IpAddr> = tokio::net::lookup_host((host.as_str(), 0))
            .await
            .map_err(|_| ResolveFailure::NotFound(host.clone()))?
            .map(|a| a.ip())
            .collect();
        if found.is_empty() {
            return Err(ResolveFailure::NotFound(host));
        }
        Ok(found)
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
        let this = self.clone();
        let host = name.as_str().to_string();
        Box::pin(async move {
            let mut found = this
                .lookup(&host)
                .await
                .map_err(|e| Box::new(e) as Box<dyn std::error::Error + Send + Sync>)?;
            if this.family == Family::V6 {
                found.retain(IpAddr::is_ipv6);
                if found.is_empty() {
                    return Err(Box::new(ResolveFailure::NoAaaa(host)) as _);
                }
            }
            let addrs: Addrs = Box::new(found.into_iter().map(|ip| SocketAddr::new(ip, 0)));
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

    #[tokio::test]
    async fn a_host_given_twice_has_both_records_and_v6_sees_only_its_own() {
        let rules: Vec<ResolveRule> = [
            "www.a.gov.cn:80:[::1]",
            "www.a.gov.cn:80:127.0.0.1",
            "v4.a.gov.cn:80:127.0.0.1",
        ]
        .iter()
        .map(|r| r.parse().unwrap())
        .collect();
        let r = GovscanResolver::new(&rules, true);
        let both = r.lookup("www.a.gov.cn").await.unwrap();
        assert_eq!(both.len(), 2);
        assert!(both[0].is_ipv4(), "IPv4 first for the crawl");
        let v6 = r.with_family(Family::V6);
        let got: Vec<IpAddr> = v6
            .resolve("www.a.gov.cn".parse().unwrap())
            .await
            .unwrap()
            .map(|a| a.ip())
            .collect();
        assert_eq!(got, vec!["::1".parse::<IpAddr>().unwrap()]);
        assert!(v6.resolve("v4.a.gov.cn".parse().unwrap()).await.is_err());
        assert!(!r
            .lookup("v4.a.gov.cn")
            .await
            .unwrap()
            .iter()
            .any(IpAddr::is_ipv6));
    }
}
