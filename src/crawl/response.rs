//! Reading what came back: the failure class of an error, a redirect's
//! target, the headers the fetcher looks at.

use govscan_checks::{FailureKind, FetchResult};
use reqwest::header::{HeaderMap, CONTENT_TYPE, LOCATION, RETRY_AFTER};
use std::error::Error as _;
use std::time::Duration;
use url::Url;

use super::client::Failure;
use super::resolver::ResolveFailure;

/// The rate-limit key of a URL: `host:port`.
pub(super) fn host_key(url: &Url) -> String {
    format!(
        "{}:{}",
        url.host_str().unwrap_or(""),
        url.port_or_known_default().unwrap_or(0)
    )
}

/// Where a redirect leads, or why it leads nowhere a browser would go (the
/// reason names the Location, for the finding's detail).
pub(super) fn usable_location(current: &Url, headers: &HeaderMap) -> Result<Url, String> {
    let Some(raw) = headers.get(LOCATION) else {
        return Err("重定向响应没有 Location 头".into());
    };
    let shown = String::from_utf8_lossy(raw.as_bytes()).trim().to_string();
    match current.join(&shown) {
        Ok(u) if matches!(u.scheme(), "http" | "https") => Ok(u),
        Ok(u) => Err(format!(
            "重定向到非网页地址 Location: {shown}（{}:）",
            u.scheme()
        )),
        Err(_) => Err(format!("重定向地址无法解析 Location: {shown}")),
    }
}

pub(super) fn failed(kind: FailureKind, msg: &str) -> FetchResult {
    FetchResult::Failed(kind, msg.to_string())
}

pub(super) fn failed_pair(kind: FailureKind, msg: &str) -> Failure {
    (kind, msg.to_string())
}

pub(super) fn header(headers: &HeaderMap, name: reqwest::header::HeaderName) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

/// HTML, XHTML, or no content type at all (then the analysis decides).
pub(super) fn is_html(headers: &HeaderMap) -> bool {
    match headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok()) {
        None => true,
        Some(ct) => ct.to_ascii_lowercase().contains("html"),
    }
}

pub(super) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let v = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = chrono::DateTime::parse_from_rfc2822(v).ok()?;
    let delta = when.with_timezone(&chrono::Utc) - chrono::Utc::now();
    Some(delta.to_std().unwrap_or(Duration::ZERO))
}

/// Maps a reqwest error to a failure class by walking its causes.
pub(super) fn classify(err: &reqwest::Error) -> Failure {
    let mut msg = err.to_string();
    let mut kind = None;
    let mut source = err.source();
    while let Some(s) = source {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        if kind.is_none() {
            if let Some(rf) = s.downcast_ref::<ResolveFailure>() {
                kind = Some(match rf {
                    ResolveFailure::NotFound(_) | ResolveFailure::NoAaaa(_) => FailureKind::Dns,
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
    // An https connection that failed after the TCP connect and before any
    // HTTP answer failed in the TLS handshake, whatever rustls called it
    // ("corrupt message" when the port speaks plain HTTP).
    let https = err.url().is_some_and(|u| u.scheme() == "https");
    let kind = if https
        && err.is_connect()
        && matches!(
            kind,
            FailureKind::Protocol | FailureKind::Other | FailureKind::Reset
        )
        && !lower.contains("connection refused")
    {
        FailureKind::Tls
    } else {
        kind
    };
    (kind, msg)
}
