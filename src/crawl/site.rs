//! One site's crawl: frontier, link ledger and the loop that drives them.
//!
//! The loop owns all per-site state, so there are no locks in it: fetch
//! tasks (bounded by `site_concurrency`) do the IO and the page analysis and
//! hand back a [`JobDone`]; the loop records it and schedules what it found.
//!
//! The [`Ledger`] keeps, per unique target, either the pages waiting for its
//! verdict or the verdict itself. Referrers of a target that turns out fine
//! are dropped, so memory grows with the number of URLs, not of links.

use super::client::{Fetched, Fetcher, Validators, Want};
use super::coverage::Coverage;
use super::robots::{sitemap_seeds, Robots};
use super::urlnorm::{index_variant, is_attachment, normalise, Scope, Trap, TrapGuard};
use crate::store::{Store, Write_};
use govscan_checks::audit::{judge_audit, not_audited_finding, AuditStatus, HomeState};
use govscan_checks::footer::FooterFacts;
use govscan_checks::links::{is_private_host, judge, LinkVerdict};
use govscan_checks::page::{
    analyse_page, finish_footer, footer_source_facts, link_target_facts, LinkTargetFacts,
    PageAnalysis, PageInput,
};
use govscan_checks::record::PageRecord;
use govscan_checks::site::{site_checks, SiteInput, SitePage, SiteSummary};
use govscan_checks::{
    CheckId, FailureKind, FetchOutcome, FetchResult, Finding, Hop, LinkKind, LinkTarget, Profile,
};
use regex::Regex;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use tokio::sync::{watch, OnceCell};
use tokio::task::JoinSet;
use url::Url;

/// A site to scan.
#[derive(Debug, Clone)]
pub struct SiteSpec {
    /// Name from the site list, or the host.
    pub name: String,
    /// The home page to start from.
    pub seed: Url,
    /// Extra columns of the site list, kept for the reports.
    pub extra: Vec<(String, String)>,
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

/// A checked outside target, shared by all sites of the run.
#[derive(Debug)]
pub struct Checked {
    landing: Arc<Landing>,
    bytes: u64,
    elapsed_ms: u64,
}

/// Outside targets checked once per run, whichever site links to them.
#[derive(Default)]
pub struct CheckCache {
    cells: Mutex<HashMap<String, Arc<OnceCell<Arc<Checked>>>>>,
}

impl CheckCache {
    fn cell(&self, key: &str) -> Arc<OnceCell<Arc<Checked>>> {
        let mut cells = self.cells.lock().unwrap_or_else(|e| e.into_inner());
        cells.entry(key.to_string()).or_default().clone()
    }
}

/// Live counters of a site, read by the progress display.
#[derive(Debug, Default)]
pub struct SiteProgress {
    /// Pages crawled.
    pub pages: AtomicU64,
    /// URLs fetched (pages and link checks).
    pub fetched: AtomicU64,
    /// URLs waiting.
    pub queued: AtomicU64,
    /// Dead and wrong links found.
    pub bad_links: AtomicU64,
    /// 1 when finished.
    pub done: AtomicU64,
}

/// What every site's crawl shares.
pub struct RunContext {
    /// The HTTP client.
    pub fetcher: Arc<Fetcher>,
    /// The rule profile.
    pub profile: Arc<Profile>,
    /// Crawl limits.
    pub options: CrawlOptions,
    /// Outside targets checked once per run.
    pub cache: CheckCache,
    /// Flips to true on Ctrl-C.
    pub cancel: watch::Receiver<bool>,
    /// The date ages are computed against (`--now`).
    pub today: chrono::NaiveDate,
    /// The history store, when the run keeps one.
    pub history: Option<HistoryContext>,
    /// Page analyses running at once (one per core): parsing runs on
    /// blocking threads, never on the async workers, and a full pool holds
    /// fetching back.
    pub analysis_slots: Arc<tokio::sync::Semaphore>,
}

/// How a run uses the history store.
pub struct HistoryContext {
    /// The store.
    pub store: Arc<Store>,
    /// This run's id.
    pub run: i64,
    /// Reuse what this run already fetched (`--resume`).
    pub resume: bool,
    /// Send conditional requests for pages seen before (off with `--full`).
    pub revalidate: bool,
    /// Reuse successful outside-link checks younger than this.
    pub link_cache_max_age: Option<chrono::Duration>,
    /// Identifies the rule profile, so stored analyses are reused only under the same rules.
    pub profile_key: String,
    /// What the store saved.
    pub stats: HistoryStats,
    /// Site start URL → site id.
    pub site_ids: HashMap<String, i64>,
}

/// Requests and bytes the history store saved.
#[derive(Debug, Default)]
pub struct HistoryStats {
    /// URLs answered 304 Not Modified.
    pub not_modified: AtomicU64,
    /// Body bytes of those pages, not downloaded again.
    pub bytes_saved: AtomicU64,
    /// Outside links taken from the link cache (no request).
    pub cached_links: AtomicU64,
    /// URLs taken from the interrupted run (`--resume`, no request).
    pub replayed: AtomicU64,
}

/// A fetched URL as the store keeps it: everything [`JobDone`] holds but
/// the page analysis (stored apart, by content).
#[derive(Debug, Serialize, Deserialize)]
struct StoredFetch {
    depth: u32,
    crawl: bool,
    is_home: bool,
    landing: Landing,
    bytes: u64,
    elapsed_ms: u64,
    location: Option<String>,
    body_hash: Option<String>,
    final_url: Option<String>,
    etag: Option<String>,
    last_modified: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum JobKind {
    Crawl,
    Check { head: bool },
}

struct Job {
    url: Url,
    depth: u32,
    kind: JobKind,
    is_home: bool,
}

/// What a request ended in, shared by every URL whose redirects lead there.
#[derive(Debug, Serialize, Deserialize)]
struct Landing {
    outcome: FetchOutcome,
    not_found: Option<String>,
    anchors: Option<Box<[u64]>>,
}

struct JobDone {
    key: String,
    depth: u32,
    kind: JobKind,
    is_home: bool,
    landing: Arc<Landing>,
    bytes: u64,
    elapsed_ms: u64,
    /// A redirect not followed by the fetcher (site pages only).
    location: Option<Url>,
    /// Hash of the HTML body, to learn which URLs the server treats as one.
    body_hash: Option<String>,
    /// For crawled site pages: the analysis and the final URL.
    page: Option<(Url, PageAnalysis)>,
}

struct Referrer {
    page: Arc<str>,
    home: bool,
    kind: LinkKind,
    target: Box<str>,
    text: Box<str>,
    fragment: Option<Box<str>>,
}

struct Resolved {
    verdict: LinkVerdict,
    landing: Option<Arc<Landing>>,
}

enum Target {
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
struct Ledger {
    targets: HashMap<String, Target>,
    /// Reverse redirect edges: target key → keys redirecting to it.
    redirected_from: HashMap<String, Vec<String>>,
    emitted: HashSet<(Arc<str>, String, CheckId)>,
}

struct Emit<'a> {
    site: &'a str,
    profile: &'a Profile,
    findings: &'a mut Vec<Finding>,
    bad_links: &'a AtomicU64,
    max_redirects: usize,
}

impl Ledger {
    fn contains(&self, key: &str) -> bool {
        self.targets.contains_key(key)
    }

    fn insert_pending(&mut self, key: String) {
        self.targets
            .entry(key)
            .or_insert_with(|| Target::Pending(Vec::new()));
    }

    fn add_referrer(&mut self, key: &str, r: Referrer, emit: &mut Emit<'_>) {
        match self.targets.get_mut(key) {
            Some(Target::Pending(list)) | Some(Target::Redirect { waiting: list, .. }) => {
                list.push(r)
            }
            Some(Target::Done(resolved)) => {
                judge_referrer(&mut self.emitted, key, resolved, &r, emit)
            }
            None => {
                self.targets
                    .insert(key.to_string(), Target::Pending(vec![r]));
            }
        }
    }

    /// Where a key's redirects lead, if it redirects; `None` at a non-redirect.
    fn redirect_of(&self, key: &str) -> Option<&str> {
        match self.targets.get(key) {
            Some(Target::Redirect { to, .. }) => Some(to),
            _ => None,
        }
    }

    /// Records that `from` answered with a redirect to `to`. Returns true
    /// when this closes a loop (`to` leads back to `from`).
    fn add_redirect(&mut self, from: &str, to: &str, status: u16) -> bool {
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
    fn resolve(
        &mut self,
        key: &str,
        landing: Arc<Landing>,
        rules: &govscan_checks::profile::LinkRules,
        emit: &mut Emit<'_>,
    ) {
        let mut work: Vec<(String, Arc<Landing>)> = vec![(key.to_string(), landing)];
        while let Some((key, landing)) = work.pop() {
            let verdict = judge(&landing.outcome, landing.not_found.as_deref(), rules);
            let previous = self.targets.insert(
                key.clone(),
                Target::Done(Resolved {
                    verdict,
                    landing: Some(landing.clone()),
                }),
            );
            let waiting = match previous {
                Some(Target::Pending(list)) | Some(Target::Redirect { waiting: list, .. }) => list,
                _ => Vec::new(),
            };
            if let Some(Target::Done(resolved)) = self.targets.get(&key) {
                for r in &waiting {
                    judge_referrer(&mut self.emitted, &key, resolved, r, emit);
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
                let outcome = FetchOutcome {
                    url: from.clone(),
                    final_url: landing.outcome.final_url.clone(),
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
    fn skip(&mut self, key: &str) {
        self.targets.insert(
            key.to_string(),
            Target::Done(Resolved {
                verdict: LinkVerdict::NotChecked,
                landing: None,
            }),
        );
    }
}

fn judge_referrer(
    emitted: &mut HashSet<(Arc<str>, String, CheckId)>,
    key: &str,
    resolved: &Resolved,
    r: &Referrer,
    emit: &mut Emit<'_>,
) {
    let (check, status, detail) = match &resolved.verdict {
        LinkVerdict::Dead { status, detail } => (CheckId::LinkDead, status.clone(), detail.clone()),
        LinkVerdict::Soft404 { status, detail } => {
            (CheckId::LinkSoft404, status.clone(), detail.clone())
        }
        LinkVerdict::Blocked { status, detail } => {
            (CheckId::LinkBlocked, status.clone(), detail.clone())
        }
        LinkVerdict::Ok => {
            let anchors = resolved.landing.as_ref().and_then(|l| l.anchors.as_ref());
            let (Some(fragment), Some(anchors)) = (&r.fragment, anchors) else {
                return;
            };
            if r.kind != LinkKind::Anchor || PageAnalysis::has_anchor(anchors, fragment) {
                return;
            }
            (
                CheckId::LinkFragment,
                "fragment".to_string(),
                format!("目标页面中没有锚点“#{fragment}”"),
            )
        }
        LinkVerdict::NotChecked => return,
    };
    // Every distinct missing anchor of a target is its own finding.
    let emitted_key = match (&r.fragment, check) {
        (Some(fragment), CheckId::LinkFragment) => format!("{key}#{fragment}"),
        _ => key.to_string(),
    };
    if !emit.profile.enabled(check) || !emitted.insert((r.page.clone(), emitted_key, check)) {
        return;
    }
    if matches!(check, CheckId::LinkDead | CheckId::LinkSoft404) {
        emit.bad_links.fetch_add(1, Ordering::Relaxed);
    }
    let detail = if r.kind == LinkKind::Anchor {
        detail
    } else {
        format!("{}：{detail}", r.kind.label_zh())
    };
    let detail = if r.home {
        format!("首页链接 · {detail}")
    } else {
        detail
    };
    emit.findings.push(Finding {
        site: emit.site.to_string(),
        check,
        severity: emit.profile.severity(check),
        page: r.page.to_string(),
        target: r.target.to_string(),
        status,
        detail,
        evidence: r.text.to_string(),
        home_page: r.home,
    });
}

type FooterCell = Arc<OnceCell<Option<Arc<FooterFacts>>>>;

struct SiteShared {
    ctx: Arc<RunContext>,
    scope: Scope,
    site_private: bool,
    name: Arc<str>,
    /// Footer scripts and frames, fetched once per site.
    footer_sources: Mutex<HashMap<String, FooterCell>>,
    /// The site's id in the history store.
    site_id: Option<i64>,
}

impl SiteShared {
    /// The footer facts of a footer source, fetched on first use.
    async fn footer_source(&self, url: &Url) -> Option<Arc<FooterFacts>> {
        let cell = {
            let mut map = self
                .footer_sources
                .lock()
                .unwrap_or_else(|e| e.into_inner());
            map.entry(url.to_string()).or_default().clone()
        };
        cell.get_or_init(|| async {
            let fetched = self
                .ctx
                .fetcher
                .fetch(url, Want::Text { cap: 512 * 1024 }, self.site_private)
                .await;
            match (&fetched.outcome.result, &fetched.body) {
                (FetchResult::Status(200..=299), Some(body)) => {
                    Some(Arc::new(footer_source_facts(
                        url,
                        body,
                        fetched.outcome.content_type.as_deref(),
                        &self.ctx.profile,
                    )))
                }
                _ => None,
            }
        })
        .await
        .clone()
    }
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
    crawled_keys: HashSet<String>,
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
    let shared = Arc::new(SiteShared {
        ctx: ctx.clone(),
        scope: Scope::new(&seed, &opts.include_hosts),
        site_private,
        name: Arc::from(spec.name.as_str()),
        footer_sources: Mutex::new(HashMap::new()),
        site_id: ctx
            .history
            .as_ref()
            .and_then(|h| h.site_ids.get(spec.seed.as_str()).copied()),
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
        let done = match done {
            Some(Ok(done)) => done,
            Some(Err(e)) => {
                site.notes.push(format!("内部错误：抓取任务异常结束：{e}"));
                continue;
            }
            None => break,
        };
        progress.fetched.fetch_add(1, Ordering::Relaxed);
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
        let page = done
            .page
            .filter(|(final_url, _)| site.crawled_keys.insert(normalise(final_url).to_string()));
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
    let scope = &shared.scope;
    let audit_input = coverage.audit_input(pages_read, pending_crawls, interrupted, &|u| {
        Url::parse(u).is_ok_and(|u| scope.contains(&u))
    });
    let audit = judge_audit(&audit_input, &ctx.profile.audit);
    let home_key = normalise_str(&home);
    if audit.status == AuditStatus::NotAudited {
        // One site-level finding says why; the blocked links it would
        // otherwise list one by one are its symptoms. When the home page
        // itself is not the portal (a login page), what was read of it is
        // not the site's either.
        let home_read = audit_input.home == HomeState::Analysed;
        findings.retain(|f| home_read && f.check != CheckId::LinkBlocked);
        findings.extend(not_audited_finding(
            &spec.name,
            &home_key,
            &audit,
            &ctx.profile,
        ));
        progress.done.store(1, Ordering::Relaxed);
        return SiteResult {
            spec,
            home,
            pages,
            findings,
            notes: site.notes,
            interrupted,
            summary: SiteSummary {
                pages: pages_read,
                audit,
                ..SiteSummary::default()
            },
        };
    }

    // Site-wide checks over every crawled page's facts.
    let dead: HashSet<String> = site
        .ledger
        .targets
        .iter()
        .filter(|(_, t)| matches!(t, Target::Done(Resolved { verdict, .. }) if verdict.is_bad()))
        .map(|(k, _)| k.clone())
        .collect();
    let site_pages: Vec<SitePage<'_>> = pages
        .iter()
        .filter_map(|p| {
            p.facts.as_ref().map(|facts| SitePage {
                url: p.url.as_str(),
                facts,
            })
        })
        .collect();
    let (site_findings, mut summary) = site_checks(
        &SiteInput {
            site: &spec.name,
            home: &home_key,
            pages: site_pages,
            dead: &dead,
            today: ctx.today,
        },
        &ctx.profile,
    );
    findings.extend(site_findings);
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

/// `dir/` and `dir/index.html` with the same body are one page: keep the
/// directory form. Done after the crawl so that the report does not depend
/// on which twin happened to be fetched first.
fn merge_index_twins(pages: &mut [PageRecord], findings: &mut Vec<Finding>) {
    let mut first: HashMap<(String, String), usize> = HashMap::new();
    let mut dropped: HashSet<String> = HashSet::new();
    let mut order: Vec<usize> = (0..pages.len()).collect();
    // Shortest URL first: the directory form wins.
    order.sort_by_key(|&i| (pages[i].url.len(), pages[i].url.clone()));
    for i in order {
        let p = &pages[i];
        if !p.crawled || p.content_hash.is_empty() {
            continue;
        }
        let Some((dir, _)) = Url::parse(&p.url).ok().as_ref().and_then(index_variant) else {
            continue;
        };
        let key = (dir, p.content_hash.clone());
        if let std::collections::hash_map::Entry::Vacant(slot) = first.entry(key) {
            slot.insert(i);
        } else {
            dropped.insert(p.url.clone());
            pages[i].crawled = false;
            pages[i].facts = None;
        }
    }
    // A twin has the same body, so the same links and the same findings as
    // the page kept: its own rows would count every problem twice.
    if !dropped.is_empty() {
        findings.retain(|f| !dropped.contains(&f.page));
    }
}

/// Where a redirect from `from` to `to` ends when it may not be followed
/// (a loop, a private address).
fn failed_redirect(from: &str, to: &str, status: u16, kind: FailureKind) -> Arc<Landing> {
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

fn normalise_str(url: &str) -> String {
    Url::parse(url)
        .map(|u| normalise(&u).to_string())
        .unwrap_or_else(|_| url.to_string())
}

/// A job's result and whether (and with which validators) to store it.
struct JobResult {
    done: JobDone,
    etag: Option<String>,
    last_modified: Option<String>,
}

/// Runs one job: from the interrupted run when resuming, from the previous
/// run when the server says a page is unchanged (304) or an outside link
/// was checked recently, otherwise from the network. What was fetched is
/// queued for the store.
async fn run_job(job: Job, shared: Arc<SiteShared>) -> JobDone {
    let history = shared.ctx.history.as_ref().zip(shared.site_id);
    if let Some((h, site)) = history {
        if h.resume {
            let (run, url) = (h.run, job.url.to_string());
            let stored = h
                .store
                .read(move |s| s.fetched_in_run(run, site, &url))
                .await;
            if let Some(done) = stored.and_then(|(data, analysis): (Vec<u8>, Option<Vec<u8>>)| {
                replay(&job, &data, analysis.as_deref())
            }) {
                h.stats.replayed.fetch_add(1, Ordering::Relaxed);
                return done;
            }
        }
    }
    let result = match job.kind {
        JobKind::Crawl => crawl_job(&job, &shared).await,
        JobKind::Check { head } => check_job(&job, &shared, head).await,
    };
    if let Some((h, site)) = history {
        record(h, site, &result, job.kind == JobKind::Crawl).await;
    }
    result.done
}

/// Queues a fetched URL (and its page analysis, stored by content) for the store.
async fn record(h: &HistoryContext, site: i64, result: &JobResult, crawl: bool) {
    let done = &result.done;
    let stored = StoredFetch {
        depth: done.depth,
        crawl,
        is_home: done.is_home,
        landing: Landing {
            outcome: done.landing.outcome.clone(),
            not_found: done.landing.not_found.clone(),
            anchors: done.landing.anchors.clone(),
        },
        bytes: done.bytes,
        elapsed_ms: done.elapsed_ms,
        location: done.location.as_ref().map(|u| u.to_string()),
        body_hash: done.body_hash.clone(),
        final_url: done.page.as_ref().map(|(u, _)| u.to_string()),
        etag: result.etag.clone(),
        last_modified: result.last_modified.clone(),
    };
    let Ok(data) = serde_json::to_vec(&stored) else {
        return;
    };
    let analysis = done.page.as_ref().and_then(|(_, a)| {
        let json = serde_json::to_vec(a).ok()?;
        let id = format!(
            "{}\n{}\n{}\nv{}",
            done.key,
            stored.body_hash.as_deref().unwrap_or(""),
            h.profile_key,
            govscan_checks::page::ANALYSIS_VERSION
        );
        Some((govscan_checks::content_hash(id.as_bytes()), json))
    });
    h.store
        .send(Write_::Fetch {
            run: h.run,
            site,
            url: done.key.clone(),
            etag: stored.etag.clone(),
            last_modified: stored.last_modified.clone(),
            content_hash: stored.body_hash.clone(),
            data,
            analysis,
        })
        .await;
}

/// Rebuilds a job's result from the store.
fn replay(job: &Job, data: &[u8], analysis: Option<&[u8]>) -> Option<JobDone> {
    let stored: StoredFetch = serde_json::from_slice(data).ok()?;
    let page = match (stored.final_url.as_deref(), analysis) {
        (Some(url), Some(json)) => Some((
            Url::parse(url).ok()?,
            serde_json::from_slice::<PageAnalysis>(json).ok()?,
        )),
        // A page whose analysis was dropped (a newer analysis version) is fetched again.
        (Some(_), None) => return None,
        _ => None,
    };
    Some(JobDone {
        key: job.url.to_string(),
        depth: job.depth,
        kind: job.kind,
        is_home: job.is_home,
        landing: Arc::new(stored.landing),
        bytes: stored.bytes,
        elapsed_ms: stored.elapsed_ms,
        location: stored.location.as_deref().and_then(|u| Url::parse(u).ok()),
        body_hash: stored.body_hash,
        page,
    })
}

async fn crawl_job(job: &Job, shared: &SiteShared) -> JobResult {
    let ctx = &shared.ctx;
    let key = job.url.to_string();
    let previous = match (&ctx.history, shared.site_id) {
        // Only a previous fetch with its analysis can stand for a 304.
        (Some(h), Some(site)) if h.revalidate => {
            let (run, url) = (h.run, key.clone());
            h.store
                .read(move |s| s.previous_fetch(run, site, &url))
                .await
                .filter(|p| p.analysis.is_some())
                .map(|p| (h, p))
        }
        _ => None,
    };
    let validators = previous.as_ref().map(|(_, p)| Validators {
        etag: p.etag.clone(),
        last_modified: p.last_modified.clone(),
    });
    let want = Want::Page {
        cap: ctx.options.html_cap,
    };
    let fetched = ctx
        .fetcher
        .fetch_with(
            &job.url,
            want,
            shared.site_private,
            false,
            validators.as_ref(),
        )
        .await;
    if matches!(fetched.outcome.result, FetchResult::Status(304)) {
        if let Some((h, prev)) = &previous {
            if let Some(mut done) = replay(job, &prev.data, prev.analysis.as_deref()) {
                h.stats.not_modified.fetch_add(1, Ordering::Relaxed);
                h.stats.bytes_saved.fetch_add(done.bytes, Ordering::Relaxed);
                done.elapsed_ms = fetched.elapsed_ms;
                return JobResult {
                    done,
                    etag: prev.etag.clone(),
                    last_modified: prev.last_modified.clone(),
                };
            }
        }
    }
    let final_url = Url::parse(&fetched.outcome.final_url).unwrap_or_else(|_| job.url.clone());
    let in_scope = shared.scope.contains(&final_url);
    let (fetched, mut analysis, body_hash) =
        analyse_page_off_runtime(ctx, fetched, final_url.clone(), &shared.name, job.is_home).await;
    if let Some(a) = analysis.as_mut().filter(|_| in_scope) {
        let mut sources = Vec::new();
        for url in a.footer_sources.clone() {
            if let Some(facts) = shared.footer_source(&url).await {
                sources.push((*facts).clone());
            }
        }
        finish_footer(
            a,
            &shared.name,
            final_url.as_str(),
            job.is_home,
            &sources,
            &ctx.profile,
        );
    }
    let ok = matches!(fetched.outcome.result, FetchResult::Status(200..=299));
    let blocked = fetched.outcome.blocked.is_some();
    let landing = Arc::new(Landing {
        not_found: analysis.as_ref().and_then(|a| a.not_found.clone()),
        anchors: analysis
            .as_ref()
            .map(|a| a.anchors.clone().into_boxed_slice()),
        outcome: fetched.outcome,
    });
    let done = JobDone {
        key,
        depth: job.depth,
        kind: job.kind,
        is_home: job.is_home,
        landing,
        bytes: fetched.bytes,
        elapsed_ms: fetched.elapsed_ms,
        location: fetched.location,
        body_hash,
        page: analysis
            .filter(|_| in_scope && ok && !blocked)
            .map(|a| (final_url, a)),
    };
    JobResult {
        done,
        etag: fetched.etag,
        last_modified: fetched.last_modified,
    }
}

async fn check_job(job: &Job, shared: &SiteShared, head: bool) -> JobResult {
    let ctx = &shared.ctx;
    let key = job.url.to_string();
    let outside = !shared.scope.contains(&job.url);
    let done_with = |landing: Arc<Landing>, bytes: u64, elapsed_ms: u64| JobDone {
        key: key.clone(),
        depth: job.depth,
        kind: job.kind,
        is_home: job.is_home,
        landing,
        bytes,
        elapsed_ms,
        location: None,
        body_hash: None,
        page: None,
    };
    // A recent successful check of an outside link is reused (successes only).
    if let (Some(h), true) = (&ctx.history, outside) {
        if let Some(max_age) = h.link_cache_max_age {
            let url = key.clone();
            let cached = h
                .store
                .read(move |s| s.cached_link(&url, max_age))
                .await
                .and_then(|d: Vec<u8>| serde_json::from_slice::<Landing>(&d).ok());
            if let Some(landing) = cached {
                h.stats.cached_links.fetch_add(1, Ordering::Relaxed);
                return JobResult {
                    done: done_with(Arc::new(landing), 0, 0),
                    etag: None,
                    last_modified: None,
                };
            }
        }
    }
    let cell = ctx.cache.cell(&key);
    let checked = cell
        .get_or_init(|| async {
            let want = if head {
                Want::Head
            } else {
                Want::Page {
                    cap: ctx.options.check_cap,
                }
            };
            let fetched = ctx.fetcher.fetch(&job.url, want, shared.site_private).await;
            let final_url =
                Url::parse(&fetched.outcome.final_url).unwrap_or_else(|_| job.url.clone());
            let (fetched, facts) = link_target_off_runtime(ctx, fetched, final_url).await;
            Arc::new(Checked {
                landing: Arc::new(Landing {
                    not_found: facts.as_ref().and_then(|f| f.not_found.clone()),
                    anchors: facts.map(|f| f.anchors.into_boxed_slice()),
                    outcome: fetched.outcome,
                }),
                bytes: fetched.bytes,
                elapsed_ms: fetched.elapsed_ms,
            })
        })
        .await
        .clone();
    if let (Some(h), true) = (&ctx.history, outside) {
        let good = matches!(checked.landing.outcome.result, FetchResult::Status(c) if c < 400)
            && checked.landing.not_found.is_none();
        if good && h.link_cache_max_age.is_some() {
            if let Ok(data) = serde_json::to_vec(&*checked.landing) {
                h.store
                    .send(Write_::LinkCache {
                        url: key.clone(),
                        at: chrono::Utc::now().to_rfc3339(),
                        data,
                    })
                    .await;
            }
        }
    }
    JobResult {
        done: done_with(checked.landing.clone(), checked.bytes, checked.elapsed_ms),
        etag: None,
        last_modified: None,
    }
}

/// Analyses a fetched page on a blocking thread (at most one per core, see
/// [`RunContext::analysis_slots`]) and hashes its body there too. Returns
/// the fetch, the analysis (when there was a body) and the body's hash.
async fn analyse_page_off_runtime(
    ctx: &Arc<RunContext>,
    fetched: Fetched,
    url: Url,
    site: &Arc<str>,
    is_home: bool,
) -> (Fetched, Option<PageAnalysis>, Option<String>) {
    if fetched.body.is_none() {
        return (fetched, None, None);
    }
    let _slot = ctx.analysis_slots.clone().acquire_owned().await.ok();
    let ctx2 = ctx.clone();
    let site = site.clone();
    let work = tokio::task::spawn_blocking(move || {
        let body = fetched.body.as_deref().unwrap_or_default();
        let input = PageInput {
            site: &site,
            url: &url,
            body,
            content_type: fetched.outcome.content_type.as_deref(),
            is_home,
            truncated: fetched.truncated,
            today: ctx2.today,
        };
        let analysis = analyse_page(&input, &ctx2.profile);
        let hash = govscan_checks::content_hash(body);
        (fetched, Some(analysis), Some(hash))
    });
    match work.await {
        Ok(done) => done,
        // The analysis panicked on this page: the panic hook said so; the
        // task's own failure is reported by the caller's join.
        Err(e) => std::panic::resume_unwind(e.into_panic()),
    }
}

/// The light pass over an outside link target, on a blocking thread.
async fn link_target_off_runtime(
    ctx: &Arc<RunContext>,
    fetched: Fetched,
    url: Url,
) -> (Fetched, Option<LinkTargetFacts>) {
    if fetched.body.is_none() {
        return (fetched, None);
    }
    let _slot = ctx.analysis_slots.clone().acquire_owned().await.ok();
    let ctx2 = ctx.clone();
    let work = tokio::task::spawn_blocking(move || {
        let input = PageInput {
            site: "",
            url: &url,
            body: fetched.body.as_deref().unwrap_or_default(),
            content_type: fetched.outcome.content_type.as_deref(),
            is_home: false,
            truncated: fetched.truncated,
            today: ctx2.today,
        };
        let facts = link_target_facts(&input, &ctx2.profile);
        (fetched, Some(facts))
    });
    match work.await {
        Ok(done) => done,
        Err(e) => std::panic::resume_unwind(e.into_panic()),
    }
}
