//! Verdicts an inspector can sign: a county list with a healthy site, a
//! down site, a firewall-403 site, a JavaScript-challenge site, a 429 site
//! and a slow site, run through the real binary; audit statuses, verdicts,
//! findings and the exit code asserted exactly.

use crate::common::*;
use govscan_demo::server::{closed_port, Route};
use std::collections::BTreeMap;
use std::time::Duration;

/// A block page of our own writing, in the style of 安全狗's: its
/// signature is the image path and the wording.
const FIREWALL_PAGE: &str = r#"<!DOCTYPE html><html><head><meta charset="utf-8"><title>网站防火墙</title></head><body><img src="/safedogsite/logo.png"><h3>您的请求带有不合法参数，已被网站管理员设置拦截！</h3><p>如您是网站管理员，请登录防护后台添加白名单。</p></body></html>"#;

/// A JavaScript challenge of our own writing: set a cookie, reload.
const CHALLENGE_PAGE: &str = r#"<html><head><meta charset="utf-8"></head><body><script>var t=Date.now();document.cookie="__jsl_clearance_s="+t+";max-age=3600;path=/";location.href=location.pathname+location.search;</script></body></html>"#;

fn dated_home(links: &str) -> String {
    page(
        "首页",
        &format!(
            r#"<ul class="list"><li><a href="/a.html">本县召开工作会议</a><span>2026-11-20</span></li><li><a href="/b.html">通知公告</a><span>2026-11-19</span></li></ul>{links}"#
        ),
    )
}

/// sites.csv as site name → column name → value.
fn sites_csv(dir: &std::path::Path) -> BTreeMap<String, BTreeMap<String, String>> {
    let text = std::fs::read_to_string(dir.join("sites.csv")).unwrap();
    let mut reader = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            let row: BTreeMap<String, String> = header
                .iter()
                .cloned()
                .zip(r.iter().map(String::from))
                .collect();
            (row["site"].clone(), row)
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_county_with_down_blocked_challenged_throttled_and_slow_sites() {
    let closed = closed_port().await.unwrap();
    let fx = start(|port, p| {
        // 正常局: a healthy site, with a plain 403 (no firewall signature:
        // a dead link as before), a link blocked by a firewall on another
        // host, and an outside link that only ever answers 429.
        p.page(
            "www.ok.gov.cn",
            "/",
            dated_home(&format!(
                r#"<a href="/forbidden.html">内部资料</a><a href="http://www.waf.gov.cn:{port}/doc.html">防火墙后的文件</a><a href="http://www.waf.gov.cn:{port}/files/a.pdf">防火墙后的附件</a><a href="http://www.cdn.gov.cn:{port}/x.html">限流的外链</a>"#
            )),
        );
        p.page("www.ok.gov.cn", "/a.html", page("会议", "<p>正文</p>"));
        p.page("www.ok.gov.cn", "/b.html", page("公告", "<p>正文</p>"));
        p.add(
            "www.ok.gov.cn",
            "/forbidden.html",
            Route::new(
                403,
                "text/html",
                "<html><head><title>403 Forbidden</title></head><body><h1>403 Forbidden</h1><hr>nginx</body></html>",
            ),
        );
        p.add(
            "www.cdn.gov.cn",
            "/x.html",
            Route::new(429, "text/html", "too many").header("retry-after", "0"),
        );
        // 防火墙局: every page answers with the firewall's block page.
        // (HEAD gets no body: the attachment's block page is read by a GET.)
        for path in ["/", "/doc.html", "/robots.txt", "/files/a.pdf"] {
            p.add(
                "www.waf.gov.cn",
                path,
                Route::new(403, "text/html; charset=utf-8", FIREWALL_PAGE),
            );
        }
        // 验证局: a 200 JavaScript challenge instead of the home page.
        p.add(
            "www.js.gov.cn",
            "/",
            Route::html(CHALLENGE_PAGE).header("set-cookie", "__jsluid_s=abc; path=/"),
        );
        // 限流局: the home page and four pages read, one page lost to 429.
        p.page(
            "www.busy.gov.cn",
            "/",
            dated_home(r#"<a href="/c.html">三</a><a href="/d.html">四</a><a href="/busy.html">五</a>"#),
        );
        for path in ["/a.html", "/b.html", "/c.html", "/d.html"] {
            p.page("www.busy.gov.cn", path, page("页", "<p>正文</p>"));
        }
        p.add(
            "www.busy.gov.cn",
            "/busy.html",
            Route::new(429, "text/html", "slow down").header("retry-after", "0"),
        );
        // 超时局: the home page never comes in time.
        p.add(
            "www.slow.gov.cn",
            "/",
            Route::html(dated_home("")).delayed(Duration::from_secs(30)),
        );
    })
    .await;
    let port = fx.port;
    let dir = tempfile::tempdir().unwrap();
    let list = dir.path().join("county.csv");
    std::fs::write(
        &list,
        format!(
            "name,url\n正常局,http://www.ok.gov.cn:{port}/\n停机局,http://www.down.gov.cn:{closed}/\n防火墙局,http://www.waf.gov.cn:{port}/\n验证局,http://www.js.gov.cn:{port}/\n限流局,http://www.busy.gov.cn:{port}/\n超时局,http://www.slow.gov.cn:{port}/\n"
        ),
    )
    .unwrap();
    let out = dir.path().join("out");
    let mut cmd = govscan();
    cmd.args(["scan", "--sites", list.to_str().unwrap(), "--out"])
        .arg(&out)
        .args(["--offline", "--rate", "0", "--no-db", "-q", "--no-sitemap"])
        .args(["--now", "2026-11-23", "--timeout", "1", "--retries", "1"])
        .args(["--fail-on", "error"]);
    for h in [
        "www.ok.gov.cn",
        "www.down.gov.cn",
        "www.waf.gov.cn",
        "www.js.gov.cn",
        "www.busy.gov.cn",
        "www.slow.gov.cn",
        "www.cdn.gov.cn",
    ] {
        cmd.args(["--resolve", &format!("{h}:{port}:127.0.0.1")]);
    }
    let output = run(cmd).await;
    let stderr = String::from_utf8_lossy(&output.stderr);
    // Sites that could not be audited are errors: cron alerts fire.
    assert_eq!(output.status.code(), Some(1), "{stderr}");

    let sites = sites_csv(&out);
    let col = |site: &str, c: &str| sites[site][c].clone();
    assert_eq!(col("正常局", "audit"), "audited");
    assert!(!col("正常局", "score").is_empty());
    assert!(
        col("正常局", "verdict").starts_with("合格"),
        "{:?}",
        sites["正常局"]
    );
    assert_eq!(col("正常局", "blocked_links"), "3");

    let expect_not_audited = [
        ("停机局", "未能检查（首页无法访问：连接被拒绝）"),
        ("防火墙局", "未能检查（首页被网站防火墙拦截（安全狗））"),
        (
            "验证局",
            "未能检查（首页遇到防火墙的JavaScript人机验证页（知道创宇 创宇盾/加速乐））",
        ),
        ("超时局", "未能检查（首页无法访问：请求超时）"),
    ];
    for (site, verdict) in expect_not_audited {
        assert_eq!(col(site, "audit"), "not_audited", "{site}");
        assert_eq!(col(site, "verdict"), verdict, "{site}");
        assert_eq!(
            col(site, "score"),
            "",
            "{site}: no score for a site not audited"
        );
    }
    assert_eq!(col("限流局", "audit"), "partial");
    assert!(
        col("限流局", "verdict").ends_with("（部分检查，已检查 83% 页面）"),
        "{}",
        col("限流局", "verdict")
    );

    let findings = std::fs::read_to_string(out.join("findings.csv")).unwrap();
    let rows: Vec<Vec<String>> =
        csv::Reader::from_reader(findings.trim_start_matches('\u{feff}').as_bytes())
            .records()
            .map(|r| r.unwrap().iter().map(String::from).collect())
            .collect();
    let of = |site: &str, check: &str| -> Vec<(String, String)> {
        rows.iter()
            .filter(|r| r[0] == site && r[1] == check)
            .map(|r| (r[4].replace(&format!(":{port}"), ""), r[5].clone()))
            .collect()
    };
    // A plain 403 stays a dead link; the firewall and the 429 never are.
    assert_eq!(
        of("正常局", "link.dead"),
        vec![(
            "http://www.ok.gov.cn/forbidden.html".to_string(),
            "403".to_string()
        )]
    );
    let mut blocked = of("正常局", "link.blocked");
    blocked.sort();
    assert_eq!(
        blocked,
        vec![
            (
                "http://www.cdn.gov.cn/x.html".to_string(),
                "429".to_string()
            ),
            (
                "http://www.waf.gov.cn/doc.html".to_string(),
                "403".to_string()
            ),
            (
                "http://www.waf.gov.cn/files/a.pdf".to_string(),
                "403".to_string()
            ),
        ]
    );
    assert!(of("限流局", "link.dead").is_empty(), "{findings}");
    assert_eq!(of("限流局", "link.blocked").len(), 1);
    // One site-level finding per site that could not be audited, nothing else.
    for (site, status) in [
        ("停机局", "refused"),
        ("防火墙局", "blocked"),
        ("验证局", "challenge"),
        ("超时局", "timeout"),
    ] {
        let site_rows: Vec<&Vec<String>> = rows.iter().filter(|r| r[0] == site).collect();
        assert_eq!(site_rows.len(), 1, "{site}: {site_rows:?}");
        assert_eq!(site_rows[0][1], "site.not_audited");
        assert_eq!(site_rows[0][2], "error");
        assert_eq!(site_rows[0][5], status, "{site}");
        assert!(site_rows[0][6].contains("处理建议"), "{site_rows:?}");
    }
    // The throttled host's rate is in run.log.
    let log = std::fs::read_to_string(out.join("run.log")).unwrap();
    assert!(
        log.contains(&format!("限流：主机 www.cdn.gov.cn:{port} 返回429")),
        "{log}"
    );
    assert!(
        log.contains("列表共 6 行，检查 6 个站点，跳过 0 行"),
        "{log}"
    );
    // The overview lists the sites that could not be audited first.
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    let first_row = html.find("<tbody><tr>").unwrap();
    let table = &html[first_row..];
    let pos = |name: &str| table.find(&format!(">{name}</a>")).unwrap();
    for site in ["停机局", "防火墙局", "验证局", "超时局"] {
        assert!(
            pos(site) < pos("限流局") && pos(site) < pos("正常局"),
            "{site}"
        );
    }
    assert!(html.contains("处理建议"));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_host_that_keeps_blocking_is_backed_off_and_the_site_is_not_audited() {
    let fx = start(|_, p| {
        let links: String = (0..60)
            .map(|i| format!(r#"<a href="/p{i}.html">{i}</a>"#))
            .collect();
        p.page("www.wall.gov.cn", "/", dated_home(&links));
        for i in 0..60 {
            p.add(
                "www.wall.gov.cn",
                &format!("/p{i}.html"),
                Route::new(468, "text/html; charset=utf-8", FIREWALL_PAGE),
            );
        }
        for path in ["/a.html", "/b.html"] {
            p.page("www.wall.gov.cn", path, page("页", "<p>正文</p>"));
        }
    })
    .await;
    let out = tempfile::tempdir().unwrap();
    let mut f = flags(&[
        "--rate",
        "0",
        "--no-db",
        "--site-concurrency",
        "2",
        "--no-sitemap",
    ]);
    f.extend(fx.resolve(&["www.wall.gov.cn"]));
    let outcome = scan(&[fx.base("www.wall.gov.cn") + "/"], &f, out.path()).await;
    let blocked_requests = fx
        .portal
        .hits()
        .iter()
        .filter(|h| h.host == "www.wall.gov.cn" && h.path.starts_with("/p"))
        .count();
    // The profile's limit is 20 blocked answers; two were in flight.
    assert!(
        (20..=22).contains(&blocked_requests),
        "{blocked_requests} requests to a host that kept blocking"
    );
    let site = &outcome.report.sites[0];
    let score = site.score.as_ref().unwrap();
    assert_eq!(score.verdict, govscan_checks::score::Verdict::NotAudited);
    assert_eq!(score.audit.reason, "coverage");
    // One site-level finding instead of 60 blocked-link rows.
    let checks: Vec<&str> = site
        .findings
        .iter()
        .map(|f| f.check.as_str())
        .filter(|c| c.starts_with("link.") || c.starts_with("site."))
        .collect();
    assert_eq!(checks, vec!["site.not_audited"], "{:?}", site.findings);
    let log = std::fs::read_to_string(out.path().join("run.log")).unwrap();
    assert!(log.contains("本次扫描已停止访问该主机"), "{log}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_login_page_and_a_redirect_to_another_site_are_not_audited() {
    let fx = start(|port, p| {
        p.page(
            "mail.x.gov.cn",
            "/",
            page(
                "邮件系统",
                r#"<form method="post" action="/login"><input name="u" placeholder="用户名"><input type="password" name="p"><button>登录</button></form>"#,
            ),
        );
        p.add(
            "www.moved.gov.cn",
            "/",
            Route::redirect(302, &format!("http://www.new.gov.cn:{port}/")),
        );
        p.page("www.new.gov.cn", "/", dated_home(""));
    })
    .await;
    let out = tempfile::tempdir().unwrap();
    let mut f = flags(&["--rate", "0", "--no-db", "--no-sitemap"]);
    f.extend(fx.resolve(&["mail.x.gov.cn", "www.moved.gov.cn", "www.new.gov.cn"]));
    let outcome = scan(
        &[
            fx.base("mail.x.gov.cn") + "/",
            fx.base("www.moved.gov.cn") + "/",
        ],
        &f,
        out.path(),
    )
    .await;
    let reasons: Vec<(String, String)> = outcome
        .report
        .sites
        .iter()
        .map(|s| {
            let sc = s.score.as_ref().unwrap();
            (format!("{:?}", sc.verdict), sc.audit.reason.clone())
        })
        .collect();
    assert_eq!(
        reasons,
        vec![
            ("NotAudited".to_string(), "login".to_string()),
            ("NotAudited".to_string(), "offsite".to_string()),
        ]
    );
    // Footer checks are not run on a login page.
    assert!(outcome.report.sites[0]
        .findings
        .iter()
        .all(|f| !f.check.as_str().starts_with("footer.")));
}

#[tokio::test(flavor = "multi_thread")]
async fn https_on_a_plain_http_port_is_tls_and_a_dns_failure_is_not_audited() {
    let fx = start(|_, p| {
        p.page("www.plain.gov.cn", "/", dated_home(""));
    })
    .await;
    let out = tempfile::tempdir().unwrap();
    let mut f = flags(&["--rate", "0", "--no-db", "--retries", "0"]);
    f.extend(fx.resolve(&["www.plain.gov.cn"]));
    let outcome = scan(
        &[
            format!("https://www.plain.gov.cn:{}/", fx.port),
            "http://www.no-such-host.invalid/".to_string(),
        ],
        &f,
        out.path(),
    )
    .await;
    let reasons: Vec<String> = outcome
        .report
        .sites
        .iter()
        .map(|s| s.score.as_ref().unwrap().audit.reason.clone())
        .collect();
    assert_eq!(reasons, vec!["tls".to_string(), "dns".to_string()]);
    let sites = std::fs::read_to_string(out.path().join("sites.csv")).unwrap();
    assert!(!sites.contains(",合格,"), "{sites}");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_home_page_and_its_index_twin_are_one_page() {
    let fx = start(|_, p| {
        let home = dated_home(r#"<a href="/index.html">首页</a><a href="/gone.html">失效</a>"#);
        p.page("www.twin.gov.cn", "/", home.clone());
        p.page("www.twin.gov.cn", "/index.html", home);
        for path in ["/a.html", "/b.html"] {
            p.page(
                "www.twin.gov.cn",
                path,
                page("页", r#"<a href="/index.html">首页</a>"#),
            );
        }
    })
    .await;
    let out = tempfile::tempdir().unwrap();
    let mut f = flags(&["--rate", "0", "--no-db", "--no-sitemap"]);
    f.extend(fx.resolve(&["www.twin.gov.cn"]));
    let outcome = scan(&[fx.base("www.twin.gov.cn") + "/"], &f, out.path()).await;
    let site = &outcome.report.sites[0];
    let dead: Vec<(&str, bool)> = site
        .findings
        .iter()
        .filter(|f| f.check == govscan_checks::CheckId::LinkDead)
        .map(|f| (f.page.as_str(), f.home_page))
        .collect();
    assert_eq!(dead.len(), 1, "{dead:?}");
    assert!(dead[0].1, "reported as a home-page link");
    let crawled: Vec<&str> = site
        .pages
        .iter()
        .filter(|p| p.crawled)
        .map(|p| p.url.as_str())
        .collect();
    assert_eq!(crawled.len(), 3, "{crawled:?}");
    let score = site.score.as_ref().unwrap();
    let link_items: Vec<(String, usize)> = score
        .deductions
        .iter()
        .filter(|d| d.item.contains("链接"))
        .map(|d| (d.item.clone(), d.count))
        .collect();
    assert_eq!(link_items, vec![("首页链接不可用".to_string(), 1)]);
}

#[tokio::test(flavor = "multi_thread")]
async fn columns_are_judged_as_people_see_them() {
    let fx = start(|_, p| {
        let host = "www.col.gov.cn";
        p.page(
            host,
            "/",
            dated_home(r#"<a href="/xwzx/">新闻中心</a><a href="/kong/">财政预决算</a><a href="/hanweb/">工作动态</a><a href="/api/">办事公开</a><a href="/trs/index.html">规划计划</a>"#),
        );
        for path in ["/a.html", "/b.html"] {
            p.page(host, path, page("页", "<p>正文</p>"));
        }
        // A section home: blocks of its sub-columns, each with 更多; its
        // items are a month old, which a 动态 column could not be.
        p.page(
            host,
            "/xwzx/",
            r#"<html><head><meta charset="utf-8"><title>新闻中心</title><meta name="ColumnName" content="新闻中心"></head><body>
            <div class="block"><h3>乡镇动态</h3><a href="/xwzx/xzdt/">更多&gt;&gt;</a><ul>
            <li><a href="/xwzx/xzdt/1.html">某镇开展秋季防火安全检查工作</a><span>2026-10-20</span></li>
            <li><a href="/xwzx/xzdt/2.html">某乡召开村级组织建设推进会议</a><span>2026-10-18</span></li>
            <li><a href="/xwzx/xzdt/3.html">某镇组织开展农产品质量抽检</a><span>2026-10-15</span></li></ul></div>
            <div class="block"><h3>通知公告</h3><a href="/xwzx/tzgg/">更多&gt;&gt;</a><ul>
            <li><a href="/xwzx/tzgg/1.html">关于开展安全生产大检查的通知</a><span>2026-05-06</span></li></ul></div>
            </body></html>"#,
        );
        // A sub-column whose ColumnName meta is its parent's (政务公开: no
        // keyword, 365 days); its own name 通知公告 allows 180 days.
        p.page(
            host,
            "/xwzx/tzgg/",
            r#"<html><head><meta charset="utf-8"><title>通知公告</title><meta name="ColumnName" content="政务公开"></head><body>
            <div>当前位置：首页 > 政务公开 > 通知公告</div><ul>
            <li><a href="/xwzx/tzgg/1.html">关于开展安全生产大检查的通知</a><span>2026-05-06</span></li>
            <li><a href="/xwzx/tzgg/2.html">关于做好防汛抗旱工作的通知</a><span>2026-04-20</span></li>
            <li><a href="/xwzx/tzgg/3.html">关于开展春季植树造林的公告</a><span>2026-03-11</span></li></ul></body></html>"#,
        );
        p.page(
            host,
            "/xwzx/xzdt/",
            r#"<html><head><meta charset="utf-8"><title>乡镇动态</title><meta name="ColumnName" content="乡镇动态"></head><body><ul>
            <li><a href="/xwzx/xzdt/1.html">某镇开展秋季防火安全检查工作</a><span>2026-11-20</span></li>
            <li><a href="/xwzx/xzdt/2.html">某乡召开村级组织建设推进会议</a><span>2026-11-18</span></li>
            <li><a href="/xwzx/xzdt/3.html">某镇组织开展农产品质量抽检</a><span>2026-11-15</span></li></ul></body></html>"#,
        );
        // Really empty: an empty list and "共 0 条", no 暂无信息.
        p.page(
            host,
            "/kong/",
            r#"<html><head><meta charset="utf-8"><title>财政预决算</title><meta name="ColumnName" content="财政预决算"></head><body><ul class="list"></ul><div class="page">共 0 条记录 首页 上一页 下一页 尾页</div></body></html>"#,
        );
        // Hanweb: the first page of records inline in a datastore script,
        // and a hidden template that says 暂无数据. Read as the list it is.
        p.page(
            host,
            "/hanweb/",
            r#"<html><head><meta charset="utf-8"><title>工作动态</title><meta name="ColumnName" content="工作动态"><meta name="ColumnType" content="工作动态"></head><body>
            <div id="list"></div><div style="display:none" id="tpl">暂无数据</div>
            <script type="text/xml"><datastore><nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=1&webid=1&path=/&columnid=5&unitid=9&webname=x&permissiontype=0"></a>]]></nextgroup><recordset><record><![CDATA[<li><a href="/art/2026/11/20/art_5_1.html">县政府召开常务会议</a><span>2026-11-20</span></li>]]></record></recordset></datastore></script>
            <script src="/module/web/jpage/jpage.js"></script></body></html>"#,
        );
        p.page(host, "/art/2026/11/20/art_5_1.html", page("县政府召开常务会议", "<p>正文</p>"));
        // A list an API fills, which nothing here can read: 未能核实, never 空白.
        p.page(
            host,
            "/api/",
            r#"<html><head><meta charset="utf-8"><title>办事公开</title><meta name="ColumnName" content="办事公开"></head><body><ul id="list"></ul><div class="tpl" style="display:none">暂无数据</div><script>$.ajax({url:"/api/list?column=88",success:function(d){render(d)}});</script></body></html>"#,
        );
        // TRS: a script writes the pager; the only link to one document is
        // on the last page, index_2.html.
        let trs_page = |items: &str, script: &str| {
            format!(
                r#"<html><head><meta charset="utf-8"><title>规划计划</title><meta name="ColumnName" content="规划计划"></head><body><ul>{items}</ul><script>{script}</script></body></html>"#
            )
        };
        p.page(
            host,
            "/trs/index.html",
            trs_page(
                r#"<li><a href="./202611/t20261101_1.html">示范县2027年重点项目计划</a><span>2026-11-01</span></li>"#,
                r#"var currentPage = 0;var countPage = 3;createPageHTML(3, 0, "index", "html");"#,
            ),
        );
        p.page(host, "/trs/index_1.html", trs_page(r#"<li><a href="./202501/t20250101_1.html">示范县2025年工作计划</a><span>2025-01-01</span></li>"#, r#"createPageHTML(3, 1, "index", "html");"#));
        p.page(host, "/trs/index_2.html", trs_page(r#"<li><a href="./202401/t20240101_1.html">示范县2024年工作计划</a><span>2024-01-01</span></li>"#, r#"createPageHTML(3, 2, "index", "html");"#));
        for path in ["/trs/202611/t20261101_1.html", "/trs/202501/t20250101_1.html", "/trs/202401/t20240101_1.html"] {
            p.page(host, path, page("计划", "<p>正文</p>"));
        }
    })
    .await;
    let out = tempfile::tempdir().unwrap();
    let mut f = flags(&["--rate", "0", "--no-db", "--no-sitemap"]);
    f.extend(fx.resolve(&["www.col.gov.cn"]));
    let outcome = scan(&[fx.base("www.col.gov.cn") + "/"], &f, out.path()).await;
    let site = &outcome.report.sites[0];
    let column_findings: Vec<(String, String)> = site
        .findings
        .iter()
        .filter(|f| matches!(f.check.as_str(), "column.empty" | "column.stale"))
        .map(|f| (f.check.as_str().to_string(), f.target.clone()))
        .collect();
    assert_eq!(
        column_findings,
        // In the report's one order (severity, check, page, target),
        // whichever page finished first.
        vec![
            ("column.stale".to_string(), "通知公告".to_string()),
            ("column.empty".to_string(), "财政预决算".to_string()),
        ],
        "{:#?}",
        site.summary.columns
    );
    let state = |name: &str| site.summary.columns.iter().find(|c| c.name == name);
    assert!(state("新闻中心").is_none(), "a section is not a column");
    assert_eq!(state("通知公告").unwrap().class, "notice");
    let hanweb = state("工作动态").unwrap();
    assert_eq!(hanweb.newest, chrono::NaiveDate::from_ymd_opt(2026, 11, 20));
    assert!(!hanweb.blank && !hanweb.stale && !hanweb.unverified);
    let api = state("办事公开").unwrap();
    assert!(api.unverified && !api.blank && !api.stale);
    let trs = state("规划计划").unwrap();
    assert_eq!(trs.pages, 3, "the script pager's pages are read");
    // The document linked only from the last script-paged page was crawled.
    assert!(site
        .pages
        .iter()
        .any(|p| p.url.ends_with("/trs/202401/t20240101_1.html") && p.crawled));
    // A record's link is crawled like any other.
    assert!(site
        .pages
        .iter()
        .any(|p| p.url.ends_with("/art/2026/11/20/art_5_1.html") && p.crawled));
    let kinds: Vec<(String, &str)> = site
        .pages
        .iter()
        .filter_map(|p| {
            Some((
                p.url.replace(&fx.base("www.col.gov.cn"), ""),
                p.facts.as_ref()?.kind.as_str(),
            ))
        })
        .filter(|(u, _)| u.ends_with('/'))
        .collect();
    assert!(
        kinds.contains(&("/xwzx/".to_string(), "section")),
        "{kinds:?}"
    );
    // The platform of each page, and the column table monitoring platforms export.
    let cms = |path: &str| {
        site.pages
            .iter()
            .find(|p| p.url.ends_with(path))
            .and_then(|p| p.facts.as_ref()?.cms.as_deref().map(str::to_string))
    };
    assert_eq!(cms("/hanweb/").as_deref(), Some("hanweb"));
    assert_eq!(cms("/trs/index.html").as_deref(), Some("trs"));
    assert_eq!(cms("/kong/"), None);
    let columns_csv = std::fs::read_to_string(out.path().join("columns.csv")).unwrap();
    let columns_csv = columns_csv.trim_start_matches('\u{feff}');
    assert_eq!(
        columns_csv.lines().next().unwrap(),
        "site,column,class,cms_type,last_update,cycle_days,days_since,ok,items,source,page"
    );
    let row = |name: &str| -> Vec<String> {
        columns_csv
            .lines()
            .find(|l| l.split(',').nth(1) == Some(name))
            .unwrap_or_else(|| panic!("{name} in {columns_csv}"))
            .split(',')
            .map(String::from)
            .collect()
    };
    assert_eq!(
        row("工作动态")[2..10],
        [
            "动态、要闻类",
            "工作动态",
            "2026-11-20",
            "14",
            "3",
            "yes",
            "1",
            "datastore"
        ]
    );
    assert_eq!(row("财政预决算")[7..10], ["no", "0", "static"]);
    assert_eq!(row("办事公开")[7..10], ["unverified", "0", "script"]);
    assert_eq!(row("通知公告")[7], "no");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_home_page_read_first_under_its_final_url_still_counts() {
    let fx = start(|port, p| {
        let host = "www.sm.gov.cn";
        // The sitemap names the portal's real page, which is crawled before
        // the slow redirect from "/" to it comes back.
        p.add(
            host,
            "/sitemap.xml",
            Route::new(
                200,
                "application/xml",
                format!("<urlset><url><loc>http://{host}:{port}/index.html</loc></url></urlset>"),
            ),
        );
        p.add(
            host,
            "/",
            Route::redirect(302, "/index.html").delayed(Duration::from_millis(500)),
        );
        p.page(host, "/index.html", dated_home(""));
        for path in ["/a.html", "/b.html"] {
            p.page(host, path, page("页", "<p>正文</p>"));
        }
    })
    .await;
    let out = tempfile::tempdir().unwrap();
    let mut f = flags(&["--rate", "0", "--no-db", "--ignore-robots"]);
    f.extend(fx.resolve(&["www.sm.gov.cn"]));
    let outcome = scan(&[fx.base("www.sm.gov.cn") + "/"], &f, out.path()).await;
    let score = outcome.report.sites[0].score.as_ref().unwrap();
    assert_eq!(
        score.audit.status,
        govscan_checks::audit::AuditStatus::Audited,
        "{:?}",
        score.audit
    );
    assert_ne!(score.verdict, govscan_checks::score::Verdict::NotAudited);
}
