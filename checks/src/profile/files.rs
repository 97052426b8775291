//! The profile's TOML as written: one struct per section, read by serde
//! and turned into the settings of [`super::Profile`].

use super::settings::*;
use crate::rules::ScoringRules;
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ProfileFile {
    pub(super) name: String,
    #[serde(default)]
    pub(super) description: String,
    #[serde(default)]
    pub(super) checks: ChecksFile,
    pub(super) links: LinksFile,
    pub(super) soft404: Soft404File,
    pub(super) columns: ColumnsFile,
    pub(super) home: HomeFile,
    pub(super) veto: VetoFile,
    pub(super) footer: FooterFile,
    pub(super) policy: PolicyFile,
    pub(super) privacy: PrivacyFile,
    pub(super) calendar: CalendarFile,
    pub(super) scoring: ScoringRules,
    pub(super) availability: AvailabilityRules,
    /// Optional: profiles written before it existed take the national section.
    #[serde(default)]
    pub(super) audit: Option<AuditFile>,
    /// Optional, likewise.
    #[serde(default)]
    pub(super) cms: Option<Vec<CmsFile>>,
    /// Optional, likewise.
    #[serde(default)]
    pub(super) security: Option<toml::Table>,
    /// Optional, likewise.
    #[serde(default)]
    pub(super) content: Option<ContentFile>,
    /// Optional sections read key by key over the national ones (see
    /// [`crate::content::rules::merged_section`]).
    #[serde(default)]
    pub(super) wording: Option<toml::Table>,
    #[serde(default)]
    pub(super) interaction: Option<toml::Table>,
    #[serde(default)]
    pub(super) consultation: Option<toml::Table>,
    #[serde(default)]
    pub(super) annual_report: Option<toml::Table>,
    #[serde(default)]
    pub(super) required_columns: Option<toml::Table>,
    #[serde(default)]
    pub(super) ipv6: Option<toml::Table>,
}

#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ContentFile {
    pub(super) accessibility_entry_words: Vec<String>,
    #[serde(default)]
    pub(super) accessibility_entry_markers: Vec<String>,
}

#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct CmsFile {
    pub(super) id: String,
    pub(super) markers: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct AuditFile {
    pub(super) min_audited_share: f64,
    pub(super) block_statuses: Vec<u16>,
    pub(super) host_block_limit: u32,
    pub(super) error_body_bytes: usize,
    pub(super) challenge_max_bytes: usize,
    pub(super) challenge_max_text_chars: usize,
    pub(super) challenge_markers: Vec<String>,
    pub(super) login_max_links: usize,
    pub(super) login_words: Vec<String>,
    pub(super) rate_floor: f64,
    pub(super) start_rate: f64,
    pub(super) recover_after: u32,
    #[serde(default)]
    pub(super) signatures: Vec<SignatureFile>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct SignatureFile {
    pub(super) vendor: String,
    #[serde(default)]
    pub(super) headers: Vec<String>,
    #[serde(default)]
    pub(super) body: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ColumnsFile {
    pub(super) min_list_items: usize,
    pub(super) empty_phrases: Vec<String>,
    pub(super) note_patterns: Vec<String>,
    pub(super) exempt_keywords: Vec<String>,
    pub(super) default_class: String,
    pub(super) classes: Vec<ColumnClassFile>,
    // Optional (added later): profiles without them take the national values.
    #[serde(default)]
    pub(super) zero_count_patterns: Option<Vec<String>>,
    #[serde(default)]
    pub(super) script_list_markers: Option<Vec<String>>,
    #[serde(default)]
    pub(super) more_link_texts: Option<Vec<String>>,
    #[serde(default)]
    pub(super) section_min_more_links: Option<usize>,
    #[serde(default)]
    pub(super) max_script_pages: Option<usize>,
    #[serde(default)]
    pub(super) max_data_requests: Option<usize>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ColumnClassFile {
    pub(super) id: String,
    pub(super) label: String,
    pub(super) max_age_days: i64,
    pub(super) keywords: Vec<String>,
    pub(super) group: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct HomeFile {
    pub(super) max_age_days: i64,
    pub(super) warning_age_days: i64,
}

pub(super) type VetoFile = VetoRules;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FooterFile {
    pub(super) site_code_pattern: String,
    pub(super) icp_link_hosts: Vec<String>,
    pub(super) police_link_hosts: Vec<String>,
    pub(super) jiucuo_legacy_hosts: Vec<String>,
    pub(super) sitemap_texts: Vec<String>,
    pub(super) host_pattern: String,
    pub(super) contact_patterns: Vec<String>,
    pub(super) source_name_pattern: String,
    #[serde(default)]
    pub(super) conac_element_ids: Option<Vec<String>>,
    #[serde(default)]
    pub(super) jiucuo_element_ids: Option<Vec<String>>,
    #[serde(default)]
    pub(super) widget_onclick_markers: Option<Vec<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct PolicyFile {
    pub(super) interpretation_keywords: Vec<String>,
    pub(super) interpretation_columns: Vec<String>,
    pub(super) needs_interpretation_columns: Vec<String>,
    pub(super) needs_interpretation_issuer: String,
    pub(super) interpretation_window_workdays: i64,
    pub(super) disclosure_window_workdays: i64,
    pub(super) disclosure_rule_since: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct PrivacyFile {
    pub(super) list_page_keywords: Vec<String>,
    pub(super) contact_labels: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct CalendarFile {
    pub(super) years: Vec<i32>,
    pub(super) holidays: Vec<String>,
    pub(super) makeup_workdays: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ChecksFile {
    #[serde(default)]
    pub(super) disabled: Vec<String>,
    #[serde(default)]
    pub(super) severity: BTreeMap<String, String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct LinksFile {
    pub(super) home_redirect_is_soft404: bool,
    pub(super) script_handler_attributes: Vec<String>,
    pub(super) top_link_texts: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Soft404File {
    pub(super) title_patterns: Vec<String>,
    pub(super) body_patterns: Vec<String>,
    pub(super) max_text_chars: usize,
}
