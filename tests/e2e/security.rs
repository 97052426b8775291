//! Security checks end to end on loopback: hijacking scripts, cloaking,
//! hidden frames, defacement between two runs, certificates and mixed
//! content, each beside a control that must not be reported.

use crate::common::*;
use govscan_demo::server::{self, Portal, Route};
use std::sync::Arc;

const HACKED: &str = "www.hacked.gov.cn";
const CLEAN: &str = "www.clean.gov.cn";

fn statuses(
    outcome: &govscan::run::ScanOutcome,
    site: usize,
    check: &str,
) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = outcome.report.sites[site]
        .findings
        .iter()
        .filter(|f| f.check.as_str() == check)
        .map(|f| {
            let path = url::Url::parse(&f.page)
                .map(|u| u.path().to_string())
                .unwrap_or_default();
            (path, f.status.clone())
        })
        .collect();
    v.sort();
    v
}

#[tokio::test(flavor = "multi_thread")]
async fn hijacking_scripts_cloaking_and_hidden_frames() {
    let fx = start(|_, p| {
        let hijack = r#"<script>var r = document.referrer; if (r.indexOf("baidu") > -1) { window.location.href = "http://www.example-bocai.com/"; }</script>"#;
        p.page(HACKED, "/", page("被入侵的县政府", &format!(r#"{hijack}<a href="/a.html">新闻</a>"#)));
        // What only a spider gets: a link farm of gambling sites.
        p.spider_page(
            HACKED,
            "/",
            page("被入侵的县政府", r#"<a href="/a.html">新闻</a><a href="http://www.example-bocai.com/">澳门娱乐城</a>"#),
        );
        p.page(
            HACKED,
            "/a.html",
            page("新闻", r#"<p>正文</p><iframe src="http://evil.example.org/x.html" width="0" height="0"></iframe>"#),
        );
        // Controls: statistics, a back button, a visible video frame, the
        // same page for every visitor.
        p.page(
            CLEAN,
            "/",
            page(
                "示范县人民政府",
                r#"<script>var _hmt = _hmt || []; (function() { var hm = document.createElement("script"); hm.src = "https://hm.baidu.com/hm.js?0123"; })();</script>
                <script>function back() { if (document.referrer) { window.location.href = document.referrer; } }</script>
                <a href="/a.html">新闻</a>"#,
            ),
        );
        p.page(
            CLEAN,
            "/a.html",
            page("新闻", r#"<iframe src="http://video.example.com/v.html" width="640" height="360"></iframe>"#),
        );
    })
    .await;
    let out = tempfile::tempdir().unwrap();
    let mut f = flags(&["--rate", "0", "--no-db", "--no-sitemap"]);
    f.extend(fx.resolve(&[HACKED, CLEAN]));
    let outcome = scan(
        &[fx.base(HACKED) + "/", fx.base(CLEAN) + "/"],
        &f,
        out.path(),
    )
    .await;
    assert_eq!(
        statuses(&outcome, 0, "security.malicious_script"),
        vec![
            ("/".to_string(), "cloaking".to_string()),
            ("/".to_string(), "referrer_hijack".to_string()),
            ("/a.html".to_string(), "hidden_frame".to_string()),
        ]
    );
    assert!(statuses(&outcome, 1, "security.malicious_script").is_empty());
    // One spider request per site, for the home page only.
    assert_eq!(fx.spider_hits(HACKED), vec!["/".to_string()]);
    assert_eq!(fx.spider_hits(CLEAN), vec!["/".to_string()]);
    let hacked = &outcome.report.sites[0];
    let verdict = hacked.score.as_ref().unwrap().verdict_zh();
    assert!(verdict.contains("不合格"), "{verdict}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_defaced_home_page_between_two_runs() {
    let fx = start(|_, p| {
        let home = |title: &str, footer: &str| {
            page(
                title,
                &format!(r#"<a href="/a.html">新闻</a><div class="footer">{footer}</div>"#),
            )
        };
        let footer = "主办单位：示范县人民政府 网站标识码：3399990001 浙ICP备12345678号";
        p.page(HACKED, "/", home("示范县人民政府", footer));
        p.add_versioned(
            1,
            HACKED,
            "/",
            Route::html(home("澳门博彩 真人娱乐城", footer)),
        );
        p.page(HACKED, "/a.html", page("新闻", "<p>正文</p>"));
        // A control renamed between the runs.
        p.page(CLEAN, "/", home("示范县教育局", footer));
        p.add_versioned(
            1,
            CLEAN,
            "/",
            Route::html(home("示范县教育局门户网站", footer)),
        );
        p.page(CLEAN, "/a.html", page("新闻", "<p>正文</p>"));
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("history.db").display().to_string();
    let run = |now: &str| {
        let mut f = flags(&["--rate", "0", "--no-sitemap", "--now", now, "--db", &db]);
        f.extend(fx.resolve(&[HACKED, CLEAN]));
        f
    };
    let sites = [fx.base(HACKED) + "/", fx.base(CLEAN) + "/"];
    let first = scan(&sites, &run("2026-11-20"), &dir.path().join("night1")).await;
    assert!(
        statuses(&first, 0, "security.defaced").is_empty(),
        "no previous run: not checked"
    );
    fx.portal.set_version(1);
    let second = scan(&sites, &run("2026-11-21"), &dir.path().join("night2")).await;
    assert_eq!(
        statuses(&second, 0, "security.defaced"),
        vec![("/".to_string(), "defaced".to_string())]
    );
    let f = second.report.sites[0]
        .findings
        .iter()
        .find(|f| f.check.as_str() == "security.defaced")
        .unwrap();
    assert!(
        f.detail.contains("示范县人民政府") && f.detail.contains("博彩"),
        "{}",
        f.detail
    );
    assert!(
        statuses(&second, 1, "security.defaced").is_empty(),
        "a renamed site is not defaced"
    );
}

/// Serves `portal` over TLS with a certificate made now for `host`.
async fn serve_tls(
    portal: Arc<Portal>,
    host: &str,
    valid: (i32, i32),
) -> (u16, tokio::task::JoinHandle<()>) {
    use tokio_rustls::rustls;
    let mut params = rcgen::CertificateParams::new(vec![host.to_string()]).unwrap();
    params.not_before = rcgen::date_time_ymd(valid.0, 1, 1);
    params.not_after = rcgen::date_time_ymd(valid.1, 1, 1);
    let key = rcgen::KeyPair::generate().unwrap();
    let cert = params.self_signed(&key).unwrap();
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(
        vec![cert.der().clone()],
        rustls::pki_types::PrivatePkcs8KeyDer::from(key.serialize_der()).into(),
    )
    .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let (listener, addr) = server::bind().await.unwrap();
    let handle = tokio::spawn(async move {
        loop {
            let Ok((tcp, _)) = listener.accept().await else {
                continue;
            };
            let (acceptor, portal) = (acceptor.clone(), portal.clone());
            tokio::spawn(async move {
                if let Ok(tls) = acceptor.accept(tcp).await {
                    server::serve_connection(tls, portal, false).await;
                }
            });
        }
    });
    (addr.port(), handle)
}

#[tokio::test(flavor = "multi_thread")]
async fn certificates_are_reported_and_the_site_is_still_audited() {
    const OWN: &str = "www.selfsigned.gov.cn";
    const OLD: &str = "www.expired.gov.cn";
    const PLAIN: &str = "img.plain.gov.cn";
    let plain = start(|_, p| {
        p.add(PLAIN, "/a.png", Route::new(200, "image/png", vec![0u8; 16]));
    })
    .await;
    let mut portal = Portal::new();
    let img = format!(
        r#"<img src="http://{PLAIN}:{}/a.png" alt="图">"#,
        plain.port
    );
    portal.page(
        OWN,
        "/",
        page(
            "自签名证书的网站",
            &format!(r#"{img}<a href="/a.html">新闻</a>"#),
        ),
    );
    portal.page(OWN, "/a.html", page("新闻", "<p>正文</p>"));
    portal.page(
        OLD,
        "/",
        page("证书过期的网站", r#"<a href="/a.html">新闻</a>"#),
    );
    portal.page(OLD, "/a.html", page("新闻", "<p>正文</p>"));
    let portal = Arc::new(portal);
    let (own_port, h1) = serve_tls(portal.clone(), OWN, (2026, 2028)).await;
    let (old_port, h2) = serve_tls(portal.clone(), OLD, (2024, 2026)).await;
    let out = tempfile::tempdir().unwrap();
    let mut f = flags(&["--rate", "0", "--no-db", "--no-sitemap"]);
    f.extend([
        "--resolve".to_string(),
        format!("{OWN}:{own_port}:127.0.0.1"),
        "--resolve".to_string(),
        format!("{OLD}:{old_port}:127.0.0.1"),
    ]);
    f.extend(plain.resolve(&[PLAIN]));
    let outcome = scan(
        &[
            format!("https://{OWN}:{own_port}/"),
            format!("https://{OLD}:{old_port}/"),
        ],
        &f,
        out.path(),
    )
    .await;
    h1.abort();
    h2.abort();
    for (i, want) in [(0, "self_signed"), (1, "expired")] {
        let site = &outcome.report.sites[i];
        let audit = &site.score.as_ref().unwrap().audit;
        assert_eq!(audit.status.as_str(), "audited", "{}: {audit:?}", site.name);
        assert_eq!(site.summary.pages, 2, "{}: both pages read", site.name);
        assert_eq!(
            statuses(&outcome, i, "security.tls"),
            vec![("/".to_string(), want.to_string())]
        );
        let tls = site
            .findings
            .iter()
            .find(|f| f.check.as_str() == "security.tls")
            .unwrap();
        assert_eq!(tls.severity.as_str(), "info");
    }
    // The https page loads an http image: mixed content, information only.
    assert_eq!(
        statuses(&outcome, 0, "security.mixed_content"),
        vec![("/".to_string(), "mixed".to_string())]
    );
    assert!(statuses(&outcome, 1, "security.mixed_content").is_empty());
}

/// The demo's education bureau was hacked: a hidden block of gambling
/// links, a referrer hijack and cloaking, all found; the county portal
/// (its control) has none.
#[tokio::test(flavor = "multi_thread")]
async fn the_demo_shows_the_security_plants() {
    let out = tempfile::tempdir().unwrap();
    let (outcome, _, _) = scan_demo(30, out.path()).await;
    let found = |i: usize| -> Vec<(String, String, String)> {
        let mut v: Vec<_> = outcome.report.sites[i]
            .findings
            .iter()
            .filter(|f| f.check.as_str().starts_with("security."))
            .map(|f| {
                let path = url::Url::parse(&f.page)
                    .map(|u| u.path().to_string())
                    .unwrap();
                (f.check.as_str().to_string(), path, f.status.clone())
            })
            .collect();
        v.sort();
        v
    };
    let edu = found(1);
    for want in [
        ("security.hidden_link", "/tzgg/hacked-notice.html"),
        ("security.malicious_script", "/tzgg/hacked-notice.html"),
        ("security.malicious_script", "/"),
    ] {
        assert!(
            edu.iter().any(|(c, p, _)| c == want.0 && p == want.1),
            "{want:?} in {edu:#?}"
        );
    }
    assert!(edu.iter().any(|(_, _, s)| s == "cloaking"), "{edu:#?}");
    assert!(
        edu.iter().any(|(_, _, s)| s == "referrer_hijack"),
        "{edu:#?}"
    );
    assert_eq!(found(0), Vec::<(String, String, String)>::new());
}
