//! 意见征集: consultations read from their notices (the period, the status
//! shown, a stated reason for a short one, a link to the feedback) and from
//! list rows; feedback titles seen anywhere, for the site-wide pairing.

use super::tables::TablesOnce;
use super::{
    clip, has_word, labelled_date, Consultation, ConsultationStatus, ContentFacts, ContentInput,
};
use crate::links::{Link, LinkKind};
use crate::page::PageKind;
use crate::profile::Profile;
use chrono::{Datelike, NaiveDate};
use regex::Regex;
use std::sync::OnceLock;

const TITLE_CHARS: usize = 80;
const MAX_PER_PAGE: usize = 200;

/// `of_interest`: the page's anchors whose text the content matcher flags.
pub(super) fn read(
    input: &ContentInput<'_>,
    of_interest: &[&Link],
    tables: &TablesOnce<'_>,
    period_labelled: bool,
    profile: &Profile,
    facts: &mut ContentFacts,
) {
    let r = &profile.consultation;
    let feedback_title = |t: &str| {
        has_word(t, &r.feedback_words) && (has_word(t, &r.title_words) || t.contains('《'))
    };
    for link in of_interest {
        if feedback_title(&link.text)
            && facts.feedback_titles.len() < 50
            && !facts.feedback_titles.contains(&link.text)
        {
            facts.feedback_titles.push(link.text.clone());
        }
    }
    if feedback_title(input.headline) {
        facts
            .feedback_titles
            .push(clip(input.headline, TITLE_CHARS));
    }

    let notice = !matches!(
        input.kind,
        PageKind::Home | PageKind::List | PageKind::Section
    ) && has_word(input.headline, &r.title_words)
        && !has_word(input.headline, &r.feedback_words);
    if notice {
        let text = input.main_text;
        let (start, end) = period(text, profile);
        let status = status_after_label(text, &r.status_labels, profile)
            .or_else(|| status_in(input.headline, profile));
        facts.consultations.push(Consultation {
            title: clip(input.headline, TITLE_CHARS),
            url: Some(input.url.to_string()),
            start,
            end,
            published: input.published,
            status,
            notice: true,
            short_reason: has_word(text, &r.short_reason_words),
            feedback_linked: input
                .links
                .iter()
                .any(|l| l.kind == LinkKind::Anchor && feedback_title(&l.text)),
        });
        return;
    }

    // A list of consultations: a table with a period or status header, or
    // items on a consultation column's page.
    let column_page = [input.headline, input.title, input.column.unwrap_or("")]
        .iter()
        .any(|t| has_word(t, &r.title_words));
    let mut found = Vec::new();
    if column_page || period_labelled {
        let none: Vec<String> = Vec::new();
        for table in tables.get() {
            let wanted: [&[String]; 4] = [&r.period_labels, &r.start_labels, &r.end_labels, &none];
            let Some((header, cols)) = table.header(&wanted) else {
                continue;
            };
            let status_col = table.rows[header].cells.iter().position(|c| {
                c.chars().count() <= 8 && r.status_labels.iter().any(|l| c.contains(l.as_str()))
            });
            for row in &table.rows[header + 1..] {
                let cell = |i: Option<usize>| i.and_then(|i| row.cells.get(i)).map(String::as_str);
                let Some((url, title)) = row.link.clone() else {
                    continue;
                };
                if !column_page && !has_word(&title, &r.title_words) {
                    continue;
                }
                let (mut start, mut end) = cell(cols[0]).map(range_in).unwrap_or_default();
                start = start.or_else(|| cell(cols[1]).and_then(crate::dates::parse_date));
                end = end.or_else(|| cell(cols[2]).and_then(crate::dates::parse_date));
                found.push(Consultation {
                    title: clip(&title, TITLE_CHARS),
                    url: Some(url),
                    start,
                    end,
                    published: None,
                    status: cell(status_col).and_then(|c| status_in(c, profile)),
                    notice: false,
                    short_reason: false,
                    feedback_linked: false,
                });
            }
        }
    }
    if found.is_empty() && column_page {
        for item in input.items {
            if has_word(&item.text, &r.feedback_words) {
                continue;
            }
            let (start, end) = range_in(&item.text);
            let status = status_in(&item.text, profile);
            if start.is_none() && end.is_none() && status.is_none() {
                continue;
            }
            found.push(Consultation {
                title: clip(&item.text, TITLE_CHARS),
                url: item.link.clone(),
                start,
                end,
                published: None,
                status,
                notice: false,
                short_reason: false,
                feedback_linked: false,
            });
        }
    }
    found.truncate(MAX_PER_PAGE);
    facts.consultations.extend(found);
}

const FULL: &str = r"(?:19|20)\d{2}\s*[年./-]\s*\d{1,2}\s*[月./-]\s*\d{1,2}\s*日?";

fn range_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    crate::built_in_regex(
        &RE,
        &format!(
            r"({FULL})(?:\s*(?:\d{{1,2}}[:：]\d{{2}}(?:[:：]\d{{2}})?|[上下]午\s*\d{{1,2}}\s*[时点]))?\s*(?:至|到|—|－|–|~|～|-)\s*({FULL}|\d{{1,2}}\s*月\s*\d{{1,2}}\s*日)"
        ),
    )
}

fn before_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    crate::built_in_regex(
        &RE,
        &format!(r"于\s*({FULL})(?:\s*\d{{1,2}}[:：]\d{{2}})?\s*(?:前|之前|以前)"),
    )
}

/// The first date range in `s` (start, end); an end written without its
/// year takes the start's.
fn range_in(s: &str) -> (Option<NaiveDate>, Option<NaiveDate>) {
    range_re()
        .captures(s)
        .map(|c| range_of(&c[1], &c[2]))
        .unwrap_or_default()
}

fn range_of(a: &str, b: &str) -> (Option<NaiveDate>, Option<NaiveDate>) {
    let start = crate::dates::parse_date(a);
    let end = crate::dates::parse_date(b).or_else(|| {
        let start = start?;
        let digits: Vec<u32> = b
            .split(|c: char| !c.is_ascii_digit())
            .filter_map(|p| p.parse().ok())
            .collect();
        let (m, d) = (*digits.first()?, *digits.get(1)?);
        let same = NaiveDate::from_ymd_opt(start.year(), m, d)?;
        if same < start {
            NaiveDate::from_ymd_opt(start.year() + 1, m, d)
        } else {
            Some(same)
        }
    });
    (start, end)
}

/// The consultation period a notice states: a range introduced by words
/// of the consultation (not a draft's own validity period), else labelled
/// start and end dates, else a deadline (请于…前反馈意见).
fn period(text: &str, profile: &Profile) -> (Option<NaiveDate>, Option<NaiveDate>) {
    let r = &profile.consultation;
    let context = ["意见", "征集", "征求", "起止", "期限"];
    for c in range_re().captures_iter(text) {
        let Some(m) = c.get(0) else { continue };
        let before: String = {
            let mut v: Vec<char> = text[..m.start()].chars().rev().take(60).collect();
            v.reverse();
            v.into_iter().collect()
        };
        if context.iter().any(|w| before.contains(w))
            || has_word(&before, &r.period_labels)
            || has_word(&before, &r.start_labels)
        {
            return range_of(&c[1], &c[2]);
        }
    }
    let start = labelled_date(text, &r.start_labels);
    let end = labelled_date(text, &r.end_labels).or_else(|| {
        before_re().captures_iter(text).find_map(|c| {
            let m = c.get(0)?;
            let around: String = text[m.end()..].chars().take(40).collect::<String>()
                + &text[..m.start()].chars().rev().take(40).collect::<String>();
            (around.contains("意见") || around.contains("反馈"))
                .then(|| crate::dates::parse_date(&c[1]))
                .flatten()
        })
    });
    (start, end)
}

/// The status a few characters after a status label.
fn status_after_label(
    text: &str,
    labels: &[String],
    profile: &Profile,
) -> Option<ConsultationStatus> {
    labels.iter().find_map(|label| {
        let at = text.find(label.as_str())?;
        let after: String = text[at + label.len()..]
            .trim_start_matches([' ', ':', '：', '\t'])
            .chars()
            .take(8)
            .collect();
        status_in(&after, profile)
    })
}

fn status_in(s: &str, profile: &Profile) -> Option<ConsultationStatus> {
    let r = &profile.consultation;
    if has_word(s, &r.closed_words) {
        Some(ConsultationStatus::Closed)
    } else if has_word(s, &r.open_words) {
        Some(ConsultationStatus::Open)
    } else {
        None
    }
}
