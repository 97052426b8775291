//! What the crawler observed when it requested a URL, as plain data.
//!
//! The crawler fills these in and knows nothing about rules; the checks in
//! [`crate::links`] decide what an outcome means. Keeping the failure classes
//! typed (not strings) is what lets one function judge every link.

use serde::{Deserialize, Serialize};

/// Why a request produced no usable HTTP status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FailureKind {
    /// The host name does not resolve.
    Dns,
    /// The connection was refused.
    Refused,
    /// The connection was reset or closed before a response.
    Reset,
    /// No complete response within the time limit.
    Timeout,
    /// The TLS handshake failed (expired, self-signed, wrong host...).
    Tls,
    /// A redirect leads back to a URL already visited.
    RedirectLoop,
    /// More redirects than the limit.
    TooManyRedirects,
    /// A redirect to a private, loopback or link-local address (not followed).
    RedirectToPrivate,
    /// A redirect without a usable `Location`.
    BadRedirect,
    /// The response was not valid HTTP.
    Protocol,
    /// The host is not reachable from this run (offline mode); not a verdict on the link.
    NotChecked,
    /// Not requested: the host kept blocking this run's requests (see `[audit]`).
    Blocked,
    /// Anything else.
    Other,
}

impl FailureKind {
    /// The stable `status` value in `findings.csv`.
    pub fn as_str(self) -> &'static str {
        match self {
            FailureKind::Dns => "dns",
            FailureKind::Refused => "refused",
            FailureKind::Reset => "reset",
            FailureKind::Timeout => "timeout",
            FailureKind::Tls => "tls",
            FailureKind::RedirectLoop => "redirect_loop",
            FailureKind::TooManyRedirects => "too_many_redirects",
            FailureKind::RedirectToPrivate => "redirect_private",
            FailureKind::BadRedirect => "bad_redirect",
            FailureKind::Protocol => "protocol",
            FailureKind::NotChecked => "not_checked",
            FailureKind::Blocked => "blocked",
            FailureKind::Other => "error",
        }
    }

    /// Every failure class.
    pub const ALL: [FailureKind; 13] = [
        FailureKind::Dns,
        FailureKind::Refused,
        FailureKind::Reset,
        FailureKind::Timeout,
        FailureKind::Tls,
        FailureKind::RedirectLoop,
        FailureKind::TooManyRedirects,
        FailureKind::RedirectToPrivate,
        FailureKind::BadRedirect,
        FailureKind::Protocol,
        FailureKind::NotChecked,
        FailureKind::Blocked,
        FailureKind::Other,
    ];

    /// The failure class of a stable `status` value (the inverse of [`FailureKind::as_str`]).
    pub fn from_label(label: &str) -> Option<FailureKind> {
        FailureKind::ALL.into_iter().find(|k| k.as_str() == label)
    }

    /// Chinese explanation for the report.
    pub fn detail_zh(self) -> &'static str {
        match self {
            FailureKind::Dns => "域名无法解析",
            FailureKind::Refused => "连接被拒绝",
            FailureKind::Reset => "连接被重置",
            FailureKind::Timeout => "请求超时",
            FailureKind::Tls => "HTTPS证书或加密握手失败",
            FailureKind::RedirectLoop => "重定向循环",
            FailureKind::TooManyRedirects => "重定向次数过多",
            FailureKind::RedirectToPrivate => "重定向到内网地址",
            FailureKind::BadRedirect => "重定向地址无效",
            FailureKind::Protocol => "服务器响应不符合HTTP协议",
            FailureKind::NotChecked => "未检查（离线模式）",
            FailureKind::Blocked => "该主机持续拦截本程序的请求，本次扫描不再访问",
            FailureKind::Other => "请求失败",
        }
    }
}

/// One redirect hop: the URL requested and the status it answered with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hop {
    /// The URL that answered with a redirect.
    pub url: String,
    /// Its 3xx status.
    pub status: u16,
}

/// The end result of requesting a URL, after retries and redirects.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum FetchResult {
    /// A final HTTP status (after redirects).
    Status(u16),
    /// No usable status; the message is the underlying error, for the log.
    Failed(FailureKind, String),
}

/// Everything the link judge needs to know about one request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FetchOutcome {
    /// The URL requested, without fragment.
    pub url: String,
    /// Where the redirects ended (equal to `url` without redirects).
    pub final_url: String,
    /// Final status or failure.
    pub result: FetchResult,
    /// The redirects followed, in order.
    pub hops: Vec<Hop>,
    /// The final `Content-Type`, if any.
    pub content_type: Option<String>,
    /// Set when a firewall, a challenge or a rate limit answered instead of
    /// the site (decided by [`crate::audit::detect_block`]).
    #[serde(default)]
    pub blocked: Option<crate::audit::Block>,
}

impl FetchOutcome {
    /// The `status` column value: the HTTP code or the failure class.
    pub fn status_label(&self) -> String {
        match &self.result {
            FetchResult::Status(code) => code.to_string(),
            FetchResult::Failed(kind, _) => kind.as_str().to_string(),
        }
    }

    /// The redirect chain as text (`url (301) → url (302) → final`), empty without redirects.
    pub fn chain_text(&self) -> String {
        if self.hops.is_empty() {
            return String::new();
        }
        let mut out = String::new();
        for hop in &self.hops {
            out.push_str(&format!("{} ({}) → ", hop.url, hop.status));
        }
        out.push_str(&self.final_url);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_labels_round_trip() {
        for kind in FailureKind::ALL {
            assert_eq!(FailureKind::from_label(kind.as_str()), Some(kind));
        }
        assert_eq!(FailureKind::from_label("404"), None);
    }
}
