//! A profile's lists of regular expressions, matched as one.

use regex::Regex;
use std::sync::OnceLock;

/// A profile's list of regular expressions (`note_patterns`,
/// `contact_patterns`, the soft-404 title patterns, a firewall's
/// signatures…), asked "does any of them match" or "which matches first".
///
/// On a short text (a title, a header line) what a search costs is mostly
/// setting it up, so "any" is one search with an expression that joins the
/// patterns; "which first" (the soft-404 test, over titles and short pages)
/// asks the joined expression before trying them in order, since nothing
/// matching is the common answer. On a page's whole text each pattern's own
/// literal search (memchr over 说明, 不涉及…) skips faster than the joined
/// automaton, so "any" tries them one by one there. Measured with callgrind
/// on the realistic county's pages: joined over whole pages, the list facts
/// that ask `note_patterns` cost 4% more; the soft-404 test costs a third
/// of what it did pattern by pattern.
#[derive(Debug, Clone, Default)]
pub struct PatternList {
    patterns: Vec<Regex>,
    /// `(?:p1)|(?:p2)|…`, built when first asked for (a profile is loaded
    /// a few times a run, and most lists are asked only on some pages);
    /// `None` for a list of fewer than two patterns, or if the joined
    /// expression outgrows the regex crate's size limit.
    joined: OnceLock<Option<Regex>>,
}

/// Texts up to this many bytes are asked "any" with the joined expression.
const SHORT_TEXT: usize = 1024;

impl PatternList {
    /// Compiles `patterns`; the error names the pattern that does not compile.
    pub fn new(patterns: &[String]) -> Result<Self, String> {
        let compiled = patterns
            .iter()
            .map(|p| Regex::new(p).map_err(|e| format!("bad regex `{p}`: {e}")))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self {
            patterns: compiled,
            joined: OnceLock::new(),
        })
    }

    fn joined(&self) -> Option<&Regex> {
        self.joined
            .get_or_init(|| {
                if self.patterns.len() < 2 {
                    return None;
                }
                let parts: Vec<String> = self
                    .patterns
                    .iter()
                    .map(|re| format!("(?:{})", re.as_str()))
                    .collect();
                Regex::new(&parts.join("|")).ok()
            })
            .as_ref()
    }

    /// Whether any pattern matches `text`.
    pub fn is_match(&self, text: &str) -> bool {
        match (text.len() <= SHORT_TEXT).then(|| self.joined()).flatten() {
            Some(joined) => joined.is_match(text),
            None => self.patterns.iter().any(|re| re.is_match(text)),
        }
    }

    /// The first match of the first pattern, in the list's order, that
    /// matches `text` (what a finding quotes as its evidence).
    pub fn find_first<'t>(&self, text: &'t str) -> Option<regex::Match<'t>> {
        // Used on titles and short pages, where nothing matching is the
        // common answer: one joined pass says so.
        if self.joined().is_some_and(|joined| !joined.is_match(text)) {
            return None;
        }
        self.patterns.iter().find_map(|re| re.find(text))
    }
}

impl std::ops::Deref for PatternList {
    type Target = [Regex];
    fn deref(&self) -> &[Regex] {
        &self.patterns
    }
}

/// A profile's list of literal texts (`sitemap_texts`…), asked "is any of
/// them in this text" of every anchor of a page. Each text's searcher is
/// built once, with the profile: `str::contains` sets one up on every call,
/// which on a link text of a few characters is most of what the call costs
/// (callgrind, realistic pages: the sitemap link's search was 0.8% of a
/// scan).
#[derive(Debug, Clone, Default)]
pub struct LiteralList {
    texts: Vec<String>,
    finders: Vec<memchr::memmem::Finder<'static>>,
}

impl LiteralList {
    /// The list; empty texts are kept in `texts` but never match (an empty
    /// text would be in every text).
    pub fn new(texts: Vec<String>) -> Self {
        let finders = texts
            .iter()
            .filter(|t| !t.is_empty())
            .map(|t| memchr::memmem::Finder::new(t.as_bytes()).into_owned())
            .collect();
        Self { texts, finders }
    }

    /// Whether any of the texts is in `text`.
    pub fn any_in(&self, text: &str) -> bool {
        self.finders
            .iter()
            .any(|f| f.find(text.as_bytes()).is_some())
    }
}

impl std::ops::Deref for LiteralList {
    type Target = [String];
    fn deref(&self) -> &[String] {
        &self.texts
    }
}

#[cfg(test)]
mod tests {
    use super::{LiteralList, PatternList};

    fn list(patterns: &[&str]) -> PatternList {
        let owned: Vec<String> = patterns.iter().map(|p| p.to_string()).collect();
        PatternList::new(&owned).unwrap()
    }

    /// The joined expression answers as the patterns one by one do, with
    /// each pattern's own flags kept to itself.
    #[test]
    fn one_pass_answers_as_each_pattern_does() {
        let patterns = list(&[
            "说明[:：]",
            "(?i)e-?mail",
            "^总数",
            "0[0-9]{2,3}-?[0-9]{7,8}",
        ]);
        for (text, expected) in [
            ("备注说明：本栏目无信息", true),
            ("EMAIL: a@b.cn", true),
            ("联系 E-Mail", true),
            ("共有总数 3", false),
            ("总数 3", true),
            ("电话 0571-87654321", true),
            ("说明 无冒号", false),
            ("MAIL", false),
            ("", false),
        ] {
            let one_by_one = patterns.iter().any(|re| re.is_match(text));
            assert_eq!(one_by_one, expected, "{text}");
            assert_eq!(patterns.is_match(text), expected, "{text}");
            // The same text at the end of a page's worth of other text.
            let long = format!("{}{text}", "正文。".repeat(200));
            let at_end = expected && !text.starts_with("总数");
            assert_eq!(patterns.is_match(&long), at_end, "long …{text}");
        }
        // `(?i)` of one pattern does not reach the others.
        assert!(!list(&["(?i)x", "说明ab"]).is_match("说明AB"));
    }

    /// The evidence quoted is the first pattern's match in the list's
    /// order, not the leftmost match in the text.
    #[test]
    fn the_first_pattern_in_order_gives_the_match() {
        let patterns = list(&["页面不存在", "404"]);
        let m = patterns.find_first("错误 404：页面不存在").unwrap();
        assert_eq!(m.as_str(), "页面不存在");
        assert_eq!(patterns.find_first("404").unwrap().as_str(), "404");
        let long = format!("{}错误 404：页面不存在", "正文。".repeat(200));
        assert_eq!(patterns.find_first(&long).unwrap().as_str(), "页面不存在");
        assert!(patterns.find_first(&"正文。".repeat(200)).is_none());
        assert!(patterns.find_first("正常页面").is_none());
        assert!(PatternList::default().find_first("x").is_none());
        assert!(!PatternList::default().is_match("x"));
    }

    #[test]
    fn a_bad_pattern_is_named() {
        let err = PatternList::new(&["ok".to_string(), "(".to_string()]).unwrap_err();
        assert!(err.contains("`(`"), "{err}");
    }

    /// A literal list answers as `str::contains` does, on link texts and
    /// on a page's worth of text, and an empty text in the list matches
    /// nothing.
    #[test]
    fn literals_answer_as_contains_does() {
        let texts: Vec<String> = ["网站地图", "站点地图", ""]
            .iter()
            .map(|t| t.to_string())
            .collect();
        let list = LiteralList::new(texts.clone());
        assert_eq!(list.len(), 3);
        for text in [
            "网站地图",
            "【站点地图】",
            "网站 地图",
            "地图",
            "",
            "SiteMap",
            "网站导航 | 网站地图 | 联系我们",
        ] {
            let expected = texts
                .iter()
                .filter(|t| !t.is_empty())
                .any(|t| text.contains(t.as_str()));
            assert_eq!(list.any_in(text), expected, "{text}");
            let long = format!("{}{text}", "正文。".repeat(200));
            assert_eq!(list.any_in(&long), expected, "long …{text}");
        }
        assert!(!LiteralList::new(vec![String::new()]).any_in("任何文字"));
    }
}
