//! The `govscan` command. Exit codes: 0 scan completed, 1 `--fail-on`
//! matched (reserved), 2 usage or configuration error, 130 interrupted.

use clap::Parser;
use govscan::cli::{Cli, Command, ScanCmd};
use govscan::run::{run_scan, summary, ScanSetup, UsageError};
use govscan::sitelist::{parse_site_list, parse_site_url};
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
    let result = runtime.block_on(async {
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
            Command::Schema => {
                print!("{}", govscan_reports::report_schema());
                Ok(ExitCode::SUCCESS)
            }
            Command::Profile => {
                print!("{}", govscan_checks::profile::NATIONAL_TOML);
                Ok(ExitCode::SUCCESS)
            }
        }
    });
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("govscan: {e:#}");
            if e.downcast_ref::<UsageError>().is_some() {
                ExitCode::from(2)
            } else {
                ExitCode::FAILURE
            }
        }
    }
}

async fn scan(cmd: ScanCmd) -> anyhow::Result<ExitCode> {
    let mut sites = Vec::new();
    for raw in &cmd.urls {
        let seed = parse_site_url(raw).map_err(UsageError)?;
        sites.push(govscan::crawl::site::SiteSpec {
            name: seed.host_str().unwrap_or("").to_string(),
            seed,
            extra: Vec::new(),
        });
    }
    if let Some(path) = &cmd.sites {
        let text = std::fs::read(path)
            .map_err(|e| UsageError(format!("cannot read site list {}: {e}", path.display())))?;
        let text = String::from_utf8_lossy(&text);
        let (listed, bad) = parse_site_list(&text);
        for b in &bad {
            eprintln!("govscan: {}: {b}（已跳过）", path.display());
        }
        sites.extend(listed);
    }
    if sites.is_empty() {
        return Err(UsageError(
            "nothing to scan: give one or more URLs or --sites FILE (see govscan scan --help)"
                .into(),
        )
        .into());
    }
    let setup = ScanSetup::new(sites, &cmd.opts, &cmd.out)?;
    let quiet = setup.quiet;
    let outcome = run_scan(setup).await?;
    if !quiet {
        print!("{}", summary(&outcome, &cmd.out));
    }
    Ok(if outcome.interrupted {
        ExitCode::from(130)
    } else {
        ExitCode::SUCCESS
    })
}
