//! Site-wide checks, run once over all of a site's page facts after the
//! crawl: column freshness and blank columns, the home page, the 2019 veto
//! rules with their early warnings, policy/interpretation pairing, and the
//! footer summary.

use crate::columns::{column_states, ColumnPage, ColumnState};
use crate::finding::{CheckId, Finding, Severity};
use crate::page::PageKind;
use crate::policy::needs_interpretation;
use crate::profile::Profile;
use crate::sink::FindingSink;
use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap, HashSet};

mod facts;
mod policy;
pub use facts::SiteFacts;
use policy::policy_pairing;

/// Availability of the home page over the last days, from `govscan probe`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Availability {
    /// Days covered.
    pub days: u32,
    /// Probes in the window.
    pub probes: usize,
    /// Failed probes (no answer within the limit, or an error status).
    pub failures: usize,
    /// Failure share, 0–1.
    pub failure_share: f64,
    /// Longest run of consecutive failures, in minutes (first to last failed probe).
    pub longest_outage_minutes: i64,
    /// Most consecutive failed probes.
    pub longest_failure_streak: usize,
    /// Time of the last probe.
    pub last_probe: Option<String>,
}

/// One crawled page of the site.
#[derive(Debug, Clone, Copy)]
pub struct SitePage<'a> {
    /// Its URL (normalised).
    pub url: &'a str,
    /// What the site-wide checks read of its facts.
    pub facts: &'a SiteFacts,
}

/// Everything the site checks read.
pub struct SiteInput<'a> {
    /// Site name, copied into findings.
    pub site: &'a str,
    /// Home page URL (the site-level findings' page).
    pub home: &'a str,
    /// Crawled pages (the home page included).
    pub pages: Vec<SitePage<'a>>,
    /// Same-site URLs judged dead or wrong (normalised, no fragment).
    pub dead: &'a HashSet<String>,
    /// The date ages are computed against.
    pub today: NaiveDate,
    /// The site's level from the site list (`level` column), if given;
    /// otherwise the profile's `annual_report.default_level` applies.
    pub level: Option<crate::content::SiteLevel>,
    /// In-site pages left unread because of the crawl limits: a site-wide
    /// "not found" is then less certain (and said so).
    pub uncrawled: usize,
}

/// The numbers a report shows for a site.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SiteSummary {
    /// How much of the site could be read (decided by [`crate::audit::judge_audit`]).
    #[serde(default)]
    pub audit: crate::audit::Audit,
    /// The content-management platform most of its pages come from.
    #[serde(default)]
    pub cms: Option<String>,
    /// HTML pages crawled.
    pub pages: usize,
    /// Every column with its state.
    pub columns: Vec<ColumnState>,
    /// Newest dated item on the home page.
    pub home_newest: Option<NaiveDate>,
    /// Its age in days.
    pub home_age_days: Option<i64>,
    /// Pages lacking each footer element (`footer.icp` → count).
    pub footer_missing: BTreeMap<String, usize>,
    /// Policy documents found / needing an interpretation / without one.
    pub policy_documents: usize,
    /// Documents that need an interpretation.
    pub policy_needing_interpretation: usize,
    /// Documents that need one and link to none.
    pub policy_without_interpretation: usize,
    /// Interpretations found.
    pub interpretations: usize,
    /// 严重 wording errors found (all pages).
    #[serde(default)]
    pub serious_errors: usize,
    /// 易错 wording errors found.
    #[serde(default)]
    pub typo_errors: usize,
    /// Message boards in numbers, with the answer delays.
    #[serde(default)]
    pub interaction: Option<crate::content::InteractionSummary>,
    /// Consultations (意见征集) found.
    #[serde(default)]
    pub consultations: usize,
    /// Where last year's disclosure report was found, and whether only as an attachment.
    #[serde(default)]
    pub annual_report_note: Option<String>,
    /// The site's level as the site list gave it.
    #[serde(default)]
    pub level: Option<crate::content::SiteLevel>,
    /// IPv6 support: AAAA record, home page and level-2/3 links over IPv6
    /// (None: `--ipv6 off` or not audited).
    #[serde(default)]
    pub ipv6: Option<crate::ipv6::Ipv6Summary>,
}

/// Site-level findings, each about a page of the site (argument order of
/// the calls below: check, page, target, status, detail, evidence, home).
struct Out<'a> {
    sink: FindingSink<'a>,
}

impl Out<'_> {
    #[allow(clippy::too_many_arguments)]
    fn push(
        &mut self,
        check: CheckId,
        page: &str,
        target: &str,
        status: &str,
        detail: String,
        evidence: String,
        home: bool,
    ) {
        self.sink
            .push_on(page, home, check, target, status, detail, evidence);
    }

    #[allow(clippy::too_many_arguments)]
    fn push_with(
        &mut self,
        check: CheckId,
        severity: Severity,
        page: &str,
        target: &str,
        status: &str,
        detail: String,
        evidence: String,
        home: bool,
    ) {
        self.sink.push_with(
            page, home, check, severity, target, status, detail, evidence,
        );
    }
}

/// Runs the site-wide checks.
pub fn site_checks(input: &SiteInput<'_>, profile: &Profile) -> (Vec<Finding>, SiteSummary) {
    let mut out = Out {
        sink: FindingSink::new(input.site, input.home, true, profile),
    };
    let mut summary = SiteSummary {
        level: input.level,
        pages: input.pages.len(),
        ..SiteSummary::default()
    };
    columns_and_home(input, profile, &mut out, &mut summary);
    summary.cms = main_platform(input);
    accessibility_entry(input, &mut out);
    policy_pairing(input, profile, &mut out, &mut summary);
    crate::content::site_content_checks(input, profile, &mut out.sink, &mut summary);
    sitemap_and_footer_summary(input, &mut out, &mut summary);
    (out.sink.into_vec(), summary)
}

/// 无障碍/适老化: the home page must offer an entry (only the entry is checked).
fn accessibility_entry(input: &SiteInput<'_>, out: &mut Out<'_>) {
    let Some(home) = input.pages.iter().find(|p| p.facts.kind == PageKind::Home) else {
        return;
    };
    if home.facts.accessibility_entry || home.facts.error_page {
        return;
    }
    out.push(
        CheckId::SiteAccessibilityEntry,
        home.url,
        "无障碍/适老化入口",
        "missing",
        "首页没有无障碍浏览或长者模式（关怀版）入口（国办公开办函〔2021〕28号）".to_string(),
        String::new(),
        true,
    );
}

/// The platform most pages name (ties: the first in page order).
fn main_platform(input: &SiteInput<'_>) -> Option<String> {
    let mut counts: Vec<(&str, usize)> = Vec::new();
    for p in &input.pages {
        if let Some(cms) = p.facts.cms.as_deref() {
            match counts.iter_mut().find(|(c, _)| *c == cms) {
                Some((_, n)) => *n += 1,
                None => counts.push((cms, 1)),
            }
        }
    }
    let best = counts.iter().map(|(_, n)| *n).max()?;
    counts
        .into_iter()
        .find(|(_, n)| *n == best)
        .map(|(c, _)| c.to_string())
}

fn columns_and_home(
    input: &SiteInput<'_>,
    profile: &Profile,
    out: &mut Out<'_>,
    summary: &mut SiteSummary,
) {
    let rules = &profile.columns;
    let veto = &profile.veto;
    // A page whose undated items all lead to other columns (or sections)
    // lists its sub-columns: a section, judged through them, not a column.
    let columns_and_sections: HashSet<&str> = input
        .pages
        .iter()
        .filter(|p| matches!(p.facts.kind, PageKind::List | PageKind::Section))
        .map(|p| p.url)
        .collect();
    let lists_sub_columns = |list: &crate::columns::ListFacts| {
        let links = &list.item_links;
        list.dated == 0
            && !links.is_empty()
            && links
                .iter()
                .filter(|l| columns_and_sections.contains(l.as_str()))
                .count()
                * 2
                >= links.len()
    };
    let mut list_pages: Vec<ColumnPage<'_>> = input
        .pages
        .iter()
        .filter(|p| p.facts.kind == PageKind::List && !lists_sub_columns(p.facts.list()))
        .filter_map(|p| {
            Some(ColumnPage {
                url: p.url,
                name: p.facts.column.as_deref().filter(|c| !c.is_empty())?,
                column_type: p.facts.column_type(),
                list: p.facts.list(),
                rendered: p.facts.rendered,
                from_api: false,
            })
        })
        .collect();
    // A platform's catalogue columns, whatever kind of page lists them.
    list_pages.extend(input.pages.iter().flat_map(|p| {
        p.facts.platform_columns().iter().map(|c| ColumnPage {
            url: &c.url,
            name: &c.name,
            column_type: None,
            list: &c.list,
            rendered: false,
            from_api: true,
        })
    }));
    let columns = column_states(&list_pages, input.today, profile);
    for c in &columns {
        // Where the list was read, when not from the static HTML: an
        // inspector checking the finding by hand knows where to look.
        let read_from = match c.source.as_str() {
            "rendered" => "（栏目列表由浏览器渲染后读取）",
            "api" => "（栏目列表由平台数据接口读取）",
            "datastore" => "（栏目列表由页面内嵌数据读取）",
            _ => "",
        };
        if c.blank {
            out.push(
                CheckId::ColumnEmpty,
                &c.url,
                &c.name,
                "blank",
                format!(
                    "空白栏目“{}”：没有任何信息，也没有说明原因的备注（{}）{read_from}",
                    c.name, veto.rule
                ),
                c.name.clone(),
                false,
            );
        } else if c.stale {
            let (detail, evidence) = match (c.newest, c.age_days) {
                (Some(n), Some(age)) => (
                    format!(
                        "{}栏目“{}”最新信息发布于{}，已{}天未更新（要求{}天内更新）{read_from}",
                        c.class_label, c.name, n, age, c.max_age_days
                    ),
                    format!("{n}（{age}天）"),
                ),
                _ => (
                    format!(
                        "{}栏目“{}”的信息均未标注发布日期，视为不更新{read_from}",
                        c.class_label, c.name
                    ),
                    "无日期".to_string(),
                ),
            };
            out.push(
                CheckId::ColumnStale,
                &c.url,
                &c.name,
                "stale",
                detail,
                evidence,
                false,
            );
        }
    }
    let stale_timely: Vec<&ColumnState> = columns
        .iter()
        .filter(|c| c.stale && c.group == "timely")
        .collect();
    let stale_long: Vec<&ColumnState> = columns
        .iter()
        .filter(|c| c.stale && c.group == "long")
        .collect();
    let blank: Vec<&ColumnState> = columns.iter().filter(|c| c.blank).collect();
    let names = |cs: &[&ColumnState]| {
        cs.iter()
            .map(|c| c.name.as_str())
            .collect::<Vec<_>>()
            .join("、")
    };
    let mut level =
        |count: usize, veto_at: usize, warn_at: usize, rule: &str, what: &str, names: String| {
            if count >= veto_at {
                out.push(
                    CheckId::SiteVeto,
                    input.home,
                    rule,
                    "veto",
                    format!(
                        "单项否决：{what}{count}个，达到否决线{veto_at}个（{}）",
                        veto.rule
                    ),
                    names,
                    true,
                );
            } else if count >= warn_at {
                out.push(
                    CheckId::SiteWarning,
                    input.home,
                    rule,
                    "warning",
                    format!(
                        "预警：{what}{count}个，接近单项否决线{veto_at}个（{}）",
                        veto.rule
                    ),
                    names,
                    true,
                );
            }
        };
    level(
        stale_timely.len(),
        veto.stale_timely_columns,
        veto.stale_timely_columns_warning,
        "栏目不更新：动态要闻、通知公告、政策文件类",
        "2周内未更新的动态要闻类栏目与6个月内未更新的通知公告、政策文件类栏目共",
        names(&stale_timely),
    );
    level(
        stale_long.len(),
        veto.stale_long_columns,
        veto.stale_long_columns_warning,
        "栏目不更新：应更新但长期未更新",
        "应更新但长期未更新的栏目",
        names(&stale_long),
    );
    level(
        blank.len(),
        veto.blank_columns,
        veto.blank_columns_warning,
        "栏目不更新：空白栏目",
        "空白栏目",
        names(&blank),
    );

    // Home page: its newest dated item; a navigation-only home page is judged
    // by its second-level pages. Undated items are not updates.
    let home = input.pages.iter().find(|p| p.facts.kind == PageKind::Home);
    let home_newest = home.and_then(|h| h.facts.list().newest);
    let (newest, basis) = match home_newest {
        Some(n) => (Some(n), "首页"),
        None => (
            list_pages.iter().filter_map(|p| p.list.newest).max(),
            "首页无带日期的信息，按二级栏目页计算",
        ),
    };
    summary.home_newest = newest;
    summary.home_age_days = newest.map(|n| (input.today - n).num_days());
    if home.is_some() {
        let age = summary.home_age_days;
        let stale = age.is_none_or(|a| a > rules.home_max_age_days);
        let evidence = match (newest, age) {
            (Some(n), Some(a)) => format!("{n}（{a}天）"),
            _ => "无带日期的信息".to_string(),
        };
        if stale {
            let detail = match (newest, age) {
                (Some(n), Some(a)) => format!(
                    "首页最新信息发布于{n}，已{a}天未更新（要求{}天内；{basis}）",
                    rules.home_max_age_days
                ),
                _ => "首页及二级栏目均没有标注发布日期的信息，视为不更新".to_string(),
            };
            out.push(
                CheckId::HomeStale,
                input.home,
                "首页",
                "stale",
                detail,
                evidence.clone(),
                true,
            );
            out.push(
                CheckId::SiteVeto,
                input.home,
                "首页不更新",
                "veto",
                format!("单项否决：监测2周首页无信息更新（{}）", veto.rule),
                evidence,
                true,
            );
        } else if age.is_some_and(|a| a > rules.home_warning_age_days) {
            out.push(
                CheckId::SiteWarning,
                input.home,
                "首页不更新",
                "warning",
                format!(
                    "预警：首页已超过{}天未更新，{}天将触发单项否决（{}）",
                    rules.home_warning_age_days, rules.home_max_age_days, veto.rule
                ),
                evidence,
                true,
            );
        }
    }
    summary.columns = columns;
}

/// `site.unreachable` from the home-page probes of the last days (站点无法访问:
/// ≥20 probes a day, a 15-second limit, failures ≥5% → veto).
pub fn availability_findings(
    site: &str,
    home: &str,
    a: &Availability,
    profile: &Profile,
) -> Vec<Finding> {
    let rules = &profile.availability;
    let mut out = Out {
        sink: FindingSink::new(site, home, true, profile),
    };
    let enough = a.probes as f64 >= rules.min_probes_per_day * f64::from(a.days);
    let share = a.failure_share * 100.0;
    let evidence = format!(
        "{}次探测失败{}次（{:.1}%），最长连续失败{}次、约{}分钟",
        a.probes, a.failures, share, a.longest_failure_streak, a.longest_outage_minutes
    );
    if a.failure_share >= rules.veto_share && enough {
        out.push_with(
            CheckId::SiteUnreachable,
            Severity::Veto,
            home,
            "站点无法访问",
            "veto",
            format!(
                "单项否决：近{}天首页打不开（超过{}秒）的次数占比{share:.1}%，达到{:.0}%（{}）",
                a.days,
                rules.timeout_secs,
                rules.veto_share * 100.0,
                profile.veto.rule
            ),
            evidence,
            true,
        );
    } else if a.failure_share >= rules.warning_share
        || a.longest_failure_streak >= rules.consecutive_failures_warning
    {
        let why = if a.failure_share >= rules.warning_share && !enough {
            format!(
                "（探测次数{}次，少于规则假定的每天{}次，暂按预警处理）",
                a.probes, rules.min_probes_per_day
            )
        } else {
            String::new()
        };
        out.push_with(
            CheckId::SiteUnreachable,
            Severity::Warning,
            home,
            "站点无法访问",
            "warning",
            format!(
                "预警：近{}天首页探测失败占比{share:.1}%或连续失败{}次{why}",
                a.days, a.longest_failure_streak
            ),
            evidence,
            true,
        );
    }
    out.sink.into_vec()
}

fn sitemap_and_footer_summary(input: &SiteInput<'_>, out: &mut Out<'_>, summary: &mut SiteSummary) {
    for p in &input.pages {
        if let Some(url) = &p.facts.footer.sitemap_url {
            if input.dead.contains(url) {
                out.push(
                    CheckId::FooterSitemap,
                    p.url,
                    url,
                    "dead",
                    "网站地图链接无法打开（死链）".to_string(),
                    String::new(),
                    p.facts.kind == PageKind::Home,
                );
            }
        }
    }
    let mut missing: BTreeMap<String, usize> = BTreeMap::new();
    for p in input.pages.iter().filter(|p| !p.facts.error_page) {
        let f = &p.facts.footer;
        let lacks = [
            (CheckId::FooterIcp, f.icp.is_none()),
            (CheckId::FooterPolice, f.police.is_none()),
            (CheckId::FooterSiteCode, f.site_code.is_none()),
            (CheckId::FooterConac, !f.conac.seen()),
            (CheckId::FooterJiucuo, !f.jiucuo.seen()),
            (CheckId::FooterSitemap, !f.sitemap.seen()),
            (CheckId::FooterHost, f.host.is_none() || !f.contact),
        ];
        for (check, lacking) in lacks {
            if lacking {
                *missing.entry(check.as_str().to_string()).or_default() += 1;
            }
        }
    }
    summary.footer_missing = missing;
}

#[cfg(test)]
mod tests;
