//! One scan from start to finish: options → crawl → reports. Writing a
//! run's files (and rendering them again) is [`outputs`].

mod outputs;

pub(crate) use outputs::{annotate, site_outcomes, site_report};
pub use outputs::{rerender, summary, write_outputs};

use crate::cli::ScanOptions;
use crate::crawl::client::{FetchConfig, Fetcher};
use crate::crawl::context::{CheckCache, HistoryContext, HistoryStats, RunContext};
use crate::crawl::crawl_all;
use crate::crawl::progress::Progress;
use crate::crawl::site::{CrawlOptions, SiteSpec};
use crate::store::HistoryStore;
use anyhow::Context;
use govscan_checks::Profile;
use govscan_reports::model::SiteListReport;
use govscan_reports::{PageSpill, RunReport};
use regex::Regex;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;

/// A configuration error: exit code 2, with a message that says what to do.
#[derive(Debug)]
pub struct UsageError(pub String);

impl std::fmt::Display for UsageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}

/// Everything a scan needs, validated.
pub struct ScanSetup {
    /// Sites to crawl.
    pub sites: Vec<SiteSpec>,
    /// HTTP settings.
    pub fetch: FetchConfig,
    /// Crawl limits.
    pub crawl: CrawlOptions,
    /// Rule profile.
    pub profile: Profile,
    /// Output folder.
    pub out: PathBuf,
    /// The date ages are computed against.
    pub now: chrono::NaiveDate,
    /// Sites at a time.
    pub parallel_sites: usize,
    /// No progress output.
    pub quiet: bool,
    /// The options as given, for report.json.
    pub options_json: serde_json::Value,
    /// History store settings.
    pub history: HistoryOptions,
    /// The site list's lines, sites and skipped lines, when a list was given.
    pub site_list: Option<SiteListReport>,
    /// Whether the IPv6 checks run.
    pub ipv6: crate::cli::Ipv6Mode,
    /// Which pages Chromium renders.
    pub render: crate::render::RenderMode,
    /// Pages Chromium renders at once.
    pub render_tabs: u16,
}

/// Today in Asia/Shanghai (UTC+8, no daylight saving).
pub fn today_in_china() -> chrono::NaiveDate {
    (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive()
}

impl ScanSetup {
    /// Validates the shared options.
    pub fn new(
        sites: Vec<SiteSpec>,
        opts: &ScanOptions,
        out: &Path,
    ) -> Result<ScanSetup, UsageError> {
        let profile = match &opts.rules {
            Some(path) => Profile::from_path(path).map_err(|e| UsageError(e.to_string()))?,
            None => Profile::national(),
        };
        ScanSetup::with_profile(sites, opts, out, profile)
    }

    /// Validates the shared options under a profile already read (a
    /// province worker takes the one its run was queued with).
    pub fn with_profile(
        sites: Vec<SiteSpec>,
        opts: &ScanOptions,
        out: &Path,
        profile: Profile,
    ) -> Result<ScanSetup, UsageError> {
        let mut exclude = Vec::new();
        for pattern in &opts.exclude {
            exclude.push(Regex::new(pattern).map_err(|e| {
                UsageError(format!(
                    "--exclude `{pattern}` is not a valid regular expression: {e}"
                ))
            })?);
        }
        if !(opts.rate >= 0.0 && opts.rate.is_finite()) {
            return Err(UsageError(
                "--rate must be a number ≥ 0 (0 = no limit)".into(),
            ));
        }
        if !(opts.timeout > 0.0 && opts.timeout.is_finite()) {
            return Err(UsageError(
                "--timeout must be a positive number of seconds".into(),
            ));
        }
        let timeout = Duration::from_secs_f64(opts.timeout);
        let fetch = FetchConfig {
            rate: opts.rate,
            concurrency: opts.concurrency.max(1),
            timeout,
            retries: opts.retries,
            user_agent: opts.user_agent.clone(),
            spider_user_agent: profile.security.spider_user_agent.clone(),
            family: crate::crawl::resolver::Family::Any,
            max_redirects: 10,
            max_retry_after: Duration::from_secs(60),
            backoff: Duration::from_millis(500),
            resolve: opts.resolve.clone(),
            offline: opts.offline,
            proxy: opts.proxy.clone(),
            audit: Arc::new(profile.audit.clone()),
        };
        let crawl = CrawlOptions {
            max_pages: opts.max_pages.max(1),
            max_depth: opts.max_depth,
            html_cap: opts.max_page_bytes.max(1024),
            check_cap: opts.max_page_bytes.clamp(1024, 1024 * 1024),
            site_concurrency: opts.site_concurrency.max(1),
            exclude,
            include_hosts: opts.include_host.clone(),
            ignore_robots: opts.ignore_robots,
            trap_cap: opts.trap_cap.max(1),
            max_path_segments: 24,
            use_sitemaps: !opts.no_sitemap,
        };
        let options_json = serde_json::json!({
            "rate": opts.rate,
            "concurrency": opts.concurrency,
            "site_concurrency": opts.site_concurrency,
            "max_pages": opts.max_pages,
            "max_depth": opts.max_depth,
            "timeout": opts.timeout,
            "retries": opts.retries,
            "user_agent": opts.user_agent,
            "exclude": opts.exclude,
            "include_host": opts.include_host,
            "ignore_robots": opts.ignore_robots,
            "offline": opts.offline,
            "rules": opts.rules.as_ref().map(|p| p.display().to_string()),
        });
        Ok(ScanSetup {
            sites,
            fetch,
            crawl,
            profile,
            out: out.to_path_buf(),
            now: opts.now.unwrap_or_else(today_in_china),
            parallel_sites: opts.parallel_sites,
            quiet: opts.quiet,
            options_json,
            history: HistoryOptions {
                db: (!opts.no_db).then(|| {
                    opts.db.clone().unwrap_or_else(|| {
                        out.parent()
                            .map_or_else(|| PathBuf::from("govscan.db"), |p| p.join("govscan.db"))
                    })
                }),
                resume: opts.resume,
                full: opts.full,
                link_cache_days: opts.link_cache_days,
            },
            site_list: None,
            ipv6: opts.ipv6,
            render: opts.render,
            render_tabs: opts.render_tabs,
        })
    }
}

/// What a finished scan hands back.
pub struct ScanOutcome {
    /// The whole run.
    pub report: RunReport,
    /// Whether Ctrl-C stopped it.
    pub interrupted: bool,
    /// Requests sent.
    pub requests: u64,
    /// Body bytes received.
    pub bytes: u64,
    /// What the history store saved, when the run kept one.
    pub saved: Option<HistorySaved>,
}

/// Requests and bytes the history store saved in a run.
#[derive(Debug, Clone)]
pub struct HistorySaved {
    /// Pages answered 304 Not Modified.
    pub not_modified: u64,
    /// Their bytes, not downloaded again.
    pub bytes_saved: u64,
    /// Outside links taken from the link cache.
    pub cached_links: u64,
    /// URLs taken from the interrupted run.
    pub replayed: u64,
    /// Where the history is kept (the database file).
    pub db: String,
}

/// How a scan uses the history store.
#[derive(Debug, Clone, Default)]
pub struct HistoryOptions {
    /// The database file; `None` keeps no history.
    pub db: Option<PathBuf>,
    /// Continue the interrupted run of the same sites.
    pub resume: bool,
    /// Fetch everything again (no conditional requests, no link cache).
    pub full: bool,
    /// Days a successful outside-link check is reused.
    pub link_cache_days: u32,
}

/// Runs a scan and writes its outputs. Ctrl-C stops politely and still writes
/// what was found; a second Ctrl-C exits at once.
pub async fn run_scan(setup: ScanSetup) -> anyhow::Result<ScanOutcome> {
    std::fs::create_dir_all(&setup.out).map_err(|e| {
        UsageError(format!(
            "cannot create output folder {}: {e}",
            setup.out.display()
        ))
    })?;
    let started = chrono::Local::now();
    let progress = Arc::new(Progress::new(setup.quiet));

    // The history store: a new run, or the interrupted one with --resume.
    // Opening it blocks (a file, a database server): off the async workers.
    let mut now = setup.now;
    let history = match setup.history.db.clone() {
        None => None,
        Some(db) => {
            let sites: Vec<(String, String)> = setup
                .sites
                .iter()
                .map(|s| (s.seed.to_string(), s.name.clone()))
                .collect();
            let run_info = RunInfo {
                started: started.to_rfc3339(),
                now,
                profile: setup.profile.name.clone(),
                options: setup.options_json.to_string(),
            };
            let resume = setup.history.resume;
            let opened = tokio::task::spawn_blocking(move || {
                open_history(&db.to_string_lossy(), &sites, &run_info, resume)
            })
            .await??;
            if let Some(d) = opened.resumed_now {
                now = d;
            }
            if opened.resumed {
                progress.log(&format!(
                    "继续第 {} 次扫描（已完成的请求不再重复）",
                    opened.run
                ));
            } else if setup.history.resume {
                progress.log("没有可继续的中断扫描：开始新的扫描");
            }
            Some(HistoryContext {
                store: opened.store,
                run: opened.run,
                resume: opened.resumed,
                revalidate: !setup.history.full,
                link_cache_max_age: (!setup.history.full && setup.history.link_cache_days > 0)
                    .then(|| chrono::Duration::days(i64::from(setup.history.link_cache_days))),
                profile_key: govscan_checks::content_hash(setup.profile.source.as_bytes()),
                stats: HistoryStats::default(),
                site_ids: opened.site_ids,
            })
        }
    };

    let (cancel_tx, cancel_rx) = watch::channel(false);
    let signal_progress = progress.clone();
    let mut stop = StopSignals::new()?;
    let signals = tokio::spawn(async move {
        if stop.next().await {
            signal_progress.log(
                "收到中断信号（Ctrl-C 或 SIGTERM）：正在停止并写出已完成的结果（再次中断立即退出）",
            );
            let _ = cancel_tx.send(true);
            if stop.next().await {
                std::process::exit(130);
            }
        }
    });
    // The sites' page records wait on disk, not in memory, for the
    // reports: written as each page is done.
    let spill = Arc::new(PageSpill::in_dir(&setup.out)?);
    let ctx = start_context(
        &setup,
        now,
        history,
        Some(spill.clone()),
        cancel_rx.clone(),
        &progress,
    )
    .await?;
    let fetcher = ctx.fetcher.clone();
    let spill_progress = progress.clone();
    let site_spill = spill.clone();
    let sites = crawl_all(
        setup.sites,
        ctx.clone(),
        setup.parallel_sites,
        progress.clone(),
        move |result| {
            let mut site = site_report(result);
            if let Err(e) = site_spill.put(&mut site) {
                // The pages stay in memory: nothing found is lost.
                spill_progress.log(&format!(
                    "{}：页面记录未能暂存到磁盘，保留在内存中：{e}",
                    site.name
                ));
            }
            site
        },
    )
    .await;
    signals.abort();
    if let Some(r) = &ctx.renderer {
        let n = r.rendered.load(Ordering::Relaxed);
        if n > 0 {
            progress.log(&format!(
                "Chromium 渲染了 {n} 个页面，平均每页 {:.2} 秒",
                r.millis.load(Ordering::Relaxed) as f64 / 1000.0 / n as f64
            ));
        }
    }
    let interrupted = *cancel_rx.borrow() || sites.iter().any(|r| r.interrupted);
    let mut report = RunReport {
        version: env!("CARGO_PKG_VERSION").to_string(),
        profile: setup.profile.name.clone(),
        profile_toml: setup.profile.source.clone(),
        started: started.to_rfc3339(),
        finished: chrono::Local::now().to_rfc3339(),
        now: now.to_string(),
        options: setup.options_json,
        sites,
        site_list: setup.site_list.clone(),
        notes: fetcher.pace_notes(),
    };
    let mut saved = None;
    if let Some(h) = &ctx.history {
        let site_ids: Vec<i64> = report
            .sites
            .iter()
            .map(|s| h.site_ids.get(&s.url).copied().unwrap_or_default())
            .collect();
        // The store's calls and the reports' writing block: off the async workers.
        let (store, run, out, profile, spill) = (
            h.store.clone(),
            h.run,
            setup.out.clone(),
            setup.profile.clone(),
            spill.clone(),
        );
        report = tokio::task::spawn_blocking(move || -> anyhow::Result<RunReport> {
            store.stop_writer();
            annotate(&*store, run, &site_ids, &mut report, &profile)?;
            write_outputs(&out, &mut report, &profile, Some(&spill))?;
            store.finish_run(
                run,
                &site_outcomes(&report, &site_ids),
                if interrupted { "interrupted" } else { "done" },
            )?;
            Ok(report)
        })
        .await??;
        saved = Some(HistorySaved {
            not_modified: h.stats.not_modified.load(Ordering::Relaxed),
            bytes_saved: h.stats.bytes_saved.load(Ordering::Relaxed),
            cached_links: h.stats.cached_links.load(Ordering::Relaxed),
            replayed: h.stats.replayed.load(Ordering::Relaxed),
            db: h.store.location(),
        });
    } else {
        let (out, profile) = (setup.out.clone(), setup.profile.clone());
        report = tokio::task::spawn_blocking(move || -> anyhow::Result<RunReport> {
            write_outputs(&out, &mut report, &profile, Some(&spill))?;
            Ok(report)
        })
        .await??;
    }
    Ok(ScanOutcome {
        report,
        interrupted,
        // The IPv6 checks' own requests count too.
        requests: [Some(&fetcher), ctx.fetcher_v6.as_ref()]
            .into_iter()
            .flatten()
            .map(|f| f.stats.requests.load(Ordering::Relaxed))
            .sum(),
        bytes: [Some(&fetcher), ctx.fetcher_v6.as_ref()]
            .into_iter()
            .flatten()
            .map(|f| f.stats.bytes.load(Ordering::Relaxed))
            .sum(),
        saved,
    })
}

/// What a run's row in the store is made from.
struct RunInfo {
    started: String,
    now: chrono::NaiveDate,
    profile: String,
    options: String,
}

/// The history store of a scan, opened: its run and the sites' ids.
struct OpenedHistory {
    store: Arc<dyn HistoryStore>,
    run: i64,
    resumed: bool,
    resumed_now: Option<chrono::NaiveDate>,
    site_ids: HashMap<String, i64>,
}

/// Opens the store `db` names and starts (or, with `resume`, reopens) the
/// run of these sites. Blocks.
fn open_history(
    db: &str,
    sites: &[(String, String)],
    info: &RunInfo,
    resume: bool,
) -> anyhow::Result<OpenedHistory> {
    let store = crate::store::open_store(db).map_err(|e| UsageError(format!("{e:#}")))?;
    let mut urls: Vec<&str> = sites.iter().map(|s| s.0.as_str()).collect();
    urls.sort_unstable();
    let site_key = govscan_checks::content_hash(urls.join("\n").as_bytes());
    let resumable = if resume {
        store.resumable_run(&site_key)?
    } else {
        None
    };
    let (run, resumed, resumed_now) = match resumable {
        Some((run, run_now)) => {
            store.reopen_run(run)?;
            (
                run,
                true,
                chrono::NaiveDate::parse_from_str(&run_now, "%Y-%m-%d").ok(),
            )
        }
        None => (
            store.begin_run(
                &info.started,
                &info.now.to_string(),
                &info.profile,
                &info.options,
                &site_key,
            )?,
            false,
            None,
        ),
    };
    let mut site_ids = HashMap::new();
    for (url, name) in sites {
        site_ids.insert(url.clone(), store.site_id(url, name)?);
    }
    store.start_writer()?;
    Ok(OpenedHistory {
        store,
        run,
        resumed,
        resumed_now,
        site_ids,
    })
}

/// What every site's crawl of a run shares, started: the HTTP clients, the
/// browser when `--render` wants one, the analysis threads.
pub async fn start_context(
    setup: &ScanSetup,
    today: chrono::NaiveDate,
    history: Option<HistoryContext>,
    page_spill: Option<Arc<PageSpill>>,
    cancel: watch::Receiver<bool>,
    progress: &Progress,
) -> anyhow::Result<Arc<RunContext>> {
    let fetcher = Fetcher::new(setup.fetch.clone()).map_err(|e| UsageError(e.to_string()))?;
    let fetcher_v6 = if setup.ipv6 == crate::cli::Ipv6Mode::Check {
        let mut cfg = setup.fetch.clone();
        cfg.family = crate::crawl::resolver::Family::V6;
        Some(Fetcher::new(cfg).map_err(|e| UsageError(e.to_string()))?)
    } else {
        None
    };
    let renderer = crate::render::Renderer::start(
        setup.render,
        setup.render_tabs,
        fetcher.clone(),
        &setup.fetch.user_agent,
        setup.fetch.timeout * 2,
        setup.crawl.html_cap,
    )
    .await
    .map_err(|e| UsageError(e.to_string()))?;
    if renderer.is_none() && setup.render == crate::render::RenderMode::Auto {
        progress.log(
            "未找到 Chromium：脚本生成的栏目列表和页面底部无法渲染，栏目将标为“未能核实”、页面底部问题注明“请人工核实”（安装 chromium 或设置 GOVSCAN_CHROMIUM 后可读取）",
        );
    }
    Ok(Arc::new(RunContext {
        renderer,
        fetcher_v6,
        fetcher,
        profile: Arc::new(setup.profile.clone()),
        options: setup.crawl.clone(),
        cache: CheckCache::default(),
        cancel,
        today,
        history,
        page_spill,
        analysis: Arc::new(
            crate::crawl::pool::AnalysisPool::new(crate::crawl::pool::analysis_threads())
                .context("starting the page analysis threads")?,
        ),
    }))
}

/// SIGINT (Ctrl-C) and SIGTERM (`timeout`, systemd, cron's kill): both stop
/// a scan politely and write what was found.
pub(crate) struct StopSignals {
    #[cfg(unix)]
    term: tokio::signal::unix::Signal,
}

impl StopSignals {
    pub(crate) fn new() -> anyhow::Result<StopSignals> {
        Ok(StopSignals {
            #[cfg(unix)]
            term: tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
                .context("installing the SIGTERM handler")?,
        })
    }

    /// Waits for the next stop signal; false if signals cannot be received.
    pub(crate) async fn next(&mut self) -> bool {
        #[cfg(unix)]
        {
            tokio::select! {
                r = tokio::signal::ctrl_c() => r.is_ok(),
                r = self.term.recv() => r.is_some(),
            }
        }
        #[cfg(not(unix))]
        {
            tokio::signal::ctrl_c().await.is_ok()
        }
    }
}
