//! A site's fetched URLs while it is crawled: each record goes to the
//! run's spill file as soon as its page is done, and the site keeps only
//! what its end reads (the URL, whether it was read, the facts the
//! site-wide checks read, and where the record went).
//!
//! A record held in memory until the site's end cost about 1.2 KB a page,
//! so one large site grew the run by that much per page; it now costs the
//! URL and, for an article page, a few shared pointers.

use super::urlnorm::index_variant_str;
use govscan_checks::record::PageRecord;
use govscan_checks::site::SiteFacts;
use govscan_checks::PageFacts;
use govscan_reports::spill::{PageSpill, SitePageWriter, SpilledPages};
use std::sync::Arc;

/// What the site's end reads of one fetched URL.
#[derive(Debug)]
pub(crate) struct PageView {
    /// Its URL (normalised).
    pub(crate) url: String,
    /// Its record's number in [`SitePages`].
    record: usize,
    /// Whether it was read as a page of the site.
    pub(crate) crawled: bool,
    /// What the site-wide checks read of its facts (read pages only).
    pub(crate) facts: Option<Box<SiteFacts>>,
    /// A directory-index URL's directory and body hash: `dir/` and
    /// `dir/index.html` with one body are one page.
    pub(crate) twin: Option<Box<(String, String)>>,
}

enum Records {
    /// Written to the run's spill file (a scan).
    Spilled {
        spill: Arc<PageSpill>,
        writer: SitePageWriter,
    },
    /// Kept in memory (a province worker, which sends the site's whole
    /// report to the database).
    Kept(Vec<PageRecord>),
}

/// A site's fetched URLs: records written away, views kept.
pub(crate) struct SitePages {
    records: Records,
    /// The record of the URL being handled: its facts come after its links
    /// are judged, so it is written when the next one starts.
    current: Option<PageRecord>,
    pub(crate) views: Vec<PageView>,
    /// Records that could not be written (run-log notes).
    pub(crate) notes: Vec<String>,
}

/// The records of a finished site, for its report.
#[derive(Default)]
pub(crate) struct FinishedPages {
    /// In memory, in report order (when not spilled).
    pub(crate) kept: Vec<PageRecord>,
    /// Where they went, in report order (when spilled).
    pub(crate) spilled: Option<SpilledPages>,
    /// The home page's whole record, if it was read (the IPv6 checks
    /// compare it with the page loaded over IPv6).
    pub(crate) home: Option<PageRecord>,
    /// Run-log notes: records that could not be written or read back.
    pub(crate) notes: Vec<String>,
}

impl SitePages {
    /// The URLs of the site named `site`, written to `spill` when given.
    pub(crate) fn new(site: &str, spill: Option<Arc<PageSpill>>) -> SitePages {
        let records = match spill {
            Some(spill) => Records::Spilled {
                spill,
                writer: SitePageWriter::new(site),
            },
            None => Records::Kept(Vec::new()),
        };
        SitePages {
            records,
            current: None,
            views: Vec::new(),
            notes: Vec::new(),
        }
    }

    /// Starts the record of a fetched URL (the one before it is done).
    pub(crate) async fn push(&mut self, record: PageRecord) {
        self.store_current();
        self.current = Some(record);
        self.write_full().await;
    }

    /// Writes the encoded records once they fill a chunk, on a blocking
    /// thread: the crawl's task waits, its async worker does not.
    async fn write_full(&mut self) {
        let Records::Spilled { spill, writer } = &mut self.records else {
            return;
        };
        let Some(chunk) = writer.full_chunk() else {
            return;
        };
        let spill = spill.clone();
        match tokio::task::spawn_blocking(move || spill.write_chunk(chunk)).await {
            Ok(written) => writer.written(written),
            // Only a panic in the write or the runtime shutting down.
            Err(e) => self
                .notes
                .push(format!("内部错误：一批页面记录未能写入报告：{e}")),
        }
    }

    /// The URL being handled was read as a page of the site: its facts.
    pub(crate) fn read(&mut self, facts: PageFacts) {
        if let Some(record) = &mut self.current {
            record.crawled = true;
            record.facts = Some(Box::new(facts));
        }
    }

    /// Writes the current record away and keeps its view.
    fn store_current(&mut self) {
        let Some(record) = self.current.take() else {
            return;
        };
        let twin = if record.crawled && !record.content_hash.is_empty() {
            index_variant_str(&record.url)
                .map(|(dir, _)| Box::new((dir, record.content_hash.clone())))
        } else {
            None
        };
        let crawled = record.crawled;
        let (number, facts, url) = match &mut self.records {
            Records::Spilled { writer, .. } => {
                let number = match writer.push(&record) {
                    Ok(n) => n,
                    Err(e) => {
                        self.notes
                            .push(format!("页面记录无法写入报告：{}：{e}", record.url));
                        usize::MAX
                    }
                };
                let facts = record.facts.map(|f| Box::new((*f).into()));
                (number, facts, record.url)
            }
            Records::Kept(kept) => {
                let facts = record.facts.as_deref().map(|f| Box::new(f.clone().into()));
                let url = record.url.clone();
                kept.push(record);
                (kept.len() - 1, facts, url)
            }
        };
        self.views.push(PageView {
            url,
            record: number,
            crawled,
            facts,
            twin,
        });
    }

    /// Ends the crawl's writing: the last record is stored.
    pub(crate) fn close(&mut self) {
        self.store_current();
    }

    /// Orders the records as the views are ordered, marks the `dropped`
    /// views' records as not read (twins found at the end) and writes what
    /// is left. Blocking file work: run it off the async workers.
    pub(crate) fn finish(
        mut self,
        order: &[usize],
        dropped: &[usize],
        home: Option<usize>,
        crawled: usize,
    ) -> FinishedPages {
        self.close();
        let record_of = |view: usize| self.views.get(view).map(|v| v.record);
        let numbers: Vec<usize> = order.iter().filter_map(|&v| record_of(v)).collect();
        let dropped: Vec<usize> = dropped.iter().filter_map(|&v| record_of(v)).collect();
        let home = home.and_then(record_of);
        let mut notes = std::mem::take(&mut self.notes);
        match self.records {
            Records::Kept(mut kept) => {
                for &n in &dropped {
                    if let Some(r) = kept.get_mut(n) {
                        not_read(r);
                    }
                }
                let home = home.and_then(|n| kept.get(n).cloned());
                let mut slots: Vec<Option<PageRecord>> = kept.into_iter().map(Some).collect();
                let kept = numbers
                    .iter()
                    .filter_map(|&n| slots.get_mut(n).and_then(Option::take))
                    .collect();
                FinishedPages {
                    kept,
                    spilled: None,
                    home,
                    notes,
                }
            }
            Records::Spilled { spill, mut writer } => {
                for &n in &dropped {
                    if let Err(e) = writer.change(&spill, n, not_read) {
                        notes.push(format!("重复页面的记录未能更新：{e}"));
                    }
                }
                let home = home.and_then(|n| match writer.record(&spill, n) {
                    Ok(r) => Some(r),
                    Err(e) => {
                        notes.push(format!("首页记录未能读回（IPv6 一致性比对跳过）：{e}"));
                        None
                    }
                });
                // A record that could not be encoded (usize::MAX) is left out.
                let (spilled, failed) = writer.finish(&spill, numbers, crawled);
                if let Some(e) = failed {
                    notes.push(format!(
                        "页面记录写入临时文件时出错（未写入的记录保留在内存中）：{e}"
                    ));
                }
                FinishedPages {
                    kept: Vec::new(),
                    spilled: Some(spilled),
                    home,
                    notes,
                }
            }
        }
    }
}

/// A twin's record: fetched, but not read as a page of its own.
fn not_read(record: &mut PageRecord) {
    record.crawled = false;
    record.facts = None;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(url: &str, hash: &str) -> PageRecord {
        PageRecord {
            url: url.into(),
            status: "200".into(),
            content_hash: hash.into(),
            ..PageRecord::default()
        }
    }

    fn facts(headline: &str) -> PageFacts {
        PageFacts {
            kind: govscan_checks::page::PageKind::List,
            headline: headline.into(),
            ..PageFacts::default()
        }
    }

    async fn crawl(pages: &mut SitePages) {
        pages
            .push(record("http://a.gov.cn/b/index.html", "h1"))
            .await;
        pages.read(facts("乙"));
        pages.push(record("http://a.gov.cn/x.pdf", "")).await;
        pages.push(record("http://a.gov.cn/", "h0")).await;
        pages.read(facts("首页"));
        pages.close();
    }

    #[tokio::test]
    async fn written_and_kept_records_come_out_the_same() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let spill = Arc::new(PageSpill::in_dir(dir.path()).unwrap_or_else(|e| panic!("{e}")));
        let mut written = SitePages::new("a", Some(spill.clone()));
        let mut kept = SitePages::new("a", None);
        crawl(&mut written).await;
        crawl(&mut kept).await;
        for pages in [&written, &kept] {
            assert_eq!(pages.views.len(), 3);
            assert!(pages.views[0].crawled && !pages.views[1].crawled);
            assert_eq!(
                pages.views[0].facts.as_ref().map(|f| f.headline()),
                Some("乙")
            );
            assert_eq!(
                pages.views[0].twin.as_deref(),
                Some(&("http://a.gov.cn/b/".to_string(), "h1".to_string()))
            );
            // The home page is a directory form too; a file never is.
            assert!(pages.views[1].twin.is_none() && pages.views[2].twin.is_some());
        }
        // Report order: by URL; the twin dropped; the home page read back.
        let order = [2, 0, 1];
        let written = written.finish(&order, &[0], Some(2), 1);
        let kept = kept.finish(&order, &[0], Some(2), 1);
        assert!(written.notes.is_empty(), "{:?}", written.notes);
        assert_eq!(written.home, kept.home);
        assert_eq!(
            kept.home
                .as_ref()
                .and_then(|h| h.facts.as_ref())
                .map(|f| &*f.headline),
            Some("首页")
        );
        let urls: Vec<&str> = kept.kept.iter().map(|r| r.url.as_str()).collect();
        assert_eq!(
            urls,
            [
                "http://a.gov.cn/",
                "http://a.gov.cn/b/index.html",
                "http://a.gov.cn/x.pdf"
            ]
        );
        assert!(!kept.kept[1].crawled && kept.kept[1].facts.is_none());
        let spilled = written.spilled.unwrap_or_else(|| panic!("not spilled"));
        assert_eq!(spilled.count, 3);
        let mut json = Vec::new();
        spill
            .copy_json(&spilled, &mut json)
            .unwrap_or_else(|e| panic!("{e}"));
        let back: Vec<PageRecord> = serde_json::from_slice(&json).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(back, kept.kept);
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn a_large_site_is_written_in_chunks_while_it_is_crawled() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let spill = Arc::new(PageSpill::in_dir(dir.path()).unwrap_or_else(|e| panic!("{e}")));
        let mut written = SitePages::new("a", Some(spill.clone()));
        let mut kept = SitePages::new("a", None);
        for i in 0..600 {
            for pages in [&mut written, &mut kept] {
                let mut r = record(&format!("http://a.gov.cn/{i:04}.html"), "");
                r.title = "示范县".repeat(100).into();
                pages.push(r).await;
                pages.read(facts("文章"));
            }
        }
        assert!(
            spill.chunks() >= 2,
            "written while crawled: {}",
            spill.chunks()
        );
        let order: Vec<usize> = (0..600).rev().collect();
        let written = written.finish(&order, &[], None, 600);
        let kept = kept.finish(&order, &[], None, 600);
        assert!(written.notes.is_empty(), "{:?}", written.notes);
        let spilled = written.spilled.unwrap_or_else(|| panic!("not spilled"));
        let mut json = Vec::new();
        spill
            .copy_json(&spilled, &mut json)
            .unwrap_or_else(|e| panic!("{e}"));
        let back: Vec<PageRecord> = serde_json::from_slice(&json).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(back.len(), 600);
        assert_eq!(back, kept.kept);
    }
}
