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
mod other_sites;
mod pages;
mod policy_plants;
pub use ipv6_plants::COUNTER_HOST;
use other_sites::{
    build_edu, build_extra_sites, build_outside, build_unauditable, service_pages_and_assets,
};
use policy_plants::build_policy;

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
