//! The pages of finished sites, kept on disk until the reports are written.
//!
//! A run over a county's or a province's sites used to hold every page
//! record of every finished site in memory until the last site ended:
//! memory grew with the whole run (about 1.2 KB a page), not with the site
//! being crawled. A finished site's pages are only needed again for
//! `pages.csv` and `report.json`, so they are written once, in those two
//! files' own encodings, to an unnamed temporary file, and copied into the
//! reports at the end: nothing is serialised twice, and memory holds only
//! the sites' findings and summaries.

use crate::csv_out;
use crate::model::SiteReport;
use std::fs::File;
use std::io::{self, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::Path;
use std::sync::Mutex;

/// Where a finished site's pages went: byte ranges of the spill file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SpilledPages {
    json: (u64, u64),
    csv: (u64, u64),
    /// Page records spilled.
    pub count: usize,
    /// Of those, the pages crawled (read), for the overview's page counts.
    pub crawled: usize,
}

/// An unnamed temporary file holding finished sites' pages.
///
/// It lives in the output folder rather than the system's temporary one,
/// which is often a RAM disk (`tmpfs`), and it has no name: the operating
/// system removes it when the run ends, however it ends.
#[derive(Debug)]
pub struct PageSpill {
    file: Mutex<File>,
}

impl PageSpill {
    /// Opens a spill file in `dir` (the run's output folder).
    pub fn in_dir(dir: &Path) -> io::Result<PageSpill> {
        let file = tempfile::tempfile_in(dir).map_err(|e| {
            io::Error::new(
                e.kind(),
                format!(
                    "cannot create a temporary file in {}: {e} (the output folder must be writable)",
                    dir.display()
                ),
            )
        })?;
        Ok(PageSpill {
            file: Mutex::new(file),
        })
    }

    /// Moves `site`'s pages to the spill file: its `pages` is emptied and
    /// its `spilled` says where they went. A site already spilled, or one
    /// without pages, is left alone. On an error the pages stay in memory.
    pub fn put(&self, site: &mut SiteReport) -> io::Result<()> {
        if site.spilled.is_some() || site.pages.is_empty() {
            return Ok(());
        }
        // Encoded straight into the file: a large site's pages as one JSON
        // buffer would cost as much memory again as the records themselves.
        // Sites ending together wait for the lock, which only a site's end
        // takes.
        let mut file = self.lock();
        let start = file.seek(SeekFrom::End(0))?;
        let mut w = BufWriter::with_capacity(1 << 16, &mut *file);
        serde_json::to_writer(&mut w, &site.pages).map_err(io::Error::other)?;
        let json_end = w.stream_position()?;
        let mut rows = csv::Writer::from_writer(&mut w);
        csv_out::write_page_rows(&mut rows, site)?;
        rows.flush()?;
        drop(rows);
        let csv_end = w.stream_position()?;
        w.flush()?;
        drop(w);
        drop(file);
        site.spilled = Some(SpilledPages {
            json: (start, json_end - start),
            csv: (json_end, csv_end - json_end),
            count: site.pages.len(),
            crawled: site.pages.iter().filter(|p| p.crawled).count(),
        });
        site.pages = Vec::new();
        Ok(())
    }

    /// Copies the spilled pages' JSON array (as `report.json` holds it) to `out`.
    pub fn copy_json(&self, pages: &SpilledPages, out: &mut dyn Write) -> io::Result<()> {
        self.copy(pages.json, out)
    }

    /// Copies the spilled pages' `pages.csv` rows to `out`.
    pub fn copy_csv(&self, pages: &SpilledPages, out: &mut dyn Write) -> io::Result<()> {
        self.copy(pages.csv, out)
    }

    fn copy(&self, (start, len): (u64, u64), out: &mut dyn Write) -> io::Result<()> {
        let mut file = self.lock();
        file.seek(SeekFrom::Start(start))?;
        let copied = io::copy(&mut (&mut *file).take(len), out)?;
        if copied != len {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "the temporary page file is shorter than written (was the disk full?)",
            ));
        }
        Ok(())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, File> {
        // A panic while holding the lock leaves at worst a partly written
        // tail that no range points to: the file is still usable.
        self.file.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::RunReport;
    use govscan_checks::{PageFacts, PageRecord, Profile};

    fn page(url: &str, title: &str, crawled: bool) -> PageRecord {
        PageRecord {
            url: url.into(),
            status: "200".into(),
            content_type: "text/html".into(),
            charset: "utf-8".into(),
            bytes: 5120,
            title: title.into(),
            crawled,
            facts: crawled.then(|| {
                Box::new(PageFacts {
                    title: title.into(),
                    headline: title.into(),
                    ..PageFacts::default()
                })
            }),
            ..PageRecord::default()
        }
    }

    fn site(name: &str, pages: Vec<PageRecord>) -> SiteReport {
        SiteReport {
            name: name.into(),
            url: format!("http://{name}/"),
            home: format!("http://{name}/"),
            extra: vec![("备注".into(), "\"pages\":[]".into())],
            pages,
            findings: Vec::new(),
            notes: Vec::new(),
            interrupted: false,
            summary: Default::default(),
            score: None,
            history: None,
            spilled: None,
        }
    }

    fn run() -> RunReport {
        RunReport {
            version: "test".into(),
            profile: "national".into(),
            profile_toml: String::new(),
            started: "2026-11-23T00:00:00+08:00".into(),
            finished: "2026-11-23T01:00:00+08:00".into(),
            now: "2026-11-23".into(),
            // A key named like the run's and a site's field, in the run's options.
            options: serde_json::json!({"sites": [], "pages": []}),
            sites: vec![
                site(
                    "a.gov.cn",
                    vec![
                        page("http://a.gov.cn/", "首页 \"pages\":[]", true),
                        page("http://a.gov.cn/x.pdf", "", false),
                    ],
                ),
                site("b.gov.cn", Vec::new()),
                site("c.gov.cn", vec![page("http://c.gov.cn/", "=1+1", true)]),
            ],
            site_list: None,
            notes: Vec::new(),
        }
    }

    fn written(dir: &Path, name: &str) -> Vec<u8> {
        std::fs::read(dir.join(name)).unwrap_or_default()
    }

    #[test]
    fn spilled_pages_are_written_as_if_kept_in_memory() {
        let profile = Profile::national();
        let kept = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let spilled = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let mut in_memory = run();
        crate::write_run(kept.path(), &mut in_memory, &profile, None)
            .unwrap_or_else(|e| panic!("{e}"));

        let spill = PageSpill::in_dir(spilled.path()).unwrap_or_else(|e| panic!("{e}"));
        let mut on_disk = run();
        for site in &mut on_disk.sites {
            spill.put(site).unwrap_or_else(|e| panic!("{e}"));
        }
        assert!(on_disk.sites[0].pages.is_empty(), "the pages left memory");
        assert_eq!(on_disk.sites[0].pages_read(), 1);
        assert_eq!(on_disk.sites[1].spilled, None, "nothing to spill");
        assert_eq!(on_disk.sites[2].spilled.map(|s| s.count), Some(1));
        // The spill file has no name: the folder holds only the reports.
        assert_eq!(
            std::fs::read_dir(spilled.path()).map(|d| d.count()).ok(),
            Some(0)
        );
        crate::write_run(spilled.path(), &mut on_disk, &profile, Some(&spill))
            .unwrap_or_else(|e| panic!("{e}"));

        for name in ["pages.csv", "report.json", "findings.csv", "sites.csv"] {
            assert_eq!(
                String::from_utf8_lossy(&written(spilled.path(), name)),
                String::from_utf8_lossy(&written(kept.path(), name)),
                "{name}"
            );
        }
        let back: RunReport = serde_json::from_slice(&written(spilled.path(), "report.json"))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(back.sites[0].pages, run().sites[0].pages);
        assert_eq!(back.sites[0].extra, run().sites[0].extra);
        assert_eq!(back.options, run().options);
    }

    #[test]
    fn a_spilled_site_without_its_file_is_an_error_not_an_empty_report() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let spill = PageSpill::in_dir(dir.path()).unwrap_or_else(|e| panic!("{e}"));
        let mut on_disk = run();
        spill
            .put(&mut on_disk.sites[0])
            .unwrap_or_else(|e| panic!("{e}"));
        let err = crate::write_run(dir.path(), &mut on_disk, &Profile::national(), None)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("a.gov.cn"), "{err}");
    }
}
