//! CSV writers: `findings.csv` and `pages.csv`.
//!
//! UTF-8 with a BOM so that Excel and WPS open Chinese text intact; cells
//! that a spreadsheet would run as a formula are neutralised.

use crate::model::{RunReport, SiteReport};
use crate::spill::PageSpill;
use std::io::{self, Write};
use std::path::Path;

/// The columns of `findings.csv`, stable: new checks add rows, never columns.
pub const FINDINGS_COLUMNS: [&str; 8] = [
    "site", "check", "severity", "page", "target", "status", "detail", "evidence",
];

/// The columns of `pages.csv`: what was fetched, then the facts read from
/// it. New columns are added at the end.
pub const PAGES_COLUMNS: [&str; 28] = [
    "url",
    "status",
    "content_type",
    "charset",
    "bytes",
    "depth",
    "title",
    "response_ms",
    "site",
    "home",
    "kind",
    "site_code",
    "icp",
    "police",
    "conac",
    "jiucuo",
    "sitemap",
    "host",
    "column",
    "newest_date",
    "doc_no",
    "index_no",
    "written",
    "published",
    "validity",
    "content_hash",
    "cms",
    "rendered",
];

/// Makes a cell safe to open in a spreadsheet: a leading `= + - @`, tab or
/// carriage return would start a formula, so it gets a leading apostrophe.
pub fn neutralise(cell: &str) -> std::borrow::Cow<'_, str> {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}").into(),
        _ => cell.into(),
    }
}

fn writer(path: &Path) -> io::Result<csv::Writer<std::io::BufWriter<std::fs::File>>> {
    Ok(csv::WriterBuilder::new().from_writer(bom_file(path)?))
}

/// A new CSV file with its byte-order mark written.
fn bom_file(path: &Path) -> io::Result<std::io::BufWriter<std::fs::File>> {
    let mut file = std::io::BufWriter::new(std::fs::File::create(path)?);
    file.write_all(b"\xEF\xBB\xBF")?;
    Ok(file)
}

fn row<W: Write>(w: &mut csv::Writer<W>, cells: &[&str]) -> io::Result<()> {
    w.write_record(cells.iter().map(|c| neutralise(c).into_owned()))
        .map_err(io::Error::other)
}

/// Writes `findings.csv`.
pub fn write_findings(path: &Path, run: &RunReport) -> io::Result<()> {
    let mut w = writer(path)?;
    row(&mut w, &FINDINGS_COLUMNS)?;
    for site in &run.sites {
        for f in &site.findings {
            row(&mut w, &f.csv_cells())?;
        }
    }
    w.flush()
}

/// The columns of `sites.csv`: the county overview, one row per site. New
/// columns are added at the end, never renamed or moved.
pub const SITES_COLUMNS: [&str; 26] = [
    "site",
    "url",
    "verdict",
    "score",
    "vetoes",
    "pages",
    "dead_links_home",
    "dead_links_other",
    "stale_columns",
    "empty_columns",
    "footer_problems",
    "policy_without_interpretation",
    "privacy_pages",
    "findings",
    "profile",
    "audit",
    "audit_reason",
    "problems",
    "pages_affected",
    "blocked_links",
    "level",
    "messages",
    "unanswered_overdue",
    "median_reply_workdays",
    "serious_errors",
    "region",
];

/// Writes `sites.csv` (the sites must have been scored).
pub fn write_sites(path: &Path, run: &RunReport) -> io::Result<()> {
    let mut w = writer(path)?;
    row(&mut w, &SITES_COLUMNS)?;
    for site in &run.sites {
        let Some(score) = &site.score else {
            return Err(io::Error::other(
                "sites.csv needs scored sites (call score_run first)",
            ));
        };
        let r = crate::overview::site_row(site, score);
        let footer: Vec<&str> = r.footer_missing.iter().map(|c| c.as_str()).collect();
        let interaction = site.summary.interaction.as_ref();
        let cells = [
            r.name.clone(),
            r.url.clone(),
            r.score.verdict_zh(),
            r.score.score_cell(),
            r.score.vetoes.join("；"),
            r.pages.to_string(),
            r.dead_home.to_string(),
            r.dead_other.to_string(),
            r.stale_columns.to_string(),
            r.empty_columns.to_string(),
            footer.join(" "),
            r.policy_without_interpretation.to_string(),
            r.privacy_pages.to_string(),
            r.findings.to_string(),
            run.profile.clone(),
            r.audit.status.as_str().to_string(),
            r.audit.reason_zh.clone(),
            r.problems.to_string(),
            r.pages_affected.to_string(),
            r.blocked_links.to_string(),
            site.summary
                .level
                .map(|l| l.as_str().to_string())
                .unwrap_or_default(),
            interaction
                .map(|i| i.in_window.to_string())
                .unwrap_or_default(),
            interaction
                .map(|i| i.overdue.to_string())
                .unwrap_or_default(),
            interaction
                .and_then(|i| i.median_workdays)
                .map(|m| m.to_string())
                .unwrap_or_default(),
            site.summary.serious_errors.to_string(),
            r.region.clone().unwrap_or_default(),
        ];
        let refs: Vec<&str> = cells.iter().map(String::as_str).collect();
        row(&mut w, &refs)?;
    }
    // A listed site that was never scanned has a row too: "8 个站点" must
    // not hide the lines that were skipped.
    if let Some(list) = &run.site_list {
        for skipped in &list.skipped {
            let name = format!("{} 第{}行", skipped.file, skipped.line);
            let verdict = format!("未检查（站点清单行无效：{}）", skipped.reason);
            let mut cells: Vec<&str> = vec![""; SITES_COLUMNS.len()];
            cells[0] = &name;
            cells[2] = &verdict;
            cells[14] = &run.profile;
            cells[15] = "not_audited";
            cells[16] = &skipped.reason;
            row(&mut w, &cells)?;
        }
    }
    w.flush()
}

/// The columns of `columns.csv`: one row per column, as monitoring
/// platforms export their 栏目更新情况 (class = govscan's column class;
/// cms_type = the platform's `ColumnType`; items = the platform's stated
/// total, else the items read; source = static, datastore or script).
pub const COLUMNS_COLUMNS: [&str; 11] = [
    "site",
    "column",
    "class",
    "cms_type",
    "last_update",
    "cycle_days",
    "days_since",
    "ok",
    "items",
    "source",
    "page",
];

/// Writes `columns.csv`.
pub fn write_columns(path: &Path, run: &RunReport) -> io::Result<()> {
    let mut w = writer(path)?;
    row(&mut w, &COLUMNS_COLUMNS)?;
    for site in &run.sites {
        for c in &site.summary.columns {
            let ok = if c.unverified {
                "unverified"
            } else if c.blank || c.stale {
                "no"
            } else {
                "yes"
            };
            let cells = [
                site.name.clone(),
                c.name.clone(),
                c.class_label.clone(),
                c.column_type.clone().unwrap_or_default(),
                c.newest.map(|d| d.to_string()).unwrap_or_default(),
                c.max_age_days.to_string(),
                c.age_days.map(|a| a.to_string()).unwrap_or_default(),
                ok.to_string(),
                c.items.to_string(),
                c.source.clone(),
                c.url.clone(),
            ];
            let refs: Vec<&str> = cells.iter().map(String::as_str).collect();
            row(&mut w, &refs)?;
        }
    }
    w.flush()
}

/// Writes `changes.csv`: the findings that are new since the previous run
/// of each site, and those that were fixed — the `findings.csv` columns plus
/// `change` (`new` or `fixed`) and `first_seen`.
pub fn write_changes(path: &Path, run: &RunReport) -> io::Result<()> {
    let mut w = writer(path)?;
    let mut header: Vec<&str> = FINDINGS_COLUMNS.to_vec();
    header.extend(["change", "first_seen"]);
    row(&mut w, &header)?;
    for site in &run.sites {
        let Some(h) = &site.history else { continue };
        if h.previous_run.is_none() {
            continue; // a first run has nothing to compare with
        }
        for (f, fh) in site.findings.iter().zip(&h.findings) {
            if fh.new {
                let mut cells = f.csv_cells().to_vec();
                cells.extend(["new", fh.first_seen.as_str()]);
                row(&mut w, &cells)?;
            }
        }
        for (f, first) in h.fixed.iter().zip(&h.fixed_first_seen) {
            let mut cells = f.csv_cells().to_vec();
            cells.extend(["fixed", first.as_str()]);
            row(&mut w, &cells)?;
        }
    }
    w.flush()
}

/// Writes `pages.csv`: each site's rows, from memory or from the run's
/// spill file when the site's pages were spilled.
pub fn write_pages(path: &Path, run: &RunReport, spill: Option<&PageSpill>) -> io::Result<()> {
    let mut file = bom_file(path)?;
    let mut w = csv::Writer::from_writer(&mut file);
    row(&mut w, &PAGES_COLUMNS)?;
    w.flush()?;
    drop(w);
    for site in &run.sites {
        match (&site.spilled, spill) {
            (Some(pages), Some(spill)) => spill.copy_csv(pages, &mut file)?,
            (Some(_), None) => return Err(not_in_spill(site)),
            (None, _) => {
                let mut w = csv::Writer::from_writer(&mut file);
                write_page_rows(&mut w, site)?;
                w.flush()?;
            }
        }
    }
    file.flush()
}

/// The error for a site whose pages were spilled to a file the writer was
/// not given (a bug, never the user's doing).
pub(crate) fn not_in_spill(site: &SiteReport) -> io::Error {
    io::Error::other(format!(
        "the pages of {} were written to a temporary file that is not available",
        site.name
    ))
}

/// Writes the `pages.csv` rows of one site's pages (no header).
pub fn write_page_rows<W: Write>(w: &mut csv::Writer<W>, site: &SiteReport) -> io::Result<()> {
    for p in &site.pages {
        write_page_row(w, p, &site.name)?;
    }
    Ok(())
}

/// Writes the `pages.csv` row of one page of the site named `site`.
pub fn write_page_row<W: Write>(
    w: &mut csv::Writer<W>,
    p: &govscan_checks::PageRecord,
    site: &str,
) -> io::Result<()> {
    let bytes = p.bytes.to_string();
    let depth = p.depth.to_string();
    let ms = p.response_ms.to_string();
    let home = if p.is_home { "yes" } else { "" };
    let facts = fact_cells(p.facts.as_deref());
    let mut cells: Vec<&str> = vec![
        &p.url,
        &p.status,
        &p.content_type,
        &p.charset,
        &bytes,
        &depth,
        &p.title,
        &ms,
        site,
        home,
    ];
    cells.extend(facts.iter().map(String::as_str));
    cells.push(&p.content_hash);
    cells.push(
        p.facts
            .as_ref()
            .and_then(|f| f.cms.as_deref())
            .unwrap_or_default(),
    );
    // `page`: read from Chromium's rendering; `footer`: the footer was.
    cells.push(match p.facts.as_deref() {
        Some(f) if f.rendered => "page",
        Some(f) if f.footer_rendered => "footer",
        _ => "",
    });
    row(w, &cells)
}

/// The page-fact cells of a `pages.csv` row (empty for URLs only checked).
fn fact_cells(facts: Option<&govscan_checks::PageFacts>) -> Vec<String> {
    let Some(f) = facts else {
        // All but the ten fetch cells and the three after the facts.
        return vec![String::new(); PAGES_COLUMNS.len() - 13];
    };
    let meta = f.policy.as_ref();
    let opt = |v: Option<&String>| v.cloned().unwrap_or_default();
    vec![
        f.kind.as_str().to_string(),
        f.site_code().unwrap_or_default().to_string(),
        opt(f.footer.icp.as_ref()),
        opt(f.footer.police.as_ref()),
        f.footer.conac.as_str().to_string(),
        f.footer.jiucuo.as_str().to_string(),
        f.footer.sitemap.as_str().to_string(),
        opt(f.footer.host.as_ref()),
        f.column.as_deref().unwrap_or_default().to_string(),
        f.newest_date().map(|d| d.to_string()).unwrap_or_default(),
        opt(meta.and_then(|m| m.doc_no.as_ref())),
        opt(meta.and_then(|m| m.index_no.as_ref())),
        meta.and_then(|m| m.written_date())
            .map(|d| d.to_string())
            .unwrap_or_default(),
        f.published.map(|d| d.to_string()).unwrap_or_default(),
        opt(meta.and_then(|m| m.validity.as_ref())),
    ]
}

/// The columns of `ipv6.csv`: the links that did not load over IPv6, as
/// the IPv6 monitoring platforms hand them to sites (link, level, error).
pub const IPV6_COLUMNS: [&str; 5] = ["site", "link", "level", "error", "parent"];

/// Writes `ipv6.csv`.
pub fn write_ipv6(path: &Path, run: &RunReport) -> io::Result<()> {
    let mut w = writer(path)?;
    row(&mut w, &IPV6_COLUMNS)?;
    for site in &run.sites {
        let Some(v6) = &site.summary.ipv6 else {
            continue;
        };
        for f in &v6.failures {
            let level = f.level.to_string();
            row(&mut w, &[&site.name, &f.link, &level, &f.error, &f.parent])?;
        }
    }
    w.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn neutralises_formulas() {
        assert_eq!(neutralise("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(neutralise("+1"), "'+1");
        assert_eq!(neutralise("-1"), "'-1");
        assert_eq!(neutralise("@SUM"), "'@SUM");
        assert_eq!(neutralise("http://a.cn/"), "http://a.cn/");
        assert_eq!(neutralise(""), "");
    }
}
