//! Requests as a browser makes them, for the renderer's proxy: any method
//! and body, under the same politeness as the crawl.

use super::client::Fetcher;
use super::response::{classify, host_key};
use futures_util::StreamExt;
use reqwest::Method;
use std::sync::atomic::Ordering;
use url::Url;

impl Fetcher {
    /// The cookies Chromium sent to a host (`host:port`), which the crawl's
    /// own requests to it carry from then on: a JavaScript challenge
    /// (加速乐, 创宇盾) that the browser passed sets a clearance cookie, and
    /// with it the site answers the crawl as it answers the browser.
    pub fn browser_cookie(&self, host_key: &str) -> Option<String> {
        self.browser_cookies
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(host_key)
            .cloned()
    }

    fn learn_browser_cookie(&self, url: &Url, cookie: &str) {
        self.browser_cookies
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(host_key(url), cookie.to_string());
    }

    /// One request as a browser asked for it (the renderer's proxy): any
    /// method and body, no retries and no redirects followed, under the
    /// host's rate limit and the run's refusals (offline, private hosts).
    /// The status, the headers and at most `cap` bytes of the body.
    pub async fn forward(
        &self,
        method: Method,
        url: &Url,
        headers: &[(String, String)],
        body: Vec<u8>,
        cap: usize,
    ) -> Result<(u16, Vec<(String, String)>, Vec<u8>), String> {
        if let Some((_, why)) = self.refuse(url) {
            return Err(why);
        }
        if let Some(limiter) = self.limiter(&host_key(url)) {
            limiter.until_ready().await;
        }
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|_| "shutting down".to_string())?;
        self.stats.requests.fetch_add(1, Ordering::Relaxed);
        let mut request = self.client.request(method, url.clone()).body(body);
        match headers
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case("cookie"))
        {
            Some((_, cookie)) => self.learn_browser_cookie(url, cookie),
            // govscan's own data requests carry what the browser was given.
            None => {
                if let Some(cookie) = self.browser_cookie(&host_key(url)) {
                    request = request.header(reqwest::header::COOKIE, cookie);
                }
            }
        }
        for (name, value) in headers {
            let skip = [
                "host",
                "connection",
                "proxy-connection",
                "content-length",
                "accept-encoding",
                "transfer-encoding",
                "keep-alive",
            ];
            if !skip.contains(&name.to_ascii_lowercase().as_str()) {
                request = request.header(name.as_str(), value.as_str());
            }
        }
        let work = async {
            let response = request.send().await.map_err(|e| classify(&e).1)?;
            let status = response.status().as_u16();
            let headers: Vec<(String, String)> = response
                .headers()
                .iter()
                .filter_map(|(k, v)| Some((k.to_string(), v.to_str().ok()?.to_string())))
                .collect();
            let mut body = Vec::new();
            let mut stream = response.bytes_stream();
            while let Some(chunk) = stream.next().await {
                let chunk = chunk.map_err(|e| classify(&e).1)?;
                let room = cap.saturating_sub(body.len());
                body.extend_from_slice(&chunk[..chunk.len().min(room)]);
                if chunk.len() > room {
                    break;
                }
            }
            self.stats
                .bytes
                .fetch_add(body.len() as u64, Ordering::Relaxed);
            Ok::<_, String>((status, headers, body))
        };
        tokio::time::timeout(self.cfg.timeout, work)
            .await
            .map_err(|_| "time limit reached".to_string())?
    }
}
