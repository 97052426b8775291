//! The `govscan` command. Exit codes (one table for every command, in the
//! README): 0 done, 1 findings matched `--fail-on`, 2 usage or
//! configuration error, 3 runtime failure (an I/O error, a crash), 130
//! interrupted (SIGINT or SIGTERM).

use clap::Parser;
use govscan::cli::{Cli, Command, FailOn, ProbeCmd, ScanCmd};
use govscan::crawl::site::SiteSpec;
use govscan::run::{run_scan, summary, ScanSetup, UsageError};
use govscan::sitelist::{parse_site_list, parse_site_url};
use govscan::store::HistoryStore;
use govscan_checks::Severity;
use govscan_reports::model::{SiteListReport, SkippedLine};
use std::process::ExitCode;

fn main() -> ExitCode {
    std::panic::set_hook(Box::new(|info| {
        eprintln!("govscan: internal error (a bug, please report it): {info}");
    }));
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
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
                    let report = govscan::run::rerender(&cmd.run_dir, cmd.rules.as_deref())?;
                    println!(
                        "已重新生成 {}（{} 个站点，规则 {}）",
                        cmd.run_dir.join("report.html").display(),
                        report.sites.len(),
                        report.profile
                    );
                    Ok(ExitCode::SUCCESS)
                }
                Command::Probe(cmd) => probe(*cmd).await,
                Command::Prune(cmd) => {
                    let store = govscan::store::SqliteStore::open(&cmd.db)
                        .map_err(|e| UsageError(format!("{e:#}")))?;
                    let (runs, probes) = store.prune(cmd.keep_days)?;
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

/// The sites named on the command line and in a site list, and what the
/// list held (its skipped lines are reported, never hidden).
fn collect_sites(
    urls: &[String],
    list: Option<&std::path::Path>,
) -> anyhow::Result<(Vec<SiteSpec>, Option<SiteListReport>)> {
    let mut sites = Vec::new();
    for raw in urls {
        let seed = parse_site_url(raw).map_err(|e| {
            UsageError(format!(
                "{e}; give home page URLs such as https://www.example.gov.cn/ (see govscan scan --help)"
            ))
        })?;
        sites.push(SiteSpec {
            name: seed.host_str().unwrap_or("").to_string(),
            seed,
            extra: Vec::new(),
            level: None,
        });
    }
    let mut report = None;
    if let Some(path) = list {
        let text = std::fs::read(path)
            .map_err(|e| UsageError(format!("cannot read site list {}: {e}", path.display())))?;
        let text = String::from_utf8_lossy(&text);
        let (listed, bad) = parse_site_list(&text);
        for b in &bad {
            eprintln!("govscan: {}: {b}（已跳过）", path.display());
        }
        let file = path.display().to_string();
        report = Some(SiteListReport {
            lines: listed.len() + bad.len(),
            sites: 0,
            skipped: bad
                .iter()
                .map(|b| SkippedLine {
                    file: file.clone(),
                    line: b.line,
                    reason: b.message.clone(),
                })
                .collect(),
        });
        sites.extend(listed);
    }
    if let Some(r) = report.as_mut() {
        r.sites = sites.len();
        eprintln!("govscan: {}", r.summary_zh());
    }
    if sites.is_empty() {
        return Err(UsageError(
            "nothing to scan: give one or more URLs or --sites FILE with at least one valid line (see govscan scan --help)"
                .into(),
        )
        .into());
    }
    Ok((sites, report))
}

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
    let store =
        govscan::store::SqliteStore::open(&cmd.db).map_err(|e| UsageError(format!("{e:#}")))?;
    let mut with_ids = Vec::new();
    for s in sites {
        let id = store.site_id(s.seed.as_str(), &s.name)?;
        with_ids.push((s, id));
    }
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
