//! How much of a site the crawl could read: what became of the home page,
//! and which in-site pages were lost to firewalls, rate limits, timeouts or
//! an interruption. The crawler records; `govscan_checks::audit` judges.

use govscan_checks::audit::{AuditInput, HomeState};
use govscan_checks::{FailureKind, FetchOutcome, FetchResult};

/// Counters and the home page's fate, kept by a site's crawl loop.
#[derive(Debug, Default)]
pub struct Coverage {
    /// The last answer on the way to the home page (redirects are walked
    /// as URLs of their own, so this ends at the page itself).
    home: Option<FetchOutcome>,
    /// The home page was analysed.
    home_analysed: bool,
    /// ... and it is a login page.
    home_login: bool,
    /// In-site pages that could not be read.
    unread: usize,
    /// Of those, answered by a firewall, a challenge or a 429.
    blocked: usize,
    /// Crawl jobs in flight (for an interrupted run).
    crawls_in_flight: usize,
}

impl Coverage {
    /// A crawl job was started.
    pub fn crawl_started(&mut self) {
        self.crawls_in_flight += 1;
    }

    /// A crawl job (an in-site page) finished with `outcome`.
    pub fn crawl_done(&mut self, outcome: &FetchOutcome) {
        self.crawls_in_flight = self.crawls_in_flight.saturating_sub(1);
        if outcome.blocked.is_some() {
            self.unread += 1;
            self.blocked += 1;
            return;
        }
        if let FetchResult::Failed(kind, _) = &outcome.result {
            if matches!(
                kind,
                FailureKind::Timeout
                    | FailureKind::Reset
                    | FailureKind::Refused
                    | FailureKind::Blocked
                    | FailureKind::Protocol
                    | FailureKind::Other
            ) {
                self.unread += 1;
            }
        }
    }

    /// A request on the way to the home page answered.
    pub fn home_answered(&mut self, outcome: &FetchOutcome) {
        self.home = Some(outcome.clone());
    }

    /// The home page was analysed.
    pub fn home_analysed(&mut self, login: bool) {
        self.home_analysed = true;
        self.home_login = login;
    }

    /// The home page's final URL was crawled as a page of its own (before
    /// the redirect to it was known).
    pub fn home_read_elsewhere(&mut self) {
        self.home_analysed = true;
    }

    /// What the audit needs, after the crawl. `pages_read` are the pages
    /// analysed; `pending` the crawl jobs never started (interrupted runs);
    /// `in_scope` tells whether a URL belongs to the site.
    pub fn audit_input(
        &self,
        pages_read: usize,
        pending: usize,
        interrupted: bool,
        in_scope: &dyn Fn(&str) -> bool,
    ) -> AuditInput {
        let home = if self.home_analysed {
            if self.home_login {
                HomeState::Login
            } else {
                HomeState::Analysed
            }
        } else {
            match &self.home {
                None => HomeState::NotFetched,
                Some(o)
                    if o.blocked.is_none()
                        && matches!(o.result, FetchResult::Status(c) if c < 400)
                        && !in_scope(&o.final_url) =>
                {
                    HomeState::OffSite(o.final_url.clone())
                }
                Some(o) => HomeState::from_outcome(o),
            }
        };
        let unfinished = if interrupted {
            pending + self.crawls_in_flight
        } else {
            0
        };
        AuditInput {
            home,
            pages_read,
            pages_unread: self.unread + unfinished,
            pages_blocked: self.blocked,
            interrupted: interrupted && unfinished > 0,
        }
    }
}
