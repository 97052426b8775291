//! The HTTP side of the crawler: one polite request path for every URL.
//!
//! Every request, whether a page, a link check or robots.txt, goes through
//! [`Fetcher::fetch`]: the per-host rate limit (governor), the global
//! connection cap, retries with backoff and `Retry-After`, manual redirects
//! (so each hop is recorded and loops are caught), and a body cap (so a
//! 50 MB page or a gzip bomb costs at most the cap). This file holds the
//! fetcher and its redirect walk; one request and its retries are in
//! `request.rs`, each host's pace (rate, 429 slow-down) in `pace.rs`.

use super::pace::HostPace;
use super::request::Answer;
use super::resolver::{GovscanResolver, ResolveRule};
use super::response::{failed, header, host_key, usable_location};
use govscan_checks::audit::{detect_block, AuditRules, Block, BlockKind};
use govscan_checks::links::is_private_host;
use govscan_checks::{FailureKind, FetchOutcome, FetchResult, Hop};
use reqwest::header::{CONTENT_TYPE, ETAG, LAST_MODIFIED};
use reqwest::{Method, StatusCode};
use std::collections::HashMap;
use std::sync::atomic::AtomicU64;
use std::sync::Arc;
use std::sync::Mutex;
use std::time::Duration;
use tokio::sync::Semaphore;
use url::Url;

/// How the fetcher behaves; built from the command line.
#[derive(Debug, Clone)]
pub struct FetchConfig {
    /// Requests per second per host; 0 means no limit.
    pub rate: f64,
    /// Requests in flight across all sites.
    pub concurrency: usize,
    /// Time limit for one request, body included.
    pub timeout: Duration,
    /// Retries after a timeout, reset, 429 or 503.
    pub retries: u32,
    /// `User-Agent` header.
    pub user_agent: String,
    /// The User-Agent of the home page's spider fetch (cloaking check).
    pub spider_user_agent: String,
    /// Which addresses to connect to (the IPv6 checks' fetcher: IPv6 only).
    pub family: super::resolver::Family,
    /// Redirects followed before giving up.
    pub max_redirects: usize,
    /// Longest `Retry-After` honoured; longer waits count as a failure.
    pub max_retry_after: Duration,
    /// First backoff delay; doubles on each retry.
    pub backoff: Duration,
    /// `--resolve` rules.
    pub resolve: Vec<ResolveRule>,
    /// Only `--resolve` hosts and loopback are requested.
    pub offline: bool,
    /// An HTTP proxy for every request.
    pub proxy: Option<String>,
    /// How firewalls, challenges and rate limits are recognised and handled
    /// (the profile's `[audit]` section).
    pub audit: Arc<AuditRules>,
}

/// Validators from a previous fetch, for a conditional request.
#[derive(Debug, Clone, Default)]
pub struct Validators {
    /// Sent as `If-None-Match`.
    pub etag: Option<String>,
    /// Sent as `If-Modified-Since`.
    pub last_modified: Option<String>,
}

/// GET reads the body (up to a cap) when it is HTML; HEAD never does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Want {
    /// A page to analyse: GET, read an HTML body up to `cap` bytes.
    Page {
        /// Body cap in bytes.
        cap: usize,
    },
    /// A text resource of any type (robots.txt, sitemap): GET, read up to `cap`.
    Text {
        /// Body cap in bytes.
        cap: usize,
    },
    /// A link check without the body: HEAD, falling back to a ranged GET.
    Head,
    /// The home page as a search-engine spider asks for it (the profile's
    /// spider User-Agent), with the certificate the host presents.
    AsSpider {
        /// Body cap in bytes.
        cap: usize,
    },
}

impl Want {
    fn method(self) -> Method {
        match self {
            Want::Head => Method::HEAD,
            _ => Method::GET,
        }
    }
}

/// The result of one fetch.
#[derive(Debug, Clone)]
pub struct Fetched {
    /// Status, redirects, content type.
    pub outcome: FetchOutcome,
    /// The body, when an HTML page was wanted and received.
    pub body: Option<Vec<u8>>,
    /// Whether the body was cut at the cap.
    pub truncated: bool,
    /// Bytes received (decoded), for the statistics.
    pub bytes: u64,
    /// Time of the last request, from sending it to the end of its body
    /// (time queued for the rate limit or a connection slot is not counted).
    pub elapsed_ms: u64,
    /// `ETag` of the final response.
    pub etag: Option<String>,
    /// `Last-Modified` of the final response.
    pub last_modified: Option<String>,
    /// With `follow = false`: the resolved `Location` of a redirect.
    pub location: Option<url::Url>,
    /// The certificate (DER) of the final https response, for
    /// [`Want::AsSpider`] only.
    pub certificate: Option<Vec<u8>>,
}

/// Counters across the run.
#[derive(Debug, Default)]
pub struct FetchStats {
    /// HTTP requests sent (every hop and retry).
    pub requests: AtomicU64,
    /// Body bytes received.
    pub bytes: AtomicU64,
    /// Retries made.
    pub retries: AtomicU64,
}

pub(super) type Failure = (FailureKind, String);

/// The shared HTTP client of a run.
pub struct Fetcher {
    pub(super) client: reqwest::Client,
    /// Per host (`host:port`): its pace. A std mutex held only to read or
    /// update the entry, never across an await.
    pub(super) hosts: Mutex<HashMap<String, HostPace>>,
    pub(super) permits: Semaphore,
    resolver: GovscanResolver,
    pub(super) cfg: FetchConfig,
    /// Counters.
    pub stats: FetchStats,
    /// Per host (`host:port`): the `Cookie` header Chromium sent there
    /// (see [`Fetcher::browser_cookie`]).
    pub(super) browser_cookies: Mutex<HashMap<String, String>>,
}

impl Fetcher {
    /// Builds the client. Fails only on an invalid proxy or TLS setup.
    pub fn new(cfg: FetchConfig) -> anyhow::Result<Arc<Fetcher>> {
        let resolver = GovscanResolver::new(&cfg.resolve, cfg.offline).with_family(cfg.family);
        // A certificate that is expired, self-signed or for another host does
        // not stop the audit: govscan reads the site as a person clicking
        // through the browser's warning would, and reports the certificate
        // (security.tls). A failed handshake, or no TLS, is still a failure.
        let mut builder = reqwest::Client::builder()
            .danger_accept_invalid_certs(true)
            .tls_info(true)
            .redirect(reqwest::redirect::Policy::none())
            .dns_resolver(Arc::new(resolver.clone()))
            .user_agent(cfg.user_agent.clone())
            .connect_timeout(cfg.timeout.min(Duration::from_secs(10)))
            // A crawl reuses a host's connections within milliseconds; one
            // idle for seconds belongs to a finished site and will not be
            // used again, but holds its buffers (about 17 KB each, up to
            // --site-concurrency per site: on a run of many sites, more
            // memory than the sites' page records). Servers close them
            // about as soon (Apache's KeepAliveTimeout is 5 s).
            .pool_idle_timeout(Duration::from_secs(5))
            .pool_max_idle_per_host(64)
            .tcp_nodelay(true)
            .no_proxy();
        if let Some(p) = &cfg.proxy {
            builder = builder
                .proxy(reqwest::Proxy::all(p).map_err(|e| anyhow::anyhow!("--proxy {p}: {e}"))?);
        }
        let client = builder.build()?;
        Ok(Arc::new(Fetcher {
            client,
            hosts: Mutex::new(HashMap::new()),
            permits: Semaphore::new(cfg.concurrency.max(1)),
            resolver,
            cfg,
            stats: FetchStats::default(),
            browser_cookies: Mutex::new(HashMap::new()),
        }))
    }

    /// The configuration.
    pub fn config(&self) -> &FetchConfig {
        &self.cfg
    }

    /// The resolver (the IPv6 checks read A and AAAA records through it).
    pub fn resolver(&self) -> &GovscanResolver {
        &self.resolver
    }

    /// Fetches `url` (no fragment), following redirects. `site_private` is
    /// true when the site itself lives on a private address, so redirects
    /// there are allowed.
    pub async fn fetch(&self, url: &Url, want: Want, site_private: bool) -> Fetched {
        self.fetch_with(url, want, site_private, true, None).await
    }

    /// Like [`Fetcher::fetch`]; with `follow = false` a redirect is returned
    /// as it is (status 3xx and [`Fetched::location`]), so that the crawler can
    /// treat the target as a URL of its own and request it only once.
    pub async fn fetch_with(
        &self,
        url: &Url,
        want: Want,
        site_private: bool,
        follow: bool,
        validators: Option<&Validators>,
    ) -> Fetched {
        let mut elapsed = Duration::ZERO;
        let mut hops: Vec<Hop> = Vec::new();
        let mut current = url.clone();
        let mut method = want.method();
        let rules = &self.cfg.audit;
        let done = |current: &Url,
                    hops: Vec<Hop>,
                    result: FetchResult,
                    answer: Option<Answer>,
                    location: Option<Url>,
                    elapsed: Duration| {
            let mut blocked = None;
            let mut certificate = None;
            let (content_type, etag, last_modified, body, truncated) = match answer {
                Some(mut a) => {
                    blocked = self.judge_block(current, &a, rules);
                    certificate = a.certificate.take();
                    let body = if want == Want::Head { None } else { a.body };
                    (
                        header(&a.headers, CONTENT_TYPE),
                        header(&a.headers, ETAG),
                        header(&a.headers, LAST_MODIFIED),
                        body,
                        a.truncated,
                    )
                }
                None => (None, None, None, None, false),
            };
            if let FetchResult::Failed(FailureKind::Blocked, _) = &result {
                blocked = Some(Block {
                    kind: BlockKind::HostBackedOff,
                    vendor: self.host_vendor(current),
                });
            }
            let bytes = body.as_ref().map_or(0, |b| b.len() as u64);
            Fetched {
                outcome: FetchOutcome {
                    url: url.to_string(),
                    final_url: current.to_string(),
                    result,
                    hops,
                    content_type,
                    blocked,
                },
                body,
                truncated,
                bytes,
                elapsed_ms: elapsed.as_millis() as u64,
                etag,
                last_modified,
                location,
                certificate,
            }
        };
        loop {
            if let Some((kind, why)) = self.refuse(&current) {
                return done(
                    &current,
                    hops,
                    FetchResult::Failed(kind, why),
                    None,
                    None,
                    elapsed,
                );
            }
            let conditional = if hops.is_empty() { validators } else { None };
            let (result, took) = self
                .with_retries(&current, &method, want, false, conditional)
                .await;
            elapsed = took;
            let mut answer = match result {
                Ok(a) => a,
                Err((kind, why)) => {
                    return done(
                        &current,
                        hops,
                        FetchResult::Failed(kind, why),
                        None,
                        None,
                        elapsed,
                    )
                }
            };
            // Servers that refuse HEAD: try a GET for the first byte and drop
            // the rest (an error page's beginning is read, to tell a firewall's
            // block page, which a HEAD answer cannot carry). A 429 was already
            // retried as it asked and is not a refusal of HEAD.
            if method == Method::HEAD
                && answer.status.as_u16() >= 400
                && answer.status.as_u16() != 429
            {
                let (result, took) = self
                    .with_retries(&current, &Method::GET, Want::Head, true, None)
                    .await;
                if let Ok(a) = result {
                    answer = a;
                    elapsed = took;
                }
            }
            let status = answer.status;
            if status.is_redirection() && status != StatusCode::NOT_MODIFIED && !follow {
                let location = usable_location(&current, &answer.headers);
                let result = match &location {
                    Ok(_) => FetchResult::Status(status.as_u16()),
                    Err(why) => failed(FailureKind::BadRedirect, why),
                };
                return done(&current, hops, result, Some(answer), location.ok(), elapsed);
            }
            if status.is_redirection() && status != StatusCode::NOT_MODIFIED {
                hops.push(Hop {
                    url: current.to_string(),
                    status: status.as_u16(),
                });
                let next = match usable_location(&current, &answer.headers) {
                    Ok(next) => next,
                    Err(why) => {
                        return done(
                            &current,
                            hops,
                            failed(FailureKind::BadRedirect, &why),
                            None,
                            None,
                            elapsed,
                        )
                    }
                };
                let mut next = next;
                next.set_fragment(None);
                if hops.iter().any(|h| h.url == next.as_str()) {
                    return done(
                        &next,
                        hops,
                        failed(FailureKind::RedirectLoop, "loop"),
                        None,
                        None,
                        elapsed,
                    );
                }
                if hops.len() >= self.cfg.max_redirects {
                    return done(
                        &next,
                        hops,
                        failed(FailureKind::TooManyRedirects, "limit"),
                        None,
                        None,
                        elapsed,
                    );
                }
                if !site_private && next.host().is_some_and(|h| is_private_host(&h)) {
                    return done(
                        &next,
                        hops,
                        failed(FailureKind::RedirectToPrivate, "private"),
                        None,
                        None,
                        elapsed,
                    );
                }
                if status == StatusCode::SEE_OTHER && method == Method::POST {
                    method = Method::GET;
                }
                current = next;
                continue;
            }
            let code = if status == StatusCode::RANGE_NOT_SATISFIABLE && answer.ranged {
                200 // an empty file answering our ranged GET exists
            } else {
                status.as_u16()
            };
            return done(
                &current,
                hops,
                FetchResult::Status(code),
                Some(answer),
                None,
                elapsed,
            );
        }
    }

    /// Whether an answer came from a firewall, a challenge or a rate limit,
    /// and counts it against its host: a host that keeps blocking is not
    /// requested again this run.
    fn judge_block(&self, url: &Url, a: &Answer, rules: &AuditRules) -> Option<Block> {
        let status = a.status.as_u16();
        let body = a.body.as_deref().unwrap_or_default();
        let worth_looking =
            !a.status.is_success() || (body.len() <= rules.challenge_max_bytes && !body.is_empty());
        if !worth_looking || a.status.is_redirection() {
            return None;
        }
        let headers: Vec<(String, String)> = a
            .headers
            .iter()
            .filter_map(|(n, v)| Some((n.as_str().to_string(), v.to_str().ok()?.to_string())))
            .collect();
        let block = detect_block(status, &headers, body, rules)?;
        let mut hosts = self.hosts.lock().unwrap_or_else(|e| e.into_inner());
        let pace = hosts
            .entry(host_key(url))
            .or_insert_with(|| self.new_pace());
        pace.blocked += 1;
        if !block.vendor.is_empty() {
            pace.vendor = block.vendor.clone();
        }
        if pace.blocked >= rules.host_block_limit {
            pace.backed_off = true;
        }
        Some(block)
    }

    fn host_vendor(&self, url: &Url) -> String {
        let hosts = self.hosts.lock().unwrap_or_else(|e| e.into_inner());
        hosts
            .get(&host_key(url))
            .map(|p| p.vendor.clone())
            .unwrap_or_default()
    }

    /// Requests that must not be sent at all.
    pub(super) fn refuse(&self, url: &Url) -> Option<Failure> {
        {
            let hosts = self.hosts.lock().unwrap_or_else(|e| e.into_inner());
            if hosts.get(&host_key(url)).is_some_and(|p| p.backed_off) {
                return Some((FailureKind::Blocked, "host backed off".into()));
            }
        }
        match url.host() {
            Some(url::Host::Ipv4(ip)) if !self.resolver.allows_ip(ip.into()) => {
                Some((FailureKind::NotChecked, "offline".into()))
            }
            Some(url::Host::Ipv6(ip)) if !self.resolver.allows_ip(ip.into()) => {
                Some((FailureKind::NotChecked, "offline".into()))
            }
            None => Some((FailureKind::BadRedirect, "地址缺少主机名".into())),
            _ => None,
        }
    }
}

#[cfg(test)]
#[path = "client_tests.rs"]
mod tests;
