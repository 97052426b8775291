//! The profile sections of the content checks (`[wording]`, `[interaction]`,
//! `[consultation]`, `[annual_report]`, `[required_columns]`). Every key is
//! optional: a key a province leaves out takes the national value, so
//! profiles saved before a key existed keep loading.

use crate::finding::Severity;
use chrono::NaiveDate;
use serde::Deserialize;

/// One entry of the wording lexicon: a wrong form and what it should be.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WordingEntry {
    /// The form that must not appear (matched literally).
    pub wrong: String,
    /// What it should be, for the fix text.
    pub right: String,
    /// `serious` (严重) or `typo` (易错).
    pub class: WordingClass,
    /// For the names of bodies abolished by a reform: the date after which
    /// the old name used as current is an error. Pages not dated after it
    /// (and undated pages) are not judged, so archives stay clean.
    #[serde(default)]
    pub since: Option<NaiveDate>,
}

/// The two classes vendors keep, each with its own count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum WordingClass {
    /// 严重表述错误: a veto under 19号 1.1.
    Serious,
    /// 易错词: should be corrected.
    Typo,
}

impl WordingClass {
    /// The stable status string in findings.csv.
    pub fn as_str(self) -> &'static str {
        match self {
            WordingClass::Serious => "serious",
            WordingClass::Typo => "typo",
        }
    }

    /// The Chinese name of the class.
    pub fn zh(self) -> &'static str {
        match self {
            WordingClass::Serious => "严重表述错误",
            WordingClass::Typo => "易错词",
        }
    }
}

/// `[wording]`: serious wording errors (严重表述错误).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WordingRules {
    /// The lexicon. A profile that sets `entries` replaces the national list.
    pub entries: Vec<WordingEntry>,
    /// A province's own entries, added to `entries` (so the national list
    /// need not be copied to extend it).
    #[serde(default)]
    pub extra_entries: Vec<WordingEntry>,
    /// Severity of a 易错 hit (a 严重 hit takes the check's severity).
    pub typo_severity: Severity,
    /// Characters of context on each side of a hit in the evidence.
    pub context_chars: usize,
    /// Words right before an old name that mark it as historical (原, 前).
    pub historical_prefixes: Vec<String>,
    /// The 普查 rule: more than this many 严重 hits on one site is a site
    /// veto (`site.veto`); 0 turns the site rule off.
    pub site_veto_over: usize,
}

/// `[interaction]`: 互动交流 message boards.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InteractionRules {
    /// Words of a board's name or page title (留言, 信箱 …): a list of
    /// items with a status word on such a page is a list of messages.
    pub board_words: Vec<String>,
    /// Labels and table headers of the time a message was left.
    pub asked_labels: Vec<String>,
    /// Labels and table headers of the time it was answered.
    pub answered_labels: Vec<String>,
    /// Table headers of the message's status.
    pub status_labels: Vec<String>,
    /// Table headers of the message's title.
    pub title_labels: Vec<String>,
    /// Labels of a reply's text on a message's page (回复内容 …): text after
    /// one means the message was answered even without a date.
    pub reply_labels: Vec<String>,
    /// Status words of an answered message.
    pub answered_words: Vec<String>,
    /// Status words of a message not answered yet.
    pub unanswered_words: Vec<String>,
    /// Status words of a message that does not count (无效, 重复, 不予受理).
    pub invalid_words: Vec<String>,
    /// Months after which an unanswered message is a veto (19号: 3).
    pub unanswered_months: u32,
    /// Only messages left within this many months are judged (19号: a year).
    pub window_months: u32,
    /// Working days after which an answer is slow (local rules: 5).
    pub slow_workdays: i64,
    /// Days without a new message after which a board is stale (毕节: 2 months).
    pub stale_days: i64,
    /// Messages kept per page at most.
    pub max_messages_per_page: usize,
}

/// `[consultation]`: 意见征集 (公开征求意见).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConsultationRules {
    /// Words of a consultation's title (征求意见 …).
    pub title_words: Vec<String>,
    /// Words of a title about the comments received and their use (采纳 …);
    /// such a page is feedback, not a consultation.
    pub feedback_words: Vec<String>,
    /// Labels and table headers of the period (起止时间 …).
    pub period_labels: Vec<String>,
    /// Labels of the start date.
    pub start_labels: Vec<String>,
    /// Labels of the end date (截止 …).
    pub end_labels: Vec<String>,
    /// Labels and table headers of the status (征集状态 …).
    pub status_labels: Vec<String>,
    /// Status words of a consultation still open.
    pub open_words: Vec<String>,
    /// Status words of a closed one.
    pub closed_words: Vec<String>,
    /// Minimum length in days, both ends counted (国务院令第713号: 30).
    pub min_days: i64,
    /// Words that state why a consultation is shorter.
    pub short_reason_words: Vec<String>,
    /// Days after the end by which feedback must be published (a setting).
    pub feedback_days: i64,
    /// Only consultations that ended within this many days are checked for feedback.
    pub feedback_window_days: i64,
}

/// `[annual_report]`: 政府信息公开工作年度报告.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnnualReportRules {
    /// The phrase of a report's title, after its year.
    pub title_phrase: String,
    /// Deadline (`MM-DD` of the following year) for 县级以上人民政府.
    pub deadline_government: String,
    /// Deadline for departments.
    pub deadline_department: String,
    /// The level of a site whose list gives none (`government` or `department`).
    pub default_level: SiteLevel,
    /// The six parts of the 2021 format (国办公开办函〔2021〕30号).
    pub parts: Vec<String>,
    /// Reports of this year and later must have the six parts.
    pub format_since_year: i32,
}

/// Whether a site is a 人民政府 portal or a department's site: which
/// deadlines and required columns apply (the site list's `level` column).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum SiteLevel {
    /// 县级以上人民政府门户网站.
    Government,
    /// A department's (部门) site.
    Department,
}

impl SiteLevel {
    /// Parses a site list's `level` cell (English or Chinese).
    pub fn parse(s: &str) -> Option<SiteLevel> {
        match s.trim().to_ascii_lowercase().as_str() {
            "government" | "gov" | "政府" | "人民政府" | "政府门户" => {
                Some(SiteLevel::Government)
            }
            "department" | "dept" | "部门" => Some(SiteLevel::Department),
            _ => None,
        }
    }

    /// The stable lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            SiteLevel::Government => "government",
            SiteLevel::Department => "department",
        }
    }

    /// The Chinese name.
    pub fn zh(self) -> &'static str {
        match self {
            SiteLevel::Government => "人民政府门户网站",
            SiteLevel::Department => "部门网站",
        }
    }
}

/// One class of columns a site must carry, with the names it goes by.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequiredColumn {
    /// The class's name in findings.
    pub label: String,
    /// Column names and their common variants; one in a column name,
    /// breadcrumb or navigation link is enough.
    pub names: Vec<String>,
}

/// `[required_columns]`: the column classes each level must carry.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequiredColumnRules {
    /// For 人民政府 portals.
    pub government: Vec<RequiredColumn>,
    /// For departments.
    pub department: Vec<RequiredColumn>,
    /// Navigation links longer than this many characters are not column names.
    pub max_link_chars: usize,
}

impl RequiredColumnRules {
    /// The classes of a level.
    pub fn for_level(&self, level: SiteLevel) -> &[RequiredColumn] {
        match level {
            SiteLevel::Government => &self.government,
            SiteLevel::Department => &self.department,
        }
    }
}

/// Reads an optional section key by key over the national one: a key the
/// file leaves out takes the national value; an unknown key is an error
/// naming it.
pub(crate) fn merged_section<T: serde::de::DeserializeOwned>(
    national: Option<&toml::Value>,
    file: Option<toml::Table>,
) -> Result<T, String> {
    let mut table = national
        .and_then(|v| v.as_table())
        .cloned()
        .unwrap_or_default();
    for (k, v) in file.unwrap_or_default() {
        table.insert(k, v);
    }
    toml::Value::Table(table)
        .try_into()
        .map_err(|e: toml::de::Error| e.message().to_string())
}

/// The parsed `MM-DD` of a deadline in `year`.
pub fn deadline_in(mm_dd: &str, year: i32) -> Option<NaiveDate> {
    let (m, d) = mm_dd.trim().split_once('-')?;
    NaiveDate::from_ymd_opt(year, m.parse().ok()?, d.parse().ok()?)
}
