//! Content rules: what a site publishes rather than how it is built.
//! Serious wording errors (严重表述错误), 互动交流 message boards, 意见征集,
//! the yearly disclosure report (政府信息公开工作年度报告) and the columns a
//! site must carry.
//!
//! Each reader here works on one page during the page analysis and keeps
//! small facts ([`ContentFacts`]); [`site_content_checks`] judges them over
//! the whole site. Word lists, labels and deadlines come from the profile.

mod annual;
mod board;
mod consultation;
mod matcher;
mod required;
pub mod rules;
mod site;
mod tables;
#[cfg(test)]
mod tests;
mod wording;

use crate::columns::RawItem;
use crate::finding::Finding;
use crate::links::{Link, LinkKind};
use crate::page::PageKind;
use crate::profile::Profile;
use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use url::Url;

pub use matcher::ContentMatcher;
pub use rules::SiteLevel;
pub use site::{site_content_checks, InteractionSummary, DELAY_BUCKET_LABELS};

/// Whether a message was answered, as the board shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum MessageState {
    /// An answer date or an answered status (已回复, 已办结 …).
    Answered,
    /// An unanswered status (未回复, 办理中 …) or an empty answer column.
    Unanswered,
    /// Marked 无效, 重复 or 不予受理: does not count.
    Invalid,
    /// The board does not say.
    Unknown,
}

/// One message of a 互动交流 board.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub struct Message {
    /// Its title (or the start of its text).
    pub title: String,
    /// Its detail page, when the board links one.
    #[serde(default)]
    pub url: Option<String>,
    /// When it was left.
    pub asked: Option<NaiveDate>,
    /// When it was answered.
    #[serde(default)]
    pub answered: Option<NaiveDate>,
    /// Its state.
    pub state: MessageState,
}

/// Whether a consultation is shown as open or closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ConsultationStatus {
    /// 进行中, 征集中 …
    Open,
    /// 已结束, 已截止 …
    Closed,
}

/// One public consultation (意见征集), from its notice or a list row.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub struct Consultation {
    /// Its title.
    pub title: String,
    /// Its notice page.
    #[serde(default)]
    pub url: Option<String>,
    /// The start date shown.
    #[serde(default)]
    pub start: Option<NaiveDate>,
    /// The end date shown.
    #[serde(default)]
    pub end: Option<NaiveDate>,
    /// The notice's publication date (stands in for a missing start when
    /// the length is judged).
    #[serde(default)]
    pub published: Option<NaiveDate>,
    /// The status shown.
    #[serde(default)]
    pub status: Option<ConsultationStatus>,
    /// Read from the notice itself (not only a list row): only then is a
    /// missing date or feedback link a finding.
    #[serde(default)]
    pub notice: bool,
    /// The notice states why it is shorter than the minimum.
    #[serde(default)]
    pub short_reason: bool,
    /// The notice links to its feedback (意见采纳情况 …).
    #[serde(default)]
    pub feedback_linked: bool,
}

/// A page or attachment titled as a yearly disclosure report.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub struct AnnualReportRef {
    /// The year the report is for.
    pub year: i32,
    /// The title as linked or shown.
    pub title: String,
    /// Where it is.
    pub url: String,
    /// An attachment (PDF, Word …) rather than a web page.
    pub attachment: bool,
}

/// A web page that is itself a yearly disclosure report.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub struct AnnualReportPage {
    /// The year it is for.
    pub year: i32,
    /// Parts of the 2021 format it lacks.
    pub missing_parts: Vec<String>,
    /// The page only links the report as an attachment (its completeness
    /// is not checked).
    pub attachment_only: bool,
}

/// What the content readers learnt from one page. Kept only when a reader
/// found something, so most pages carry nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub struct ContentFacts {
    /// Messages listed or shown on the page.
    #[serde(default)]
    pub messages: Vec<Message>,
    /// The page lists several messages (a board's list page).
    #[serde(default)]
    pub board_list: bool,
    /// Consultations listed or shown.
    #[serde(default)]
    pub consultations: Vec<Consultation>,
    /// Titles of feedback (意见采纳情况 …) linked or shown.
    #[serde(default)]
    pub feedback_titles: Vec<String>,
    /// Yearly disclosure reports linked or shown.
    #[serde(default)]
    pub annual_reports: Vec<AnnualReportRef>,
    /// The page is a yearly disclosure report.
    #[serde(default)]
    pub annual_report_page: Option<AnnualReportPage>,
    /// Required column classes named by the page (column name, breadcrumb, navigation).
    #[serde(default)]
    pub column_classes: Vec<String>,
    /// 严重 wording errors on the page.
    #[serde(default)]
    pub serious_errors: u32,
    /// 易错 wording errors on the page.
    #[serde(default)]
    pub typo_errors: u32,
}

impl ContentFacts {
    fn is_empty(&self) -> bool {
        *self == ContentFacts::default()
    }
}

/// What the content readers need from the page analysis.
pub(crate) struct ContentInput<'a> {
    pub site: &'a str,
    pub url: &'a Url,
    pub base: &'a Url,
    pub is_home: bool,
    pub kind: PageKind,
    pub title: &'a str,
    pub headline: &'a str,
    pub column: Option<&'a str>,
    /// The page's text before the footer.
    pub main_text: &'a str,
    pub items: &'a [RawItem],
    pub links: &'a [Link],
    pub published: Option<NaiveDate>,
    pub today: NaiveDate,
    pub doc: &'a scraper::Html,
    /// Every column name of a platform's catalogue (gkmlpt's tree).
    pub catalogue: &'a [String],
}

/// Runs every content reader over one page: its facts (None when nothing
/// was found) and its page-level findings (wording errors).
pub(crate) fn read_page(
    input: &ContentInput<'_>,
    profile: &Profile,
) -> (Option<Box<ContentFacts>>, Vec<Finding>) {
    let mut facts = ContentFacts::default();
    let matcher = &profile.content_matcher;
    let hits = [matcher.scan(input.title), matcher.scan(input.main_text)];
    let findings = wording::check(input, profile, &mut facts, &hits);
    let tables = tables::TablesOnce::new(input.doc, input.base);
    // The anchors whose text may name a yearly report or a consultation's
    // feedback, asked once per link for both readers.
    let of_interest: Vec<&Link> = input
        .links
        .iter()
        .filter(|l| l.kind == LinkKind::Anchor && matcher.link_of_interest(&l.text))
        .collect();
    board::read(input, &tables, hits[1].asked, profile, &mut facts);
    consultation::read(
        input,
        &of_interest,
        &tables,
        hits[1].period,
        profile,
        &mut facts,
    );
    annual::read(input, &of_interest, profile, &mut facts);
    required::read(input, profile, &mut facts);
    let facts = (!facts.is_empty()).then(|| Box::new(facts));
    (facts, findings)
}

/// The text right after the first of `labels` in `text` that is followed
/// by a date within a few characters, and that date.
pub(crate) fn labelled_date(text: &str, labels: &[String]) -> Option<NaiveDate> {
    for label in labels {
        for (at, _) in text.match_indices(label.as_str()) {
            let after = &text[at + label.len()..];
            let head: String = after.chars().take(24).collect();
            let head =
                head.trim_start_matches([' ', ':', '：', '为', '\t', '\n', '[', '【', '(', '（']);
            // The date must come first: 回复时间：（未回复）2024-… is not an answer date.
            if head.starts_with(|c: char| c.is_ascii_digit()) {
                if let Some(d) = crate::dates::parse_date(head) {
                    return Some(d);
                }
            }
        }
    }
    None
}

/// Whether `text` has one of `words`.
pub(crate) fn has_word(text: &str, words: &[String]) -> bool {
    words.iter().any(|w| text.contains(w.as_str()))
}

/// At most `max` characters of `s`, trimmed.
pub(crate) fn clip(s: &str, max: usize) -> String {
    crate::page::truncate(s.trim(), max)
}
