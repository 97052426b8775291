//! The link ledger: per unique target, either the pages waiting for its
//! verdict, a redirect edge to the target it shares a verdict with, or the
//! verdict itself. Referrers of a target that turns out fine are dropped,
//! so memory grows with the number of URLs, not of links. Link findings
//! are made by `govscan_checks::links::judge` through the one place here
//! that turns a verdict into a finding.

use foldhash::{HashMap, HashSet};
use govscan_checks::links::{judge, link_finding, LinkUse, LinkVerdict};
use govscan_checks::{
    CheckId, FailureKind, FetchOutcome, FetchResult, Finding, Hop, LinkKind, Profile,
};
use serde::{Deserialize, Serialize};
use std::hash::{BuildHasher, Hash, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// What a request ended in, shared by every URL whose redirects lead there.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Landing {
    pub(crate) outcome: FetchOutcome,
    pub(crate) not_found: Option<String>,
    pub(crate) anchors: Option<Box<[u64]>>,
}

/// A page's link kept while its target has no verdict yet.
pub(crate) struct Referrer {
    pub(crate) page: Arc<str>,
    pub(crate) home: bool,
    pub(crate) kind: LinkKind,
    pub(crate) target: Box<str>,
    pub(crate) text: Box<str>,
    pub(crate) fragment: Option<Box<str>>,
}

impl Referrer {
    /// Kept only when it has to wait: most links point at a target already
    /// judged, and are judged from the borrowed page without a copy.
    fn keep(page: &Arc<str>, link: &LinkUse<'_>) -> Referrer {
        Referrer {
            page: page.clone(),
            home: link.home,
            kind: link.kind,
            target: link.target.into(),
            text: link.text.into(),
            fragment: link.fragment.map(Into::into),
        }
    }

    fn as_use(&self) -> LinkUse<'_> {
        LinkUse {
            page: &self.page,
            home: self.home,
            kind: self.kind,
            target: &self.target,
            text: &self.text,
            fragment: self.fragment.as_deref(),
        }
    }
}

pub(crate) struct Resolved {
    pub(crate) verdict: LinkVerdict,
    pub(crate) landing: Option<Arc<Landing>>,
}

pub(crate) enum Target {
    /// Queued or in flight; referrers wait for the verdict.
    Pending(Vec<Referrer>),
    /// Answered with a redirect to another key, whose verdict it will share.
    Redirect {
        to: String,
        status: u16,
        waiting: Vec<Referrer>,
    },
    /// Verdict known.
    Done(Resolved),
}

/// Per-target state: waiting referrers, a redirect edge, or the verdict.
#[derive(Default)]
pub(crate) struct Ledger {
    pub(crate) targets: HashMap<String, Target>,
    /// Reverse redirect edges: target key → keys redirecting to it.
    pub(crate) redirected_from: HashMap<String, Vec<String>>,
    pub(crate) emitted: HashSet<(Arc<str>, String, CheckId)>,
    /// The landings of fine pages kept without URLs, one per distinct
    /// content (see [`Ledger::kept`]).
    plain: HashMap<u64, Arc<Landing>>,
}

pub(crate) struct Emit<'a> {
    pub(crate) site: &'a str,
    pub(crate) profile: &'a Profile,
    pub(crate) findings: &'a mut Vec<Finding>,
    pub(crate) bad_links: &'a AtomicU64,
    pub(crate) max_redirects: usize,
}

impl Ledger {
    pub(crate) fn contains(&self, key: &str) -> bool {
        self.targets.contains_key(key)
    }

    pub(crate) fn insert_pending(&mut self, key: String) {
        self.targets
            .entry(key)
            .or_insert_with(|| Target::Pending(Vec::new()));
    }

    /// [`Ledger::add_referrer`] for a target the ledger already knows, in
    /// one look-up; false (nothing done) for a target it does not know.
    pub(crate) fn add_referrer_if_known(
        &mut self,
        key: &str,
        page: &Arc<str>,
        link: &LinkUse<'_>,
        emit: &mut Emit<'_>,
    ) -> bool {
        match self.targets.get_mut(key) {
            Some(Target::Pending(list)) | Some(Target::Redirect { waiting: list, .. }) => {
                list.push(Referrer::keep(page, link))
            }
            Some(Target::Done(resolved)) => {
                judge_referrer(&mut self.emitted, key, resolved, page, link, emit)
            }
            None => return false,
        }
        true
    }

    /// Records that `page` links to `key`: judged now if the target has its
    /// verdict, else kept until it has.
    pub(crate) fn add_referrer(
        &mut self,
        key: &str,
        page: &Arc<str>,
        link: &LinkUse<'_>,
        emit: &mut Emit<'_>,
    ) {
        if !self.add_referrer_if_known(key, page, link, emit) {
            self.targets.insert(
                key.to_string(),
                Target::Pending(vec![Referrer::keep(page, link)]),
            );
        }
    }

    /// Where a key's redirects lead, if it redirects; `None` at a non-redirect.
    pub(crate) fn redirect_of(&self, key: &str) -> Option<&str> {
        match self.targets.get(key) {
            Some(Target::Redirect { to, .. }) => Some(to),
            _ => None,
        }
    }

    /// Records that `from` answered with a redirect to `to`. Returns true
    /// when this closes a loop (`to` leads back to `from`).
    pub(crate) fn add_redirect(&mut self, from: &str, to: &str, status: u16) -> bool {
        let waiting = match self.targets.remove(from) {
            Some(Target::Pending(list)) | Some(Target::Redirect { waiting: list, .. }) => list,
            _ => Vec::new(),
        };
        self.targets.insert(
            from.to_string(),
            Target::Redirect {
                to: to.to_string(),
                status,
                waiting,
            },
        );
        self.redirected_from
            .entry(to.to_string())
            .or_default()
            .push(from.to_string());
        let mut cur = to.to_string();
        for _ in 0..64 {
            if cur == from {
                return true;
            }
            match self.redirect_of(&cur) {
                Some(next) => cur = next.to_string(),
                None => return false,
            }
        }
        true
    }

    /// Records where `key` landed and propagates the verdict to every URL
    /// that redirects to it, each judged with its own chain.
    pub(crate) fn resolve(
        &mut self,
        key: &str,
        landing: Arc<Landing>,
        rules: &govscan_checks::profile::LinkRules,
        emit: &mut Emit<'_>,
    ) {
        let mut work: Vec<(String, Arc<Landing>)> = vec![(key.to_string(), landing)];
        while let Some((key, landing)) = work.pop() {
            let verdict = judge(&landing.outcome, landing.not_found.as_deref(), rules);
            let kept = self.kept(&landing, &verdict);
            let previous = self.targets.insert(
                key.clone(),
                Target::Done(Resolved {
                    landing: Some(kept),
                    verdict,
                }),
            );
            let waiting = match previous {
                Some(Target::Pending(list)) | Some(Target::Redirect { waiting: list, .. }) => list,
                _ => Vec::new(),
            };
            if let Some(Target::Done(resolved)) = self.targets.get(&key) {
                for r in &waiting {
                    judge_referrer(
                        &mut self.emitted,
                        &key,
                        resolved,
                        &r.page,
                        &r.as_use(),
                        emit,
                    );
                }
            }
            for from in self.redirected_from.remove(&key).unwrap_or_default() {
                let status = match self.targets.get(&from) {
                    Some(Target::Redirect { status, .. }) => *status,
                    _ => continue, // already resolved (a loop member)
                };
                let mut hops = vec![Hop {
                    url: from.clone(),
                    status,
                }];
                hops.extend(landing.outcome.hops.iter().cloned());
                let result = if hops.len() > emit.max_redirects {
                    FetchResult::Failed(FailureKind::TooManyRedirects, "limit".into())
                } else {
                    landing.outcome.result.clone()
                };
                let final_url = match landing.outcome.final_url.as_str() {
                    "" => key.clone(), // a kept landing: answered at its own URL
                    url => url.to_string(),
                };
                let outcome = FetchOutcome {
                    url: from.clone(),
                    final_url,
                    result,
                    hops,
                    content_type: landing.outcome.content_type.clone(),
                    blocked: landing.outcome.blocked.clone(),
                };
                work.push((
                    from,
                    Arc::new(Landing {
                        outcome,
                        not_found: landing.not_found.clone(),
                        anchors: landing.anchors.clone(),
                    }),
                ));
            }
        }
    }

    /// Marks a key as not fetched (excluded, robots.txt, trap): no verdict.
    pub(crate) fn skip(&mut self, key: &str) {
        self.targets.insert(
            key.to_string(),
            Target::Done(Resolved {
                verdict: LinkVerdict::NotChecked,
                landing: None,
            }),
        );
    }
}

impl Ledger {
    /// What the ledger keeps of a target's landing for the rest of the
    /// crawl. A page that answered at its own URL without redirects and is
    /// fine (most of a site) needs no URLs: its key names it, and a
    /// redirect that reaches it later takes the key as where it ended.
    /// Without its URLs, such a landing is the same for every page of a
    /// template (status, content type, the template's anchors): one copy
    /// is kept for all of them, instead of one of some 250 bytes a page.
    fn kept(&mut self, landing: &Arc<Landing>, verdict: &LinkVerdict) -> Arc<Landing> {
        let o = &landing.outcome;
        if *verdict != LinkVerdict::Ok || !o.hops.is_empty() || o.final_url.is_empty() {
            return landing.clone();
        }
        let mut hasher = foldhash::fast::FixedState::default().build_hasher();
        (&o.content_type, &landing.not_found, &landing.anchors).hash(&mut hasher);
        if let FetchResult::Status(code) = &o.result {
            code.hash(&mut hasher);
        }
        let key = hasher.finish();
        let same = |k: &Landing| {
            k.outcome.result == o.result
                && k.outcome.content_type == o.content_type
                && k.outcome.blocked == o.blocked
                && k.not_found == landing.not_found
                && k.anchors == landing.anchors
        };
        if let Some(shared) = self.plain.get(&key).filter(|k| same(k)) {
            return shared.clone();
        }
        let kept = Arc::new(Landing {
            outcome: FetchOutcome {
                url: String::new(),
                final_url: String::new(),
                result: o.result.clone(),
                hops: Vec::new(),
                content_type: o.content_type.clone(),
                blocked: o.blocked.clone(),
            },
            not_found: landing.not_found.clone(),
            anchors: landing.anchors.clone(),
        });
        // The first landing of a hash is the shared one; another with the
        // same hash (a collision) keeps its own copy.
        self.plain.entry(key).or_insert_with(|| kept.clone());
        kept
    }
}

/// Gives one referrer the finding its target's verdict calls for (made by
/// `govscan_checks::links::link_finding`), once per page, target and check
/// (every distinct missing anchor is its own).
pub(crate) fn judge_referrer(
    emitted: &mut HashSet<(Arc<str>, String, CheckId)>,
    key: &str,
    resolved: &Resolved,
    page: &Arc<str>,
    link: &LinkUse<'_>,
    emit: &mut Emit<'_>,
) {
    let anchors = resolved.landing.as_ref().and_then(|l| l.anchors.as_deref());
    let Some(finding) = link_finding(emit.site, &resolved.verdict, anchors, link, emit.profile)
    else {
        return;
    };
    let emitted_key = match (link.fragment, finding.check) {
        (Some(fragment), CheckId::LinkFragment) => format!("{key}#{fragment}"),
        _ => key.to_string(),
    };
    if !emitted.insert((page.clone(), emitted_key, finding.check)) {
        return;
    }
    if matches!(finding.check, CheckId::LinkDead | CheckId::LinkSoft404) {
        emit.bad_links.fetch_add(1, Ordering::Relaxed);
    }
    emit.findings.push(finding);
}

/// Where a redirect from `from` to `to` ends when it may not be followed
/// (a loop, a private address).
pub(crate) fn failed_redirect(
    from: &str,
    to: &str,
    status: u16,
    kind: FailureKind,
) -> Arc<Landing> {
    let outcome = FetchOutcome {
        url: from.to_string(),
        final_url: to.to_string(),
        result: FetchResult::Failed(kind, kind.as_str().to_string()),
        hops: vec![Hop {
            url: from.to_string(),
            status,
        }],
        content_type: None,
        blocked: None,
    };
    Arc::new(Landing {
        outcome,
        not_found: None,
        anchors: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use govscan_checks::links::anchor_hash;

    fn fine(url: &str, anchors: &[&str]) -> Arc<Landing> {
        Arc::new(Landing {
            outcome: FetchOutcome {
                url: url.into(),
                final_url: url.into(),
                result: FetchResult::Status(200),
                hops: Vec::new(),
                content_type: Some("text/html".into()),
                blocked: None,
            },
            not_found: None,
            anchors: Some(anchors.iter().map(|a| anchor_hash(a)).collect()),
        })
    }

    fn test_emit<'a>(
        profile: &'a Profile,
        findings: &'a mut Vec<Finding>,
        bad: &'a AtomicU64,
    ) -> Emit<'a> {
        Emit {
            site: "s",
            profile,
            findings,
            bad_links: bad,
            max_redirects: 5,
        }
    }

    #[test]
    fn a_fine_page_keeps_no_urls_and_still_judges_links_and_redirects() {
        let profile = Profile::national();
        let (mut findings, bad) = (Vec::new(), AtomicU64::new(0));
        let mut emit = test_emit(&profile, &mut findings, &bad);
        let mut ledger = Ledger::default();
        let x = "http://a.gov.cn/x";
        ledger.resolve(x, fine(x, &["here"]), &profile.links, &mut emit);
        let Some(Target::Done(resolved)) = ledger.targets.get(x) else {
            panic!("not resolved")
        };
        let kept = resolved.landing.clone().unwrap();
        assert!(kept.outcome.url.is_empty() && kept.outcome.final_url.is_empty());
        // Its anchors still judge a link's fragment.
        let page: Arc<str> = Arc::from("http://a.gov.cn/");
        for fragment in ["here", "nowhere"] {
            let target = format!("{x}#{fragment}");
            let link = LinkUse {
                page: &page,
                home: true,
                kind: LinkKind::Anchor,
                target: &target,
                text: "甲",
                fragment: Some(fragment),
            };
            ledger.add_referrer(x, &page, &link, &mut emit);
        }
        assert_eq!(emit.findings.len(), 1);
        assert_eq!(emit.findings[0].check, CheckId::LinkFragment);
        assert!(emit.findings[0].target.ends_with("#nowhere"));
        // A URL that redirects to it later ends where it ended: at its key.
        let old = "http://a.gov.cn/old";
        assert!(!ledger.add_redirect(old, x, 301));
        ledger.resolve(x, kept, &profile.links, &mut emit);
        let Some(Target::Done(resolved)) = ledger.targets.get(old) else {
            panic!("redirect not resolved")
        };
        assert_eq!(resolved.verdict, LinkVerdict::Ok);
        let landing = resolved.landing.as_ref().unwrap();
        assert_eq!(landing.outcome.final_url, x);
        assert_eq!(landing.outcome.hops.len(), 1);
        assert_eq!(landing.outcome.hops[0].url, old);
    }

    #[test]
    fn fine_pages_of_one_template_share_one_kept_landing() {
        let profile = Profile::national();
        let (mut findings, bad) = (Vec::new(), AtomicU64::new(0));
        let mut emit = test_emit(&profile, &mut findings, &bad);
        let mut ledger = Ledger::default();
        let kept = |ledger: &Ledger, key: &str| match ledger.targets.get(key) {
            Some(Target::Done(Resolved {
                landing: Some(l), ..
            })) => l.clone(),
            _ => panic!("{key} not resolved"),
        };
        let (a, b, c) = (
            "http://a.gov.cn/a.html",
            "http://a.gov.cn/b.html",
            "http://a.gov.cn/c.html",
        );
        ledger.resolve(a, fine(a, &["_jiucuo_"]), &profile.links, &mut emit);
        ledger.resolve(b, fine(b, &["_jiucuo_"]), &profile.links, &mut emit);
        ledger.resolve(
            c,
            fine(c, &["_jiucuo_", "part2"]),
            &profile.links,
            &mut emit,
        );
        assert!(Arc::ptr_eq(&kept(&ledger, a), &kept(&ledger, b)));
        assert!(!Arc::ptr_eq(&kept(&ledger, a), &kept(&ledger, c)));
        // Each still judges its own fragments: #part2 is on c only.
        let page: Arc<str> = Arc::from("http://a.gov.cn/");
        for target in [b, c] {
            let url = format!("{target}#part2");
            let link = LinkUse {
                page: &page,
                home: false,
                kind: LinkKind::Anchor,
                target: &url,
                text: "第二部分",
                fragment: Some("part2"),
            };
            ledger.add_referrer(target, &page, &link, &mut emit);
        }
        let missing: Vec<&str> = emit.findings.iter().map(|f| f.target.as_str()).collect();
        assert_eq!(missing, ["http://a.gov.cn/b.html#part2"]);
    }
}
