//! Site-wide checks, run once over all of a site's page facts after the
//! crawl: column freshness and blank columns, the home page, the 2019 veto
//! rules with their early warnings, policy/interpretation pairing, and the
//! footer summary.

use crate::columns::{column_states, ColumnPage, ColumnState};
use crate::finding::{CheckId, Finding, Severity};
use crate::page::{PageFacts, PageKind};
use crate::policy::needs_interpretation;
use crate::profile::Profile;
use crate::sink::FindingSink;
use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap, HashSet};

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
    /// Its facts.
    pub facts: &'a PageFacts,
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
    let list_pages: Vec<ColumnPage<'_>> = input
        .pages
        .iter()
        .filter(|p| p.facts.kind == PageKind::List && !lists_sub_columns(&p.facts.list))
        .filter_map(|p| {
            Some(ColumnPage {
                url: p.url,
                name: p.facts.column.as_deref().filter(|c| !c.is_empty())?,
                column_type: p.facts.meta.column_type.as_deref(),
                list: &p.facts.list,
                rendered: p.facts.rendered,
            })
        })
        .collect();
    let columns = column_states(&list_pages, input.today, profile);
    for c in &columns {
        if c.blank {
            out.push(
                CheckId::ColumnEmpty,
                &c.url,
                &c.name,
                "blank",
                format!(
                    "空白栏目“{}”：没有任何信息，也没有说明原因的备注（{}）",
                    c.name, veto.rule
                ),
                c.name.clone(),
                false,
            );
        } else if c.stale {
            let (detail, evidence) = match (c.newest, c.age_days) {
                (Some(n), Some(age)) => (
                    format!(
                        "{}栏目“{}”最新信息发布于{}，已{}天未更新（要求{}天内更新）",
                        c.class_label, c.name, n, age, c.max_age_days
                    ),
                    format!("{n}（{age}天）"),
                ),
                _ => (
                    format!(
                        "{}栏目“{}”的信息均未标注发布日期，视为不更新",
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
    let home_newest = home.and_then(|h| h.facts.list.newest);
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

fn book_title(s: &str) -> Option<&str> {
    let start = s.find('《')? + '《'.len_utf8();
    let end = s[start..].find('》')? + start;
    Some(&s[start..end])
}

/// Whether an interpretation's headline names a document's title.
fn titles_match(interp: &str, doc: &str) -> bool {
    let named = book_title(interp).map(str::to_string).unwrap_or_else(|| {
        let mut t = interp.to_string();
        for k in [
            "政策解读",
            "图文解读",
            "一图读懂",
            "一图看懂",
            "解读",
            "问答",
            "答记者问",
            "：",
            ":",
        ] {
            t = t.replace(k, "");
        }
        t
    });
    let named = named.trim();
    named.chars().count() >= 6 && (doc.contains(named) || named.contains(doc.trim()))
}

fn policy_pairing(
    input: &SiteInput<'_>,
    profile: &Profile,
    out: &mut Out<'_>,
    summary: &mut SiteSummary,
) {
    let docs: Vec<&SitePage<'_>> = input
        .pages
        .iter()
        .filter(|p| p.facts.kind == PageKind::Policy)
        .collect();
    let interps: Vec<&SitePage<'_>> = input
        .pages
        .iter()
        .filter(|p| p.facts.kind == PageKind::Interpretation)
        .collect();
    summary.policy_documents = docs.len();
    summary.interpretations = interps.len();
    let doc_by_url: HashMap<&str, &SitePage<'_>> = docs.iter().map(|d| (d.url, *d)).collect();
    let interp_by_url: HashMap<&str, &SitePage<'_>> = interps.iter().map(|i| (i.url, *i)).collect();
    let doc_no = |d: &SitePage<'_>| {
        d.facts
            .policy
            .as_ref()
            .and_then(|m| m.doc_no.clone())
            .filter(|n| n.chars().count() > 3)
    };
    // Which document each interpretation is about: by its links, else by title or 文号.
    let mut pair_of: HashMap<&str, &SitePage<'_>> = HashMap::new();
    let mut linked_doc: HashSet<&str> = HashSet::new();
    for i in &interps {
        let by_link = i
            .facts
            .related
            .iter()
            .find_map(|r| doc_by_url.get(r.url.as_str()).copied());
        if let Some(d) = by_link {
            linked_doc.insert(i.url);
            pair_of.insert(i.url, d);
        } else if let Some(d) = docs.iter().find(|d| {
            titles_match(&i.facts.headline, &d.facts.headline)
                || doc_no(d).is_some_and(|n| i.facts.headline.contains(&n))
        }) {
            pair_of.insert(i.url, d);
        }
    }
    let window = profile.policy.interpretation_window_workdays;
    for i in &interps {
        let pair = pair_of.get(i.url);
        if !linked_doc.contains(i.url) {
            let dead: Vec<&str> = i
                .facts
                .related
                .iter()
                .filter(|r| input.dead.contains(&r.url))
                .filter(|r| {
                    r.text.contains('《')
                        || [
                            "通知", "意见", "办法", "规定", "方案", "细则", "政策", "决定", "文件",
                            "原文",
                        ]
                        .iter()
                        .any(|k| r.text.contains(k))
                })
                .map(|r| r.url.as_str())
                .collect();
            if let Some(target) = dead.first() {
                out.push(
                    CheckId::InterpretationOrphan,
                    i.url,
                    target,
                    "dead",
                    "解读页面关联的政策文件链接已失效（死链），解读失去对应的原文".to_string(),
                    i.facts.headline.clone(),
                    false,
                );
            } else {
                let detail = match pair {
                    Some(d) => format!(
                        "解读页面未链接其政策文件原文“{}”（{}），应在解读中提供原文链接",
                        d.facts.headline, d.url
                    ),
                    None => "解读页面未链接任何政策文件原文，站内也未找到标题或文号对应的文件"
                        .to_string(),
                };
                out.push(
                    CheckId::InterpretationNoBacklink,
                    i.url,
                    pair.map_or("", |d| d.url),
                    "no_link",
                    detail,
                    i.facts.headline.clone(),
                    false,
                );
            }
        }
        if let Some(d) = pair {
            if let (Some(dp), Some(ip)) = (d.facts.published, i.facts.published) {
                let n = profile.calendar.working_days_between(dp, ip);
                if n.days > window {
                    let caveat = if n.covered {
                        ""
                    } else {
                        "（日期超出节假日表范围，仅按周末计算）"
                    };
                    out.push(
                        CheckId::InterpretationLate,
                        i.url,
                        d.url,
                        "late",
                        format!("解读发布于{ip}，比政策文件（{dp}）晚{}个工作日，超过{}个工作日的同步要求{caveat}", n.days, window),
                        format!("文件 {dp}；解读 {ip}"),
                        false,
                    );
                }
            }
        }
    }
    for d in &docs {
        let meta = match &d.facts.policy {
            Some(m) => m,
            None => continue,
        };
        if !needs_interpretation(d.facts.column.as_deref(), meta, profile) {
            continue;
        }
        summary.policy_needing_interpretation += 1;
        if d.facts
            .related
            .iter()
            .any(|r| interp_by_url.contains_key(r.url.as_str()))
        {
            continue;
        }
        summary.policy_without_interpretation += 1;
        let elsewhere: Vec<&&SitePage<'_>> = interps
            .iter()
            .filter(|i| pair_of.get(i.url).is_some_and(|p| p.url == d.url))
            .collect();
        let detail = match elsewhere.first() {
            Some(i) if linked_doc.contains(i.url) => format!(
                "本文件未链接其政策解读；解读“{}”（{}）已链接本文件，请在本页增加“相关解读”链接",
                i.facts.headline, i.url
            ),
            Some(i) => format!(
                "本文件未链接其政策解读；按标题/文号匹配到解读“{}”（{}），请互相链接",
                i.facts.headline, i.url
            ),
            None => "本文件需要政策解读，但页面未链接解读，站内也未找到对应的解读".to_string(),
        };
        out.push(
            CheckId::PolicyNoInterpretation,
            d.url,
            elsewhere.first().map_or("", |i| i.url),
            if elsewhere.is_empty() {
                "none"
            } else {
                "unlinked"
            },
            detail,
            meta.doc_no
                .clone()
                .filter(|n| !n.is_empty())
                .unwrap_or_else(|| d.facts.headline.clone()),
            false,
        );
    }
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
mod tests {
    use super::*;
    use crate::columns::ListFacts;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
    }

    fn list(name: &str, newest_age: Option<i64>) -> PageFacts {
        PageFacts {
            kind: PageKind::List,
            column: Some(name.into()),
            list: ListFacts {
                dated: u32::from(newest_age.is_some()) * 10,
                newest: newest_age.map(|a| today() - chrono::Duration::days(a)),
                ..ListFacts::default()
            },
            ..PageFacts::default()
        }
    }

    fn home(age: Option<i64>) -> PageFacts {
        PageFacts {
            kind: PageKind::Home,
            list: ListFacts {
                newest: age.map(|a| today() - chrono::Duration::days(a)),
                ..ListFacts::default()
            },
            accessibility_entry: true,
            ..PageFacts::default()
        }
    }

    #[test]
    fn a_home_page_without_an_accessibility_entry() {
        let mut without = home(Some(1));
        without.accessibility_entry = false;
        let f = run(&[("http://x.gov.cn/".to_string(), without)]);
        let checks: Vec<&str> = f.iter().map(|f| f.check.as_str()).collect();
        assert_eq!(checks, vec!["site.accessibility_entry"]);
        assert_eq!(f[0].severity, crate::finding::Severity::Warning);
        assert!(run(&[("http://x.gov.cn/".to_string(), home(Some(1)))]).is_empty());
    }

    fn run(facts: &[(String, PageFacts)]) -> Vec<Finding> {
        let dead = HashSet::new();
        let pages = facts
            .iter()
            .map(|(u, f)| SitePage { url: u, facts: f })
            .collect();
        let input = SiteInput {
            site: "测试",
            home: "http://x.gov.cn/",
            pages,
            dead: &dead,
            today: today(),
            level: None,
            uncrawled: 0,
        };
        // These tests are about columns, the home page and the footer: a
        // bare site's required-column and yearly-report findings (tested in
        // `content::tests`) are left out.
        site_checks(&input, &Profile::national())
            .0
            .into_iter()
            .filter(|f| {
                !matches!(
                    f.check,
                    CheckId::ColumnMissing | CheckId::ReportAnnualMissing
                )
            })
            .collect()
    }

    fn site_level(findings: &[Finding]) -> Vec<(String, String)> {
        findings
            .iter()
            .filter(|f| f.check == CheckId::SiteVeto || f.check == CheckId::SiteWarning)
            .map(|f| (f.check.as_str().to_string(), f.target.clone()))
            .collect()
    }

    fn columns(prefix: &str, n: usize, age: Option<i64>) -> Vec<(String, PageFacts)> {
        (0..n)
            .map(|i| {
                (
                    format!("http://x.gov.cn/{prefix}{i}/"),
                    list(&format!("{prefix}{i}"), age),
                )
            })
            .collect()
    }

    #[test]
    fn timely_columns_warn_at_3_and_veto_at_5() {
        let mut pages = vec![("http://x.gov.cn/".to_string(), home(Some(1)))];
        pages.extend(columns("部门动态", 3, Some(20)));
        let f = run(&pages);
        assert_eq!(
            f.iter().filter(|f| f.check == CheckId::ColumnStale).count(),
            3
        );
        assert_eq!(
            site_level(&f),
            vec![(
                "site.warning".into(),
                "栏目不更新：动态要闻、通知公告、政策文件类".into()
            )]
        );
        pages.extend(columns("通知公告", 2, Some(200)));
        pages.extend(columns("通知公告新", 2, Some(100)));
        let f = run(&pages);
        assert_eq!(
            site_level(&f),
            vec![(
                "site.veto".into(),
                "栏目不更新：动态要闻、通知公告、政策文件类".into()
            )]
        );
    }

    #[test]
    fn long_stale_and_blank_columns() {
        let mut pages = vec![("http://x.gov.cn/".to_string(), home(Some(1)))];
        pages.extend(columns("人事信息", 9, Some(400)));
        assert_eq!(
            site_level(&run(&pages)),
            vec![(
                "site.warning".into(),
                "栏目不更新：应更新但长期未更新".into()
            )]
        );
        pages.extend(columns("规划计划", 1, Some(366)));
        assert_eq!(
            site_level(&run(&pages)),
            vec![("site.veto".into(), "栏目不更新：应更新但长期未更新".into())]
        );

        let mut pages = vec![("http://x.gov.cn/".to_string(), home(Some(1)))];
        pages.extend(columns("财政信息", 3, None));
        let f = run(&pages);
        assert_eq!(
            f.iter().filter(|f| f.check == CheckId::ColumnEmpty).count(),
            3
        );
        assert_eq!(
            site_level(&f),
            vec![("site.warning".into(), "栏目不更新：空白栏目".into())]
        );
        pages.extend(columns("预算信息", 2, None));
        assert_eq!(
            site_level(&run(&pages)),
            vec![("site.veto".into(), "栏目不更新：空白栏目".into())]
        );
        // Exempt (专题) and fresh columns count for nothing.
        let pages = vec![
            ("http://x.gov.cn/".to_string(), home(Some(1))),
            (
                "http://x.gov.cn/zt/".to_string(),
                list("历史专题", Some(900)),
            ),
        ];
        assert!(run(&pages).is_empty());
    }

    #[test]
    fn home_page_freshness() {
        assert!(run(&[("http://x.gov.cn/".to_string(), home(Some(10)))]).is_empty());
        // 14 days is still within two weeks: a warning, no veto.
        let f = run(&[("http://x.gov.cn/".to_string(), home(Some(14)))]);
        assert!(!f.iter().any(|f| f.check == CheckId::HomeStale));
        assert_eq!(
            site_level(&f),
            vec![("site.warning".into(), "首页不更新".into())]
        );
        let f = run(&[("http://x.gov.cn/".to_string(), home(Some(15)))]);
        assert!(f
            .iter()
            .any(|f| f.check == CheckId::HomeStale && f.severity == Severity::Veto));
        assert_eq!(
            site_level(&f),
            vec![("site.veto".into(), "首页不更新".into())]
        );
        // A navigation-only home page is judged by its second-level pages.
        let f = run(&[
            ("http://x.gov.cn/".to_string(), home(None)),
            ("http://x.gov.cn/a/".to_string(), list("要闻动态", Some(2))),
        ]);
        assert!(f.is_empty(), "{f:?}");
        let f = run(&[("http://x.gov.cn/".to_string(), home(None))]);
        assert!(f
            .iter()
            .any(|f| f.check == CheckId::HomeStale && f.evidence == "无带日期的信息"));
    }

    #[test]
    fn interpretations_pair_by_title_when_links_are_missing() {
        assert!(titles_match(
            "一图读懂《关于加快发展养老服务业的若干意见》",
            "示范县人民政府办公室关于加快发展养老服务业的若干意见"
        ));
        assert!(titles_match(
            "《示范县城乡居民医疗保险实施细则》解读",
            "关于印发示范县城乡居民医疗保险实施细则的通知"
        ));
        assert!(
            !titles_match("《通知》解读", "关于印发某某办法的通知"),
            "too short to match"
        );
        assert!(!titles_match(
            "《关于调整最低生活保障标准的通知》政策问答",
            "关于加快发展养老服务业的若干意见"
        ));
    }
}
