//! The rule data a profile holds for the verdict: the scoring table and the
//! audit settings (firewall signatures, coverage, 429 slow-down). Plain
//! data, loaded by [`crate::profile`] and used by [`crate::score`] and
//! [`crate::audit`], so that neither depends on the other.

use crate::patterns::PatternList;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// What one deduction counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum CountUnit {
    /// Distinct targets (a dead link linked from 50 pages counts once).
    Targets,
    /// Findings.
    Findings,
    /// Distinct check ids (a footer element missing on every page counts once).
    Checks,
    /// Distinct pages.
    Pages,
}

/// Which findings an item looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ItemScope {
    /// Every finding.
    All,
    /// Findings on the home page.
    Home,
    /// Findings on the other pages.
    Other,
}

/// One deduction item of the profile.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScoreItem {
    /// Item name (Chinese).
    pub name: String,
    /// Check ids it counts.
    pub checks: Vec<String>,
    /// Which findings.
    pub scope: ItemScope,
    /// What one deduction counts.
    pub count: CountUnit,
    /// Points per unit.
    pub points: f64,
    /// Most points the item can deduct.
    pub cap: f64,
    /// Whether the value is from the official table.
    pub verified: bool,
}

/// The scoring rules of a profile.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScoringRules {
    /// Points before deductions.
    pub total: f64,
    /// Scores below this fail.
    pub pass: f64,
    /// What the rules implement.
    pub basis: String,
    /// Deduction items.
    pub items: Vec<ScoreItem>,
}

/// One firewall's signature: any header line or body pattern that matches.
#[derive(Debug, Clone)]
pub struct BlockSignature {
    /// The product's name, as shown in reports.
    pub vendor: String,
    /// Patterns over `name: value` header lines, lower-cased.
    pub headers: PatternList,
    /// Patterns over the body's text.
    pub body: PatternList,
}

/// The profile's `[audit]` section: how barriers are recognised and when a
/// site counts as audited.
#[derive(Debug, Clone)]
pub struct AuditRules {
    /// Below this share of in-site pages read, a partial site is not audited.
    pub min_audited_share: f64,
    /// HTTP statuses a firewall answers with; a signature must match too.
    pub block_statuses: Vec<u16>,
    /// Blocked responses from one host after which it is not requested again this run.
    pub host_block_limit: u32,
    /// Bytes of an error body read to match signatures.
    pub error_body_bytes: usize,
    /// A challenge page is at most this many bytes.
    pub challenge_max_bytes: usize,
    /// Visible characters a challenge page has at most.
    pub challenge_max_text_chars: usize,
    /// Markers of a challenge script (cookie names, function names).
    pub challenge_markers: PatternList,
    /// A home page with a password field and at most this many links is a login page.
    pub login_max_links: usize,
    /// Words of a login page's title or text.
    pub login_words: Vec<String>,
    /// Lowest requests per second a throttled host is slowed to.
    pub rate_floor: f64,
    /// Starting rate under `--rate 0` once a host answers 429.
    pub start_rate: f64,
    /// Successful responses in a row after which a throttled host's rate creeps back up.
    pub recover_after: u32,
    /// Firewall signatures.
    pub signatures: Vec<BlockSignature>,
}
