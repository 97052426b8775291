//! Where a page's footer is in its visible text, and the text of footers
//! that inline scripts write (`document.write`, JavaScript strings).

use std::sync::OnceLock;

/// Prepares inline script text for matching: undoes `unescape("%3C…")`,
/// JavaScript string escapes and `'…'+'…'` concatenation.
pub fn unscript(raw: &str) -> String {
    let decoded = percent_encoding::percent_decode_str(raw).decode_utf8_lossy();
    let mut s = decoded
        .replace("\\'", "'")
        .replace("\\\"", "\"")
        .replace("\\/", "/");
    for pat in ["'+'", "\"+\"", "' +'", "'+ '", "' + '", "\" + \""] {
        s = s.replace(pat, "");
    }
    // Concatenations across lines: '...'+\n'...'
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if (c == '\'' || c == '"') && chars.peek() == Some(&'+') {
            let mut look = chars.clone();
            look.next();
            while look.peek().is_some_and(|c| c.is_whitespace()) {
                look.next();
            }
            if look.peek() == Some(&c) {
                look.next();
                chars = look;
                continue;
            }
        }
        out.push(c);
    }
    out
}

/// Text of script-held HTML: tags removed (without a separator, so split
/// `京<span>ICP</span>备` stays whole) and common entities decoded.
pub fn script_visible_text(unscripted: &str) -> String {
    let mut out = String::with_capacity(unscripted.len() / 2);
    let mut in_tag = false;
    for c in unscripted.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    let decoded = out
        .replace("&nbsp;", " ")
        .replace("&amp;", "&")
        .replace("&#39;", "'")
        .replace("&quot;", "\"");
    let mut collapsed = String::with_capacity(decoded.len());
    crate::text::push_collapsed(&mut collapsed, &decoded);
    collapsed
}

pub(super) const FOOTER_MARKERS: [&str; 8] = [
    "ICP",
    "公网安备",
    "标识码",
    "识别码",
    "版权所有",
    "主办",
    "承办",
    "技术支持",
];

/// Where the footer's own lines start: the earliest of the last footer
/// markers (the page's length when there is none). Text before it is the
/// page's content.
pub fn footer_start(text: &str) -> usize {
    // Finders built once. A marker's first occurrence is found with the
    // forward finder (SIMD: most pages lack some of the markers, and each
    // missing one is a scan of the whole text), its last with the reverse
    // one from the end down to that first occurrence (scalar, but the last
    // occurrence is usually near the end).
    type Finders = Vec<(
        memchr::memmem::Finder<'static>,
        memchr::memmem::FinderRev<'static>,
    )>;
    static FINDERS: OnceLock<Finders> = OnceLock::new();
    let bytes = text.as_bytes();
    FINDERS
        .get_or_init(|| {
            FOOTER_MARKERS
                .iter()
                .map(|m| {
                    (
                        memchr::memmem::Finder::new(m.as_bytes()),
                        memchr::memmem::FinderRev::new(m.as_bytes()),
                    )
                })
                .collect()
        })
        .iter()
        .filter_map(|(forward, reverse)| {
            let first = forward.find(bytes)?;
            Some(first + reverse.rfind(&bytes[first..]).unwrap_or(0))
        })
        .min()
        .unwrap_or(text.len())
}

/// The part of the visible text that is the footer: from a little before
/// the earliest of the last footer markers (`footer_start`, from
/// [`footer_start`]; to take in the 网站地图 and 联系我们 lines above it)
/// to the end.
pub fn footer_region(text: &str, footer_start: usize) -> &str {
    let start = match footer_start {
        pos if pos < text.len() => pos.saturating_sub(150),
        _ => text.len().saturating_sub(1200),
    };
    let mut s = start.min(text.len());
    while !text.is_char_boundary(s) {
        s -= 1;
    }
    &text[s..]
}
