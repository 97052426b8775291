//! 暗链: links hidden from readers, the mark of a hacked site. An element is
//! hidden by its inline style (`display:none`, `visibility:hidden`,
//! `font-size:0`, zero size with hidden overflow, far off-screen positions,
//! a huge negative text indent), by a zero-height `<marquee>`, or by a rule
//! of a `<style>` block in the page with a simple selector (tag, `.class`,
//! `#id`; no outside style sheets). Hidden menus and widgets link inside the
//! site or to government hosts and are not reported: only hidden links
//! whose text or host is in the profile's lexicon, or hidden blocks holding
//! several links to outside non-government hosts.

use crate::finding::CheckId;
use crate::profile::Profile;
use crate::sink::FindingSink;
use std::collections::HashSet;
use std::ops::Not;

/// Selectors of the page's own `<style>` rules that hide what they match.
#[derive(Debug, Default)]
pub(crate) struct HidingRules {
    tags: HashSet<String>,
    classes: HashSet<String>,
    ids: HashSet<String>,
}

impl HidingRules {
    /// Reads the rules of one `<style>` block.
    pub(crate) fn add_style_sheet(&mut self, css: &str) {
        for rule in css.split('}') {
            let Some((selectors, body)) = rule.split_once('{') else {
                continue;
            };
            if !declarations_hide(body) {
                continue;
            }
            for selector in selectors.split(',') {
                let s = selector.trim();
                // Simple selectors only: `tag`, `.class`, `#id`.
                if s.is_empty() || s.contains([' ', '>', '+', '~', ':', '[', '*']) {
                    continue;
                }
                if let Some(class) = s.strip_prefix('.') {
                    self.classes.insert(class.to_string());
                } else if let Some(id) = s.strip_prefix('#') {
                    self.ids.insert(id.to_string());
                } else if s.chars().all(|c| c.is_ascii_alphanumeric()) {
                    self.tags.insert(s.to_ascii_lowercase());
                }
            }
        }
    }

    /// Whether an element with this tag, id and class list is hidden by a rule.
    pub(crate) fn hides(&self, tag: &str, id: Option<&str>, class: Option<&str>) -> bool {
        (!self.tags.is_empty() && self.tags.contains(tag))
            || id.is_some_and(|i| self.ids.contains(i))
            || class.is_some_and(|c| c.split_whitespace().any(|c| self.classes.contains(c)))
    }
}

/// Whether CSS declarations hide what they apply to.
pub(crate) fn declarations_hide(decls: &str) -> bool {
    let d: String = decls
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_lowercase();
    let has = |p: &str| d.contains(p);
    let zero = |prop: &str| {
        d.split(';').any(|decl| {
            decl.strip_prefix(prop)
                .and_then(|v| v.strip_prefix(':'))
                .is_some_and(|v| {
                    let v = v.trim_end_matches("!important");
                    v == "0" || v == "0px" || v == "0pt" || v == "0em" || v == "0%"
                })
        })
    };
    let far = |prop: &str| {
        d.split(';').any(|decl| {
            decl.strip_prefix(prop)
                .and_then(|v| v.strip_prefix(":-"))
                .and_then(|v| {
                    v.trim_end_matches("!important")
                        .trim_end_matches("px")
                        .parse::<f64>()
                        .ok()
                })
                .is_some_and(|n| n >= 500.0)
        })
    };
    has("display:none")
        || has("visibility:hidden")
        || zero("font-size")
        || ((zero("height") || zero("width")) && has("overflow:hidden"))
        || far("left")
        || far("top")
        || far("text-indent")
        || far("margin-left")
        || far("margin-top")
}

/// One hidden block: its links (host, text, URL) and the id and classes
/// by which a script could show it.
#[derive(Debug, Default)]
pub(crate) struct HiddenBlock {
    pub(crate) links: Vec<(String, String, String)>,
    pub(crate) id: Option<String>,
    pub(crate) classes: Vec<String>,
}

impl HiddenBlock {
    /// Whether a script of the page names the block (`$("#gw_a").show()`,
    /// `getElementById('menu')`, `.tab-panel`): a tab, menu or carousel that
    /// readers open, not links hidden from them.
    fn shown_by_script(&self, script_text: &str) -> bool {
        let named = |name: &str| {
            name.len() >= 2
                && [
                    format!("#{name}"),
                    format!("'{name}'"),
                    format!("\"{name}\""),
                    format!(".{name}"),
                ]
                .iter()
                .any(|needle| script_text.contains(needle.as_str()))
        };
        self.id.as_deref().is_some_and(named) || self.classes.iter().any(|c| named(c))
    }
}

use crate::security::{government, same_site};

/// The findings of one hidden block of `page`.
pub(crate) fn judge_block(
    block: &HiddenBlock,
    page: &str,
    home: bool,
    script_text: &str,
    sink: &mut FindingSink<'_>,
    profile: &Profile,
) {
    let page_host = url::Url::parse(page)
        .ok()
        .and_then(|u| u.host_str().map(str::to_string))
        .unwrap_or_default();
    let rules = &profile.security;
    let mut lexicon_hit = false;
    for (host, text, url) in &block.links {
        let word = rules
            .hidden_link_lexicon
            .iter()
            .find(|w| text.contains(w.as_str()) || host.contains(w.as_str()));
        if let Some(word) = word.filter(|_| !government(host)) {
            lexicon_hit = true;
            if !sink.has_target(CheckId::SecurityHiddenLink, url) {
                sink.push(
                    CheckId::SecurityHiddenLink,
                    url,
                    "lexicon",
                    format!(
                        "页面中被隐藏的链接（读者看不到）指向“{host}”，含违规词“{word}”：疑似被植入暗链"
                    ),
                    text.clone(),
                );
            }
        }
    }
    if lexicon_hit || block.shown_by_script(script_text) {
        return;
    }
    let outside: Vec<&(String, String, String)> = block
        .links
        .iter()
        .filter(|(host, _, _)| same_site(host, &page_host).not() && !government(host))
        .collect();
    if outside.len() >= rules.hidden_block_outside_links {
        let hosts: Vec<&str> = outside.iter().map(|(h, _, _)| h.as_str()).collect();
        let severity = profile.security.hidden_block_severity;
        sink.push_with(
            page,
            home,
            CheckId::SecurityHiddenLink,
            severity,
            &outside[0].2,
            "hidden_block",
            format!(
                "页面中一处被隐藏的区域含{}个指向站外非政府网站的链接（{}）：疑似被植入暗链，请核查",
                outside.len(),
                hosts.join("、")
            ),
            outside[0].1.clone(),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_hides() {
        for s in [
            "display:none",
            "DISPLAY: none !important",
            "visibility:hidden",
            "font-size:0",
            "font-size:0px;color:red",
            "height:0;overflow:hidden",
            "position:absolute;left:-9999px",
            "position:absolute; top:-2000px",
            "text-indent:-9999px",
        ] {
            assert!(declarations_hide(s), "{s}");
        }
        for s in [
            "display:block",
            "font-size:12px",
            "height:0",
            "left:-10px",
            "margin-left:-20px",
            "",
        ] {
            assert!(!declarations_hide(s), "{s}");
        }
        let mut rules = HidingRules::default();
        rules.add_style_sheet(
            ".dl{display:none} #x , marquee{height:0;overflow:hidden} .nav a{display:none} p{color:red}",
        );
        assert!(rules.hides("div", None, Some("box dl")));
        assert!(rules.hides("div", Some("x"), None));
        assert!(rules.hides("marquee", None, None));
        assert!(
            !rules.hides("a", None, Some("nav")),
            "descendant selectors are not read"
        );
        assert!(!rules.hides("p", None, None));
    }
}
