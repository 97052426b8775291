//! govscan-checks: pure, IO-free analysis of government web pages.
//!
//! The crawler fetches; this crate decides. [`page::analyse_page`] turns one
//! page into facts, links and page-level findings; [`links::judge`] is the one
//! place that decides whether a link is dead or wrong. Thresholds and patterns
//! come from a [`profile::Profile`], never from code.

pub mod audit;
pub mod columns;
pub mod content;
pub mod data_requests;
pub mod dates;
pub mod decode;
pub mod fetch;
pub mod finding;
pub mod footer;
pub mod formats;
pub mod gkmlpt;
pub mod hanweb;
pub mod history;
pub mod ipv6;
pub mod links;
pub mod page;
pub mod patterns;
pub mod policy;
pub mod privacy;
pub mod profile;
pub mod record;
pub mod rules;
pub mod score;
pub mod security;
pub mod sink;
pub mod site;
pub mod stored_form;
pub(crate) mod text;
pub mod url_cache;
pub mod urlnorm;
pub mod workdays;

/// A regular expression written in govscan's own code, compiled on first
/// use. A bad one is a bug that the unit tests catch (every pattern runs in
/// them), hence the one `expect` of the crate.
#[allow(clippy::expect_used)]
pub(crate) fn built_in_regex(
    cell: &'static std::sync::OnceLock<regex::Regex>,
    pattern: &str,
) -> &'static regex::Regex {
    cell.get_or_init(|| regex::Regex::new(pattern).expect("a built-in regular expression is valid"))
}

pub use fetch::{FailureKind, FetchOutcome, FetchResult, Hop};
pub use finding::{content_hash, fingerprint, CheckId, Finding, Severity};
pub use links::{judge, Link, LinkKind, LinkTarget, LinkVerdict};
pub use page::{analyse_page, PageAnalysis, PageFacts, PageInput};
pub use profile::Profile;
pub use record::PageRecord;
pub use sink::FindingSink;
