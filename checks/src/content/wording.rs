//! 严重表述错误: the profile's lexicon of wrong forms, found in a page's
//! title and text (not its footer, which the footer checks read).

use super::rules::WordingClass;
use super::{ContentFacts, ContentInput};
use crate::finding::{CheckId, Finding};
use crate::profile::Profile;
use crate::sink::FindingSink;

/// Finds the lexicon's wrong forms: one finding per form per page, with
/// its count and the first occurrence in context.
pub(super) fn check(
    input: &ContentInput<'_>,
    profile: &Profile,
    facts: &mut ContentFacts,
) -> Vec<Finding> {
    let rules = &profile.wording;
    let check = CheckId::ContentSeriousError;
    if !profile.enabled(check) {
        return Vec::new();
    }
    let mut sink = FindingSink::new(input.site, input.url.as_str(), input.is_home, profile);
    for entry in &rules.entries {
        if entry.wrong.is_empty() {
            continue;
        }
        // An abolished body's name is an error only on pages dated after
        // the reform; an undated page is not judged.
        if let Some(since) = entry.since {
            if input.published.is_none_or(|d| d <= since) {
                continue;
            }
        }
        let mut count = 0usize;
        let mut first: Option<String> = None;
        for text in [input.title, input.main_text] {
            for (at, _) in text.match_indices(entry.wrong.as_str()) {
                let before = &text[..at];
                if entry.since.is_some()
                    && rules
                        .historical_prefixes
                        .iter()
                        .any(|p| before.ends_with(p.as_str()))
                {
                    continue;
                }
                count += 1;
                if first.is_none() {
                    first = Some(context(text, at, entry.wrong.len(), rules.context_chars));
                }
            }
        }
        let Some(evidence) = first else {
            continue;
        };
        match entry.class {
            WordingClass::Serious => facts.serious_errors += count as u32,
            WordingClass::Typo => facts.typo_errors += count as u32,
        }
        let severity = match entry.class {
            WordingClass::Serious => profile.severity(check),
            WordingClass::Typo => rules.typo_severity,
        };
        let dated = input
            .published
            .map(|d| format!("；页面日期 {d}"))
            .unwrap_or_default();
        let since = entry
            .since
            .map(|d| format!("（{d}后已不再使用）"))
            .unwrap_or_default();
        sink.push_with(
            input.url.as_str(),
            input.is_home,
            check,
            severity,
            &entry.wrong,
            entry.class.as_str(),
            format!(
                "{}：“{}”应为“{}”{since}；本页{count}处{dated}",
                entry.class.zh(),
                entry.wrong,
                entry.right
            ),
            evidence,
        );
    }
    sink.into_vec()
}

/// `chars` characters on each side of the match, on one line.
fn context(text: &str, at: usize, len: usize, chars: usize) -> String {
    let before: String = {
        let mut v: Vec<char> = text[..at].chars().rev().take(chars).collect();
        v.reverse();
        v.into_iter().collect()
    };
    let after: String = text[at + len..].chars().take(chars).collect();
    format!("…{before}{}{after}…", &text[at..at + len]).replace(['\n', '\t'], " ")
}
