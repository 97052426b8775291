//! The demo's department sites on real platforms' markup (Hanweb's inline
//! datastore, TRS's script pager, gkmlpt's JSON catalogue) are read as a
//! person reading them would: fresh columns, every page of the list, no
//! false 空白栏目; and a platform's data is asked for again on every run.

use crate::common::*;
use govscan::run::ScanOutcome;
use govscan_demo::server::Route;

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

    // gkmlpt: each catalogue column judged from the JSON API.
    let gkmlpt = site(govscan_demo::portal::GKMLPT_HOST);
    assert_eq!(gkmlpt.summary.cms.as_deref(), Some("gkmlpt"));
    type Row<'a> = (&'a str, &'a str, u32, Option<chrono::NaiveDate>, bool, bool);
    let mut columns: Vec<Row> = gkmlpt
        .summary
        .columns
        .iter()
        .map(|c| {
            (
                c.name.as_str(),
                c.source.as_str(),
                c.items,
                c.newest,
                c.blank,
                c.unverified,
            )
        })
        .collect();
    columns.sort();
    assert_eq!(
        columns,
        vec![
            // No document: truly blank (the API answered).
            ("人事信息", "api", 0, None, true, false),
            ("工作动态", "api", 6, d(11, 22), false, false),
            // Its API answered with a firewall page: 未能核实, not blank.
            ("规划计划", "script", 0, None, false, true),
            ("通知公告", "api", 25, d(11, 20), false, false),
        ]
    );
    let checks: Vec<(&str, &str)> = gkmlpt
        .findings
        .iter()
        .filter(|f| f.check.as_str().starts_with("column.") || f.check.as_str() == "site.veto")
        .map(|f| (f.check.as_str(), f.target.as_str()))
        .collect();
    assert_eq!(
        checks,
        vec![
            ("column.empty", "人事信息"),
            // The demo site has neither; 政策文件, a catalogue node, is not missing.
            ("column.missing", "互动交流（留言、信箱）"),
            ("column.missing", "机构职能"),
        ]
    );
    let empty = gkmlpt
        .findings
        .iter()
        .find(|f| f.check.as_str() == "column.empty")
        .unwrap();
    assert!(empty.detail.contains("平台数据接口"), "{}", empty.detail);
    let mut api: Vec<String> = portal
        .hits()
        .into_iter()
        .filter(|h| h.host == govscan_demo::portal::GKMLPT_HOST && h.path.contains("/api/"))
        .map(|h| format!("{} {}", h.method, h.path))
        .collect();
    api.sort();
    assert_eq!(
        api,
        vec![
            "GET /gkmlpt/api/all/101?page=1&sid=755099",
            "GET /gkmlpt/api/all/101?page=2&sid=755099",
            "GET /gkmlpt/api/all/101?page=3&sid=755099",
            "GET /gkmlpt/api/all/102?page=1&sid=755099",
            "GET /gkmlpt/api/all/103?page=1&sid=755099",
            "GET /gkmlpt/api/all/104?page=1&sid=755099",
        ]
    );
    let documents = gkmlpt
        .pages
        .iter()
        .filter(|p| p.url.contains("/gkmlpt/content/") && p.crawled)
        .count();
    assert_eq!(documents, 31, "every document the API lists, page 3 too");
}

/// A catalogue page that has not changed (304) still has its columns read
/// from the API: the store keeps the page without the API's answers.
#[tokio::test(flavor = "multi_thread")]
async fn platform_data_is_asked_again_when_the_page_is_unchanged() {
    const HOST: &str = "gk.example.gov.cn";
    let json = |date: &str| {
        format!(
            r#"{{"classify":{{"post_count":1}},"articles":[{{"title":"示范县召开安全生产工作会议","url":"/gkmlpt/content/0/1/post_1.html","created_at":"{date} 09:00:00"}}]}}"#
        )
    };
    let fx = start(|_, p| {
        p.page(
            HOST,
            "/",
            page("示范县某局", r#"<a href="/gkmlpt/index">政府信息公开目录</a>"#),
        );
        p.page(
            HOST,
            "/gkmlpt/index",
            page(
                "政府信息公开目录",
                r#"<div id="app"></div><script>window._CONFIG = { SID: '1', TREE: [{"id": 7, "name": "工作动态", "children": []}] };</script>"#,
            ),
        );
        p.page(HOST, "/gkmlpt/content/0/1/post_1.html", page("会议", "<p>正文</p>"));
        let api = "/gkmlpt/api/all/7?page=1&sid=1";
        p.add(HOST, api, Route::new(200, "application/json", json("2026-11-01")));
        p.add_versioned(1, HOST, api, Route::new(200, "application/json", json("2026-11-20")));
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let mut f = flags(&["--now", "2026-11-23"]);
    f.extend(fx.resolve(&[HOST]));
    let column = |o: &ScanOutcome| {
        let c = &o.report.sites[0].summary.columns;
        assert_eq!(c.len(), 1, "{c:#?}");
        (c[0].newest, c[0].stale)
    };
    let first = scan(&[fx.base(HOST) + "/"], &f, dir.path()).await;
    let d = |dd| chrono::NaiveDate::from_ymd_opt(2026, 11, dd);
    assert_eq!(column(&first), (d(1), true));
    fx.portal.set_version(1);
    let second = scan(&[fx.base(HOST) + "/"], &f, dir.path()).await;
    assert_eq!(column(&second), (d(20), false), "the API was asked again");
    let index = fx.hits_for(HOST, "/gkmlpt/index");
    assert_eq!(index.len(), 2);
    let conditional: Vec<bool> = fx
        .portal
        .hits()
        .into_iter()
        .filter(|h| h.path == "/gkmlpt/index")
        .map(|h| h.conditional)
        .collect();
    assert_eq!(
        conditional,
        vec![false, true],
        "the page itself was revalidated"
    );
    assert_eq!(fx.hits_for(HOST, "/gkmlpt/api/all/7?page=1&sid=1").len(), 2);
}

/// Data requests are bounded by `--max-pages` for the site and made once a
/// site by their key (method, URL, body): two pages asking for the same
/// Hanweb group get one POST; columns past the bound stay 未能核实, never
/// 空白.
#[tokio::test(flavor = "multi_thread")]
async fn data_requests_are_made_once_and_within_max_pages() {
    const HOST: &str = "hw.example.gov.cn";
    let record = |n: u32| {
        format!(
            r#"<record><![CDATA[<li><a href="/art/2026/11/{n}/art_5_{n}.html">示范县召开第{n}次安全生产工作会议</a><span>2026-11-{n:02}</span></li>]]></record>"#
        )
    };
    let column = |inline: &str| {
        page(
            "工作动态",
            &format!(
                r#"<meta name="ColumnName" content="工作动态"><div class="position">当前位置：首页 &gt; 工作动态</div><script type="text/xml"><datastore><totalrecord>2</totalrecord><nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=1&webid=1&path=/&columnid=5&unitid=9&webname=x&permissiontype=0"></a>]]></nextgroup><recordset>{inline}</recordset></datastore></script>"#
            ),
        )
    };
    let tree = (1..=4)
        .map(|i| format!(r#"{{"id": {i}, "name": "通知公告{i}", "children": []}}"#))
        .collect::<Vec<_>>()
        .join(",");
    let fx = start(|_, p| {
        p.page(
            HOST,
            "/",
            page(
                "示范县某局",
                r#"<a href="/col/col5/index.html">工作动态</a><a href="/col/col5/print.html">工作动态（打印）</a><a href="/gkmlpt/index">政府信息公开目录</a>"#,
            ),
        );
        p.page(HOST, "/col/col5/index.html", column(&record(20)));
        p.page(HOST, "/col/col5/print.html", column(&record(20)));
        p.add(
            HOST,
            "/module/web/jpage/dataproxy.jsp?startrecord=2&endrecord=2&perpage=1",
            Route::new(
                200,
                "text/xml",
                format!("<datastore><recordset>{}</recordset></datastore>", record(19)),
            ),
        );
        for n in [19, 20] {
            p.page(HOST, &format!("/art/2026/11/{n}/art_5_{n}.html"), page("会议", "<p>正文</p>"));
        }
        p.page(
            HOST,
            "/gkmlpt/index",
            page(
                "政府信息公开目录",
                &format!(r#"<script>window._CONFIG = {{ SID: '1', TREE: [{tree}] }};</script>"#),
            ),
        );
        for i in 1..=4 {
            p.add(
                HOST,
                &format!("/gkmlpt/api/all/{i}?page=1&sid=1"),
                Route::new(
                    200,
                    "application/json",
                    r#"{"classify":{"post_count":1},"articles":[{"title":"关于冬季安全生产的通知","url":"/art/2026/11/20/art_5_20.html","created_at":"2026-11-20 09:00:00"}]}"#,
                ),
            );
        }
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let mut f = flags(&["--max-pages", "4"]);
    f.extend(fx.resolve(&[HOST]));
    let outcome = scan(&[fx.base(HOST) + "/"], &f, dir.path()).await;
    let hits: Vec<String> = fx
        .portal
        .hits()
        .into_iter()
        .filter(|h| h.path.contains("dataproxy") || h.path.contains("/api/"))
        .map(|h| format!("{} {}", h.method, h.path))
        .collect();
    let posts = hits.iter().filter(|h| h.starts_with("POST ")).count();
    assert_eq!(
        posts, 1,
        "one POST for the two pages that ask the same: {hits:?}"
    );
    assert_eq!(
        hits.len(),
        4,
        "four data requests at most (--max-pages 4): {hits:?}"
    );
    let site = &outcome.report.sites[0];
    let gkmlpt: Vec<(bool, bool)> = site
        .summary
        .columns
        .iter()
        .filter(|c| c.name.starts_with("通知公告"))
        .map(|c| (c.blank, c.unverified))
        .collect();
    assert_eq!(gkmlpt.len(), 4);
    assert_eq!(gkmlpt.iter().filter(|c| **c == (false, false)).count(), 3);
    assert_eq!(
        gkmlpt.iter().filter(|c| **c == (false, true)).count(),
        1,
        "columns past the bound are 未能核实: {gkmlpt:?}"
    );
}

/// A GBK site's dataproxy answers in GBK: the records' titles are read as
/// such (a dead document's finding quotes its title right).
#[tokio::test(flavor = "multi_thread")]
async fn a_gbk_data_answer_is_decoded_as_gbk() {
    const HOST: &str = "gbk.example.gov.cn";
    let fx = start(|_, p| {
        p.page(
            HOST,
            "/",
            page("示范县某局", r#"<a href="/col/col9/index.html">工作动态</a>"#),
        );
        p.page(
            HOST,
            "/col/col9/index.html",
            page(
                "工作动态",
                r#"<meta name="ColumnName" content="工作动态"><script type="text/xml"><datastore><totalrecord>2</totalrecord><nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=1&webid=1&path=/&columnid=9&unitid=9&webname=x&permissiontype=0"></a>]]></nextgroup><recordset><record><![CDATA[<li><a href="/art/1.html">示范县召开防汛工作会议</a><span>2026-11-20</span></li>]]></record></recordset></datastore></script>"#,
            ),
        );
        p.page(HOST, "/art/1.html", page("会议", "<p>正文</p>"));
        let (gbk, _, _) = encoding_rs::GBK.encode(
            r#"<datastore><recordset><record><![CDATA[<li><a href="/art/gone.html">关于做好冬季安全生产工作的通知</a><span>2026-11-18</span></li>]]></record></recordset></datastore>"#,
        );
        p.add(
            HOST,
            "/module/web/jpage/dataproxy.jsp?startrecord=2&endrecord=2&perpage=1",
            Route::new(200, "text/xml; charset=GBK", gbk.into_owned()),
        );
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let mut f = flags(&["--rate", "0"]);
    f.extend(fx.resolve(&[HOST]));
    let outcome = scan(&[fx.base(HOST) + "/"], &f, dir.path()).await;
    let dead: Vec<&str> = outcome.report.sites[0]
        .findings
        .iter()
        .filter(|f| f.check.as_str() == "link.dead")
        .map(|f| f.evidence.as_str())
        .collect();
    assert_eq!(dead.len(), 1, "{dead:?}");
    assert!(
        dead[0].starts_with("关于做好冬季安全生产工作的通知"),
        "{dead:?}"
    );
}
