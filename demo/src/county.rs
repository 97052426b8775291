//! A benchmark county portal with realistic pages (`govscan demo --bench
//! --realistic N`): about N pages of 5–10 KB, each with 80–150 links (about
//! 70% in-site pages, 10% attachments, 20% outside hosts), 10% of them in
//! GBK, ~125 columns paginated TRS-style (`index.html`, `index_1.html` …),
//! and the national footer on every page, as county portals have.

use crate::portal::WIDGET_HOSTS;
use crate::server::{Portal, Route};
use chrono::{Duration, NaiveDate};
use std::fmt::Write as _;

/// The realistic portal's host.
pub const COUNTY_HOST: &str = "www.bench-county.gov.cn";
/// The outside site the dead template links point at: mapped to the demo
/// server like every other host, which answers 404 for a host it does not
/// serve.
const GONE_HOST: &str = "www.bench-gone.gov.cn";
/// Outside hosts the pages link to (sister sites, the city, ministries).
const OUTSIDE_HOSTS: usize = 40;
const OUTSIDE_PAGES: usize = 25;
const COLUMNS: usize = 125;
const PER_LIST_PAGE: usize = 20;
const ATTACHMENTS_PER_COLUMN: usize = 8;

const COLUMN_NAMES: &[&str] = &[
    "要闻动态",
    "部门动态",
    "乡镇动态",
    "通知公告",
    "政策文件",
    "政策解读",
    "人事信息",
    "规划计划",
    "统计信息",
    "财政预决算",
    "重大项目",
    "政府采购",
    "招标投标",
    "公示公告",
    "建议提案",
    "应急管理",
];

const SENTENCES: &[&str] = &[
    "会议强调，要坚持以人民为中心的发展思想，扎实推进各项重点工作落地见效。",
    "各乡镇、各部门要进一步提高思想认识，压实工作责任，确保各项任务按期完成。",
    "要加强统筹协调，形成工作合力，及时研究解决工作推进中遇到的困难和问题。",
    "会上，相关单位负责人汇报了近期工作进展情况，并就下一步工作作了表态发言。",
    "下一步，我县将持续优化营商环境，提升政务服务水平，推动经济社会高质量发展。",
    "据统计，今年以来全县累计完成固定资产投资同比增长百分之八点六，增幅居全市前列。",
];

fn column_name(c: usize) -> String {
    let base = COLUMN_NAMES[c % COLUMN_NAMES.len()];
    if c < COLUMN_NAMES.len() {
        base.to_string()
    } else {
        format!("{base}{}", c / COLUMN_NAMES.len() + 1)
    }
}

fn column_dir(c: usize) -> String {
    format!("/col{c:03}/")
}

/// Adds the realistic county portal of about `pages` pages to `portal`;
/// returns its home URL. With `dead_template_links`, the footer template
/// carries two dead links (an in-site page and an outside site, both gone),
/// as real portals often do after a redesign: two findings on every page,
/// the worst case for the memory that findings take.
pub fn build(
    portal: &mut Portal,
    port: u16,
    now: NaiveDate,
    pages: usize,
    dead_template_links: bool,
) -> String {
    let articles_per_column = (pages.saturating_sub(1) / COLUMNS).max(PER_LIST_PAGE + 1)
        * PER_LIST_PAGE
        / (PER_LIST_PAGE + 1);
    let nav: String = (0..60)
        .map(|c| {
            format!(
                r#"<li><a href="{}index.html">{}</a></li>"#,
                column_dir(c),
                column_name(c)
            )
        })
        .collect();
    let footer = footer(port, dead_template_links);
    for host in 0..OUTSIDE_HOSTS {
        for p in 0..OUTSIDE_PAGES {
            portal.page(
                &outside_host(host),
                &format!("/p{p}.html"),
                format!("<html><head><meta charset=\"utf-8\"><title>兄弟单位{host}</title></head><body><p>页面{p}</p><div id=\"main\"></div></body></html>"),
            );
        }
    }
    let mut home_items = String::new();
    for c in 0..COLUMNS {
        let gbk = c % 10 == 0;
        let dir = column_dir(c);
        let name = column_name(c);
        for a in 0..ATTACHMENTS_PER_COLUMN {
            portal.add(
                COUNTY_HOST,
                &format!("{dir}files/{a}.pdf"),
                Route::new(200, "application/pdf", vec![b'%'; 2048]),
            );
        }
        let mut items: Vec<(String, String, NaiveDate)> = Vec::new();
        for a in 0..articles_per_column {
            let date = now - Duration::days((a * 3 + c % 7) as i64);
            let path = format!(
                "{dir}{}/t{}_{a}.html",
                date.format("%Y%m"),
                date.format("%Y%m%d")
            );
            let title = format!(
                "{}关于{}的第{}期工作情况通报",
                name,
                SENTENCES[a % SENTENCES.len()]
                    .chars()
                    .take(6)
                    .collect::<String>(),
                a + 1
            );
            items.push((path, title, date));
        }
        if c < 8 {
            for (path, title, date) in items.iter().take(2) {
                let _ = write!(
                    home_items,
                    r#"<li><a href="{path}">{title}</a><span>{date}</span></li>"#
                );
            }
        }
        let list_pages = items.len().div_ceil(PER_LIST_PAGE).max(1);
        for lp in 0..list_pages {
            let chunk = &items[lp * PER_LIST_PAGE..((lp + 1) * PER_LIST_PAGE).min(items.len())];
            let mut body = format!(
                r#"<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="{dir}index.html">{name}</a></div><ul class="list">"#
            );
            for (path, title, date) in chunk {
                let _ = write!(
                    body,
                    r#"<li><a href="{path}" title="{title}">{title}</a><span>{date}</span></li>"#
                );
            }
            body.push_str("</ul><div class=\"page\">");
            let _ = write!(body, "共{}条 {}/{}页 ", items.len(), lp + 1, list_pages);
            if lp + 1 < list_pages {
                let _ = write!(body, r#"<a href="index_{}.html">下一页</a> "#, lp + 1);
            }
            if lp > 0 {
                let prev = if lp == 1 {
                    "index.html".to_string()
                } else {
                    format!("index_{}.html", lp - 1)
                };
                let _ = write!(body, r#"<a href="{prev}">上一页</a>"#);
            }
            body.push_str("</div>");
            let file = if lp == 0 {
                "index.html".to_string()
            } else {
                format!("index_{lp}.html")
            };
            let meta = format!(r#"<meta name="ColumnName" content="{name}">"#);
            let html = layout(
                &format!("{name}_示范县人民政府"),
                &meta,
                &nav,
                &body,
                &related(port, c, lp),
                &footer,
            );
            add_page(portal, &format!("{dir}{file}"), html, gbk);
        }
        for (i, (path, title, date)) in items.iter().enumerate() {
            let mut body = format!(
                r#"<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="{dir}index.html">{name}</a></div><h1>{title}</h1><div class="info">发布日期：{date} 来源：示范县人民政府办公室</div><div class="content">"#
            );
            for s in 0..8 {
                let _ = write!(
                    body,
                    "<p>{}{}</p>",
                    SENTENCES[(i + s) % SENTENCES.len()],
                    SENTENCES[(i + s + 3) % SENTENCES.len()]
                );
            }
            body.push_str("</div><div class=\"attachments\">附件：");
            for a in 0..ATTACHMENTS_PER_COLUMN {
                let _ = write!(
                    body,
                    r#"<a href="{dir}files/{a}.pdf">附件{}.pdf</a> "#,
                    a + 1
                );
            }
            body.push_str("</div><div class=\"near\">");
            for (p2, t2, _) in items.iter().skip(i + 1).take(6) {
                let _ = write!(body, r#"<a href="{p2}">{t2}</a>"#);
            }
            body.push_str("</div>");
            let meta = format!(
                r#"<meta name="ColumnName" content="{name}"><meta name="ArticleTitle" content="{title}"><meta name="PubDate" content="{date} 09:00">"#
            );
            let html = layout(
                &format!("{title}_示范县人民政府"),
                &meta,
                &nav,
                &body,
                &related(port, c, i),
                &footer,
            );
            add_page(portal, path, html, gbk);
        }
    }
    // The home page's column directory reaches every column.
    let directory: String = (0..COLUMNS)
        .map(|c| {
            format!(
                r#"<a href="{}index.html">{}</a> "#,
                column_dir(c),
                column_name(c)
            )
        })
        .collect();
    let body = format!(
        r#"<h2>要闻动态</h2><ul class="list">{home_items}</ul><div class="columns">{directory}</div>"#
    );
    let html = layout(
        "示范县人民政府门户网站",
        "",
        &nav,
        &body,
        &related(port, 0, 0),
        &footer,
    );
    add_page(portal, "/", html, false);
    portal.page(
        COUNTY_HOST,
        "/sitemap/index.html",
        layout(
            "网站地图_示范县人民政府",
            "",
            &nav,
            "<h1>网站地图</h1>",
            "",
            &footer,
        ),
    );
    portal.page(
        COUNTY_HOST,
        "/lxwm/",
        layout(
            "联系我们_示范县人民政府",
            "",
            &nav,
            "<h1>联系我们</h1>",
            "",
            &footer,
        ),
    );
    portal.add(
        COUNTY_HOST,
        "/css/main.css",
        Route::new(200, "text/css", "body{}"),
    );
    portal.add(
        COUNTY_HOST,
        "/images/logo.png",
        Route::new(200, "image/png", vec![0u8; 64]),
    );
    for (host, path, ct) in [
        ("beian.miit.gov.cn", "/", "text/html"),
        ("beian.mps.gov.cn", "/", "text/html"),
        (
            "bszs.conac.cn",
            "/sitename?method=show&id=0A1B2C3D4E5F60718293A4B5C6D7E8F9",
            "text/html",
        ),
        ("dcs.conac.cn", "/image/red.png", "image/png"),
        (
            "zfwzgl.www.gov.cn",
            "/exposure/jiucuo.js",
            "application/javascript",
        ),
    ] {
        portal.add(
            host,
            path,
            Route::new(200, ct, "<html><body>ok</body></html>"),
        );
    }
    portal.add(
        COUNTY_HOST,
        "/robots.txt",
        Route::new(404, "text/plain", ""),
    );
    portal.add(
        COUNTY_HOST,
        "/sitemap.xml",
        Route::new(404, "text/plain", ""),
    );
    format!("http://{COUNTY_HOST}:{port}/")
}

/// The hosts the realistic portal links to, for `--resolve`.
pub fn hosts() -> Vec<String> {
    [COUNTY_HOST, GONE_HOST]
        .into_iter()
        .map(str::to_string)
        .chain((0..OUTSIDE_HOSTS).map(outside_host))
        .chain(WIDGET_HOSTS.iter().map(|h| h.to_string()))
        .collect()
}

fn outside_host(i: usize) -> String {
    format!("www.bench-link{i:02}.gov.cn")
}

/// About 20 outside links per page, spread over the outside hosts' pages.
fn related(port: u16, c: usize, i: usize) -> String {
    let mut s = String::from(r#"<div class="links"><h3>相关链接</h3>"#);
    for k in 0..20 {
        let host = outside_host((c * 7 + i + k) % OUTSIDE_HOSTS);
        let page = (c + i * 3 + k) % OUTSIDE_PAGES;
        let _ = write!(
            s,
            r#"<a href="http://{host}:{port}/p{page}.html">兄弟单位网站{k}</a>"#
        );
    }
    s.push_str("</div>");
    s
}

/// The national footer; the badge and widget hosts are the demo's stubs.
fn footer(port: u16, dead_template_links: bool) -> String {
    let gone = if dead_template_links {
        format!(
            r#" | <a href="/old-entry.html">旧版入口</a> | <a href="http://{GONE_HOST}:{port}/">原网站</a>"#
        )
    } else {
        String::new()
    };
    format!(
        r#"<div class="footer"><p><a href="/sitemap/index.html">网站地图</a> | <a href="/lxwm/">联系我们</a>{gone}</p>
<p>主办单位：示范县人民政府办公室 地址：示范县人民路1号 联系电话：0571-12345678</p>
<p><a href="http://beian.miit.gov.cn:{port}/" target="_blank">浙ICP备12345678号-1</a> <a href="http://beian.mps.gov.cn:{port}/#/query/webSearch?code=33999902000123" target="_blank">浙公网安备 33999902000123号</a> 网站标识码：3399990001</p>
<div class="footer-badges"><a href="http://bszs.conac.cn:{port}/sitename?method=show&amp;id=0A1B2C3D4E5F60718293A4B5C6D7E8F9" target="_blank"><img id="imgConac" src="http://dcs.conac.cn:{port}/image/red.png" alt="党政机关"></a><script id="_jiucuo_" sitecode='3399990001' src='http://zfwzgl.www.gov.cn:{port}/exposure/jiucuo.js'></script></div></div>"#
    )
}

fn layout(title: &str, meta: &str, nav: &str, body: &str, related: &str, footer: &str) -> String {
    format!(
        r#"<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{title}</title>
<meta name="SiteName" content="示范县人民政府"><meta name="SiteDomain" content="{COUNTY_HOST}"><meta name="SiteIDCode" content="3399990001">{meta}
<link rel="stylesheet" href="/css/main.css"></head><body>
<div class="header"><a href="/"><img src="/images/logo.png" alt="示范县人民政府"></a></div>
<ul class="nav"><li><a href="/">首页</a></li>{nav}</ul>
<div class="main">{body}</div>{related}
{footer}
</body></html>"#
    )
}

/// Adds a page, GBK-encoded (declared in its meta) when `gbk` is set.
fn add_page(portal: &mut Portal, path: &str, html: String, gbk: bool) {
    if gbk {
        let html = html.replacen(
            "<meta charset=\"utf-8\">",
            "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=gbk\">",
            1,
        );
        let bytes = encoding_rs::GBK.encode(&html).0.into_owned();
        portal.add(COUNTY_HOST, path, Route::new(200, "text/html", bytes));
    } else {
        portal.add(COUNTY_HOST, path, Route::html(html));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dead_template_links_are_on_every_page_and_lead_nowhere() {
        let now = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap_or_default();
        for dead in [false, true] {
            let mut portal = Portal::new();
            build(&mut portal, 8080, now, 400, dead);
            let pages = portal.html_routes(COUNTY_HOST);
            assert!(pages.len() > 300, "{}", pages.len());
            let with_both = pages
                .iter()
                .filter(|(_, _, body)| {
                    let body = String::from_utf8_lossy(body);
                    body.contains("href=\"/old-entry.html\"")
                        && body.contains(&format!("http://{GONE_HOST}:8080/"))
                })
                .count();
            // GBK pages carry the links too (their markup is ASCII).
            assert_eq!(with_both, if dead { pages.len() } else { 0 });
            assert!(!portal.has(COUNTY_HOST, "/old-entry.html"));
            assert!(portal.html_routes(GONE_HOST).is_empty());
        }
        // The demo maps the gone host to its server (which answers 404),
        // so a scan of it never looks the name up.
        assert!(hosts().iter().any(|h| h == GONE_HOST));
    }
}
