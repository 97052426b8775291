//! The one way checks make findings: a sink that fills in the site and the
//! severity under the profile, and leaves out checks the profile disables.

use crate::finding::{CheckId, Finding, Severity};
use crate::profile::Profile;

/// Collects findings under a profile: fills in the site and the severity,
/// and leaves out checks the profile disables. The one way checks make findings.
pub struct FindingSink<'a> {
    site: &'a str,
    page: &'a str,
    home: bool,
    profile: &'a Profile,
    findings: Vec<Finding>,
}

impl<'a> FindingSink<'a> {
    /// Findings about `page` of `site`.
    pub fn new(site: &'a str, page: &'a str, home: bool, profile: &'a Profile) -> FindingSink<'a> {
        FindingSink {
            site,
            page,
            home,
            profile,
            findings: Vec::new(),
        }
    }

    /// Adds a finding about the sink's page.
    pub fn push(
        &mut self,
        check: CheckId,
        target: &str,
        status: &str,
        detail: String,
        evidence: String,
    ) {
        let (page, home) = (self.page, self.home);
        self.push_on(page, home, check, target, status, detail, evidence);
    }

    /// Adds a finding about another page of the site.
    #[allow(clippy::too_many_arguments)]
    pub fn push_on(
        &mut self,
        page: &str,
        home: bool,
        check: CheckId,
        target: &str,
        status: &str,
        detail: String,
        evidence: String,
    ) {
        self.push_with(
            page,
            home,
            check,
            self.profile.severity(check),
            target,
            status,
            detail,
            evidence,
        );
    }

    /// Adds a finding with an explicit severity (a warning level of a veto check).
    #[allow(clippy::too_many_arguments)]
    pub fn push_with(
        &mut self,
        page: &str,
        home: bool,
        check: CheckId,
        severity: Severity,
        target: &str,
        status: &str,
        detail: String,
        evidence: String,
    ) {
        if !self.profile.enabled(check) {
            return;
        }
        self.findings.push(Finding {
            site: self.site.to_string(),
            check,
            severity,
            page: page.to_string(),
            target: target.to_string(),
            status: status.to_string(),
            detail,
            evidence,
            home_page: home,
        });
    }

    /// Whether a finding of `check` about `target` is already there.
    pub fn has_target(&self, check: CheckId, target: &str) -> bool {
        self.findings
            .iter()
            .any(|f| f.check == check && f.target == target)
    }

    /// Whether a finding of `check` with this evidence is already there.
    pub fn has_evidence(&self, check: CheckId, evidence: &str) -> bool {
        self.findings
            .iter()
            .any(|f| f.check == check && f.evidence == evidence)
    }

    /// The findings collected.
    pub fn into_vec(self) -> Vec<Finding> {
        self.findings
    }
}
