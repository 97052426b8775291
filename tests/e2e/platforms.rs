//! The demo's two department sites on real platforms' markup (Hanweb's
//! inline datastore, TRS's script pager) are read as a person reading them
//! would: fresh columns, every page of the list, no false 空白栏目.

use crate::common::*;

#[tokio::test(flavor = "multi_thread")]
async fn hanweb_and_trs_sites_are_read_natively() {
    let out = tempfile::tempdir().unwrap();
    let (outcome, portal, _) = scan_demo(30, out.path()).await;
    let site = |name: &str| {
        outcome
            .report
            .sites
            .iter()
            .find(|s| s.name.contains(name) || s.url.contains(name))
            .unwrap_or_else(|| panic!("{name} scanned"))
    };
    let hanweb = site(govscan_demo::portal::HANWEB_HOST);
    let trs = site(govscan_demo::portal::TRS_HOST);
    for s in [hanweb, trs] {
        assert!(
            !s.findings.iter().any(|f| matches!(
                f.check.as_str(),
                "column.empty" | "column.stale" | "home.stale" | "site.veto"
            )),
            "{}: {:#?}",
            s.name,
            s.findings
        );
        assert_eq!(
            s.summary.cms.as_deref(),
            Some(if std::ptr::eq(s, hanweb) {
                "hanweb"
            } else {
                "trs"
            })
        );
        assert!(
            s.score.as_ref().unwrap().verdict_zh().starts_with("合格"),
            "{}",
            s.name
        );
    }
    let mut columns: Vec<(&str, &str, u32, Option<chrono::NaiveDate>)> = hanweb
        .summary
        .columns
        .iter()
        .map(|c| (c.name.as_str(), c.source.as_str(), c.items, c.newest))
        .collect();
    columns.sort();
    let d = |m, dd| chrono::NaiveDate::from_ymd_opt(2026, m, dd);
    assert_eq!(
        columns,
        vec![
            ("工作动态", "datastore", 12, d(11, 21)),
            ("通知公告", "datastore", 8, d(11, 13)),
        ]
    );
    // Hanweb's later records came from dataproxy.jsp by POST, and the two
    // documents only they link to were crawled.
    let dataproxy: Vec<String> = portal
        .hits()
        .into_iter()
        .filter(|h| h.path.starts_with("/module/web/jpage/dataproxy.jsp"))
        .map(|h| format!("{} {}", h.method, h.path))
        .collect();
    assert_eq!(
        dataproxy,
        vec![
            "POST /module/web/jpage/dataproxy.jsp?startrecord=11&endrecord=12&perpage=10"
                .to_string()
        ]
    );
    let articles = hanweb
        .pages
        .iter()
        .filter(|p| p.url.contains("/art/") && p.crawled && p.url.contains("art_4041779_"))
        .count();
    assert_eq!(articles, 12, "all twelve 工作动态 articles");
    // The oldest plans are linked only from index_2.html, which a script
    // names: they were crawled.
    let oldest = trs
        .pages
        .iter()
        .filter(|p| p.url.contains("/zwgk/ghjh/20") && p.crawled)
        .count();
    assert_eq!(oldest, 15, "all fifteen plans, five per list page");
    assert!(trs
        .pages
        .iter()
        .any(|p| p.url.ends_with("/zwgk/ghjh/index_2.html")));
}
