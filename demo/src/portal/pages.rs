//! How a demo page is made: URLs and sequence numbers, the page template
//! with its national footer (and the flaws a site plants in it), column
//! lists and article pages.

use super::*;

impl Gen {
    pub(super) fn base(&self, host: &str) -> String {
        format!("http://{host}:{}", self.port)
    }

    pub(super) fn next(&mut self) -> u32 {
        self.seq += 1;
        self.seq
    }

    pub(super) fn title_for(&self, column: &str, i: usize) -> String {
        let topic = TOPICS[(i * 7 + column.len()) % TOPICS.len()];
        let action = ACTIONS[(i * 5 + column.len() * 3) % ACTIONS.len()];
        format!("示范县{}", action.replace("{}", topic))
    }

    pub(super) fn footer(&self, site: &SiteInfo, flaws: FooterFlaws) -> String {
        let miit = self.base("beian.miit.gov.cn");
        let mps = self.base("beian.mps.gov.cn");
        let conac = self.base("bszs.conac.cn");
        let conac_img = self.base("dcs.conac.cn");
        let jiucuo = if flaws.legacy_jiucuo {
            "http://121.43.68.40".to_string()
        } else {
            self.base("zfwzgl.www.gov.cn")
        };
        let code = if flaws.wrong_code {
            "3399990009"
        } else if flaws.bad_code {
            "339999001"
        } else {
            site.site_code.as_str()
        };
        let mut f =
            String::from("<div class=\"footer\" id=\"footer\">\n<div class=\"footer-nav\">");
        if !flaws.no_sitemap {
            f.push_str(r#"<a href="/wzdt/">网站地图</a> | "#);
        }
        if !flaws.no_host {
            f.push_str(r#"<a href="/lxwm/">联系我们</a> | "#);
        }
        f.push_str("<a href=\"/sybz/\">使用帮助</a></div>\n<div class=\"footer-info\">");
        if !flaws.no_host {
            let _ = write!(
                f,
                "<p>主办单位：{}　承办单位：示范县大数据发展中心</p>\n<p>地址：示范县人民路1号　联系电话：0571-87654321　邮编：311999　电子邮箱：bgs@sfx-demo.gov.cn</p>\n",
                site.host_org.as_str()
            );
        }
        f.push_str("<p>");
        if !flaws.no_icp {
            let _ = write!(
                f,
                r#"<a href="{miit}/" target="_blank">{}</a>"#,
                site.icp.as_str()
            );
        }
        if let Some(police) = site.police {
            let link_code = if flaws.police_mismatch {
                "33999902000124"
            } else {
                police
            };
            let _ = write!(
                f,
                r#"　<a href="{mps}/#/query/webSearch?code={link_code}" target="_blank"><img src="/images/gongan.png" alt="">浙公网安备 {police}号</a>"#
            );
        }
        let _ = writeln!(f, "　政府网站标识码：{code}</p></div>");
        let badge = if flaws.conac_error {
            "red_error.png"
        } else {
            "red.png"
        };
        let _ = write!(
            f,
            r#"<div class="footer-badges"><a href="{conac}/sitename?method=show&amp;id=0A1B2C3D4E5F60718293A4B5C6D7E8F9" target="_blank"><img id="imgConac" src="{conac_img}/image/{badge}" alt="党政机关"></a>"#
        );
        if !flaws.no_jiucuo {
            let _ = write!(
                f,
                r#"<script id="_jiucuo_" sitecode='{code}' src='{jiucuo}/exposure/jiucuo.js'></script>"#,
                code = site.site_code.as_str()
            );
        }
        f.push_str("</div></div>");
        f
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn layout(
        &self,
        site: &SiteInfo,
        title: &str,
        meta: &str,
        body: &str,
        flaws: FooterFlaws,
    ) -> String {
        let mut nav = String::new();
        for (label, path) in &site.nav {
            let _ = write!(nav, r#"<li><a href="{path}">{label}</a></li>"#);
        }
        format!(
            r#"<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8">
<title>{title}</title>
<meta name="SiteName" content="{name}"><meta name="SiteDomain" content="{host}"><meta name="SiteIDCode" content="{code}">
{meta}
<link rel="stylesheet" href="/css/main.css"><script src="/js/common.js"></script>
</head><body>
<div class="header"><a href="/"><img src="/images/logo.png" alt="{name}"></a>
<div class="tools"><a href="/wza/">无障碍</a> <a href="/sousuo/">搜索</a></div></div>
<ul class="nav"><li><a href="/">首页</a></li>{nav}</ul>
<div class="main">{body}</div>
{footer}
</body></html>"#,
            title = esc(title),
            name = site.name.as_str(),
            host = site.host.as_str(),
            code = site.site_code.as_str(),
            footer = self.footer(site, flaws)
        )
    }

    pub(super) fn list_html(items: &[Item]) -> String {
        let mut s = String::from("<ul class=\"list\">");
        for it in items {
            let _ = write!(
                s,
                r#"<li><a href="{}" title="{t}">{t}</a><span class="date">{}</span></li>"#,
                it.path,
                ymd(it.date),
                t = esc(&it.title)
            );
        }
        s.push_str("</ul>");
        s
    }

    /// A column's list pages (15 items each, TRS-style `index_1.html` pagination).
    pub(super) fn column_lists(
        &mut self,
        site: &SiteInfo,
        name: &str,
        dir: &str,
        items: &[Item],
        empty_text: &str,
    ) {
        let per = 15;
        let pages = items.len().div_ceil(per).max(1);
        for p in 0..pages {
            let chunk = if items.is_empty() {
                &[][..]
            } else {
                &items[p * per..((p + 1) * per).min(items.len())]
            };
            let mut body = format!(
                r#"<div class="position">当前位置：<a href="/">首页</a> &gt; {name}</div><h2>{name}</h2>"#
            );
            if chunk.is_empty() {
                let _ = write!(body, r#"<div class="empty">{empty_text}</div>"#);
            } else {
                body.push_str(&Self::list_html(chunk));
            }
            let _ = write!(body, r#"<div class="page">共{pages}页 "#);
            if p + 1 < pages {
                let _ = write!(body, r#"<a href="index_{}.html">下一页</a> "#, p + 1);
            }
            if p > 0 {
                let prev = if p == 1 {
                    "index.html".to_string()
                } else {
                    format!("index_{}.html", p - 1)
                };
                let _ = write!(body, r#"<a href="{prev}">上一页</a>"#);
            }
            body.push_str("</div>");
            let meta = format!(
                r#"<meta name="ColumnName" content="{name}"><meta name="ColumnType" content="{name}">"#
            );
            let html = self.layout(
                site,
                &format!("{name}_{}", site.name.as_str()),
                &meta,
                &body,
                FooterFlaws::default(),
            );
            let path = if p == 0 {
                format!("{dir}index.html")
            } else {
                format!("{dir}index_{p}.html")
            };
            self.portal.page(site.host.as_str(), &path, html.clone());
            if p == 0 {
                self.portal.page(site.host.as_str(), dir, html);
            }
        }
    }

    pub(super) fn items(
        &mut self,
        dir: &str,
        column: &str,
        n: usize,
        newest_age: i64,
        step: i64,
    ) -> Vec<Item> {
        (0..n)
            .map(|i| {
                let date = self.now - Duration::days(newest_age + i as i64 * step);
                let id = self.next();
                Item {
                    title: self.title_for(column, i + id as usize),
                    path: format!(
                        "{dir}{}/t{}_{id}.html",
                        date.format("%Y%m"),
                        date.format("%Y%m%d")
                    ),
                    date,
                }
            })
            .collect()
    }

    pub(super) fn article(
        &mut self,
        site: &SiteInfo,
        column: &str,
        item: &Item,
        extra: &str,
        flaws: FooterFlaws,
    ) {
        let meta = format!(
            r#"<meta name="ColumnName" content="{column}"><meta name="ArticleTitle" content="{}"><meta name="PubDate" content="{} 09:30">"#,
            esc(&item.title),
            ymd(item.date)
        );
        let body = format!(
            r#"<div class="position">当前位置：<a href="/">首页</a> &gt; {column}</div>
<div class="article"><h1>{t}</h1><div class="info">发布时间：{d} 09:30　来源：示范县人民政府办公室</div>
<div class="content"><p>{d_cn}，{t}。会议强调，要坚持以人民为中心的发展思想，压实工作责任，确保各项任务落到实处。</p>
<p>会议要求，各乡镇、各部门要加强协调配合，及时发现和解决问题，以实际成效取信于民。</p>{extra}{more}</div></div>"#,
            t = esc(&item.title),
            d = ymd(item.date),
            d_cn = cn_date(item.date),
            // Benchmark pages carry a real article's length (5–10 KB a page).
            more = if self.bench { BENCH_PARAGRAPHS } else { "" },
        );
        let html = self.layout(site, &item.title, &meta, &body, flaws);
        self.portal.page(site.host.as_str(), &item.path, html);
    }
}
