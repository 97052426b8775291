//! IPv6 support of a site, as the national IPv6 monitoring measures it: an
//! AAAA record for the home page's host, the home page loading over IPv6,
//! the share of level-2 and level-3 in-site links that load over IPv6
//! (counted only when the home page does), resources embedded from hosts
//! without an AAAA record ("天窗"), and the same home page over both.
//!
//! Pure: the crawler hands in the DNS answers and what its IPv6-only
//! fetches got. When the scanning machine has no IPv6 route, the checks
//! that need an IPv6 connection are "not checked", never failures; a
//! missing AAAA record is a DNS fact and is reported regardless.

use crate::finding::{CheckId, Finding};
use crate::page::PageFacts;
use crate::profile::Profile;
use crate::sink::FindingSink;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// `[ipv6]` in the profile (every key optional).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ipv6Rules {
    /// The share of level-2 and level-3 links that must load over IPv6
    /// (local targets seen: 90%; unverified nationally).
    pub links_target: f64,
    /// Links tried per level at most.
    pub sample_cap: usize,
    /// Embedded resource hosts looked up per site at most.
    pub max_embedded_hosts: usize,
}

/// How the home page fared over IPv6.
#[derive(Debug, Clone)]
pub enum HomeOverIpv6 {
    /// Not tried (no AAAA record, `--ipv6 off`) or this machine has no
    /// IPv6 route: the reason.
    NotChecked(String),
    /// Tried and failed: the failure (`refused`, `timeout`, `404` …).
    Failed(String),
    /// Loaded: its facts, to compare with the IPv4 copy.
    Loaded(Box<PageFacts>),
}

/// A link that did not load over IPv6 (a row of `ipv6.csv`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Ipv6Failure {
    /// The link.
    pub link: String,
    /// 2 (linked from the home page) or 3 (linked from a level-2 page).
    pub level: u8,
    /// What happened (`refused`, `timeout`, `404` …).
    pub error: String,
    /// The page that links to it.
    pub parent: String,
}

/// What the crawler found for one site.
#[derive(Debug, Clone)]
pub struct Ipv6Input<'a> {
    /// Site name.
    pub site: &'a str,
    /// Home page URL.
    pub home: &'a str,
    /// The home page's host.
    pub home_host: &'a str,
    /// Whether the host has an AAAA record (None: the lookup failed).
    pub aaaa: Option<bool>,
    /// The home page over IPv6.
    pub home_v6: HomeOverIpv6,
    /// The home page's facts over IPv4 (the crawl).
    pub home_v4: Option<&'a PageFacts>,
    /// Per level (2, 3): links tried and those that failed.
    pub levels: Vec<(u8, usize, Vec<Ipv6Failure>)>,
    /// Embedded resource hosts looked up.
    pub embedded_checked: usize,
    /// Embedded resource hosts without an AAAA record, and a page embedding each.
    pub embedded_without_aaaa: Vec<(String, String)>,
}

/// The site's IPv6 figures, for the report and `ipv6.csv`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Ipv6Summary {
    /// The home page's host has an AAAA record.
    pub aaaa: Option<bool>,
    /// `ok`, a failure class, or `not_checked`.
    pub home: String,
    /// Why something was not checked.
    #[serde(default)]
    pub note: Option<String>,
    /// Per level: (level, links loaded over IPv6, links tried).
    pub levels: Vec<(u8, usize, usize)>,
    /// Embedded resource hosts looked up / without an AAAA record.
    pub embedded_checked: usize,
    /// Of those, without an AAAA record.
    pub embedded_without_aaaa: usize,
    /// The links that failed over IPv6.
    pub failures: Vec<Ipv6Failure>,
}

/// The IPv6 findings of a site and its figures.
pub fn ipv6_findings(input: &Ipv6Input<'_>, profile: &Profile) -> (Vec<Finding>, Ipv6Summary) {
    let r = &profile.ipv6;
    let mut sink = FindingSink::new(input.site, input.home, true, profile);
    let mut summary = Ipv6Summary {
        aaaa: input.aaaa,
        embedded_checked: input.embedded_checked,
        embedded_without_aaaa: input.embedded_without_aaaa.len(),
        ..Ipv6Summary::default()
    };
    match (&input.aaaa, &input.home_v6) {
        (Some(false), _) => {
            summary.home = "no_aaaa".into();
            sink.push(
                CheckId::Ipv6Home,
                input.home_host,
                "no_aaaa",
                format!(
                    "首页域名 {} 没有 IPv6 地址（AAAA 记录），IPv6 用户无法访问",
                    input.home_host
                ),
                String::new(),
            );
        }
        (_, HomeOverIpv6::NotChecked(why)) => {
            summary.home = "not_checked".into();
            summary.note = Some(why.clone());
        }
        (_, HomeOverIpv6::Failed(error)) => {
            summary.home = error.clone();
            sink.push(
                CheckId::Ipv6Home,
                input.home,
                error,
                format!("首页有 AAAA 记录，但通过 IPv6 无法打开（{error}）"),
                String::new(),
            );
        }
        (_, HomeOverIpv6::Loaded(v6)) => {
            summary.home = "ok".into();
            if let Some(v4) = input.home_v4 {
                let mut differs = Vec::new();
                if v4.title != v6.title {
                    differs.push(format!(
                        "标题（IPv4：“{}”，IPv6：“{}”）",
                        v4.title, v6.title
                    ));
                }
                if v4.site_code() != v6.site_code() || v4.footer.icp != v6.footer.icp {
                    differs.push("底部标识（网站标识码或ICP备案编号）".to_string());
                }
                if v4.list.newest != v6.list.newest {
                    differs.push(format!(
                        "最新信息日期（IPv4：{}，IPv6：{}）",
                        v4.list
                            .newest
                            .map(|d| d.to_string())
                            .unwrap_or_else(|| "无".into()),
                        v6.list
                            .newest
                            .map(|d| d.to_string())
                            .unwrap_or_else(|| "无".into())
                    ));
                }
                if !differs.is_empty() {
                    sink.push(
                        CheckId::Ipv6Consistency,
                        input.home,
                        "differs",
                        format!(
                            "通过 IPv6 与 IPv4 访问首页，内容不一致：{}",
                            differs.join("；")
                        ),
                        v6.title.to_string(),
                    );
                }
            }
            for (level, tried, failed) in &input.levels {
                if *tried == 0 {
                    continue;
                }
                let ok = tried - failed.len();
                summary.levels.push((*level, ok, *tried));
                summary.failures.extend(failed.iter().cloned());
                let share = ok as f64 / *tried as f64;
                if share < r.links_target {
                    sink.push(
                        CheckId::Ipv6Links,
                        &format!("level{level}"),
                        "low",
                        format!(
                            "{}级链接 IPv6 支持率 {:.1}%（{ok}/{tried}），低于{:.0}%；无法访问的链接见 ipv6.csv",
                            if *level == 2 { "二" } else { "三" },
                            share * 100.0,
                            r.links_target * 100.0
                        ),
                        failed
                            .iter()
                            .take(3)
                            .map(|f| f.link.as_str())
                            .collect::<Vec<_>>()
                            .join(" "),
                    );
                }
            }
        }
    }
    for (host, page) in &input.embedded_without_aaaa {
        sink.push_on(
            page,
            page == input.home,
            CheckId::Ipv6Embedded,
            host,
            "no_aaaa",
            format!("页面引用的外部资源所在域名 {host} 没有 IPv6 地址，IPv6 用户看到的页面会出现空白（“天窗”）"),
            host.clone(),
        );
    }
    (sink.into_vec(), summary)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Severity;

    fn input<'a>(aaaa: Option<bool>, home_v6: HomeOverIpv6, v4: &'a PageFacts) -> Ipv6Input<'a> {
        Ipv6Input {
            site: "测试县",
            home: "http://www.x.gov.cn/",
            home_host: "www.x.gov.cn",
            aaaa,
            home_v6,
            home_v4: Some(v4),
            levels: Vec::new(),
            embedded_checked: 0,
            embedded_without_aaaa: Vec::new(),
        }
    }

    fn checks(f: &[Finding]) -> Vec<(&str, &str)> {
        f.iter()
            .map(|f| (f.check.as_str(), f.status.as_str()))
            .collect()
    }

    #[test]
    fn home_page_records_and_connections() {
        let p = Profile::national();
        let v4 = PageFacts {
            title: "示范县人民政府".into(),
            ..PageFacts::default()
        };
        // A missing AAAA record is a DNS fact: reported whatever else.
        let (f, s) = ipv6_findings(
            &input(Some(false), HomeOverIpv6::NotChecked("no AAAA".into()), &v4),
            &p,
        );
        assert_eq!(checks(&f), vec![("ipv6.home", "no_aaaa")]);
        assert_eq!(f[0].severity, Severity::Error);
        assert_eq!(s.aaaa, Some(false));
        // No IPv6 route on the scanning machine: not checked, never a failure.
        let (f, s) = ipv6_findings(
            &input(Some(true), HomeOverIpv6::NotChecked("no route".into()), &v4),
            &p,
        );
        assert!(f.is_empty());
        assert_eq!(
            (s.home.as_str(), s.note.as_deref()),
            ("not_checked", Some("no route"))
        );
        let (f, _) = ipv6_findings(
            &input(Some(true), HomeOverIpv6::Failed("refused".into()), &v4),
            &p,
        );
        assert_eq!(checks(&f), vec![("ipv6.home", "refused")]);
        // Loaded, the same page: nothing; another title: consistency.
        let (f, _) = ipv6_findings(
            &input(Some(true), HomeOverIpv6::Loaded(Box::new(v4.clone())), &v4),
            &p,
        );
        assert!(f.is_empty());
        let other = PageFacts {
            title: "旧版".into(),
            ..PageFacts::default()
        };
        let (f, _) = ipv6_findings(
            &input(Some(true), HomeOverIpv6::Loaded(Box::new(other)), &v4),
            &p,
        );
        assert_eq!(checks(&f), vec![("ipv6.consistency", "differs")]);
    }

    #[test]
    fn link_support_rates_and_blank_areas() {
        let p = Profile::national();
        let v4 = PageFacts::default();
        let fail = |n: usize, level: u8| -> Vec<Ipv6Failure> {
            (0..n)
                .map(|i| Ipv6Failure {
                    link: format!("http://www.x.gov.cn/{level}/{i}.html"),
                    level,
                    error: "404".into(),
                    parent: "http://www.x.gov.cn/".into(),
                })
                .collect()
        };
        let mut i = input(Some(true), HomeOverIpv6::Loaded(Box::new(v4.clone())), &v4);
        // 9 of 100 failing is 91%: fine; 11 of 100 is 89%: below 90%.
        i.levels = vec![(2, 100, fail(9, 2)), (3, 100, fail(11, 3))];
        i.embedded_without_aaaa = vec![(
            "cdn.example.com".into(),
            "http://www.x.gov.cn/a.html".into(),
        )];
        i.embedded_checked = 3;
        let (f, s) = ipv6_findings(&i, &p);
        assert_eq!(
            checks(&f),
            vec![("ipv6.links", "low"), ("ipv6.embedded", "no_aaaa")]
        );
        assert_eq!(f[0].target, "level3");
        assert_eq!(f[1].page, "http://www.x.gov.cn/a.html");
        assert_eq!(s.levels, vec![(2, 91, 100), (3, 89, 100)]);
        assert_eq!(s.failures.len(), 20);
    }
}
