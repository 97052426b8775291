//! What the history store knows about a site's earlier runs: which of
//! this run's findings are new, which are fixed, the trend and the home
//! page's availability. The store computes these, the reports show them;
//! both depend on these types, neither on the other.

use crate::site::Availability;
use crate::Finding;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// When a finding was first seen, for one finding of this run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct FindingHistory {
    /// The finding's stable fingerprint (site, check, page, target).
    pub fingerprint: String,
    /// True when the previous run of the site did not have it.
    pub new: bool,
    /// Date (`--now` of the run) it was first seen.
    pub first_seen: String,
}

/// One earlier run of a site, for the trend chart.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct TrendPoint {
    /// The run's date (`--now`).
    pub date: String,
    /// Findings in that run.
    pub findings: usize,
    /// Score in that run.
    pub score: f64,
}

/// What the history store knows about a site.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SiteHistory {
    /// Date of the previous completed run of the site, if any.
    pub previous_run: Option<String>,
    /// One entry per finding of this run, in the same order.
    pub findings: Vec<FindingHistory>,
    /// Findings of the previous run that are gone now.
    pub fixed: Vec<Finding>,
    /// First-seen date of each fixed finding, in the same order.
    pub fixed_first_seen: Vec<String>,
    /// Earlier runs, oldest first, ending with this one.
    pub trend: Vec<TrendPoint>,
    /// Home-page availability from the probes.
    #[serde(default)]
    pub availability: Option<Availability>,
}
