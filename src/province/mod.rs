//! A province's sites on several machines, coordinated by PostgreSQL:
//! `govscan queue` creates a run (one job per site, the scan options and
//! the group limit stored with it), `govscan worker`s on any number of
//! machines claim and scan the jobs (`worker.rs`), `govscan status` shows
//! how far the run is, and `govscan report --db` writes the province's
//! report from the database alone, in the same form as a one-machine scan.

pub mod worker;

use crate::cli::{QueueCmd, ScanOptions, StatusCmd};
use crate::crawl::site::SiteSpec;
use crate::run::{annotate, site_report, write_outputs, UsageError};
use crate::sitelist::collect_sites;
use crate::store::pg_jobs::{NewJob, QueuedRun};
use crate::store::{is_postgres_url, HistoryStore, PgStore};
use govscan_checks::Profile;
use govscan_reports::model::SiteListReport;
use govscan_reports::{PageSpill, RunReport, SiteReport};
use std::path::Path;
use std::sync::Arc;

/// The site-list columns that set a site's politeness group.
const GROUP_COLUMNS: &[&str] = &["group", "分组", "平台"];

/// Checks that `--db` names a PostgreSQL database: the province commands
/// need one that every machine reaches.
pub fn postgres_url(db: Option<&str>, command: &str) -> Result<String, UsageError> {
    match db {
        Some(url) if is_postgres_url(url) => Ok(url.to_string()),
        Some(other) => Err(UsageError(format!(
            "govscan {command} needs a PostgreSQL database every worker reaches: --db postgres://user@host/db (got `{other}`; one machine needs no queue: use govscan scan)"
        ))),
        None => Err(UsageError(format!(
            "govscan {command} needs --db postgres://user@host/db"
        ))),
    }
}

/// Opens the store off the async workers.
pub async fn open_pg(url: &str, fenced: bool) -> anyhow::Result<Arc<PgStore>> {
    let url = url.to_string();
    let store = tokio::task::spawn_blocking(move || {
        if fenced {
            PgStore::open_fenced(&url)
        } else {
            PgStore::open(&url)
        }
    })
    .await??;
    Ok(Arc::new(store))
}

/// Runs a blocking store call off the async workers.
pub(crate) async fn blocking<T: Send + 'static>(
    store: &Arc<PgStore>,
    call: impl FnOnce(&PgStore) -> anyhow::Result<T> + Send + 'static,
) -> anyhow::Result<T> {
    let store = store.clone();
    tokio::task::spawn_blocking(move || call(&store)).await?
}

/// The group of a site: the site list's `group` column, else the address
/// its host resolves to (sites of one 集约化 platform share it), else the
/// host itself.
async fn group_of(spec: &SiteSpec, opts: &ScanOptions) -> String {
    if let Some((_, g)) = spec
        .extra
        .iter()
        .find(|(k, v)| !v.is_empty() && GROUP_COLUMNS.iter().any(|c| k.eq_ignore_ascii_case(c)))
    {
        return g.clone();
    }
    let Some(host) = spec.seed.host_str() else {
        return String::new();
    };
    let host = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_ascii_lowercase();
    if let Ok(ip) = host.parse::<std::net::IpAddr>() {
        return ip.to_string();
    }
    let rule = opts
        .resolve
        .iter()
        .find(|r| r.host == host)
        .or_else(|| opts.resolve.iter().find(|r| r.host == "*"));
    if let Some(rule) = rule {
        return rule.addr.to_string();
    }
    if !opts.offline {
        let port = spec.seed.port_or_known_default().unwrap_or(80);
        let lookup = tokio::net::lookup_host((host.as_str(), port));
        if let Ok(Ok(addrs)) = tokio::time::timeout(std::time::Duration::from_secs(5), lookup).await
        {
            let addrs: Vec<std::net::SocketAddr> = addrs.collect();
            if let Some(a) = addrs.iter().find(|a| a.is_ipv4()).or(addrs.first()) {
                return a.ip().to_string();
            }
        }
    }
    format!("host:{host}")
}

/// `govscan queue`: creates the run and its jobs; prints its name.
pub async fn queue(cmd: QueueCmd) -> anyhow::Result<std::process::ExitCode> {
    let url = postgres_url(
        cmd.opts.db.as_ref().map(|p| p.to_string_lossy()).as_deref(),
        "queue",
    )?;
    let (sites, site_list) = collect_sites(&cmd.urls, cmd.sites.as_deref())?;
    let profile = match &cmd.opts.rules {
        Some(path) => Profile::from_path(path).map_err(|e| UsageError(e.to_string()))?,
        None => Profile::national(),
    };
    // The options are checked now, not on every worker tonight.
    crate::run::ScanSetup::with_profile(Vec::new(), &cmd.opts, Path::new("."), profile.clone())?;
    if cmd.group_concurrency == 0 || cmd.max_attempts == 0 || cmd.lease_seconds < 3 {
        return Err(UsageError(
            "--group-concurrency and --max-attempts must be at least 1, --lease-seconds at least 3"
                .into(),
        )
        .into());
    }
    let mut jobs = Vec::new();
    let mut groups = std::collections::BTreeMap::<String, usize>::new();
    for spec in &sites {
        let group = group_of(spec, &cmd.opts).await;
        *groups.entry(group.clone()).or_default() += 1;
        jobs.push(NewJob {
            url: spec.seed.to_string(),
            name: spec.name.clone(),
            spec: serde_json::to_string(spec)?,
            group,
        });
    }
    let now = cmd.opts.now.unwrap_or_else(crate::run::today_in_china);
    let name = cmd.run.clone().unwrap_or_else(|| {
        (chrono::Utc::now() + chrono::Duration::hours(8))
            .format("%Y-%m-%d-%H%M")
            .to_string()
    });
    let mut opts = cmd.opts.clone();
    // Workers reach the database by their own --db; the profile travels as text.
    opts.db = None;
    opts.rules = None;
    let scan_options = serde_json::to_string(&opts)?;
    let site_list_json = site_list.as_ref().map(serde_json::to_string).transpose()?;
    let store = open_pg(&url, false).await?;
    let limits = (
        i32::from(cmd.group_concurrency),
        i32::from(cmd.max_attempts),
        i32::from(cmd.lease_seconds),
    );
    let (run_name, profile_name, toml) =
        (name.clone(), profile.name.clone(), profile.source.clone());
    let count = jobs.len();
    let queued = blocking(&store, move |s| {
        if s.run_named(&run_name)?.is_some() {
            return Err(UsageError(format!(
                "a run named `{run_name}` exists already: give another --run NAME"
            ))
            .into());
        }
        s.queue_run(
            &run_name,
            &now.to_string(),
            &profile_name,
            &toml,
            &scan_options,
            site_list_json.as_deref(),
            limits,
            &jobs,
        )
    })
    .await;
    queued?;
    println!(
        "已排队：扫描 {name}，{count} 个站点，{} 个分组（每组同时最多 {} 个站点）；在各台机器上运行 govscan worker --db …",
        groups.len(),
        cmd.group_concurrency
    );
    Ok(std::process::ExitCode::SUCCESS)
}

/// The run a command names, or the current one.
pub(crate) async fn find_run(
    store: &Arc<PgStore>,
    name: Option<&str>,
    open_only: bool,
) -> anyhow::Result<Option<QueuedRun>> {
    let name = name.map(str::to_string);
    blocking(store, move |s| match &name {
        Some(n) => s.run_named(n),
        None => s.current_run(open_only),
    })
    .await
}

/// The profile a run was queued with.
pub(crate) fn run_profile(run: &QueuedRun) -> Result<Profile, UsageError> {
    if run.profile_toml.is_empty() {
        return Ok(Profile::national());
    }
    Profile::from_toml(
        &run.profile_toml,
        &format!("the profile of run {}", run.name),
    )
    .map_err(|e| UsageError(e.to_string()))
}

/// The scan options a run was queued with.
pub(crate) fn run_options(run: &QueuedRun) -> Result<ScanOptions, UsageError> {
    serde_json::from_str(&run.scan_options).map_err(|e| {
        UsageError(format!(
            "the options of run {} cannot be read by this govscan ({e}): queue the run again",
            run.name
        ))
    })
}

/// What [`assemble`] does with the stored sites' page records.
#[derive(Clone, Copy)]
pub(crate) enum KeepPages<'a> {
    /// Spills them for the reports.
    Spill(&'a PageSpill),
    /// Drops them: closing a run needs only the findings.
    No,
}

/// The province's report of a run from the database: every site's stored
/// report; a site whose job failed (or is not finished) is 未能检查 with
/// the reason. Returns the report and the sites' ids. Blocks.
pub(crate) fn assemble(
    store: &PgStore,
    run: &QueuedRun,
    profile: &Profile,
    pages: KeepPages<'_>,
) -> anyhow::Result<(RunReport, Vec<i64>)> {
    let mut sites = Vec::new();
    let mut ids = Vec::new();
    let mut open = 0;
    for outcome in store.outcomes(run.id)? {
        let spec: SiteSpec = serde_json::from_str(&outcome.spec)?;
        let stored = if outcome.has_report && outcome.state == "done" {
            store
                .site_report(run.id, outcome.site)?
                .and_then(|json| serde_json::from_slice::<SiteReport>(&json).ok())
        } else {
            None
        };
        let mut site = match stored {
            Some(site) => site,
            None => {
                let reason = match outcome.state.as_str() {
                    "failed" => format!(
                        "多次尝试均未能完成检查：{}",
                        outcome.error.as_deref().unwrap_or("原因不明")
                    ),
                    "done" => "检查结果无法读取（数据库中的记录损坏）".to_string(),
                    _ => {
                        open += 1;
                        "本次扫描尚未检查到该站点（任务仍在排队或进行中）".to_string()
                    }
                };
                site_report(crate::crawl::failed_site(spec, &reason, profile))
            }
        };
        match pages {
            // Read one site at a time: a province's pages never all sit in memory.
            KeepPages::Spill(spill) => spill.put(&mut site)?,
            KeepPages::No => site.pages = Vec::new(),
        }
        sites.push(site);
        ids.push(outcome.site);
    }
    let options = serde_json::from_str(&run.scan_options).unwrap_or(serde_json::Value::Null);
    let site_list: Option<SiteListReport> = run
        .site_list
        .as_deref()
        .and_then(|j| serde_json::from_str(j).ok());
    let mut notes = vec![format!("省级多机扫描 {}（PostgreSQL 协调）", run.name)];
    if open > 0 {
        notes.push(format!(
            "报告生成时仍有 {open} 个站点未检查完：这些站点标为“未能检查”，扫描结束后重新生成报告"
        ));
    }
    let report = RunReport {
        version: env!("CARGO_PKG_VERSION").to_string(),
        profile: profile.name.clone(),
        profile_toml: profile.source.clone(),
        started: run.started.clone(),
        finished: chrono::Local::now().to_rfc3339(),
        now: run.now.clone(),
        options,
        sites,
        site_list,
        notes,
    };
    Ok((report, ids))
}

/// Closes a run whose jobs have all ended: its findings and scores are
/// written, so that tomorrow's run reports what is new and fixed. Done by
/// the one worker (or report) that takes the run's closing. Blocks.
pub(crate) fn close_run(store: &PgStore, run: &QueuedRun) -> anyhow::Result<bool> {
    if !store.take_closing(run.id)? {
        return Ok(false);
    }
    let profile = run_profile(run)?;
    let (mut report, ids) = assemble(store, run, &profile, KeepPages::No)?;
    annotate(store, run.id, &ids, &mut report, &profile)?;
    govscan_reports::score_run(&mut report, &profile);
    store.finish_run(run.id, &crate::run::site_outcomes(&report, &ids), "done")?;
    Ok(true)
}

/// `govscan report --db … --run NAME --out DIR`.
pub async fn report(
    url: &str,
    name: Option<&str>,
    out: &Path,
    rules: Option<&Path>,
) -> anyhow::Result<RunReport> {
    let url = postgres_url(Some(url), "report --db")?;
    let store = open_pg(&url, false).await?;
    let run = find_run(&store, name, false).await?.ok_or_else(|| {
        UsageError(match name {
            Some(n) => format!(
                "no run named `{n}` in {}: see govscan status --db …",
                store.location()
            ),
            None => format!(
                "no province run in {}: queue one with govscan queue",
                store.location()
            ),
        })
    })?;
    let profile = match rules {
        Some(p) => Profile::from_path(p).map_err(|e| UsageError(e.to_string()))?,
        None => run_profile(&run)?,
    };
    std::fs::create_dir_all(out).map_err(|e| {
        UsageError(format!(
            "cannot create output folder {}: {e}",
            out.display()
        ))
    })?;
    let out = out.to_path_buf();
    blocking(&store, move |s| {
        // A run whose last worker died before closing it is closed here.
        if s.counts(run.id)?.open() == 0 && run.status == "running" {
            close_run(s, &run)?;
        }
        let spill = PageSpill::in_dir(&out)?;
        let (mut report, ids) = assemble(s, &run, &profile, KeepPages::Spill(&spill))?;
        annotate(s, run.id, &ids, &mut report, &profile)?;
        write_outputs(&out, &mut report, &profile, Some(&spill))?;
        Ok(report)
    })
    .await
}

/// `govscan status`: the run's jobs by state, per worker, with leases.
pub async fn status(cmd: StatusCmd) -> anyhow::Result<std::process::ExitCode> {
    let url = postgres_url(Some(&cmd.db), "status")?;
    let store = open_pg(&url, false).await?;
    let Some(run) = find_run(&store, cmd.run.as_deref(), false).await? else {
        println!(
            "{} 中没有省级扫描任务（用 govscan queue 排队）",
            store.location()
        );
        return Ok(std::process::ExitCode::SUCCESS);
    };
    let id = run.id;
    let (counts, jobs) = blocking(&store, move |s| Ok((s.counts(id)?, s.jobs(id)?))).await?;
    print!("{}", status_text(&run, &counts, &jobs));
    Ok(std::process::ExitCode::SUCCESS)
}

/// What `status` prints.
fn status_text(
    run: &QueuedRun,
    counts: &crate::store::pg_jobs::RunCounts,
    jobs: &[crate::store::pg_jobs::JobRow],
) -> String {
    use std::collections::BTreeMap;
    use std::fmt::Write;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "扫描 {}（{}，检查日期 {}）：待检查 {}，进行中 {}，已完成 {}，失败 {}；每组同时最多 {} 个站点，租约 {} 秒，最多尝试 {} 次",
        run.name,
        if counts.open() == 0 { "已结束" } else { "进行中" },
        run.now,
        counts.pending,
        counts.running,
        counts.done,
        counts.failed,
        run.group_limit,
        run.lease_seconds,
        run.max_attempts
    );
    #[derive(Default)]
    struct PerWorker {
        running: usize,
        done: usize,
        pages: i64,
        seconds: f64,
    }
    let mut workers: BTreeMap<&str, PerWorker> = BTreeMap::new();
    for j in jobs {
        let Some(w) = j.worker.as_deref() else {
            continue;
        };
        let entry = workers.entry(w).or_default();
        match j.state.as_str() {
            "running" => entry.running += 1,
            "done" => {
                entry.done += 1;
                entry.pages += j.pages;
                entry.seconds += j.seconds.unwrap_or(0.0);
            }
            _ => {}
        }
    }
    if !workers.is_empty() {
        let _ = writeln!(s, "按工作进程：");
        for (name, w) in &workers {
            let rate = if w.seconds > 0.0 {
                w.pages as f64 / w.seconds
            } else {
                0.0
            };
            let _ = writeln!(
                s,
                "  {name}：进行中 {}，已完成 {} 个站点，{} 个页面（每秒 {rate:.1} 页）",
                w.running, w.done, w.pages
            );
        }
    }
    for j in jobs.iter().filter(|j| j.state == "running") {
        let lease = j.lease_left.unwrap_or(0.0);
        let _ = writeln!(
            s,
            "  进行中 {}（分组 {}，第 {} 次，{}，{}）",
            j.name,
            j.group,
            j.attempts,
            j.worker.as_deref().unwrap_or("?"),
            if lease >= 0.0 {
                format!("租约剩余 {lease:.0} 秒")
            } else {
                format!("租约已过期 {:.0} 秒，将由其他工作进程接手", -lease)
            }
        );
    }
    for j in jobs.iter().filter(|j| j.state == "failed") {
        let _ = writeln!(
            s,
            "  失败 {}（尝试 {} 次）：{}",
            j.name,
            j.attempts,
            j.error.as_deref().unwrap_or("")
        );
    }
    s
}
