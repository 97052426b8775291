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
/// Streamed: a site's findings can be tens of MB of JSON (a dead link in
/// the template is one finding on every page).
fn write_site_json(
    w: &mut dyn Write,
    site: &SiteReport,
    spill: Option<&PageSpill>,
) -> io::Result<()> {
    let Some(pages) = &site.spilled else {
        return serde_json::to_writer(w, site).map_err(io::Error::other);
    };
    let spill = spill.ok_or_else(|| csv_out::not_in_spill(site))?;
    let mut splice = PagesSplice {
        out: w,
        pages,
        spill,
        matched: 0,
        done: false,
    };
    serde_json::to_writer(&mut splice, site).map_err(io::Error::other)?;
    if !splice.done {
        return Err(io::Error::other("a site's JSON has no pages field"));
    }
    Ok(())
}

/// Passes a spilled site's JSON through, writing its pages from the spill
/// file in place of the empty array its `pages` field serialises as. The
/// first `"pages":[]` is the field's: the fields before it are strings and
/// arrays of strings, in which every quote is escaped, so the sequence
/// cannot occur inside them.
pub(crate) struct PagesSplice<'a> {
    pub(crate) out: &'a mut dyn Write,
    pub(crate) pages: &'a spill::SpilledPages,
    pub(crate) spill: &'a PageSpill,
    /// How many bytes of [`EMPTY_PAGES`] the output has just ended with.
    pub(crate) matched: usize,
    /// Whether the pages are written: the rest passes through.
    pub(crate) done: bool,
}

/// What an empty `pages` field serialises as.
const EMPTY_PAGES: &[u8] = b"\"pages\":[]";

impl Write for PagesSplice<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.write_all(buf)?;
        Ok(buf.len())
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        if self.done {
            return self.out.write_all(buf);
        }
        // `[` (the array's opening) is held back until the next byte shows
        // whether it opens the empty array; everything else is written.
        let open = EMPTY_PAGES.len() - 2;
        let mut from = 0;
        for (i, &b) in buf.iter().enumerate() {
            if self.matched == open + 1 {
                if b == b']' {
                    self.out.write_all(&buf[from..i])?;
                    self.spill.copy_json(self.pages, self.out)?;
                    self.done = true;
                    return self.out.write_all(&buf[i + 1..]);
                }
                // Not the empty array after all: the held `[` goes out.
                self.out.write_all(&buf[from..i])?;
                self.out.write_all(b"[")?;
                from = i;
                self.matched = 0;
            }
            // A mismatched byte can only start a new match: the pattern's
            // one border, `"`, would need a letter right after a string's
            // closing quote, which JSON never has.
            self.matched = if b == EMPTY_PAGES[self.matched] {
                self.matched + 1
            } else {
                usize::from(b == EMPTY_PAGES[0])
            };
            if self.matched == open + 1 {
                self.out.write_all(&buf[from..i])?;
                from = i + 1;
            }
        }
        self.out.write_all(&buf[from..])
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

/// The JSON Schema of `report.json`, generated from the types that write it.
pub fn report_schema() -> String {
    let schema = schemars::schema_for!(RunReport);
    serde_json::to_string_pretty(&schema).unwrap_or_default() + "\n"
}
