//! The `govscan` command. Exit codes (one table for every command, in the
//! README): 0 done, 1 findings matched `--fail-on`, 2 usage or
//! configuration error, 3 runtime failure (an I/O error, a crash), 130
//! interrupted (SIGINT or SIGTERM).

use clap::Parser;
use govscan::cli::{Cli, Command, FailOn, ProbeCmd, ScanCmd};
use govscan::run::{run_scan, summary, ScanSetup, UsageError};
use govscan::sitelist::collect_sites;
use govscan_checks::Severity;
use std::process::ExitCode;

/// mimalloc instead of glibc's malloc: a crawl allocates and frees millions
/// of small strings (links, URLs, DOM nodes) across threads, where glibc's
/// arenas spent about 15% of the benchmark's CPU (see README, Speed).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc reserves its arenas in large aligned blocks; with transparent
/// huge pages allowed, the kernel backs them with 2 MiB pages and a crawl's
/// peak memory grows by a third (123 MB instead of 95 MB on the 20,000-page
/// benchmark). mimalloc reserves its first arena before `main`, so its own
/// option comes too late: the process opts out of huge pages instead.
fn tune_allocator() {
    #[cfg(target_os = "linux")]
    // SAFETY: prctl with PR_SET_THP_DISABLE takes plain integers and only
    // changes how the kernel backs this process's memory.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

fn main() -> ExitCode {
    tune_allocator();
    std::panic::set_hook(Box::new(|info| {
        eprintln!("govscan: internal error (a bug, please report it): {info}");
    }));
    let cli = Cli::parse();
    let workers = match govscan::crawl::pool::async_worker_threads() {
        Ok(n) => n,
        Err(e) => {
            eprintln!("govscan: {e}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .worker_threads(workers)
        // Store reads run on blocking threads and wait on one connection
        // at a time: hundreds of threads (tokio's default cap is 512) only
        // add context switches and per-thread allocator heaps.
        .max_blocking_threads(16)
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("govscan: cannot start the async runtime: {e}");
            return ExitCode::from(2);
        }
    };
    let work = std::panic::AssertUnwindSafe(|| {
        runtime.block_on(async {
            match cli.command {
                Command::Scan(cmd) => scan(*cmd).await,
                Command::Demo(cmd) => govscan::demo::run_demo(cmd).await,
                Command::Report(cmd) => {
                    let (report, dir) =
                        match (&cmd.db, &cmd.run_dir, &cmd.out) {
                            (Some(db), _, Some(out)) => (
                                govscan::province::report(
                                    db,
                                    cmd.run.as_deref(),
                                    out,
                                    cmd.rules.as_deref(),
                                )
                                .await?,
                                out.clone(),
                            ),
                            (None, Some(dir), _) => (
                                govscan::run::rerender(dir, cmd.rules.as_deref())?,
                                dir.clone(),
                            ),
                            _ => return Err(UsageError(
                                "give a scan's output folder, or --db URL --out DIR [--run NAME]"
                                    .into(),
                            )
                            .into()),
                        };
                    println!(
                        "已生成 {}（{} 个站点，规则 {}）",
                        dir.join("report.html").display(),
                        report.sites.len(),
                        report.profile
                    );
                    Ok(ExitCode::SUCCESS)
                }
                Command::Queue(cmd) => govscan::province::queue(*cmd).await,
                Command::Worker(cmd) => govscan::province::worker::work(cmd).await,
                Command::Status(cmd) => govscan::province::status(cmd).await,
                Command::Probe(cmd) => probe(*cmd).await,
                Command::Prune(cmd) => {
                    let db = cmd.db.to_string_lossy().to_string();
                    let keep = cmd.keep_days;
                    let (runs, probes) = tokio::task::spawn_blocking(move || {
                        let store = govscan::store::open_store(&db)
                            .map_err(|e| UsageError(format!("{e:#}")))?;
                        store.prune(keep)
                    })
                    .await??;
                    println!(
                        "已删除 {runs} 次扫描、{probes} 条探测记录（保留近 {} 天）：{}",
                        cmd.keep_days,
                        cmd.db.display()
                    );
                    Ok(ExitCode::SUCCESS)
                }
                Command::Schema => {
                    print!("{}", govscan_reports::report_schema());
                    Ok(ExitCode::SUCCESS)
                }
                Command::Profile => {
                    print!("{}", govscan_checks::profile::NATIONAL_TOML);
                    Ok(ExitCode::SUCCESS)
                }
            }
        })
    });
    let result = match std::panic::catch_unwind(work) {
        Ok(result) => result,
        // The panic hook has said what happened; a crash must not look like findings.
        Err(_) => return ExitCode::from(EXIT_RUNTIME),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("govscan: {e:#}");
            if e.downcast_ref::<UsageError>().is_some() {
                ExitCode::from(2)
            } else {
                ExitCode::from(EXIT_RUNTIME)
            }
        }
    }
}

/// Exit code of a runtime failure (I/O error, database error, crash).
const EXIT_RUNTIME: u8 = 3;

async fn scan(cmd: ScanCmd) -> anyhow::Result<ExitCode> {
    let (sites, site_list) = collect_sites(&cmd.urls, cmd.sites.as_deref())?;
    let mut setup = ScanSetup::new(sites, &cmd.opts, &cmd.out)?;
    setup.site_list = site_list;
    let quiet = setup.quiet;
    let outcome = run_scan(setup).await?;
    if !quiet {
        print!("{}", summary(&outcome, &cmd.out));
    }
    if outcome.interrupted {
        return Ok(ExitCode::from(130));
    }
    if let Some(level) = cmd.fail_on {
        let worst = match level {
            FailOn::Veto => Severity::Veto,
            FailOn::Error => Severity::Error,
            FailOn::Warning => Severity::Warning,
        };
        // A finding counts as new when the previous run of its site did not
        // have it (on a site's first run, everything is new).
        let matched = outcome.report.sites.iter().any(|site| {
            site.findings.iter().enumerate().any(|(i, f)| {
                let new = match site.history.as_ref() {
                    Some(h) if h.previous_run.is_some() => {
                        h.findings.get(i).is_none_or(|fh| fh.new)
                    }
                    _ => true,
                };
                f.severity <= worst && (!cmd.fail_on_new || new)
            })
        });
        // Skipped site-list lines are warning-level problems: a listed site
        // that was not scanned must not pass unnoticed.
        let skipped = outcome
            .report
            .site_list
            .as_ref()
            .is_some_and(|l| !l.skipped.is_empty());
        let matched = matched || (skipped && worst >= Severity::Warning && !cmd.fail_on_new);
        if matched {
            if !quiet {
                eprintln!("govscan: findings at or above --fail-on {level:?} exist (exit code 1)");
            }
            return Ok(ExitCode::FAILURE);
        }
    }
    Ok(ExitCode::SUCCESS)
}

async fn probe(cmd: ProbeCmd) -> anyhow::Result<ExitCode> {
    use govscan::probe::{parse_every, probe_config, probe_round};
    let (sites, _) = collect_sites(&cmd.urls, cmd.sites.as_deref())?;
    let every = cmd
        .every
        .as_deref()
        .map(parse_every)
        .transpose()
        .map_err(UsageError)?;
    let profile = match &cmd.rules {
        Some(p) => govscan_checks::Profile::from_path(p).map_err(|e| UsageError(e.to_string()))?,
        None => govscan_checks::Profile::national(),
    };
    let opts = govscan::cli::ScanOptions {
        offline: cmd.offline,
        resolve: cmd.resolve.clone(),
        ..Default::default()
    };
    let base = ScanSetup::new(Vec::new(), &opts, std::path::Path::new("."))?.fetch;
    let fetcher = govscan::crawl::client::Fetcher::new(probe_config(&base, &profile))?;
    let db = cmd.db.to_string_lossy().to_string();
    let (store, with_ids) = tokio::task::spawn_blocking(move || -> anyhow::Result<_> {
        let store = govscan::store::open_store(&db).map_err(|e| UsageError(format!("{e:#}")))?;
        let mut with_ids = Vec::new();
        for s in sites {
            let id = store.site_id(s.seed.as_str(), &s.name)?;
            with_ids.push((s, id));
        }
        Ok((store, with_ids))
    })
    .await??;
    let mut round = 0u64;
    loop {
        round += 1;
        let results = probe_round(&fetcher, &store, &with_ids).await?;
        if !cmd.quiet {
            for (name, ok, status, ms) in &results {
                let state = if *ok { "正常" } else { "无法访问" };
                println!(
                    "{} {name}：{state}（{status}，{ms} 毫秒）",
                    chrono::Local::now().format("%Y-%m-%d %H:%M:%S")
                );
            }
        }
        let Some(every) = every else { break };
        if cmd.rounds.is_some_and(|n| round >= n) {
            break;
        }
        tokio::select! {
            _ = tokio::time::sleep(every) => {}
            _ = tokio::signal::ctrl_c() => break,
        }
    }
    Ok(ExitCode::SUCCESS)
}
