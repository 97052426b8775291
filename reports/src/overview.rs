//! The numbers of the county overview (one row per site), shared by
//! `sites.csv` and the HTML report.

use crate::model::SiteReport;
use govscan_checks::score::{SiteScore, Verdict};
use govscan_checks::CheckId;
use std::collections::BTreeSet;

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
    /// All findings.
    pub findings: usize,
}

impl SiteRow {
    /// Sort key: vetoes first, then lowest score.
    pub fn badness(&self) -> (u8, i64) {
        let rank = match self.score.verdict {
            Verdict::FailVeto => 0,
            Verdict::FailScore => 1,
            Verdict::Pass => 2,
        };
        (rank, (self.score.score * 10.0) as i64)
    }
}

/// The overview row of a site (its `score` must be set).
pub fn site_row(site: &SiteReport, score: &SiteScore) -> SiteRow {
    let dead = |home: bool| {
        site.findings
            .iter()
            .filter(|f| {
                matches!(f.check, CheckId::LinkDead | CheckId::LinkSoft404) && f.home_page == home
            })
            .map(|f| f.target.as_str())
            .collect::<BTreeSet<_>>()
            .len()
    };
    let count = |check: CheckId| site.findings.iter().filter(|f| f.check == check).count();
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
        pages: site.pages.iter().filter(|p| p.crawled).count(),
        dead_home: dead(true),
        dead_other: dead(false),
        stale_columns: count(CheckId::ColumnStale),
        empty_columns: count(CheckId::ColumnEmpty),
        footer_missing: footer.into_iter().collect(),
        policy_without_interpretation: count(CheckId::PolicyNoInterpretation),
        privacy_pages: privacy.len(),
        findings: site.findings.len(),
    }
}
