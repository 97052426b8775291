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
use std::collections::BTreeMap;
use std::path::Path;

mod files;
mod settings;
#[cfg(test)]
mod tests;

use files::*;
pub use settings::*;

/// The embedded national profile, as TOML text.
pub const NATIONAL_TOML: &str = include_str!("../../profiles/national.toml");

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
    /// `cms`'s markers as substring searchers, built once with it.
    pub cms_matcher: crate::page::CmsMatcher,
    /// The TOML the profile was loaded from (kept in report.json so a report
    /// can be re-rendered with the same rules).
    pub source: String,
}

/// The national `[audit]` section, for profiles written before it existed.
fn national_audit_rules() -> AuditRules {
    Profile::national().audit
}

/// Compiles a list of patterns under a key (errors name the key).
type CompilePatterns<'a> = &'a dyn Fn(&str, &[String]) -> Result<PatternList, ProfileError>;

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
        let compile = |key: &str, patterns: &[String]| -> Result<PatternList, ProfileError> {
            PatternList::new(patterns).map_err(|message| value_err(key, message))
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
            sitemap_texts: crate::patterns::LiteralList::new(file.footer.sitemap_texts),
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
        let cms: Vec<(String, Vec<String>)> = file
            .cms
            .or_else(|| national_value::<Vec<CmsFile>>(&["cms"]))
            .unwrap_or_default()
            .into_iter()
            .map(|c| (c.id, c.markers))
            .collect();
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
            cms_matcher: crate::page::CmsMatcher::new(&cms),
            cms,
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
