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

use super::{esc, ymd, FooterFlaws, Gen, SiteInfo};
use chrono::Duration;
use std::fmt::Write;

/// The Hanweb-style site's host.
pub const HANWEB_HOST: &str = "rsj.sfx-demo.gov.cn";
/// The TRS-style site's host.
pub const TRS_HOST: &str = "zjj.sfx-demo.gov.cn";

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
    vec![build_hanweb(g), build_trs(g)]
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
