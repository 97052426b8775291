//! The settings a loaded profile hands the checks, one struct per concern.

use crate::finding::Severity;
pub use crate::patterns::PatternList;
use chrono::NaiveDate;
use regex::Regex;
use serde::Deserialize;

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
    pub title_patterns: PatternList,
    /// Patterns on the visible text of short pages.
    pub body_patterns: PatternList,
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
    pub note_patterns: PatternList,
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
    pub zero_count_patterns: PatternList,
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
    /// Data requests (Hanweb dataproxy groups, gkmlpt API pages) made for one page at most.
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
    pub sitemap_texts: crate::patterns::LiteralList,
    /// 主办单位 label and value.
    pub host_pattern: Regex,
    /// Any of these in the footer counts as 联系方式.
    pub contact_patterns: PatternList,
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
