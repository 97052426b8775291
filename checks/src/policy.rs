//! Policy documents (政策文件) and interpretations (政策解读): the 信息公开
//! metadata block, document hygiene, and the site-wide pairing of documents
//! with their interpretations (rules.md §2.6, §3.6, §4).

use crate::dates::parse_date;
use crate::finding::{CheckId, Finding};
use crate::formats::{judge_doc_no, DocNo};
use crate::profile::Profile;
use crate::sink::FindingSink;
use chrono::NaiveDate;
use regex::Regex;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::sync::OnceLock;

/// The metadata block of a disclosed document, as displayed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct PolicyMeta {
    /// 索引号.
    pub index_no: Option<String>,
    /// 发文字号 (`无` and an empty cell are kept as displayed).
    pub doc_no: Option<String>,
    /// 发文机关.
    pub issuer: Option<String>,
    /// 成文日期, as displayed.
    pub written: Option<String>,
    /// 发布日期, as displayed.
    pub published: Option<String>,
    /// 有效性.
    pub validity: Option<String>,
    /// Canonical fields whose label was found.
    pub labels: Vec<String>,
}

impl PolicyMeta {
    /// 成文日期 as a date.
    pub fn written_date(&self) -> Option<NaiveDate> {
        self.written.as_deref().and_then(parse_date)
    }

    /// 发布日期 as a date.
    pub fn published_date(&self) -> Option<NaiveDate> {
        self.published.as_deref().and_then(parse_date)
    }

    fn has(&self, field: &str) -> bool {
        self.labels.iter().any(|l| l == field)
    }
}

const FIELDS: &[(&str, &str)] = &[
    ("index_no", r"索\s*引\s*号|信息索引|索引编号"),
    ("subject", r"主\s*题\s*分\s*类|信息分类"),
    (
        "issuer",
        r"发\s*文\s*机\s*关|发文机构|发布机构|发布机关|责任部门|发文单位",
    ),
    (
        "written",
        r"成\s*文\s*日\s*期|生成日期|发文日期|成文时间|印发日期",
    ),
    ("title", r"标\s*题|文件名称"),
    (
        "doc_no",
        r"发\s*文\s*字\s*号|文\s*件\s*编\s*号|发\s*文\s*号|文\s*号",
    ),
    ("published", r"发\s*布\s*日\s*期|公开日期|发布时间|公开时间"),
    ("keywords", r"主\s*题\s*词|关\s*键\s*词"),
    (
        "validity",
        r"有\s*效\s*性|效力状态|时\s*效\s*性|有\s*效\s*期",
    ),
];

fn label_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    static PATTERN: OnceLock<String> = OnceLock::new();
    let pattern = PATTERN.get_or_init(|| {
        let alts: Vec<String> = FIELDS
            .iter()
            .map(|(name, p)| format!("(?P<{name}>{p})"))
            .collect();
        format!(r"(?:{})[ \t]*[:：]?", alts.join("|"))
    });
    crate::built_in_regex(&RE, pattern)
}

/// Whether `text` could hold a metadata block: a block needs an 索引号 or a
/// 文号 label (see `extract_meta`), and every 索引号 label contains 索 while
/// every 文号 label ends in 文号, 文字号 or 文件编号 (white space allowed
/// between the characters). Most pages have neither, and the label
/// expression has no literal to skip ahead with on Chinese text, so this
/// saves a full pass over their text.
fn may_hold_block(text: &str) -> bool {
    use memchr::memmem;
    let bytes = text.as_bytes();
    if memmem::find(bytes, "索".as_bytes()).is_some() {
        return true;
    }
    // `chars` backwards from just before `at`, white space between them.
    let preceded_by = |at: usize, chars: &[char]| {
        let mut rest = &text[..at];
        chars.iter().all(|c| {
            rest = rest.trim_end_matches(char::is_whitespace);
            match rest.strip_suffix(*c) {
                Some(r) => {
                    rest = r;
                    true
                }
                None => false,
            }
        })
    };
    memmem::find_iter(bytes, "号".as_bytes()).any(|at| {
        preceded_by(at, &['文'])
            || preceded_by(at, &['字', '文'])
            || preceded_by(at, &['编', '件', '文'])
    })
}

fn clean(v: &str) -> String {
    let v = v.trim_matches(|c: char| c.is_whitespace() || c == ':' || c == '：' || c == '\u{3000}');
    v.chars().take(80).collect::<String>().trim().to_string()
}

/// Reads the metadata block from a page's visible text (cells separated by
/// tabs, rows by newlines). `None` unless at least three labels stand close
/// together, so an article's "发布时间：" line is not a block.
pub fn extract_meta(text: &str) -> Option<PolicyMeta> {
    if !may_hold_block(text) {
        return None;
    }
    let re = label_re();
    let matches: Vec<(usize, usize, &'static str)> = re
        .captures_iter(text)
        .filter_map(|c| {
            let m = c.get(0)?;
            let name = FIELDS.iter().find(|(n, _)| c.name(n).is_some())?.0;
            Some((m.start(), m.end(), name))
        })
        .collect();
    // Cluster labels that are close together; take the first rich cluster.
    let mut start = 0;
    while start < matches.len() {
        let mut end = start + 1;
        while end < matches.len() && matches[end].0 - matches[end - 1].1 <= 240 {
            end += 1;
        }
        let cluster = &matches[start..end];
        let mut distinct: Vec<&str> = cluster.iter().map(|m| m.2).collect();
        distinct.sort_unstable();
        distinct.dedup();
        if distinct.len() >= 3 && distinct.iter().any(|d| *d == "index_no" || *d == "doc_no") {
            let mut meta = PolicyMeta::default();
            for (i, (_, label_end, name)) in cluster.iter().enumerate() {
                if meta.labels.iter().any(|l| l == name) {
                    continue;
                }
                let limit = cluster.get(i + 1).map_or(text.len(), |n| n.0);
                let after = &text[*label_end..limit];
                let line = after.split('\n').next().unwrap_or("");
                let mut value = clean(line);
                if value.is_empty() && !line.contains('\t') {
                    // `<label>索 引 号：</label><div>value</div>`: the value is on
                    // the next line. (An empty table cell is empty: it has a tab.)
                    if let Some(next) = after.strip_prefix(line).and_then(|r| r.strip_prefix('\n'))
                    {
                        value = clean(next.split('\n').next().unwrap_or(""));
                    }
                }
                let value = value.split('\t').next().unwrap_or("").trim().to_string();
                meta.labels.push(name.to_string());
                let slot = match *name {
                    "index_no" => &mut meta.index_no,
                    "doc_no" => &mut meta.doc_no,
                    "issuer" => &mut meta.issuer,
                    "written" => &mut meta.written,
                    "published" => &mut meta.published,
                    "validity" => &mut meta.validity,
                    _ => continue,
                };
                *slot = Some(value);
            }
            // A table header or a search form has labels but no values.
            let plausible = [
                meta.index_no
                    .as_deref()
                    .is_some_and(|v| v.chars().any(|c| c.is_ascii_digit())),
                meta.written_date().is_some(),
                meta.published_date().is_some(),
                meta.doc_no.as_deref().is_some_and(|v| !v.is_empty()),
            ]
            .into_iter()
            .filter(|ok| *ok)
            .count();
            if plausible >= 2 {
                return Some(meta);
            }
        }
        start = end;
    }
    None
}

/// Whether a title names an interpretation.
pub fn is_interpretation_title(title: &str, profile: &Profile) -> bool {
    profile
        .policy
        .interpretation_keywords
        .iter()
        .any(|k| title.contains(k.as_str()))
}

/// Whether a document needs an interpretation (and complete metadata):
/// it sits in a 政策文件/规范性文件 column, or its 发文字号 is a government's
/// or its office's.
pub fn needs_interpretation(column: Option<&str>, meta: &PolicyMeta, profile: &Profile) -> bool {
    let rules = &profile.policy;
    let in_column = column.is_some_and(|c| {
        rules
            .needs_interpretation_columns
            .iter()
            .any(|k| c.contains(k.as_str()))
    });
    let issuer = meta
        .doc_no
        .as_deref()
        .and_then(|no| no.split(['〔', '[', '［', '(', '（', '【']).next())
        .unwrap_or("");
    in_column || (!issuer.is_empty() && rules.needs_interpretation_issuer.is_match(issuer))
}

/// Page-level hygiene of a document's metadata: missing fields (for
/// documents in scope, see [`needs_interpretation`]), a non-standard 文号,
/// impossible or late dates.
#[allow(clippy::too_many_arguments)]
pub fn hygiene(
    site: &str,
    page: &str,
    meta: &PolicyMeta,
    page_published: Option<NaiveDate>,
    in_scope: bool,
    today: NaiveDate,
    profile: &Profile,
) -> Vec<Finding> {
    let mut out = FindingSink::new(site, page, false, profile);
    let mut push =
        |check: CheckId, target: &str, status: &str, detail: String, evidence: String| {
            out.push(check, target, status, detail, evidence)
        };
    let mut missing = Vec::new();
    if !meta.has("doc_no") {
        missing.push("发文字号");
    }
    if meta.written_date().is_none() {
        missing.push("成文日期");
    }
    let published = meta.published_date().or(page_published);
    if published.is_none() {
        missing.push("发布日期");
    }
    if meta.validity.as_deref().is_none_or(|v| v.is_empty()) {
        missing.push("有效性");
    }
    if in_scope && !missing.is_empty() {
        push(
            CheckId::PolicyMetadata,
            &missing.join("、"),
            "missing",
            format!("信息公开元数据缺少：{}", missing.join("、")),
            meta.index_no.clone().unwrap_or_default(),
        );
    }
    if let Some(no) = &meta.doc_no {
        if let DocNo::NonStandard(why) = judge_doc_no(no) {
            push(
                CheckId::PolicyWenhao,
                "发文字号",
                "nonstandard",
                format!("发文字号不规范：{}", why.join("；")),
                no.clone(),
            );
        }
    }
    let written = meta.written_date();
    let mut date_problem = |status: &str, detail: String, evidence: String| {
        push(CheckId::PolicyDate, "发布日期", status, detail, evidence);
    };
    if let (Some(w), Some(p)) = (written, published) {
        if p < w {
            date_problem(
                "before_written",
                format!("发布日期（{p}）早于成文日期（{w}）"),
                format!("成文 {w}；发布 {p}"),
            );
        } else if w >= profile.policy.disclosure_rule_since {
            let n = profile.calendar.working_days_between(w, p);
            if n.days > profile.policy.disclosure_window_workdays {
                let caveat = if n.covered {
                    ""
                } else {
                    "（日期超出节假日表范围，仅按周末计算）"
                };
                date_problem(
                    "late",
                    format!(
                        "成文后 {} 个工作日才公开，超过《政府信息公开条例》第二十六条规定的{}个工作日{caveat}",
                        n.days, profile.policy.disclosure_window_workdays
                    ),
                    format!("成文 {w}；发布 {p}"),
                );
            }
        }
    }
    for (what, d) in [("成文日期", written), ("发布日期", published)] {
        if let Some(d) = d {
            if d > today {
                date_problem(
                    "future",
                    format!("{what}（{d}）晚于检查日期，疑似伪造发稿日期"),
                    d.to_string(),
                );
            }
        }
    }
    out.into_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn govcn_table() {
        let text = "索 引 号：\t000014349/2018-00221\t主题分类：\t综合政务\\政务公开\n发文机关：\t国务院办公厅\t成文日期：\t2018年12月07日\n标　　题：\t关于推进政务新媒体健康有序发展的意见\n发文字号：\t国办发〔2018〕123号\t发布日期：\t2018年12月27日\n";
        let m = extract_meta(text).unwrap();
        assert_eq!(m.index_no.as_deref(), Some("000014349/2018-00221"));
        assert_eq!(m.doc_no.as_deref(), Some("国办发〔2018〕123号"));
        assert_eq!(m.written_date(), NaiveDate::from_ymd_opt(2018, 12, 7));
        assert_eq!(m.published_date(), NaiveDate::from_ymd_opt(2018, 12, 27));
        assert_eq!(m.issuer.as_deref(), Some("国务院办公厅"));
    }

    /// The pre-check never turns away text the label expression would find
    /// an 索引号 or a 文号 label in: every alternative of those two fields,
    /// written tight and with white space (full-width and tabs too) between
    /// its characters, passes it; text with only other labels and the
    /// footer's 号 does not.
    #[test]
    fn the_block_pre_check_lets_every_index_and_doc_no_label_through() {
        let mut checked = 0;
        for (name, pattern) in FIELDS {
            if *name != "index_no" && *name != "doc_no" {
                continue;
            }
            for alternative in pattern.split('|') {
                let tight = alternative.replace(r"\s*", "");
                let gaps: &[&str] = if alternative.contains(r"\s*") {
                    &["", " ", "\u{3000}", "\t ", "\n"]
                } else {
                    &[""]
                };
                for gap in gaps {
                    let chars: Vec<String> = tight.chars().map(String::from).collect();
                    let label = chars.join(gap);
                    let text = format!("首页 > 政策文件\n{label}：2024-001\n备案号：京ICP备1号");
                    assert!(label_re().is_match(&text), "{label:?} is a label");
                    assert!(may_hold_block(&text), "{label:?} passes the pre-check");
                    checked += 1;
                }
            }
        }
        assert!(checked >= 25, "{checked}");
        let no_block = "发布机构：县政府办\t成文日期：2024-01-02\t发布日期：2024-01-03\n京ICP备12345678号 网站标识码 1234567890 字号：大 中 小";
        assert!(!may_hold_block(no_block));
        assert!(extract_meta(no_block).is_none());
    }

    #[test]
    fn label_variants() {
        // <strong>索引号</strong>：value, 文号：无
        let m = extract_meta("索引号：000014348/2020-35147\n发布机构：邯郸市教育局\n文号：无\n发布日期：2020年08月02日\n").unwrap();
        assert_eq!(m.doc_no.as_deref(), Some("无"));
        assert!(m.written.is_none());
        // ASCII colons inside single cells, an empty 文件编号.
        let m = extract_meta("索引号: 002482082/2024-00332\t文件编号: \t发布机构: 省教育厅\n生成日期: 2024-10-21\t主题分类: 教育\n").unwrap();
        assert_eq!(m.doc_no.as_deref(), Some(""));
        assert_eq!(m.written.as_deref(), Some("2024-10-21"));
        // Label without a colon in its own cell; empty 文　号 cell.
        let m = extract_meta("索 引 号\t002482330/2020-10091\t主题分类\t其他\n成文日期\t2020-12-29\n文 号\t\t主题词\t\n").unwrap();
        assert_eq!(m.index_no.as_deref(), Some("002482330/2020-10091"));
        assert_eq!(m.doc_no.as_deref(), Some(""));
        // Value on the line after its label.
        let m = extract_meta("索 引 号：\n014742224A/2023-0043406\n生成日期：\n2023-05-11\n发布机构：\n万载县统计局\n").unwrap();
        assert_eq!(m.index_no.as_deref(), Some("014742224A/2023-0043406"));
        assert_eq!(m.written.as_deref(), Some("2023-05-11"));
        // An empty cell in the last row does not borrow the next line.
        let m = extract_meta("索引号：\t1/2026-00001\t发文字号：\t示政发〔2026〕3号\n成文日期：\t2026年01月05日\n有 效 性：\t\n示范县人民政府关于调整标准的通知\n").unwrap();
        assert_eq!(m.validity.as_deref(), Some(""));
        // An article info line is not a block, nor is a list's table header.
        assert!(extract_meta("发布时间：2026-11-20 来源：县政府办").is_none());
        assert!(extract_meta("名称\t索引号\t发布机构\t发布日期\n关于做好安全工作的通知\t000014348/2020-35428\t邯郸市教育局\t2020-08-05\n").is_none());
    }

    #[test]
    fn hygiene_findings() {
        let p = Profile::national();
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let meta = extract_meta("索引号：1/2026-00001\n发文字号：示政办发[2026]05号\n成文日期：2026年03月02日\n发布日期：2026年02月27日\n").unwrap();
        let f = hygiene("s", "http://x/", &meta, None, true, today, &p);
        let checks: Vec<(&str, &str)> = f
            .iter()
            .map(|f| (f.check.as_str(), f.status.as_str()))
            .collect();
        assert_eq!(
            checks,
            vec![
                ("policy.metadata", "missing"),
                ("policy.wenhao", "nonstandard"),
                ("policy.date", "before_written")
            ]
        );
        assert!(f[1].detail.contains("六角括号") && f[1].detail.contains("虚位"));
        let meta = extract_meta("索引号：1/2026-00001\n发文字号：示政办发〔2026〕5号\n成文日期：2026年01月05日\n发布日期：2026年03月02日\n有效性：有效\n").unwrap();
        let f = hygiene("s", "http://x/", &meta, None, true, today, &p);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].status, "late");
        // Out of scope: no metadata finding; before the 2019 条例: no lateness.
        let meta = extract_meta("索引号：1/2004-00001\n发文字号：国办函〔2004〕57号\n成文日期：2004年08月12日\n发布日期：2018年12月24日\n").unwrap();
        assert!(hygiene("s", "http://x/", &meta, None, false, today, &p).is_empty());
        assert!(needs_interpretation(None, &meta, &p));
        let meta = extract_meta("索引号：1/2023-00001\n生成日期：2023-05-11\n发布机构：县统计局\n")
            .unwrap();
        assert!(!needs_interpretation(Some("统计公报"), &meta, &p));
        assert!(needs_interpretation(Some("规范性文件"), &meta, &p));
    }
}
