//! govscan-reports: writers over a run's findings and pages.
//!
//! Reports only render: every number they print was computed by the checks.

mod charts;
pub mod csv_out;
pub mod html;
pub mod model;
pub mod overview;
mod site_figures;
pub mod spill;

pub use model::{RunReport, SiteReport};
pub use spill::PageSpill;

use govscan_checks::score::score_site;
use govscan_checks::Profile;
use std::io::{self, Write};
use std::path::Path;

/// Scores every site under `profile` and stores the scores in the run.
pub fn score_run(run: &mut RunReport, profile: &Profile) {
    for site in &mut run.sites {
        site.score = Some(score_site(&site.findings, &site.summary.audit, profile));
    }
}

/// Writes every output of a run into `out`: `findings.csv`, `pages.csv`,
/// `sites.csv`, `report.json` and `report.html`. The sites are (re)scored
/// under `profile` first. `spill` holds the pages of the sites that were
/// spilled (see [`PageSpill`]).
pub fn write_run(
    out: &Path,
    run: &mut RunReport,
    profile: &Profile,
    spill: Option<&PageSpill>,
) -> io::Result<()> {
    score_run(run, profile);
    let context = |what: &'static str| {
        move |e: io::Error| io::Error::new(e.kind(), format!("writing {what}: {e}"))
    };
    csv_out::write_findings(&out.join("findings.csv"), run).map_err(context("findings.csv"))?;
    csv_out::write_pages(&out.join("pages.csv"), run, spill).map_err(context("pages.csv"))?;
    csv_out::write_sites(&out.join("sites.csv"), run).map_err(context("sites.csv"))?;
    csv_out::write_changes(&out.join("changes.csv"), run).map_err(context("changes.csv"))?;
    csv_out::write_columns(&out.join("columns.csv"), run).map_err(context("columns.csv"))?;
    csv_out::write_ipv6(&out.join("ipv6.csv"), run).map_err(context("ipv6.csv"))?;
    write_json(&out.join("report.json"), run, spill).map_err(context("report.json"))?;
    let scores: Vec<_> = run
        .sites
        .iter()
        .map(|s| {
            s.score
                .clone()
                .unwrap_or_else(|| score_site(&s.findings, &s.summary.audit, profile))
        })
        .collect();
    let html = html::render(run, &scores, profile);
    std::fs::write(out.join("report.html"), html).map_err(context("report.html"))?;
    Ok(())
}

/// Writes `report.json` a site at a time, so that a spilled site's pages
/// go from the spill file to the report without being read back.
fn write_json(path: &Path, run: &mut RunReport, spill: Option<&PageSpill>) -> io::Result<()> {
    let mut w = io::BufWriter::new(std::fs::File::create(path)?);
    // The run's own fields, then its sites; key order means nothing to a
    // JSON reader.
    let sites = std::mem::take(&mut run.sites);
    let head = serde_json::to_value(&*run);
    run.sites = sites;
    let serde_json::Value::Object(mut head) = head.map_err(io::Error::other)? else {
        return Err(io::Error::other("a run does not serialise as an object"));
    };
    head.remove("sites");
    let head = serde_json::to_vec(&head).map_err(io::Error::other)?;
    w.write_all(&head[..head.len() - 1])?;
    w.write_all(if head.len() > 2 {
        b",\"sites\":["
    } else {
        b"\"sites\":["
    })?;
    for (i, site) in run.sites.iter().enumerate() {
        if i > 0 {
            w.write_all(b",")?;
        }
        write_site_json(&mut w, site, spill)?;
    }
    w.write_all(b"]}")?;
    w.flush()
}

/// Writes one site's JSON object, its pages from `spill` when spilled.
fn write_site_json(
    w: &mut dyn Write,
    site: &SiteReport,
    spill: Option<&PageSpill>,
) -> io::Result<()> {
    let Some(pages) = &site.spilled else {
        return serde_json::to_writer(w, site).map_err(io::Error::other);
    };
    let spill = spill.ok_or_else(|| csv_out::not_in_spill(site))?;
    let json = serde_json::to_vec(site).map_err(io::Error::other)?;
    // The first `"pages":[]` is the field's: the fields before it are
    // strings and arrays of strings, in which every quote is escaped, so
    // the sequence cannot occur inside them.
    const EMPTY_PAGES: &[u8] = b"\"pages\":[]";
    let at = memchr::memmem::find(&json, EMPTY_PAGES)
        .ok_or_else(|| io::Error::other("a site's JSON has no pages field"))?;
    let value_at = at + EMPTY_PAGES.len() - 2;
    w.write_all(&json[..value_at])?;
    spill.copy_json(pages, w)?;
    w.write_all(&json[value_at + 2..])
}

/// The JSON Schema of `report.json`, generated from the types that write it.
pub fn report_schema() -> String {
    let schema = schemars::schema_for!(RunReport);
    serde_json::to_string_pretty(&schema).unwrap_or_default() + "\n"
}
