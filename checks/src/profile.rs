//! Rule profiles: thresholds, patterns and severities, loaded from TOML.
//!
//! The national profile (`profiles/national.toml`) is embedded in the binary;
//! `--rules FILE` loads a province's copy. Everything a province may want to
//! tune lives here, so that no threshold is hard-coded in a check.

use crate::content::rules::{
    merged_section, AnnualReportRules, ConsultationRules, InteractionRules, RequiredColumnRules,
    WordingRules,
};
use crate::finding::{CheckId, Severity};
use crate::rules::ScoringRules;
use crate::rules::{AuditRules, BlockSignature};
use crate::workdays::WorkCalendar;
use chrono::NaiveDate;
use regex::Regex;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;

/// The embedded national profile, as TOML text.
pub const NATIONAL_TOML: &str = include_str!("../profiles/national.toml");

/// Why a profile could not be loaded. The message names the key and line.
#[derive(Debug, thiserror::Error)]
pub enum ProfileError {
    /// The file could not be read.
    #[error("cannot read rule profile {path}: {source}")]
    Io {
        /// The path given.
        path: String,
        /// The IO error.
        source: std::io::Error,
    },
    /// The TOML is malformed or a key has the wrong type.
    #[error("rule profile {origin} is invalid: {message}")]
    Syntax {
        /// Where the profile came from.
        origin: String,
        /// The parser's message, with line and column.
        message: String,
    },
    /// A value parsed but does not make sense (bad regex, unknown check id...).
    #[error("rule profile {origin}: key `{key}`: {message}")]
    Value {
        /// Where the profile came from.
        origin: String,
        /// The dotted key.
        key: String,
        /// What is wrong and what to do.
        message: String,
    },
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ProfileFile {
    name: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    checks: ChecksFile,
    links: LinksFile,
    soft404: Soft404File,
    columns: ColumnsFile,
    home: HomeFile,
    veto: VetoFile,
    footer: FooterFile,
    policy: PolicyFile,
    privacy: PrivacyFile,
    calendar: CalendarFile,
    scoring: ScoringRules,
    availability: AvailabilityRules,
    /// Optional: profiles written before it existed take the national section.
    #[serde(default)]
    audit: Option<AuditFile>,
    /// Optional, likewise.
    #[serde(default)]
    cms: Option<Vec<CmsFile>>,
    /// Optional, likewise.
    #[serde(default)]
    security: Option<toml::Table>,
    /// Optional, likewise.
    #[serde(default)]
    content: Option<ContentFile>,
    /// Optional sections read key by key over the national ones (see
    /// [`crate::content::rules::merged_section`]).
    #[serde(default)]
    wording: Option<toml::Table>,
    #[serde(default)]
    interaction: Option<toml::Table>,
    #[serde(default)]
    consultation: Option<toml::Table>,
    #[serde(default)]
    annual_report: Option<toml::Table>,
    #[serde(default)]
    required_columns: Option<toml::Table>,
    #[serde(default)]
    ipv6: Option<toml::Table>,
}

#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ContentFile {
    accessibility_entry_words: Vec<String>,
    #[serde(default)]
    accessibility_entry_markers: Vec<String>,
}

/// Settings of the security checks (`[security]`, read key by key over
/// the national section).
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SecurityRules {
    /// Words of gambling, porn and private-lottery links, in link text or host.
    pub hidden_link_lexicon: Vec<String>,
    /// Outside non-government links in one hidden block that make it suspect.
    pub hidden_block_outside_links: usize,
    /// The severity of such a block (a lexicon hit takes the check's own).
    pub hidden_block_severity: Severity,
    /// Search engines a hijacking script tests `document.referrer` for.
    pub referrer_engines: Vec<String>,
    /// Spider names a cloaking script tests `navigator.userAgent` for.
    pub spider_words: Vec<String>,
    /// What a script writes to send the visitor elsewhere.
    pub redirect_markers: Vec<String>,
    /// Calls that decode hidden code (eval(unescape(…)) …).
    pub obfuscation_markers: Vec<String>,
    /// Outside hosts whose scripts and frames are expected (statistics
    /// vendors): their loaders and zero-size frames are not 挂马.
    pub trusted_outside_hosts: Vec<String>,
    /// The severity of a zero-size frame from another non-government host.
    pub hidden_frame_severity: Severity,
    /// The User-Agent of the home page's second fetch, for cloaking.
    pub spider_user_agent: String,
    /// Below this similarity of the spider's and the visitor's home page
    /// (word sets of title, text and links), the spider sees another page.
    pub cloaking_similarity: f64,
    /// Below this similarity of the home page's title to the previous
    /// run's, the title was replaced (篡改 when other signs agree).
    pub defaced_title_similarity: f64,
    /// Days before a certificate's expiry from which it is reported.
    pub tls_expiry_warning_days: i64,
}

#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct CmsFile {
    id: String,
    markers: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AuditFile {
    min_audited_share: f64,
    block_statuses: Vec<u16>,
    host_block_limit: u32,
    error_body_bytes: usize,
    challenge_max_bytes: usize,
    challenge_max_text_chars: usize,
    challenge_markers: Vec<String>,
    login_max_links: usize,
    login_words: Vec<String>,
    rate_floor: f64,
    start_rate: f64,
    recover_after: u32,
    #[serde(default)]
    signatures: Vec<SignatureFile>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SignatureFile {
    vendor: String,
    #[serde(default)]
    headers: Vec<String>,
    #[serde(default)]
    body: Vec<String>,
}

/// 站点无法访问: how probes are judged (rules.md §1.1, §1.3).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AvailabilityRules {
    /// Days of probes a report looks at.
    pub days: u32,
    /// Seconds after which a probe counts as failed.
    pub timeout_secs: u64,
    /// Failure share that vetoes.
    pub veto_share: f64,
    /// Failure share that warns.
    pub warning_share: f64,
    /// Consecutive failures that warn.
    pub consecutive_failures_warning: usize,
    /// Probes a day the veto rule assumes.
    pub min_probes_per_day: f64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ColumnsFile {
    min_list_items: usize,
    empty_phrases: Vec<String>,
    note_patterns: Vec<String>,
    exempt_keywords: Vec<String>,
    default_class: String,
    classes: Vec<ColumnClassFile>,
    // Optional (added later): profiles without them take the national values.
    #[serde(default)]
    zero_count_patterns: Option<Vec<String>>,
    #[serde(default)]
    script_list_markers: Option<Vec<String>>,
    #[serde(default)]
    more_link_texts: Option<Vec<String>>,
    #[serde(default)]
    section_min_more_links: Option<usize>,
    #[serde(default)]
    max_script_pages: Option<usize>,
    #[serde(default)]
    max_data_requests: Option<usize>,
}

/// A key of the national profile, for profiles written before it existed.
fn national_value<T: serde::de::DeserializeOwned>(path: &[&str]) -> Option<T> {
    national_table(path)?.clone().try_into().ok()
}

/// An optional section, key by key over the national one; errors name the section.
fn read_section<T: serde::de::DeserializeOwned>(
    name: &str,
    table: Option<toml::Table>,
    value_err: &dyn Fn(&str, String) -> ProfileError,
) -> Result<T, ProfileError> {
    merged_section(national_table(&[name]), table).map_err(|m| value_err(name, m))
}

/// A value of the embedded national profile, as TOML.
fn national_table(path: &[&str]) -> Option<&'static toml::Value> {
    static NATIONAL: std::sync::OnceLock<Option<toml::Value>> = std::sync::OnceLock::new();
    let mut v = NATIONAL
        .get_or_init(|| toml::from_str(NATIONAL_TOML).ok())
        .as_ref()?;
    for key in path {
        v = v.get(key)?;
    }
    Some(v)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ColumnClassFile {
    id: String,
    label: String,
    max_age_days: i64,
    keywords: Vec<String>,
    group: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct HomeFile {
    max_age_days: i64,
    warning_age_days: i64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
/// Site-level veto thresholds (国办秘函〔2019〕19号) and the early warnings below them.
pub struct VetoRules {
    /// The rule's name, printed in findings.
    pub rule: String,
    /// Stale 动态/通知/政策 columns that veto.
    pub stale_timely_columns: usize,
    /// ... and that warn.
    pub stale_timely_columns_warning: usize,
    /// Long-stale columns that veto.
    pub stale_long_columns: usize,
    /// ... and that warn.
    pub stale_long_columns_warning: usize,
    /// Blank columns that veto.
    pub blank_columns: usize,
    /// ... and that warn.
    pub blank_columns_warning: usize,
}

type VetoFile = VetoRules;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FooterFile {
    site_code_pattern: String,
    icp_link_hosts: Vec<String>,
    police_link_hosts: Vec<String>,
    jiucuo_legacy_hosts: Vec<String>,
    sitemap_texts: Vec<String>,
    host_pattern: String,
    contact_patterns: Vec<String>,
    source_name_pattern: String,
    #[serde(default)]
    conac_element_ids: Option<Vec<String>>,
    #[serde(default)]
    jiucuo_element_ids: Option<Vec<String>>,
    #[serde(default)]
    widget_onclick_markers: Option<Vec<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PolicyFile {
    interpretation_keywords: Vec<String>,
    interpretation_columns: Vec<String>,
    needs_interpretation_columns: Vec<String>,
    needs_interpretation_issuer: String,
    interpretation_window_workdays: i64,
    disclosure_window_workdays: i64,
    disclosure_rule_since: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PrivacyFile {
    list_page_keywords: Vec<String>,
    contact_labels: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CalendarFile {
    years: Vec<i32>,
    holidays: Vec<String>,
    makeup_workdays: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ChecksFile {
    #[serde(default)]
    disabled: Vec<String>,
    #[serde(default)]
    severity: BTreeMap<String, String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LinksFile {
    home_redirect_is_soft404: bool,
    script_handler_attributes: Vec<String>,
    top_link_texts: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Soft404File {
    title_patterns: Vec<String>,
    body_patterns: Vec<String>,
    max_text_chars: usize,
}

/// Settings of the link checks.
#[derive(Debug, Clone)]
pub struct LinkRules {
    /// A deep link redirected to the home page counts as 错链.
    pub home_redirect_is_soft404: bool,
    /// Attributes that mark a placeholder link as script-driven (not wrong).
    pub script_handler_attributes: Vec<String>,
    /// Link texts for which `href="#"` is a correct "back to top" link.
    pub top_link_texts: Vec<String>,
}

/// Settings of the soft-404 detection.
#[derive(Debug, Clone)]
pub struct Soft404Rules {
    /// Patterns on the page title.
    pub title_patterns: Vec<Regex>,
    /// Patterns on the visible text of short pages.
    pub body_patterns: Vec<Regex>,
    /// Longer pages are never judged by body text.
    pub max_text_chars: usize,
}

/// One class of columns and how old its newest item may be.
#[derive(Debug, Clone)]
pub struct ColumnClass {
    /// Stable id (`dynamic`, `notice`, `should_update`).
    pub id: String,
    /// Chinese label for reports.
    pub label: String,
    /// Maximum age of the newest dated item, in days.
    pub max_age_days: i64,
    /// Name keywords that select the class.
    pub keywords: Vec<String>,
    /// Which veto count it feeds: `timely` (≥5 veto) or `long` (≥10 veto).
    pub group: String,
}

/// Settings of the column checks.
#[derive(Debug, Clone)]
pub struct ColumnRules {
    /// Dated items for a page to count as a list page.
    pub min_list_items: usize,
    /// Phrases of a blank column.
    pub empty_phrases: Vec<String>,
    /// Patterns of an explanatory note.
    pub note_patterns: Vec<Regex>,
    /// Names of columns that are not checked.
    pub exempt_keywords: Vec<String>,
    /// Classes in match order.
    pub classes: Vec<ColumnClass>,
    /// Index of the class for unmatched names.
    pub default_class: usize,
    /// Home page veto age.
    pub home_max_age_days: i64,
    /// Home page warning age.
    pub home_warning_age_days: i64,
    /// Text saying a list has no records (`共 0 条`): an empty column.
    pub zero_count_patterns: Vec<Regex>,
    /// Script text that fills a list the static HTML does not hold
    /// (datastore, an API call): with no items read, the column is 未能核实.
    pub script_list_markers: Vec<String>,
    /// Link texts of a block's "more" link (更多>>).
    pub more_link_texts: Vec<String>,
    /// A page with this many "more" links to distinct pages is a section
    /// home listing its sub-columns, not a column.
    pub section_min_more_links: usize,
    /// List pages of one column followed from a script pager at most.
    pub max_script_pages: usize,
    /// Data requests (Hanweb's dataproxy groups) made for one column at most.
    pub max_data_requests: usize,
}

impl ColumnRules {
    /// The class of a column by its name (and `ColumnType` meta), or `None` when exempt.
    pub fn classify(&self, name: &str, column_type: Option<&str>) -> Option<&ColumnClass> {
        if self
            .exempt_keywords
            .iter()
            .any(|k| name.contains(k.as_str()))
        {
            return None;
        }
        for hay in [Some(name), column_type].into_iter().flatten() {
            if let Some(c) = self
                .classes
                .iter()
                .find(|c| c.keywords.iter().any(|k| hay.contains(k.as_str())))
            {
                return Some(c);
            }
        }
        self.classes.get(self.default_class)
    }
}

/// Settings of the footer checks.
#[derive(Debug, Clone)]
pub struct FooterRules {
    /// Valid 网站标识码.
    pub site_code_pattern: Regex,
    /// Hosts an ICP link may point to.
    pub icp_link_hosts: Vec<String>,
    /// Hosts a 公安 badge may point to.
    pub police_link_hosts: Vec<String>,
    /// Legacy 找错 hosts.
    pub jiucuo_legacy_hosts: Vec<String>,
    /// Link texts of a sitemap link.
    pub sitemap_texts: Vec<String>,
    /// 主办单位 label and value.
    pub host_pattern: Regex,
    /// Any of these in the footer counts as 联系方式.
    pub contact_patterns: Vec<Regex>,
    /// Same-site script or frame names that probably hold the footer.
    pub source_name_pattern: Regex,
    /// Element ids the 党政机关网站标识 widget renders (`_ideConac` …).
    pub conac_element_ids: Vec<String>,
    /// Element ids the 我为政府网站找错 widget renders (`_span_jiucuo`).
    pub jiucuo_element_ids: Vec<String>,
    /// `onclick` text of a badge or widget link worth reading (`Link(`,
    /// `jiucuo`): the jiucuo address and site code may be only there.
    pub widget_onclick_markers: Vec<String>,
}

/// Settings of the policy checks.
#[derive(Debug, Clone)]
pub struct PolicyRules {
    /// Title keywords of an interpretation.
    pub interpretation_keywords: Vec<String>,
    /// Column names of interpretations.
    pub interpretation_columns: Vec<String>,
    /// Column names of documents needing an interpretation.
    pub needs_interpretation_columns: Vec<String>,
    /// 发文字号 issuer pattern of documents needing an interpretation.
    pub needs_interpretation_issuer: Regex,
    /// Working days within which an interpretation is on time.
    pub interpretation_window_workdays: i64,
    /// Working days from 成文 to 发布 at most.
    pub disclosure_window_workdays: i64,
    /// Documents written before this date are not checked for lateness.
    pub disclosure_rule_since: NaiveDate,
}

/// Settings of the privacy checks.
#[derive(Debug, Clone)]
pub struct PrivacyRules {
    /// Keywords of pages that list people.
    pub list_page_keywords: Vec<String>,
    /// Labels of office contact numbers.
    pub contact_labels: Vec<String>,
}

/// A loaded, validated rule profile.
#[derive(Debug, Clone)]
pub struct Profile {
    /// Short name, printed in reports.
    pub name: String,
    /// What the profile implements.
    pub description: String,
    disabled: Vec<CheckId>,
    severity: BTreeMap<CheckId, Severity>,
    /// Link check settings.
    pub links: LinkRules,
    /// Soft-404 settings.
    pub soft404: Soft404Rules,
    /// Column and home-page freshness settings.
    pub columns: ColumnRules,
    /// Site-level veto thresholds.
    pub veto: VetoRules,
    /// Footer settings.
    pub footer: FooterRules,
    /// Policy document settings.
    pub policy: PolicyRules,
    /// Privacy settings.
    pub privacy: PrivacyRules,
    /// Working-day calendar.
    pub calendar: WorkCalendar,
    /// Verdict and deduction scoring.
    pub scoring: ScoringRules,
    /// Availability probes.
    pub availability: AvailabilityRules,
    /// When a site counts as audited; firewall and challenge signatures.
    pub audit: AuditRules,
    /// Security checks.
    pub security: SecurityRules,
    /// Words of a link to an accessibility or elderly-friendly mode.
    pub accessibility_entry_words: Vec<String>,
    /// Element ids and script addresses of accessibility toolbars (a
    /// clickable span or a vendor's script rather than a link).
    pub accessibility_entry_markers: Vec<String>,
    /// Serious wording errors (严重表述错误).
    pub wording: WordingRules,
    /// 互动交流 message boards.
    pub interaction: InteractionRules,
    /// 意见征集.
    pub consultation: ConsultationRules,
    /// 政府信息公开工作年度报告.
    pub annual_report: AnnualReportRules,
    /// The column classes each level must carry.
    pub required_columns: RequiredColumnRules,
    /// IPv6 checks.
    pub ipv6: crate::ipv6::Ipv6Rules,
    /// The content sections' words, compiled for one pass over a page.
    pub content_matcher: crate::content::ContentMatcher,
    /// Content-management platforms: an id and the markers (in the page's
    /// HTML or script text) that identify it, in match order.
    pub cms: Vec<(String, Vec<String>)>,
    /// The TOML the profile was loaded from (kept in report.json so a report
    /// can be re-rendered with the same rules).
    pub source: String,
}

/// The national `[audit]` section, for profiles written before it existed.
fn national_audit_rules() -> AuditRules {
    Profile::national().audit
}

/// Compiles a list of patterns under a key (errors name the key).
type CompilePatterns<'a> = &'a dyn Fn(&str, &[String]) -> Result<Vec<Regex>, ProfileError>;

fn audit_rules(
    a: AuditFile,
    compile: CompilePatterns<'_>,
    value_err: &dyn Fn(&str, String) -> ProfileError,
) -> Result<AuditRules, ProfileError> {
    if !(0.0..=1.0).contains(&a.min_audited_share) {
        return Err(value_err(
            "audit.min_audited_share",
            "must be a share between 0 and 1 (e.g. 0.5)".into(),
        ));
    }
    if !(a.rate_floor > 0.0 && a.start_rate >= a.rate_floor) {
        return Err(value_err(
            "audit.rate_floor",
            "rate_floor must be > 0 and start_rate ≥ rate_floor".into(),
        ));
    }
    let mut signatures = Vec::new();
    for s in a.signatures {
        signatures.push(BlockSignature {
            headers: compile("audit.signatures.headers", &s.headers)?,
            body: compile("audit.signatures.body", &s.body)?,
            vendor: s.vendor,
        });
    }
    Ok(AuditRules {
        min_audited_share: a.min_audited_share,
        block_statuses: a.block_statuses,
        host_block_limit: a.host_block_limit.max(1),
        error_body_bytes: a.error_body_bytes.clamp(512, 1024 * 1024),
        challenge_max_bytes: a.challenge_max_bytes,
        challenge_max_text_chars: a.challenge_max_text_chars,
        challenge_markers: compile("audit.challenge_markers", &a.challenge_markers)?,
        login_max_links: a.login_max_links,
        login_words: a.login_words,
        rate_floor: a.rate_floor,
        start_rate: a.start_rate,
        recover_after: a.recover_after.max(1),
        signatures,
    })
}

impl Profile {
    /// The embedded national profile.
    // The embedded profile is part of the build and loaded by every test: it
    // cannot be invalid at run time.
    #[allow(clippy::expect_used)]
    pub fn national() -> Profile {
        Profile::from_toml(NATIONAL_TOML, "national (built-in)")
            .expect("the embedded national profile is valid (tested)")
    }

    /// Loads a profile from a file.
    pub fn from_path(path: &Path) -> Result<Profile, ProfileError> {
        let text = std::fs::read_to_string(path).map_err(|source| ProfileError::Io {
            path: path.display().to_string(),
            source,
        })?;
        Profile::from_toml(&text, &path.display().to_string())
    }

    /// Parses and validates profile TOML; `origin` names it in errors.
    pub fn from_toml(text: &str, origin: &str) -> Result<Profile, ProfileError> {
        let file: ProfileFile = toml::from_str(text).map_err(|e| ProfileError::Syntax {
            origin: origin.to_string(),
            message: e.to_string(),
        })?;
        let value_err = |key: &str, message: String| ProfileError::Value {
            origin: origin.to_string(),
            key: key.to_string(),
            message,
        };
        let mut disabled = Vec::new();
        for id in &file.checks.disabled {
            disabled.push(
                id.parse::<CheckId>()
                    .map_err(|m| value_err("checks.disabled", m))?,
            );
        }
        let mut severity = BTreeMap::new();
        for (id, sev) in &file.checks.severity {
            let key = format!("checks.severity.\"{id}\"");
            let check = id.parse::<CheckId>().map_err(|m| value_err(&key, m))?;
            let sev = sev.parse::<Severity>().map_err(|m| value_err(&key, m))?;
            severity.insert(check, sev);
        }
        let compile = |key: &str, patterns: &[String]| -> Result<Vec<Regex>, ProfileError> {
            patterns
                .iter()
                .map(|p| Regex::new(p).map_err(|e| value_err(key, format!("bad regex `{p}`: {e}"))))
                .collect()
        };
        let one = |key: &str, p: &str| -> Result<Regex, ProfileError> {
            Regex::new(p).map_err(|e| value_err(key, format!("bad regex `{p}`: {e}")))
        };
        let dates = |key: &str, list: &[String]| -> Result<Vec<NaiveDate>, ProfileError> {
            list.iter()
                .map(|d| {
                    NaiveDate::parse_from_str(d, "%Y-%m-%d")
                        .map_err(|_| value_err(key, format!("`{d}` is not a YYYY-MM-DD date")))
                })
                .collect()
        };
        let classes: Vec<ColumnClass> = file
            .columns
            .classes
            .iter()
            .map(|c| ColumnClass {
                id: c.id.clone(),
                label: c.label.clone(),
                max_age_days: c.max_age_days,
                keywords: c.keywords.clone(),
                group: c.group.clone(),
            })
            .collect();
        for c in &classes {
            if c.group != "timely" && c.group != "long" {
                return Err(value_err(
                    "columns.classes.group",
                    format!("`{}` must be \"timely\" or \"long\"", c.group),
                ));
            }
        }
        let default_class = classes
            .iter()
            .position(|c| c.id == file.columns.default_class)
            .ok_or_else(|| {
                value_err(
                    "columns.default_class",
                    format!(
                        "`{}` is not the id of a [[columns.classes]] entry",
                        file.columns.default_class
                    ),
                )
            })?;
        let columns = ColumnRules {
            min_list_items: file.columns.min_list_items.max(1),
            empty_phrases: file.columns.empty_phrases,
            note_patterns: compile("columns.note_patterns", &file.columns.note_patterns)?,
            exempt_keywords: file.columns.exempt_keywords,
            classes,
            default_class,
            home_max_age_days: file.home.max_age_days,
            home_warning_age_days: file.home.warning_age_days,
            zero_count_patterns: compile(
                "columns.zero_count_patterns",
                &file
                    .columns
                    .zero_count_patterns
                    .or_else(|| national_value(&["columns", "zero_count_patterns"]))
                    .unwrap_or_default(),
            )?,
            script_list_markers: file
                .columns
                .script_list_markers
                .or_else(|| national_value(&["columns", "script_list_markers"]))
                .unwrap_or_default(),
            more_link_texts: file
                .columns
                .more_link_texts
                .or_else(|| national_value(&["columns", "more_link_texts"]))
                .unwrap_or_default(),
            section_min_more_links: file
                .columns
                .section_min_more_links
                .or_else(|| national_value(&["columns", "section_min_more_links"]))
                .unwrap_or(2)
                .max(2),
            max_script_pages: file
                .columns
                .max_script_pages
                .or_else(|| national_value(&["columns", "max_script_pages"]))
                .unwrap_or(200),
            max_data_requests: file
                .columns
                .max_data_requests
                .or_else(|| national_value(&["columns", "max_data_requests"]))
                .unwrap_or(200),
        };
        let footer = FooterRules {
            site_code_pattern: one("footer.site_code_pattern", &file.footer.site_code_pattern)?,
            icp_link_hosts: file.footer.icp_link_hosts,
            police_link_hosts: file.footer.police_link_hosts,
            jiucuo_legacy_hosts: file.footer.jiucuo_legacy_hosts,
            sitemap_texts: file.footer.sitemap_texts,
            host_pattern: one("footer.host_pattern", &file.footer.host_pattern)?,
            contact_patterns: compile("footer.contact_patterns", &file.footer.contact_patterns)?,
            source_name_pattern: one(
                "footer.source_name_pattern",
                &file.footer.source_name_pattern,
            )?,
            conac_element_ids: file
                .footer
                .conac_element_ids
                .or_else(|| national_value(&["footer", "conac_element_ids"]))
                .unwrap_or_default(),
            jiucuo_element_ids: file
                .footer
                .jiucuo_element_ids
                .or_else(|| national_value(&["footer", "jiucuo_element_ids"]))
                .unwrap_or_default(),
            widget_onclick_markers: file
                .footer
                .widget_onclick_markers
                .or_else(|| national_value(&["footer", "widget_onclick_markers"]))
                .unwrap_or_default(),
        };
        let policy = PolicyRules {
            interpretation_keywords: file.policy.interpretation_keywords,
            interpretation_columns: file.policy.interpretation_columns,
            needs_interpretation_columns: file.policy.needs_interpretation_columns,
            needs_interpretation_issuer: one(
                "policy.needs_interpretation_issuer",
                &file.policy.needs_interpretation_issuer,
            )?,
            interpretation_window_workdays: file.policy.interpretation_window_workdays,
            disclosure_window_workdays: file.policy.disclosure_window_workdays,
            disclosure_rule_since: NaiveDate::parse_from_str(
                &file.policy.disclosure_rule_since,
                "%Y-%m-%d",
            )
            .map_err(|_| {
                value_err(
                    "policy.disclosure_rule_since",
                    format!(
                        "`{}` is not a YYYY-MM-DD date",
                        file.policy.disclosure_rule_since
                    ),
                )
            })?,
        };
        let calendar = WorkCalendar::new(
            &file.calendar.years,
            &dates("calendar.holidays", &file.calendar.holidays)?,
            &dates("calendar.makeup_workdays", &file.calendar.makeup_workdays)?,
        );
        let content = match file.content {
            Some(c) => c,
            None => national_value::<ContentFile>(&["content"]).unwrap_or(ContentFile {
                accessibility_entry_words: Vec::new(),
                accessibility_entry_markers: Vec::new(),
            }),
        };
        let mut wording: WordingRules = read_section("wording", file.wording, &value_err)?;
        let extra = std::mem::take(&mut wording.extra_entries);
        wording.entries.extend(extra);
        let interaction: InteractionRules =
            read_section("interaction", file.interaction, &value_err)?;
        let consultation: ConsultationRules =
            read_section("consultation", file.consultation, &value_err)?;
        let annual_report: AnnualReportRules =
            read_section("annual_report", file.annual_report, &value_err)?;
        for (key, mmdd) in [
            (
                "annual_report.deadline_government",
                &annual_report.deadline_government,
            ),
            (
                "annual_report.deadline_department",
                &annual_report.deadline_department,
            ),
        ] {
            if crate::content::rules::deadline_in(mmdd, 2024).is_none() {
                return Err(value_err(key, format!("`{mmdd}` is not a MM-DD date")));
            }
        }
        let required_columns: RequiredColumnRules =
            read_section("required_columns", file.required_columns, &value_err)?;
        let content_matcher = crate::content::ContentMatcher::new(
            &wording,
            &interaction,
            &consultation,
            &annual_report.title_phrase,
            &required_columns,
        );
        let ipv6: crate::ipv6::Ipv6Rules = read_section("ipv6", file.ipv6, &value_err)?;
        Ok(Profile {
            ipv6,
            content_matcher,
            wording,
            interaction,
            consultation,
            annual_report,
            required_columns,
            name: file.name,
            description: file.description,
            disabled,
            severity,
            links: LinkRules {
                home_redirect_is_soft404: file.links.home_redirect_is_soft404,
                script_handler_attributes: file.links.script_handler_attributes,
                top_link_texts: file.links.top_link_texts,
            },
            soft404: Soft404Rules {
                title_patterns: compile("soft404.title_patterns", &file.soft404.title_patterns)?,
                body_patterns: compile("soft404.body_patterns", &file.soft404.body_patterns)?,
                max_text_chars: file.soft404.max_text_chars,
            },
            columns,
            veto: file.veto,
            footer,
            policy,
            privacy: PrivacyRules {
                list_page_keywords: file.privacy.list_page_keywords,
                contact_labels: file.privacy.contact_labels,
            },
            calendar,
            scoring: {
                for item in &file.scoring.items {
                    for id in &item.checks {
                        id.parse::<CheckId>()
                            .map_err(|m| value_err("scoring.items.checks", m))?;
                    }
                }
                file.scoring
            },
            availability: file.availability,
            accessibility_entry_words: content.accessibility_entry_words,
            accessibility_entry_markers: content.accessibility_entry_markers,
            security: {
                let mut s: SecurityRules = read_section("security", file.security, &value_err)?;
                s.hidden_block_outside_links = s.hidden_block_outside_links.max(1);
                s
            },
            cms: file
                .cms
                .or_else(|| national_value::<Vec<CmsFile>>(&["cms"]))
                .unwrap_or_default()
                .into_iter()
                .map(|c| (c.id, c.markers))
                .collect(),
            audit: match file.audit {
                Some(a) => audit_rules(a, &compile, &value_err)?,
                None => national_audit_rules(),
            },
            source: text.to_string(),
        })
    }

    /// How to fix a check's findings, naming this profile's thresholds
    /// (a province that changes a threshold changes the advice with it).
    pub fn fix_zh(&self, check: CheckId) -> String {
        match check {
            CheckId::HomeStale => format!(
                "首页应在{}天内有新信息（标注发布日期）。",
                self.columns.home_max_age_days
            ),
            CheckId::SiteUnreachable => format!(
                "排查服务器和网络，保障首页{}秒内可以打开。",
                self.availability.timeout_secs
            ),
            CheckId::InterpretationLate => format!(
                "解读应与文件同步发布（最迟{}个工作日内）。",
                self.policy.interpretation_window_workdays
            ),
            CheckId::PolicyDate => format!(
                "核对成文日期与发布日期；主动公开信息应在形成后{}个工作日内公开。",
                self.policy.disclosure_window_workdays
            ),
            other => other.fix_zh().to_string(),
        }
    }

    /// Whether a check runs under this profile.
    pub fn enabled(&self, check: CheckId) -> bool {
        !self.disabled.contains(&check)
    }

    /// The severity of a check under this profile.
    pub fn severity(&self, check: CheckId) -> Severity {
        self.severity
            .get(&check)
            .copied()
            .unwrap_or_else(|| check.default_severity())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn national_profile_loads() {
        let p = Profile::national();
        assert_eq!(p.name, "national");
        assert_eq!(p.severity(CheckId::LinkDead), Severity::Error);
        assert!(p.enabled(CheckId::LinkDead));
        assert_eq!(
            p.columns.classify("要闻动态", None).unwrap().max_age_days,
            14
        );
        assert_eq!(
            p.columns.classify("通知公告", None).unwrap().max_age_days,
            180
        );
        assert_eq!(
            p.columns.classify("人事信息", None).unwrap().max_age_days,
            365
        );
        assert_eq!(
            p.columns
                .classify("其他", Some("信息公开，政策文件"))
                .unwrap()
                .id,
            "notice"
        );
        assert!(p.columns.classify("历史专题", None).is_none());
        assert_eq!(p.severity(CheckId::HomeStale), Severity::Veto);
        // 2026-10-01..07 is the national holiday; 10-10 (Sat) is worked.
        let d = |m, dd| NaiveDate::from_ymd_opt(2026, m, dd).unwrap();
        assert!(!p.calendar.is_working_day(d(10, 5)));
        assert!(p.calendar.is_working_day(d(10, 10)));
    }

    #[test]
    fn bad_profile_names_key_and_line() {
        let bad = NATIONAL_TOML.replace("max_text_chars = 1500", "max_text_chars = \"lots\"");
        let err = Profile::from_toml(&bad, "x.toml").unwrap_err().to_string();
        assert!(err.contains("max_text_chars"), "{err}");
        assert!(err.contains("line"), "{err}");

        let bad = NATIONAL_TOML.replace("\"link.dead\" = \"error\"", "\"link.deadd\" = \"error\"");
        let err = Profile::from_toml(&bad, "x.toml").unwrap_err().to_string();
        assert!(err.contains("link.deadd"), "{err}");

        let bad = NATIONAL_TOML.replace("\"2026-01-04\"", "\"2026-13-04\"");
        let err = Profile::from_toml(&bad, "x.toml").unwrap_err().to_string();
        assert!(
            err.contains("calendar.makeup_workdays") && err.contains("2026-13-04"),
            "{err}"
        );

        let bad = NATIONAL_TOML.replace(
            "default_class = \"should_update\"",
            "default_class = \"nope\"",
        );
        let err = Profile::from_toml(&bad, "x.toml").unwrap_err().to_string();
        assert!(err.contains("columns.default_class"), "{err}");

        let bad = NATIONAL_TOML.replace("\"页面不存在\",", "\"页面(不存在\",");
        let err = Profile::from_toml(&bad, "x.toml").unwrap_err().to_string();
        assert!(err.contains("soft404.title_patterns"), "{err}");
    }

    #[test]
    fn fix_texts_name_the_profiles_thresholds() {
        let national = Profile::national();
        assert!(national.fix_zh(CheckId::HomeStale).contains("14天"));
        assert!(national.fix_zh(CheckId::SiteUnreachable).contains("15秒"));
        let province = NATIONAL_TOML.replace(
            "[home]\n# 首页不更新: 2 weeks (veto); Ucap's early warning at 10 days.\nmax_age_days = 14",
            "[home]\nmax_age_days = 7",
        );
        assert_ne!(province, NATIONAL_TOML, "the test edits the home section");
        let p = Profile::from_toml(&province, "province").unwrap();
        assert!(
            p.fix_zh(CheckId::HomeStale).contains("7天"),
            "{}",
            p.fix_zh(CheckId::HomeStale)
        );
        // A check without thresholds keeps its one text.
        assert_eq!(p.fix_zh(CheckId::LinkDead), CheckId::LinkDead.fix_zh());
    }
}
