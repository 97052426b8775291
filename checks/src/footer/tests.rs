//! Unit tests of the footer reading.

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
