//! The built-in demo: a county government portal and one department site,
//! generated in memory with Chinese content, dated relative to `--now`, and
//! with a planted example of every defect govscan detects.
//!
//! The plants are listed in [`PLANTED`]-style comments next to the code that
//! makes them, and the end-to-end tests assert each of them.

use crate::server::{Portal, Route};
use chrono::{Datelike, Duration, NaiveDate};
use govscan_checks::privacy::id_check_char;
use std::fmt::Write as _;

/// The county portal's host.
pub const MAIN_HOST: &str = "www.sfx-demo.gov.cn";
/// The education bureau's site.
pub const EDU_HOST: &str = "jyj.sfx-demo.gov.cn";
/// The city portal (outside both sites; link target only).
pub const CITY_HOST: &str = "www.sfs-demo.gov.cn";
/// A host whose port refuses connections.
pub const APP_HOST: &str = "app.sfx-demo.gov.cn";
/// A township site that is down tonight (its port refuses connections).
pub const DOWN_HOST: &str = "zhen.sfx-demo.gov.cn";
/// A department site behind a firewall's JavaScript challenge.
pub const CHALLENGE_HOST: &str = "wlj.sfx-demo.gov.cn";
/// Badge and widget hosts, stubbed so the demo needs no network.
pub const WIDGET_HOSTS: &[&str] = &[
    "dcs.conac.cn",
    "bszs.conac.cn",
    "zfwzgl.www.gov.cn",
    "beian.miit.gov.cn",
    "beian.mps.gov.cn",
];

/// Who runs a site and how its footer reads.
#[derive(Debug, Clone)]
pub struct SiteInfo {
    /// Host name.
    pub host: String,
    /// 网站名称.
    pub name: String,
    /// 政府网站标识码.
    pub site_code: String,
    /// ICP备案编号 as displayed.
    pub icp: String,
    /// 公网安备 14 digits, if the footer shows it.
    pub police: Option<&'static str>,
    /// 主办单位.
    pub host_org: String,
    /// Navigation: label and column path.
    pub nav: Vec<(&'static str, &'static str)>,
}

/// Footer variations used to plant footer defects on some templates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FooterFlaws {
    /// Leave out the 我为政府网站找错 widget.
    pub no_jiucuo: bool,
    /// Show a site code that differs from `SiteIDCode`.
    pub wrong_code: bool,
    /// Show a site code of the wrong length.
    pub bad_code: bool,
    /// Leave out the ICP number.
    pub no_icp: bool,
    /// Leave out the 网站地图 link.
    pub no_sitemap: bool,
    /// Leave out 主办单位 and the contact details.
    pub no_host: bool,
    /// Show the conac badge in its `_error` state.
    pub conac_error: bool,
    /// Load the 找错 widget from the 2015 census host.
    pub legacy_jiucuo: bool,
    /// Link the 公安 badge to another record code than the one displayed.
    pub police_mismatch: bool,
}

mod cms_sites;
mod content_plants;
pub use cms_sites::{GKMLPT_HOST, HANWEB_HOST, TRS_HOST};
mod ipv6_plants;
pub use ipv6_plants::COUNTER_HOST;

/// One item in a column.
#[derive(Debug, Clone)]
struct Item {
    title: String,
    path: String,
    date: NaiveDate,
}

/// The generated demo.
pub struct Demo {
    /// Every route.
    pub portal: Portal,
    /// The sites to scan: (name, home URL).
    pub sites: Vec<(String, String)>,
    /// Every host that must resolve to loopback.
    pub hosts: Vec<String>,
    /// Hosts that also have an AAAA record (`[::1]`); the others have an
    /// A record only.
    pub v6_hosts: Vec<String>,
    /// The level of the sites that have one (home URL → level): the
    /// `level` column of the site list `govscan demo --write-sites` writes.
    pub levels: Vec<(String, govscan_checks::content::SiteLevel)>,
}

impl Demo {
    /// The level of the site at `home`, if the demo gives it one.
    pub fn level_of(&self, home: &str) -> Option<govscan_checks::content::SiteLevel> {
        self.levels
            .iter()
            .find(|(url, _)| url == home)
            .map(|(_, level)| *level)
    }
}

struct Gen {
    port: u16,
    closed_port: u16,
    now: NaiveDate,
    portal: Portal,
    seq: u32,
    /// Benchmark mode: no deliberately slow or failing pages.
    bench: bool,
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn ymd(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

fn cn_date(d: NaiveDate) -> String {
    format!("{}年{:02}月{:02}日", d.year(), d.month(), d.day())
}

const TOPICS: &[&str] = &[
    "安全生产",
    "乡村振兴",
    "营商环境",
    "防汛防台",
    "垃圾分类",
    "文明城市创建",
    "疫苗接种",
    "秋冬季森林防火",
    "民生实事",
    "河长制",
    "消防安全",
    "粮食安全",
    "数字政府",
    "政务服务",
    "招商引资",
    "城乡风貌整治",
];
const ACTIONS: &[&str] = &[
    "召开{}工作推进会",
    "部署{}专项行动",
    "开展{}督查",
    "调研{}工作",
    "举行{}培训班",
    "通报{}工作进展",
];

impl Gen {
    fn base(&self, host: &str) -> String {
        format!("http://{host}:{}", self.port)
    }

    fn next(&mut self) -> u32 {
        self.seq += 1;
        self.seq
    }

    fn title_for(&self, column: &str, i: usize) -> String {
        let topic = TOPICS[(i * 7 + column.len()) % TOPICS.len()];
        let action = ACTIONS[(i * 5 + column.len() * 3) % ACTIONS.len()];
        format!("示范县{}", action.replace("{}", topic))
    }

    fn footer(&self, site: &SiteInfo, flaws: FooterFlaws) -> String {
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
    fn layout(
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

    fn list_html(items: &[Item]) -> String {
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
    fn column_lists(
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

    fn items(
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

    fn article(
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

const BENCH_PARAGRAPHS: &str = "<p>一、提高政治站位。各级各部门要充分认识做好当前工作的重要性和紧迫性，把思想和行动统一到县委、县政府的决策部署上来，切实增强责任感和使命感，以更高标准、更实举措抓好各项任务落实。</p><p>二、突出工作重点。要聚焦重点领域和关键环节，全面排查风险隐患，建立问题清单、责任清单和整改清单，做到底数清、情况明、措施实，坚决防范和遏制重大问题发生。</p><p>三、强化协调联动。各乡镇、各有关部门要按照职责分工，密切配合、形成合力，建立健全信息共享和会商研判机制，及时研究解决工作中遇到的困难和问题。</p><p>四、严格督查考核。县政府督查室将会同有关部门，采取明查暗访、随机抽查等方式，对各地各部门工作开展情况进行督导检查，对工作不力、措施不实的单位予以通报批评。</p><p>五、加强宣传引导。要充分利用政府网站、政务新媒体等平台，广泛宣传相关政策措施和工作成效，及时回应社会关切，营造全社会共同参与的良好氛围。</p>";

/// A fake but checksum-valid resident ID for the privacy plant.
pub fn demo_id_number() -> String {
    let first17 = "33999919850612123";
    format!("{first17}{}", id_check_char(first17).unwrap_or('0'))
}

/// Builds the demo for a server on `port`; `closed_port` is a loopback port
/// where nothing listens.
pub fn build(port: u16, closed_port: u16, now: NaiveDate, articles: usize) -> Demo {
    build_with(
        port,
        closed_port,
        now,
        &DemoOptions {
            articles,
            ..DemoOptions::default()
        },
    )
}

/// What to generate.
#[derive(Debug, Clone, Default)]
pub struct DemoOptions {
    /// Article pages of the county portal.
    pub articles: usize,
    /// Leave out the pages that are slow or fail on purpose (for benchmarks).
    pub bench: bool,
    /// Extra department sites.
    pub extra_sites: usize,
    /// Serve only the realistic benchmark county of about this many pages
    /// (see [`crate::county`]); 0 = the usual demo.
    pub realistic: usize,
    /// Pages of each extra site.
    pub extra_site_pages: usize,
}

/// Builds the demo with options.
pub fn build_with(port: u16, closed_port: u16, now: NaiveDate, opts: &DemoOptions) -> Demo {
    if opts.realistic > 0 {
        let mut portal = Portal::new();
        let home = crate::county::build(&mut portal, port, now, opts.realistic);
        return Demo {
            portal,
            sites: vec![("示范县人民政府（基准）".to_string(), home)],
            hosts: crate::county::hosts(),
            v6_hosts: Vec::new(),
            levels: Vec::new(),
        };
    }
    let articles = opts.articles;
    let mut g = Gen {
        port,
        closed_port,
        now,
        portal: Portal::new(),
        seq: 1000,
        bench: opts.bench,
    };
    let main = SiteInfo {
        host: MAIN_HOST.into(),
        name: "示范县人民政府".into(),
        site_code: "3399990001".into(),
        icp: "浙ICP备12345678号-1".into(),
        police: Some("33999902000123"),
        host_org: "示范县人民政府办公室".into(),
        nav: vec![
            ("新闻中心", "/xwzx/ywdt/"),
            ("通知公告", "/zwgk/tzgg/"),
            ("政策文件", "/zwgk/zcwj/"),
            ("政策解读", "/zwgk/zcjd/"),
            ("人事信息", "/zwgk/rsxx/"),
            ("统计信息", "/zwgk/tjxx/"),
            ("办事服务", "/bsfw/guide.html"),
            ("专题专栏", "/ztzl/yshj/"),
        ],
    };
    build_main(&mut g, &main, articles);
    build_edu(&mut g);
    build_outside(&mut g);
    let extra = build_extra_sites(&mut g, opts.extra_sites, opts.extra_site_pages.max(20));
    // Two sites that cannot be audited, to show the 未能检查 rows (left out
    // of benchmarks, which check that every page was crawled).
    let unauditable = if g.bench {
        Vec::new()
    } else {
        build_unauditable(&mut g)
    };
    // Two department sites on real platforms' markup (left out of
    // benchmarks, whose figures compare the same portal from run to run).
    let platforms = if g.bench {
        Vec::new()
    } else {
        cms_sites::build(&mut g)
    };
    use govscan_checks::content::SiteLevel;
    Demo {
        v6_hosts: [MAIN_HOST, CITY_HOST]
            .into_iter()
            .chain(WIDGET_HOSTS.iter().copied())
            .map(String::from)
            .collect(),
        levels: vec![
            (format!("http://{MAIN_HOST}:{port}/"), SiteLevel::Government),
            (format!("http://{EDU_HOST}:{port}/"), SiteLevel::Department),
            (
                format!("http://{HANWEB_HOST}:{port}/"),
                SiteLevel::Department,
            ),
            (format!("http://{TRS_HOST}:{port}/"), SiteLevel::Department),
            (
                format!("http://{GKMLPT_HOST}:{port}/"),
                SiteLevel::Department,
            ),
        ],
        portal: g.portal,
        sites: [
            (main.name.to_string(), format!("http://{MAIN_HOST}:{port}/")),
            (
                "示范县教育局".to_string(),
                format!("http://{EDU_HOST}:{port}/"),
            ),
        ]
        .into_iter()
        .chain(unauditable)
        .chain(platforms.iter().cloned())
        .chain(extra.iter().cloned())
        .collect(),
        hosts: [
            MAIN_HOST,
            EDU_HOST,
            CITY_HOST,
            COUNTER_HOST,
            HANWEB_HOST,
            TRS_HOST,
            GKMLPT_HOST,
            APP_HOST,
            DOWN_HOST,
            CHALLENGE_HOST,
        ]
        .into_iter()
        .chain(WIDGET_HOSTS.iter().copied())
        .map(String::from)
        .chain(extra.iter().map(|(_, url)| {
            url::Url::parse(url)
                .ok()
                .and_then(|u| u.host_str().map(String::from))
                .unwrap_or_default()
        }))
        .collect(),
    }
}

fn build_main(g: &mut Gen, site: &SiteInfo, articles: usize) {
    let share = |w: usize| (articles * w / 100).max(3);
    // Columns: (name, dir, count, age of newest item in days, days between items).
    let ywdt = g.items("/xwzx/ywdt/", "要闻动态", share(22), 1, 3);
    let bmdt = g.items("/xwzx/bmdt/", "部门动态", share(10), 40, 6); // stale: 动态 older than 14 days
    let xzdt = g.items("/xwzx/xzdt/", "乡镇动态", share(10), 5, 7);
    let tzgg = g.items("/zwgk/tzgg/", "通知公告", share(12), 20, 9);
    let rsxx = g.items("/zwgk/rsxx/", "人事信息", share(5), 400, 30); // stale: over a year
    let ghjh = g.items("/zwgk/ghjh/", "规划计划", share(5), 100, 45);
    let tjxx = g.items("/zwgk/tjxx/", "统计信息", share(6), 60, 30);
    let gsmd = g.items("/zwgk/gsmd/", "公示名单", 3, 10, 20);

    let city = g.base(CITY_HOST);
    let app = format!("http://{APP_HOST}:{}/", g.closed_port);

    // News articles; the first few carry the planted link defects.
    for (i, it) in ywdt.iter().enumerate() {
        let extra = match i {
            0 => format!(
                r#"<p>相关链接：<a href="/zwgk/tzgg/notfound.html">原通知</a>（软404）
<a href="/xwzx/old-topic/index.html">往期专题</a>（跳转首页）
<a href="/bsfw/guide.html#step9">办理第九步</a>（锚点缺失）
<a href="/bsfw/guide.html#step1">办理第一步</a>
<a href="/files/2024/budget.xls">预算表下载</a>（附件不存在）
<a href="/files/2025/plan.pdf">规划全文下载</a>
<a href="/slow/report.html">数据报告</a>（超时）
<a href="/loop/a.html">循环跳转</a>
<a href="/api/error.html">在线查询</a>（500）
<a href="{app}">网上办事系统</a>（拒绝连接）
<a href="/flaky/stat.html">统计快报</a>（先503后恢复）
<a href="/zwgk/tjxx/统计公报.html">统计公报</a></p>"#
            ),
            1 => r#"<p><a href="">附件</a> <a href="javascript:void(0)">查看原文</a> <a href="file:///C:/Users/admin/Desktop/会议纪要.doc">会议纪要</a> <a href="http://www.sfx demo.gov.cn/x.html">旧版网址</a> <a href="http://10.12.1.8/oa/">内网OA</a></p>"#.to_string(),
            2 => r#"<p><img src="/images/2019/photo-missing.jpg" alt="活动照片"></p>"#.to_string(),
            _ => String::new(),
        };
        g.article(site, "要闻动态", it, &extra, FooterFlaws::default());
    }
    for it in &bmdt {
        g.article(site, "部门动态", it, "", FooterFlaws::default());
    }
    // Township news template lacks the 找错 widget.
    for it in &xzdt {
        g.article(
            site,
            "乡镇动态",
            it,
            "",
            FooterFlaws {
                no_jiucuo: true,
                ..FooterFlaws::default()
            },
        );
    }
    for it in &tzgg {
        g.article(site, "通知公告", it, "", FooterFlaws::default());
    }
    for it in &rsxx {
        g.article(site, "人事信息", it, "", FooterFlaws::default());
    }
    // One planning page shows a wrong site code in its footer.
    for (i, it) in ghjh.iter().enumerate() {
        g.article(
            site,
            "规划计划",
            it,
            "",
            FooterFlaws {
                wrong_code: i == 0,
                ..FooterFlaws::default()
            },
        );
    }
    for (i, it) in gsmd.iter().enumerate() {
        let extra = if i == 0 {
            format!(
                "<table><tr><th>姓名</th><th>身份证号</th><th>联系电话</th></tr><tr><td>张三</td><td>{}</td><td>13812345678</td></tr><tr><td>李四</td><td>330102********1234</td><td>139****5678</td></tr></table>",
                demo_id_number()
            )
        } else {
            "<p>李四 330102********1234 联系电话 139****5678</p>".to_string()
        };
        g.article(site, "公示名单", it, &extra, FooterFlaws::default());
    }
    g.column_lists(site, "要闻动态", "/xwzx/ywdt/", &ywdt, "");
    g.column_lists(site, "部门动态", "/xwzx/bmdt/", &bmdt, "");
    g.column_lists(site, "乡镇动态", "/xwzx/xzdt/", &xzdt, "");
    g.column_lists(site, "通知公告", "/zwgk/tzgg/", &tzgg, "");
    g.column_lists(site, "人事信息", "/zwgk/rsxx/", &rsxx, "");
    g.column_lists(site, "规划计划", "/zwgk/ghjh/", &ghjh, "");
    g.column_lists(site, "公示名单", "/zwgk/gsmd/", &gsmd, "");
    g.column_lists(site, "财政信息", "/zwgk/czxx/", &[], "暂无信息");
    g.column_lists(
        site,
        "重大项目",
        "/zwgk/zdxm/",
        &[],
        "本栏目暂无信息。说明：本县本年度无政府投资重大建设项目，相关信息由市发展改革委统一发布。",
    );
    build_gbk_column(g, site, &tjxx);
    let (zcwj, zcjd) = build_policy(g, site);

    // Link targets of the planted defects.
    g.portal.page(
        site.host.as_str(),
        "/zwgk/tzgg/notfound.html",
        "<html><head><title>示范县人民政府</title></head><body><div class=\"error\">对不起，您访问的页面不存在或已被删除！</div><a href=\"/\">返回首页</a></body></html>",
    );
    g.portal.add(
        site.host.as_str(),
        "/xwzx/old-topic/index.html",
        Route::redirect(302, "/"),
    );
    g.portal.add(
        site.host.as_str(),
        "/loop/a.html",
        Route::redirect(302, "/loop/b.html"),
    );
    g.portal.add(
        site.host.as_str(),
        "/loop/b.html",
        Route::redirect(302, "/loop/a.html"),
    );
    g.portal.add(
        site.host.as_str(),
        "/api/error.html",
        Route::new(
            500,
            "text/html; charset=utf-8",
            "<h1>Internal Server Error</h1>",
        ),
    );
    g.portal.add(
        site.host.as_str(),
        "/slow/report.html",
        if g.bench {
            Route::html("<title>数据报告</title>")
        } else {
            Route::html("<title>数据报告</title>").delayed(std::time::Duration::from_secs(30))
        },
    );
    let flaky = g.layout(
        site,
        "统计快报",
        "",
        "<h1>统计快报</h1><p>本月统计快报。</p>",
        FooterFlaws::default(),
    );
    g.portal.add(
        site.host.as_str(),
        "/flaky/stat.html",
        Route::html(flaky).failing_first(if g.bench { 0 } else { 1 }),
    );
    g.portal.add(
        site.host.as_str(),
        "/files/2025/plan.pdf",
        Route::new(200, "application/pdf", vec![b'%'; 64 * 1024]),
    );
    g.portal.add(
        site.host.as_str(),
        "/css/main.css",
        Route::new(200, "text/css", "body{font-family:sans-serif}"),
    );
    g.portal.add(
        site.host.as_str(),
        "/js/common.js",
        Route::new(200, "application/javascript", "var x=1;"),
    );
    for img in ["/images/logo.png", "/images/gongan.png"] {
        g.portal.add(
            site.host.as_str(),
            img,
            Route::new(200, "image/png", vec![0u8; 128]),
        );
    }
    let guide = g.layout(
        site,
        "办事指南_示范县人民政府",
        "",
        r#"<h1>不动产登记办事指南</h1><h3 id="step1">第一步 申请</h3><p>提交材料。</p><h3 id="step2">第二步 受理</h3><p>窗口受理。</p>"#,
        FooterFlaws { bad_code: true, ..FooterFlaws::default() },
    );
    g.portal.page(site.host.as_str(), "/bsfw/guide.html", guide);
    for (path, title, text) in [
        (
            "/lxwm/",
            "联系我们",
            "办公室电话：0571-87654321，地址：示范县人民路1号。",
        ),
        ("/sybz/", "使用帮助", "本网站支持主流浏览器访问。"),
        ("/wza/", "无障碍服务", "无障碍浏览说明。"),
        (
            "/zwgk/sitemap-only.html",
            "政务公开指南",
            "本页仅在网站地图文件中列出。",
        ),
    ] {
        let html = g.layout(
            site,
            title,
            "",
            &format!("<h1>{title}</h1><p>{text}</p>"),
            FooterFlaws::default(),
        );
        g.portal.page(site.host.as_str(), path, html);
    }
    // The search page's template has a cut-down footer without 主办单位 and contacts.
    let search = g.layout(
        site,
        "站内搜索",
        "",
        "<h1>站内搜索</h1><p>请输入关键词。</p>",
        FooterFlaws {
            no_host: true,
            ..FooterFlaws::default()
        },
    );
    g.portal.page(site.host.as_str(), "/sousuo/", search);
    // A 专题 template without the ICP number and the sitemap link.
    let zt = g.items("/ztzl/yshj/", "营商环境专题", 4, 3, 5);
    let zt_flaws = FooterFlaws {
        no_icp: true,
        no_sitemap: true,
        ..FooterFlaws::default()
    };
    for it in &zt {
        g.article(site, "营商环境专题", it, "", zt_flaws);
    }
    let mut zt_body = String::from("<h2>优化营商环境专题</h2>");
    zt_body.push_str(&Gen::list_html(&zt));
    let zt_home = g.layout(
        site,
        "优化营商环境专题",
        r#"<meta name="ColumnName" content="营商环境专题">"#,
        &zt_body,
        zt_flaws,
    );
    g.portal.page(site.host.as_str(), "/ztzl/yshj/", zt_home);
    let columns: Vec<(&str, &str)> = vec![
        ("要闻动态", "/xwzx/ywdt/"),
        ("部门动态", "/xwzx/bmdt/"),
        ("乡镇动态", "/xwzx/xzdt/"),
        ("通知公告", "/zwgk/tzgg/"),
        ("政策文件", "/zwgk/zcwj/"),
        ("政策解读", "/zwgk/zcjd/"),
        ("人事信息", "/zwgk/rsxx/"),
        ("规划计划", "/zwgk/ghjh/"),
        ("财政信息", "/zwgk/czxx/"),
        ("重大项目", "/zwgk/zdxm/"),
        ("统计信息", "/zwgk/tjxx/"),
        ("公示名单", "/zwgk/gsmd/"),
    ];
    let mut map = String::from("<h1>网站地图</h1><ul>");
    for (name, dir) in &columns {
        let _ = write!(map, r#"<li><a href="{dir}">{name}</a></li>"#);
    }
    map.push_str("</ul>");
    let sitemap_page = g.layout(
        site,
        "网站地图_示范县人民政府",
        "",
        &map,
        FooterFlaws::default(),
    );
    g.portal.page(site.host.as_str(), "/wzdt/", sitemap_page);

    let content_block = content_plants::build(g, site) + &ipv6_plants::build(g, site);

    // Home page.
    let mut body = String::from(
        r#"<div class="banner"><img src="/images/banner-2019.jpg" alt="旧横幅"></div>"#,
    );
    let _ = write!(
        body,
        r#"<div class="box"><h3>要闻动态 <a href="/xwzx/ywdt/">更多</a></h3>{}</div>"#,
        Gen::list_html(&ywdt[..7.min(ywdt.len())])
    );
    let _ = write!(
        body,
        r##"<div class="box"><h3>通知公告 <a href="#">更多</a></h3>{}</div>"##,
        Gen::list_html(&tzgg[..5.min(tzgg.len())])
    );
    let _ = write!(
        body,
        r#"<div class="box"><h3>政策文件</h3>{}</div>"#,
        Gen::list_html(&zcwj[..4.min(zcwj.len())])
    );
    let _ = write!(
        body,
        r#"<div class="box"><h3>政策解读</h3>{}</div>"#,
        Gen::list_html(&zcjd[..3.min(zcjd.len())])
    );
    let _ = write!(
        body,
        r#"<div class="links"><h3>友情链接</h3>
<a href="{city}/">示范市人民政府</a>
<a href="{city}/zwgk/closed-column.html">市政务公开专栏</a>
<a href="http://www.old-tourism.sfx-demo.invalid/">原县旅游局网站</a>
<a href="http://192.168.10.5/oa/login.jsp">内部办公系统</a>
<a href="/xwzx/ywdt/202001/t20200101_0001.html">2020年工作回顾</a>
<a href="/admin/login.html">后台管理</a>
<a href="http://{EDU_HOST}:{port}/">示范县教育局</a></div>"#,
        port = g.port
    );
    body.push_str(&content_block);
    let home = g.layout(site, "示范县人民政府", "", &body, FooterFlaws::default());
    g.portal.page(site.host.as_str(), "/", home.clone());
    g.portal.page(site.host.as_str(), "/index.html", home);
    g.portal.add(
        site.host.as_str(),
        "/robots.txt",
        Route::new(
            200,
            "text/plain",
            "User-agent: *\nDisallow: /admin/\nSitemap: /sitemap.xml\n",
        ),
    );
    let base = g.base(site.host.as_str());
    let sitemap = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\"><url><loc>{base}/</loc></url><url><loc>{base}/zwgk/sitemap-only.html</loc></url></urlset>"
    );
    g.portal.add(
        site.host.as_str(),
        "/sitemap.xml",
        Route::new(200, "application/xml", sitemap),
    );
}

/// 统计信息 is served in GBK, as older CMS columns still are; one article
/// declares nothing and must be detected.
fn build_gbk_column(g: &mut Gen, site: &SiteInfo, items: &[Item]) {
    let gbk = |s: &str| encoding_rs::GBK.encode(s).0.into_owned();
    let mut list = String::new();
    for it in items {
        let _ = write!(
            list,
            r#"<li><a href="{}">{}</a><span>{}</span></li>"#,
            it.path,
            esc(&it.title),
            ymd(it.date)
        );
    }
    // The GBK column's old template: legacy 找错 host, 公安 link to another record.
    let footer = g.footer(
        site,
        FooterFlaws {
            legacy_jiucuo: true,
            police_mismatch: true,
            ..FooterFlaws::default()
        },
    );
    let page = |title: &str, charset_meta: &str, meta: &str, body: &str| {
        format!(
            "<html><head>{charset_meta}<title>{title}</title><meta name=\"SiteIDCode\" content=\"{code}\">{meta}</head><body><ul class=\"nav\"><li><a href=\"/\">首页</a></li></ul>{body}{footer}</body></html>",
            code = site.site_code.as_str(),
        )
    };
    let meta_gbk = r#"<meta http-equiv="Content-Type" content="text/html; charset=gbk">"#;
    let list_html = page(
        "统计信息_示范县人民政府",
        meta_gbk,
        r#"<meta name="ColumnName" content="统计信息">"#,
        &format!("<h2>统计信息</h2><ul class=\"list\">{list}<li><a href=\"/zwgk/tjxx/统计公报.html\">2025年示范县国民经济和社会发展统计公报</a><span>{}</span></li></ul>", ymd(g.now - Duration::days(200))),
    );
    for path in ["/zwgk/tjxx/", "/zwgk/tjxx/index.html"] {
        g.portal.add(
            site.host.as_str(),
            path,
            Route::new(200, "text/html; charset=GBK", gbk(&list_html)),
        );
    }
    for (i, it) in items.iter().enumerate() {
        let meta = format!(
            r#"<meta name="ColumnName" content="统计信息"><meta name="ArticleTitle" content="{}"><meta name="PubDate" content="{} 10:00">"#,
            esc(&it.title),
            ymd(it.date)
        );
        let body = format!("<h1>{}</h1><p>发布日期：{}</p><p>全县地区生产总值同比增长5.8%，规模以上工业增加值增长7.1%。</p>", esc(&it.title), ymd(it.date));
        let (ct, charset_meta) = if i == 0 {
            ("text/html", "")
        } else {
            ("text/html; charset=gbk", meta_gbk)
        };
        let html = page(&it.title, charset_meta, &meta, &body);
        g.portal.add(
            site.host.as_str(),
            &it.path,
            Route::new(200, ct, gbk(&html)),
        );
    }
    let report = page(
        "2025年示范县国民经济和社会发展统计公报",
        meta_gbk,
        "",
        "<h1>2025年示范县国民经济和社会发展统计公报</h1><p>全年全县实现地区生产总值312.5亿元。</p>",
    );
    g.portal.add(
        site.host.as_str(),
        "/zwgk/tjxx/统计公报.html",
        Route::new(200, "text/html; charset=gbk", gbk(&report)),
    );
}

struct PolicyDoc {
    title: &'static str,
    wenhao: &'static str,
    written_age: i64,
    published_age: i64,
    validity: &'static str,
    /// Index of the interpretation it links to.
    links_interp: Option<usize>,
}

struct Interp {
    title: &'static str,
    age: i64,
    /// Index of the document it links back to (`usize::MAX`: a dead link).
    links_doc: Option<usize>,
}

/// 政策文件 and 政策解读 with planted pairing and metadata defects.
fn build_policy(g: &mut Gen, site: &SiteInfo) -> (Vec<Item>, Vec<Item>) {
    let docs = [
        // Good pair with interpretation 0.
        PolicyDoc {
            title: "示范县人民政府办公室关于进一步优化营商环境的实施意见",
            wenhao: "示政办发〔2026〕12号",
            written_age: 33,
            published_age: 30,
            validity: "有效",
            links_interp: Some(0),
        },
        // No interpretation at all.
        PolicyDoc {
            title: "示范县人民政府关于印发示范县农村集体资产管理办法的通知",
            wenhao: "示政发〔2026〕8号",
            written_age: 50,
            published_age: 47,
            validity: "有效",
            links_interp: None,
        },
        // Interpretation 1 links here, but this page does not link back.
        PolicyDoc {
            title: "示范县人民政府办公室关于加快发展养老服务业的若干意见",
            wenhao: "示政办发〔2026〕9号",
            written_age: 70,
            published_age: 66,
            validity: "有效",
            links_interp: None,
        },
        // Links to interpretation 2, which does not link back; non-standard brackets.
        PolicyDoc {
            title: "示范县人民政府办公室关于印发示范县城乡居民医疗保险实施细则的通知",
            wenhao: "示政办发[2026]5号",
            written_age: 90,
            published_age: 88,
            validity: "有效",
            links_interp: Some(2),
        },
        // Late interpretation 3; validity missing.
        PolicyDoc {
            title: "示范县人民政府关于调整城乡最低生活保障标准的通知",
            wenhao: "示政发〔2026〕3号",
            written_age: 120,
            published_age: 118,
            validity: "",
            links_interp: Some(3),
        },
        // Published before written; leading zero in the sequence.
        PolicyDoc {
            title: "示范县人民政府办公室关于做好2026年春季农业生产工作的通知",
            wenhao: "示政办发〔2026〕01号",
            written_age: 150,
            published_age: 160,
            validity: "有效",
            links_interp: None,
        },
    ];
    let interps = [
        Interp {
            title: "《示范县人民政府办公室关于进一步优化营商环境的实施意见》政策解读",
            age: 30,
            links_doc: Some(0),
        },
        Interp {
            title: "一图读懂《关于加快发展养老服务业的若干意见》",
            age: 65,
            links_doc: Some(2),
        },
        Interp {
            title: "《示范县城乡居民医疗保险实施细则》解读",
            age: 87,
            links_doc: None,
        },
        Interp {
            title: "《关于调整城乡最低生活保障标准的通知》政策问答",
            age: 100,
            links_doc: Some(4),
        },
        Interp {
            title: "《示范县2025年惠企政策》解读",
            age: 200,
            links_doc: Some(usize::MAX),
        },
    ];
    let doc_items: Vec<Item> = docs
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let date = g.now - Duration::days(d.published_age);
            Item {
                title: d.title.to_string(),
                path: format!(
                    "/zwgk/zcwj/{}/t{}_{}.html",
                    date.format("%Y%m"),
                    date.format("%Y%m%d"),
                    500 + i
                ),
                date,
            }
        })
        .collect();
    let interp_items: Vec<Item> = interps
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let date = g.now - Duration::days(d.age);
            Item {
                title: d.title.to_string(),
                path: format!(
                    "/zwgk/zcjd/{}/t{}_{}.html",
                    date.format("%Y%m"),
                    date.format("%Y%m%d"),
                    600 + i
                ),
                date,
            }
        })
        .collect();
    for (i, d) in docs.iter().enumerate() {
        let written = g.now - Duration::days(d.written_age);
        let published = doc_items[i].date;
        let related = match d.links_interp {
            Some(j) => format!(
                r#"<div class="related">相关解读：<a href="{}">{}</a></div>"#,
                interp_items[j].path,
                esc(interps[j].title)
            ),
            None => String::new(),
        };
        let body = format!(
            r#"<table class="xxgk-meta">
<tr><td>索 引 号：</td><td>003399999/{y}-{idx:05}</td><td>主题分类：</td><td>综合政务</td></tr>
<tr><td>发文机关：</td><td>示范县人民政府办公室</td><td>成文日期：</td><td>{w}</td></tr>
<tr><td>标　　题：</td><td colspan="3">{t}</td></tr>
<tr><td>发文字号：</td><td>{wh}</td><td>发布日期：</td><td>{p}</td></tr>
<tr><td>有 效 性：</td><td>{v}</td></tr></table>
<div class="article"><h1>{t}</h1><div class="content"><p>各乡镇人民政府，县政府各部门：</p><p>现将有关事项通知如下。</p></div>{related}</div>"#,
            y = published.year(),
            idx = 10 + i,
            w = cn_date(written),
            t = esc(d.title),
            wh = d.wenhao,
            p = cn_date(published),
            v = d.validity
        );
        let meta = format!(
            r#"<meta name="ColumnName" content="政策文件"><meta name="ArticleTitle" content="{}"><meta name="PubDate" content="{} 16:00">"#,
            esc(d.title),
            ymd(published)
        );
        let html = g.layout(site, d.title, &meta, &body, FooterFlaws::default());
        g.portal.page(site.host.as_str(), &doc_items[i].path, html);
    }
    for (i, it) in interps.iter().enumerate() {
        let related = match it.links_doc {
            Some(usize::MAX) => r#"<div class="related">相关文件：<a href="/zwgk/zcwj/202501/t20250110_999.html">示范县2025年惠企政策</a></div>"#.to_string(),
            Some(j) => format!(r#"<div class="related">相关文件：<a href="{}">{}</a></div>"#, doc_items[j].path, esc(docs[j].title)),
            None => String::new(),
        };
        let meta = format!(
            r#"<meta name="ColumnName" content="政策解读"><meta name="ArticleTitle" content="{}"><meta name="PubDate" content="{} 17:00">"#,
            esc(it.title),
            ymd(interp_items[i].date)
        );
        let body = format!(
            r#"<div class="article"><h1>{t}</h1><div class="info">发布时间：{d} 17:00</div><div class="content"><p>一、出台背景</p><p>二、主要内容</p><p>三、政策亮点</p></div>{related}</div>"#,
            t = esc(it.title),
            d = ymd(interp_items[i].date)
        );
        let html = g.layout(site, it.title, &meta, &body, FooterFlaws::default());
        g.portal
            .page(site.host.as_str(), &interp_items[i].path, html);
    }
    g.column_lists(site, "政策文件", "/zwgk/zcwj/", &doc_items, "");
    g.column_lists(site, "政策解读", "/zwgk/zcjd/", &interp_items, "");
    (doc_items, interp_items)
}

/// The education bureau: a small site whose home page has not been updated
/// for a month, whose footer lacks the 公安 filing number and shows an
/// `_error` conac badge.
fn build_edu(g: &mut Gen) {
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
fn service_pages_and_assets(g: &mut Gen, site: &SiteInfo, flaws: FooterFlaws) {
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
fn build_unauditable(g: &mut Gen) -> Vec<(String, String)> {
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
fn build_extra_sites(g: &mut Gen, count: usize, pages: usize) -> Vec<(String, String)> {
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
fn build_outside(g: &mut Gen) {
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
