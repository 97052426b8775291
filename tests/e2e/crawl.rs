//! Crawl behaviour: politeness, robots.txt, sitemaps, scope, limits, traps.

use crate::common::*;
use govscan_demo::server::Route;
use std::time::Duration;

const HOST: &str = "www.crawl.gov.cn";

#[tokio::test(flavor = "multi_thread")]
async fn rate_limit_spaces_requests_to_one_host() {
    let fx = start(|_, p| {
        let links: String = (0..8)
            .map(|i| format!(r#"<a href="/p{i}.html">第{i}页</a>"#))
            .collect();
        p.page(HOST, "/", page("首页", &links));
        for i in 0..8 {
            p.page(HOST, &format!("/p{i}.html"), page("页", "<p>内容</p>"));
        }
    })
    .await;
    let out = tempfile::tempdir().unwrap();
    let mut f = flags(&[
        "--rate",
        "5",
        "--site-concurrency",
        "8",
        "--no-sitemap",
        "--ignore-robots",
    ]);
    f.extend(fx.resolve(&[HOST]));
    scan(&[fx.base(HOST) + "/"], &f, out.path()).await;
    let hits = fx.portal.hits();
    // Nine pages, and the home page once more as a search-engine spider
    // (the cloaking check), under the same rate limit.
    assert_eq!(hits.iter().filter(|h| h.from_spider()).count(), 1);
    let mut times: Vec<_> = hits.into_iter().map(|h| h.at).collect();
    times.sort();
    assert_eq!(times.len(), 10);
    for pair in times.windows(2) {
        let gap = pair[1] - pair[0];
        // 5 per second: one every 200 ms, with a little scheduling slack.
        assert!(
            gap >= Duration::from_millis(170),
            "requests only {gap:?} apart"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn robots_txt_is_honoured_unless_ignored_and_sitemaps_seed_the_crawl() {
    let fx = start(|port, p| {
        p.add(
            HOST,
            "/robots.txt",
            Route::new(
                200,
                "text/plain",
                "User-agent: *\nDisallow: /private/\nSitemap: /maps/sm.xml\n",
            ),
        );
        p.page(
            HOST,
            "/",
            page(
                "首页",
                r#"<a href="/private/a.html">内部</a><a href="/pub.html">公开</a>"#,
            ),
        );
        p.page(HOST, "/private/a.html", page("内部", ""));
        p.page(HOST, "/pub.html", page("公开", ""));
        p.page(HOST, "/orphan.html", page("孤立页面", ""));
        let sm = format!("<urlset><url><loc>http://{HOST}:{port}/orphan.html</loc></url></urlset>");
        p.add(HOST, "/maps/sm.xml", Route::new(200, "application/xml", sm));
    })
    .await;
    let out = tempfile::tempdir().unwrap();
    let mut f = flags(&["--rate", "0"]);
    f.extend(fx.resolve(&[HOST]));
    let outcome = scan(&[fx.base(HOST) + "/"], &f, out.path()).await;
    assert!(
        fx.hits_for(HOST, "/private/a.html").is_empty(),
        "disallowed page was fetched"
    );
    assert_eq!(
        fx.hits_for(HOST, "/orphan.html").len(),
        1,
        "sitemap page not crawled"
    );
    assert!(findings(&outcome).is_empty(), "{:?}", findings(&outcome));
    assert!(outcome.report.sites[0]
        .notes
        .iter()
        .any(|n| n.contains("robots.txt")));

    let mut f = flags(&["--rate", "0", "--ignore-robots"]);
    f.extend(fx.resolve(&[HOST]));
    scan(&[fx.base(HOST) + "/"], &f, out.path()).await;
    assert_eq!(fx.hits_for(HOST, "/private/a.html").len(), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn scope_limits_exclude_and_traps() {
    let fx = start(|port, p| {
        let body = format!(
            r#"<a href="http://crawl.gov.cn:{port}/bare.html">无www</a>
            <a href="http://static.crawl.gov.cn:{port}/s.html">静态站</a>
            <a href="http://out.crawl-other.gov.cn:{port}/o.html">外站</a>
            <a href="/excluded/x.html">排除</a>
            <a href="/s.html;jsessionid=ABC">会话</a><a href="/s.html?sid=1">会话2</a>
            <a href="/d1.html">深1</a>"#
        );
        p.page(HOST, "/", page("首页", &body));
        p.page("crawl.gov.cn", "/bare.html", page("bare", ""));
        p.page(
            "static.crawl.gov.cn",
            "/s.html",
            page("static", r#"<a href="/deeper.html">x</a>"#),
        );
        p.page("static.crawl.gov.cn", "/deeper.html", page("deeper", ""));
        p.page(
            "out.crawl-other.gov.cn",
            "/o.html",
            page("外站", r#"<a href="/o2.html">不应抓取</a>"#),
        );
        p.page(HOST, "/s.html", page("s", ""));
        p.page(
            HOST,
            "/d1.html",
            page("d1", r#"<a href="/d2.html">深2</a>"#),
        );
        p.page(
            HOST,
            "/d2.html",
            page("d2", r#"<a href="/d3.html">深3</a>"#),
        );
        p.page(
            HOST,
            "/d3.html",
            page("d3", r#"<a href="/d4.html">深4</a>"#),
        );
        p.page(HOST, "/d4.html", page("d4", ""));
    })
    .await;
    let out = tempfile::tempdir().unwrap();
    let mut f = flags(&[
        "--rate",
        "0",
        "--include-host",
        "static.crawl.gov.cn",
        "--exclude",
        "/excluded/",
        "--max-depth",
        "3",
    ]);
    f.extend(fx.resolve(&[
        HOST,
        "crawl.gov.cn",
        "static.crawl.gov.cn",
        "out.crawl-other.gov.cn",
    ]));
    let outcome = scan(&[fx.base(HOST) + "/"], &f, out.path()).await;
    let site = &outcome.report.sites[0];
    let crawled: Vec<&str> = site
        .pages
        .iter()
        .filter(|p| p.crawled)
        .map(|p| p.url.as_str())
        .collect();
    let has = |s: &str| crawled.iter().any(|u| u.ends_with(s));
    assert!(
        has("/bare.html"),
        "www and bare host are one site: {crawled:?}"
    );
    assert!(has("/deeper.html"), "--include-host is crawled");
    assert!(!has("/o.html"), "outside pages are checked, not crawled");
    assert_eq!(fx.hits_for("out.crawl-other.gov.cn", "/o.html").len(), 1);
    assert!(fx.hits_for("out.crawl-other.gov.cn", "/o2.html").is_empty());
    assert!(
        fx.hits_for(HOST, "/excluded/x.html").is_empty(),
        "--exclude is never fetched"
    );
    assert!(
        has("/d3.html") && fx.hits_for(HOST, "/d4.html").len() == 1,
        "depth 4 is checked"
    );
    assert!(
        !has("/d4.html"),
        "beyond --max-depth is checked, not crawled"
    );
    // Session ids name the same page: one request.
    assert_eq!(fx.hits_for(HOST, "/s.html").len(), 1);
    assert!(findings(&outcome).is_empty(), "{:?}", findings(&outcome));
    // pages.csv starts with the documented columns.
    let pages = std::fs::read_to_string(out.path().join("pages.csv")).unwrap();
    assert!(
        pages.starts_with("\u{feff}url,status,content_type,charset,bytes,depth,title,response_ms")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn max_pages_caps_the_crawl() {
    let fx = start(|_, p| {
        let links: String = (0..30)
            .map(|i| format!(r#"<a href="/p{i}.html">{i}</a>"#))
            .collect();
        p.page(HOST, "/", page("首页", &links));
        for i in 0..30 {
            p.page(HOST, &format!("/p{i}.html"), page("页", ""));
        }
    })
    .await;
    let out = tempfile::tempdir().unwrap();
    let mut f = flags(&["--rate", "0", "--max-pages", "10"]);
    f.extend(fx.resolve(&[HOST]));
    let outcome = scan(&[fx.base(HOST) + "/"], &f, out.path()).await;
    assert_eq!(
        outcome.report.sites[0]
            .pages
            .iter()
            .filter(|p| p.crawled)
            .count(),
        10
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_endless_calendar_stops_at_the_trap_cap_with_a_note() {
    let fx = start(|_, p| {
        p.page(
            HOST,
            "/",
            page(
                "首页",
                r#"<a href="/cal?date=2026-01-01">日历</a><a href="/a/b/">路径</a>"#,
            ),
        );
        // Every day links to the next, forever (here: 60 days).
        for day in 0..60 {
            let date =
                chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap() + chrono::Duration::days(day);
            let next = date + chrono::Duration::days(1);
            p.page(
                HOST,
                &format!("/cal?date={date}"),
                page("日历", &format!(r#"<a href="/cal?date={next}">下一天</a>"#)),
            );
        }
        // Ever-deeper relative paths: each page links to a/ below itself.
        let mut path = "/a/b/".to_string();
        for _ in 0..30 {
            p.page(HOST, &path, page("路径", r#"<a href="a/b/">更深</a>"#));
            path.push_str("a/b/");
        }
    })
    .await;
    let out = tempfile::tempdir().unwrap();
    let mut f = flags(&["--rate", "0", "--trap-cap", "10"]);
    f.extend(fx.resolve(&[HOST]));
    let outcome = scan(&[fx.base(HOST) + "/"], &f, out.path()).await;
    let cal = fx
        .portal
        .hits()
        .iter()
        .filter(|h| h.path.starts_with("/cal"))
        .count();
    assert_eq!(cal, 10);
    let deep = fx
        .portal
        .hits()
        .iter()
        .filter(|h| h.path.starts_with("/a/"))
        .count();
    assert!(deep <= 3, "{deep} deep-path requests");
    let notes = &outcome.report.sites[0].notes;
    assert!(
        notes
            .iter()
            .any(|n| n.contains("爬虫陷阱") && n.contains("cal")),
        "{notes:?}"
    );
    assert!(findings(&outcome).is_empty(), "{:?}", findings(&outcome));
}

#[tokio::test(flavor = "multi_thread")]
async fn index_html_twins_are_fetched_once_when_the_server_says_they_are_one() {
    let fx = start(|_, p| {
        let home = page(
            "首页",
            r#"<a href="/index.html">首页</a><a href="/news/">新闻</a><a href="/other/">其他</a>"#,
        );
        p.page(HOST, "/", home.clone());
        p.page(HOST, "/index.html", home);
        let news = page("新闻", r#"<a href="/news/index.html">第一页</a>"#);
        p.page(HOST, "/news/", news.clone());
        p.page(HOST, "/news/index.html", news);
        p.page(
            HOST,
            "/other/",
            page("其他", r#"<a href="index.html">本页</a>"#),
        );
        p.page(HOST, "/other/index.html", page("另一页", "<p>不同内容</p>"));
    })
    .await;
    let out = tempfile::tempdir().unwrap();
    let mut f = flags(&["--rate", "0", "--site-concurrency", "1"]);
    f.extend(fx.resolve(&[HOST]));
    let outcome = scan(&[fx.base(HOST) + "/"], &f, out.path()).await;
    // "/" and "/index.html" are both fetched once, which teaches the alias...
    assert_eq!(fx.hits_for(HOST, "/index.html").len(), 1);
    // ...so "/news/index.html" is not fetched again.
    assert_eq!(fx.hits_for(HOST, "/news/").len(), 1);
    assert!(fx.hits_for(HOST, "/news/index.html").is_empty());
    assert!(outcome.report.sites[0]
        .notes
        .iter()
        .any(|n| n.contains("index.html")));
    assert!(findings(&outcome).is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn attachments_use_head_and_fall_back_to_a_ranged_get() {
    let fx = start(|_, p| {
        p.page(HOST, "/", page("首页", r#"<a href="/a.pdf">附件一</a><a href="/b.xls">附件二</a><a href="/c.doc">附件三</a>"#));
        p.add(HOST, "/a.pdf", Route::new(200, "application/pdf", vec![b'x'; 4 * 1024 * 1024]));
        p.add(HOST, "/b.xls", Route::new(200, "application/vnd.ms-excel", vec![b'x'; 4 * 1024 * 1024]).refusing_head());
    })
    .await;
    let out = tempfile::tempdir().unwrap();
    let mut f = flags(&["--rate", "0"]);
    f.extend(fx.resolve(&[HOST]));
    let outcome = scan(&[fx.base(HOST) + "/"], &f, out.path()).await;
    assert_eq!(fx.hits_for(HOST, "/a.pdf"), vec!["HEAD".to_string()]);
    assert_eq!(
        fx.hits_for(HOST, "/b.xls"),
        vec!["HEAD".to_string(), "GET".to_string()]
    );
    let got = keyed(&findings(&outcome), &fx.base(HOST));
    assert_eq!(got, set(&[("link.dead", "/", "/c.doc", "404")]));
    assert!(
        outcome.bytes < 100 * 1024,
        "attachment bodies were downloaded: {} bytes",
        outcome.bytes
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_oversize_page_is_capped_and_reported() {
    let fx = start(|_, p| {
        let big = format!("<html><head><title>大页面</title></head><body><a href=\"/early.html\">前面</a>{}<a href=\"/late.html\">后面</a></body></html>", "<p>政务公开</p>".repeat(400_000));
        p.page(HOST, "/", page("首页", r#"<a href="/big.html">大页面</a>"#));
        p.page(HOST, "/big.html", big);
        p.page(HOST, "/early.html", page("前面", ""));
        p.page(HOST, "/late.html", page("后面", ""));
    })
    .await;
    let out = tempfile::tempdir().unwrap();
    let mut f = flags(&["--rate", "0", "--max-page-bytes", "1000000"]);
    f.extend(fx.resolve(&[HOST]));
    let outcome = scan(&[fx.base(HOST) + "/"], &f, out.path()).await;
    let got = keyed(&findings(&outcome), &fx.base(HOST));
    assert_eq!(
        got,
        set(&[("page.oversize", "/big.html", "/big.html", "truncated")])
    );
    assert_eq!(
        fx.hits_for(HOST, "/early.html").len(),
        1,
        "links before the cap are followed"
    );
    assert!(
        fx.hits_for(HOST, "/late.html").is_empty(),
        "links after the cap are not seen"
    );
    let big = outcome.report.sites[0]
        .pages
        .iter()
        .find(|p| p.url.ends_with("/big.html"))
        .unwrap();
    assert_eq!(big.bytes, 1_000_000);
    assert_eq!(&*big.title, "大页面");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_footer_written_by_a_same_site_script_is_followed() {
    let fx = start(|_, p| {
        // Like www.henan.gov.cn: the HTML has no footer; static/js/footer.js appends it.
        let js = r#"$('body').append('<div class="footer"><p>主办：示范省人民政府办公厅 联系电话：0371-12345678</p>'+
'<p><a href="https://beian.miit.gov.cn/">豫ICP备05024460号-1</a> 政府网站标识码：4100000001</p>'+
'<a href="/wzdt/">网站地图</a><script id="_jiucuo_" sitecode="4100000001" src="https://zfwzgl.www.gov.cn/exposure/jiucuo.js"></script>'+
'<a href="https://bszs.conac.cn/sitename?method=show&id=1"><img src="https://dcs.conac.cn/image/red.png"></a></div>');"#;
        p.add(HOST, "/static/js/footer.js", Route::new(200, "application/javascript; charset=utf-8", js));
        p.page(HOST, "/", page("首页", r#"<p>正文</p><script src="/static/js/footer.js"></script>"#));
        p.page(HOST, "/nofooter.html", page("无底部", "<p>正文</p>"));
    })
    .await;
    let out = tempfile::tempdir().unwrap();
    // The static reading (a rendered footer is `render.rs`'s test).
    let mut f = flags(&["--rate", "0", "--render", "never"]);
    f.extend(fx.resolve(&[HOST]));
    let scan_url = fx.base(HOST) + "/";
    let outcome = scan(
        &[scan_url.clone(), fx.base(HOST) + "/nofooter.html"],
        &f,
        out.path(),
    )
    .await;
    let home = outcome.report.sites[0]
        .pages
        .iter()
        .find(|p| p.is_home)
        .unwrap();
    let footer = &home.facts.as_ref().unwrap().footer;
    assert_eq!(footer.icp.as_deref(), Some("豫ICP备05024460号-1"));
    assert_eq!(footer.site_code.as_deref(), Some("4100000001"));
    assert!(footer.jiucuo.seen() && footer.conac.seen() && footer.sitemap.seen());
    assert!(footer.in_script.contains(&"icp".to_string()));
    let home_footer: Vec<_> = all_findings(&outcome)
        .into_iter()
        .filter(|f| f.page == scan_url && f.check.as_str().starts_with("footer."))
        .collect();
    // Only the 公安 number is missing, and the finding says it may be script-written.
    assert_eq!(home_footer.len(), 1, "{home_footer:?}");
    assert_eq!(home_footer[0].check.as_str(), "footer.police");
    assert!(
        home_footer[0].detail.contains("脚本"),
        "{}",
        home_footer[0].detail
    );
    // The footer script is fetched once as a footer source (plus once as a checked link at most).
    assert!(
        fx.hits_for(HOST, "/static/js/footer.js")
            .iter()
            .filter(|m| *m == "GET")
            .count()
            == 1
    );
    // A page with no footer and no script: every element is missing, stated plainly.
    let bare: Vec<_> = outcome.report.sites[1]
        .findings
        .iter()
        .filter(|f| f.check.as_str().starts_with("footer."))
        .collect();
    assert_eq!(bare.len(), 7, "{bare:?}");
    assert!(bare.iter().all(|f| !f.detail.contains("脚本")));
}
