//! One pass over a page's text for every word the content readers look
//! for. Most pages carry none of them; scanning the text once with one
//! automaton, instead of once per word, keeps the content rules from
//! costing a noticeable share of the analysis (measured: per-word scans
//! made the whole analysis a third slower on the benchmark portal).

use super::rules::{ConsultationRules, InteractionRules, RequiredColumnRules, WordingRules};
use aho_corasick::AhoCorasick;

/// What a pattern of the text automaton stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    /// The wrong form of wording entry N.
    Wording(usize),
    /// A board's 留言时间-like label.
    Asked,
    /// A consultation's period label.
    Period,
}

/// The automata, built once per profile.
#[derive(Debug, Clone)]
pub struct ContentMatcher {
    text: Option<AhoCorasick>,
    roles: Vec<Role>,
    links: Option<AhoCorasick>,
    columns: Option<AhoCorasick>,
    /// For each column-name pattern, the class labels it belongs to.
    column_classes: Vec<Vec<String>>,
}

/// What one pass over a page's text found.
#[derive(Debug, Default)]
pub(crate) struct TextHits {
    /// (wording entry, byte offset) of every occurrence.
    pub wording: Vec<(usize, usize)>,
    /// A board label is present.
    pub asked: bool,
    /// A consultation period label is present.
    pub period: bool,
}

fn build(patterns: &[&str]) -> Option<AhoCorasick> {
    if patterns.is_empty() {
        return None;
    }
    AhoCorasick::new(patterns).ok()
}

/// An automaton for short texts (a link's text, a column's name), asked a
/// hundred times a page: a DFA without a prefilter. On a dozen bytes the
/// prefilter's set-up was most of each search (callgrind, realistic
/// pages: 680 instructions a link text, 1.9% of a scan).
fn build_for_short_texts(patterns: &[&str]) -> Option<AhoCorasick> {
    if patterns.is_empty() {
        return None;
    }
    AhoCorasick::builder()
        .kind(Some(aho_corasick::AhoCorasickKind::DFA))
        .prefilter(false)
        .build(patterns)
        .ok()
}

impl ContentMatcher {
    /// Builds the automata from the profile's content sections.
    pub fn new(
        wording: &WordingRules,
        interaction: &InteractionRules,
        consultation: &ConsultationRules,
        annual_phrase: &str,
        columns: &RequiredColumnRules,
    ) -> ContentMatcher {
        let mut patterns: Vec<&str> = Vec::new();
        let mut roles = Vec::new();
        for (i, e) in wording.entries.iter().enumerate() {
            if !e.wrong.is_empty() {
                patterns.push(&e.wrong);
                roles.push(Role::Wording(i));
            }
        }
        for l in interaction.asked_labels.iter().filter(|l| !l.is_empty()) {
            patterns.push(l);
            roles.push(Role::Asked);
        }
        for l in consultation.period_labels.iter().filter(|l| !l.is_empty()) {
            patterns.push(l);
            roles.push(Role::Period);
        }
        let mut link_words: Vec<&str> = consultation
            .feedback_words
            .iter()
            .map(String::as_str)
            .collect();
        if !annual_phrase.is_empty() {
            link_words.push(annual_phrase);
        }
        link_words.retain(|w| !w.is_empty());
        let mut names: Vec<&str> = Vec::new();
        let mut column_classes: Vec<Vec<String>> = Vec::new();
        for class in columns.government.iter().chain(&columns.department) {
            for name in class.names.iter().filter(|n| !n.is_empty()) {
                match names.iter().position(|n| n == name) {
                    Some(i) => {
                        if !column_classes[i].contains(&class.label) {
                            column_classes[i].push(class.label.clone());
                        }
                    }
                    None => {
                        names.push(name);
                        column_classes.push(vec![class.label.clone()]);
                    }
                }
            }
        }
        ContentMatcher {
            text: build(&patterns),
            roles,
            links: build_for_short_texts(&link_words),
            columns: build_for_short_texts(&names),
            column_classes,
        }
    }

    /// Scans a page's text once.
    pub(crate) fn scan(&self, text: &str) -> TextHits {
        let mut hits = TextHits::default();
        let Some(ac) = &self.text else {
            return hits;
        };
        for m in ac.find_overlapping_iter(text) {
            match self.roles[m.pattern().as_usize()] {
                Role::Wording(i) => hits.wording.push((i, m.start())),
                Role::Asked => hits.asked = true,
                Role::Period => hits.period = true,
            }
        }
        hits
    }

    /// Whether a link text may be about feedback or a yearly report.
    pub(crate) fn link_of_interest(&self, text: &str) -> bool {
        self.links.as_ref().is_some_and(|ac| ac.is_match(text))
    }

    /// The required-column classes a name belongs to.
    pub(crate) fn column_classes<'a>(&'a self, name: &str) -> Vec<&'a str> {
        let Some(ac) = &self.columns else {
            return Vec::new();
        };
        let mut out: Vec<&str> = Vec::new();
        for m in ac.find_overlapping_iter(name) {
            for label in &self.column_classes[m.pattern().as_usize()] {
                if !out.contains(&label.as_str()) {
                    out.push(label);
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use crate::profile::Profile;

    /// The short-text automata answer as a search for each word does.
    #[test]
    fn short_texts_are_matched_as_word_by_word() {
        let profile = Profile::national();
        let matcher = &profile.content_matcher;
        let mut words: Vec<String> = profile.consultation.feedback_words.clone();
        words.push(profile.annual_report.title_phrase.clone());
        words.retain(|w| !w.is_empty());
        assert!(!words.is_empty());
        let mut texts: Vec<String> = words.iter().map(|w| format!("关于{w}的公告")).collect();
        texts.extend(
            [
                "",
                "首页",
                "政府信息公开",
                "意见",
                "反",
                "联系我们",
                "2025年度报告",
            ]
            .iter()
            .map(|t| t.to_string()),
        );
        for text in &texts {
            let expected = words.iter().any(|w| text.contains(w.as_str()));
            assert_eq!(matcher.link_of_interest(text), expected, "{text}");
        }
    }
}
