//! Every kind of dead and wrong link, planted once, found exactly.

use crate::common::*;
use govscan_demo::server::{closed_port, Route};
use std::time::Duration;

const HOST: &str = "www.fixture.gov.cn";
const OTHER: &str = "other.fixture.gov.cn";
const REFUSED: &str = "refused.fixture.gov.cn";

#[tokio::test(flavor = "multi_thread")]
async fn every_link_defect_is_found_and_nothing_else() {
    let closed = closed_port().await.unwrap();
    let fx = start(|port, p| {
        let home = format!(
            r##"<a href="/a.html">正常页面</a>
            <a href="/dead.html">已删除的新闻</a>
            <a href="/gone.html">过期专题</a>
            <a href="/err.html">在线查询</a>
            <a href="/soft.html">旧通知</a>
            <a href="/moved.html">搬迁页面</a>
            <a href="/old/deep/page.html">往期专题</a>
            <a href="/loop1.html">循环</a>
            <a href="/chain/0.html">长跳转</a>
            <a href="/a.html#sec1">第一节</a>
            <a href="/a.html#nosuch">不存在的锚点</a>
            <a href="http://192.168.1.1/oa/">内网办公</a>
            <a href="#">更多</a>
            <a href="http://{OTHER}:{port}/x.html">兄弟单位</a>
            <a href="http://old.fixture.invalid/">原网站</a>
            <a href="http://{REFUSED}:{closed}/">办事系统</a>
            <a href="https://{HOST}:{port}/tls.html">加密页面</a>
            <a href="/slow.html">慢页面</a>
            <a href="/big.pdf">五十兆附件</a>
            <img src="/img/missing.png" alt="缺失图片">
            <a href="/b.html">B</a><a href="/c.html">C</a>"##
        );
        p.page(HOST, "/", page("首页", &home));
        p.page(HOST, "/a.html", page("A", r#"<h2 id="sec1">第一节</h2><a href="/shared-dead.html">共享死链</a><a href="/">首页</a>"#));
        p.page(HOST, "/b.html", page("B", r#"<a href="/shared-dead.html">共享死链</a>"#));
        p.page(HOST, "/c.html", page("C", r#"<a href="/shared-dead.html">共享死链</a><a href="/a.html#sec1">A1</a>"#));
        p.add(HOST, "/gone.html", Route::new(410, "text/html", "gone"));
        p.add(HOST, "/err.html", Route::new(500, "text/html", "oops"));
        p.page(HOST, "/soft.html", page("提示信息", "<p>对不起，您访问的页面不存在！</p>"));
        p.add(HOST, "/moved.html", Route::redirect(301, "/a.html"));
        p.add(HOST, "/old/deep/page.html", Route::redirect(302, "/"));
        p.add(HOST, "/loop1.html", Route::redirect(302, "/loop2.html"));
        p.add(HOST, "/loop2.html", Route::redirect(302, "/loop1.html"));
        for i in 0..12 {
            p.add(HOST, &format!("/chain/{i}.html"), Route::redirect(302, &format!("/chain/{}.html", i + 1)));
        }
        p.add(HOST, "/slow.html", Route::html("late").delayed(Duration::from_secs(20)));
        p.add(HOST, "/big.pdf", Route::new(200, "application/pdf", vec![b'x'; 50 * 1024 * 1024]));
    })
    .await;
    let out = tempfile::tempdir().unwrap();
    let mut f = flags(&["--rate", "0", "--timeout", "1", "--retries", "1"]);
    f.extend(fx.resolve(&[HOST, OTHER, REFUSED]));
    let base = fx.base(HOST);
    let outcome = scan(&[format!("{base}/")], &f, out.path()).await;
    let got = keyed(&findings(&outcome), &base);
    let other = fx.base(OTHER);
    let x = format!("{other}/x.html");
    let refused = format!("http://{REFUSED}:{closed}/");
    let tls = format!("https://{HOST}:{}/tls.html", fx.port);
    let want = set(&[
        ("link.dead", "/", "/dead.html", "404"),
        ("link.dead", "/", "/gone.html", "410"),
        ("link.dead", "/", "/err.html", "500"),
        ("link.soft404", "/", "/soft.html", "200"),
        ("link.soft404", "/", "/old/deep/page.html", "200"),
        ("link.dead", "/", "/loop1.html", "redirect_loop"),
        ("link.dead", "/", "/chain/0.html", "too_many_redirects"),
        ("link.fragment", "/", "/a.html#nosuch", "fragment"),
        ("link.intranet", "/", "http://192.168.1.1/oa/", "intranet"),
        ("link.malformed", "/", "#", "placeholder"),
        ("link.dead", "/", &x, "404"),
        ("link.dead", "/", "http://old.fixture.invalid/", "dns"),
        ("link.dead", "/", &refused, "refused"),
        ("link.dead", "/", &tls, "tls"),
        ("link.dead", "/", "/slow.html", "timeout"),
        ("link.dead", "/", "/img/missing.png", "404"),
        ("link.dead", "/a.html", "/shared-dead.html", "404"),
        ("link.dead", "/b.html", "/shared-dead.html", "404"),
        ("link.dead", "/c.html", "/shared-dead.html", "404"),
    ]);
    assert_eq!(
        got,
        want,
        "\nmissing: {:#?}\nunexpected: {:#?}",
        want.difference(&got),
        got.difference(&want)
    );

    // Home-page links are marked as such; others are not.
    let all = findings(&outcome);
    assert!(all
        .iter()
        .filter(|f| f.page == format!("{base}/"))
        .all(|f| f.home_page));
    assert!(all
        .iter()
        .filter(|f| f.page != format!("{base}/"))
        .all(|f| !f.home_page));
    // The redirect chain is in the detail.
    let chain = all
        .iter()
        .find(|f| f.target.ends_with("/loop1.html"))
        .unwrap();
    assert!(chain.detail.contains("loop2.html"), "{}", chain.detail);
    // Evidence is the link text.
    let dead = all
        .iter()
        .find(|f| f.target.ends_with("/dead.html"))
        .unwrap();
    assert_eq!(dead.evidence, "已删除的新闻");

    // A target linked from three pages is requested once.
    assert_eq!(fx.hits_for(HOST, "/shared-dead.html").len(), 1);
    // The 50 MB attachment is checked with HEAD only, never downloaded.
    assert_eq!(fx.hits_for(HOST, "/big.pdf"), vec!["HEAD".to_string()]);
    // The home page once more as a search-engine spider (cloaking check).
    assert_eq!(fx.spider_hits(HOST), vec!["/".to_string()]);
    // Every URL is requested once, also when redirects lead to it.
    for path in [
        "/",
        "/a.html",
        "/b.html",
        "/c.html",
        "/dead.html",
        "/soft.html",
        "/moved.html",
        "/loop1.html",
        "/loop2.html",
        "/chain/5.html",
    ] {
        assert_eq!(
            fx.hits_for(HOST, path).len(),
            1,
            "{path} fetched more than once"
        );
    }
    assert!(
        outcome.bytes < 1024 * 1024,
        "received {} bytes",
        outcome.bytes
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_server_that_never_answers_does_not_hang_the_scan() {
    let hang = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let hang_port = hang.local_addr().unwrap().port();
    let holder = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((sock, _)) = hang.accept().await {
            held.push(sock); // accept, never answer
        }
    });
    let fx = start(|_, p| {
        p.page(HOST, "/", page("首页", &format!(r#"<a href="http://hang.fixture.gov.cn:{hang_port}/">无响应</a><a href="/a.html">A</a>"#)));
        p.page(HOST, "/a.html", page("A", "<p>内容</p>"));
    })
    .await;
    let out = tempfile::tempdir().unwrap();
    let mut f = flags(&["--rate", "0", "--timeout", "1", "--retries", "1"]);
    f.extend(fx.resolve(&[HOST]));
    f.extend([
        "--resolve".to_string(),
        format!("hang.fixture.gov.cn:{hang_port}:127.0.0.1"),
    ]);
    let started = std::time::Instant::now();
    let outcome = scan(&[fx.base(HOST) + "/"], &f, out.path()).await;
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "took {:?}",
        started.elapsed()
    );
    let got = keyed(&findings(&outcome), &fx.base(HOST));
    let target = format!("http://hang.fixture.gov.cn:{hang_port}/");
    assert_eq!(got, set(&[("link.dead", "/", &target, "timeout")]));
    assert_eq!(
        outcome.report.sites[0]
            .pages
            .iter()
            .filter(|p| p.crawled)
            .count(),
        2
    );
    holder.abort();
}

#[tokio::test(flavor = "multi_thread")]
async fn retries_503_and_429_with_retry_after_and_does_not_report_recovered_links() {
    let fx = start(|_, p| {
        p.page(
            HOST,
            "/",
            page(
                "首页",
                r#"<a href="/flaky.html">时好时坏</a><a href="/down.html">一直503</a>"#,
            ),
        );
        p.add(
            HOST,
            "/flaky.html",
            Route::html(page("统计", "<p>正常</p>")).failing_first(2),
        );
        p.add(
            HOST,
            "/down.html",
            Route::new(503, "text/html", "busy").header("retry-after", "1"),
        );
    })
    .await;
    let out = tempfile::tempdir().unwrap();
    let mut f = flags(&["--rate", "0", "--retries", "2"]);
    f.extend(fx.resolve(&[HOST]));
    let outcome = scan(&[fx.base(HOST) + "/"], &f, out.path()).await;
    let got = keyed(&findings(&outcome), &fx.base(HOST));
    assert_eq!(got, set(&[("link.dead", "/", "/down.html", "503")]));
    assert_eq!(fx.hits_for(HOST, "/flaky.html").len(), 3);
    assert_eq!(fx.hits_for(HOST, "/down.html").len(), 3);
    // Retry-After: 1 was honoured between attempts.
    let times: Vec<_> = fx
        .portal
        .hits()
        .into_iter()
        .filter(|h| h.path == "/down.html")
        .map(|h| h.at)
        .collect();
    assert!(times[1] - times[0] >= Duration::from_millis(900));
}

#[tokio::test(flavor = "multi_thread")]
async fn links_as_browsers_see_them_are_checked() {
    let fx = start(|_, p| {
        let home = r##"<div style="background:url(/bg/missing.jpg)">横幅</div>
            <table background="/bg/gone.gif"><tr><td>表</td></tr></table>
            <form action="/search/nosuch.jsp?x=1"><input type="image" src="/btn/missing.gif"></form>
            <img srcset="/img/ok.jpg?x-oss-process=image/resize,w_750 2x, data:image/png;base64,iVBORw0KGgo=">
            <a href="/a.html#one">一</a><a href="/a.html#two">二</a><a href="/a.html#a%3Ab">编码</a>
            <a href="/empty.bin">空文件</a>
            <a href="/to-ftp.html">旧下载</a><a href="/no-location.html">无地址跳转</a>"##;
        p.page(HOST, "/", page("首页", home));
        p.page(HOST, "/a.html", page("A", r#"<div id="a%3Ab">x</div>"#));
        p.add(HOST, "/img/ok.jpg?x-oss-process=image/resize,w_750", Route::new(200, "image/jpeg", "jpg"));
        // A plain GET answered with 416 is an error, not a success.
        p.add(HOST, "/empty.bin", Route::new(416, "text/html", ""));
        p.add(HOST, "/to-ftp.html", Route::redirect(302, "ftp://files.fixture.gov.cn/a.zip"));
        p.add(HOST, "/no-location.html", Route::new(302, "text/html", ""));
    })
    .await;
    let out = tempfile::tempdir().unwrap();
    let mut f = flags(&["--rate", "0", "--no-db"]);
    f.extend(fx.resolve(&[HOST]));
    let base = fx.base(HOST);
    let outcome = scan(&[format!("{base}/")], &f, out.path()).await;
    let got = keyed(&findings(&outcome), &base);
    assert_eq!(
        got,
        set(&[
            ("link.dead", "/", "/bg/missing.jpg", "404"),
            ("link.dead", "/", "/bg/gone.gif", "404"),
            ("link.dead", "/", "/search/nosuch.jsp", "404"),
            ("link.dead", "/", "/btn/missing.gif", "404"),
            ("link.dead", "/", "/empty.bin", "416"),
            ("link.dead", "/", "/to-ftp.html", "bad_redirect"),
            ("link.dead", "/", "/no-location.html", "bad_redirect"),
            ("link.fragment", "/", "/a.html#one", "fragment"),
            ("link.fragment", "/", "/a.html#two", "fragment"),
        ]),
        "{got:#?}"
    );
    let all = findings(&outcome);
    let detail = |target: &str| {
        all.iter()
            .find(|f| f.target.ends_with(target))
            .map(|f| f.detail.clone())
            .unwrap()
    };
    assert!(
        detail("/to-ftp.html").contains("ftp://files.fixture.gov.cn/a.zip"),
        "{}",
        detail("/to-ftp.html")
    );
    assert!(
        detail("/no-location.html").contains("没有 Location"),
        "{}",
        detail("/no-location.html")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn response_ms_is_the_request_not_the_wait_for_the_rate_limit() {
    let fx = start(|_, p| {
        let links: String = (0..4)
            .map(|i| format!(r#"<a href="/p{i}.html">{i}</a>"#))
            .collect();
        p.page(HOST, "/", page("首页", &links));
        for i in 0..4 {
            p.page(HOST, &format!("/p{i}.html"), page("页", ""));
        }
    })
    .await;
    let out = tempfile::tempdir().unwrap();
    // Two requests a second: the last pages wait about two seconds in the limiter.
    let mut f = flags(&["--rate", "2", "--no-db", "--no-sitemap", "--ignore-robots"]);
    f.extend(fx.resolve(&[HOST]));
    let outcome = scan(&[format!("{}/", fx.base(HOST))], &f, out.path()).await;
    let pages = &outcome.report.sites[0].pages;
    assert_eq!(pages.len(), 5);
    let slowest = pages.iter().map(|p| p.response_ms).max().unwrap();
    assert!(
        slowest < 1000,
        "a loopback request took {slowest} ms: the limiter's wait was counted"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_429_on_head_waits_for_retry_after_and_is_not_retried_as_get() {
    let fx = start(|_, p| {
        p.page(
            HOST,
            "/",
            page("首页", r#"<a href="/files/a.pdf">附件</a>"#),
        );
        // Throttled longer than the retries last.
        p.add(
            HOST,
            "/files/a.pdf",
            Route::new(200, "application/pdf", "pdf").throttling_first(3),
        );
    })
    .await;
    let out = tempfile::tempdir().unwrap();
    let mut f = flags(&[
        "--rate",
        "0",
        "--no-db",
        "--no-sitemap",
        "--ignore-robots",
        "--retries",
        "2",
    ]);
    f.extend(fx.resolve(&[HOST]));
    let base = fx.base(HOST);
    let outcome = scan(&[format!("{base}/")], &f, out.path()).await;
    // Still 429 after the retries: not verified, never a dead link.
    assert_eq!(
        keyed(&findings(&outcome), &base),
        set(&[("link.blocked", "/", "/files/a.pdf", "429")])
    );
    let hits: Vec<_> = fx
        .portal
        .hits()
        .into_iter()
        .filter(|h| h.path == "/files/a.pdf")
        .collect();
    let methods: Vec<&str> = hits.iter().map(|h| h.method.as_str()).collect();
    assert_eq!(
        methods,
        vec!["HEAD", "HEAD", "HEAD"],
        "retried as HEAD, never as GET"
    );
    // Retry-After: 1 was honoured between the attempts (a lower bound, not a speed).
    for pair in hits.windows(2) {
        assert!(pair[1].at.duration_since(pair[0].at) >= Duration::from_millis(900));
    }
}
