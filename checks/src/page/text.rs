//! Visible text: white space folded as a reader sees it, block breaks, truncation.

use crate::dates::parse_date;
use chrono::NaiveDate;
use regex::Regex;
use std::sync::OnceLock;

pub(crate) const LINK_TEXT_MAX: usize = 80;

pub(crate) fn is_block(name: &str) -> bool {
    matches!(
        name,
        "p" | "div"
            | "li"
            | "ul"
            | "ol"
            | "tr"
            | "table"
            | "br"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "section"
            | "article"
            | "footer"
            | "header"
            | "nav"
            | "dl"
            | "dt"
            | "dd"
            | "form"
            | "hr"
            | "blockquote"
            | "pre"
            | "center"
            | "tbody"
            | "thead"
            | "aside"
            | "main"
    )
}

pub(crate) fn break_line(out: &mut String, sep: char) {
    while out.ends_with(' ') {
        out.pop();
    }
    if !out.is_empty() && !out.ends_with('\n') {
        out.push(sep);
    }
}

pub(crate) fn labelled_date(text: &str) -> Option<NaiveDate> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = crate::built_in_regex(
        &RE,
        r"(?:发布时间|发布日期|发文日期|日期|时间)\s*[:：]\s*((?:19|20)[0-9]{2}\s*[-/.年]\s*[01]?[0-9]\s*[-/.月]\s*[0-3]?[0-9])",
    );
    re.captures(text).and_then(|c| parse_date(&c[1]))
}

/// [`truncate_chars`] of a string the caller owns: kept as it is when it
/// is short enough (a link's text, a hundred times a page), not copied.
pub(crate) fn truncate_owned(mut s: String, max: usize) -> String {
    if let Some((at, _)) = s.char_indices().nth(max) {
        s.truncate(at);
        s.push('…');
    }
    s
}

pub(crate) fn truncate_chars(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max).collect();
        t.push('…');
        t
    }
}

#[cfg(test)]
mod tests {
    use super::{truncate_chars, truncate_owned};

    /// An owned string is cut exactly where a borrowed one is.
    #[test]
    fn owned_and_borrowed_truncation_agree() {
        for s in [
            "",
            "abc",
            "示范县人民政府",
            "示范县人民政府网站首页",
            "a示b范c县d",
        ] {
            for max in 0..12 {
                assert_eq!(
                    truncate_owned(s.to_string(), max),
                    truncate_chars(s, max),
                    "{s} {max}"
                );
            }
        }
        assert_eq!(truncate_owned("示范县人民政府".into(), 3), "示范县…");
    }
}
