//! The data of one run, as every writer sees it (and as `report.json` stores it).

use govscan_checks::score::SiteScore;
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
}
