//! Unit tests of the footer reading.

use super::region::FOOTER_MARKERS;
use super::*;

#[test]
fn unscripting_footer_strings() {
    let js = "var s='<p><a href=\"https://beian.miit.gov.cn\">粤ICP备05070829号</a>'+\n'<span>网站标识码4400000131</span>'+\n'<a>粤公网安备'+\n'      44010402001160号</a></p>';";
    let text = script_visible_text(&unscript(js));
    assert!(text.contains("粤ICP备05070829号"), "{text}");
    assert_eq!(
        formats::find_police(&text).as_deref(),
        Some("44010402001160")
    );
    let enc = "document.write(unescape(\"%3Cspan id='_ideConac' %3E%3C/span%3E%3Cscript src='https://dcs.conac.cn/js/33/000/0000/60425889/CA330000000604258890010.js'%3E%3C/script%3E\"));";
    assert!(unscript(enc).contains("dcs.conac.cn/js/33"));
}

#[test]
fn host_stops_at_the_next_label() {
    assert_eq!(
        cut_at_next_label("广东省人力资源和社会保障厅地址：广州市教育路88号"),
        "广东省人力资源和社会保障厅"
    );
    assert_eq!(
        cut_at_next_label("示范县人民政府办公室"),
        "示范县人民政府办公室"
    );
}

/// The footer starts at the earliest of each marker's last occurrence,
/// whether a marker is missing, repeated or at the very start or end.
#[test]
fn footer_starts_at_the_earliest_last_marker() {
    let naive = |text: &str| {
        FOOTER_MARKERS
            .iter()
            .filter_map(|m| text.rfind(m))
            .min()
            .unwrap_or(text.len())
    };
    let texts = [
        "",
        "正文没有页脚",
        "ICP",
        "主办单位：示范县人民政府 版权所有 浙ICP备12345678号",
        "首页 主办 新闻 正文提到主办单位 \n 主办：县政府办 承办：县大数据中心 ICP备",
        "ICPICPICP 版权所有版权所有",
        "技术支持 正文 标识码：3300000001 识别码 公网安备 33010202000001号 技术支持：某公司",
        "版权所有",
    ];
    for text in texts {
        assert_eq!(footer_start(text), naive(text), "{text:?}");
    }
    assert_eq!(
        footer_start("正文。主办单位：县政府 承办：县中心"),
        "正文。".len()
    );
}

/// The 网站地图 link is the first anchor whose text holds one of the
/// profile's sitemap texts; a contact link is an anchor saying 联系我们;
/// a sitemap text only in script is `script`.
#[test]
fn sitemap_and_contact_links_are_found_by_their_text() {
    let page = Url::parse("http://www.a.gov.cn/x/1.html").unwrap();
    let anchor = |href: &str, text: &str| Link {
        kind: LinkKind::Anchor,
        raw: href.to_string(),
        target: LinkTarget::Web(page.join(href).unwrap()),
        text: text.to_string(),
    };
    let read = |links: &[Link], script_text: &str| {
        extract(
            &FooterInput {
                url: &page,
                text: "正文",
                footer_start: "正文".len(),
                script_text,
                links,
                scripts: &[],
                markers: &[],
            },
            &Profile::national(),
        )
    };
    let links = [
        anchor("/a.html", "首页"),
        anchor("/map/?from=top", "站点地图（旧）"),
        anchor("/sitemap.html", "网站地图"),
        anchor("/lxwm.html", "【联系我们】"),
    ];
    let facts = read(&links, "");
    assert_eq!(facts.sitemap, Presence::Yes);
    assert_eq!(
        facts.sitemap_url.as_deref(),
        Some("http://www.a.gov.cn/map/?from=top")
    );
    assert!(facts.contact);
    let none = read(&links[..1], "");
    assert_eq!(none.sitemap, Presence::No);
    assert!(!none.contact);
    let scripted = read(
        &links[..1],
        "document.write('<a href=/s.html>网站地图</a>')",
    );
    assert_eq!(scripted.sitemap, Presence::Script);
}
