//! IPv6 checks end to end: the fixture is served on 127.0.0.1 and [::1]
//! (same port); `--resolve` given twice for a host gives it an A and an
//! AAAA record.

use crate::common::*;
use govscan_demo::server::{self, Portal, Route};
use std::sync::Arc;

const DUAL: &str = "www.dual.gov.cn";
const V4ONLY: &str = "www.v4only.gov.cn";
const CDN: &str = "static.v4cdn.example.cn";

#[tokio::test(flavor = "multi_thread")]
async fn ipv6_home_links_and_blank_areas() {
    let (listener, v6, addr) = server::bind_dual().await.unwrap();
    let Some(v6) = v6 else {
        assert!(
            std::env::var("CI").is_err(),
            "CI=true but this machine has no [::1] loopback: the IPv6 checks are tested over it"
        );
        eprintln!("SKIPPED: no [::1] loopback on this machine: the IPv6 test did not run");
        return;
    };
    let port = addr.port();
    let mut p = Portal::new();
    let links: String = (0..10)
        .map(|i| format!(r#"<a href="/c{i}/">栏目{i}</a>"#))
        .collect();
    p.page(
        DUAL,
        "/",
        page(
            "双栈县政府",
            &format!(r#"{links}<img src="http://{CDN}:{port}/logo.png" alt="标志">"#),
        ),
    );
    for i in 0..10 {
        p.page(
            DUAL,
            &format!("/c{i}/"),
            page("栏目", r#"<a href="/c0/a.html">文章</a>"#),
        );
    }
    p.page(DUAL, "/c0/a.html", page("文章", "<p>正文</p>"));
    p.add(
        CDN,
        "/logo.png",
        Route::new(200, "image/png", vec![0u8; 16]),
    );
    // Two of ten level-2 columns are missing over IPv6: 80% < 90%.
    for i in [3, 7] {
        p.add_v6(
            DUAL,
            &format!("/c{i}/"),
            Route::new(404, "text/html", "<h1>404</h1>"),
        );
    }
    p.page(
        V4ONLY,
        "/",
        page("县教育局", r#"<a href="/a.html">新闻</a>"#),
    );
    p.page(V4ONLY, "/a.html", page("新闻", "<p>正文</p>"));
    let portal = Arc::new(p);
    let h4 = server::serve(listener, portal.clone());
    let h6 = server::serve(v6, portal.clone());
    let resolve =
        |host: &str, addr: &str| ["--resolve".to_string(), format!("{host}:{port}:{addr}")];
    let mut f = flags(&["--rate", "0", "--no-db", "--no-sitemap"]);
    f.extend(resolve(DUAL, "127.0.0.1"));
    f.extend(resolve(DUAL, "[::1]"));
    f.extend(resolve(V4ONLY, "127.0.0.1"));
    f.extend(resolve(CDN, "127.0.0.1"));
    let sites = [
        format!("http://{DUAL}:{port}/"),
        format!("http://{V4ONLY}:{port}/"),
    ];
    let out = tempfile::tempdir().unwrap();
    let outcome = scan(&sites, &f, out.path()).await;
    let of = |i: usize| -> Vec<(String, String, String)> {
        let mut v: Vec<_> = outcome.report.sites[i]
            .findings
            .iter()
            .filter(|f| f.check.as_str().starts_with("ipv6."))
            .map(|f| {
                (
                    f.check.as_str().to_string(),
                    f.target.clone(),
                    f.status.clone(),
                )
            })
            .collect();
        v.sort();
        v
    };
    assert_eq!(
        of(0),
        vec![
            (
                "ipv6.embedded".to_string(),
                CDN.to_string(),
                "no_aaaa".to_string()
            ),
            (
                "ipv6.links".to_string(),
                "level2".to_string(),
                "low".to_string()
            ),
        ]
    );
    assert_eq!(
        of(1),
        vec![(
            "ipv6.home".to_string(),
            V4ONLY.to_string(),
            "no_aaaa".to_string()
        )]
    );
    let v6 = outcome.report.sites[0].summary.ipv6.as_ref().unwrap();
    assert_eq!((v6.aaaa, v6.home.as_str()), (Some(true), "ok"));
    assert_eq!(v6.levels, vec![(2, 8, 10), (3, 1, 1)]);
    // The failing links, as the monitoring platforms hand them over.
    let csv = std::fs::read_to_string(out.path().join("ipv6.csv")).unwrap();
    let mut rows: Vec<&str> = csv.lines().skip(1).collect();
    rows.sort();
    assert_eq!(
        rows,
        vec![
            format!("{DUAL},http://{DUAL}:{port}/c3/,2,404,http://{DUAL}:{port}/").as_str(),
            format!("{DUAL},http://{DUAL}:{port}/c7/,2,404,http://{DUAL}:{port}/").as_str(),
        ]
    );
    // The crawl itself ran once, over IPv4; IPv6 requests are the home page
    // and the sampled links only.
    // (A 404 answer to HEAD is asked again with a GET, as every link check.)
    let v6_paths: std::collections::BTreeSet<String> = portal
        .hits()
        .into_iter()
        .filter(|h| h.over_v6)
        .map(|h| h.path)
        .collect();
    assert_eq!(
        v6_paths.len(),
        1 + 10 + 1,
        "home, ten level-2 columns, one level-3 article: {v6_paths:?}"
    );
    assert!(
        portal
            .hits()
            .iter()
            .filter(|h| !h.over_v6 && h.host == DUAL && h.path == "/c5/")
            .count()
            == 1
    );

    // --ipv6 off: none of it.
    let mut f2 = f.clone();
    f2.extend(["--ipv6".to_string(), "off".to_string()]);
    let out2 = tempfile::tempdir().unwrap();
    let outcome = scan(&sites, &f2, out2.path()).await;
    assert!(outcome.report.sites.iter().all(|s| s.summary.ipv6.is_none()
        && !s
            .findings
            .iter()
            .any(|f| f.check.as_str().starts_with("ipv6."))));
    h4.abort();
    h6.abort();
}

/// The demo's IPv6 plants: the county portal partly moved to IPv6 (level-2
/// columns missing, an old home page copy, a counter from an IPv4-only
/// host); the education bureau has no AAAA record.
#[tokio::test(flavor = "multi_thread")]
async fn the_demo_shows_the_ipv6_plants() {
    let out = tempfile::tempdir().unwrap();
    let (outcome, _, _) = scan_demo(30, out.path()).await;
    let of = |i: usize| -> Vec<(String, String)> {
        outcome.report.sites[i]
            .findings
            .iter()
            .filter(|f| f.check.as_str().starts_with("ipv6."))
            .map(|f| (f.check.as_str().to_string(), f.status.clone()))
            .collect()
    };
    let main = of(0);
    for want in [
        ("ipv6.links", "low"),
        ("ipv6.consistency", "differs"),
        ("ipv6.embedded", "no_aaaa"),
    ] {
        assert!(
            main.iter().any(|(c, s)| c == want.0 && s == want.1),
            "{want:?} in {main:?}"
        );
    }
    assert!(!main.iter().any(|(c, _)| c == "ipv6.home"), "{main:?}");
    assert!(outcome.report.sites[0]
        .findings
        .iter()
        .any(|f| f.check.as_str() == "ipv6.embedded"
            && f.target == govscan_demo::portal::COUNTER_HOST));
    assert_eq!(
        of(1),
        vec![("ipv6.home".to_string(), "no_aaaa".to_string())]
    );
    let csv = std::fs::read_to_string(out.path().join("ipv6.csv")).unwrap();
    assert!(csv.contains("/hdjl/xzxx/,2,404,"), "{csv}");
}
