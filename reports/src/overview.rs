//! The numbers of the county overview (one row per site), shared by
//! `sites.csv` and the HTML report.

use crate::model::SiteReport;
use govscan_checks::audit::Audit;
use govscan_checks::score::{SiteScore, Verdict};
use govscan_checks::{CheckId, Finding};
use std::collections::BTreeSet;

/// Check, target, status and (for findings that are not one per site) page.
pub type ProblemKey<'a> = (CheckId, &'a str, &'a str, &'a str);

/// What makes two findings one problem to fix (需整改项): a dead link linked
/// from 50 pages, or a footer element missing on every page of a template,
/// is one problem; any other finding is a problem of its own page.
pub fn problem_key(f: &Finding) -> ProblemKey<'_> {
    let id = f.check.as_str();
    // A link planted in a template (a hidden link too) is one fix however
    // many pages show it.
    let page =
        if id.starts_with("link.") || id.starts_with("footer.") || id.starts_with("security.") {
            ""
        } else {
            f.page.as_str()
        };
    (f.check, f.target.as_str(), f.status.as_str(), page)
}

/// One row of the overview.
#[derive(Debug, Clone)]
pub struct SiteRow {
    /// Site name.
    pub name: String,
    /// Start URL.
    pub url: String,
    /// Verdict and score.
    pub score: SiteScore,
    /// Pages crawled.
    pub pages: usize,
    /// Distinct dead or wrong link targets on the home page.
    pub dead_home: usize,
    /// ... on the other pages.
    pub dead_other: usize,
    /// Stale columns.
    pub stale_columns: usize,
    /// Blank columns.
    pub empty_columns: usize,
    /// Footer elements missing or wrong on at least one page.
    pub footer_missing: Vec<CheckId>,
    /// Documents needing an interpretation that link to none.
    pub policy_without_interpretation: usize,
    /// Pages leaking personal data.
    pub privacy_pages: usize,
    /// 问题记录: finding rows (as in findings.csv).
    pub findings: usize,
    /// 需整改项: distinct problems (see [`problem_key`]).
    pub problems: usize,
    /// 涉及页面: distinct pages with at least one finding.
    pub pages_affected: usize,
    /// 未能核实的链接: distinct targets answered by a firewall or a 429.
    pub blocked_links: usize,
    /// How much of the site was read.
    pub audit: Audit,
    /// The site list's `region` column (区县): the overview groups by it.
    pub region: Option<String>,
}

/// The site-list columns that name a site's region (county).
pub const REGION_COLUMNS: &[&str] = &["region", "区县", "地区", "县区"];

/// A site's region from its site-list columns, if given.
pub fn region_of(site: &SiteReport) -> Option<&str> {
    site.extra
        .iter()
        .find(|(k, v)| {
            !v.trim().is_empty()
                && REGION_COLUMNS
                    .iter()
                    .any(|c| k.trim().eq_ignore_ascii_case(c))
        })
        .map(|(_, v)| v.trim())
}

impl SiteRow {
    /// Sort key: sites that could not be audited first, then vetoes, then
    /// the lowest score.
    pub fn badness(&self) -> (u8, i64) {
        let rank = match self.score.verdict {
            Verdict::NotAudited => 0,
            Verdict::FailVeto => 1,
            Verdict::FailScore => 2,
            Verdict::Pass => 3,
        };
        (rank, (self.score.score.unwrap_or(0.0) * 10.0) as i64)
    }
}

/// The overview row of a site (its `score` must be set).
pub fn site_row(site: &SiteReport, score: &SiteScore) -> SiteRow {
    let dead_targets = |home: bool| {
        site.findings
            .iter()
            .filter(|f| {
                matches!(f.check, CheckId::LinkDead | CheckId::LinkSoft404) && f.home_page == home
            })
            .map(|f| f.target.as_str())
            .collect::<BTreeSet<_>>()
    };
    let dead_home = dead_targets(true);
    // A URL broken on the home page counts once, as a home-page link.
    let dead_other = dead_targets(false).difference(&dead_home).count();
    let footer: BTreeSet<CheckId> = site
        .findings
        .iter()
        .map(|f| f.check)
        .filter(|c| c.as_str().starts_with("footer."))
        .collect();
    let privacy: BTreeSet<&str> = site
        .findings
        .iter()
        .filter(|f| matches!(f.check, CheckId::PrivacyIdNumber | CheckId::PrivacyMobile))
        .map(|f| f.page.as_str())
        .collect();
    SiteRow {
        name: site.name.clone(),
        url: site.url.clone(),
        score: score.clone(),
        pages: site.pages_read(),
        dead_home: dead_home.len(),
        dead_other,
        stale_columns: site.summary.columns.iter().filter(|c| c.stale).count(),
        empty_columns: site.summary.columns.iter().filter(|c| c.blank).count(),
        footer_missing: footer.into_iter().collect(),
        policy_without_interpretation: site.summary.policy_without_interpretation,
        privacy_pages: privacy.len(),
        findings: site.findings.len(),
        problems: site
            .findings
            .iter()
            .map(problem_key)
            .collect::<BTreeSet<_>>()
            .len(),
        pages_affected: site
            .findings
            .iter()
            .map(|f| f.page.as_str())
            .collect::<BTreeSet<_>>()
            .len(),
        blocked_links: site
            .findings
            .iter()
            .filter(|f| f.check == CheckId::LinkBlocked)
            .map(|f| f.target.as_str())
            .collect::<BTreeSet<_>>()
            .len(),
        audit: score.audit.clone(),
        region: region_of(site).map(str::to_string),
    }
}
