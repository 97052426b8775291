//! A run's files: what the store adds to each site, the output folder
//! (reports and run.log), rendering an old run again under other rules,
//! and the summary printed after a scan.

use super::{ScanOutcome, UsageError};
use crate::crawl::site::SiteResult;
use crate::store::HistoryStore;
use anyhow::Context;
use govscan_checks::Profile;
use govscan_reports::{PageSpill, RunReport, SiteReport};
use std::path::Path;

/// Adds what the store knows to each site: availability (and its
/// `site.unreachable` finding) and what changed since the previous run.
pub(crate) fn annotate(
    store: &dyn HistoryStore,
    run: i64,
    site_ids: &[i64],
    report: &mut RunReport,
    profile: &Profile,
) -> anyhow::Result<()> {
    let until = chrono::Local::now().fixed_offset();
    for (site, &id) in report.sites.iter_mut().zip(site_ids) {
        let availability = store.availability(id, until, profile.availability.days)?;
        if let Some(a) = &availability {
            let home = site.home.clone();
            site.findings
                .extend(govscan_checks::site::availability_findings(
                    &site.name, &home, a, profile,
                ));
        }
        let mut history = store.site_history(run, id, &site.url, &site.findings, &report.now)?;
        history.availability = availability;
        site.history = Some(history);
    }
    Ok(())
}

pub(crate) fn site_report(r: SiteResult) -> SiteReport {
    SiteReport {
        name: r.spec.name,
        url: r.spec.seed.to_string(),
        home: r.home,
        extra: r.spec.extra,
        pages: r.pages,
        findings: r.findings,
        notes: r.notes,
        interrupted: r.interrupted,
        summary: r.summary,
        score: None,
        history: None,
        spilled: r.spilled,
    }
}

/// Writes every output file of a run into `out` (scoring the sites under `profile`).
/// `spill` holds the pages of the sites whose pages were spilled.
pub fn write_outputs(
    out: &Path,
    report: &mut RunReport,
    profile: &Profile,
    spill: Option<&PageSpill>,
) -> anyhow::Result<()> {
    govscan_reports::write_run(out, report, profile, spill)?;
    let notes = out.join("run.log");
    let mut text = String::new();
    if let Some(list) = &report.site_list {
        text.push_str(&format!("站点清单\t{}\n", list.summary_zh()));
        for skipped in &list.skipped {
            text.push_str(&format!(
                "站点清单\t{} 第{}行：{}（已跳过）\n",
                skipped.file, skipped.line, skipped.reason
            ));
        }
    }
    for note in &report.notes {
        text.push_str(&format!("抓取\t{note}\n"));
    }
    for site in &report.sites {
        for note in &site.notes {
            text.push_str(&format!("{}\t{}\n", site.name, note));
        }
    }
    std::fs::write(&notes, text).with_context(|| format!("writing {}", notes.display()))?;
    Ok(())
}

/// `govscan report RUN_DIR`: re-renders every output from `report.json`
/// without crawling, under `--rules` or the profile the run used.
pub fn rerender(dir: &Path, rules: Option<&Path>) -> anyhow::Result<RunReport> {
    let path = dir.join("report.json");
    let file = std::fs::File::open(&path).map_err(|e| {
        UsageError(format!(
            "cannot open {}: {e} (give the folder a scan wrote)",
            path.display()
        ))
    })?;
    let mut report: RunReport =
        serde_json::from_reader(std::io::BufReader::new(file)).map_err(|e| {
            UsageError(format!(
                "{} is not a govscan report.json: {e}",
                path.display()
            ))
        })?;
    let profile = match rules {
        Some(p) => Profile::from_path(p).map_err(|e| UsageError(e.to_string()))?,
        None if !report.profile_toml.is_empty() => Profile::from_toml(
            &report.profile_toml,
            &format!("{} (profile of the run)", path.display()),
        )
        .map_err(|e| UsageError(e.to_string()))?,
        None => Profile::national(),
    };
    report.profile = profile.name.clone();
    report.profile_toml = profile.source.clone();
    // A report written before audits existed scored a site nothing of which
    // was read as 合格 100: it was not audited.
    for site in &mut report.sites {
        let old = site.summary.audit == govscan_checks::audit::Audit::default()
            && !site
                .findings
                .iter()
                .any(|f| f.check == govscan_checks::CheckId::SiteNotAudited);
        if !old {
            continue;
        }
        let home_status = site
            .pages
            .iter()
            .find(|p| p.is_home)
            .map(|p| p.status.to_string());
        let read = site.pages.iter().filter(|p| p.crawled).count();
        if let Some(audit) =
            govscan_checks::audit::audit_of_old_report(home_status.as_deref(), read, &profile.audit)
        {
            let home = site.home.clone();
            site.findings
                .extend(govscan_checks::audit::not_audited_finding(
                    &site.name, &home, &audit, &profile,
                ));
            site.summary.audit = audit;
        }
    }
    write_outputs(dir, &mut report, &profile, None)?;
    Ok(report)
}

/// A short summary for the terminal.
pub fn summary(outcome: &ScanOutcome, out: &Path) -> String {
    use std::collections::BTreeMap;
    let mut by_check: BTreeMap<&str, usize> = BTreeMap::new();
    let mut pages = 0;
    for site in &outcome.report.sites {
        pages += site.pages_read();
        for f in &site.findings {
            *by_check.entry(f.check.as_str()).or_default() += 1;
        }
    }
    let mut s = String::new();
    if let Some(list) = &outcome.report.site_list {
        s.push_str(&format!("{}。\n", list.summary_zh()));
    }
    s.push_str(&format!(
        "扫描{}：{} 个站点，{} 个页面，{} 次请求，接收 {:.1} MB。\n",
        if outcome.interrupted {
            "已中断"
        } else {
            "完成"
        },
        outcome.report.sites.len(),
        pages,
        outcome.requests,
        outcome.bytes as f64 / 1_048_576.0
    ));
    s.push_str("问题记录（findings.csv 行数）按检查项：\n");
    for (check, n) in &by_check {
        s.push_str(&format!("  {check:<28} {n}\n"));
    }
    if let Some(h) = &outcome.saved {
        s.push_str(&format!(
            "增量扫描：{} 个页面未修改（304，节省 {:.1} MB），{} 个外部链接沿用近期检查结果，{} 个地址沿用中断前的结果；历史库 {}\n",
            h.not_modified,
            h.bytes_saved as f64 / 1_048_576.0,
            h.cached_links,
            h.replayed,
            h.db
        ));
    }
    for site in &outcome.report.sites {
        if let Some(score) = &site.score {
            let row = govscan_reports::overview::site_row(site, score);
            s.push_str(&format!("  {}：{}", site.name, score.verdict_zh()));
            if let Some(points) = score.score {
                s.push_str(&format!("，得分 {points:.1}"));
            }
            if !score.vetoes.is_empty() {
                s.push_str(&format!("，单项否决：{}", score.vetoes.join("；")));
            }
            s.push_str(&format!(
                "，需整改项 {}，涉及页面 {}，问题记录 {}",
                row.problems, row.pages_affected, row.findings
            ));
            if row.blocked_links > 0 {
                s.push_str(&format!("，未能核实链接 {}", row.blocked_links));
            }
            if score.verdict == govscan_checks::score::Verdict::NotAudited {
                s.push_str(&format!("。处理建议：{}", score.audit.advice_zh));
            }
            s.push('\n');
        }
    }
    s.push_str(&format!("报告：{}\n", out.join("report.html").display()));
    s
}

/// What the store keeps of a run's sites: their findings and scores, paired
/// with their ids in the store.
pub(crate) fn site_outcomes<'a>(
    report: &'a RunReport,
    ids: &[i64],
) -> Vec<crate::store::SiteOutcome<'a>> {
    report
        .sites
        .iter()
        .zip(ids)
        .map(|(site, id)| crate::store::SiteOutcome {
            id: *id,
            url: &site.url,
            findings: &site.findings,
            score: site.score.as_ref(),
        })
        .collect()
}
