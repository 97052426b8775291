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

/// A target's verdict and what it landed on. Fine pages of one template
/// share one (see [`Ledger::kept`]).
pub(crate) struct Resolved {
    pub(crate) verdict: LinkVerdict,
    pub(crate) landing: Option<Arc<Landing>>,
}

/// A target that answered with a redirect: boxed, as few targets do, so
/// that every other entry stays small.
struct Redirect {
    to: String,
    status: u16,
    waiting: Vec<Referrer>,
}

enum Target {
    /// Queued or in flight; referrers wait for the verdict.
    Pending(Vec<Referrer>),
    /// Answered with a redirect to another key, whose verdict it will share.
    Redirect(Box<Redirect>),
    /// Verdict known.
    Done(Arc<Resolved>),
}

/// A target's name in the ledger: the 128-bit hash of its normalised URL
/// (`urlnorm::url_hash`, the same the crawl's memory of read pages uses),
/// 16 bytes in the table instead of the URL on the heap. The ledger is
/// asked once per link of every page (some 100 a page) and holds every URL
/// a site links to, so both its size and its look-ups matter; nothing reads
/// a target's URL back from it but the bad ones' (kept in [`Ledger::bad`]).
fn id(key: &str) -> u128 {
    govscan_checks::urlnorm::url_hash(key)
}

/// Per-target state: waiting referrers, a redirect edge, or the verdict.
#[derive(Default)]
pub(crate) struct Ledger {
    targets: HashMap<u128, Target>,
    /// Reverse redirect edges: target key → keys redirecting to it.
    redirected_from: HashMap<String, Vec<String>>,
    /// The findings already made: page, the target's [`id`] (with the
    /// fragment, for a missing anchor) and check. A hash, not the URL: a
    /// dead link in a template is one finding on every page.
    emitted: HashSet<(Arc<str>, u128, CheckId)>,
    /// The verdicts of fine pages kept without URLs, one per distinct
    /// landing (see [`Ledger::kept`]).
    plain: HashMap<u64, Arc<Resolved>>,
    /// The URLs of the targets whose verdict is a dead or wrong link, for
    /// the site-wide checks ([`Ledger::bad_targets`]).
    bad: HashMap<u128, String>,
    /// The one verdict of every target not fetched (see [`Ledger::skip`]).
    not_checked: Option<Arc<Resolved>>,
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
        self.targets.contains_key(&id(key))
    }

    /// The verdict of `key`, once it has one.
    pub(crate) fn done(&self, key: &str) -> Option<&Resolved> {
        match self.targets.get(&id(key)) {
            Some(Target::Done(resolved)) => Some(resolved),
            _ => None,
        }
    }

    /// The normalised URLs of the targets judged dead or wrong links.
    pub(crate) fn bad_targets(&self) -> std::collections::HashSet<String> {
        self.bad.values().cloned().collect()
    }

    pub(crate) fn insert_pending(&mut self, key: &str) {
        self.targets
            .entry(id(key))
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
        self.refer(id(key), key, page, link, emit)
    }

    fn refer(
        &mut self,
        id: u128,
        key: &str,
        page: &Arc<str>,
        link: &LinkUse<'_>,
        emit: &mut Emit<'_>,
    ) -> bool {
        match self.targets.get_mut(&id) {
            Some(Target::Pending(list)) => list.push(Referrer::keep(page, link)),
            Some(Target::Redirect(redirect)) => redirect.waiting.push(Referrer::keep(page, link)),
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
        let id = id(key);
        if !self.refer(id, key, page, link, emit) {
            self.targets
                .insert(id, Target::Pending(vec![Referrer::keep(page, link)]));
        }
    }

    /// Where a key's redirects lead, if it redirects; `None` at a non-redirect.
    pub(crate) fn redirect_of(&self, key: &str) -> Option<&str> {
        match self.targets.get(&id(key)) {
            Some(Target::Redirect(redirect)) => Some(&redirect.to),
            _ => None,
        }
    }

    /// Records that `from` answered with a redirect to `to`. Returns true
    /// when this closes a loop (`to` leads back to `from`).
    pub(crate) fn add_redirect(&mut self, from: &str, to: &str, status: u16) -> bool {
        let waiting = match self.targets.remove(&id(from)) {
            Some(Target::Pending(list)) => list,
            Some(Target::Redirect(redirect)) => redirect.waiting,
            _ => Vec::new(),
        };
        self.targets.insert(
            id(from),
            Target::Redirect(Box::new(Redirect {
                to: to.to_string(),
                status,
                waiting,
            })),
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
            let resolved = self.kept(&landing, verdict);
            self.settle(&key, resolved.clone());
            let previous = self
                .targets
                .insert(id(&key), Target::Done(resolved.clone()));
            let waiting = match previous {
                Some(Target::Pending(list)) => list,
                Some(Target::Redirect(redirect)) => redirect.waiting,
                _ => Vec::new(),
            };
            for r in &waiting {
                judge_referrer(
                    &mut self.emitted,
                    &key,
                    &resolved,
                    &r.page,
                    &r.as_use(),
                    emit,
                );
            }
            for from in self.redirected_from.remove(&key).unwrap_or_default() {
                let status = match self.targets.get(&id(&from)) {
                    Some(Target::Redirect(redirect)) => redirect.status,
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
        let resolved = self
            .not_checked
            .get_or_insert_with(|| {
                Arc::new(Resolved {
                    verdict: LinkVerdict::NotChecked,
                    landing: None,
                })
            })
            .clone();
        self.settle(key, resolved.clone());
        self.targets.insert(id(key), Target::Done(resolved));
    }

    /// Keeps the URL of a target whose verdict is bad, and forgets it when
    /// a later verdict is not.
    fn settle(&mut self, key: &str, resolved: Arc<Resolved>) {
        if resolved.verdict.is_bad() {
            self.bad.insert(id(key), key.to_string());
        } else if !self.bad.is_empty() {
            self.bad.remove(&id(key));
        }
    }

    /// The verdict the ledger keeps of a target for the rest of the crawl.
    /// A page that answered at its own URL without redirects and is fine
    /// (most of a site) needs no URLs: its key names it, and a redirect
    /// that reaches it later takes the key as where it ended. Without its
    /// URLs, such a verdict is the same for every page of a template
    /// (status, content type, the template's anchors): one copy is kept for
    /// all of them, instead of one of some 300 bytes a page.
    fn kept(&mut self, landing: &Arc<Landing>, verdict: LinkVerdict) -> Arc<Resolved> {
        let o = &landing.outcome;
        if verdict != LinkVerdict::Ok || !o.hops.is_empty() || o.final_url.is_empty() {
            return Arc::new(Resolved {
                verdict,
                landing: Some(landing.clone()),
            });
        }
        let mut hasher = foldhash::fast::FixedState::default().build_hasher();
        (&o.content_type, &landing.not_found, &landing.anchors).hash(&mut hasher);
        if let FetchResult::Status(code) = &o.result {
            code.hash(&mut hasher);
        }
        let key = hasher.finish();
        let same = |r: &Resolved| {
            r.landing.as_ref().is_some_and(|k| {
                k.outcome.result == o.result
                    && k.outcome.content_type == o.content_type
                    && k.outcome.blocked == o.blocked
                    && k.not_found == landing.not_found
                    && k.anchors == landing.anchors
            })
        };
        if let Some(shared) = self.plain.get(&key).filter(|r| same(r)) {
            return shared.clone();
        }
        let kept = Arc::new(Resolved {
            verdict,
            landing: Some(Arc::new(Landing {
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
            })),
        });
        // The first verdict of a hash is the shared one; another with the
        // same hash (a collision) keeps its own copy.
        self.plain.entry(key).or_insert_with(|| kept.clone());
        kept
    }
}

/// Gives one referrer the finding its target's verdict calls for (made by
/// `govscan_checks::links::link_finding`), once per page, target and check
/// (every distinct missing anchor is its own).
pub(crate) fn judge_referrer(
    emitted: &mut HashSet<(Arc<str>, u128, CheckId)>,
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
        (Some(fragment), CheckId::LinkFragment) => id(&format!("{key}#{fragment}")),
        _ => id(key),
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
        let Some(resolved) = ledger.done(x) else {
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
        let Some(resolved) = ledger.done(old) else {
            panic!("redirect not resolved")
        };
        assert_eq!(resolved.verdict, LinkVerdict::Ok);
        let landing = resolved.landing.as_ref().unwrap();
        assert_eq!(landing.outcome.final_url, x);
        assert_eq!(landing.outcome.hops.len(), 1);
        assert_eq!(landing.outcome.hops[0].url, old);
    }

    #[test]
    fn a_ledger_entry_stays_small() {
        // Every URL a site links to has one: 16 bytes of key and this.
        assert!(std::mem::size_of::<Target>() <= 32);
    }

    #[test]
    fn bad_targets_are_the_dead_ones_and_what_redirects_to_them() {
        let profile = Profile::national();
        let (mut findings, bad) = (Vec::new(), AtomicU64::new(0));
        let mut emit = test_emit(&profile, &mut findings, &bad);
        let mut ledger = Ledger::default();
        let (gone, old, fine_url, skipped) = (
            "http://a.gov.cn/gone",
            "http://a.gov.cn/old",
            "http://a.gov.cn/fine",
            "http://a.gov.cn/robots-only",
        );
        let mut dead = fine(gone, &[]);
        Arc::get_mut(&mut dead).unwrap().outcome.result = FetchResult::Status(404);
        ledger.insert_pending(old);
        assert!(!ledger.add_redirect(old, gone, 302));
        ledger.resolve(gone, dead, &profile.links, &mut emit);
        ledger.resolve(fine_url, fine(fine_url, &[]), &profile.links, &mut emit);
        ledger.skip(skipped);
        let mut targets: Vec<String> = ledger.bad_targets().into_iter().collect();
        targets.sort();
        assert_eq!(targets, [gone, old]);
        assert!(ledger.done(old).is_some_and(|r| r.verdict.is_bad()));
        assert_eq!(
            ledger.done(skipped).map(|r| &r.verdict),
            Some(&LinkVerdict::NotChecked)
        );
        // A target judged again with a fine verdict is no longer bad.
        ledger.resolve(gone, fine(gone, &[]), &profile.links, &mut emit);
        let targets: Vec<String> = ledger.bad_targets().into_iter().collect();
        assert_eq!(targets, [old]);
    }

    #[test]
    fn fine_pages_of_one_template_share_one_kept_landing() {
        let profile = Profile::national();
        let (mut findings, bad) = (Vec::new(), AtomicU64::new(0));
        let mut emit = test_emit(&profile, &mut findings, &bad);
        let mut ledger = Ledger::default();
        let kept = |ledger: &Ledger, key: &str| match ledger.done(key) {
            Some(Resolved {
                landing: Some(l), ..
            }) => l.clone(),
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
