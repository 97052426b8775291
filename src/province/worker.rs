//! `govscan worker`: claims a province run's jobs and scans them, a few
//! sites at a time, until no job of the run is pending or running.
//!
//! Each site runs under a lease that a side task renews every third of its
//! length. The crawl writes every fetched URL as it goes (tagged with the
//! lease's token), so a job whose worker died is continued by the next one
//! from what was stored (the `--resume` logic), never from zero. If the
//! lease is found taken (this worker stalled past it), the crawl is dropped
//! and nothing more of it is written.

use super::{blocking, close_run, find_run, open_pg, postgres_url, run_options, run_profile};
use crate::cli::WorkerCmd;
use crate::crawl::context::{HistoryContext, HistoryStats, RunContext, SiteProgress};
use crate::crawl::progress::Progress;
use crate::crawl::site::{crawl_site, SiteSpec};
use crate::run::{site_report, start_context, ScanSetup, StopSignals, UsageError};
use crate::store::pg_jobs::{Claim, QueuedRun};
use crate::store::{HistoryStore, PgStore};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;
use tokio::task::JoinSet;

/// How one site's job ended.
enum JobEnd {
    /// Its report is stored and the job is done.
    Done,
    /// The lease was lost to another worker: its results stand.
    LeaseLost,
    /// Given back: the worker is stopping (the attempt does not count).
    Stopped,
    /// The attempt failed (counted; failed for good after the run's limit).
    Failed(String),
}

/// This worker's name in `status`: host and process.
fn worker_name(given: Option<&str>) -> String {
    if let Some(n) = given {
        return n.to_string();
    }
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "worker".into());
    format!("{host}:{}", std::process::id())
}

/// Runs the worker until its runs are done (or, with `--wait`, forever).
pub async fn work(cmd: WorkerCmd) -> anyhow::Result<ExitCode> {
    let url = postgres_url(Some(&cmd.db), "worker")?;
    if !(cmd.poll > 0.0 && cmd.poll.is_finite()) {
        return Err(UsageError("--poll must be a positive number of seconds".into()).into());
    }
    let poll = Duration::from_secs_f64(cmd.poll);
    let me = worker_name(cmd.name.as_deref());
    let progress = Arc::new(Progress::new(cmd.quiet));
    let store = open_pg(&url, true).await?;
    let (stop_tx, stop_rx) = watch::channel(false);
    let mut signals = StopSignals::new()?;
    let signal_progress = progress.clone();
    let signal_task = tokio::spawn(async move {
        if signals.next().await {
            signal_progress.log("收到停止信号：正在归还未完成的站点（再次中断立即退出）");
            let _ = stop_tx.send(true);
            if signals.next().await {
                std::process::exit(130);
            }
        }
    });
    let mut scanned = 0usize;
    let limit = cmd.max_sites.unwrap_or(usize::MAX);
    let mut idle_logged = false;
    while scanned < limit && !*stop_rx.borrow() {
        let run = find_run(&store, cmd.run.as_deref(), cmd.run.is_none()).await?;
        let open = match &run {
            Some(r) => {
                let id = r.id;
                blocking(&store, move |s| s.counts(id)).await?.open() > 0
            }
            None => false,
        };
        let missing = run.is_none();
        let Some(run) = run.filter(|_| open) else {
            if cmd.run.is_some() && missing {
                return Err(UsageError(format!(
                    "no run named `{}` in {}",
                    cmd.run.as_deref().unwrap_or(""),
                    store.location()
                ))
                .into());
            }
            if !cmd.wait {
                break;
            }
            if !idle_logged {
                progress.log("没有待检查的扫描任务：等待下一次排队（--wait）");
                idle_logged = true;
            }
            wait_or_stop(poll, &stop_rx).await;
            continue;
        };
        idle_logged = false;
        progress.log(&format!("{me}：开始处理扫描 {}", run.name));
        scanned += work_on_run(
            &cmd,
            &me,
            &store,
            &run,
            limit - scanned,
            poll,
            &stop_rx,
            &progress,
        )
        .await?;
        if cmd.run.is_some() && !cmd.wait {
            break;
        }
    }
    signal_task.abort();
    if *stop_rx.borrow() {
        return Ok(ExitCode::from(130));
    }
    progress.log(&format!("{me}：结束，共检查 {scanned} 个站点"));
    Ok(ExitCode::SUCCESS)
}

async fn wait_or_stop(pause: Duration, stop: &watch::Receiver<bool>) {
    let mut stop = stop.clone();
    tokio::select! {
        _ = tokio::time::sleep(pause) => {}
        _ = stop.wait_for(|s| *s) => {}
    }
}

/// Works on one run until none of its jobs is open (or the worker's
/// site limit is reached, or it is asked to stop). Returns sites scanned.
#[allow(clippy::too_many_arguments)]
async fn work_on_run(
    cmd: &WorkerCmd,
    me: &str,
    store: &Arc<PgStore>,
    run: &QueuedRun,
    budget: usize,
    poll: Duration,
    stop: &watch::Receiver<bool>,
    progress: &Arc<Progress>,
) -> anyhow::Result<usize> {
    let profile = run_profile(run)?;
    let mut opts = run_options(run)?;
    opts.quiet = cmd.quiet;
    let setup = ScanSetup::with_profile(Vec::new(), &opts, std::path::Path::new("."), profile)?;
    let today = chrono::NaiveDate::parse_from_str(&run.now, "%Y-%m-%d").unwrap_or(setup.now);
    let id = run.id;
    let site_ids = blocking(store, move |s| s.run_site_ids(id)).await?;
    let history_store: Arc<dyn HistoryStore> = store.clone();
    let history = HistoryContext {
        store: history_store.clone(),
        run: run.id,
        // A job claimed again continues from what its earlier attempt stored.
        resume: true,
        revalidate: !setup.history.full,
        link_cache_max_age: (!setup.history.full && setup.history.link_cache_days > 0)
            .then(|| chrono::Duration::days(i64::from(setup.history.link_cache_days))),
        profile_key: govscan_checks::content_hash(setup.profile.source.as_bytes()),
        stats: HistoryStats::default(),
        site_ids,
    };
    blocking(store, |s| s.start_writer()).await?;
    // Records stay in memory: the site's whole report goes to the database.
    let ctx = start_context(&setup, today, Some(history), None, stop.clone(), progress).await?;
    let slots = cmd.parallel_sites.max(1);
    let mut set: JoinSet<(Claim, JobEnd)> = JoinSet::new();
    let mut claimed = 0usize;
    let mut scanned = 0usize;
    let outcome: anyhow::Result<()> = async {
        loop {
            let stopping = *stop.borrow();
            while !stopping && set.len() < slots && claimed < budget {
                let (r, name) = (run.clone(), me.to_string());
                let Some(claim) = blocking(store, move |s| s.claim(&r, &name)).await? else {
                    break;
                };
                claimed += 1;
                set.spawn(run_job(store.clone(), run.clone(), claim, ctx.clone(), progress.clone()));
            }
            if set.is_empty() {
                let id = run.id;
                let counts = blocking(store, move |s| s.counts(id)).await?;
                if stopping || claimed >= budget || counts.open() == 0 {
                    return Ok(());
                }
                // Jobs still run elsewhere, or their group is at its limit:
                // look again soon (an expired lease is claimed then).
                wait_or_stop(poll, stop).await;
                continue;
            }
            tokio::select! {
                joined = set.join_next() => {
                    if let Some(joined) = joined {
                        let (claim, end) = joined?;
                        if matches!(end, JobEnd::Done) {
                            scanned += 1;
                        }
                        if let JobEnd::Failed(e) = &end {
                            progress.log(&format!("站点任务 {} 第 {} 次失败：{e}", claim.job, claim.attempt));
                        }
                    }
                }
                // A free group slot or an expired lease elsewhere: claim again.
                _ = tokio::time::sleep(poll), if set.len() < slots && claimed < budget && !stopping => {}
            }
        }
    }
    .await;
    // Every queued write of this run reaches the database before closing.
    blocking(store, |s| {
        s.stop_writer();
        Ok(())
    })
    .await?;
    outcome?;
    let r = run.clone();
    if blocking(store, move |s| close_run(s, &r)).await? {
        progress.log(&format!(
            "扫描 {} 的全部站点已结束：结果已写入数据库",
            run.name
        ));
    }
    drop(ctx);
    Ok(scanned)
}

/// Scans one claimed site under its lease and stores its report.
async fn run_job(
    store: Arc<PgStore>,
    run: QueuedRun,
    claim: Claim,
    ctx: Arc<RunContext>,
    progress: Arc<Progress>,
) -> (Claim, JobEnd) {
    let end = match serde_json::from_str::<SiteSpec>(&claim.spec) {
        Err(e) => JobEnd::Failed(format!("任务中的站点无法读取：{e}")),
        Ok(spec) => scan_under_lease(&store, &run, &claim, spec, ctx, &progress).await,
    };
    let (s, r, c) = (store.clone(), run.clone(), claim.clone());
    let given_back = match &end {
        JobEnd::Failed(e) => {
            let e = e.clone();
            blocking(&s, move |s| s.give_back(&r, &c, Some(&e))).await
        }
        JobEnd::Stopped => blocking(&s, move |s| s.give_back(&r, &c, None)).await,
        JobEnd::Done | JobEnd::LeaseLost => {
            store.release(&run, &claim);
            Ok(())
        }
    };
    if let Err(e) = given_back {
        progress.log(&format!(
            "归还站点任务 {} 时数据库出错：{e:#}（租约过期后由其他工作进程接手）",
            claim.job
        ));
    }
    (claim, end)
}

async fn scan_under_lease(
    store: &Arc<PgStore>,
    run: &QueuedRun,
    claim: &Claim,
    spec: SiteSpec,
    ctx: Arc<RunContext>,
    progress: &Arc<Progress>,
) -> JobEnd {
    let handle = progress.start_site(&spec.name, spec.seed.as_str());
    let counters: Arc<SiteProgress> = handle.counters.clone();
    // The crawl in its own task: a panic is this site's failure, not the worker's.
    let mut crawl = tokio::spawn(crawl_site(spec, ctx, counters));
    let every = Duration::from_secs(u64::try_from(run.lease_seconds / 3).unwrap_or(1).max(1));
    let result = loop {
        tokio::select! {
            joined = &mut crawl => break joined,
            _ = tokio::time::sleep(every) => {
                let (s, r, c) = (store.clone(), run.clone(), claim.clone());
                match blocking(&s, move |s| s.renew(&r, &c)).await {
                    Ok(true) => {}
                    Ok(false) => {
                        crawl.abort();
                        progress.log(&format!("站点任务 {} 的租约已被其他工作进程接手：放弃本次结果", claim.job));
                        return JobEnd::LeaseLost;
                    }
                    // The database is away: the lease holds while it restarts.
                    Err(_) => {}
                }
            }
        }
    };
    let result = match result {
        Ok(r) => r,
        Err(e) if e.is_panic() => return JobEnd::Failed("检查该站点时程序出错（panic）".into()),
        Err(e) => return JobEnd::Failed(format!("检查该站点的任务被取消：{e}")),
    };
    progress.finish_site(&handle, &result);
    if result.interrupted {
        return JobEnd::Stopped;
    }
    // Every fetch of the site is in the database before the job is done:
    // after that, its writes would be refused (the lease is over).
    if !crate::store::flushed(&**store).await {
        return JobEnd::Failed("站点的抓取记录未能写入数据库".into());
    }
    let pages = result.pages_read as i64;
    let report = site_report(result);
    let json = match serde_json::to_vec(&report) {
        Ok(j) => j,
        Err(e) => return JobEnd::Failed(format!("站点结果无法保存：{e}")),
    };
    let (s, r, c) = (store.clone(), run.clone(), claim.clone());
    match blocking(&s, move |s| s.complete(&r, &c, &json, pages)).await {
        Ok(true) => JobEnd::Done,
        Ok(false) => JobEnd::LeaseLost,
        Err(e) => JobEnd::Failed(format!("站点结果未能写入数据库：{e:#}")),
    }
}
