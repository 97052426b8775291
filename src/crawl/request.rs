//! One request of the crawler, as [`Fetcher::fetch_with`] sends it: the
//! host's rate limit and the global connection cap, the request's headers
//! (validators, the spider's User-Agent, a passed challenge's cookie), the
//! body read up to its cap, the time limit; and the retries of timeouts,
//! resets, 429 and 503 with backoff, honouring `Retry-After`.

use super::client::{Failure, Fetcher, Validators, Want};
use super::response::{classify, failed_pair, host_key, is_html, retry_after};
use futures_util::StreamExt;
use govscan_checks::FailureKind;
use reqwest::header::{HeaderMap, RANGE};
use reqwest::{Method, StatusCode};
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};
use url::Url;

/// One HTTP response, read as far as wanted.
pub(super) struct Answer {
    pub(super) status: StatusCode,
    pub(super) headers: HeaderMap,
    pub(super) body: Option<Vec<u8>>,
    pub(super) truncated: bool,
    /// The request carried our `Range: bytes=0-0`.
    pub(super) ranged: bool,
    /// The peer's certificate (DER), when asked for.
    pub(super) certificate: Option<Vec<u8>>,
}

impl Fetcher {
    /// Sends a request, retrying timeouts, resets, 429 and 503 with backoff
    /// (honouring `Retry-After`). Returns the last attempt's result and how
    /// long that attempt took.
    pub(super) async fn with_retries(
        &self,
        url: &Url,
        method: &Method,
        want: Want,
        ranged: bool,
        validators: Option<&Validators>,
    ) -> (Result<Answer, Failure>, Duration) {
        let mut attempt = 0u32;
        loop {
            let (result, took) = self.attempt(url, method, want, ranged, validators).await;
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
                _ => return (result, took),
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
    ) -> (Result<Answer, Failure>, Duration) {
        let key = host_key(url);
        if let Some(limiter) = self.limiter(&key) {
            limiter.until_ready().await;
        }
        let Ok(_permit) = self.permits.acquire().await else {
            return (
                Err(failed_pair(FailureKind::Other, "shutting down")),
                Duration::ZERO,
            );
        };
        let sent = Instant::now();
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
        if let Want::AsSpider { .. } = want {
            request = request.header(reqwest::header::USER_AGENT, &self.cfg.spider_user_agent);
        }
        if let Some(cookie) = self.browser_cookie(&key) {
            request = request.header(reqwest::header::COOKIE, cookie);
        }
        let work = async {
            let response = request.send().await.map_err(|e| classify(&e))?;
            let certificate = match want {
                Want::AsSpider { .. } => response
                    .extensions()
                    .get::<reqwest::tls::TlsInfo>()
                    .and_then(|t| t.peer_certificate())
                    .map(<[u8]>::to_vec),
                _ => None,
            };
            let status = response.status();
            let headers = response.headers().clone();
            let cap = match want {
                _ if *method != Method::GET || status.is_redirection() => None,
                // An error page's beginning: enough to tell a firewall's block page.
                _ if !status.is_success() => Some(self.cfg.audit.error_body_bytes),
                Want::Page { cap } | Want::AsSpider { cap } if is_html(&headers) => Some(cap),
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
                ranged,
                certificate,
            })
        };
        let result = match tokio::time::timeout(self.cfg.timeout, work).await {
            Ok(r) => r,
            Err(_) => Err(failed_pair(FailureKind::Timeout, "time limit reached")),
        };
        if let Ok(a) = &result {
            self.pace_answer(&key, a.status.as_u16());
        }
        (result, sent.elapsed())
    }
}
