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
