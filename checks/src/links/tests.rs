//! Unit tests of link classification and judgement.

use super::*;
use crate::fetch::Hop;

fn base() -> Url {
    Url::parse("http://www.example.gov.cn/news/index.html").unwrap()
}

#[test]
fn classifies_hrefs() {
    let b = base();
    assert_eq!(
        classify_href("a.html#x", &b, true, false, false),
        LinkTarget::Web(Url::parse("http://www.example.gov.cn/news/a.html#x").unwrap())
    );
    assert_eq!(
        classify_href("", &b, true, false, false),
        LinkTarget::Malformed(Malformed::Empty)
    );
    assert_eq!(
        classify_href("#", &b, true, false, false),
        LinkTarget::Malformed(Malformed::HashOnly)
    );
    assert_eq!(
        classify_href("#", &b, true, false, true),
        LinkTarget::NotWeb
    );
    assert_eq!(
        classify_href("#", &b, true, true, false),
        LinkTarget::NotWeb
    );
    assert_eq!(
        classify_href("javascript:void(0);", &b, true, false, false),
        LinkTarget::Malformed(Malformed::ScriptPlaceholder)
    );
    assert_eq!(
        classify_href("javascript:openWin('x')", &b, true, false, false),
        LinkTarget::NotWeb
    );
    assert_eq!(
        classify_href("mailto:a@b.cn", &b, true, false, false),
        LinkTarget::NotWeb
    );
    assert_eq!(
        classify_href("tel:12345", &b, true, false, false),
        LinkTarget::NotWeb
    );
    assert_eq!(
        classify_href("file:///C:/Users/a.doc", &b, true, false, false),
        LinkTarget::Malformed(Malformed::LocalFile)
    );
    assert_eq!(
        classify_href("http://", &b, true, false, false),
        LinkTarget::Malformed(Malformed::Unparseable)
    );
    assert_eq!(
        classify_href("http:/x", &b, true, false, false),
        LinkTarget::Malformed(Malformed::BadScheme)
    );
    assert_eq!(
        classify_href("htp://x.cn", &b, true, false, false),
        LinkTarget::Malformed(Malformed::BadScheme)
    );
    assert_eq!(
        classify_href("http://exa mple.cn/", &b, true, false, false),
        LinkTarget::Malformed(Malformed::Unparseable)
    );
    assert_eq!(
        classify_href("http://[::1/", &b, true, false, false),
        LinkTarget::Malformed(Malformed::Unparseable)
    );
    // An empty src on an image is not a navigation placeholder.
    assert_eq!(
        classify_href("", &b, false, false, false),
        LinkTarget::NotWeb
    );
}

#[test]
fn private_hosts() {
    let priv_ = |s: &str| is_private_host(&Url::parse(s).unwrap().host().unwrap());
    assert!(priv_("http://10.1.2.3/"));
    assert!(priv_("http://192.168.0.1/"));
    assert!(priv_("http://172.20.0.1/"));
    assert!(priv_("http://127.0.0.1:8080/"));
    assert!(priv_("http://169.254.1.1/"));
    assert!(priv_("http://localhost/"));
    assert!(priv_("http://oa/"));
    assert!(priv_("http://[::1]/"));
    assert!(priv_("http://[fd00::1]/"));
    assert!(!priv_("http://www.gov.cn/"));
    assert!(!priv_("http://172.32.0.1/"));
    assert!(!priv_("http://8.8.8.8/"));
}

/// The last-label test answers as the suffix list it replaced, on names
/// of every case, with and without a trailing dot.
#[test]
fn private_domains_are_judged_as_the_suffix_list_judged_them() {
    fn by_suffixes(name: &str) -> bool {
        let name = name.trim_end_matches('.').to_ascii_lowercase();
        !name.contains('.')
            || [
                ".localhost",
                ".local",
                ".lan",
                ".internal",
                ".intranet",
                ".corp",
                ".home.arpa",
            ]
            .iter()
            .any(|s| name.ends_with(s))
    }
    let mut checked = 0;
    for stem in [
        "",
        "a.",
        "www.sfx.gov.",
        "home.",
        "x.home.",
        "lan.",
        "corp.example.",
    ] {
        for last in [
            "cn",
            "com",
            "lan",
            "LAN",
            "corp",
            "Corp",
            "arpa",
            "local",
            "locals",
            "internal",
            "intranet",
            "INTRANET",
            "localhost",
            "localhost2",
            "gov",
            "home",
            "net",
        ] {
            for dot in ["", "."] {
                let name = format!("{stem}{last}{dot}");
                assert_eq!(
                    is_private_host(&url::Host::Domain(name.as_str())),
                    by_suffixes(&name),
                    "{name}"
                );
                checked += 1;
            }
        }
    }
    assert_eq!(checked, 7 * 17 * 2);
}

fn outcome(url: &str, result: FetchResult, hops: Vec<Hop>, final_url: &str) -> FetchOutcome {
    FetchOutcome {
        url: url.into(),
        final_url: final_url.into(),
        result,
        hops,
        content_type: None,
        blocked: None,
    }
}

#[test]
fn judges_outcomes() {
    let rules = crate::profile::Profile::national().links;
    let ok = outcome(
        "http://a.cn/x",
        FetchResult::Status(200),
        vec![],
        "http://a.cn/x",
    );
    assert_eq!(judge(&ok, None, &rules), LinkVerdict::Ok);
    assert!(matches!(
        judge(&ok, Some("页面不存在"), &rules),
        LinkVerdict::Soft404 { .. }
    ));
    let dead = outcome(
        "http://a.cn/x",
        FetchResult::Status(404),
        vec![],
        "http://a.cn/x",
    );
    assert!(
        matches!(judge(&dead, None, &rules), LinkVerdict::Dead { status, .. } if status == "404")
    );
    let to = outcome(
        "http://a.cn/x",
        FetchResult::Failed(FailureKind::Timeout, "t".into()),
        vec![],
        "http://a.cn/x",
    );
    assert!(
        matches!(judge(&to, None, &rules), LinkVerdict::Dead { status, .. } if status == "timeout")
    );
    let home = outcome(
        "http://a.cn/news/2020/1.html",
        FetchResult::Status(200),
        vec![Hop {
            url: "http://a.cn/news/2020/1.html".into(),
            status: 302,
        }],
        "http://a.cn/index.html",
    );
    assert!(
        matches!(judge(&home, None, &rules), LinkVerdict::Soft404 { detail, .. } if detail.contains("首页"))
    );
    let root = outcome(
        "http://a.cn/",
        FetchResult::Status(200),
        vec![Hop {
            url: "http://a.cn/".into(),
            status: 302,
        }],
        "http://a.cn/index.html",
    );
    assert_eq!(judge(&root, None, &rules), LinkVerdict::Ok);
    let off = outcome(
        "http://a.cn/",
        FetchResult::Failed(FailureKind::NotChecked, String::new()),
        vec![],
        "http://a.cn/",
    );
    assert_eq!(judge(&off, None, &rules), LinkVerdict::NotChecked);
}

#[test]
fn one_place_turns_a_verdict_into_a_link_finding() {
    let p = crate::profile::Profile::national();
    let dead = LinkVerdict::Dead {
        status: "404".into(),
        detail: "页面不存在(404)".into(),
    };
    let img = LinkUse {
        page: "http://a.gov.cn/",
        home: true,
        kind: LinkKind::Image,
        target: "http://a.gov.cn/x.png",
        text: "图",
        fragment: None,
    };
    let f = link_finding("甲", &dead, None, &img, &p).unwrap();
    assert_eq!(f.check.as_str(), "link.dead");
    assert_eq!(f.detail, "首页链接 · 图片：页面不存在(404)");
    assert!(f.home_page);
    let anchors = vec![anchor_hash("one")];
    let a = LinkUse {
        page: "http://a.gov.cn/p.html",
        home: false,
        kind: LinkKind::Anchor,
        target: "http://a.gov.cn/t.html#two",
        text: "二",
        fragment: Some("two"),
    };
    let f = link_finding("甲", &LinkVerdict::Ok, Some(&anchors), &a, &p).unwrap();
    assert_eq!(f.check.as_str(), "link.fragment");
    let present = LinkUse {
        fragment: Some("one"),
        ..a
    };
    assert!(link_finding("甲", &LinkVerdict::Ok, Some(&anchors), &present, &p).is_none());
    assert!(link_finding("甲", &LinkVerdict::NotChecked, None, &a, &p).is_none());
    let blocked = LinkVerdict::Blocked {
        status: "429".into(),
        detail: "未能核实".into(),
    };
    assert_eq!(
        link_finding("甲", &blocked, None, &a, &p).unwrap().severity,
        crate::finding::Severity::Info
    );
}

/// The remembered join gives exactly what `Url::join` gives, for the hrefs
/// it takes a short cut on and the others alike, on every base.
#[test]
fn remembered_joins_equal_url_join() {
    let bases = [
        "http://www.x.gov.cn/a/b/index.html",
        "https://user:pw@www.x.gov.cn:8443/a/?q=1#f",
        "http://127.0.0.1:8080/",
        "http://[::1]:9000/x/y",
    ];
    let hrefs = [
        "/",
        "/a/../b/./c.html?x=1&y=%e4#frag",
        "/中文/路径.html",
        "/a b\t/c\n.html",
        "//cdn.x.cn/lib.js",
        "/\\\\evil.cn/x",
        "HTTP://WWW.Y.GOV.CN:80/Z",
        "https://y.gov.cn",
        "http:relative",
        "./t20261120_1.html",
        "../up.html",
        "?page=2",
        "#top",
    ];
    for base in bases {
        let base = url::Url::parse(base).unwrap();
        // Twice: the second answer comes from the memory.
        for _ in 0..2 {
            for href in hrefs {
                assert_eq!(
                    super::join_remembered(&base, href).map(|u| u.to_string()),
                    base.join(href).map(|u| u.to_string()),
                    "{base} + {href:?}"
                );
            }
        }
    }
}
