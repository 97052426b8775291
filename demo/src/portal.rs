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
mod main_site;
mod other_sites;
mod pages;
mod policy_plants;
pub use ipv6_plants::COUNTER_HOST;
use main_site::build_main;
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
    /// The realistic portal's footer template carries two dead links.
    pub dead_template_links: bool,
    /// Pages of each extra site.
    pub extra_site_pages: usize,
}

/// Builds the demo with options.
pub fn build_with(port: u16, closed_port: u16, now: NaiveDate, opts: &DemoOptions) -> Demo {
    if opts.realistic > 0 {
        let mut portal = Portal::new();
        let home = crate::county::build(
            &mut portal,
            port,
            now,
            opts.realistic,
            opts.dead_template_links,
        );
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
