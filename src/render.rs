//! `--render`: pages whose list only a browser can see, rendered by the
//! installed Chromium, every request of which goes through govscan's own
//! fetcher.
//!
//! Chromium is started headless with `--dump-dom` and `--proxy-server`
//! pointing at a proxy on 127.0.0.1 that this module serves: plain-HTTP
//! requests (the page, its scripts, the XHR/JSON its list comes from, POSTs
//! included) are made by [`Fetcher::forward`], under the host's rate limit,
//! `--resolve` and `--offline`; HTTPS goes through a CONNECT tunnel to the
//! address govscan's resolver gives. What Chromium printed is analysed like
//! any page. One Chromium at a time: it is the heaviest thing govscan runs.

use crate::crawl::client::Fetcher;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper::{Method, Request, Response};
use hyper_util::rt::TokioIo;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;
use url::Url;

/// When pages are rendered.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    clap::ValueEnum,
    Default,
    serde::Serialize,
    serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum RenderMode {
    /// Never (static HTML only).
    Never,
    /// List pages whose items a script writes and no native reader could
    /// read; skipped with a note when Chromium is not installed.
    #[default]
    Auto,
    /// Every crawled HTML page (slow: for a single site's webmaster).
    Always,
}

/// Where Chromium is: `GOVSCAN_CHROMIUM`, else the usual Debian paths.
pub fn find_chromium() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("GOVSCAN_CHROMIUM") {
        return Some(PathBuf::from(p));
    }
    [
        "/usr/bin/chromium",
        "/usr/bin/chromium-browser",
        "/usr/bin/google-chrome",
    ]
    .iter()
    .map(PathBuf::from)
    .find(|p| p.exists())
}

/// Chromium profile directories handed out by this process.
static PROFILES_STARTED: AtomicU64 = AtomicU64::new(0);

/// The renderer of a run: the proxy and the Chromium it starts.
pub struct Renderer {
    chromium: PathBuf,
    proxy_port: u16,
    proxy: tokio::task::JoinHandle<()>,
    tabs: Semaphore,
    timeout: Duration,
    user_agent: String,
    /// Pages rendered.
    pub rendered: AtomicU64,
    /// Milliseconds spent rendering (Chromium's start included).
    pub millis: AtomicU64,
    mode: RenderMode,
}

impl Drop for Renderer {
    fn drop(&mut self) {
        self.proxy.abort();
    }
}

impl Renderer {
    /// Starts the proxy for `mode`; None for `never`, or for `auto` when
    /// Chromium is not installed (the caller notes it). `always` without
    /// Chromium is an error that says what to install.
    pub async fn start(
        mode: RenderMode,
        tabs: u16,
        fetcher: Arc<Fetcher>,
        user_agent: &str,
        timeout: Duration,
        cap: usize,
    ) -> anyhow::Result<Option<Arc<Renderer>>> {
        if mode == RenderMode::Never {
            return Ok(None);
        }
        let Some(chromium) = find_chromium() else {
            if mode == RenderMode::Always {
                anyhow::bail!(
                    "--render always needs Chromium: apt-get install chromium, or set GOVSCAN_CHROMIUM"
                );
            }
            return Ok(None);
        };
        let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
        let proxy_port = listener.local_addr()?.port();
        let proxy = tokio::spawn(serve_proxy(listener, fetcher, cap));
        Ok(Some(Arc::new(Renderer {
            chromium,
            proxy_port,
            proxy,
            tabs: Semaphore::new(usize::from(tabs.max(1))),
            timeout: timeout.max(Duration::from_secs(15)),
            user_agent: user_agent.to_string(),
            rendered: AtomicU64::new(0),
            millis: AtomicU64::new(0),
            mode,
        })))
    }

    /// Whether a page is rendered, given its static analysis.
    pub fn wants(&self, facts: &govscan_checks::PageFacts) -> bool {
        use govscan_checks::page::PageKind;
        match self.mode {
            RenderMode::Never => false,
            RenderMode::Always => true,
            RenderMode::Auto => {
                facts.list.scripted
                    || (matches!(facts.kind, PageKind::List | PageKind::Other)
                        && facts.list.dated == 0
                        && facts.scripted
                        && facts.column.is_some())
            }
        }
    }

    /// The DOM Chromium built for `url`, as HTML.
    pub async fn render(&self, url: &Url) -> Result<String, String> {
        self.render_within(url, self.timeout).await
    }

    /// Like [`Renderer::render`], given at most `limit` (a challenge page
    /// that reloads forever must not hold a tab for the run's timeout).
    pub async fn render_within(&self, url: &Url, limit: Duration) -> Result<String, String> {
        let _turn = self
            .tabs
            .acquire()
            .await
            .map_err(|_| "shutting down".to_string())?;
        let started = Instant::now();
        let profile = std::env::temp_dir().join(format!(
            "govscan-render-{}-{}",
            std::process::id(),
            // Process-wide: Chromiums sharing a profile directory hand their
            // pages to one another (two renderers of one process, as tests
            // have, would otherwise both start at 0).
            PROFILES_STARTED.fetch_add(1, Ordering::Relaxed)
        ));
        let result = self
            .run_chromium(url, &profile, limit.min(self.timeout))
            .await;
        let _ = std::fs::remove_dir_all(&profile);
        self.rendered.fetch_add(1, Ordering::Relaxed);
        self.millis
            .fetch_add(started.elapsed().as_millis() as u64, Ordering::Relaxed);
        result
    }

    async fn run_chromium(
        &self,
        url: &Url,
        profile: &Path,
        limit: Duration,
    ) -> Result<String, String> {
        let mut cmd = tokio::process::Command::new(&self.chromium);
        cmd.args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-extensions",
            "--disable-background-networking",
            "--no-first-run",
            "--mute-audio",
            // A certificate warning is clicked through, as the crawl does.
            "--ignore-certificate-errors",
            "--virtual-time-budget=8000",
            "--dump-dom",
        ])
        .arg(format!(
            "--proxy-server=http://127.0.0.1:{}",
            self.proxy_port
        ))
        // Even loopback goes through govscan (Chromium bypasses it by default).
        .arg("--proxy-bypass-list=<-loopback>")
        .arg(format!("--user-agent={}", self.user_agent))
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(url.as_str())
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true);
        let child = cmd
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", self.chromium.display()))?;
        match tokio::time::timeout(limit, child.wait_with_output()).await {
            Err(_) => Err(format!("Chromium did not finish within {limit:?}")),
            Ok(Err(e)) => Err(format!("Chromium failed: {e}")),
            Ok(Ok(out)) if out.stdout.is_empty() => Err(format!(
                "Chromium printed nothing (exit status {})",
                out.status
            )),
            Ok(Ok(out)) => Ok(String::from_utf8_lossy(&out.stdout).into_owned()),
        }
    }
}

/// Serves the renderer's proxy until aborted.
async fn serve_proxy(listener: TcpListener, fetcher: Arc<Fetcher>, cap: usize) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let fetcher = fetcher.clone();
        tokio::spawn(async move {
            let service = service_fn(move |req: Request<Incoming>| {
                let fetcher = fetcher.clone();
                async move { Ok::<_, std::convert::Infallible>(proxy(req, fetcher, cap).await) }
            });
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .with_upgrades()
                .await;
        });
    }
}

fn reply(status: u16, body: &str) -> Response<Full<Bytes>> {
    let mut resp = Response::new(Full::new(Bytes::from(body.to_string())));
    *resp.status_mut() =
        hyper::StatusCode::from_u16(status).unwrap_or(hyper::StatusCode::BAD_GATEWAY);
    resp
}

async fn proxy(
    mut req: Request<Incoming>,
    fetcher: Arc<Fetcher>,
    cap: usize,
) -> Response<Full<Bytes>> {
    if req.method() == Method::CONNECT {
        // HTTPS: a tunnel to the address govscan's resolver gives (so
        // --resolve and --offline hold); the requests inside are Chromium's.
        let Some(authority) = req.uri().authority().cloned() else {
            return reply(400, "CONNECT needs host:port");
        };
        let port = authority.port_u16().unwrap_or(443);
        let Ok(addrs) = fetcher.resolver().lookup(authority.host()).await else {
            return reply(502, "does not resolve");
        };
        let Some(ip) = addrs.first().copied() else {
            return reply(502, "does not resolve");
        };
        let Ok(upstream) = TcpStream::connect((ip, port)).await else {
            return reply(502, "cannot connect");
        };
        let upgrade = hyper::upgrade::on(&mut req);
        tokio::spawn(async move {
            if let Ok(upgraded) = upgrade.await {
                let mut client = TokioIo::new(upgraded);
                let mut upstream = upstream;
                let _ = tokio::io::copy_bidirectional(&mut client, &mut upstream).await;
            }
        });
        return reply(200, "");
    }
    let Ok(url) = Url::parse(&req.uri().to_string()) else {
        return reply(400, "a proxy request needs an absolute URL");
    };
    let method = reqwest::Method::from_bytes(req.method().as_str().as_bytes())
        .unwrap_or(reqwest::Method::GET);
    let headers: Vec<(String, String)> = req
        .headers()
        .iter()
        .filter_map(|(k, v)| Some((k.to_string(), v.to_str().ok()?.to_string())))
        .collect();
    let body = match req.into_body().collect().await {
        Ok(b) => b.to_bytes().to_vec(),
        Err(_) => Vec::new(),
    };
    match fetcher.forward(method, &url, &headers, body, cap).await {
        Err(why) => reply(502, &why),
        Ok((status, headers, body)) => {
            let mut resp = Response::new(Full::new(Bytes::from(body)));
            *resp.status_mut() =
                hyper::StatusCode::from_u16(status).unwrap_or(hyper::StatusCode::BAD_GATEWAY);
            for (k, v) in headers {
                // The body was decoded and re-framed here.
                if matches!(
                    k.as_str(),
                    "content-encoding" | "content-length" | "transfer-encoding" | "connection"
                ) {
                    continue;
                }
                if let (Ok(name), Ok(value)) = (
                    hyper::header::HeaderName::from_bytes(k.as_bytes()),
                    hyper::header::HeaderValue::from_str(&v),
                ) {
                    resp.headers_mut().append(name, value);
                }
            }
            resp
        }
    }
}
