//! The spill against pages kept in memory: the same reports either way.

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

pub(crate) fn run() -> RunReport {
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
    crate::write_run(kept.path(), &mut in_memory, &profile, None).unwrap_or_else(|e| panic!("{e}"));

    let spill = PageSpill::in_dir(spilled.path()).unwrap_or_else(|e| panic!("{e}"));
    let mut on_disk = run();
    for site in &mut on_disk.sites {
        spill.put(site).unwrap_or_else(|e| panic!("{e}"));
    }
    assert!(on_disk.sites[0].pages.is_empty(), "the pages left memory");
    assert_eq!(on_disk.sites[0].pages_read(), 1);
    assert_eq!(on_disk.sites[1].spilled, None, "nothing to spill");
    assert_eq!(on_disk.sites[2].spilled.as_ref().map(|s| s.count), Some(1));
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

fn spill_in(dir: &Path) -> PageSpill {
    PageSpill::in_dir(dir).unwrap_or_else(|e| panic!("{e}"))
}

/// A site written a page at a time, out of order and with a page
/// changed after it was written, reads back as the same site written
/// whole in report order.
fn written_page_by_page(spill: &PageSpill, pages: &[PageRecord]) -> SiteReport {
    let mut writer = SitePageWriter::new("a.gov.cn");
    // Crawled in reverse; the twin changed at the end.
    let mut numbers = vec![0; pages.len()];
    for (i, page) in pages.iter().enumerate().rev() {
        let mut record = page.clone();
        if i == 1 {
            record.crawled = true;
            record.title = "twin".into();
        }
        numbers[i] = writer.push(&record).unwrap_or_else(|e| panic!("{e}"));
        writer.write_full(spill);
    }
    writer
        .change(spill, numbers[1], |r| {
            r.crawled = false;
            r.title = pages[1].title.clone();
        })
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        writer
            .record(spill, numbers[2])
            .unwrap_or_else(|e| panic!("{e}")),
        pages[2]
    );
    let crawled = pages.iter().filter(|p| p.crawled).count();
    let (spilled, failed) = writer.finish(spill, numbers, crawled);
    assert!(failed.is_none(), "{failed:?}");
    let mut site = site("a.gov.cn", Vec::new());
    site.spilled = Some(spilled);
    site
}

fn many_pages() -> Vec<PageRecord> {
    // Over a chunk: the pages span several writes.
    (0..600)
        .map(|i| {
            page(
                &format!("http://a.gov.cn/{i:04}.html"),
                &"标题".repeat(200),
                i != 1 && i % 7 != 0,
            )
        })
        .collect()
}

fn outputs(dir: &Path, report: &mut RunReport, spill: Option<&PageSpill>) -> Vec<String> {
    crate::write_run(dir, report, &Profile::national(), spill).unwrap_or_else(|e| panic!("{e}"));
    ["pages.csv", "report.json", "sites.csv"]
        .iter()
        .map(|n| String::from_utf8_lossy(&written(dir, n)).into_owned())
        .collect()
}

/// The outputs of a run whose one site's pages stay in memory.
fn kept_in_memory(pages: &[PageRecord]) -> (Vec<String>, RunReport) {
    let kept = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut in_memory = run();
    in_memory.sites = vec![site("a.gov.cn", pages.to_vec())];
    (outputs(kept.path(), &mut in_memory, None), in_memory)
}

#[test]
fn pages_written_as_they_are_crawled_read_as_if_kept_in_memory() {
    let pages = many_pages();
    let (expected, in_memory) = kept_in_memory(&pages);

    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let spill = spill_in(dir.path());
    let mut on_disk = run();
    on_disk.sites = vec![written_page_by_page(&spill, &pages)];
    assert!(lock(&spill.chunks).len() > 1, "several chunks");
    assert_eq!(
        on_disk.sites[0].pages_read(),
        in_memory.sites[0].pages_read()
    );
    assert_eq!(outputs(dir.path(), &mut on_disk, Some(&spill)), expected);
}

#[test]
fn a_spill_file_that_cannot_be_written_keeps_the_pages_in_memory() {
    let pages = many_pages();
    let (expected, _) = kept_in_memory(&pages);

    // A file open for reading only: every write fails, as on a full disk.
    let read_only = File::open("/dev/null").unwrap_or_else(|e| panic!("{e}"));
    let spill = PageSpill {
        file: Mutex::new(read_only),
        chunks: Mutex::default(),
    };
    let mut on_disk = run();
    on_disk.sites = vec![site("a.gov.cn", pages)];
    let err = spill.put(&mut on_disk.sites[0]).err();
    assert!(err.is_some(), "the failure is reported for the run log");
    assert!(on_disk.sites[0].pages.is_empty());
    assert!(lock(&spill.chunks)
        .iter()
        .all(|c| matches!(c, Chunk::Memory(_))));
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(outputs(dir.path(), &mut on_disk, Some(&spill)), expected);
}

#[test]
fn a_chunk_never_handed_back_leaves_its_pages_out_not_the_report() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let spill = spill_in(dir.path());
    let pages = many_pages();
    let mut writer = SitePageWriter::new("a.gov.cn");
    let mut lost = None;
    for page in &pages {
        writer.push(page).unwrap_or_else(|e| panic!("{e}"));
        if lost.is_none() {
            lost = writer.full_chunk();
        }
    }
    let lost = lost.unwrap_or_else(|| panic!("no chunk filled"));
    let (spilled, failed) = writer.finish(&spill, 0..pages.len(), 0);
    assert!(failed.is_some_and(|e| e.to_string().contains("lost")));
    assert_eq!(spilled.count, pages.len() - lost.pages.len());
    let mut json = Vec::new();
    spill
        .copy_json(&spilled, &mut json)
        .unwrap_or_else(|e| panic!("{e}"));
    let back: Vec<PageRecord> = serde_json::from_slice(&json).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(back[..], pages[lost.pages.len()..]);
}
