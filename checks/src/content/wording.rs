//! 严重表述错误: the profile's lexicon of wrong forms, found in a page's
//! title and text (not its footer, which the footer checks read).

use super::matcher::TextHits;
use super::rules::WordingClass;
use super::{ContentFacts, ContentInput};
use crate::finding::{CheckId, Finding};
use crate::profile::Profile;
use crate::sink::FindingSink;

/// Reports the lexicon's wrong forms that `hits` found in the title and
/// the text: one finding per form per page, with its count and the first
/// occurrence in context.
pub(super) fn check(
    input: &ContentInput<'_>,
    profile: &Profile,
    facts: &mut ContentFacts,
    hits: &[TextHits; 2],
) -> Vec<Finding> {
    let rules = &profile.wording;
    let check = CheckId::ContentSeriousError;
    if !profile.enabled(check) || hits.iter().all(|h| h.wording.is_empty()) {
        return Vec::new();
    }
    // (count, first occurrence in context) per entry, in lexicon order.
    let mut found: Vec<Option<(usize, String)>> = vec![None; rules.entries.len()];
    for (text, hits) in [input.title, input.main_text].into_iter().zip(hits) {
        for &(i, at) in &hits.wording {
            let Some(entry) = rules.entries.get(i) else {
                continue;
            };
            // An abolished body's name is an error only on pages dated
            // after the reform (an undated page is not judged), and not
            // when written as history (原…).
            if let Some(since) = entry.since {
                if input.published.is_none_or(|d| d <= since)
                    || rules
                        .historical_prefixes
                        .iter()
                        .any(|p| text[..at].ends_with(p.as_str()))
                {
                    continue;
                }
            }
            let slot = &mut found[i];
            match slot {
                Some((count, _)) => *count += 1,
                None => {
                    *slot = Some((1, context(text, at, entry.wrong.len(), rules.context_chars)))
                }
            }
        }
    }
    let mut sink = FindingSink::new(input.site, input.url.as_str(), input.is_home, profile);
    for (entry, found) in rules.entries.iter().zip(found) {
        let Some((count, evidence)) = found else {
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
    let end = (at + len).min(text.len());
    let after: String = text[end..].chars().take(chars).collect();
    format!("…{before}{}{after}…", &text[at..end]).replace(['\n', '\t'], " ")
}
