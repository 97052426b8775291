//! The built-in demo portal: every planted defect is found.

use crate::common::*;
use govscan::demo::portal::{self, MAIN_HOST};
use govscan::demo::server;
use std::sync::Arc;

#[tokio::test(flavor = "multi_thread")]
async fn demo_portal_plants_are_all_found() {
    let (listener, addr) = server::bind().await.unwrap();
    let closed = server::closed_port().await.unwrap();
    let now = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    let demo = portal::build(addr.port(), closed, now, 120);
    let flags_ = govscan::demo::demo_flags(addr.port(), &demo.hosts, now);
    let urls: Vec<String> = demo.sites.iter().map(|(_, u)| u.clone()).collect();
    let portal = Arc::new(demo.portal);
    let handle = server::serve(listener, portal.clone());
    let out = tempfile::tempdir().unwrap();
    let outcome = scan(&urls, &flags_[1..], out.path()).await;
    handle.abort();
    let base = format!("http://{MAIN_HOST}:{}", addr.port());
    let main: Vec<_> = outcome.report.sites[0].findings.clone();
    let got = keyed(&main, &base);
    let has = |check: &str, target_end: &str, status: &str| {
        got.iter()
            .any(|(c, _, t, s)| c == check && t.ends_with(target_end) && s == status)
    };
    for (check, target, status) in [
        ("link.dead", "/xwzx/ywdt/202001/t20200101_0001.html", "404"),
        ("link.dead", "/images/banner-2019.jpg", "404"),
        ("link.dead", "/zwgk/closed-column.html", "404"),
        ("link.dead", "sfx-demo.invalid/", "dns"),
        ("link.dead", "/api/error.html", "500"),
        ("link.dead", "/files/2024/budget.xls", "404"),
        ("link.dead", "/slow/report.html", "timeout"),
        ("link.dead", "/loop/a.html", "redirect_loop"),
        ("link.dead", &format!(":{closed}/"), "refused"),
        ("link.soft404", "/zwgk/tzgg/notfound.html", "200"),
        ("link.soft404", "/xwzx/old-topic/index.html", "200"),
        ("link.fragment", "/bsfw/guide.html#step9", "fragment"),
        (
            "link.intranet",
            "http://192.168.10.5/oa/login.jsp",
            "intranet",
        ),
        ("link.intranet", "http://10.12.1.8/oa/", "intranet"),
        ("link.malformed", "#", "placeholder"),
        ("link.malformed", "javascript:void(0)", "placeholder"),
        ("link.malformed", "会议纪要.doc", "local_file"),
        (
            "link.malformed",
            "http://www.sfx demo.gov.cn/x.html",
            "unparseable",
        ),
    ] {
        assert!(
            has(check, target, status),
            "missing {check} {target} {status}\n{got:#?}"
        );
    }
    // The 503-then-OK page and the GBK page with a Chinese path are fine.
    assert!(
        !got.iter()
            .any(|(_, _, t, _)| t.contains("flaky") || t.contains("%E7%BB%9F")),
        "{got:#?}"
    );
    // robots.txt keeps /admin/ unfetched; the sitemap-only page is crawled.
    assert!(portal.hits().iter().all(|h| !h.path.starts_with("/admin/")));
    let pages = &outcome.report.sites[0].pages;
    assert!(pages
        .iter()
        .any(|p| p.url.ends_with("/zwgk/sitemap-only.html") && p.crawled));
    assert!(pages
        .iter()
        .any(|p| p.title == "2025年示范县国民经济和社会发展统计公报"));
    assert!(pages.iter().filter(|p| p.crawled).count() > 100);
}
