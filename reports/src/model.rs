//! The data of one run, as every writer sees it (and as `report.json` stores it).

use crate::spill::SpilledPages;
pub use govscan_checks::history::{FindingHistory, SiteHistory, TrendPoint};
use govscan_checks::score::SiteScore;
pub use govscan_checks::site::Availability;
use govscan_checks::site::SiteSummary;
use govscan_checks::{Finding, PageRecord};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// One scanned site.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct SiteReport {
    /// Name from the site list, or the host.
    pub name: String,
    /// The URL the scan started from.
    pub url: String,
    /// The home page after redirects.
    pub home: String,
    /// Extra columns of the site list, kept as given.
    #[serde(default)]
    pub extra: Vec<(String, String)>,
    /// Every fetched URL.
    // Empty while the pages are in the run's spill file (`spilled`): count
    // them with `pages_read`. Kept fifth, after fields that hold no map keys: `report.json`'s writer
    // finds this field's place in the serialised site to put spilled
    // pages there (see `lib.rs`).
    pub pages: Vec<PageRecord>,
    /// Every finding.
    pub findings: Vec<Finding>,
    /// Run-log notes (crawler traps, robots.txt), not findings.
    #[serde(default)]
    pub notes: Vec<String>,
    /// Whether the crawl was stopped before it finished.
    #[serde(default)]
    pub interrupted: bool,
    /// Site-wide numbers: columns, home page, footer, policy.
    #[serde(default)]
    pub summary: SiteSummary,
    /// Verdict and score under the run's profile (recomputed by `govscan report`).
    #[serde(default)]
    pub score: Option<SiteScore>,
    /// What changed since the previous run of this site (from the history store).
    #[serde(default)]
    pub history: Option<SiteHistory>,
    /// Where `pages` went when the site finished before the run did.
    #[serde(skip)]
    #[schemars(skip)]
    pub spilled: Option<SpilledPages>,
}

impl SiteReport {
    /// Pages crawled (read), whether the records are in memory or spilled.
    pub fn pages_read(&self) -> usize {
        match &self.spilled {
            Some(s) => s.crawled,
            None => self.pages.iter().filter(|p| p.crawled).count(),
        }
    }
}

/// One run over one or more sites.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct RunReport {
    /// govscan version.
    pub version: String,
    /// Rule profile name.
    pub profile: String,
    /// The rule profile's TOML, so the report can be re-rendered with the same rules.
    #[serde(default)]
    pub profile_toml: String,
    /// Start time, RFC 3339.
    pub started: String,
    /// End time, RFC 3339.
    pub finished: String,
    /// The date ages are computed against (`--now`).
    pub now: String,
    /// The options of the run.
    pub options: serde_json::Value,
    /// The sites, in input order.
    pub sites: Vec<SiteReport>,
    /// What the site list held, when one was given: a listed site that was
    /// not scanned is never hidden.
    #[serde(default)]
    pub site_list: Option<SiteListReport>,
    /// Run-level notes for run.log (hosts slowed down by 429s or backed off
    /// for blocking), not findings.
    #[serde(default)]
    pub notes: Vec<String>,
}

/// The site list of a run: how many lines, how many sites, which lines were skipped.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SiteListReport {
    /// Lines holding a site or a bad entry (blank lines, comments and the header not counted).
    pub lines: usize,
    /// Sites scanned (from the list and the command line).
    pub sites: usize,
    /// Lines skipped, with their reasons.
    pub skipped: Vec<SkippedLine>,
}

impl SiteListReport {
    /// 列表共 N 行，检查 M 个站点，跳过 K 行.
    pub fn summary_zh(&self) -> String {
        format!(
            "列表共 {} 行，检查 {} 个站点，跳过 {} 行",
            self.lines,
            self.sites,
            self.skipped.len()
        )
    }
}

/// A line of the site list that was not scanned.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SkippedLine {
    /// The list file.
    pub file: String,
    /// 1-based line number.
    pub line: u64,
    /// Why it was skipped (Chinese).
    pub reason: String,
}
