//! govscan-reports: writers over a run's findings and pages.
//!
//! Reports only render: every number they print was computed by the checks.

mod charts;
pub mod csv_out;
pub mod html;
mod json_out;
pub mod model;
pub mod overview;
mod site_figures;
pub mod spill;

pub use model::{RunReport, SiteReport};
pub use spill::PageSpill;

use govscan_checks::score::score_site;
use govscan_checks::Profile;
use std::io;
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
    json_out::write_json(&out.join("report.json"), run, spill).map_err(context("report.json"))?;
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

/// The JSON Schema of `report.json`, generated from the types that write it.
pub fn report_schema() -> String {
    let schema = schemars::schema_for!(RunReport);
    serde_json::to_string_pretty(&schema).unwrap_or_default() + "\n"
}
