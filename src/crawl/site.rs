//! One site's crawl: frontier, link ledger and the loop that drives them.
//!
//! The loop owns all per-site state, so there are no locks in it: fetch
//! tasks (bounded by `site_concurrency`) do the IO and the page analysis and
//! hand back a [`JobDone`]; the loop records it and schedules what it found.
//!
//! The [`Ledger`] keeps, per unique target, either the pages waiting for its
//! verdict or the verdict itself. Referrers of a target that turns out fine
//! are dropped, so memory grows with the number of URLs, not of links.

use super::client::{Fetched, Fetcher, Want};
use super::robots::{sitemap_seeds, Robots};
use super::urlnorm::{is_attachment, normalise, Scope, Trap, TrapGuard};
use govscan_checks::links::{is_private_host, judge, LinkVerdict};
use govscan_checks::page::{analyse_page, PageAnalysis, PageInput};
use govscan_checks::record::PageRecord;
use govscan_checks::{CheckId, FetchOutcome, FetchResult, Finding, LinkKind, LinkTarget, Profile};
use regex::Regex;
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
}

/// A checked outside target, shared by all sites of the run.
#[derive(Debug)]
pub struct Checked {
    outcome: FetchOutcome,
    not_found: Option<String>,
    anchors: Option<Box<[u64]>>,
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
}

struct JobDone {
    key: String,
    depth: u32,
    outcome: FetchOutcome,
    not_found: Option<String>,
    anchors: Option<Box<[u64]>>,
    bytes: u64,
    elapsed_ms: u64,
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
    anchors: Option<Box<[u64]>>,
}

enum Target {
    Pending(Vec<Referrer>),
    Done(Resolved),
}

/// Per-target state: waiting referrers or the verdict.
#[derive(Default)]
struct Ledger {
    targets: HashMap<String, Target>,
    emitted: HashSet<(Arc<str>, String, CheckId)>,
}

struct Emit<'a> {
    site: &'a str,
    profile: &'a Profile,
    findings: &'a mut Vec<Finding>,
    bad_links: &'a AtomicU64,
}

impl Ledger {
    fn contains(&self, key: &str) -> bool {
        self.targets.contains_key(key)
    }

    fn insert_pending(&mut self, key: String) {
        self.targets.entry(key).or_insert_with(|| Target::Pending(Vec::new()));
    }

    fn add_referrer(&mut self, key: &str, r: Referrer, emit: &mut Emit<'_>) {
        match self.targets.get_mut(key) {
            Some(Target::Pending(list)) => list.push(r),
            Some(Target::Done(resolved)) => {
                judge_referrer(&mut self.emitted, key, resolved, &r, emit);
            }
            None => {
                self.targets.insert(key.to_string(), Target::Pending(vec![r]));
            }
        }
    }

    fn resolve(&mut self, key: &str, resolved: Resolved, emit: &mut Emit<'_>) {
        let previous = self.targets.insert(key.to_string(), Target::Done(resolved));
        if let Some(Target::Pending(list)) = previous {
            if let Some(Target::Done(resolved)) = self.targets.get(key) {
                for r in &list {
                    judge_referrer(&mut self.emitted, key, resolved, r, emit);
                }
            }
        }
    }

    fn is_done(&self, key: &str) -> bool {
        matches!(self.targets.get(key), Some(Target::Done(_)))
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
        LinkVerdict::Soft404 { status, detail } => (CheckId::LinkSoft404, status.clone(), detail.clone()),
        LinkVerdict::Ok => {
            let (Some(fragment), Some(anchors)) = (&r.fragment, &resolved.anchors) else {
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
    if !emit.profile.enabled(check) || !emitted.insert((r.page.clone(), key.to_string(), check)) {
        return;
    }
    if check != CheckId::LinkFragment {
        emit.bad_links.fetch_add(1, Ordering::Relaxed);
    }
    let detail = if r.kind == LinkKind::Anchor {
        detail
    } else {
        format!("{}：{detail}", r.kind.label_zh())
    };
    let detail = if r.home { format!("首页链接 · {detail}") } else { detail };
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

struct SiteShared {
    ctx: Arc<RunContext>,
    scope: Scope,
    site_private: bool,
    seed_key: String,
    name: Arc<str>,
}

/// Crawls one site to the end (or until cancelled).
pub async fn crawl_site(spec: SiteSpec, ctx: Arc<RunContext>, progress: Arc<SiteProgress>) -> SiteResult {
    let opts = ctx.options.clone();
    let seed = normalise(&spec.seed);
    let site_private = seed.host().is_some_and(|h| is_private_host(&h));
    let shared = Arc::new(SiteShared {
        ctx: ctx.clone(),
        scope: Scope::new(&seed, &opts.include_hosts),
        site_private,
        seed_key: seed.to_string(),
        name: Arc::from(spec.name.as_str()),
    });
    let mut cancel = ctx.cancel.clone();
    let mut notes = Vec::new();
    let robots = if opts.ignore_robots {
        Robots::allow_all()
    } else {
        Robots::fetch(&ctx.fetcher, &seed, site_private).await
    };
    if !robots.allowed(&seed) {
        notes.push(format!("robots.txt 禁止抓取首页 {seed}；如为本单位网站，可使用 --ignore-robots"));
    }

    let mut ledger = Ledger::default();
    let mut frontier: VecDeque<Job> = VecDeque::new();
    let mut traps = TrapGuard::new(opts.trap_cap, opts.max_path_segments);
    let mut trap_notes: HashSet<String> = HashSet::new();
    let mut crawl_scheduled = 0usize;
    let mut crawled_keys: HashSet<String> = HashSet::new();
    let mut pages: Vec<PageRecord> = Vec::new();
    let mut findings: Vec<Finding> = Vec::new();
    let mut home = seed.to_string();
    let mut robots_skipped = 0u64;

    ledger.insert_pending(seed.to_string());
    frontier.push_back(Job { url: seed.clone(), depth: 0, kind: JobKind::Crawl });
    crawl_scheduled += 1;
    if opts.use_sitemaps {
        for url in sitemap_seeds(&ctx.fetcher, &seed, &robots, site_private, 20).await {
            let url = normalise(&url);
            let key = url.to_string();
            if shared.scope.contains(&url)
                && !ledger.contains(&key)
                && crawl_scheduled < opts.max_pages
                && robots.allowed(&url)
                && !opts.exclude.iter().any(|re| re.is_match(url.as_str()))
                && !is_attachment(&url)
            {
                ledger.insert_pending(key);
                frontier.push_back(Job { url, depth: 1, kind: JobKind::Crawl });
                crawl_scheduled += 1;
            }
        }
    }

    let mut inflight: JoinSet<JobDone> = JoinSet::new();
    let mut interrupted = *cancel.borrow();
    while !interrupted {
        while inflight.len() < opts.site_concurrency.max(1) {
            let Some(job) = frontier.pop_front() else { break };
            inflight.spawn(run_job(job, shared.clone()));
        }
        progress.queued.store(frontier.len() as u64 + inflight.len() as u64, Ordering::Relaxed);
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
                notes.push(format!("内部错误：抓取任务异常结束：{e}"));
                continue;
            }
            None => break,
        };
        progress.fetched.fetch_add(1, Ordering::Relaxed);

        let verdict = judge(&done.outcome, done.not_found.as_deref(), &ctx.profile.links);
        let mut emit = Emit {
            site: &spec.name,
            profile: &ctx.profile,
            findings: &mut findings,
            bad_links: &progress.bad_links,
        };
        let final_key = Url::parse(&done.outcome.final_url).map(|u| normalise(&u).to_string()).ok();
        let resolved = || Resolved { verdict: verdict.clone(), anchors: done.anchors.clone() };
        ledger.resolve(&done.key, resolved(), &mut emit);
        if let Some(fk) = &final_key {
            if *fk != done.key && !ledger.is_done(fk) {
                ledger.resolve(fk, resolved(), &mut emit);
            }
        }

        let is_home = done.key == shared.seed_key;
        let mut record = PageRecord {
            url: done.key.clone(),
            status: done.outcome.status_label(),
            content_type: done.outcome.content_type.clone().unwrap_or_default(),
            charset: String::new(),
            bytes: done.bytes,
            depth: done.depth,
            title: String::new(),
            response_ms: done.elapsed_ms,
            is_home,
            crawled: false,
            facts: None,
        };
        if is_home {
            home = done.outcome.final_url.clone();
        }
        // A redirect may land on a page already crawled under another URL.
        let page = done.page.filter(|(final_url, _)| crawled_keys.insert(normalise(final_url).to_string()));
        if let Some((final_url, analysis)) = page {
            progress.pages.fetch_add(1, Ordering::Relaxed);
            record.crawled = true;
            record.charset = analysis.facts.charset.clone();
            record.title = analysis.facts.title.clone();
            emit.findings.extend(analysis.findings.iter().cloned());
            let page_url: Arc<str> = Arc::from(final_url.as_str());
            for link in &analysis.links {
                let LinkTarget::Web(url) = &link.target else { continue };
                if !site_private && url.host().is_some_and(|h| is_private_host(&h)) {
                    continue; // reported by the page analysis, never requested
                }
                let target = normalise(url);
                let key = target.to_string();
                let referrer = Referrer {
                    page: page_url.clone(),
                    home: is_home,
                    kind: link.kind,
                    target: url.as_str().into(),
                    text: link.text.as_str().into(),
                    fragment: url.fragment().filter(|f| !f.is_empty()).map(Into::into),
                };
                if ledger.contains(&key) {
                    ledger.add_referrer(&key, referrer, &mut emit);
                    continue;
                }
                if opts.exclude.iter().any(|re| re.is_match(target.as_str())) {
                    ledger.resolve(&key, Resolved { verdict: LinkVerdict::NotChecked, anchors: None }, &mut emit);
                    continue;
                }
                let in_scope = shared.scope.contains(&target);
                let kind = if in_scope && link.kind.is_navigation() && !is_attachment(&target) {
                    if !robots.allowed(&target) {
                        robots_skipped += 1;
                        ledger.resolve(&key, Resolved { verdict: LinkVerdict::NotChecked, anchors: None }, &mut emit);
                        continue;
                    }
                    let within = done.depth < opts.max_depth && crawl_scheduled < opts.max_pages;
                    match (within, traps.admit(&target)) {
                        (true, Ok(())) => {
                            crawl_scheduled += 1;
                            JobKind::Crawl
                        }
                        (true, Err(trap)) => {
                            let note = match trap {
                                Trap::PatternCap(p) => format!(
                                    "疑似爬虫陷阱：同一模式的地址超过{}个，其余未抓取：{p}",
                                    opts.trap_cap
                                ),
                                Trap::DeepPath => format!("疑似爬虫陷阱：路径过深或重复，未抓取：{key}"),
                            };
                            if trap_notes.len() < 100 && trap_notes.insert(note.clone()) {
                                notes.push(note);
                            }
                            ledger.resolve(&key, Resolved { verdict: LinkVerdict::NotChecked, anchors: None }, &mut emit);
                            continue;
                        }
                        (false, _) => JobKind::Check { head: false },
                    }
                } else {
                    JobKind::Check { head: is_attachment(&target) || !link.kind.is_navigation() }
                };
                ledger.add_referrer(&key, referrer, &mut emit);
                frontier.push_back(Job { url: target, depth: done.depth + 1, kind });
            }
            record.facts = Some(analysis.facts);
        }
        pages.push(record);
    }
    if interrupted {
        inflight.abort_all();
        notes.push("扫描被中断：以下结果为中断前已完成的部分".to_string());
    }
    if robots_skipped > 0 {
        notes.push(format!(
            "robots.txt 禁止抓取的站内地址 {robots_skipped} 个未检查；如为本单位网站，可使用 --ignore-robots"
        ));
    }
    progress.done.store(1, Ordering::Relaxed);
    SiteResult {
        spec,
        home,
        pages,
        findings,
        notes,
        interrupted,
    }
}

async fn run_job(job: Job, shared: Arc<SiteShared>) -> JobDone {
    let key = job.url.to_string();
    let ctx = &shared.ctx;
    match job.kind {
        JobKind::Crawl => {
            let fetched = ctx
                .fetcher
                .fetch(&job.url, Want::Page { cap: ctx.options.html_cap }, shared.site_private)
                .await;
            let is_home = key == shared.seed_key;
            let final_url = Url::parse(&fetched.outcome.final_url).unwrap_or_else(|_| job.url.clone());
            let in_scope = shared.scope.contains(&final_url);
            let analysis = analyse(&fetched, &final_url, &shared.name, is_home, &ctx.profile);
            let (not_found, anchors) = match &analysis {
                Some(a) => (a.not_found.clone(), Some(a.anchors.clone().into_boxed_slice())),
                None => (None, None),
            };
            let ok = matches!(fetched.outcome.result, FetchResult::Status(200..=299));
            JobDone {
                key,
                depth: job.depth,
                not_found,
                anchors,
                bytes: fetched.bytes,
                elapsed_ms: fetched.elapsed_ms,
                page: analysis.filter(|_| in_scope && ok).map(|a| (final_url, a)),
                outcome: fetched.outcome,
            }
        }
        JobKind::Check { head } => {
            let cell = ctx.cache.cell(&key);
            let checked = cell
                .get_or_init(|| async {
                    let want = if head { Want::Head } else { Want::Page { cap: ctx.options.check_cap } };
                    let fetched = ctx.fetcher.fetch(&job.url, want, shared.site_private).await;
                    let final_url = Url::parse(&fetched.outcome.final_url).unwrap_or_else(|_| job.url.clone());
                    let analysis = analyse(&fetched, &final_url, &shared.name, false, &ctx.profile);
                    Arc::new(Checked {
                        not_found: analysis.as_ref().and_then(|a| a.not_found.clone()),
                        anchors: analysis.map(|a| a.anchors.into_boxed_slice()),
                        bytes: fetched.bytes,
                        elapsed_ms: fetched.elapsed_ms,
                        outcome: fetched.outcome,
                    })
                })
                .await
                .clone();
            JobDone {
                key,
                depth: job.depth,
                outcome: checked.outcome.clone(),
                not_found: checked.not_found.clone(),
                anchors: checked.anchors.clone(),
                bytes: checked.bytes,
                elapsed_ms: checked.elapsed_ms,
                page: None,
            }
        }
    }
}

fn analyse(fetched: &Fetched, url: &Url, site: &str, is_home: bool, profile: &Profile) -> Option<PageAnalysis> {
    let body = fetched.body.as_ref()?;
    let input = PageInput {
        site,
        url,
        body,
        content_type: fetched.outcome.content_type.as_deref(),
        is_home,
        truncated: fetched.truncated,
    };
    Some(analyse_page(&input, profile))
}
