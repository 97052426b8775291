//! The built-in demo portal: every planted defect is found.

use crate::common::*;
use govscan_demo::portal::MAIN_HOST;

#[tokio::test(flavor = "multi_thread")]
async fn demo_portal_plants_are_all_found() {
    let out = tempfile::tempdir().unwrap();
    let (outcome, portal, closed) = scan_demo(120, out.path()).await;
    let port = url::Url::parse(&outcome.report.sites[0].url)
        .unwrap()
        .port()
        .unwrap();
    let base = format!("http://{MAIN_HOST}:{port}");
    let main: Vec<_> = outcome.report.sites[0].findings.clone();
    let got = keyed(&main, &base);
    let has = |check: &str, target_end: &str, status: &str| {
        got.iter()
            .any(|(c, _, t, s)| c == check && t.ends_with(target_end) && s == status)
    };
    for (check, target, status) in [
        ("link.dead", "/xwzx/ywdt/202001/t20200101_0001.html", "404"),
        ("link.dead", "/images/banner-2019.jpg", "404"),
        ("link.dead", "/zwgk/closed-column.html", "404"),
        ("link.dead", "sfx-demo.invalid/", "dns"),
        ("link.dead", "/api/error.html", "500"),
        ("link.dead", "/files/2024/budget.xls", "404"),
        ("link.dead", "/slow/report.html", "timeout"),
        ("link.dead", "/loop/a.html", "redirect_loop"),
        ("link.dead", &format!(":{closed}/"), "refused"),
        ("link.soft404", "/zwgk/tzgg/notfound.html", "200"),
        ("link.soft404", "/xwzx/old-topic/index.html", "200"),
        ("link.fragment", "/bsfw/guide.html#step9", "fragment"),
        (
            "link.intranet",
            "http://192.168.10.5/oa/login.jsp",
            "intranet",
        ),
        ("link.intranet", "http://10.12.1.8/oa/", "intranet"),
        ("link.malformed", "#", "placeholder"),
        ("link.malformed", "javascript:void(0)", "placeholder"),
        ("link.malformed", "会议纪要.doc", "local_file"),
        (
            "link.malformed",
            "http://www.sfx demo.gov.cn/x.html",
            "unparseable",
        ),
    ] {
        assert!(
            has(check, target, status),
            "missing {check} {target} {status}\n{got:#?}"
        );
    }
    // The 503-then-OK page and the GBK page with a Chinese path are fine.
    assert!(
        !got.iter()
            .any(|(_, _, t, _)| t.contains("flaky") || t.contains("%E7%BB%9F")),
        "{got:#?}"
    );
    // robots.txt keeps /admin/ unfetched; the sitemap-only page is crawled.
    assert!(portal.hits().iter().all(|h| !h.path.starts_with("/admin/")));
    let pages = &outcome.report.sites[0].pages;
    assert!(pages
        .iter()
        .any(|p| p.url.ends_with("/zwgk/sitemap-only.html") && p.crawled));
    assert!(pages
        .iter()
        .any(|p| &*p.title == "2025年示范县国民经济和社会发展统计公报"));
    assert!(pages.iter().filter(|p| p.crawled).count() > 100);

    // Every site's pages were spilled to disk as the site ended and came
    // back whole: pages.csv holds each site's pages, in site order, and the
    // spill file left nothing in the output folder.
    let csv = std::fs::read_to_string(out.path().join("pages.csv")).unwrap();
    let mut rows = csv::Reader::from_reader(csv.trim_start_matches('\u{feff}').as_bytes());
    let csv_urls: Vec<String> = rows.records().map(|r| r.unwrap()[0].to_string()).collect();
    let json_urls: Vec<String> = outcome
        .report
        .sites
        .iter()
        .flat_map(|s| s.pages.iter().map(|p| p.url.clone()))
        .collect();
    assert!(
        outcome
            .report
            .sites
            .iter()
            .filter(|s| !s.pages.is_empty())
            .count()
            > 1
    );
    assert_eq!(csv_urls, json_urls);
    let mut files: Vec<String> = std::fs::read_dir(out.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with("govscan.db"))
        .collect();
    files.sort();
    assert_eq!(
        files,
        [
            "changes.csv",
            "columns.csv",
            "findings.csv",
            "ipv6.csv",
            "pages.csv",
            "report.html",
            "report.json",
            "run.log",
            "sites.csv"
        ]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn demo_compliance_plants_are_all_found() {
    let out = tempfile::tempdir().unwrap();
    let (outcome, _, _) = scan_demo(120, out.path()).await;
    let main = &outcome.report.sites[0];
    let edu = &outcome.report.sites[1];
    let has = |site: &govscan_reports::SiteReport, check: &str, page_part: &str, status: &str| {
        site.findings
            .iter()
            .any(|f| f.check.as_str() == check && f.page.contains(page_part) && f.status == status)
    };
    let count = |site: &govscan_reports::SiteReport, check: &str, status: &str| {
        site.findings
            .iter()
            .filter(|f| f.check.as_str() == check && f.status == status)
            .count()
    };
    // Footer: each planted template defect, on every page of that template.
    assert!(has(main, "footer.jiucuo", "/xwzx/xzdt/", "missing"));
    assert!(has(main, "footer.mismatch", "/zwgk/ghjh/", "mismatch"));
    assert!(has(main, "footer.site_code", "/bsfw/guide.html", "invalid"));
    assert!(
        !has(main, "footer.mismatch", "/bsfw/guide.html", "mismatch"),
        "an invalid code is not also a mismatch"
    );
    assert!(has(main, "footer.host", "/sousuo/", "missing"));
    assert!(has(main, "footer.icp", "/ztzl/yshj/", "missing"));
    assert!(has(main, "footer.sitemap", "/ztzl/yshj/", "missing"));
    assert!(has(main, "footer.jiucuo", "/zwgk/tjxx/", "legacy_host"));
    assert!(has(main, "footer.police", "/zwgk/tjxx/", "mismatch"));
    assert!(count(edu, "footer.conac", "error") >= 20);
    assert!(count(edu, "footer.police", "missing") >= 20);
    // The rest of the main site's templates are complete.
    assert!(!has(main, "footer.conac", "", "missing"));
    assert!(!has(main, "footer.police", "", "missing"));
    // Footer summary: pages lacking each element.
    assert_eq!(
        main.summary.footer_missing.get("footer.icp"),
        Some(&5),
        "{:?}",
        main.summary.footer_missing
    );
    // Columns and the home page.
    let stale: Vec<&str> = main
        .findings
        .iter()
        .filter(|f| f.check.as_str() == "column.stale")
        .map(|f| f.target.as_str())
        .collect();
    assert_eq!(stale.len(), 2, "{stale:?}");
    assert!(
        stale.contains(&"部门动态") && stale.contains(&"人事信息"),
        "{stale:?}"
    );
    let empty: Vec<&str> = main
        .findings
        .iter()
        .filter(|f| f.check.as_str() == "column.empty")
        .map(|f| f.target.as_str())
        .collect();
    assert_eq!(empty, vec!["财政信息"], "重大项目 has an explanatory note");
    assert!(!main
        .findings
        .iter()
        .any(|f| f.check.as_str() == "home.stale"));
    assert!(edu
        .findings
        .iter()
        .any(|f| f.check.as_str() == "home.stale" && f.severity == govscan_checks::Severity::Veto));
    assert!(edu
        .findings
        .iter()
        .any(|f| f.check.as_str() == "site.veto" && f.target == "首页不更新"));
    assert!(edu
        .findings
        .iter()
        .any(|f| f.check.as_str() == "column.stale" && f.target == "教育动态"));
    // Policy documents and interpretations.
    assert_eq!(count(main, "policy.no_interpretation", "none"), 2);
    assert_eq!(count(main, "policy.no_interpretation", "unlinked"), 1);
    let unlinked = main
        .findings
        .iter()
        .find(|f| f.check.as_str() == "policy.no_interpretation" && f.status == "unlinked")
        .unwrap();
    assert!(unlinked.detail.contains("一图读懂"), "{}", unlinked.detail);
    let no_back: Vec<_> = main
        .findings
        .iter()
        .filter(|f| f.check.as_str() == "interpretation.no_backlink")
        .collect();
    assert_eq!(no_back.len(), 1);
    assert!(
        no_back[0].detail.contains("城乡居民医疗保险实施细则"),
        "names the document: {}",
        no_back[0].detail
    );
    assert_eq!(count(main, "interpretation.late", "late"), 1);
    assert_eq!(count(main, "interpretation.orphan", "dead"), 1);
    assert_eq!(count(main, "policy.wenhao", "nonstandard"), 2);
    assert_eq!(count(main, "policy.metadata", "missing"), 1);
    assert_eq!(count(main, "policy.date", "before_written"), 1);
    // Privacy: evidence is masked; the masked forms on the page do not count.
    let id = main
        .findings
        .iter()
        .find(|f| f.check.as_str() == "privacy.id_number")
        .unwrap();
    assert_eq!(id.evidence, "33*************232");
    assert!(!id.evidence.contains("1985"));
    assert_eq!(count(main, "privacy.id_number", "unmasked"), 1);
    assert_eq!(count(main, "privacy.mobile", "unmasked"), 1);
    // pages.csv carries the page facts.
    let pages = std::fs::read_to_string(out.path().join("pages.csv")).unwrap();
    let header = pages.lines().next().unwrap();
    assert!(header.ends_with(",kind,site_code,icp,police,conac,jiucuo,sitemap,host,column,newest_date,doc_no,index_no,written,published,validity,content_hash,cms,rendered"), "{header}");
    assert!(pages.contains(",policy,3399990001,浙ICP备12345678号-1,33999902000123,yes,yes,yes,示范县人民政府办公室,政策文件,,示政办发[2026]5号,"), "policy row facts");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_demo_shows_sites_that_could_not_be_audited() {
    let out = tempfile::tempdir().unwrap();
    let (outcome, _, _) = scan_demo(60, out.path()).await;
    let audits: Vec<(String, String, String)> = outcome
        .report
        .sites
        .iter()
        .map(|s| {
            let sc = s.score.as_ref().unwrap();
            (
                s.name.clone(),
                sc.audit.status.as_str().to_string(),
                sc.audit.reason.clone(),
            )
        })
        .collect();
    assert_eq!(
        audits[2..4],
        [
            (
                "zhen.sfx-demo.gov.cn".to_string(),
                "not_audited".to_string(),
                "refused".to_string()
            ),
            (
                "wlj.sfx-demo.gov.cn".to_string(),
                "not_audited".to_string(),
                "challenge".to_string()
            ),
        ],
        "{audits:?}"
    );
    // The county portal's planted slow page could not be read: partial, and said so.
    assert_eq!(audits[0].1, "partial");
    assert_eq!(audits[1].1, "audited");
    let sites = std::fs::read_to_string(out.path().join("sites.csv")).unwrap();
    assert!(
        sites.contains("未能检查（首页无法访问：连接被拒绝）"),
        "{sites}"
    );
}
