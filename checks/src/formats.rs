//! The identifier formats of rules.md §3: ICP备案号, 公网安备号, 网站标识码,
//! 发文字号, 索引号. Parsers return what the page displays plus a verdict on
//! the format, so a wrong format is reported as invalid, never as missing.

use regex::Regex;
use std::sync::OnceLock;

fn re(cell: &'static OnceLock<Regex>, pattern: &str) -> &'static Regex {
    crate::built_in_regex(cell, pattern)
}

/// Province abbreviations seen in ICP and 公网安备 numbers (both Sichuan 蜀/川,
/// Guizhou 黔/贵, Yunnan 滇/云, Gansu 陇/甘).
const PROVINCES: &str = "京津冀晋蒙辽吉黑沪苏浙皖闽赣鲁豫鄂湘粤桂琼渝蜀川黔贵滇云藏陕甘陇青宁新";

/// An ICP number as displayed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Icp {
    /// As displayed, white space removed (`京ICP备19054529号-1`).
    pub display: String,
    /// The subject's filing digits.
    pub digits: String,
    /// Whether it has the standard form `省ICP备NNNNNNNN号(-N)`.
    pub valid: bool,
}

/// Finds the first ICP number in text. Accepts the malformed variants real
/// footers publish (`沪ICP备：12004267`, `晋ICP备18012261-1号`, `京ICP14006156`)
/// and marks them invalid.
pub fn find_icp(text: &str) -> Option<Icp> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let pattern = format!(
        r"([{PROVINCES}])\s*ICP\s*(备案?|证)?\s*[:：]?\s*([0-9]{{6,12}})(\s*号)?(\s*-\s*[0-9]{{1,3}})?(\s*号)?"
    );
    let caps = re(&RE, &pattern).captures(text)?;
    let display: String = caps
        .get(0)?
        .as_str()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let digits = caps.get(3)?.as_str().to_string();
    static VALID: OnceLock<Regex> = OnceLock::new();
    let valid_re = re(
        &VALID,
        &format!(r"^[{PROVINCES}]ICP(备|证)[0-9]{{6,10}}号(-[0-9]{{1,3}})?$"),
    );
    Some(Icp {
        valid: valid_re.is_match(&display),
        display,
        digits,
    })
}

/// The 14 digits of a 公网安备 number in text (`京公网安备 11010202007633号`,
/// `沪公安网备`, digits split from the label by spaces, colons or a line break).
pub fn find_police(text: &str) -> Option<String> {
    if !crate::text::has_digit_run(text, 14) {
        return None;
    }
    // Every form of the label ends in 安备 or 网备, at most three characters
    // (公安网, nine bytes) after its start: no match starts before the first
    // of them less nine bytes. The expression is asked from there on, as
    // its only literal (公) is too common for it to skip ahead by itself:
    // it read the whole page a byte at a time, 8 µs on a 10 KB page.
    let bytes = text.as_bytes();
    let first = ["安备", "网备"]
        .iter()
        .filter_map(|label| memchr::memmem::find(bytes, label.as_bytes()))
        .min()?;
    let mut start = first.saturating_sub(9);
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    static RE: OnceLock<Regex> = OnceLock::new();
    let caps = re(
        &RE,
        r"公(?:网|安网?)安?备(?:案)?[^0-9]{0,12}?([0-9]{14})(?:[^0-9]|$)",
    )
    .captures_at(text, start)?;
    Some(caps.get(1)?.as_str().to_string())
}

/// The record code in a 公安 badge link (`recordcode=` or `code=`).
pub fn police_link_code(href: &str) -> Option<String> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let caps = re(&RE, r"(?i)(?:recordcode|code)=([0-9]{10,16})").captures(href)?;
    Some(caps.get(1)?.as_str().to_string())
}

/// A 网站标识码 next to its label (`政府网站标识码：`, `网站识别码`, no colon).
pub fn find_site_code(text: &str) -> Option<String> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let caps = re(&RE, r"网站(?:标识|识别)码\s*[:：]?\s*([A-Za-z0-9]{2,16})").captures(text)?;
    Some(caps.get(1)?.as_str().to_string())
}

/// The `site_code=` of a jiucuo link or the code in a rendered `Link('…')`.
pub fn jiucuo_code(s: &str) -> Option<String> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let caps = re(
        &RE,
        r#"(?:site_code=|sitecode\s*=\s*["']?|Link\(\s*(?:&#39;|['"]))([A-Za-z0-9]{4,16})"#,
    )
    .captures(s)?;
    Some(caps.get(1)?.as_str().to_string())
}

/// Whether a 发文字号 is standard (GB/T 9704: 〔year〕, no 第, no leading zero).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DocNo {
    /// `文号：无` or an empty cell.
    None,
    /// Standard.
    Standard,
    /// An order number (`国务院令第711号`): 第 is correct there.
    Order,
    /// Non-standard, with the reasons in Chinese.
    NonStandard(Vec<&'static str>),
    /// Not recognisable as a 文号 at all.
    Unrecognised,
}

/// Judges a 发文字号.
pub fn judge_doc_no(raw: &str) -> DocNo {
    let s: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
    if s.is_empty() || s == "无" || s == "—" || s == "-" {
        return DocNo::None;
    }
    static ORDER: OnceLock<Regex> = OnceLock::new();
    if re(&ORDER, r"令第[0-9]+号$").is_match(&s) {
        return DocNo::Order;
    }
    static RE: OnceLock<Regex> = OnceLock::new();
    let Some(c) = re(
        &RE,
        r"^(.+?)([〔\[［(（【{]|〈)((?:19|20)[0-9]{2})([〕\]］)）】}]|〉)(第)?([0-9]+)号$",
    )
    .captures(&s) else {
        return DocNo::Unrecognised;
    };
    let mut why = Vec::new();
    if &c[2] != "〔" || &c[4] != "〕" {
        why.push("年份应使用六角括号〔〕");
    }
    if c.get(5).is_some() {
        why.push("序号前不应加“第”");
    }
    if c[6].starts_with('0') {
        why.push("序号不应编虚位（如1不编为01）");
    }
    if why.is_empty() {
        DocNo::Standard
    } else {
        DocNo::NonStandard(why)
    }
}

/// Whether a 索引号 follows the national `组织机构代码/年份-序号` scheme.
pub fn index_no_standard(s: &str) -> bool {
    static RE: OnceLock<Regex> = OnceLock::new();
    re(
        &RE,
        r"^[0-9A-Z]{9}(?:[0-9A-Z]{9})?/(?:19|20)[0-9]{2}-[0-9]{5,7}$",
    )
    .is_match(s.trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn icp_variants() {
        let i = find_icp("备案号：京ICP备 19054529 号 -1 ").unwrap();
        assert_eq!(i.display, "京ICP备19054529号-1");
        assert!(i.valid);
        let i = find_icp("沪ICP备：12004267").unwrap();
        assert_eq!(i.display, "沪ICP备：12004267");
        assert!(!i.valid);
        let i = find_icp("晋ICP备18012261-1号").unwrap();
        assert_eq!(i.display, "晋ICP备18012261-1号");
        assert!(!i.valid);
        let i = find_icp("版权所有 京ICP14006156　技术支持").unwrap();
        assert_eq!(i.display, "京ICP14006156");
        assert!(!i.valid);
        assert!(find_icp("ICP证：浙ICP备14042003号-1").unwrap().valid);
        assert!(find_icp("蜀ICP备2024099014号").unwrap().valid);
        assert!(find_icp("no number here ICP").is_none());
    }

    #[test]
    fn police_variants() {
        assert_eq!(
            find_police("京公网安备：11010202007633号").as_deref(),
            Some("11010202007633")
        );
        assert_eq!(
            find_police("津公网安备 ：12010302000991号").as_deref(),
            Some("12010302000991")
        );
        assert_eq!(
            find_police("赣公网安备\n36090202000004号").as_deref(),
            Some("36090202000004")
        );
        assert_eq!(
            find_police("沪公安备：31010102045442号").as_deref(),
            Some("31010102045442")
        );
        assert_eq!(
            find_police("沪公安网备31010102045442号").as_deref(),
            Some("31010102045442")
        );
        assert_eq!(find_police("浙公网安备 3301060200939号"), None, "13 digits");
        assert_eq!(
            police_link_code(
                "http://www.beian.gov.cn/portal/registerSystemInfo?recordcode=33010602009328"
            )
            .as_deref(),
            Some("33010602009328")
        );
        assert_eq!(
            police_link_code("https://beian.mps.gov.cn/#/query/webSearch?code=11010202007633")
                .as_deref(),
            Some("11010202007633")
        );
    }

    #[test]
    fn site_code_variants() {
        assert_eq!(
            find_site_code("政府网站标识码：3609000002").as_deref(),
            Some("3609000002")
        );
        assert_eq!(
            find_site_code("网站标识码bm01000001").as_deref(),
            Some("bm01000001")
        );
        assert_eq!(
            find_site_code("网站标识码 1304000009 ").as_deref(),
            Some("1304000009")
        );
        assert_eq!(
            find_site_code("网站识别码：4400000106").as_deref(),
            Some("4400000106")
        );
        assert_eq!(
            find_site_code("政府网站标识码:310000000044").as_deref(),
            Some("310000000044")
        );
        assert_eq!(
            jiucuo_code("jiucuo.html?site_code=bm14000002&url=x").as_deref(),
            Some("bm14000002")
        );
        assert_eq!(
            jiucuo_code("Link(&#39;3609220011&#39;)").as_deref(),
            Some("3609220011")
        );
        assert_eq!(
            jiucuo_code("Link('4400000131')").as_deref(),
            Some("4400000131")
        );
    }

    #[test]
    fn doc_numbers() {
        assert_eq!(judge_doc_no("国办发〔2017〕47号"), DocNo::Standard);
        assert_eq!(judge_doc_no("国办秘函〔2019〕19号"), DocNo::Standard);
        assert_eq!(judge_doc_no("无"), DocNo::None);
        assert_eq!(judge_doc_no(""), DocNo::None);
        assert_eq!(judge_doc_no("国务院令第711号"), DocNo::Order);
        assert!(
            matches!(judge_doc_no("岳政办明电[2016]6号"), DocNo::NonStandard(w) if w.len() == 1)
        );
        assert!(
            matches!(judge_doc_no("示政办发〔2026〕01号"), DocNo::NonStandard(w) if w[0].contains("虚位"))
        );
        assert!(
            matches!(judge_doc_no("X发〔2020〕第5号"), DocNo::NonStandard(w) if w[0].contains("第"))
        );
        assert!(matches!(judge_doc_no("(2020) 45号"), DocNo::Unrecognised));
        assert!(matches!(
            judge_doc_no("某某发（2020）45号"),
            DocNo::NonStandard(_)
        ));
        assert!(index_no_standard("000014349/2017-00110"));
        assert!(index_no_standard("11441700007280420Y/2021-00050"));
        assert!(!index_no_standard("0001-2017-0110"));
    }
}
