//! One site's crawl: frontier, link ledger and the loop that drives them.
//!
//! The loop owns all per-site state, so there are no locks in it: fetch
//! tasks (bounded by `site_concurrency`) do the IO and the page analysis and
//! hand back a [`JobDone`]; the loop records it and schedules what it found.
//!
//! The [`Ledger`] keeps, per unique target, either the pages waiting for its
//! verdict or the verdict itself. Referrers of a target that turns out fine
//! are dropped, so memory grows with the number of URLs, not of links.

use super::context::{RunContext, SiteProgress};
use super::coverage::Coverage;
use super::jobs::{run_job, Job, JobDone, JobKind, SiteShared};
use super::ledger::{failed_redirect, Emit, Landing, Ledger};
use super::robots::{sitemap_seeds, Robots};
use super::site_pages::SitePages;
use super::site_state::SiteCrawl;
use super::urlnorm::{is_attachment, normalise, Scope, TrapGuard};
use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};
use govscan_checks::links::{is_private_host, LinkUse};
use govscan_checks::record::PageRecord;
use govscan_checks::site::SiteSummary;
use govscan_checks::{FailureKind, FetchOutcome, FetchResult, Finding};
use govscan_reports::spill::SpilledPages;
use regex::Regex;
use std::collections::VecDeque;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use tokio::task::JoinSet;
use url::Url;

/// A site to scan. Serialised as a province job.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct SiteSpec {
    /// Name from the site list, or the host.
    pub name: String,
    /// The home page to start from.
    pub seed: Url,
    /// Extra columns of the site list, kept for the reports.
    pub extra: Vec<(String, String)>,
    /// The site's level (`level` column: government or department), which
    /// decides the yearly report's deadline and the required columns.
    pub level: Option<govscan_checks::content::SiteLevel>,
}

/// Per-site crawl limits and switches.
#[derive(Debug, Clone)]
pub struct CrawlOptions {
    /// Pages crawled (fetched and analysed) per site at most.
    pub max_pages: usize,
    /// Link depth from the home page at most.
    pub max_depth: u32,
    /// HTML body cap for site pages.
    pub html_cap: usize,
    /// HTML body cap for outside pages fetched to check a link.
    pub check_cap: usize,
    /// Requests in flight per site.
    pub site_concurrency: usize,
    /// URLs never fetched (still analysed as links).
    pub exclude: Vec<Regex>,
    /// Extra hosts that belong to every site.
    pub include_hosts: Vec<String>,
    /// Ignore robots.txt.
    pub ignore_robots: bool,
    /// URLs per query pattern at most (endless calendars).
    pub trap_cap: u32,
    /// Path segments at most.
    pub max_path_segments: usize,
    /// Use sitemap.xml as extra seeds.
    pub use_sitemaps: bool,
}

/// Everything one site's crawl produced.
#[derive(Debug)]
pub struct SiteResult {
    /// The site.
    pub spec: SiteSpec,
    /// The home page after redirects.
    pub home: String,
    /// Every fetched URL's record, in report order, when kept in memory
    /// (a province worker's); empty when they went to the run's spill file.
    pub pages: Vec<PageRecord>,
    /// Where the records went, when written to the run's spill file.
    pub spilled: Option<SpilledPages>,
    /// Pages read (crawled).
    pub pages_read: usize,
    /// URLs fetched (pages and link checks).
    pub urls_fetched: usize,
    /// Findings, in the order found.
    pub findings: Vec<Finding>,
    /// Run-log notes (traps, robots), not findings.
    pub notes: Vec<String>,
    /// Whether the crawl was stopped before it finished.
    pub interrupted: bool,
    /// The site-wide numbers (columns, home page, footer, policy).
    pub summary: SiteSummary,
}

/// Crawls one site to the end (or until cancelled).
pub async fn crawl_site(
    spec: SiteSpec,
    ctx: Arc<RunContext>,
    progress: Arc<SiteProgress>,
) -> SiteResult {
    let opts = ctx.options.clone();
    let seed = normalise(&spec.seed);
    let site_private = seed.host().is_some_and(|h| is_private_host(&h));
    let site_id = ctx
        .history
        .as_ref()
        .and_then(|h| h.site_ids.get(spec.seed.as_str()).copied());
    let stored = match (&ctx.history, site_id) {
        (Some(h), Some(site)) => {
            let (run, resume) = (h.run, h.resume);
            crate::store::read(&h.store, move |s| s.stored_urls(run, site, resume))
                .await
                .ok()
        }
        _ => None,
    };
    let shared = Arc::new(SiteShared {
        ctx: ctx.clone(),
        scope: Scope::new(&seed, &opts.include_hosts),
        site_private,
        name: Arc::from(spec.name.as_str()),
        footer_sources: Mutex::default(),
        rendered_footers: Mutex::default(),
        site_id,
        stored,
        data_asked: Mutex::default(),
    });
    let mut cancel = ctx.cancel.clone();
    let robots = if opts.ignore_robots {
        Robots::allow_all()
    } else {
        Robots::fetch(&ctx.fetcher, &seed, site_private).await
    };
    let mut site = SiteCrawl {
        opts: &opts,
        shared: shared.clone(),
        robots,
        ledger: Ledger::default(),
        frontier: VecDeque::new(),
        traps: TrapGuard::new(opts.trap_cap, opts.max_path_segments),
        trap_notes: HashSet::new(),
        notes: Vec::new(),
        crawl_scheduled: 1,
        beyond_limits: 0,
        crawled_keys: HashSet::new(),
        robots_skipped: 0,
        home_key: seed.to_string(),
        redirect_hops: HashMap::new(),
        footers: HashSet::new(),
        tags: HashSet::new(),
        related: HashSet::new(),
        contents: HashSet::new(),
        index_pages: HashMap::new(),
        index_alias: None,
    };
    if !site.robots.allowed(&seed) {
        site.notes.push(format!(
            "robots.txt 禁止抓取首页 {seed}；如为本单位网站，可使用 --ignore-robots"
        ));
    }
    let mut pages = SitePages::new(&spec.name, ctx.page_spill.clone());
    let mut findings: Vec<Finding> = Vec::new();
    let mut ipv6_sample = super::ipv6_probe::Ipv6Sample::default();
    let mut home = seed.to_string();

    site.ledger.insert_pending(seed.as_str());
    site.frontier.push_back(Job {
        url: seed.clone(),
        depth: 0,
        kind: JobKind::Crawl,
        is_home: true,
    });
    if opts.use_sitemaps {
        for url in sitemap_seeds(&ctx.fetcher, &seed, &site.robots, site_private, 20).await {
            let url = normalise(&url);
            if shared.scope.contains(&url)
                && !site.ledger.contains(url.as_str())
                && !is_attachment(&url)
            {
                let mut emit = Emit {
                    site: &spec.name,
                    profile: &ctx.profile,
                    findings: &mut findings,
                    bad_links: &progress.bad_links,
                    max_redirects: ctx.fetcher.config().max_redirects,
                };
                site.schedule(url, 1, true, 0, &mut emit);
            }
        }
    }

    let mut inflight: JoinSet<JobDone> = JoinSet::new();
    let mut coverage = Coverage::default();
    let mut interrupted = *cancel.borrow();
    while !interrupted {
        while inflight.len() < opts.site_concurrency.max(1) {
            let Some(job) = site.frontier.pop_front() else {
                break;
            };
            if job.kind == JobKind::Crawl {
                coverage.crawl_started();
            }
            inflight.spawn(run_job(job, shared.clone()));
        }
        progress.queued.store(
            site.frontier.len() as u64 + inflight.len() as u64,
            Ordering::Relaxed,
        );
        if inflight.is_empty() {
            break;
        }
        let done = tokio::select! {
            biased;
            _ = cancel.changed() => { interrupted = true; break; }
            done = inflight.join_next() => done,
        };
        let mut done = match done {
            Some(Ok(done)) => done,
            Some(Err(e)) => {
                site.notes.push(format!("内部错误：抓取任务异常结束：{e}"));
                continue;
            }
            None => break,
        };
        progress.fetched.fetch_add(1, Ordering::Relaxed);
        // The home page's extra checks (cloaking, certificate, defacement).
        findings.append(&mut done.side.findings);
        site.notes.append(&mut done.side.notes);
        let mut emit = Emit {
            site: &spec.name,
            profile: &ctx.profile,
            findings: &mut findings,
            bad_links: &progress.bad_links,
            max_redirects: ctx.fetcher.config().max_redirects,
        };
        let outcome = &done.landing.outcome;
        if done.kind == JobKind::Crawl {
            coverage.crawl_done(outcome);
        }
        if done.is_home {
            coverage.home_answered(outcome);
        }
        let record = PageRecord {
            content_hash: done.body_hash.clone().unwrap_or_default(),
            url: done.key.clone(),
            status: site.share(&outcome.status_label()),
            content_type: site.share(outcome.content_type.as_deref().unwrap_or_default()),
            charset: site.share(done.page.as_ref().map_or("", |(_, a)| &*a.facts.charset)),
            bytes: done.bytes,
            depth: done.depth,
            title: done
                .page
                .as_ref()
                .map(|(_, a)| a.facts.title.clone())
                .unwrap_or_else(|| site.share("")),
            response_ms: done.elapsed_ms,
            is_home: done.is_home,
            crawled: false,
            facts: None,
        };
        pages.push(record).await;

        // A site page answered with a redirect: the target is a URL of its
        // own (requested once), and this key shares its verdict.
        if let (Some(next), FetchResult::Status(status)) = (&done.location, &outcome.result) {
            let next = normalise(next);
            let next_key = next.to_string();
            if !site_private && next.host().is_some_and(|h| is_private_host(&h)) {
                let landing = failed_redirect(
                    &done.key,
                    &next_key,
                    *status,
                    FailureKind::RedirectToPrivate,
                );
                site.ledger
                    .resolve(&done.key, landing, &ctx.profile.links, &mut emit);
                continue;
            }
            if done.is_home {
                site.home_key = next_key.clone();
                home = next_key.clone();
            }
            let known = site.ledger.contains(&next_key);
            if site.ledger.add_redirect(&done.key, &next_key, *status) {
                let landing =
                    failed_redirect(&done.key, &next_key, *status, FailureKind::RedirectLoop);
                site.ledger
                    .resolve(&done.key, landing, &ctx.profile.links, &mut emit);
            } else if let Some(resolved) = site.ledger.done(&next_key) {
                if let Some(landing) = resolved.landing.clone() {
                    // Re-resolving the target propagates to this key.
                    site.ledger
                        .resolve(&next_key, landing, &ctx.profile.links, &mut emit);
                } else {
                    site.ledger.skip(&done.key);
                }
            } else if !known {
                // The redirect limit stops a chain here, not after walking it.
                let hops = site.redirect_hops.get(&done.key).copied().unwrap_or(0) + 1;
                if hops >= ctx.fetcher.config().max_redirects {
                    let limit = FetchOutcome {
                        url: next_key.clone(),
                        final_url: next_key.clone(),
                        result: FetchResult::Failed(FailureKind::TooManyRedirects, "limit".into()),
                        hops: Vec::new(),
                        content_type: None,
                        blocked: None,
                    };
                    let landing = Arc::new(Landing {
                        outcome: limit,
                        not_found: None,
                        anchors: None,
                    });
                    site.ledger
                        .resolve(&next_key, landing, &ctx.profile.links, &mut emit);
                    continue;
                }
                site.redirect_hops.insert(next_key.clone(), hops);
                let navigation = done.kind == JobKind::Crawl;
                site.schedule(
                    next.clone(),
                    done.depth,
                    navigation,
                    done.depth.saturating_sub(1),
                    &mut emit,
                );
                if site.ledger.done(&next_key).is_some() {
                    site.ledger.skip(&done.key); // excluded, robots.txt or trap
                }
            }
            continue;
        }

        site.ledger.resolve(
            &done.key,
            done.landing.clone(),
            &ctx.profile.links,
            &mut emit,
        );
        // An outside check that was redirected also settles where it landed
        // (site pages are never settled this way: they must be crawled).
        // Without redirects it landed at its own key: nothing to parse.
        let final_key = if outcome.hops.is_empty() {
            String::new()
        } else {
            normalise_str(&outcome.final_url)
        };
        if !final_key.is_empty()
            && final_key != done.key
            && Url::parse(&final_key).is_ok_and(|u| !shared.scope.contains(&u))
            && site.ledger.done(&final_key).is_none()
        {
            site.ledger.resolve(
                &final_key,
                done.landing.clone(),
                &ctx.profile.links,
                &mut emit,
            );
        }
        if done.is_home {
            home = outcome.final_url.clone();
        }

        // A redirect may land on a page already crawled under another URL.
        let page = done.page.filter(|(final_url, _)| {
            site.crawled_keys.insert(govscan_checks::urlnorm::url_hash(
                normalise(final_url).as_str(),
            ))
        });
        let Some((final_url, analysis)) = page else {
            continue;
        };
        if let Some(hash) = done.body_hash {
            site.learn_index_alias(&done.key, hash);
        }
        if done.is_home {
            coverage.home_analysed(analysis.login);
        }
        progress.pages.fetch_add(1, Ordering::Relaxed);
        if ctx.fetcher_v6.is_some() {
            ipv6_sample.page(
                &final_url,
                done.is_home,
                &analysis,
                &shared.scope,
                &ctx.profile,
            );
        }
        emit.findings.extend(analysis.findings.iter().cloned());
        let page_url: Arc<str> = Arc::from(final_url.as_str());
        for link in analysis.web_links() {
            if !site_private && link.is_private() {
                continue; // reported by the page analysis, never requested
            }
            let link_use = LinkUse {
                page: &page_url,
                home: done.is_home,
                kind: link.kind,
                target: link.target,
                text: link.text,
                fragment: link.fragment(),
            };
            // A stored link already in its normal form names its own key: a
            // target the crawl knows needs no URL built (most links on a
            // re-scan: the site's template repeats them on every page).
            if let Some(key) = link.key() {
                if site
                    .ledger
                    .add_referrer_if_known(key, &page_url, &link_use, &mut emit)
                {
                    continue;
                }
            }
            let Some(url) = link.url() else {
                continue;
            };
            let target = normalise(&url);
            let key = site.canonical_key(&target, target.to_string());
            if !site.ledger.contains(&key) {
                site.schedule(
                    target,
                    done.depth + 1,
                    link.kind.is_navigation(),
                    done.depth,
                    &mut emit,
                );
            }
            site.ledger
                .add_referrer(&key, &page_url, &link_use, &mut emit);
        }
        let mut facts = analysis.facts;
        site.share_repeated(&mut facts);
        pages.read(facts);
    }
    let pending_crawls = site
        .frontier
        .iter()
        .filter(|j| j.kind == JobKind::Crawl)
        .count();
    if interrupted {
        inflight.abort_all();
        site.notes
            .push("扫描被中断：以下结果为中断前已完成的部分".to_string());
    }
    if site.robots_skipped > 0 {
        site.notes.push(format!(
            "robots.txt 禁止抓取的站内地址 {} 个未检查；如为本单位网站，可使用 --ignore-robots",
            site.robots_skipped
        ));
    }
    // The crawl's per-URL state other than the ledger is done with.
    drop(std::mem::take(&mut site.crawled_keys));
    drop(std::mem::take(&mut site.redirect_hops));
    drop(std::mem::take(&mut site.index_pages));
    super::site_end::conclude(
        &ctx,
        &shared,
        &progress,
        super::site_end::CrawlEnd {
            spec,
            home,
            pages,
            findings,
            notes: site.notes,
            ledger: site.ledger,
            coverage,
            ipv6_sample,
            interrupted,
            pending_crawls,
            beyond_limits: site.beyond_limits,
        },
    )
    .await
}

pub(super) fn normalise_str(url: &str) -> String {
    Url::parse(url)
        .map(|u| normalise(&u).to_string())
        .unwrap_or_else(|_| url.to_string())
}
