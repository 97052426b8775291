//! Whether an answer came from a barrier instead of the site: a firewall's
//! block page, a JavaScript challenge, a rate limit. Read from the status,
//! the headers and the first bytes of the body, with the signatures and
//! thresholds of the profile's `[audit]` section.

use super::AuditRules;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// What kind of barrier answered instead of the site.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum BlockKind {
    /// A web application firewall's block page (status plus a signature).
    Firewall,
    /// A page whose only content is a script that sets a cookie and reloads.
    Challenge,
    /// 429 Too Many Requests after the retries.
    RateLimited,
    /// govscan stopped requesting a host that kept blocking it.
    HostBackedOff,
}

/// A response that came from a barrier in front of the site, not from the site.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub struct Block {
    /// What kind of barrier.
    pub kind: BlockKind,
    /// The product recognised (`安全狗`, `创宇盾` …), empty when unknown.
    #[serde(default)]
    pub vendor: String,
}

impl Block {
    /// Chinese description for findings and the report.
    pub fn describe_zh(&self) -> String {
        let vendor = if self.vendor.is_empty() {
            String::new()
        } else {
            format!("（{}）", self.vendor)
        };
        match self.kind {
            BlockKind::Firewall => format!("被网站防火墙拦截{vendor}"),
            BlockKind::Challenge => format!("遇到防火墙的JavaScript人机验证页{vendor}"),
            BlockKind::RateLimited => "请求过于频繁，被服务器限流(429)".to_string(),
            BlockKind::HostBackedOff => {
                format!("该主机持续拦截本程序的请求，本次扫描已停止访问{vendor}")
            }
        }
    }
}

/// Recognises a firewall block page or a JavaScript challenge from a
/// response's status, header lines (`name`, `value`) and the first bytes of
/// its body. A status with no signature is not a block: a plain 403 stays
/// a dead link.
pub fn detect_block(
    status: u16,
    headers: &[(String, String)],
    body: &[u8],
    rules: &AuditRules,
) -> Option<Block> {
    if status == 429 {
        return Some(Block {
            kind: BlockKind::RateLimited,
            vendor: String::new(),
        });
    }
    // A success page is only a barrier when it is a challenge: most pages
    // have far more visible text than one, so this ends the check early,
    // on the bytes and without copying them (every page passes here).
    if (200..300).contains(&status)
        && (body.len() > rules.challenge_max_bytes
            || visible_chars_exceed(body, rules.challenge_max_text_chars))
    {
        return None;
    }
    let text = String::from_utf8_lossy(body);
    let text_gbk = if text.contains('\u{fffd}') {
        Some(encoding_rs::GB18030.decode(body).0)
    } else {
        None
    };
    let body_text: &str = text_gbk.as_deref().unwrap_or(&text);
    let lines: Vec<String> = headers
        .iter()
        .map(|(n, v)| format!("{n}: {v}").to_ascii_lowercase())
        .collect();
    let vendor = rules
        .signatures
        .iter()
        .find(|s| lines.iter().any(|l| s.headers.is_match(l)) || s.body.is_match(body_text));
    if is_challenge(body_text, body.len(), rules) {
        return Some(Block {
            kind: BlockKind::Challenge,
            vendor: vendor.map(|v| v.vendor.clone()).unwrap_or_default(),
        });
    }
    if !(200..300).contains(&status) && rules.block_statuses.contains(&status) {
        // Header signatures (a WAF's cookie or Server header) also sit on
        // pages it lets through, so they count only with a body that
        // looks like a block page or a known body marker.
        let body_match = rules.signatures.iter().find(|s| s.body.is_match(body_text));
        if let Some(sig) = body_match {
            return Some(Block {
                kind: BlockKind::Firewall,
                vendor: sig.vendor.clone(),
            });
        }
        if let Some(sig) = vendor {
            return Some(Block {
                kind: BlockKind::Firewall,
                vendor: sig.vendor.clone(),
            });
        }
    }
    None
}

/// A small page whose script sets a cookie and reloads, with next to no
/// visible text: what 加速乐, 云锁, 阿里云 and others send a client they want
/// to test.
fn is_challenge(body: &str, bytes: usize, rules: &AuditRules) -> bool {
    if bytes == 0 || bytes > rules.challenge_max_bytes {
        return false;
    }
    let lower = body.to_ascii_lowercase();
    if !lower.contains("<script") {
        return false;
    }
    let marker = rules.challenge_markers.is_match(body);
    let sets_cookie = lower.contains("document.cookie");
    let reloads = [
        "location.reload",
        "location.href",
        "location.replace",
        "location=",
    ]
    .iter()
    .any(|p| lower.replace(' ', "").contains(p))
        || lower.contains("window.location");
    if !(marker || (sets_cookie && reloads)) {
        return false;
    }
    visible_chars(body) <= rules.challenge_max_text_chars
}

/// Whether more than `limit` characters are outside tags, scripts and
/// styles: [`visible_chars`] on the bytes, stopping as soon as it knows.
pub(super) fn visible_chars_exceed(html: &[u8], limit: usize) -> bool {
    fn starts_ci(hay: &[u8], needle: &[u8]) -> bool {
        hay.len() >= needle.len() && hay[..needle.len()].eq_ignore_ascii_case(needle)
    }
    /// Where `end` (a closing tag, so starting with `<`) next occurs.
    fn find_ci(hay: &[u8], end: &[u8]) -> Option<usize> {
        let mut from = 0;
        while let Some(p) = memchr::memchr(b'<', &hay[from..]) {
            if starts_ci(&hay[from + p..], end) {
                return Some(from + p);
            }
            from += p + 1;
        }
        None
    }
    let mut count = 0usize;
    let mut in_tag = false;
    let mut i = 0usize;
    while i < html.len() {
        if in_tag {
            // Nothing inside a tag counts: on to the next byte that can
            // change that. Every page passes here, and most of a page's
            // bytes are in its tags (0.4% of a scan's instructions when
            // each byte was looked at).
            match memchr::memchr2(b'<', b'>', &html[i..]) {
                Some(p) => i += p,
                None => return false,
            }
        }
        let c = html[i];
        if c == b'<' {
            let end: Option<&[u8]> = if starts_ci(&html[i..], b"<script") {
                Some(b"</script")
            } else if starts_ci(&html[i..], b"<style") {
                Some(b"</style")
            } else {
                None
            };
            if let Some(end) = end {
                match find_ci(&html[i..], end) {
                    Some(p) => {
                        // The closing tag's attributes, up to its `>`, are
                        // in a tag: not visible text.
                        i += p + end.len();
                        in_tag = true;
                        continue;
                    }
                    None => return false,
                }
            }
            in_tag = true;
        } else if c == b'>' {
            in_tag = false;
        } else if !in_tag && !c.is_ascii_whitespace() && !(0x80..0xC0).contains(&c) {
            count += 1;
            if count > limit {
                return true;
            }
        }
        i += 1;
    }
    false
}

/// Characters outside tags, scripts and styles: a rough measure of content.
pub(super) fn visible_chars(html: &str) -> usize {
    let mut count = 0usize;
    let mut in_tag = false;
    let mut skip_until: Option<&str> = None;
    let lower = html.to_ascii_lowercase();
    let mut i = 0usize;
    let bytes = lower.as_bytes();
    while i < bytes.len() {
        if let Some(end) = skip_until {
            match lower[i..].find(end) {
                Some(p) => {
                    i += p + end.len();
                    skip_until = None;
                    continue;
                }
                None => break,
            }
        }
        let c = bytes[i];
        if c == b'<' {
            if lower[i..].starts_with("<script") {
                skip_until = Some("</script");
            } else if lower[i..].starts_with("<style") {
                skip_until = Some("</style");
            }
            in_tag = true;
        } else if c == b'>' {
            in_tag = false;
        } else if !in_tag && !c.is_ascii_whitespace() && !(0x80..0xC0).contains(&c) {
            count += 1; // one per character: continuation bytes are not counted
        }
        i += 1;
    }
    count
}
