//! Unit tests of the site-wide checks.

use super::policy::titles_match;
use super::*;
use crate::columns::ListFacts;
use crate::page::PageFacts;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
}

fn list(name: &str, newest_age: Option<i64>) -> PageFacts {
    PageFacts {
        kind: PageKind::List,
        column: Some(name.into()),
        list: ListFacts {
            dated: u32::from(newest_age.is_some()) * 10,
            newest: newest_age.map(|a| today() - chrono::Duration::days(a)),
            ..ListFacts::default()
        },
        ..PageFacts::default()
    }
}

fn home(age: Option<i64>) -> PageFacts {
    PageFacts {
        kind: PageKind::Home,
        list: ListFacts {
            newest: age.map(|a| today() - chrono::Duration::days(a)),
            ..ListFacts::default()
        },
        accessibility_entry: true,
        ..PageFacts::default()
    }
}

#[test]
fn a_home_page_without_an_accessibility_entry() {
    let mut without = home(Some(1));
    without.accessibility_entry = false;
    let f = run(&[("http://x.gov.cn/".to_string(), without)]);
    let checks: Vec<&str> = f.iter().map(|f| f.check.as_str()).collect();
    assert_eq!(checks, vec!["site.accessibility_entry"]);
    assert_eq!(f[0].severity, crate::finding::Severity::Warning);
    assert!(run(&[("http://x.gov.cn/".to_string(), home(Some(1)))]).is_empty());
}

fn run(facts: &[(String, PageFacts)]) -> Vec<Finding> {
    let dead = HashSet::new();
    let kept: Vec<SiteFacts> = facts.iter().map(|(_, f)| f.clone().into()).collect();
    let pages = facts
        .iter()
        .zip(&kept)
        .map(|((u, _), f)| SitePage { url: u, facts: f })
        .collect();
    let input = SiteInput {
        site: "测试",
        home: "http://x.gov.cn/",
        pages,
        dead: &dead,
        today: today(),
        level: None,
        uncrawled: 0,
    };
    // These tests are about columns, the home page and the footer: a
    // bare site's required-column and yearly-report findings (tested in
    // `content::tests`) are left out.
    site_checks(&input, &Profile::national())
        .0
        .into_iter()
        .filter(|f| {
            !matches!(
                f.check,
                CheckId::ColumnMissing | CheckId::ReportAnnualMissing
            )
        })
        .collect()
}

fn site_level(findings: &[Finding]) -> Vec<(String, String)> {
    findings
        .iter()
        .filter(|f| f.check == CheckId::SiteVeto || f.check == CheckId::SiteWarning)
        .map(|f| (f.check.as_str().to_string(), f.target.clone()))
        .collect()
}

fn columns(prefix: &str, n: usize, age: Option<i64>) -> Vec<(String, PageFacts)> {
    (0..n)
        .map(|i| {
            (
                format!("http://x.gov.cn/{prefix}{i}/"),
                list(&format!("{prefix}{i}"), age),
            )
        })
        .collect()
}

#[test]
fn timely_columns_warn_at_3_and_veto_at_5() {
    let mut pages = vec![("http://x.gov.cn/".to_string(), home(Some(1)))];
    pages.extend(columns("部门动态", 3, Some(20)));
    let f = run(&pages);
    assert_eq!(
        f.iter().filter(|f| f.check == CheckId::ColumnStale).count(),
        3
    );
    assert_eq!(
        site_level(&f),
        vec![(
            "site.warning".into(),
            "栏目不更新：动态要闻、通知公告、政策文件类".into()
        )]
    );
    pages.extend(columns("通知公告", 2, Some(200)));
    pages.extend(columns("通知公告新", 2, Some(100)));
    let f = run(&pages);
    assert_eq!(
        site_level(&f),
        vec![(
            "site.veto".into(),
            "栏目不更新：动态要闻、通知公告、政策文件类".into()
        )]
    );
}

#[test]
fn long_stale_and_blank_columns() {
    let mut pages = vec![("http://x.gov.cn/".to_string(), home(Some(1)))];
    pages.extend(columns("人事信息", 9, Some(400)));
    assert_eq!(
        site_level(&run(&pages)),
        vec![(
            "site.warning".into(),
            "栏目不更新：应更新但长期未更新".into()
        )]
    );
    pages.extend(columns("规划计划", 1, Some(366)));
    assert_eq!(
        site_level(&run(&pages)),
        vec![("site.veto".into(), "栏目不更新：应更新但长期未更新".into())]
    );

    let mut pages = vec![("http://x.gov.cn/".to_string(), home(Some(1)))];
    pages.extend(columns("财政信息", 3, None));
    let f = run(&pages);
    assert_eq!(
        f.iter().filter(|f| f.check == CheckId::ColumnEmpty).count(),
        3
    );
    assert_eq!(
        site_level(&f),
        vec![("site.warning".into(), "栏目不更新：空白栏目".into())]
    );
    pages.extend(columns("预算信息", 2, None));
    assert_eq!(
        site_level(&run(&pages)),
        vec![("site.veto".into(), "栏目不更新：空白栏目".into())]
    );
    // Exempt (专题) and fresh columns count for nothing.
    let pages = vec![
        ("http://x.gov.cn/".to_string(), home(Some(1))),
        (
            "http://x.gov.cn/zt/".to_string(),
            list("历史专题", Some(900)),
        ),
    ];
    assert!(run(&pages).is_empty());
}

#[test]
fn home_page_freshness() {
    assert!(run(&[("http://x.gov.cn/".to_string(), home(Some(10)))]).is_empty());
    // 14 days is still within two weeks: a warning, no veto.
    let f = run(&[("http://x.gov.cn/".to_string(), home(Some(14)))]);
    assert!(!f.iter().any(|f| f.check == CheckId::HomeStale));
    assert_eq!(
        site_level(&f),
        vec![("site.warning".into(), "首页不更新".into())]
    );
    let f = run(&[("http://x.gov.cn/".to_string(), home(Some(15)))]);
    assert!(f
        .iter()
        .any(|f| f.check == CheckId::HomeStale && f.severity == Severity::Veto));
    assert_eq!(
        site_level(&f),
        vec![("site.veto".into(), "首页不更新".into())]
    );
    // A navigation-only home page is judged by its second-level pages.
    let f = run(&[
        ("http://x.gov.cn/".to_string(), home(None)),
        ("http://x.gov.cn/a/".to_string(), list("要闻动态", Some(2))),
    ]);
    assert!(f.is_empty(), "{f:?}");
    let f = run(&[("http://x.gov.cn/".to_string(), home(None))]);
    assert!(f
        .iter()
        .any(|f| f.check == CheckId::HomeStale && f.evidence == "无带日期的信息"));
}

#[test]
fn interpretations_pair_by_title_when_links_are_missing() {
    assert!(titles_match(
        "一图读懂《关于加快发展养老服务业的若干意见》",
        "示范县人民政府办公室关于加快发展养老服务业的若干意见"
    ));
    assert!(titles_match(
        "《示范县城乡居民医疗保险实施细则》解读",
        "关于印发示范县城乡居民医疗保险实施细则的通知"
    ));
    assert!(
        !titles_match("《通知》解读", "关于印发某某办法的通知"),
        "too short to match"
    );
    assert!(!titles_match(
        "《关于调整最低生活保障标准的通知》政策问答",
        "关于加快发展养老服务业的若干意见"
    ));
}
