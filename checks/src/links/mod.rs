//! Links: how an href is classified, and the one place that decides whether
//! a fetched link is OK, dead (死链) or wrong (错链).

use crate::fetch::{FailureKind, FetchOutcome, FetchResult};
use crate::profile::LinkRules;
use serde::{Deserialize, Serialize};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use url::{Host, Url};

/// Which element and attribute a link came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LinkKind {
    /// `<a href>` or `<area href>`: a link a person follows.
    Anchor,
    /// `<link href>` (stylesheets, icons, alternates).
    LinkTag,
    /// `<img src>` / `srcset`, `<video poster>`.
    Image,
    /// `<script src>`.
    Script,
    /// `<iframe src>` / `<frame src>`.
    Frame,
    /// `<embed src>`, `<object data>`, `<source>`, `<video>`, `<audio>`.
    Media,
    /// `<meta http-equiv=refresh>`.
    Refresh,
    /// A GET `<form action>` (checked without a query, as browsers submit it).
    Form,
}

impl LinkKind {
    /// Whether following this link leads to another page to crawl.
    pub fn is_navigation(self) -> bool {
        matches!(self, LinkKind::Anchor | LinkKind::Frame | LinkKind::Refresh)
    }

    /// The byte a [`LinkTable`] row keeps for the kind.
    pub fn code(self) -> u8 {
        self as u8
    }

    /// Every kind, in the order of their [`LinkKind::code`]s.
    pub const ALL: [LinkKind; 8] = [
        LinkKind::Anchor,
        LinkKind::LinkTag,
        LinkKind::Image,
        LinkKind::Script,
        LinkKind::Frame,
        LinkKind::Media,
        LinkKind::Refresh,
        LinkKind::Form,
    ];

    /// The kind a [`LinkTable`] row's byte names; `None` for a byte no kind has.
    pub fn from_code(code: u8) -> Option<LinkKind> {
        Self::ALL.get(usize::from(code)).copied()
    }

    /// Chinese name of the element, for reports.
    pub fn label_zh(self) -> &'static str {
        match self {
            LinkKind::Anchor => "链接",
            LinkKind::LinkTag => "样式/图标",
            LinkKind::Image => "图片",
            LinkKind::Script => "脚本",
            LinkKind::Frame => "框架页",
            LinkKind::Media => "多媒体",
            LinkKind::Refresh => "自动跳转",
            LinkKind::Form => "表单提交地址",
        }
    }
}

/// Why an href is malformed or a placeholder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Malformed {
    /// The URL parser rejects it.
    Unparseable,
    /// `href=""` on a link.
    Empty,
    /// `href="#"` on a link that should go somewhere.
    HashOnly,
    /// `javascript:void(0)` and the like, with no script handler.
    ScriptPlaceholder,
    /// A `file:` URL pointing at someone's local disk.
    LocalFile,
    /// A misspelt scheme such as `htp:` or `http:/`.
    BadScheme,
}

impl Malformed {
    /// The `status` column value.
    pub fn as_str(self) -> &'static str {
        match self {
            Malformed::Unparseable => "unparseable",
            Malformed::Empty => "empty",
            Malformed::HashOnly => "placeholder",
            Malformed::ScriptPlaceholder => "placeholder",
            Malformed::LocalFile => "local_file",
            Malformed::BadScheme => "bad_scheme",
        }
    }

    /// Chinese explanation.
    pub fn detail_zh(self) -> &'static str {
        match self {
            Malformed::Unparseable => "链接地址格式错误，无法解析",
            Malformed::Empty => "链接地址为空",
            Malformed::HashOnly => "链接地址为占位符“#”，点击后不跳转",
            Malformed::ScriptPlaceholder => "链接地址为javascript空操作，点击后不跳转",
            Malformed::LocalFile => "链接指向编辑者本机文件（file:），公众无法访问",
            Malformed::BadScheme => "链接协议拼写错误",
        }
    }
}

/// What an href points at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum LinkTarget {
    /// An http(s) URL, resolved against the page or `<base>`; fragment kept.
    Web(#[serde(deserialize_with = "crate::url_cache::deserialize")] Url),
    /// Not fetched: `mailto:`, `tel:`, `data:`, script-driven links, other schemes.
    NotWeb,
    /// Malformed or a placeholder.
    Malformed(Malformed),
}

/// One link found on a page.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Link {
    /// Element and attribute.
    pub kind: LinkKind,
    /// The attribute value as the page gives it (not kept in the history
    /// store, where it is empty: the findings that quote it are made).
    #[serde(default)]
    pub raw: String,
    /// What it points at.
    pub target: LinkTarget,
    /// Link text (or `alt`/`title`), whitespace collapsed, at most 80 characters.
    pub text: String,
}

/// Classifies an href. `navigational` is true for `<a>`/`<area>`, where a
/// placeholder is a wrong link; `script_driven` when the element has a click
/// handler; `top_link` when its text says "back to top".
pub fn classify_href(
    raw: &str,
    base: &Url,
    navigational: bool,
    script_driven: bool,
    top_link: bool,
) -> LinkTarget {
    let href = raw.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
    if href.is_empty() {
        return if navigational && !script_driven {
            LinkTarget::Malformed(Malformed::Empty)
        } else {
            LinkTarget::NotWeb
        };
    }
    if href == "#" {
        return if navigational && !script_driven && !top_link {
            LinkTarget::Malformed(Malformed::HashOnly)
        } else {
            LinkTarget::NotWeb
        };
    }
    if href
        .get(..11)
        .is_some_and(|h| h.eq_ignore_ascii_case("javascript:"))
    {
        let body: String = href[11..]
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_lowercase();
        let placeholder = matches!(
            body.as_str(),
            "" | ";"
                | "void(0)"
                | "void(0);"
                | "void0"
                | "void0;"
                | "void(null)"
                | "false"
                | "false;"
        );
        return if navigational && placeholder && !script_driven {
            LinkTarget::Malformed(Malformed::ScriptPlaceholder)
        } else {
            LinkTarget::NotWeb
        };
    }
    // Only a colon before any `/`, `?` or `#` ends a scheme.
    if let Some(colon) = href
        .find([':', '/', '?', '#'])
        .filter(|&i| href.as_bytes()[i] == b':')
    {
        // Compared in place: every absolute link passes here.
        let scheme = &href[..colon];
        let scheme_like = !scheme.is_empty()
            && scheme
                .bytes()
                .all(|c| c.is_ascii_alphanumeric() || b"+-.".contains(&c));
        if scheme_like {
            let is = |s: &str| scheme.eq_ignore_ascii_case(s);
            if is("http") || is("https") {
                let rest = &href[colon + 1..];
                if !rest.starts_with("//") && !rest.starts_with("\\\\") {
                    return LinkTarget::Malformed(Malformed::BadScheme);
                }
            } else if is("file") {
                return LinkTarget::Malformed(Malformed::LocalFile);
            } else if [
                "htp", "htps", "ttp", "ttps", "hhtp", "hhttp", "htttp", "httpp",
            ]
            .into_iter()
            .any(is)
            {
                return LinkTarget::Malformed(Malformed::BadScheme);
            } else {
                return LinkTarget::NotWeb;
            }
        }
    }
    match join_remembered(base, href) {
        Ok(url) if matches!(url.scheme(), "http" | "https") => {
            if url.host_str().is_none_or(str::is_empty) {
                LinkTarget::Malformed(Malformed::Unparseable)
            } else {
                LinkTarget::Web(url)
            }
        }
        Ok(_) => LinkTarget::NotWeb,
        Err(_) => LinkTarget::Malformed(Malformed::Unparseable),
    }
}

/// `base.join(href)`; absolute and path-absolute hrefs (a template's
/// navigation and footer links, the same on every page) through the
/// per-thread memory of parsed URLs.
fn join_remembered(base: &Url, href: &str) -> Result<Url, url::ParseError> {
    let starts = |p: &str| {
        href.get(..p.len())
            .is_some_and(|h| h.eq_ignore_ascii_case(p))
    };
    if starts("http://") || starts("https://") {
        crate::url_cache::parse(href)
    } else if href.starts_with('/') && !href.starts_with("//") && !href.starts_with("/\\") {
        let origin = &base[..url::Position::BeforePath];
        // Concatenated by hand: `format!` was a third of this function.
        let mut absolute = String::with_capacity(origin.len() + href.len());
        absolute.push_str(origin);
        absolute.push_str(href);
        crate::url_cache::parse(&absolute)
    } else {
        base.join(href)
    }
}

/// True for hosts the public cannot reach: private, loopback, link-local and
/// shared addresses, `localhost`, and single-label or intranet-only names.
pub fn is_private_host(host: &Host<&str>) -> bool {
    match host {
        Host::Ipv4(ip) => is_private_v4(*ip),
        Host::Ipv6(ip) => is_private_v6(ip),
        Host::Domain(name) => {
            // Asked for every link: compared in place, not on a lower-cased
            // copy, and only on the last label (`cn`, `com`: no private
            // suffix has their length).
            let name = name.trim_end_matches('.').as_bytes();
            let Some(dot) = memchr::memrchr(b'.', name) else {
                return true;
            };
            let last = &name[dot + 1..];
            let is = |label: &str| last.eq_ignore_ascii_case(label.as_bytes());
            let ends_with = |suffix: &[u8]| {
                name.len() >= suffix.len()
                    && name[name.len() - suffix.len()..].eq_ignore_ascii_case(suffix)
            };
            match last.len() {
                3 => is("lan"),
                4 => is("corp") || ends_with(b".home.arpa"),
                5 => is("local"),
                8 => is("internal") || is("intranet"),
                9 => is("localhost"),
                _ => false,
            }
        }
    }
}

/// True for an IP address the public cannot reach.
pub fn is_private_ip(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_private_v4(v4),
        IpAddr::V6(v6) => is_private_v6(&v6),
    }
}

fn is_private_v4(ip: Ipv4Addr) -> bool {
    let o = ip.octets();
    ip.is_private()
        || ip.is_loopback()
        || ip.is_link_local()
        || ip.is_unspecified()
        || (o[0] == 100 && (64..128).contains(&o[1]))
}

fn is_private_v6(ip: &Ipv6Addr) -> bool {
    let seg = ip.segments();
    ip.is_loopback()
        || ip.is_unspecified()
        || (seg[0] & 0xfe00) == 0xfc00
        || (seg[0] & 0xffc0) == 0xfe80
        || ip.to_ipv4_mapped().is_some_and(is_private_v4)
}

/// The verdict on one link target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkVerdict {
    /// Reachable and not a not-found page.
    Ok,
    /// 死链: `status` is the HTTP code or failure class.
    Dead {
        /// `404`, `timeout`, `dns`...
        status: String,
        /// Chinese explanation, with the redirect chain.
        detail: String,
    },
    /// 错链: reachable but shows a not-found page or the home page.
    Soft404 {
        /// The final HTTP status.
        status: String,
        /// Chinese explanation.
        detail: String,
    },
    /// Not checked in this run (offline mode); no verdict.
    NotChecked,
    /// A firewall, a challenge or a 429 answered instead of the target:
    /// not verified, never a dead link (`link.blocked`, information only).
    Blocked {
        /// The HTTP status or `blocked`.
        status: String,
        /// Chinese explanation with what to do.
        detail: String,
    },
}

impl LinkVerdict {
    /// True for dead and wrong links.
    pub fn is_bad(&self) -> bool {
        matches!(self, LinkVerdict::Dead { .. } | LinkVerdict::Soft404 { .. })
    }
}

/// Chinese meaning of an HTTP error status.
pub fn http_status_zh(code: u16) -> &'static str {
    match code {
        400 => "请求无效(400)",
        401 => "需要登录才能访问(401)",
        403 => "禁止访问(403)",
        404 => "页面不存在(404)",
        405 => "请求方法不被允许(405)",
        408 => "服务器等待请求超时(408)",
        410 => "页面已永久删除(410)",
        429 => "请求过于频繁，重试后仍被拒绝(429)",
        500 => "服务器内部错误(500)",
        501 => "服务器不支持该请求(501)",
        502 => "网关错误(502)",
        503 => "服务暂时不可用，重试后仍失败(503)",
        504 => "网关超时(504)",
        402..=499 => "客户端错误(4xx)",
        _ => "服务器错误(5xx)",
    }
}

fn is_root_path(url: &Url) -> bool {
    let path = url.path().to_ascii_lowercase();
    path == "/"
        || path.is_empty()
        || (path.starts_with("/index.") && path.matches('/').count() == 1)
        || (path.starts_with("/default.") && path.matches('/').count() == 1)
}

/// What to do about a link that a firewall or a rate limit kept govscan
/// from checking (as lychee suggests for 429s).
pub const BLOCKED_HINT: &str =
    "不计为死链；可请网站运维单位将检查程序加入防火墙白名单，或用 --rate 降低抓取速度后重新检查";

/// Hash of an anchor name: 64-bit FNV-1a over its UTF-8 bytes. Stored with
/// page analyses, so it must never change between builds or toolchains
/// (std's `DefaultHasher` makes no such promise).
pub fn anchor_hash(name: &str) -> u64 {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    name.bytes()
        .fold(OFFSET, |h, b| (h ^ u64::from(b)).wrapping_mul(PRIME))
}

/// Whether a page with these anchors (sorted [`anchor_hash`]es) has the
/// `fragment` of a URL. It is matched as written first (`id="a%3Ab"` with
/// `href="#a%3Ab"`), then percent-decoded (`#%E4%B8%80` for `id="一"`), as
/// browsers do. Client-side routes (`#/query?code=…`, `#!/page`) name no
/// element and always count as present.
pub fn fragment_exists(anchors: &[u64], fragment: &str) -> bool {
    let decoded = percent_encoding::percent_decode_str(fragment).decode_utf8_lossy();
    if decoded.is_empty()
        || decoded.eq_ignore_ascii_case("top")
        || decoded.starts_with(['/', '!'])
        || decoded.contains(['=', '?', '&'])
    {
        return true;
    }
    anchors.binary_search(&anchor_hash(fragment)).is_ok()
        || anchors.binary_search(&anchor_hash(&decoded)).is_ok()
}

/// One page's use of a link, as the crawler saw it, waiting for the
/// target's verdict.
#[derive(Debug, Clone, Copy)]
pub struct LinkUse<'a> {
    /// The page that links.
    pub page: &'a str,
    /// Whether that page is the home page.
    pub home: bool,
    /// Element and attribute.
    pub kind: LinkKind,
    /// The link as resolved against the page (fragment kept).
    pub target: &'a str,
    /// Its text.
    pub text: &'a str,
    /// Its fragment, if any.
    pub fragment: Option<&'a str>,
}

/// The finding a link use gets from its target's verdict and anchors, if
/// any: the one place where a link verdict becomes a `link.*` finding
/// (dead, wrong, blocked, missing anchor), worded for the page that links.
pub fn link_finding(
    site: &str,
    verdict: &LinkVerdict,
    anchors: Option<&[u64]>,
    link: &LinkUse<'_>,
    profile: &crate::profile::Profile,
) -> Option<crate::finding::Finding> {
    use crate::finding::CheckId;
    let (check, status, detail) = match verdict {
        LinkVerdict::Dead { status, detail } => (CheckId::LinkDead, status.clone(), detail.clone()),
        LinkVerdict::Soft404 { status, detail } => {
            (CheckId::LinkSoft404, status.clone(), detail.clone())
        }
        LinkVerdict::Blocked { status, detail } => {
            (CheckId::LinkBlocked, status.clone(), detail.clone())
        }
        LinkVerdict::Ok => {
            let (Some(fragment), Some(anchors)) = (link.fragment, anchors) else {
                return None;
            };
            if link.kind != LinkKind::Anchor || fragment_exists(anchors, fragment) {
                return None;
            }
            (
                CheckId::LinkFragment,
                "fragment".to_string(),
                format!("目标页面中没有锚点“#{fragment}”"),
            )
        }
        LinkVerdict::NotChecked => return None,
    };
    let detail = if link.kind == LinkKind::Anchor {
        detail
    } else {
        format!("{}：{detail}", link.kind.label_zh())
    };
    // Inspections count home-page links apart.
    let detail = if link.home {
        format!("首页链接 · {detail}")
    } else {
        detail
    };
    let mut sink = crate::sink::FindingSink::new(site, link.page, link.home, profile);
    sink.push(check, link.target, &status, detail, link.text.to_string());
    sink.into_vec().pop()
}

/// Decides what a fetch outcome means for a link. `not_found` is the reason
/// the target page looks like a not-found page (see
/// [`crate::page::PageAnalysis::not_found`]), if it was analysed.
pub fn judge(outcome: &FetchOutcome, not_found: Option<&str>, rules: &LinkRules) -> LinkVerdict {
    let chain = outcome.chain_text();
    let with_chain = |detail: String| {
        if chain.is_empty() {
            detail
        } else {
            format!("{detail}；跳转链：{chain}")
        }
    };
    if let Some(block) = &outcome.blocked {
        return LinkVerdict::Blocked {
            status: outcome.status_label(),
            detail: with_chain(format!(
                "未能核实：{}。{}",
                block.describe_zh(),
                BLOCKED_HINT
            )),
        };
    }
    match &outcome.result {
        FetchResult::Failed(FailureKind::NotChecked, _) => LinkVerdict::NotChecked,
        FetchResult::Failed(FailureKind::Blocked, _) => LinkVerdict::Blocked {
            status: FailureKind::Blocked.as_str().to_string(),
            detail: with_chain(format!(
                "未能核实：{}。{}",
                FailureKind::Blocked.detail_zh(),
                BLOCKED_HINT
            )),
        },
        FetchResult::Status(429) => LinkVerdict::Blocked {
            status: "429".to_string(),
            detail: with_chain(format!(
                "未能核实：{}。{}",
                http_status_zh(429),
                BLOCKED_HINT
            )),
        },
        // An unusable redirect says where it pointed (the crawler words it).
        FetchResult::Failed(FailureKind::BadRedirect, why) if !why.is_empty() => {
            LinkVerdict::Dead {
                status: FailureKind::BadRedirect.as_str().to_string(),
                detail: with_chain(format!("{}：{why}", FailureKind::BadRedirect.detail_zh())),
            }
        }
        FetchResult::Failed(kind, _) => LinkVerdict::Dead {
            status: kind.as_str().to_string(),
            detail: with_chain(kind.detail_zh().to_string()),
        },
        FetchResult::Status(code) if *code >= 400 => LinkVerdict::Dead {
            status: code.to_string(),
            detail: with_chain(http_status_zh(*code).to_string()),
        },
        FetchResult::Status(code) => {
            if let Some(reason) = not_found {
                return LinkVerdict::Soft404 {
                    status: code.to_string(),
                    detail: with_chain(format!("页面返回{code}，但内容显示不存在：{reason}")),
                };
            }
            if rules.home_redirect_is_soft404 && !outcome.hops.is_empty() {
                if let (Ok(from), Ok(to)) =
                    (Url::parse(&outcome.url), Url::parse(&outcome.final_url))
                {
                    if !is_root_path(&from) && is_root_path(&to) && from.host() == to.host() {
                        return LinkVerdict::Soft404 {
                            status: code.to_string(),
                            detail: with_chain(
                                "深层链接被重定向到网站首页，原内容已不存在".to_string(),
                            ),
                        };
                    }
                }
            }
            LinkVerdict::Ok
        }
    }
}

#[cfg(test)]
mod tests;

mod table;
pub use table::{LinkTable, LinkView};
