//! 挂马 and search-engine hijacking in a page's own scripts and frames.

use super::{government, host_in, same_site, snippet};
use crate::finding::CheckId;
use crate::profile::Profile;
use crate::sink::FindingSink;
use percent_encoding::percent_decode_str;
use regex::Regex;
use std::sync::OnceLock;
use url::Url;

/// How far after `document.referrer` (or `navigator.userAgent`) the engine's
/// name and the jump must come, in bytes.
const PROXIMITY: usize = 400;

/// A frame of zero size (or hidden) and where it loads from.
#[derive(Debug, Clone)]
pub(crate) struct HiddenFrame {
    pub src: Url,
}

/// Judges the page's inline scripts (one string per `<script>` block) and
/// hidden frames.
pub(crate) fn judge_scripts(
    blocks: &[&str],
    frames: &[HiddenFrame],
    page: &Url,
    is_home: bool,
    sink: &mut FindingSink<'_>,
    profile: &Profile,
) {
    let r = &profile.security;
    let page_host = page.host_str().unwrap_or_default();
    let outside = |host: &str| {
        !same_site(host, page_host) && !government(host) && !host_in(host, &r.trusted_outside_hosts)
    };
    let lower_any = |hay: &str, words: &[String]| {
        words
            .iter()
            .any(|w| hay.contains(w.to_ascii_lowercase().as_str()))
    };
    for block in blocks {
        // JavaScript is case-sensitive: the identifiers are searched as
        // written, and only the few hundred bytes after one are lowered
        // (no copy of a whole script per page).
        let near = |needle: &str, words: &[String]| {
            block.match_indices(needle).find_map(|(at, _)| {
                let end = (at + PROXIMITY).min(block.len());
                let end = (end..=block.len())
                    .find(|i| block.is_char_boundary(*i))
                    .unwrap_or(block.len());
                let window = block[at..end].to_ascii_lowercase();
                (lower_any(&window, words) && lower_any(&window, &r.redirect_markers)).then_some(at)
            })
        };
        if let Some(at) = near("document.referrer", &r.referrer_engines) {
            sink.push(
                CheckId::SecurityMaliciousScript,
                page.as_str(),
                "referrer_hijack",
                "页面脚本判断访客是否来自搜索引擎（document.referrer）并跳转到其他地址：搜索引擎劫持，网站可能已被入侵".into(),
                snippet(block, at, 80),
            );
            continue;
        }
        if let Some(at) = near("navigator.userAgent", &r.spider_words) {
            sink.push(
                CheckId::SecurityMaliciousScript,
                page.as_str(),
                "ua_cloaking",
                "页面脚本按访问者身份（User-Agent 中的搜索引擎蜘蛛）跳转或改写页面：搜索引擎劫持，网站可能已被入侵".into(),
                snippet(block, at, 80),
            );
            continue;
        }
        if r.obfuscation_markers
            .iter()
            .any(|m| block.contains(m.as_str()))
        {
            let decoded = decode_hidden(block);
            if let Some(host) = loaded_hosts(&decoded).into_iter().find(|h| outside(h)) {
                sink.push(
                    CheckId::SecurityMaliciousScript,
                    &host,
                    "obfuscated_loader",
                    format!("页面中经过编码隐藏的脚本会载入外部网站 {host} 的脚本或框架：挂马，网站可能已被入侵"),
                    decoded.chars().take(160).collect(),
                );
            }
        }
    }
    for frame in frames {
        let Some(host) = frame.src.host_str() else {
            continue;
        };
        if outside(host) {
            sink.push_with(
                page.as_str(),
                is_home,
                CheckId::SecurityMaliciousScript,
                r.hidden_frame_severity,
                frame.src.as_str(),
                "hidden_frame",
                format!("页面嵌入了一个不可见（零尺寸或隐藏）的框架，载入外部网站 {host}：常见的挂马手法，请核查"),
                frame.src.to_string(),
            );
        }
    }
}

/// The text hidden by `unescape(…)`, `decodeURIComponent(…)` and
/// `String.fromCharCode(…)` in a script, decoded (what else is left as is).
fn decode_hidden(block: &str) -> String {
    static QUOTED: OnceLock<Regex> = OnceLock::new();
    static CODES: OnceLock<Regex> = OnceLock::new();
    let quoted = crate::built_in_regex(
        &QUOTED,
        r#"(?:unescape|decodeURIComponent)\s*\(\s*["']([^"']+)["']"#,
    );
    let codes = crate::built_in_regex(&CODES, r"fromCharCode\s*\(\s*([0-9,\s]+)\)");
    let mut out = String::new();
    for c in quoted.captures_iter(block).take(16) {
        let arg = c[1].replace("%u00", "%");
        out.push_str(&percent_decode_str(&arg).decode_utf8_lossy());
        out.push('\n');
    }
    for c in codes.captures_iter(block).take(16) {
        out.extend(
            c[1].split(',')
                .filter_map(|n| n.trim().parse::<u32>().ok())
                .filter_map(char::from_u32),
        );
        out.push('\n');
    }
    out
}

/// Hosts of the scripts and frames that decoded markup loads.
fn loaded_hosts(decoded: &str) -> Vec<String> {
    static SRC: OnceLock<Regex> = OnceLock::new();
    let src = crate::built_in_regex(
        &SRC,
        r#"(?i)<\s*(?:script|iframe|frame)[^>]*\bsrc\s*=\s*["']?\s*(?:https?:)?//([a-z0-9.-]+)"#,
    );
    src.captures_iter(decoded)
        .map(|c| c[1].to_ascii_lowercase())
        .collect()
}
