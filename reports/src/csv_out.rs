//! CSV writers: `findings.csv` and `pages.csv`.
//!
//! UTF-8 with a BOM so that Excel and WPS open Chinese text intact; cells
//! that a spreadsheet would run as a formula are neutralised.

use crate::model::RunReport;
use std::io::{self, Write};
use std::path::Path;

/// The columns of `findings.csv`, stable: new checks add rows, never columns.
pub const FINDINGS_COLUMNS: [&str; 8] = [
    "site", "check", "severity", "page", "target", "status", "detail", "evidence",
];

/// The columns of `pages.csv`.
pub const PAGES_COLUMNS: [&str; 10] = [
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
    let mut file = std::io::BufWriter::new(std::fs::File::create(path)?);
    file.write_all(b"\xEF\xBB\xBF")?;
    Ok(csv::WriterBuilder::new().from_writer(file))
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

/// Writes `pages.csv`.
pub fn write_pages(path: &Path, run: &RunReport) -> io::Result<()> {
    let mut w = writer(path)?;
    row(&mut w, &PAGES_COLUMNS)?;
    for site in &run.sites {
        for p in &site.pages {
            let bytes = p.bytes.to_string();
            let depth = p.depth.to_string();
            let ms = p.response_ms.to_string();
            let home = if p.is_home { "yes" } else { "" };
            row(
                &mut w,
                &[
                    &p.url,
                    &p.status,
                    &p.content_type,
                    &p.charset,
                    &bytes,
                    &depth,
                    &p.title,
                    &ms,
                    &site.name,
                    home,
                ],
            )?;
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
