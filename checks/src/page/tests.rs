//! Unit tests of the page analysis.

use super::*;
use crate::finding::CheckId;
use crate::links::{LinkKind, LinkTarget};
use crate::profile::Profile;

fn analyse(html: &str, url: &str) -> PageAnalysis {
    analyse_with(html, url, false, &Profile::national())
}

/// The analysis of a page, as the home page or not, under a profile.
fn analyse_with(html: &str, url: &str, is_home: bool, profile: &Profile) -> PageAnalysis {
    let url = Url::parse(url).unwrap();
    let input = PageInput {
        site: "测试站",
        url: &url,
        body: html.as_bytes(),
        content_type: Some("text/html; charset=utf-8"),
        is_home,
        truncated: false,
        today: NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
    };
    analyse_page(&input, profile)
}

#[test]
fn extracts_every_link_kind() {
    let html = r#"<html><head><title> 示例 县政府 </title>
        <base href="http://www.x.gov.cn/sub/">
        <link rel="stylesheet" href="/css/a.css"><link rel="dns-prefetch" href="//cdn.x.cn">
        <meta http-equiv="refresh" content="30; URL='/refresh.html'">
        <meta name="SiteIDCode" content="1304000009"><meta content="人事信息" name="ColumnName">
        <script src="js/a.js"></script></head><body>
        <a href="news/1.html">新闻 <b>一</b></a>
        <a href="http://www.other.gov.cn/"><img src="/img/logo.png" alt="兄弟单位"></a>
        <img srcset="/a-1x.png 1x, /a-2x.png 2x">
        <iframe src="/frame.html"></iframe>
        <embed src="/m.swf"><object data="/o.pdf"></object>
        <video src="/v.mp4" poster="/p.jpg"><source src="/s.mp4"></video><audio src="/a.mp3"></audio>
        <map><area href="/area.html" alt="区域"></map>
        <a name="n1">x</a><div id="d1"></div>
        </body></html>"#;
    let a = analyse(html, "http://www.x.gov.cn/index.html");
    assert_eq!(&*a.facts.title, "示例 县政府");
    assert_eq!(a.facts.meta.site_id_code.as_deref(), Some("1304000009"));
    assert_eq!(a.facts.meta.column_name.as_deref(), Some("人事信息"));
    let urls: Vec<String> = a
        .links
        .iter()
        .filter_map(|l| match &l.target {
            LinkTarget::Web(u) => Some(u.to_string()),
            _ => None,
        })
        .collect();
    for want in [
        "http://www.x.gov.cn/css/a.css",
        "http://www.x.gov.cn/refresh.html",
        "http://www.x.gov.cn/sub/js/a.js",
        "http://www.x.gov.cn/sub/news/1.html",
        "http://www.other.gov.cn/",
        "http://www.x.gov.cn/img/logo.png",
        "http://www.x.gov.cn/a-1x.png",
        "http://www.x.gov.cn/a-2x.png",
        "http://www.x.gov.cn/frame.html",
        "http://www.x.gov.cn/m.swf",
        "http://www.x.gov.cn/o.pdf",
        "http://www.x.gov.cn/v.mp4",
        "http://www.x.gov.cn/p.jpg",
        "http://www.x.gov.cn/s.mp4",
        "http://www.x.gov.cn/a.mp3",
        "http://www.x.gov.cn/area.html",
    ] {
        assert!(urls.iter().any(|u| u == want), "missing {want} in {urls:?}");
    }
    assert!(!urls.iter().any(|u| u.contains("cdn.x.cn")));
    let news = a.links.iter().find(|l| l.raw == "news/1.html").unwrap();
    assert_eq!(news.text, "新闻 一");
    let other = a
        .links
        .iter()
        .find(|l| l.raw == "http://www.other.gov.cn/")
        .unwrap();
    assert_eq!(other.text, "兄弟单位");
    assert!(PageAnalysis::has_anchor(&a.anchors, "n1"));
    assert!(PageAnalysis::has_anchor(&a.anchors, "d1"));
    assert!(PageAnalysis::has_anchor(&a.anchors, "top"));
    assert!(!PageAnalysis::has_anchor(&a.anchors, "nope"));
    assert!(PageAnalysis::has_anchor(
        &a.anchors,
        "/query/webSearch?code=33999902000123"
    ));
    assert!(PageAnalysis::has_anchor(&a.anchors, "!/home"));
}

fn web_urls(a: &PageAnalysis) -> Vec<(LinkKind, String)> {
    a.links
        .iter()
        .filter_map(|l| match &l.target {
            LinkTarget::Web(u) => Some((l.kind, u.to_string())),
            _ => None,
        })
        .collect()
}

#[test]
fn links_browsers_load_are_extracted_as_browsers_parse_them() {
    let html = r#"<html><head><meta http-equiv="refresh" content="0;new/index.html"></head><body>
        <img srcset="https://img.x.gov.cn/a.jpg?x-oss-process=image/resize,w_750 2x, /b.jpg 1x">
        <img srcset="data:image/png;base64,iVBORw0KGgo=, /c.png 2x">
        <picture><source srcset="/d.webp 480w, /e.webp (min-width: 800px) 800w"></picture>
        <div style="background-image: url('/bg/1.jpg'); color: red"></div>
        <table background="/bg/t.gif"><tr><td>x</td></tr></table>
        <form action="/search/s.jsp?old=1" method="get"><input type="image" src="/btn/go.gif"></form>
        <form action="/post.do" method="post"><input type="password" name="p"></form>
        </body></html>"#;
    let a = analyse(html, "http://www.x.gov.cn/index.html");
    let urls = web_urls(&a);
    let has = |kind: LinkKind, want: &str| urls.iter().any(|(k, u)| *k == kind && u == want);
    assert!(
        has(LinkKind::Refresh, "http://www.x.gov.cn/new/index.html"),
        "{urls:?}"
    );
    assert!(
        has(
            LinkKind::Image,
            "https://img.x.gov.cn/a.jpg?x-oss-process=image/resize,w_750"
        ),
        "{urls:?}"
    );
    assert!(has(LinkKind::Image, "http://www.x.gov.cn/b.jpg"));
    assert!(
        has(LinkKind::Image, "http://www.x.gov.cn/c.png"),
        "{urls:?}"
    );
    assert!(has(LinkKind::Media, "http://www.x.gov.cn/d.webp"));
    assert!(has(LinkKind::Media, "http://www.x.gov.cn/e.webp"));
    assert!(has(LinkKind::Image, "http://www.x.gov.cn/bg/1.jpg"));
    assert!(has(LinkKind::Image, "http://www.x.gov.cn/bg/t.gif"));
    assert!(has(LinkKind::Image, "http://www.x.gov.cn/btn/go.gif"));
    // A GET form is checked without its query; a POST form is not a link.
    assert!(
        has(LinkKind::Form, "http://www.x.gov.cn/search/s.jsp"),
        "{urls:?}"
    );
    assert!(!urls.iter().any(|(_, u)| u.contains("post.do")));
    // No fragment of a split srcset or data: URI is taken for a URL.
    assert!(
        !urls
            .iter()
            .any(|(_, u)| u.contains("w_750%20") || u.contains("base64") || u.ends_with("/2x")),
        "{urls:?}"
    );
    assert_eq!(
        urls.iter().filter(|(k, _)| *k == LinkKind::Image).count(),
        6,
        "{urls:?}"
    );
}

#[test]
fn srcset_and_refresh_parsing() {
    // As the standard says, a URL runs to white space: this is one URL.
    assert_eq!(srcset_urls("a.jpg,b.jpg 2x"), vec!["a.jpg,b.jpg"]);
    assert_eq!(srcset_urls("a.jpg, b.jpg 2x"), vec!["a.jpg", "b.jpg"]);
    assert_eq!(
        srcset_urls(" /x,y.jpg 1x , /z.jpg"),
        vec!["/x,y.jpg", "/z.jpg"]
    );
    assert_eq!(srcset_urls(""), Vec::<&str>::new());
    assert_eq!(refresh_url("5; url=/a.html"), Some("/a.html"));
    assert_eq!(refresh_url("5;URL='/b.html'"), Some("/b.html"));
    assert_eq!(refresh_url("0;x.html"), Some("x.html"));
    assert_eq!(refresh_url("30"), None);
    assert_eq!(
        css_urls("background:url(a.png) no-repeat, url(\"b.png\")"),
        vec!["a.png", "b.png"]
    );
}

#[test]
fn anchors_match_as_written_then_decoded_and_hashes_are_stable() {
    let a = analyse(
        r#"<html><body><div id="a%3Ab"></div><div id="一"></div></body></html>"#,
        "http://www.x.gov.cn/",
    );
    assert!(PageAnalysis::has_anchor(&a.anchors, "a%3Ab"));
    assert!(PageAnalysis::has_anchor(&a.anchors, "%E4%B8%80"));
    assert!(!PageAnalysis::has_anchor(&a.anchors, "a:b"));
    // FNV-1a test vectors: the hash is persisted, so it must never change.
    assert_eq!(anchor_hash(""), 0xcbf2_9ce4_8422_2325);
    assert_eq!(anchor_hash("a"), 0xaf63_dc4c_8601_ec8c);
}

#[test]
fn a_home_page_that_is_a_login_form_is_marked() {
    let url = Url::parse("http://mail.x.gov.cn/").unwrap();
    let html = r#"<html><head><title>邮件系统登录</title></head><body><form method="post"><input name="u"><input type="password" name="p"><button>登录</button></form></body></html>"#;
    let input = PageInput {
        site: "测试站",
        url: &url,
        body: html.as_bytes(),
        content_type: Some("text/html; charset=utf-8"),
        is_home: true,
        truncated: false,
        today: NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
    };
    assert!(analyse_page(&input, &Profile::national()).login);
    // A portal with a login box among its many links is not a login page.
    let links: String = (0..40)
        .map(|i| format!(r#"<a href="/n{i}.html">新闻{i}</a>"#))
        .collect();
    let portal = html.replace("</form>", &format!("</form>{links}"));
    let input = PageInput {
        body: portal.as_bytes(),
        ..input
    };
    assert!(!analyse_page(&input, &Profile::national()).login);
}

#[test]
fn a_jiucuo_entry_opened_by_onclick_counts() {
    let a = analyse(
        r#"<html><body><div class="footer"><p>主办单位：示范县人民政府办公室</p><a href="javascript:void(0)" onclick="window.open('https://zfwzgl.www.gov.cn/exposure/jiucuo.html?site_code=3301000001&url='+encodeURIComponent(location.href))"><img src="/images/jiucuo.png" alt="政府网站找错"></a></div></body></html>"#,
        "http://www.x.gov.cn/",
    );
    assert_eq!(a.facts.footer.jiucuo, crate::footer::Presence::Yes);
    assert_eq!(a.facts.footer.jiucuo_code.as_deref(), Some("3301000001"));
    assert_eq!(a.facts.footer.jiucuo_legacy_host, None);
}

#[test]
fn the_light_pass_agrees_with_the_full_analysis_on_what_links_need() {
    for (html, url) in [
        (
            r#"<html><head><title>提示信息</title></head><body><p>对不起，您访问的页面不存在！</p></body></html>"#,
            "http://a.gov.cn/x.html",
        ),
        (
            r#"<html><body><h2 id="sec1">一</h2><a name="n2">二</a><div id="一">三</div><p>正文内容很长很长</p></body></html>"#,
            "http://a.gov.cn/y.html",
        ),
    ] {
        let full = analyse(html, url);
        let u = Url::parse(url).unwrap();
        let input = PageInput {
            site: "测试站",
            url: &u,
            body: html.as_bytes(),
            content_type: Some("text/html; charset=utf-8"),
            is_home: false,
            truncated: false,
            today: NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
        };
        let light = link_target_facts(&input, &Profile::national());
        assert_eq!(light.not_found, full.not_found, "{html}");
        assert_eq!(light.anchors, full.anchors, "{html}");
    }
}

#[test]
fn frameset_frames_are_links() {
    let a = analyse(
        r#"<html><frameset><frame src="/top.html"><frame src="main.html"></frameset></html>"#,
        "http://a.gov.cn/",
    );
    let frames: Vec<&str> = a
        .links
        .iter()
        .filter(|l| l.kind == LinkKind::Frame)
        .map(|l| l.raw.as_str())
        .collect();
    assert_eq!(frames, vec!["/top.html", "main.html"]);
}

#[test]
fn percent_encoded_fragment_matches_chinese_id() {
    let a = analyse(r#"<h2 id="第一章">x</h2>"#, "http://a.gov.cn/");
    assert!(PageAnalysis::has_anchor(
        &a.anchors,
        "%E7%AC%AC%E4%B8%80%E7%AB%A0"
    ));
}

#[test]
fn placeholder_and_intranet_findings() {
    let html = r##"<a href="">空</a><a href="#">更多</a><a href="#">返回顶部</a>
        <a href="javascript:void(0)">查看</a><a href="javascript:void(0)" onclick="go()">菜单</a>
        <a href="http://192.168.1.5/oa/">内网办公</a><a href="http://10.0.0.1/x#y">内网</a>
        <a href="http://exa mple.cn/">坏</a>"##;
    let a = analyse(html, "http://www.x.gov.cn/");
    let got: Vec<(&str, &str, &str)> = a
        .findings
        .iter()
        .map(|f| (f.check.as_str(), f.target.as_str(), f.status.as_str()))
        .collect();
    assert_eq!(
        got,
        vec![
            ("link.malformed", "", "empty"),
            ("link.malformed", "#", "placeholder"),
            ("link.malformed", "javascript:void(0)", "placeholder"),
            ("link.intranet", "http://192.168.1.5/oa/", "intranet"),
            ("link.intranet", "http://10.0.0.1/x", "intranet"),
            ("link.malformed", "http://exa mple.cn/", "unparseable"),
        ]
    );
    // A site that itself lives on a private address is not flagged.
    let a = analyse(html, "http://192.168.1.5/");
    assert!(a.findings.iter().all(|f| f.check != CheckId::LinkIntranet));
}

#[test]
fn soft404_by_title_and_short_text() {
    let a = analyse("<title>404 页面不存在</title><p>x</p>", "http://a.gov.cn/x");
    assert!(a.not_found.is_some());
    let a = analyse(
        "<title>县政府</title><p>对不起，您访问的页面不存在！</p>",
        "http://a.gov.cn/x",
    );
    assert!(a.not_found.is_some());
    let long = format!(
        "<title>新闻</title><p>{}页面不存在</p>",
        "正文".repeat(2000)
    );
    assert!(analyse(&long, "http://a.gov.cn/x").not_found.is_none());
    assert!(analyse(
        "<title>县政府</title><p>电话 0404-1234</p>",
        "http://a.gov.cn/"
    )
    .not_found
    .is_none());
}

#[test]
fn broken_html_never_panics() {
    for html in [
        "<a href='x",
        "<<<>>>",
        "\0\0<p>\u{0}</p>",
        "<table><tr><td><a href=/a>x</table></a>",
        "",
    ] {
        let _ = analyse(html, "http://a.gov.cn/");
    }
}

#[test]
fn hidden_gambling_links_are_reported_and_hidden_menus_are_not() {
    let html = r##"<html><head><style>.gg{display:none} #menu2 {visibility:hidden}</style></head><body>
        <p>本县新闻</p>
        <div style="position:absolute;left:-9999px"><a href="http://www.amxpj-bocai.com/">澳门葡京娱乐城</a><a href="http://www.qp88.net/">棋牌游戏</a></div>
        <div class="gg"><a href="http://a1.example.com/">友情一</a><a href="http://a2.example.net/">友情二</a><a href="http://a3.example.org/">友情三</a></div>
        <ul id="menu2"><li><a href="/zwgk/">政务公开</a></li><li><a href="/bsfw/">办事服务</a></li><li><a href="http://www.zj.gov.cn/">省政府</a></li></ul>
        <span id="_span_jiucuo" style="display:none"><a href="https://zfwzgl.www.gov.cn/exposure/jiucuo.html?site_code=3399990001">找错</a></span>
        <marquee height="0"><a href="/x.html">站内</a></marquee>
        <div class="tab" id="gw_links" style="display:none"><a href="http://www.stat.go.jp/">日本</a><a href="http://www.destatis.de/">德国</a><a href="http://www.insee.fr/">法国</a></div>
        <script>$("#gw_links").show();</script>
        <a href="http://www.sports-bet365.com/">体育投注（可见的外链不是暗链）</a>
        </body></html>"##;
    let a = analyse(html, "http://www.x.gov.cn/index.html");
    let hidden: Vec<(&str, &str, crate::finding::Severity)> = a
        .findings
        .iter()
        .filter(|f| f.check == CheckId::SecurityHiddenLink)
        .map(|f| (f.target.as_str(), f.status.as_str(), f.severity))
        .collect();
    use crate::finding::Severity;
    assert_eq!(
        hidden,
        vec![
            ("http://www.amxpj-bocai.com/", "lexicon", Severity::Veto),
            ("http://www.qp88.net/", "lexicon", Severity::Veto),
            ("http://a1.example.com/", "hidden_block", Severity::Error),
        ],
        "{:#?}",
        a.findings
    );
}

#[test]
fn accessibility_entries_are_seen_in_links_toolbars_and_scripts() {
    let read = |body: &str, is_home: bool| {
        let html = format!("<html><body>{body}</body></html>");
        analyse_with(&html, "http://www.x.gov.cn/", is_home, &Profile::national())
            .facts
            .accessibility_entry
    };
    let seen = |body: &str| read(body, true);
    // Only the home page is read for it (the rule is about the home page).
    assert!(!read(r#"<a href="/wza/">无障碍浏览</a>"#, false));
    assert!(seen(r#"<a href="/wza/">无障碍浏览</a>"#));
    assert!(seen(
        r#"<a href="javascript:;" onclick="care()"><img src="/gh.png" alt="长者模式"></a>"#
    ));
    assert!(seen(r#"<span id="cniil_wza" onclick="x()">辅助</span>"#));
    assert!(seen(
        r#"<script src="https://tool.example.cn/js/ariaease.min.js"></script>"#
    ));
    assert!(!seen(
        r#"<a href="/news/">新闻中心</a><p>无障碍设施建设工作会议</p>"#
    ));
}

#[test]
fn the_stored_form_reads_back_with_the_links_a_later_run_follows() {
    let a = analyse(
        r##"<html><body><a href="/a.html#x">一</a><a href="mailto:a@b.cn">信</a><a href="#">空</a><div id="k"></div></body></html>"##,
        "http://www.x.gov.cn/",
    );
    let stored = super::StoredAnalysis::of(&a).encode().unwrap();
    let back = PageAnalysis::decode(&stored).unwrap();
    let web: Vec<String> = web_urls(&a).into_iter().map(|(_, u)| u).collect();
    assert!(back.links.is_empty(), "read back as the store's table");
    let kept: Vec<String> = back.web_links().map(|l| l.target.to_string()).collect();
    assert_eq!(kept, web);
    let first = back.web_links().next().unwrap();
    assert_eq!(
        (first.text, first.key()),
        ("一", Some("http://www.x.gov.cn/a.html"))
    );
    // Expanded (the home page's cloaking check reads them one by one).
    let mut expanded = back.clone();
    expanded.expand_link_table();
    let again: Vec<String> = web_urls(&expanded).into_iter().map(|(_, u)| u).collect();
    assert_eq!(again, web);
    assert!(expanded.link_table.is_empty());
    // Stored again (list data folded into a page read back), nothing is lost.
    let twice = PageAnalysis::decode(&super::StoredAnalysis::of(&back).encode().unwrap()).unwrap();
    assert_eq!(twice.web_links().count(), web.len());
    assert_eq!(back.anchors, a.anchors);
    assert_eq!(back.findings, a.findings);
    assert_eq!(back.facts, a.facts);
    assert!(stored.len() < serde_json::to_vec(&a).unwrap().len());
    assert!(PageAnalysis::decode(br#"{"facts": {}}"#).is_none());
}

#[test]
fn a_provinces_widget_ids_come_from_its_profile() {
    let html = r#"<html><head><title>县政府</title></head><body><p>正文</p>
        <div class="footer">主办单位：某县人民政府 电话：0571-12345678 <span id="provConac"></span></div></body></html>"#;
    let url = "http://www.x.gov.cn/a.html";
    let national = analyse(html, url);
    assert_ne!(national.facts.footer.conac, crate::footer::Presence::Yes);
    let province = crate::profile::NATIONAL_TOML.replace(
        r#"conac_element_ids = ["_ideConac", "imgConac"]"#,
        r#"conac_element_ids = ["_ideConac", "imgConac", "provConac"]"#,
    );
    assert_ne!(province, crate::profile::NATIONAL_TOML);
    let p = Profile::from_toml(&province, "province").unwrap();
    assert_eq!(
        analyse_with(html, url, false, &p).facts.footer.conac,
        crate::footer::Presence::Yes
    );
}

/// A provincial 集约化 platform's "动静结合" list: several static groups
/// of the list in one HTML (all but the first hidden, shown one at a time
/// by a script), a search API's parameters in an inline script, and a
/// hidden 暂无数据 template. Every static group is the column's list; the
/// template is not an empty column.
#[test]
fn static_groups_of_a_mixed_list_are_its_items() {
    let mut groups = String::new();
    for g in 0..3 {
        let hidden = if g == 0 {
            ""
        } else {
            r#" style="display:none""#
        };
        groups.push_str(&format!(
            r#"<ul class="news-list" data-group="{g}"{hidden}>"#
        ));
        for i in 0..5 {
            let day = 20 - g * 5 - i;
            groups.push_str(&format!(
                r#"<li><a href="/art/2026/11/{day}/art_{g}{i}.html">示范县关于做好冬季安全生产工作的通知{g}{i}</a><span>2026-11-{day:02}</span></li>"#
            ));
        }
        groups.push_str("</ul>");
    }
    let html = format!(
        r#"<html><head><title>通知公告_示范县人民政府</title><meta name="ColumnName" content="通知公告"></head><body>
        <div class="position">当前位置：首页 &gt; 通知公告</div>
        <div id="static-list">{groups}</div>
        <div id="tpl-empty" style="display:none"><p>暂无数据</p></div>
        <div class="pager">共 40 条记录</div>
        <script>var searchParams = {{ "siteCode": "3399990001", "columnId": "1234", "pageSize": 15, "api": "/api-gateway/jpaas-publish-server/front/page/build/unit" }}; showGroup(0);</script>
        </body></html>"#
    );
    let a = analyse(&html, "http://www.x.gov.cn/col/col1234/index.html");
    let list = &a.facts.list;
    assert_eq!((list.dated, list.undated), (15, 0), "{list:#?}");
    assert_eq!(list.newest, NaiveDate::from_ymd_opt(2026, 11, 20));
    assert_eq!(list.stated_total, Some(40));
    assert!(!list.scripted, "read, not a list nothing could read");
    let links = a
        .links
        .iter()
        .filter(|l| l.raw.contains("/art/2026/11/"))
        .count();
    assert_eq!(links, 15, "the hidden groups' documents are crawled too");
    // Its facts (list, column, footer, content) read back from the store as they were.
    let back = PageAnalysis::decode(&super::StoredAnalysis::of(&a).encode().unwrap()).unwrap();
    assert_eq!(back.facts, a.facts);
    assert_eq!(back.findings, a.findings);

    // The same platform with every record from its search API: only the
    // template is in the HTML. Unreadable here (rendering reads it), never
    // an empty column.
    let shell = html.replace(&groups, "").replace("共 40 条记录", "");
    let a = analyse(&shell, "http://www.x.gov.cn/col/col1234/index.html");
    assert!(a.facts.list.scripted, "{:#?}", a.facts.list);
    assert_eq!(a.facts.list.dated + a.facts.list.undated, 0);
}

#[test]
fn the_headline_title_and_article_title_share_one_string_where_they_are_one_text() {
    let a = analyse(
        r#"<html><head><title>关于做好冬季安全生产工作的通知_示范县人民政府</title>
        <meta name="ArticleTitle" content="关于做好冬季安全生产工作的通知"></head>
        <body><h1>关于做好冬季安全生产工作的通知</h1><p>正文</p></body></html>"#,
        "http://www.x.gov.cn/art/1.html",
    );
    let f = &a.facts;
    assert_eq!(&*f.headline, "关于做好冬季安全生产工作的通知");
    let article_title = f.meta.article_title.as_ref().unwrap();
    assert!(std::sync::Arc::ptr_eq(article_title, &f.headline));
    // No ArticleTitle and no <h1>: the headline is the title itself.
    let b = analyse(
        "<html><head><title>通知公告</title></head><body><p>正文</p></body></html>",
        "http://www.x.gov.cn/tzgg/",
    );
    assert!(std::sync::Arc::ptr_eq(&b.facts.headline, &b.facts.title));
}

/// A list item's link is its first anchor with a web target, without the
/// fragment; an item whose anchors lead nowhere has none.
#[test]
fn a_list_items_link_is_its_first_web_anchor() {
    let html = r##"<html><head><title>通知公告</title><meta name="ColumnName" content="通知公告"></head><body>
        <ul>
        <li><a href="javascript:;">展开</a><a href="/a.html#top">关于做好冬季防火工作的通知一</a></li>
        <li><a href="b.html">关于开展二〇二六年度安全检查的通知</a> <a href="/c.html">另一个链接</a></li>
        <li><a href="#">关于召开全县经济工作会议的通知三</a></li>
        <li><span>关于印发工作要点的通知（无链接）</span></li>
        </ul><p>暂无信息</p></body></html>"##;
    let a = analyse(html, "http://www.x.gov.cn/col/tzgg/index.html");
    assert_eq!(a.facts.kind, PageKind::List);
    assert_eq!(
        a.facts.list.item_links,
        vec![
            "http://www.x.gov.cn/a.html".to_string(),
            "http://www.x.gov.cn/col/tzgg/b.html".to_string(),
        ]
    );
}

/// An SVG link (`<a xlink:href>`, as map and chart widgets draw their
/// districts) is a link a reader follows: it is checked like any anchor,
/// though its attribute is in the XLink namespace.
#[test]
fn an_svg_links_xlink_href_is_a_link() {
    let html = r##"<html><body>
        <svg width="100" height="100"><a xlink:href="/qx/dong.html"><text x="1" y="9">东区</text></a></svg>
        <a href="/qx/xi.html">西区</a>
        </body></html>"##;
    let a = analyse(html, "http://www.x.gov.cn/index.html");
    let urls = web_urls(&a);
    let anchor = |want: &str| {
        urls.iter()
            .any(|(k, u)| *k == LinkKind::Anchor && u == want)
    };
    assert!(anchor("http://www.x.gov.cn/qx/dong.html"), "{urls:?}");
    assert!(anchor("http://www.x.gov.cn/qx/xi.html"), "{urls:?}");
    let texts: Vec<(&str, &str)> = a
        .links
        .iter()
        .map(|l| (l.raw.as_str(), l.text.as_str()))
        .collect();
    assert!(texts.contains(&("/qx/dong.html", "东区")), "{texts:?}");
    assert!(texts.contains(&("/qx/xi.html", "西区")), "{texts:?}");
}
