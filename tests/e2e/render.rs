//! `--render` with the installed Chromium: a column whose list a script
//! loads (a GET for the JSON, a POST as Hanweb's dataproxy does) is read as
//! a person sees it, and every request Chromium makes goes through govscan.

use crate::common::*;
use govscan_demo::server::Route;

const HOST: &str = "www.render.gov.cn";

fn chromium_or_skip() -> bool {
    if govscan::render::find_chromium().is_some() {
        return true;
    }
    assert!(
        std::env::var("CI").is_err(),
        "CI=true but Chromium is not installed: .ci/run installs it"
    );
    eprintln!("SKIPPED: chromium not found (install Debian's `chromium` or set GOVSCAN_CHROMIUM): the rendering test did not run");
    false
}

/// Scans `host` on the fixture with `--render MODE` (no history, no
/// sitemap): the outcome and the folder holding its outputs.
async fn scan_rendering(
    fx: &Fixture,
    host: &str,
    mode: &str,
) -> (govscan::run::ScanOutcome, tempfile::TempDir) {
    let out = tempfile::tempdir().unwrap();
    let mut f = flags(&["--rate", "0", "--no-db", "--no-sitemap", "--render", mode]);
    f.extend(fx.resolve(&[host]));
    let outcome = scan(&[fx.base(host) + "/"], &f, out.path()).await;
    (outcome, out)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_scripted_column_is_rendered_through_govscan() {
    if !chromium_or_skip() {
        return;
    }
    let fx = start(|_, p| {
        p.page(
            HOST,
            "/",
            page(
                "示范县人民政府",
                r#"<ul><li><a href="/tzgg/">通知公告</a><span>2026-11-20</span></li></ul>"#,
            ),
        );
        p.page(
            HOST,
            "/tzgg/",
            r#"<!DOCTYPE html><html><head><meta charset="utf-8"><title>通知公告</title><meta name="ColumnName" content="通知公告"></head><body>
            <ul id="list"></ul><div class="tpl" style="display:none">暂无数据</div>
            <script>
            fetch("/api/list?column=7", {method: "POST", body: "col=1&columnid=7"})
              .then(function (r) { return r.json(); })
              .then(function (d) {
                var ul = document.getElementById("list");
                d.items.forEach(function (it) {
                  var li = document.createElement("li");
                  li.innerHTML = '<a href="' + it.url + '">' + it.title + '</a><span>' + it.date + '</span>';
                  ul.appendChild(li);
                });
              });
            </script></body></html>"#,
        );
        p.add(
            HOST,
            "/api/list?column=7",
            Route::new(
                200,
                "application/json",
                r#"{"items":[{"title":"关于做好冬季安全生产工作的通知","url":"/tzgg/1.html","date":"2026-11-18"},{"title":"关于开展消防安全检查的通知","url":"/tzgg/2.html","date":"2026-10-02"}]}"#,
            ),
        );
        p.page(HOST, "/tzgg/1.html", page("通知一", "<p>正文</p>"));
        p.page(HOST, "/tzgg/2.html", page("通知二", "<p>正文</p>"));
    })
    .await;
    let column = |outcome: &govscan::run::ScanOutcome| {
        outcome.report.sites[0]
            .summary
            .columns
            .iter()
            .find(|c| c.name == "通知公告")
            .map(|c| (c.source.clone(), c.items, c.newest, c.unverified))
    };
    let (never, _) = scan_rendering(&fx, HOST, "never").await;
    assert_eq!(column(&never), Some(("script".to_string(), 0, None, true)));

    let (auto, _) = scan_rendering(&fx, HOST, "auto").await;
    assert_eq!(
        column(&auto),
        Some((
            "rendered".to_string(),
            2,
            chrono::NaiveDate::from_ymd_opt(2026, 11, 18),
            false
        ))
    );
    // The items it showed were crawled like any link.
    let pages = &auto.report.sites[0].pages;
    assert!(pages
        .iter()
        .any(|p| p.url.ends_with("/tzgg/2.html") && p.crawled));
    // Chromium's own request for the list came through govscan: the POST,
    // with govscan's User-Agent.
    let api: Vec<_> = fx
        .portal
        .hits()
        .into_iter()
        .filter(|h| h.path == "/api/list?column=7")
        .collect();
    assert!(api.iter().any(|h| h.method == "POST"), "{api:?}");
    assert!(
        api.iter().all(|h| h.user_agent.contains("govscan")),
        "{api:?}"
    );
}

/// A footer a script writes in a way no static reader can read (the ICP
/// and 公网安备 numbers put together from pieces) is checked for real in
/// the DOM Chromium renders: once per footer script per site, whatever the
/// number of pages that share it.
#[tokio::test(flavor = "multi_thread")]
async fn a_script_written_footer_is_rendered_once_and_checked_for_real() {
    if !chromium_or_skip() {
        return;
    }
    const FOOTER_HOST: &str = "www.footer-render.gov.cn";
    let with_footer = |title: &str, body: &str| {
        format!(
            r#"<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title></head><body>{body}
            <div id="ft"><p>主办单位：示范县人民政府</p><p>网站标识码：3399990001</p><a href="/wzdt/">网站地图</a></div>
            <script src="/js/footer.js"></script></body></html>"#
        )
    };
    let fx = start(|_, p| {
        p.page(
            FOOTER_HOST,
            "/",
            with_footer("示范县人民政府", r#"<a href="/a.html">工作动态一</a><a href="/b.html">工作动态二</a>"#),
        );
        p.page(FOOTER_HOST, "/a.html", with_footer("一", "<p>正文</p>"));
        p.page(FOOTER_HOST, "/b.html", with_footer("二", "<p>正文</p>"));
        p.page(FOOTER_HOST, "/wzdt/", with_footer("网站地图", "<p>地图</p>"));
        p.add(
            FOOTER_HOST,
            "/js/footer.js",
            Route::new(
                200,
                "application/javascript",
                r#"(function () {
                  var p = ["浙", "ICP", "备", "12345678", "号"], q = ["浙公网", "安备 ", "33999902000123", "号"];
                  var d = document.createElement("p");
                  d.appendChild(document.createTextNode(p.join("") + " " + q.join("")));
                  document.getElementById("ft").appendChild(d);
                })();"#,
            ),
        );
    })
    .await;
    let footer_checks = |o: &govscan::run::ScanOutcome| {
        let mut c: Vec<(String, String)> = o.report.sites[0]
            .findings
            .iter()
            .filter(|f| {
                matches!(f.check.as_str(), "footer.icp" | "footer.police") && f.status == "missing"
            })
            .map(|f| {
                (
                    f.check.as_str().to_string(),
                    f.page.rsplit('/').next().unwrap_or("").to_string(),
                )
            })
            .collect();
        c.sort();
        c.dedup();
        c
    };
    let page_hits = |fx: &Fixture| -> usize {
        fx.portal
            .hits()
            .into_iter()
            .filter(|h| {
                !h.from_spider() && ["/", "/a.html", "/b.html", "/wzdt/"].contains(&h.path.as_str())
            })
            .count()
    };
    let (never, _) = scan_rendering(&fx, FOOTER_HOST, "never").await;
    let missing = footer_checks(&never);
    assert!(
        missing.iter().any(|(c, _)| c == "footer.icp")
            && missing.iter().any(|(c, _)| c == "footer.police"),
        "a static reader cannot see them: {missing:?}"
    );
    let caveat = |o: &govscan::run::ScanOutcome, check: &str| -> Vec<bool> {
        o.report.sites[0]
            .findings
            .iter()
            .filter(|f| f.check.as_str() == check)
            .map(|f| f.detail.contains("可能由脚本生成"))
            .collect()
    };
    assert!(caveat(&never, "footer.icp").iter().all(|c| *c));
    assert!(caveat(&never, "footer.conac").iter().all(|c| *c));
    let before = page_hits(&fx);
    assert_eq!(before, 4, "each page once");

    let (auto, out) = scan_rendering(&fx, FOOTER_HOST, "auto").await;
    assert_eq!(footer_checks(&auto), Vec::<(String, String)>::new());
    // Found in the rendered footer, not linked: that is said for certain.
    let icp = caveat(&auto, "footer.icp");
    assert!(!icp.is_empty() && icp.iter().all(|c| !*c), "{icp:?}");
    // What the rendered footer lacks too is missing for certain.
    let conac = caveat(&auto, "footer.conac");
    assert!(!conac.is_empty() && conac.iter().all(|c| !*c), "{conac:?}");
    // Four pages share the footer script: one of them was rendered.
    assert_eq!(page_hits(&fx) - before, 4 + 1);
    // pages.csv says whose footer was read from a rendering.
    let csv = std::fs::read_to_string(out.path().join("pages.csv")).unwrap();
    assert!(csv.lines().next().unwrap().ends_with(",cms,rendered"));
    let rendered = csv.lines().filter(|l| l.ends_with(",footer")).count();
    assert_eq!(rendered, 4, "{csv}");
}

/// A home page behind a JavaScript challenge that a browser passes (a
/// script sets the clearance cookie and reloads, as 加速乐 does) is opened
/// in Chromium; with the cookie it sent, the crawl is let through too and
/// the site is audited. Without rendering it stays 未能检查.
#[tokio::test(flavor = "multi_thread")]
async fn a_challenge_a_browser_passes_is_passed() {
    if !chromium_or_skip() {
        return;
    }
    const CHALLENGED: &str = "www.challenge-pass.gov.cn";
    let fx = start(|_, p| {
        p.add_challenge(
            CHALLENGED,
            "__jsl_clearance_s",
            Route::new(
                521,
                "text/html; charset=utf-8",
                r#"<!DOCTYPE html><html><head><meta charset="utf-8"></head><body><script>document.cookie="__jsl_clearance_s=1700000000.123|0|abc;max-age=3600;path=/";location.href=location.pathname+location.search;</script></body></html>"#,
            )
            .header("set-cookie", "__jsluid_s=9f8e7d; path=/"),
        );
        p.page(
            CHALLENGED,
            "/",
            page(
                "示范县人民政府",
                r#"<a href="/a.html">县政府召开常务会议</a><a href="/col/col9/index.html">工作动态</a>"#,
            ),
        );
        p.page(CHALLENGED, "/a.html", page("常务会议", "<p>正文</p>"));
        // A Hanweb column: its data request is behind the challenge too.
        p.page(
            CHALLENGED,
            "/col/col9/index.html",
            page(
                "工作动态",
                r#"<meta name="ColumnName" content="工作动态"><script type="text/xml"><datastore><totalrecord>2</totalrecord><nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=1&webid=1&path=/&columnid=9&unitid=9&webname=x&permissiontype=0"></a>]]></nextgroup><recordset><record><![CDATA[<li><a href="/a.html">县政府召开常务会议</a><span>2026-11-10</span></li>]]></record></recordset></datastore></script>"#,
            ),
        );
        p.add(
            CHALLENGED,
            "/module/web/jpage/dataproxy.jsp?startrecord=2&endrecord=2&perpage=1",
            Route::new(
                200,
                "text/xml",
                r#"<datastore><recordset><record><![CDATA[<li><a href="/a.html">县政府召开第二次常务会议</a><span>2026-11-22</span></li>]]></record></recordset></datastore>"#,
            ),
        );
    })
    .await;
    let status = |o: &govscan::run::ScanOutcome| {
        let s = &o.report.sites[0];
        let a = s
            .pages
            .iter()
            .find(|p| p.url.ends_with("/a.html"))
            .map(|p| (p.crawled, p.status.to_string()));
        (s.summary.audit.status, a)
    };
    let (never, _) = scan_rendering(&fx, CHALLENGED, "never").await;
    assert_eq!(
        status(&never).0,
        govscan_checks::audit::AuditStatus::NotAudited
    );
    let (auto, _) = scan_rendering(&fx, CHALLENGED, "auto").await;
    assert_eq!(
        status(&auto),
        (
            govscan_checks::audit::AuditStatus::Audited,
            Some((true, "200".to_string()))
        ),
        "{:#?}",
        auto.report.sites[0].findings
    );
    // The column's data request carried the clearance cookie too: the
    // newer record, which only it returns, was read.
    let column = auto.report.sites[0]
        .summary
        .columns
        .iter()
        .find(|c| c.name == "工作动态")
        .map(|c| c.newest);
    assert_eq!(column, Some(chrono::NaiveDate::from_ymd_opt(2026, 11, 22)));
}
