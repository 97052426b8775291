//! A small virtual-host HTTP server on 127.0.0.1 (hyper), serving a
//! [`Portal`] from memory. The demo uses it, and so do the end-to-end tests,
//! which also read its request log (what was fetched, when, how often).

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use tokio::net::TcpListener;

/// One canned response.
#[derive(Debug)]
pub struct Route {
    /// HTTP status.
    pub status: u16,
    /// Response headers.
    pub headers: Vec<(String, String)>,
    /// Body (not sent for HEAD).
    pub body: Bytes,
    /// Wait this long before answering.
    pub delay: Option<Duration>,
    /// Answer `503` with `Retry-After: 1` this many times first.
    pub fail_first: u32,
    /// The status of those first answers (503 unless set).
    pub fail_status: u16,
    /// Answer HEAD requests with `405` (servers that refuse HEAD).
    pub refuse_head: bool,
    failures: AtomicU32,
}

impl Route {
    /// A response with a status, a content type and a body.
    pub fn new(status: u16, content_type: &str, body: impl Into<Bytes>) -> Route {
        Route {
            status,
            headers: vec![("content-type".into(), content_type.into())],
            body: body.into(),
            delay: None,
            fail_first: 0,
            fail_status: 503,
            refuse_head: false,
            failures: AtomicU32::new(0),
        }
    }

    /// A UTF-8 HTML page with status 200.
    pub fn html(body: impl Into<String>) -> Route {
        Route::new(200, "text/html; charset=utf-8", body.into())
    }

    /// A redirect.
    pub fn redirect(status: u16, location: &str) -> Route {
        Route::new(status, "text/html", Bytes::new()).header("location", location)
    }

    /// Adds a header.
    pub fn header(mut self, name: &str, value: &str) -> Route {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Waits before answering.
    pub fn delayed(mut self, delay: Duration) -> Route {
        self.delay = Some(delay);
        self
    }

    /// Answers HEAD with 405, as some servers do.
    pub fn refusing_head(mut self) -> Route {
        self.refuse_head = true;
        self
    }

    /// Answers 503 the first `n` times.
    pub fn failing_first(mut self, n: u32) -> Route {
        self.fail_first = n;
        self.fail_status = 503;
        self
    }

    /// Answers 429 (Too Many Requests, `Retry-After: 1`) the first `n` times.
    pub fn throttling_first(mut self, n: u32) -> Route {
        self.fail_first = n;
        self.fail_status = 429;
        self
    }
}

/// One request the server received.
#[derive(Debug, Clone)]
pub struct Hit {
    /// When it arrived.
    pub at: Instant,
    /// `GET`, `HEAD`...
    pub method: String,
    /// Host, without port.
    pub host: String,
    /// Path and query, as sent.
    pub path: String,
    /// Whether it was a conditional request (`If-None-Match` or `If-Modified-Since`).
    pub conditional: bool,
    /// The `User-Agent` header.
    pub user_agent: String,
    /// It came in over IPv6 (the `[::1]` listener).
    pub over_v6: bool,
}

impl Hit {
    /// Whether a search-engine spider's User-Agent sent it (govscan's
    /// cloaking check fetches the home page once that way).
    pub fn from_spider(&self) -> bool {
        self.user_agent.to_ascii_lowercase().contains("spider")
    }
}

/// A set of virtual hosts and their pages.
#[derive(Debug, Default)]
pub struct Portal {
    routes: HashMap<String, Route>,
    /// What a search-engine spider is served instead (cloaking plants).
    spider_routes: HashMap<String, Route>,
    /// What a visitor over IPv6 is served instead (IPv6 plants: a page
    /// missing or different over IPv6).
    v6_routes: HashMap<String, Route>,
    hits: Mutex<Vec<Hit>>,
    /// Which version of the versioned routes is served (a site that changes between runs).
    version: AtomicU32,
    /// Hosts behind a JavaScript challenge a browser passes: a request
    /// without the cookie is answered with the challenge.
    challenges: HashMap<String, (String, Route)>,
}

/// One request as the portal sees it.
struct Asked<'a> {
    method: &'a str,
    host: &'a str,
    path: &'a str,
    validators: (Option<String>, Option<String>),
    user_agent: &'a str,
    cookie: &'a str,
    over_v6: bool,
}

fn route_key(host: &str, path: &str) -> String {
    format!("{}{}", host.to_ascii_lowercase(), path)
}

/// Percent-encodes a path the way a browser (and the crawler) sends it.
pub fn encode_path(path: &str) -> String {
    match url::Url::parse(&format!("http://h{path}")) {
        Ok(u) => match u.query() {
            Some(q) => format!("{}?{}", u.path(), q),
            None => u.path().to_string(),
        },
        Err(_) => path.to_string(),
    }
}

impl Portal {
    /// An empty portal.
    pub fn new() -> Portal {
        Portal::default()
    }

    /// Adds a route for `host` and `path` (path may contain Chinese; it is
    /// encoded). A 200 response gets an `ETag` from its body, as a static
    /// file server sends, unless it has one.
    pub fn add(&mut self, host: &str, path: &str, mut route: Route) {
        let has_validator = route.headers.iter().any(|(k, _)| {
            k.eq_ignore_ascii_case("etag") || k.eq_ignore_ascii_case("last-modified")
        });
        if route.status == 200 && !has_validator && !route.body.is_empty() {
            route.headers.push((
                "etag".into(),
                format!("\"{}\"", govscan_checks::content_hash(&route.body)),
            ));
        }
        self.routes
            .insert(route_key(host, &encode_path(path)), route);
    }

    /// Adds a route served only while [`Portal::set_version`] is `version`
    /// (it takes precedence over an unversioned route of the same path).
    pub fn add_versioned(&mut self, version: u32, host: &str, path: &str, route: Route) {
        self.routes.insert(
            format!("v{version}:{}", route_key(host, &encode_path(path))),
            route,
        );
    }

    /// Serves version `v` of the versioned routes from now on.
    pub fn set_version(&self, v: u32) {
        self.version.store(v, Ordering::SeqCst);
    }

    /// Puts `host` behind a JavaScript challenge: every request that does not
    /// carry the cookie `cookie_name` gets `challenge` (whose script sets the
    /// cookie and reloads, as 加速乐/创宇盾 do), the others the host's routes.
    pub fn add_challenge(&mut self, host: &str, cookie_name: &str, challenge: Route) {
        self.challenges.insert(
            host.to_ascii_lowercase(),
            (format!("{cookie_name}="), challenge),
        );
    }

    /// Adds a UTF-8 HTML page.
    pub fn page(&mut self, host: &str, path: &str, html: impl Into<String>) {
        self.add(host, path, Route::html(html));
    }

    /// What a visitor over IPv6 gets at `path` instead (a listener on
    /// `[::1]` serves the same portal).
    pub fn add_v6(&mut self, host: &str, path: &str, route: Route) {
        self.v6_routes
            .insert(route_key(host, &encode_path(path)), route);
    }

    /// What a search-engine spider (a User-Agent with "spider") gets at
    /// `path` instead of the page visitors get: a hacked site's cloaking.
    pub fn spider_page(&mut self, host: &str, path: &str, html: impl Into<String>) {
        self.spider_routes
            .insert(route_key(host, path), Route::html(html));
    }

    /// HTML pages (200, text/html) served for `host`, counting a directory
    /// and its `index.html` twin with the same body once: what a complete
    /// crawl of the site finds.
    pub fn html_pages(&self, host: &str) -> usize {
        let prefix = host.to_ascii_lowercase();
        let html: Vec<(&String, &Route)> = self
            .routes
            .iter()
            .filter(|(k, r)| {
                k.starts_with(&prefix)
                    && k[prefix.len()..].starts_with('/')
                    && r.status == 200
                    && r.headers
                        .iter()
                        .any(|(n, v)| n == "content-type" && v.contains("html"))
            })
            .collect();
        html.iter()
            .filter(|(k, r)| {
                let Some(dir) = k.strip_suffix("index.html") else {
                    return true;
                };
                !html
                    .iter()
                    .any(|(k2, r2)| k2.as_str() == dir && r2.body == r.body)
            })
            .count()
    }

    /// The HTML pages (200, text/html) served for `host` as (path, content
    /// type, body), in path order: for benchmarks that analyse a generated
    /// site's pages without serving them.
    pub fn html_routes(&self, host: &str) -> Vec<(&str, &str, &Bytes)> {
        let prefix = host.to_ascii_lowercase();
        let mut out: Vec<(&str, &str, &Bytes)> = self
            .routes
            .iter()
            .filter(|(_, r)| r.status == 200)
            .filter_map(|(k, r)| {
                let path = k.strip_prefix(&prefix).filter(|p| p.starts_with('/'))?;
                let content_type = r
                    .headers
                    .iter()
                    .find(|(n, v)| n == "content-type" && v.contains("html"))?;
                Some((path, content_type.1.as_str(), &r.body))
            })
            .collect();
        out.sort_unstable_by_key(|(path, _, _)| *path);
        out
    }

    /// Whether a route exists.
    pub fn has(&self, host: &str, path: &str) -> bool {
        self.routes
            .contains_key(&route_key(host, &encode_path(path)))
    }

    /// Number of routes.
    pub fn len(&self) -> usize {
        self.routes.len()
    }

    /// Whether there are no routes.
    pub fn is_empty(&self) -> bool {
        self.routes.is_empty()
    }

    /// Every request received so far.
    pub fn hits(&self) -> Vec<Hit> {
        self.hits.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    fn answer(&self, asked: Asked<'_>) -> (Response<Full<Bytes>>, Option<Duration>) {
        let Asked {
            method,
            host,
            path,
            validators,
            user_agent,
            cookie,
            over_v6,
        } = asked;
        self.hits
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(Hit {
                at: Instant::now(),
                method: method.to_string(),
                host: host.to_string(),
                path: path.to_string(),
                conditional: validators.0.is_some() || validators.1.is_some(),
                user_agent: user_agent.to_string(),
                over_v6,
            });
        let key = route_key(host, path);
        let versioned = format!("v{}:{key}", self.version.load(Ordering::SeqCst));
        let spider = user_agent.to_ascii_lowercase().contains("spider");
        let challenge = self
            .challenges
            .get(&host.to_ascii_lowercase())
            .filter(|(name, _)| {
                !cookie
                    .split(';')
                    .any(|c| c.trim_start().starts_with(name.as_str()))
            })
            .map(|(_, route)| route);
        let Some(route) = challenge
            .or_else(|| self.spider_routes.get(&key).filter(|_| spider))
            .or_else(|| self.v6_routes.get(&key).filter(|_| over_v6))
            .or_else(|| self.routes.get(&versioned))
            .or_else(|| self.routes.get(&key))
        else {
            let body = "<html><head><title>404 Not Found</title></head><body><h1>404</h1><p>您访问的页面不存在</p></body></html>";
            let resp = Response::builder()
                .status(404)
                .header("content-type", "text/html; charset=utf-8")
                .body(Full::new(Bytes::from_static(body.as_bytes())))
                .unwrap_or_else(|_| fallback_response());
            return (resp, None);
        };
        if route.fail_first > 0 && route.failures.fetch_add(1, Ordering::SeqCst) < route.fail_first
        {
            let resp = Response::builder()
                .status(route.fail_status)
                .header("retry-after", "1")
                .body(Full::new(Bytes::new()))
                .unwrap_or_else(|_| fallback_response());
            return (resp, None);
        }
        if route.refuse_head && method == "HEAD" {
            let resp = Response::builder()
                .status(405)
                .body(Full::new(Bytes::new()))
                .unwrap_or_else(|_| fallback_response());
            return (resp, None);
        }
        // Conditional requests: 304 when the validators still match.
        let header_of = |name: &str| {
            route
                .headers
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.as_str())
        };
        let etag_matches =
            matches!((&validators.0, header_of("etag")), (Some(a), Some(b)) if a == b);
        let date_matches =
            matches!((&validators.1, header_of("last-modified")), (Some(a), Some(b)) if a == b);
        if route.status == 200 && (etag_matches || (validators.0.is_none() && date_matches)) {
            let mut builder = Response::builder().status(304);
            if let Some(etag) = header_of("etag") {
                builder = builder.header("etag", etag);
            }
            return (
                builder
                    .body(Full::new(Bytes::new()))
                    .unwrap_or_else(|_| fallback_response()),
                None,
            );
        }
        let mut builder = Response::builder().status(route.status);
        for (k, v) in &route.headers {
            builder = builder.header(k.as_str(), v.as_str());
        }
        let body = if method == "HEAD" {
            Bytes::new()
        } else {
            route.body.clone()
        };
        let resp = builder
            .body(Full::new(body))
            .unwrap_or_else(|_| Response::new(Full::new(Bytes::new())));
        (resp, route.delay)
    }
}

/// Binds `[::1]` at `port` too, for the IPv6 checks; None where this
/// machine has no IPv6 loopback (the checks then say "not checked").
pub async fn bind_v6(port: u16) -> Option<TcpListener> {
    TcpListener::bind(("::1", port)).await.ok()
}

/// Binds one free port on both 127.0.0.1 and `[::1]` (a port free on one
/// family may be taken on the other: a few tries); the IPv6 listener is
/// None where this machine has no IPv6 loopback.
pub async fn bind_dual() -> std::io::Result<(TcpListener, Option<TcpListener>, SocketAddr)> {
    if TcpListener::bind(("::1", 0)).await.is_err() {
        let (v4, addr) = bind().await?;
        return Ok((v4, None, addr));
    }
    let mut last = None;
    for _ in 0..20 {
        let (v4, addr) = bind().await?;
        match TcpListener::bind(("::1", addr.port())).await {
            Ok(v6) => return Ok((v4, Some(v6), addr)),
            Err(e) => last = Some(e),
        }
    }
    Err(last.unwrap_or_else(|| std::io::Error::other("no port free on both loopbacks")))
}

/// Binds a free port on 127.0.0.1 (bind first, so pages can name the port).
pub async fn bind() -> std::io::Result<(TcpListener, SocketAddr)> {
    bind_port(0).await
}

/// Binds 127.0.0.1 at `port` (0: a free one).
pub async fn bind_port(port: u16) -> std::io::Result<(TcpListener, SocketAddr)> {
    let listener = TcpListener::bind(("127.0.0.1", port)).await?;
    let addr = listener.local_addr()?;
    Ok((listener, addr))
}

/// A loopback port where nothing listens: bound but never listening, and
/// kept bound for the life of the process, so that no other listener (a
/// test running beside, a browser's proxy) can take it and connections to
/// it are always refused.
pub async fn closed_port() -> std::io::Result<u16> {
    static HELD: std::sync::Mutex<Vec<tokio::net::TcpSocket>> = std::sync::Mutex::new(Vec::new());
    let socket = tokio::net::TcpSocket::new_v4()?;
    socket.bind(SocketAddr::from(([127, 0, 0, 1], 0)))?;
    let port = socket.local_addr()?.port();
    HELD.lock().unwrap_or_else(|e| e.into_inner()).push(socket);
    Ok(port)
}

/// Serves `portal` on `listener` until the returned handle is aborted (or the runtime ends).
pub fn serve(listener: TcpListener, portal: Arc<Portal>) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            let over_v6 = stream.local_addr().is_ok_and(|a| a.is_ipv6());
            tokio::spawn(serve_connection(stream, portal.clone(), over_v6));
        }
    })
}

/// Serves `portal` over one connection (plain TCP, or a TLS stream a test
/// wrapped it in) until the client closes it.
pub async fn serve_connection<S>(stream: S, portal: Arc<Portal>, over_v6: bool)
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let service = service_fn(move |req: Request<Incoming>| {
        let portal = portal.clone();
        async move {
            let host = req
                .uri()
                .host()
                .map(str::to_string)
                .or_else(|| {
                    req.headers()
                        .get("host")
                        .and_then(|h| h.to_str().ok())
                        .map(|h| h.rsplit_once(':').map_or(h, |(h, _)| h).to_string())
                })
                .unwrap_or_default();
            let path = req
                .uri()
                .path_and_query()
                .map_or("/".to_string(), |p| p.to_string());
            let header = |n: &str| {
                req.headers()
                    .get(n)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_string)
            };
            let validators = (header("if-none-match"), header("if-modified-since"));
            let (resp, delay) = portal.answer(Asked {
                method: req.method().as_str(),
                host: &host,
                path: &path,
                validators,
                user_agent: &header("user-agent").unwrap_or_default(),
                cookie: &header("cookie").unwrap_or_default(),
                over_v6,
            });
            if let Some(d) = delay {
                tokio::time::sleep(d).await;
            }
            Ok::<_, std::convert::Infallible>(resp)
        }
    });
    let _ = hyper::server::conn::http1::Builder::new()
        .serve_connection(TokioIo::new(stream), service)
        .await;
}

/// What the demo server answers if one of its own responses could not be
/// built (it cannot happen: every header and status is a constant here).
fn fallback_response() -> Response<Full<Bytes>> {
    let mut resp = Response::new(Full::new(Bytes::new()));
    *resp.status_mut() = hyper::StatusCode::INTERNAL_SERVER_ERROR;
    resp
}
