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
use super::ledger::{failed_redirect, Emit, Landing, Ledger, Referrer, Resolved, Target};
use super::robots::{sitemap_seeds, Robots};
use super::twins::merge_index_twins;
use super::urlnorm::{index_variant, is_attachment, normalise, Scope, Trap, TrapGuard};
use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};
use govscan_checks::audit::{judge_audit, not_audited_finding, AuditStatus, HomeState};
use govscan_checks::footer::FooterFacts;
use govscan_checks::links::is_private_host;
use govscan_checks::record::PageRecord;
use govscan_checks::site::{site_checks, SiteInput, SitePage, SiteSummary};
use govscan_checks::{CheckId, FailureKind, FetchOutcome, FetchResult, Finding, LinkTarget};
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
    /// Every fetched URL.
    pub pages: Vec<PageRecord>,
    /// Findings, in the order found.
    pub findings: Vec<Finding>,
    /// Run-log notes (traps, robots), not findings.
    pub notes: Vec<String>,
    /// Whether the crawl was stopped before it finished.
    pub interrupted: bool,
    /// The site-wide numbers (columns, home page, footer, policy).
    pub summary: SiteSummary,
}

/// The per-site state the loop owns.
struct SiteCrawl<'a> {
    opts: &'a CrawlOptions,
    shared: Arc<SiteShared>,
    robots: Robots,
    ledger: Ledger,
    frontier: VecDeque<Job>,
    traps: TrapGuard,
    trap_notes: HashSet<String>,
    notes: Vec<String>,
    crawl_scheduled: usize,
    /// In-site pages found but not crawled because of `--max-pages` or
    /// `--max-depth` (checked as links only).
    beyond_limits: usize,
    /// The pages read so far, by a 128-bit hash of their normalised final
    /// URL: a redirect landing on one of them is not read twice. Hashes,
    /// not strings: on a 200,000-page site the strings were 20 MB.
    crawled_keys: HashSet<u128>,
    robots_skipped: u64,
    home_key: String,
    /// Redirects walked to reach a URL (for the redirect limit).
    redirect_hops: HashMap<String, usize>,
    /// The distinct footers of the site's pages, shared by the pages' facts.
    footers: HashSet<Arc<FooterFacts>>,
    /// The distinct site and column tags, shared likewise.
    tags: HashSet<Arc<str>>,
    /// Body hashes of directory-index URLs seen (`/a/` or `/a/index.html`).
    index_pages: HashMap<String, (String, String)>,
    /// The index file name the server serves for `dir/`, once learned.
    index_alias: Option<String>,
}

impl SiteCrawl<'_> {
    /// The site's one copy of a string that repeats from record to record.
    fn share(&mut self, s: &str) -> Arc<str> {
        match self.tags.get(s) {
            Some(shared) => shared.clone(),
            None => {
                let shared: Arc<str> = Arc::from(s);
                self.tags.insert(shared.clone());
                shared
            }
        }
    }

    /// Pages of one template have the same footer and the same site and
    /// column tags: the site keeps one copy of each, so memory grows with
    /// the pages' own facts only.
    fn share_repeated(&mut self, facts: &mut govscan_checks::PageFacts) {
        match self.footers.get(&facts.footer) {
            Some(shared) => facts.footer = shared.clone(),
            None => {
                self.footers.insert(facts.footer.clone());
            }
        }
        let meta = &mut facts.meta;
        for tag in [
            &mut meta.site_name,
            &mut meta.site_domain,
            &mut meta.site_id_code,
            &mut meta.column_name,
            &mut meta.column_type,
            &mut facts.column,
            &mut facts.cms,
        ]
        .into_iter()
        .flatten()
        {
            match self.tags.get(tag) {
                Some(shared) => *tag = shared.clone(),
                None => {
                    self.tags.insert(tag.clone());
                }
            }
        }
        // A policy page's same-site links: the template's repeat on every
        // such page (a third of a county portal's pages are documents).
        for link in &mut facts.related {
            for s in [&mut link.url, &mut link.text] {
                match self.tags.get(s) {
                    Some(shared) => *s = shared.clone(),
                    None => {
                        self.tags.insert(s.clone());
                    }
                }
            }
        }
    }

    /// Learns from two identical bodies that `dir/` and `dir/NAME` are one page.
    fn learn_index_alias(&mut self, key: &str, hash: String) {
        if self.index_alias.is_some() {
            return;
        }
        let Some((dir, name)) = Url::parse(key).ok().as_ref().and_then(index_variant) else {
            return;
        };
        match self.index_pages.get(&dir) {
            Some((other, h)) if *h == hash && *other != name => {
                let file = if name.is_empty() { other.clone() } else { name };
                self.notes.push(format!(
                    "服务器对“目录/”与“目录/{file}”返回相同内容，已合并为同一页面"
                ));
                self.index_alias = Some(file);
            }
            Some(_) => {}
            None => {
                if self.index_pages.len() < 1000 {
                    self.index_pages.insert(dir, (name, hash));
                }
            }
        }
    }

    /// The key a link should use: the known twin of a directory-index URL
    /// when the server serves both as one page.
    fn canonical_key(&self, target: &Url, key: String) -> String {
        let (Some(alias), false) = (&self.index_alias, self.ledger.contains(&key)) else {
            return key;
        };
        let Some((dir, name)) = index_variant(target) else {
            return key;
        };
        let twin = if name.is_empty() {
            format!("{dir}{alias}")
        } else if name == *alias {
            dir
        } else {
            return key;
        };
        if self.ledger.contains(&twin) {
            twin
        } else {
            key
        }
    }

    /// Decides how to fetch a new target, or skips it. Returns false if skipped.
    fn schedule(
        &mut self,
        target: Url,
        depth: u32,
        navigation: bool,
        parent_depth: u32,
        emit: &mut Emit<'_>,
    ) {
        let key = target.to_string();
        let opts = self.opts;
        if opts.exclude.iter().any(|re| re.is_match(target.as_str())) {
            self.ledger.skip(&key);
            return;
        }
        let in_scope = self.shared.scope.contains(&target);
        let kind = if in_scope && navigation && !is_attachment(&target) {
            if !self.robots.allowed(&target) {
                self.robots_skipped += 1;
                self.ledger.skip(&key);
                return;
            }
            let within = parent_depth < opts.max_depth && self.crawl_scheduled < opts.max_pages;
            if !within {
                self.beyond_limits += 1;
                JobKind::Check { head: false }
            } else {
                match self.traps.admit(&target) {
                    Ok(()) => {
                        self.crawl_scheduled += 1;
                        JobKind::Crawl
                    }
                    Err(trap) => {
                        let note = match trap {
                            Trap::PatternCap(p) => {
                                format!(
                                    "疑似爬虫陷阱：同一模式的地址超过{}个，其余未抓取：{p}",
                                    opts.trap_cap
                                )
                            }
                            Trap::DeepPath => {
                                format!("疑似爬虫陷阱：路径过深或重复，未抓取：{key}")
                            }
                        };
                        if self.trap_notes.len() < 100 && self.trap_notes.insert(note.clone()) {
                            self.notes.push(note);
                        }
                        self.ledger.skip(&key);
                        return;
                    }
                }
            }
        } else {
            JobKind::Check {
                head: is_attachment(&target) || !navigation,
            }
        };
        let _ = emit;
        self.ledger.insert_pending(key.clone());
        self.frontier.push_back(Job {
            url: target,
            depth,
            kind,
            is_home: key == self.home_key,
        });
    }
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
        index_pages: HashMap::new(),
        index_alias: None,
    };
    if !site.robots.allowed(&seed) {
        site.notes.push(format!(
            "robots.txt 禁止抓取首页 {seed}；如为本单位网站，可使用 --ignore-robots"
        ));
    }
    let mut pages: Vec<PageRecord> = Vec::new();
    let mut findings: Vec<Finding> = Vec::new();
    let mut ipv6_sample = super::ipv6_probe::Ipv6Sample::default();
    let mut home = seed.to_string();

    site.ledger.insert_pending(seed.to_string());
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
        pages.push(PageRecord {
            content_hash: done.body_hash.clone().unwrap_or_default(),
            url: done.key.clone(),
            status: site.share(&outcome.status_label()),
            content_type: site.share(outcome.content_type.as_deref().unwrap_or_default()),
            charset: site.share(
                done.page
                    .as_ref()
                    .map_or("", |(_, a)| a.facts.charset.as_str()),
            ),
            bytes: done.bytes,
            depth: done.depth,
            title: done
                .page
                .as_ref()
                .map(|(_, a)| a.facts.title.clone())
                .unwrap_or_default(),
            response_ms: done.elapsed_ms,
            is_home: done.is_home,
            crawled: false,
            facts: None,
        });

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
            } else if let Some(Target::Done(resolved)) = site.ledger.targets.get(&next_key) {
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
                if let Some(Target::Done(_)) = site.ledger.targets.get(&next_key) {
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
        let final_key = normalise_str(&outcome.final_url);
        let final_outside = Url::parse(&final_key).is_ok_and(|u| !shared.scope.contains(&u));
        if final_key != done.key
            && final_outside
            && !site
                .ledger
                .targets
                .get(&final_key)
                .is_some_and(|t| matches!(t, Target::Done(_)))
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
            site.crawled_keys
                .insert(url_hash(normalise(final_url).as_str()))
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
        for link in &analysis.links {
            let LinkTarget::Web(url) = &link.target else {
                continue;
            };
            if !site_private && url.host().is_some_and(|h| is_private_host(&h)) {
                continue; // reported by the page analysis, never requested
            }
            let target = normalise(url);
            let key = site.canonical_key(&target, target.to_string());
            let referrer = Referrer {
                page: page_url.clone(),
                home: done.is_home,
                kind: link.kind,
                target: url.as_str().into(),
                text: link.text.as_str().into(),
                fragment: url.fragment().filter(|f| !f.is_empty()).map(Into::into),
            };
            if !site.ledger.contains(&key) {
                site.schedule(
                    target,
                    done.depth + 1,
                    link.kind.is_navigation(),
                    done.depth,
                    &mut emit,
                );
            }
            site.ledger.add_referrer(&key, referrer, &mut emit);
        }
        if let Some(record) = pages.last_mut() {
            record.crawled = true;
            let mut facts = analysis.facts;
            site.share_repeated(&mut facts);
            record.facts = Some(Box::new(facts));
        }
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
    merge_index_twins(&mut pages, &mut findings);

    let pages_read = pages.iter().filter(|p| p.crawled).count();
    // The home page may have been crawled under its final URL before the
    // redirect that leads there was seen (a sitemap naming /index.html):
    // it was read all the same.
    let home_final = normalise_str(&home);
    if pages.iter().any(|p| p.crawled && p.url == home_final) {
        coverage.home_read_elsewhere();
    }
    let scope = &shared.scope;
    let audit_input = coverage.audit_input(pages_read, pending_crawls, interrupted, &|u| {
        Url::parse(u).is_ok_and(|u| scope.contains(&u))
    });
    let audit = judge_audit(&audit_input, &ctx.profile.audit);
    let home_key = normalise_str(&home);
    let dead: std::collections::HashSet<String> = site
        .ledger
        .targets
        .iter()
        .filter(|(_, t)| matches!(t, Target::Done(Resolved { verdict, .. }) if verdict.is_bad()))
        .map(|(k, _)| k.clone())
        .collect();
    // The sampled links that loaded over IPv4: the only ones the IPv6
    // checks try again (asked of the sample, not of every link the ledger
    // holds: on a 200,000-page site that copy was the end's memory peak).
    let ok_over_v4: HashSet<String> = ipv6_sample
        .keys()
        .filter(|k| {
            matches!(site.ledger.targets.get(k), Some(Target::Done(Resolved { verdict, .. })) if *verdict == govscan_checks::LinkVerdict::Ok)
        })
        .collect();
    // The crawl's per-URL state is done with: freed before the site-wide
    // checks and the IPv6 fetches, which run at the site's memory peak.
    drop(std::mem::take(&mut site.ledger));
    drop(std::mem::take(&mut site.crawled_keys));
    drop(std::mem::take(&mut site.redirect_hops));
    drop(std::mem::take(&mut site.index_pages));
    let mut summary = if audit.status == AuditStatus::NotAudited {
        // One site-level finding says why; the blocked links it would
        // otherwise list one by one are its symptoms. When the home page
        // itself is not the portal (a login page), what was read of it is
        // not the site's either. Site-wide rules are not applied to a site
        // that could not be read.
        let home_read = audit_input.home == HomeState::Analysed;
        findings.retain(|f| home_read && f.check != CheckId::LinkBlocked);
        findings.extend(not_audited_finding(
            &spec.name,
            &home_key,
            &audit,
            &ctx.profile,
        ));
        SiteSummary {
            pages: pages_read,
            ..SiteSummary::default()
        }
    } else {
        // Site-wide checks over every crawled page's facts.
        let site_pages: Vec<SitePage<'_>> = pages
            .iter()
            .filter_map(|p| {
                p.facts.as_ref().map(|facts| SitePage {
                    url: p.url.as_str(),
                    facts,
                })
            })
            .collect();
        let (site_findings, summary) = site_checks(
            &SiteInput {
                site: &spec.name,
                home: &home_key,
                pages: site_pages,
                dead: &dead,
                today: ctx.today,
                level: spec.level,
                uncrawled: site.beyond_limits,
            },
            &ctx.profile,
        );
        findings.extend(site_findings);
        summary
    };
    if ctx.fetcher_v6.is_some() && audit.status != AuditStatus::NotAudited {
        let home_url = Url::parse(&home_key).unwrap_or_else(|_| spec.seed.clone());
        let home_v4 = pages
            .iter()
            .find(|p| p.url == home_key)
            .and_then(|p| p.facts.as_deref());
        let (v6_findings, v6_summary) = super::ipv6_probe::ipv6_probe(
            &ctx,
            std::mem::take(&mut ipv6_sample),
            &spec.name,
            &home_url,
            home_v4,
            shared.site_private,
            &ok_over_v4,
        )
        .await;
        findings.extend(v6_findings);
        summary.ipv6 = Some(v6_summary);
    }
    summary.audit = audit;
    progress.done.store(1, Ordering::Relaxed);
    SiteResult {
        spec,
        home,
        pages,
        findings,
        notes: site.notes,
        interrupted,
        summary,
    }
}

/// A 128-bit hash of a URL, for in-memory sets only (never persisted): two
/// independently seeded 64-bit hashes, so a collision (which would skip a
/// page) is out of reach for any site.
fn url_hash(url: &str) -> u128 {
    use std::hash::BuildHasher;
    let low = foldhash::quality::FixedState::with_seed(0x676f_7673_6361_6e31).hash_one(url);
    let high = foldhash::quality::FixedState::with_seed(0x9e37_79b9_7f4a_7c15).hash_one(url);
    (u128::from(high) << 64) | u128::from(low)
}

fn normalise_str(url: &str) -> String {
    Url::parse(url)
        .map(|u| normalise(&u).to_string())
        .unwrap_or_else(|_| url.to_string())
}
