//! Two department sites on the platforms county sites run, read natively:
//!
//! - 示范县人力资源和社会保障局, Hanweb/jpaas style: each column's first
//!   records are inline in a `<script type="text/xml"><datastore>` block
//!   (with `totalrecord` and a `dataproxy.jsp` next group) beside a hidden
//!   暂无数据 template; the later records come from `dataproxy.jsp` by POST,
//!   and two documents are linked only from there. A reader of the static HTML alone would call these
//!   columns empty (空白栏目, a veto); govscan reads them as the lists they are.
//! - 示范县住房和城乡建设局, TRS WCM style: a script writes the pager
//!   (`createPageHTML(3, 0, "index", "html")`); the oldest documents are
//!   linked only from `index_2.html`, which no `<a href>` names.
//! - 示范县卫生健康局, with a 广东 gkmlpt-style 政府信息公开目录: the page
//!   `/gkmlpt/index` is a script shell whose `window._CONFIG` holds the
//!   site id and the catalogue tree; each column's documents come from
//!   `/gkmlpt/api/all/{id}?page=N&sid=…` as JSON, ten a page. 通知公告 has
//!   25 documents over three API pages, 工作动态 six, 人事信息 none (a
//!   truly blank column), and 规划计划's API answers with a firewall page
//!   (未能核实, never blank).

use super::{esc, ymd, FooterFlaws, Gen, SiteInfo};
use chrono::Duration;
use std::fmt::Write;

/// The Hanweb-style site's host.
pub const HANWEB_HOST: &str = "rsj.sfx-demo.gov.cn";
/// The TRS-style site's host.
pub const TRS_HOST: &str = "zjj.sfx-demo.gov.cn";
/// The host of the site with a gkmlpt-style catalogue.
pub const GKMLPT_HOST: &str = "wjj.sfx-demo.gov.cn";

fn site(host: &str, name: &str, code: &str, nav: Vec<(&'static str, &'static str)>) -> SiteInfo {
    SiteInfo {
        host: host.into(),
        name: name.into(),
        site_code: code.into(),
        icp: "浙ICP备12345678号-5".into(),
        police: Some("33999902000123"),
        host_org: name.into(),
        nav,
    }
}

/// Builds both sites; their (name, home URL).
pub(super) fn build(g: &mut Gen) -> Vec<(String, String)> {
    vec![build_hanweb(g), build_trs(g), build_gkmlpt(g)]
}

fn article(
    g: &mut Gen,
    site: &SiteInfo,
    column: &str,
    path: &str,
    title: &str,
    date: chrono::NaiveDate,
) {
    let html = g.layout(
        site,
        &format!("{title}_{}", site.name),
        &format!(
            r#"<meta name="ColumnName" content="{column}"><meta name="ArticleTitle" content="{}"><meta name="PubDate" content="{}">"#,
            esc(title),
            ymd(date)
        ),
        &format!(
            r#"<div class="position">当前位置：<a href="/">首页</a> &gt; {column}</div><h1>{}</h1><div class="info">发布时间：{}</div><div class="content"><p>{}。</p></div>"#,
            esc(title),
            ymd(date),
            esc(title)
        ),
        FooterFlaws::default(),
    );
    g.portal.page(&site.host, path, html);
}

fn build_hanweb(g: &mut Gen) -> (String, String) {
    let site = site(
        HANWEB_HOST,
        "示范县人力资源和社会保障局",
        "3399990005",
        vec![
            ("工作动态", "/col/col4041779/index.html"),
            ("通知公告", "/col/col4041780/index.html"),
        ],
    );
    let mut home = String::new();
    for (name, col, count, newest, step) in [
        ("工作动态", 4041779u32, 12usize, 2i64, 3i64),
        ("通知公告", 4041780, 8, 10, 15),
    ] {
        let mut records = String::new();
        // Records past the inline first ten come from dataproxy.jsp (POST).
        let mut later = String::new();
        for i in 0..count {
            let date = g.now - Duration::days(newest + i as i64 * step);
            let id = g.next();
            let path = format!("/art/{}/art_{col}_{id}.html", date.format("%Y/%-m/%-d"));
            let title = g.title_for(name, i + id as usize);
            article(g, &site, name, &path, &title, date);
            let record = format!(
                r#"<record><![CDATA[<li><a href="{path}" title="{t}" target="_blank">{t}</a><span>{}</span></li>]]></record>"#,
                ymd(date),
                t = esc(&title)
            );
            if i < 10 {
                records.push_str(&record);
            } else {
                later.push_str(&record);
            }
        }
        if !later.is_empty() {
            g.portal.add(
                &site.host,
                &format!(
                    "/module/web/jpage/dataproxy.jsp?startrecord=11&endrecord={count}&perpage=10"
                ),
                crate::server::Route::new(
                    200,
                    "text/xml; charset=utf-8",
                    format!("<datastore><recordset>{later}</recordset></datastore>"),
                ),
            );
        }
        let body = format!(
            r#"<div class="position">当前位置：<a href="/">首页</a> &gt; {name}</div>
<div class="list" id="{col}"><script type="text/xml"><datastore><column><![CDATA[{col}]]></column><totalrecord>{count}</totalrecord><totalpage>{pages}</totalpage><nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=1&webid=5&path=/&columnid={col}&unitid=6823589&webname=%E7%A4%BA%E8%8C%83&permissiontype=0"></a>]]></nextgroup><recordset>{records}</recordset></datastore></script></div>
<div style="display:none" class="tpl">暂无数据</div>
<script src="/module/web/jpage/jpage.js"></script>"#,
            pages = count.div_ceil(10)
        );
        let list = g.layout(
            &site,
            &format!("{name}_{}", site.name),
            &format!(r#"<meta name="ColumnName" content="{name}"><meta name="ColumnType" content="{name}">"#),
            &body,
            FooterFlaws::default(),
        );
        g.portal
            .page(&site.host, &format!("/col/col{col}/index.html"), list);
        let _ = write!(
            home,
            r#"<h3><a href="/col/col{col}/index.html">{name}</a></h3>"#
        );
    }
    g.portal.add(
        &site.host,
        "/module/web/jpage/jpage.js",
        crate::server::Route::new(200, "application/javascript", "var jpage=1;"),
    );
    finish(g, &site, &home)
}

fn build_trs(g: &mut Gen) -> (String, String) {
    let site = site(
        TRS_HOST,
        "示范县住房和城乡建设局",
        "3399990006",
        vec![("规划计划", "/zwgk/ghjh/index.html")],
    );
    let name = "规划计划";
    let per = 5;
    let pages = 3;
    for p in 0..pages {
        let mut items = String::new();
        for i in 0..per {
            let n = p * per + i;
            let date = g.now - Duration::days(3 + n as i64 * 40);
            let id = g.next();
            let file = format!(
                "{}/t{}_{id}.html",
                date.format("%Y%m"),
                date.format("%Y%m%d")
            );
            let title = g.title_for(name, n + id as usize);
            article(g, &site, name, &format!("/zwgk/ghjh/{file}"), &title, date);
            let _ = write!(
                items,
                r#"<li><a href="./{file}" title="{t}">{t}</a><span>{}</span></li>"#,
                ymd(date),
                t = esc(&title)
            );
        }
        let body = format!(
            r#"<div class="position">当前位置：<a href="/">首页</a> &gt; {name}</div><ul class="list">{items}</ul>
<div class="page"><script>var countPage = {pages}; var currentPage = {p}; createPageHTML(countPage, currentPage, "index", "html");</script></div>"#
        );
        let list = g.layout(
            &site,
            &format!("{name}_{}", site.name),
            &format!(r#"<meta name="ColumnName" content="{name}">"#),
            &body,
            FooterFlaws::default(),
        );
        let path = if p == 0 {
            "/zwgk/ghjh/index.html".to_string()
        } else {
            format!("/zwgk/ghjh/index_{p}.html")
        };
        g.portal.page(&site.host, &path, list);
    }
    finish(
        g,
        &site,
        r#"<h3><a href="/zwgk/ghjh/index.html">规划计划</a></h3>"#,
    )
}

fn build_gkmlpt(g: &mut Gen) -> (String, String) {
    let site = site(
        GKMLPT_HOST,
        "示范县卫生健康局",
        "3399990007",
        vec![("政府信息公开", "/gkmlpt/index")],
    );
    const SID: &str = "755099";
    let base = format!("http://{}:{}", site.host, g.port);
    // (id, name, documents, days since the newest, days between them)
    let columns: [(u32, &str, usize, i64, i64); 3] = [
        (101, "通知公告", 25, 3, 9),
        (102, "工作动态", 6, 1, 2),
        (104, "人事信息", 0, 0, 0),
    ];
    for (id, name, count, newest, step) in columns {
        let mut articles = Vec::new();
        for i in 0..count {
            let date = g.now - Duration::days(newest + i as i64 * step);
            let post = g.next();
            let path = format!("/gkmlpt/content/0/{id}/post_{post}.html");
            let title = g.title_for(name, i + post as usize);
            article(g, &site, name, &path, &title, date);
            // Published at 10:00 in China (02:00 UTC).
            let stamp = date
                .and_hms_opt(2, 0, 0)
                .map_or(0, |t| t.and_utc().timestamp());
            articles.push(format!(
                r#"{{"id":{post},"title":"{}","url":"{base}{path}","display_publish_time":{stamp},"created_at":"{} 10:00:00","attachment":[]}}"#,
                title.replace('"', "'"),
                ymd(date)
            ));
        }
        let pages = count.div_ceil(10).max(1);
        for page in 1..=pages {
            let slice: Vec<&str> = articles
                .iter()
                .skip((page - 1) * 10)
                .take(10)
                .map(String::as_str)
                .collect();
            g.portal.add(
                &site.host,
                &format!("/gkmlpt/api/all/{id}?page={page}&sid={SID}"),
                crate::server::Route::new(
                    200,
                    "application/json;charset=UTF-8",
                    format!(
                        r#"{{"classify":{{"id":{id},"name":"{name}","post_count":{count}}},"articles":[{}],"total":{count}}}"#,
                        slice.join(",")
                    ),
                ),
            );
        }
    }
    // A web application firewall stands in front of one column's API.
    g.portal.add(
        &site.host,
        &format!("/gkmlpt/api/all/103?page=1&sid={SID}"),
        crate::server::Route::html(
            "<html><head><title>访问被拦截</title></head><body>您的访问被网站防火墙拦截</body></html>",
        ),
    );
    let tree = r#"[{"id":100,"name":"政策文件","parent":0,"children":[{"id":101,"name":"通知公告","parent":100,"children":[]},{"id":103,"name":"规划计划","parent":100,"children":[]}]},{"id":102,"name":"工作动态","parent":0,"children":[]},{"id":104,"name":"人事信息","parent":0,"children":[]},{"id":105,"name":"网站地图","parent":0,"jump_url":"/wzdt/","children":[]}]"#;
    let shell = g.layout(
        &site,
        &format!("政府信息公开目录_{}", site.name),
        "",
        &format!(
            r#"<div id="app"></div><script>window._CONFIG = {{ SID: '{SID}', TREE: {tree}, SERVICE_AREA_ID: 0 }};</script>
<script src="/gkmlpt/gkml/pc/js/app.js"></script>"#
        ),
        FooterFlaws::default(),
    );
    g.portal.page(&site.host, "/gkmlpt/index", shell);
    g.portal.add(
        &site.host,
        "/gkmlpt/gkml/pc/js/app.js",
        crate::server::Route::new(200, "application/javascript", "var gkml=1;"),
    );
    finish(
        g,
        &site,
        r#"<h3><a href="/gkmlpt/index">政府信息公开</a></h3>"#,
    )
}

/// The home page, the service pages and the assets every site has.
fn finish(g: &mut Gen, site: &SiteInfo, home: &str) -> (String, String) {
    let page = g.layout(
        site,
        &site.name,
        "",
        &format!(r#"{home}<a href="/wzdt/">网站地图</a>"#),
        FooterFlaws::default(),
    );
    g.portal.page(&site.host, "/", page);
    let sitemap = g.layout(
        site,
        "网站地图",
        "",
        "<h1>网站地图</h1>",
        FooterFlaws::default(),
    );
    g.portal.page(&site.host, "/wzdt/", sitemap);
    super::service_pages_and_assets(g, site, FooterFlaws::default());
    (
        site.name.clone(),
        format!("http://{}:{}/", site.host, g.port),
    )
}
