//! 政府信息公开工作年度报告: reports linked or shown (by title and year), and
//! a report page's parts against the 2021 format.

use super::{clip, AnnualReportPage, AnnualReportRef, ContentFacts, ContentInput};
use crate::links::{Link, LinkKind, LinkTarget};
use crate::page::PageKind;
use crate::profile::Profile;
use regex::Regex;
use std::sync::OnceLock;

const ATTACHMENT_EXTENSIONS: &[&str] = &[
    ".pdf", ".doc", ".docx", ".wps", ".ofd", ".xls", ".xlsx", ".zip", ".rar",
];

/// `of_interest`: the page's anchors whose text the content matcher flags.
pub(super) fn read(
    input: &ContentInput<'_>,
    of_interest: &[&Link],
    profile: &Profile,
    facts: &mut ContentFacts,
) {
    let r = &profile.annual_report;
    let phrase = r.title_phrase.as_str();
    if phrase.is_empty() {
        return;
    }
    for link in of_interest {
        if !link.text.contains(phrase) {
            continue;
        }
        let (LinkTarget::Web(url), Some(year)) = (&link.target, report_year(&link.text, phrase))
        else {
            continue;
        };
        if facts.annual_reports.len() < 50 {
            facts.annual_reports.push(AnnualReportRef {
                year,
                title: clip(&link.text, 80),
                url: url.to_string(),
                attachment: is_attachment(url.path()),
            });
        }
    }
    if matches!(
        input.kind,
        PageKind::Home | PageKind::List | PageKind::Section
    ) {
        return;
    }
    let Some(year) = report_year(input.headline, phrase) else {
        return;
    };
    facts.annual_reports.push(AnnualReportRef {
        year,
        title: clip(input.headline, 80),
        url: input.url.to_string(),
        attachment: false,
    });
    let text = squeeze(input.main_text);
    let missing: Vec<String> = r
        .parts
        .iter()
        .filter(|p| !text.contains(&squeeze(p)))
        .cloned()
        .collect();
    // A page that only carries the report as an attachment: most parts
    // absent from its text, and an attachment linked.
    let attachment_only = missing.len() * 2 > r.parts.len()
        && input.links.iter().any(|l| {
            matches!(l.kind, LinkKind::Anchor)
                && matches!(&l.target, LinkTarget::Web(u) if is_attachment(u.path()))
        });
    facts.annual_report_page = Some(AnnualReportPage {
        year,
        missing_parts: if attachment_only { Vec::new() } else { missing },
        attachment_only,
    });
}

fn is_attachment(path: &str) -> bool {
    let path = path.to_ascii_lowercase();
    ATTACHMENT_EXTENSIONS.iter().any(|e| path.ends_with(e))
}

/// The year written before the phrase (2024年度…年度报告, 2024年…).
fn report_year(title: &str, phrase: &str) -> Option<i32> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = crate::built_in_regex(&RE, r"((?:19|20)[0-9]{2})\s*年");
    let at = title.find(phrase)?;
    re.captures_iter(&title[..at])
        .last()
        .and_then(|c| c[1].parse().ok())
}

/// Text without spaces and the punctuation that reports write variously,
/// so that 四、政府信息公开行政复议、行政诉讼情况 matches however it is spaced.
fn squeeze(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '、' | '，' | ',' | '\u{3000}'))
        .collect()
}
