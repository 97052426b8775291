//! The HTTP side of the crawler: one polite request path for every URL.
//!
//! Every request, whether a page, a link check or robots.txt, goes through
//! [`Fetcher::fetch`]: the per-host rate limit (governor), the global
//! connection cap, retries with backoff and `Retry-After`, manual redirects
//! (so each hop is recorded and loops are caught), and a body cap (so a
//! 50 MB page or a gzip bomb costs at most the cap).

use super::resolver::{GovscanResolver, ResolveFailure, ResolveRule};
use futures_util::StreamExt;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use govscan_checks::links::is_private_host;
use govscan_checks::{FailureKind, FetchOutcome, FetchResult, Hop};
use reqwest::header::{HeaderMap, CONTENT_TYPE, ETAG, LAST_MODIFIED, LOCATION, RANGE, RETRY_AFTER};
use reqwest::{Method, StatusCode};
use std::error::Error as _;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
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
#[derive(Debug)]
pub struct Fetched {
    /// Status, redirects, content type.
    pub outcome: FetchOutcome,
    /// The body, when an HTML page was wanted and received.
    pub body: Option<Vec<u8>>,
    /// Whether the body was cut at the cap.
    pub truncated: bool,
    /// Bytes received (decoded), for the statistics.
    pub bytes: u64,
    /// Wall time of the whole fetch, redirects and retries included.
    pub elapsed_ms: u64,
    /// `ETag` of the final response.
    pub etag: Option<String>,
    /// `Last-Modified` of the final response.
    pub last_modified: Option<String>,
    /// With `follow = false`: the resolved `Location` of a redirect.
    pub location: Option<url::Url>,
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

/// One HTTP response, read as far as wanted.
struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    body: Option<Vec<u8>>,
    truncated: bool,
}

type Failure = (FailureKind, String);

/// The shared HTTP client of a run.
pub struct Fetcher {
    client: reqwest::Client,
    limiter: Option<DefaultKeyedRateLimiter<String>>,
    permits: Semaphore,
    resolver: GovscanResolver,
    cfg: FetchConfig,
    /// Counters.
    pub stats: FetchStats,
}

impl Fetcher {
    /// Builds the client. Fails only on an invalid proxy or TLS setup.
    pub fn new(cfg: FetchConfig) -> anyhow::Result<Arc<Fetcher>> {
        let resolver = GovscanResolver::new(&cfg.resolve, cfg.offline);
        let mut builder = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .dns_resolver(Arc::new(resolver.clone()))
            .user_agent(cfg.user_agent.clone())
            .connect_timeout(cfg.timeout.min(Duration::from_secs(10)))
            .pool_idle_timeout(Duration::from_secs(30))
            .pool_max_idle_per_host(64)
            .tcp_nodelay(true)
            .no_proxy();
        if let Some(p) = &cfg.proxy {
            builder = builder
                .proxy(reqwest::Proxy::all(p).map_err(|e| anyhow::anyhow!("--proxy {p}: {e}"))?);
        }
        let client = builder.build()?;
        let limiter = (cfg.rate > 0.0).then(|| {
            let period = Duration::from_secs_f64(1.0 / cfg.rate);
            let quota = Quota::with_period(period)
                .expect("period is positive")
                .allow_burst(NonZeroU32::MIN);
            RateLimiter::keyed(quota)
        });
        Ok(Arc::new(Fetcher {
            client,
            limiter,
            permits: Semaphore::new(cfg.concurrency.max(1)),
            resolver,
            cfg,
            stats: FetchStats::default(),
        }))
    }

    /// The configuration.
    pub fn config(&self) -> &FetchConfig {
        &self.cfg
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
        let started = Instant::now();
        let mut hops: Vec<Hop> = Vec::new();
        let mut current = url.clone();
        let mut method = want.method();
        let done = |current: &Url,
                    hops: Vec<Hop>,
                    result: FetchResult,
                    answer: Option<Answer>,
                    location: Option<Url>| {
            let (content_type, etag, last_modified, body, truncated) = match answer {
                Some(a) => (
                    header(&a.headers, CONTENT_TYPE),
                    header(&a.headers, ETAG),
                    header(&a.headers, LAST_MODIFIED),
                    a.body,
                    a.truncated,
                ),
                None => (None, None, None, None, false),
            };
            let bytes = body.as_ref().map_or(0, |b| b.len() as u64);
            Fetched {
                outcome: FetchOutcome {
                    url: url.to_string(),
                    final_url: current.to_string(),
                    result,
                    hops,
                    content_type,
                },
                body,
                truncated,
                bytes,
                elapsed_ms: started.elapsed().as_millis() as u64,
                etag,
                last_modified,
                location,
            }
        };
        loop {
            if let Some(f) = self.refuse(&current) {
                return done(&current, hops, FetchResult::Failed(f.0, f.1), None, None);
            }
            let conditional = if hops.is_empty() { validators } else { None };
            let mut answer = match self
                .with_retries(&current, &method, want, false, conditional)
                .await
            {
                Ok(a) => a,
                Err(f) => return done(&current, hops, FetchResult::Failed(f.0, f.1), None, None),
            };
            // Servers that refuse HEAD: try a GET for the first byte and drop the rest.
            if method == Method::HEAD && answer.status.as_u16() >= 400 {
                if let Ok(a) = self
                    .with_retries(&current, &Method::GET, Want::Head, true, None)
                    .await
                {
                    answer = a;
                }
            }
            let status = answer.status;
            if status.is_redirection() && status != StatusCode::NOT_MODIFIED && !follow {
                let location = header(&answer.headers, LOCATION)
                    .and_then(|loc| current.join(loc.trim()).ok())
                    .filter(|u| matches!(u.scheme(), "http" | "https"));
                let result = match location {
                    Some(_) => FetchResult::Status(status.as_u16()),
                    None => failed(FailureKind::BadRedirect, "no usable Location"),
                };
                return done(&current, hops, result, Some(answer), location);
            }
            if status.is_redirection() && status != StatusCode::NOT_MODIFIED {
                hops.push(Hop {
                    url: current.to_string(),
                    status: status.as_u16(),
                });
                let Some(next) = header(&answer.headers, LOCATION)
                    .and_then(|loc| current.join(loc.trim()).ok())
                    .filter(|u| matches!(u.scheme(), "http" | "https"))
                else {
                    return done(
                        &current,
                        hops,
                        failed(FailureKind::BadRedirect, "no usable Location"),
                        None,
                        None,
                    );
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
                    );
                }
                if hops.len() >= self.cfg.max_redirects {
                    return done(
                        &next,
                        hops,
                        failed(FailureKind::TooManyRedirects, "limit"),
                        None,
                        None,
                    );
                }
                if !site_private && next.host().is_some_and(|h| is_private_host(&h)) {
                    return done(
                        &next,
                        hops,
                        failed(FailureKind::RedirectToPrivate, "private"),
                        None,
                        None,
                    );
                }
                if status == StatusCode::SEE_OTHER && method == Method::POST {
                    method = Method::GET;
                }
                current = next;
                continue;
            }
            let code = if status == StatusCode::RANGE_NOT_SATISFIABLE {
                200 // an empty file answering a ranged GET exists
            } else {
                status.as_u16()
            };
            return done(
                &current,
                hops,
                FetchResult::Status(code),
                Some(answer),
                None,
            );
        }
    }

    /// Requests that must not be sent at all.
    fn refuse(&self, url: &Url) -> Option<Failure> {
        match url.host() {
            Some(url::Host::Ipv4(ip)) if !self.resolver.allows_ip(ip.into()) => {
                Some((FailureKind::NotChecked, "offline".into()))
            }
            Some(url::Host::Ipv6(ip)) if !self.resolver.allows_ip(ip.into()) => {
                Some((FailureKind::NotChecked, "offline".into()))
            }
            None => Some((FailureKind::BadRedirect, "no host".into())),
            _ => None,
        }
    }

    async fn with_retries(
        &self,
        url: &Url,
        method: &Method,
        want: Want,
        ranged: bool,
        validators: Option<&Validators>,
    ) -> Result<Answer, Failure> {
        let mut attempt = 0u32;
        loop {
            let result = self.attempt(url, method, want, ranged, validators).await;
            let retry_after = match &result {
                Ok(a) if matches!(a.status.as_u16(), 429 | 503) => {
                    Some(retry_after(&a.headers).unwrap_or(self.backoff(attempt)))
                }
                Ok(_) => None,
                Err((FailureKind::Timeout | FailureKind::Reset, _)) => Some(self.backoff(attempt)),
                Err(_) => None,
            };
            match retry_after {
                Some(wait) if attempt < self.cfg.retries && wait <= self.cfg.max_retry_after => {
                    attempt += 1;
                    self.stats.retries.fetch_add(1, Ordering::Relaxed);
                    tokio::time::sleep(wait).await;
                }
                _ => return result,
            }
        }
    }

    fn backoff(&self, attempt: u32) -> Duration {
        (self.cfg.backoff * 2u32.saturating_pow(attempt)).min(Duration::from_secs(30))
    }

    async fn attempt(
        &self,
        url: &Url,
        method: &Method,
        want: Want,
        ranged: bool,
        validators: Option<&Validators>,
    ) -> Result<Answer, Failure> {
        if let Some(limiter) = &self.limiter {
            let key = format!(
                "{}:{}",
                url.host_str().unwrap_or(""),
                url.port_or_known_default().unwrap_or(0)
            );
            limiter.until_key_ready(&key).await;
        }
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|_| failed_pair(FailureKind::Other, "shutting down"))?;
        self.stats.requests.fetch_add(1, Ordering::Relaxed);
        let mut request = self.client.request(method.clone(), url.clone());
        if ranged {
            request = request.header(RANGE, "bytes=0-0");
        }
        if let Some(v) = validators {
            if let Some(etag) = &v.etag {
                request = request.header(reqwest::header::IF_NONE_MATCH, etag.as_str());
            }
            if let Some(lm) = &v.last_modified {
                request = request.header(reqwest::header::IF_MODIFIED_SINCE, lm.as_str());
            }
        }
        let work = async {
            let response = request.send().await.map_err(|e| classify(&e))?;
            let status = response.status();
            let headers = response.headers().clone();
            let cap = match want {
                _ if *method != Method::GET || status.is_redirection() => None,
                Want::Page { cap } if is_html(&headers) => Some(cap),
                Want::Text { cap } => Some(cap),
                _ => None,
            };
            let (body, truncated) = if let Some(cap) = cap {
                let mut body: Vec<u8> = Vec::new();
                let mut truncated = false;
                let mut stream = response.bytes_stream();
                while let Some(chunk) = stream.next().await {
                    let chunk = chunk.map_err(|e| classify(&e))?;
                    let room = cap.saturating_sub(body.len());
                    if chunk.len() > room {
                        body.extend_from_slice(&chunk[..room]);
                        truncated = true;
                        break;
                    }
                    body.extend_from_slice(&chunk);
                }
                self.stats
                    .bytes
                    .fetch_add(body.len() as u64, Ordering::Relaxed);
                (Some(body), truncated)
            } else {
                (None, false)
            };
            Ok(Answer {
                status,
                headers,
                body,
                truncated,
            })
        };
        match tokio::time::timeout(self.cfg.timeout, work).await {
            Ok(r) => r,
            Err(_) => Err(failed_pair(FailureKind::Timeout, "time limit reached")),
        }
    }
}

fn failed(kind: FailureKind, msg: &str) -> FetchResult {
    FetchResult::Failed(kind, msg.to_string())
}

fn failed_pair(kind: FailureKind, msg: &str) -> Failure {
    (kind, msg.to_string())
}

fn header(headers: &HeaderMap, name: reqwest::header::HeaderName) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

/// HTML, XHTML, or no content type at all (then the analysis decides).
fn is_html(headers: &HeaderMap) -> bool {
    match headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok()) {
        None => true,
        Some(ct) => ct.to_ascii_lowercase().contains("html"),
    }
}

fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let v = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = chrono::DateTime::parse_from_rfc2822(v).ok()?;
    let delta = when.with_timezone(&chrono::Utc) - chrono::Utc::now();
    Some(delta.to_std().unwrap_or(Duration::ZERO))
}

/// Maps a reqwest error to a failure class by walking its causes.
fn classify(err: &reqwest::Error) -> Failure {
    let mut msg = err.to_string();
    let mut kind = None;
    let mut source = err.source();
    while let Some(s) = source {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        if kind.is_none() {
            if let Some(rf) = s.downcast_ref::<ResolveFailure>() {
                kind = Some(match rf {
                    ResolveFailure::NotFound(_) => FailureKind::Dns,
                    ResolveFailure::Offline(_) => FailureKind::NotChecked,
                });
            } else if let Some(io) = s.downcast_ref::<std::io::Error>() {
                use std::io::ErrorKind as K;
                kind = match io.kind() {
                    K::ConnectionRefused => Some(FailureKind::Refused),
                    K::ConnectionReset
                    | K::ConnectionAborted
                    | K::BrokenPipe
                    | K::UnexpectedEof => Some(FailureKind::Reset),
                    K::TimedOut => Some(FailureKind::Timeout),
                    _ => None,
                };
            }
        }
        source = s.source();
    }
    let lower = msg.to_ascii_lowercase();
    let kind = kind.unwrap_or_else(|| {
        if lower.contains("offline:") {
            FailureKind::NotChecked
        } else if lower.contains("certificate")
            || lower.contains("tls")
            || lower.contains("handshake")
        {
            FailureKind::Tls
        } else if lower.contains("dns error") || lower.contains("failed to lookup") {
            FailureKind::Dns
        } else if err.is_timeout() {
            FailureKind::Timeout
        } else if lower.contains("connection closed")
            || lower.contains("incomplete")
            || lower.contains("reset")
            || lower.contains("connection error")
        {
            FailureKind::Reset
        } else if lower.contains("refused") {
            FailureKind::Refused
        } else if lower.contains("invalid") || lower.contains("parse") || err.is_decode() {
            FailureKind::Protocol
        } else {
            FailureKind::Other
        }
    });
    (kind, msg)
}
