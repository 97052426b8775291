//! The demo's sites besides the county portal: the education bureau and
//! the department sites with their footer flaws, the sites that cannot be
//! audited (down, behind a challenge), the benchmark's extra sites, and the
//! outside hosts the portal links to.

use super::*;

/// The education bureau: a small site whose home page has not been updated
/// for a month, whose footer lacks the 公安 filing number and shows an
/// `_error` conac badge.
pub(super) fn build_edu(g: &mut Gen) {
    let site = SiteInfo {
        host: EDU_HOST.into(),
        name: "示范县教育局".into(),
        site_code: "3399990002".into(),
        icp: "浙ICP备12345678号-2".into(),
        police: None,
        host_org: "示范县教育局".into(),
        nav: vec![
            ("教育动态", "/jydt/"),
            ("通知公告", "/tzgg/"),
            ("招生考试", "/zsks/"),
        ],
    };
    let columns = [
        ("教育动态", "/jydt/", 12, 30, 10),
        ("通知公告", "/tzgg/", 8, 35, 20),
        ("招生考试", "/zsks/", 4, 200, 60),
    ];
    let flaws = FooterFlaws {
        conac_error: true,
        ..FooterFlaws::default()
    };
    // PLANTED `column.missing` (a department without 政策文件) and
    // `report.annual_missing` (no report for last year after 1月31日).
    let main = format!("http://{MAIN_HOST}:{}", g.port);
    build_department(
        g,
        &site,
        &columns,
        flaws,
        &format!(
            r#"<a href="/jydt/2019/t20190901_1.html">开学典礼回顾</a> <a href="/tzgg/hacked-notice.html">秋季开学通知</a> <a href="/jgzn/">机构职能</a> <a href="{main}/zwgk/ndbg/">政府信息公开</a> <a href="{main}/hdjl/xzxx/">局长信箱</a>"#
        ),
    );
    // PLANTED security: the bureau's site was hacked. A notice carries a
    // hidden block of gambling links (`security.hidden_link`) and a script
    // that sends visitors from search engines away
    // (`security.malicious_script`, referrer_hijack); the home page shows
    // spiders a link farm (`security.malicious_script`, cloaking).
    let hacked = g.layout(
        &site,
        "关于做好秋季学期开学工作的通知_示范县教育局",
        r#"<meta name="ColumnName" content="通知公告">"#,
        r#"<h1>关于做好秋季学期开学工作的通知</h1><p>各中小学：请做好开学准备工作。</p>
<div style="display:none"><a href="http://www.example-bocai.com/">澳门娱乐城</a><a href="http://www.example-bocai.com/bjl/">百家乐</a></div>
<script>var r = document.referrer; if (r.indexOf("baidu") > -1 || r.indexOf("sogou") > -1) { window.location.href = "http://www.example-bocai.com/"; }</script>"#,
        flaws,
    );
    g.portal
        .page(&site.host, "/tzgg/hacked-notice.html", hacked);
    let spider_home = g.layout(
        &site,
        &site.name,
        "",
        r#"<a href="/jydt/">教育动态</a> <a href="http://www.example-bocai.com/">澳门娱乐城 真人娱乐</a> <a href="http://www.example-lottery.com/">六合彩开奖</a>"#,
        flaws,
    );
    g.portal.spider_page(&site.host, "/", spider_home);
    let jgzn = g.layout(
        &site,
        "机构职能_示范县教育局",
        r#"<meta name="ColumnName" content="机构职能">"#,
        "<h1>机构职能</h1><p>负责全县教育事业发展规划。</p>",
        flaws,
    );
    g.portal.page(&site.host, "/jgzn/", jgzn);
}

/// A department site: columns of dated articles, a home page listing the
/// newest, a sitemap and the usual service pages. `columns` holds (name,
/// dir, items, age of the newest in days, days between items).
fn build_department(
    g: &mut Gen,
    site: &SiteInfo,
    columns: &[(&str, &str, usize, i64, i64)],
    flaws: FooterFlaws,
    extra_home: &str,
) {
    let mut home = String::new();
    let mut map = String::from("<h1>网站地图</h1>");
    for (name, dir, n, newest, step) in columns {
        let items = g.items(dir, name, *n, *newest, *step);
        for it in &items {
            g.article(site, name, it, "", flaws);
        }
        g.column_lists(site, name, dir, &items, "");
        let _ = write!(
            home,
            "<h3>{name}</h3>{}",
            Gen::list_html(&items[..items.len().min(5)])
        );
        let _ = write!(map, r#"<a href="{dir}">{name}</a>"#);
    }
    let _ = write!(home, r#"{extra_home} <a href="/wzdt/">网站地图</a>"#);
    let page = g.layout(site, &site.name, "", &home, flaws);
    g.portal.page(&site.host, "/", page);
    let sitemap = g.layout(site, "网站地图", "", &map, flaws);
    g.portal.page(&site.host, "/wzdt/", sitemap);
    service_pages_and_assets(g, site, flaws);
}

/// The service pages (联系我们, 使用帮助, 无障碍, 站内搜索) and the assets
/// every department site's template loads.
pub(super) fn service_pages_and_assets(g: &mut Gen, site: &SiteInfo, flaws: FooterFlaws) {
    for (path, title) in [
        ("/lxwm/", "联系我们"),
        ("/sybz/", "使用帮助"),
        ("/wza/", "无障碍服务"),
        ("/sousuo/", "站内搜索"),
    ] {
        let html = g.layout(
            site,
            title,
            "",
            &format!("<h1>{title}</h1><p>页面内容</p>"),
            flaws,
        );
        g.portal.page(&site.host, path, html);
    }
    g.portal.add(
        &site.host,
        "/css/main.css",
        Route::new(200, "text/css", "body{}"),
    );
    g.portal.add(
        &site.host,
        "/js/common.js",
        Route::new(200, "application/javascript", "var x=1;"),
    );
    for img in ["/images/logo.png", "/images/gongan.png"] {
        g.portal
            .add(&site.host, img, Route::new(200, "image/png", vec![0u8; 64]));
    }
}

/// A township site that is down (its port refuses connections) and a
/// department site whose firewall answers every visitor with a JavaScript
/// challenge that even a browser does not pass (the clearance cookie it
/// sets is refused; the script reloads once, then gives up): both are
/// 未能检查, never 合格.
pub(super) fn build_unauditable(g: &mut Gen) -> Vec<(String, String)> {
    let challenge = r#"<!DOCTYPE html><html><head><meta charset="utf-8"></head><body><script>if(document.cookie.indexOf("__jsl_clearance_s=")<0){document.cookie="__jsl_clearance_s="+(new Date().getTime())+";max-age=3600;path=/";location.href=location.pathname+location.search;}</script></body></html>"#;
    for path in ["/", "/robots.txt", "/sitemap.xml"] {
        g.portal.add(
            CHALLENGE_HOST,
            path,
            Route::new(521, "text/html; charset=utf-8", challenge)
                .header("set-cookie", "__jsluid_s=demo; path=/"),
        );
    }
    vec![
        (
            "示范县某某镇人民政府".to_string(),
            format!("http://{DOWN_HOST}:{}/", g.closed_port),
        ),
        (
            "示范县文化和旅游局".to_string(),
            format!("http://{CHALLENGE_HOST}:{}/", g.port),
        ),
    ]
}

/// `--extra-sites`: more department sites of about `pages` pages each, all
/// well kept (for the many-sites benchmark).
pub(super) fn build_extra_sites(g: &mut Gen, count: usize, pages: usize) -> Vec<(String, String)> {
    let per_column = (pages.saturating_sub(12) / 3).max(3);
    (0..count)
        .map(|i| {
            let host = format!("bm{i:03}.sfx-demo.gov.cn");
            let name = format!("示范县第{}部门", i + 1);
            let site = SiteInfo {
                host: host.clone(),
                name: name.clone(),
                site_code: format!("33999910{:02}", i % 100),
                icp: format!("浙ICP备12345678号-{}", i + 3),
                police: Some("33999902000123"),
                host_org: name.clone(),
                nav: vec![
                    ("工作动态", "/gzdt/"),
                    ("通知公告", "/tzgg/"),
                    ("政策文件", "/zcwj/"),
                ],
            };
            let columns = [
                ("工作动态", "/gzdt/", per_column, 2, 2),
                ("通知公告", "/tzgg/", per_column, 5, 7),
                ("政策文件", "/zcwj/", per_column, 10, 9),
            ];
            build_department(g, &site, &columns, FooterFlaws::default(), "");
            (name, format!("http://{host}:{}/", g.port))
        })
        .collect()
}

/// Pages of outside hosts: the city portal and the badge/widget stubs.
pub(super) fn build_outside(g: &mut Gen) {
    g.portal.page(CITY_HOST, "/", "<html><head><title>示范市人民政府</title></head><body><h1>示范市人民政府门户网站</h1></body></html>");
    for host in WIDGET_HOSTS {
        g.portal.page(host, "/", "<title>stub</title>");
    }
    g.portal.add(
        "zfwzgl.www.gov.cn",
        "/exposure/jiucuo.js",
        Route::new(200, "application/javascript", "/* jiucuo */"),
    );
    for badge in ["/image/red.png", "/image/red_error.png"] {
        g.portal.add(
            "dcs.conac.cn",
            badge,
            Route::new(200, "image/png", vec![0u8; 64]),
        );
    }
    g.portal.page(
        "bszs.conac.cn",
        "/sitename?method=show&id=0A1B2C3D4E5F60718293A4B5C6D7E8F9",
        "<title>党政机关网站标识</title>",
    );
    g.portal.page(
        "beian.mps.gov.cn",
        "/",
        "<title>全国互联网安全管理服务平台</title>",
    );
}
