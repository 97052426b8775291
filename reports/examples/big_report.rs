//! Writes a report of N synthetic findings (default 100,000) to DIR, to see
//! how the HTML report behaves at scale:
//! `cargo run --release -p govscan-reports --example big_report -- DIR [N]`.

// Tests, benchmarks and examples may panic on a broken fixture: that is
// their way to fail.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use govscan_checks::{CheckId, Finding, Profile, Severity};
use govscan_reports::{write_run, RunReport, SiteReport};

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let dir = std::path::PathBuf::from(args.get(1).map_or("big-report", String::as_str));
    let n: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(100_000);
    std::fs::create_dir_all(&dir)?;
    let checks = [
        CheckId::LinkDead,
        CheckId::FooterIcp,
        CheckId::LinkMalformed,
        CheckId::PolicyWenhao,
        CheckId::LinkSoft404,
    ];
    let sites = (0..20)
        .map(|s| SiteReport {
            name: format!("示范单位{s}"),
            url: format!("http://www.s{s}.gov.cn/"),
            home: format!("http://www.s{s}.gov.cn/"),
            extra: Vec::new(),
            pages: Vec::new(),
            findings: (0..n / 20)
                .map(|i| {
                    let check = checks[i % checks.len()];
                    Finding {
                        site: format!("示范单位{s}"),
                        check,
                        severity: Severity::Error,
                        page: format!("http://www.s{s}.gov.cn/art/{}/{i}.html", i % 97),
                        target: format!("http://www.s{s}.gov.cn/old/{i}.html"),
                        status: "404".into(),
                        detail: "页面不存在(404)".into(),
                        evidence: format!("第{i}条旧新闻"),
                        home_page: i % 50 == 0,
                    }
                })
                .collect(),
            notes: Vec::new(),
            interrupted: false,
            summary: Default::default(),
            score: None,
            history: None,
            spilled: None,
        })
        .collect();
    let mut run = RunReport {
        version: "bench".into(),
        profile: "national".into(),
        profile_toml: String::new(),
        started: "2026-11-23T00:00:00+08:00".into(),
        finished: "2026-11-23T01:00:00+08:00".into(),
        now: "2026-11-23".into(),
        options: serde_json::json!({}),
        sites,
        site_list: None,
        notes: Vec::new(),
    };
    let started = std::time::Instant::now();
    write_run(&dir, &mut run, &Profile::national(), None)?;
    println!(
        "{} findings written to {} in {:?}",
        n,
        dir.display(),
        started.elapsed()
    );
    Ok(())
}
