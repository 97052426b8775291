//! Unit tests of the content readers and their site-wide judgement, on
//! pages written like the boards, notices and reports real platforms publish.

use crate::finding::{CheckId, Finding, Severity};
use crate::page::{analyse_page, PageAnalysis, PageInput};
use crate::profile::Profile;
use crate::site::{site_checks, SiteFacts, SiteInput, SitePage};
use chrono::NaiveDate;
use std::collections::HashSet;
use url::Url;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 2).unwrap()
}

fn analyse(url: &str, html: &str, is_home: bool) -> (String, PageAnalysis) {
    let u = Url::parse(url).unwrap();
    let input = PageInput {
        site: "测试县",
        url: &u,
        body: html.as_bytes(),
        content_type: Some("text/html; charset=utf-8"),
        is_home,
        truncated: false,
        today: today(),
    };
    (url.to_string(), analyse_page(&input, &Profile::national()))
}

/// An article page as county CMSs write one.
fn article(title: &str, date: &str, body: &str) -> String {
    format!(
        r#"<html><head><title>{title}_测试县人民政府</title></head><body>
        <div class="nav"><a href="/">首页</a></div>
        <div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a></div>
        <h1>{title}</h1><div class="info">发布时间：{date} 来源：县政府办</div>
        <div class="content">{body}</div>
        <div class="footer">主办单位：测试县人民政府 电话：0310-1234567</div></body></html>"#
    )
}

fn site(pages: &[(String, PageAnalysis)], level: Option<super::SiteLevel>) -> Vec<Finding> {
    site_with(pages, level, 0)
}

fn site_with(
    pages: &[(String, PageAnalysis)],
    level: Option<super::SiteLevel>,
    uncrawled: usize,
) -> Vec<Finding> {
    let dead = HashSet::new();
    let kept: Vec<SiteFacts> = pages.iter().map(|(_, a)| a.facts.clone().into()).collect();
    let input = SiteInput {
        site: "测试县",
        home: "http://www.x.gov.cn/",
        pages: pages
            .iter()
            .zip(&kept)
            .map(|((u, _), facts)| SitePage { url: u, facts })
            .collect(),
        dead: &dead,
        today: today(),
        level,
        uncrawled,
    };
    site_checks(&input, &Profile::national()).0
}

fn of(findings: &[Finding], check: CheckId) -> Vec<&Finding> {
    findings.iter().filter(|f| f.check == check).collect()
}

#[test]
fn wording_errors_in_the_lexicon_and_the_archives_left_alone() {
    let (_, a) = analyse(
        "http://www.x.gov.cn/art/1.html",
        &article(
            "县政府召开常务会议",
            "2026-11-20",
            "会议学习了中华人民共合国宪法。会议要求国家工商行政管理总局的规定继续执行。原国家工商行政管理总局有关文件已废止。",
        ),
        false,
    );
    let f = of(&a.findings, CheckId::ContentSeriousError);
    assert_eq!(f.len(), 2, "{f:#?}");
    assert_eq!(f[0].target, "中华人民共合国");
    assert_eq!(f[0].severity, Severity::Veto);
    assert_eq!(f[0].status, "serious");
    assert!(f[0].detail.contains("中华人民共和国"), "{}", f[0].detail);
    assert!(
        f[0].evidence.contains("会议学习了中华人民共合国宪法"),
        "{}",
        f[0].evidence
    );
    assert_eq!(f[1].target, "国家工商行政管理总局");
    assert_eq!(f[1].severity, Severity::Warning);
    // 原… is history, so one occurrence is counted, not two.
    assert!(f[1].detail.contains("本页1处"), "{}", f[1].detail);
    let content = a.facts.content.as_ref().unwrap();
    assert_eq!((content.serious_errors, content.typo_errors), (1, 1));

    // The same old name on a page of 2017, and on an undated page: not judged.
    for (date, html) in [
        (
            "2017",
            article("旧闻", "2017-05-01", "国家工商行政管理总局发布通知。"),
        ),
        (
            "undated",
            "<html><body><p>国家工商行政管理总局发布通知。</p></body></html>".to_string(),
        ),
    ] {
        let (_, a) = analyse("http://www.x.gov.cn/art/2.html", &html, false);
        assert!(
            of(&a.findings, CheckId::ContentSeriousError).is_empty(),
            "{date}: {:#?}",
            a.findings
        );
    }
}

#[test]
fn more_serious_errors_than_the_census_allows_fail_the_site() {
    let pages: Vec<_> = (0..4)
        .map(|i| {
            analyse(
                &format!("http://www.x.gov.cn/art/{i}.html"),
                &article("通知", "2026-11-20", "根据中华人民共合国有关法律。"),
                false,
            )
        })
        .collect();
    let f = site(&pages, None);
    let vetoes: Vec<_> = of(&f, CheckId::SiteVeto);
    assert_eq!(vetoes.len(), 1, "{f:#?}");
    assert!(vetoes[0].detail.contains("4处"), "{}", vetoes[0].detail);
    assert!(of(&site(&pages[..3], None), CheckId::SiteVeto).is_empty());
}

/// A board's list as a table, the way mailbox platforms render one.
fn board_table() -> String {
    r#"<html><head><title>县长信箱_测试县人民政府</title></head><body>
    <div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="/hdjl/">互动交流</a> &gt; 县长信箱</div>
    <table class="layout"><tr><td>
    <table class="list">
      <tr><th>信件标题</th><th>留言时间</th><th>回复时间</th><th>办理状态</th></tr>
      <tr><td><a href="/xx/1.html">关于路灯维修的建议</a></td><td>2026-11-02</td><td>2026-11-04</td><td>已回复</td></tr>
      <tr><td><a href="/xx/2.html">咨询社保缴费</a></td><td>2026-09-01</td><td>2026-09-21</td><td>已回复</td></tr>
      <tr><td><a href="/xx/3.html">反映小区噪音</a></td><td>2026-07-20</td><td></td><td>办理中</td></tr>
      <tr><td><a href="/xx/4.html">学校招生咨询</a></td><td>2026-11-10</td><td></td><td>办理中</td></tr>
      <tr><td><a href="/xx/5.html">广告推广</a></td><td>2026-03-01</td><td></td><td>无效留言</td></tr>
      <tr><td><a href="/xx/6.html">旧留言</a></td><td>2024-06-01</td><td></td><td>未回复</td></tr>
      <tr><td><a href="/xx/7.html">已在详情页答复的留言</a></td><td>2026-06-01</td><td></td><td>办理中</td></tr>
    </table></td></tr></table>
    </body></html>"#
        .to_string()
}

#[test]
fn a_board_in_a_table_unanswered_slow_and_answered_messages() {
    let list = analyse("http://www.x.gov.cn/hdjl/xzxx/", &board_table(), false);
    let messages = &list.1.facts.content.as_ref().unwrap().messages;
    assert_eq!(messages.len(), 7, "{messages:#?}");
    assert!(list.1.facts.content.as_ref().unwrap().board_list);
    // The message's own page says it was answered: the list's 办理中 is stale.
    let answered = analyse(
        "http://www.x.gov.cn/xx/7.html",
        &article(
            "已在详情页答复的留言",
            "2026-06-01",
            "留言时间：2026-06-01 留言内容：请问…… 回复时间：2026-06-05 回复内容：您好，已安排处理。",
        ),
        false,
    );
    let f = site(&[list, answered], None);
    let unanswered = of(&f, CheckId::InteractionUnanswered);
    assert_eq!(unanswered.len(), 1, "{f:#?}");
    assert_eq!(unanswered[0].target, "http://www.x.gov.cn/xx/3.html");
    assert_eq!(unanswered[0].severity, Severity::Veto);
    assert!(
        unanswered[0].detail.contains("2026-07-20"),
        "{}",
        unanswered[0].detail
    );
    let slow = of(&f, CheckId::InteractionSlow);
    assert_eq!(slow.len(), 1, "{f:#?}");
    assert!(
        slow[0].evidence.contains("咨询社保缴费"),
        "{}",
        slow[0].evidence
    );
    assert!(slow[0].detail.contains("1条"), "{}", slow[0].detail);
    assert!(of(&f, CheckId::InteractionStale).is_empty());
}

#[test]
fn labelled_list_items_a_stale_board_and_a_message_page() {
    let list = r#"<html><head><title>咨询投诉_测试县</title></head><body>
      <ul class="msg">
        <li><a href="/zx/1.html">办证需要哪些材料</a> 留言时间：2026-05-01 回复时间：2026-05-06</li>
        <li><a href="/zx/2.html">公交线路调整</a> 留言时间：2026-04-10 回复时间：2026-04-12</li>
      </ul></body></html>"#;
    let (url, a) = analyse("http://www.x.gov.cn/zx/", list, false);
    assert_eq!(a.facts.content.as_ref().unwrap().messages.len(), 2);
    let f = site(&[(url, a)], None);
    let stale = of(&f, CheckId::InteractionStale);
    assert_eq!(stale.len(), 1, "{f:#?}");
    assert!(
        stale[0].detail.contains("2026-05-01"),
        "{}",
        stale[0].detail
    );
    assert!(of(&f, CheckId::InteractionUnanswered).is_empty());

    // One message's page, not answered for half a year.
    let page = analyse(
        "http://www.x.gov.cn/zx/9.html",
        &article(
            "关于道路积水的问题",
            "2026-05-20",
            "留言时间：2026-05-20 留言内容：路面积水严重。 办理状态：待回复",
        ),
        false,
    );
    let f = site(&[page], None);
    assert_eq!(of(&f, CheckId::InteractionUnanswered).len(), 1, "{f:#?}");
}

#[test]
fn consultations_short_open_after_the_end_no_dates_no_feedback() {
    let short = analyse(
        "http://www.x.gov.cn/yjzj/1.html",
        &article(
            "关于《测试县物业管理办法（征求意见稿）》公开征求意见的公告",
            "2026-10-01",
            "现将征求意见稿全文公布。征求意见时间为2026年10月1日至10月20日。本办法自2027年1月1日至2031年12月31日有效。征集状态：进行中",
        ),
        false,
    );
    let content = short.1.facts.content.as_ref().unwrap();
    assert_eq!(content.consultations.len(), 1, "{content:#?}");
    let c = &content.consultations[0];
    assert_eq!(c.start, NaiveDate::from_ymd_opt(2026, 10, 1));
    assert_eq!(c.end, NaiveDate::from_ymd_opt(2026, 10, 20));
    let deadline_only = analyse(
        "http://www.x.gov.cn/yjzj/2.html",
        &article(
            "关于《测试县停车收费标准》征求意见的通知",
            "2026-07-01",
            "请于2026年7月31日前将意见反馈至县发改局。",
        ),
        false,
    );
    let long = analyse(
        "http://www.x.gov.cn/yjzj/3.html",
        &article(
            "关于《测试县养犬管理规定》公开征求意见的公告",
            "2026-08-01",
            "征求意见时间：2026年8月1日至2026年9月4日。",
        ),
        false,
    );
    let feedback = analyse(
        "http://www.x.gov.cn/yjzj/4.html",
        &article(
            "关于《测试县养犬管理规定》征求意见采纳情况的说明",
            "2026-09-20",
            "共收到意见12条，采纳5条。",
        ),
        false,
    );
    let f = site(&[short, deadline_only, long, feedback], None);
    let got = |c: CheckId| -> Vec<String> { of(&f, c).iter().map(|f| f.target.clone()).collect() };
    assert_eq!(
        got(CheckId::ConsultationShort),
        vec!["http://www.x.gov.cn/yjzj/1.html"]
    );
    assert_eq!(
        got(CheckId::ConsultationStatus),
        vec!["http://www.x.gov.cn/yjzj/1.html"]
    );
    assert_eq!(
        got(CheckId::ConsultationDates),
        vec!["http://www.x.gov.cn/yjzj/2.html"]
    );
    // No. 1 ended 2026-10-20 and No. 2 on 07-31, both more than 30 days ago,
    // without feedback; No. 3's feedback is published.
    assert_eq!(
        got(CheckId::ConsultationFeedback),
        vec![
            "http://www.x.gov.cn/yjzj/1.html",
            "http://www.x.gov.cn/yjzj/2.html"
        ]
    );
}

fn annual(year: i32, parts: &[&str]) -> String {
    article(
        &format!("测试县人民政府{year}年政府信息公开工作年度报告"),
        &format!("{}-03-20", year + 1),
        &parts
            .iter()
            .enumerate()
            .map(|(i, p)| {
                format!(
                    "<h3>{}、{p}</h3><p>……</p>",
                    ["一", "二", "三", "四", "五", "六"][i]
                )
            })
            .collect::<String>(),
    )
}

const PARTS: [&str; 6] = [
    "总体情况",
    "主动公开政府信息情况",
    "收到和处理政府信息公开申请情况",
    "政府信息公开行政复议、行政诉讼情况",
    "存在的主要问题及改进情况",
    "其他需要报告的事项",
];

#[test]
fn yearly_reports_missing_incomplete_and_as_attachment() {
    let complete = analyse(
        "http://www.x.gov.cn/nb/2025.html",
        &annual(2025, &PARTS),
        false,
    );
    let f = site(
        std::slice::from_ref(&complete),
        Some(super::SiteLevel::Government),
    );
    assert!(of(&f, CheckId::ReportAnnualMissing).is_empty(), "{f:#?}");
    assert!(of(&f, CheckId::ReportAnnualIncomplete).is_empty(), "{f:#?}");

    let partial = analyse(
        "http://www.x.gov.cn/nb/2025b.html",
        &annual(2025, &PARTS[..4]),
        false,
    );
    let f = site(&[partial], None);
    let incomplete = of(&f, CheckId::ReportAnnualIncomplete);
    assert_eq!(incomplete.len(), 1, "{f:#?}");
    assert_eq!(
        incomplete[0].evidence,
        "存在的主要问题及改进情况；其他需要报告的事项"
    );

    // Only last year's report counts; a PDF linked from a list is enough.
    let old = analyse(
        "http://www.x.gov.cn/nb/2024.html",
        &annual(2024, &PARTS),
        false,
    );
    let f = site(
        std::slice::from_ref(&old),
        Some(super::SiteLevel::Department),
    );
    let missing = of(&f, CheckId::ReportAnnualMissing);
    assert_eq!(missing.len(), 1, "{f:#?}");
    assert!(missing[0].detail.contains("部门网站") && missing[0].detail.contains("2026-01-31"));
    assert_eq!(missing[0].severity, Severity::Error);
    // Pages left unread by the crawl limits make it a warning, and say so.
    let f = site_with(
        std::slice::from_ref(&old),
        Some(super::SiteLevel::Department),
        40,
    );
    let missing = of(&f, CheckId::ReportAnnualMissing);
    assert_eq!(missing[0].severity, Severity::Warning);
    assert!(
        missing[0].detail.contains("40个站内页面"),
        "{}",
        missing[0].detail
    );
    let list = analyse(
        "http://www.x.gov.cn/nb/",
        r#"<html><head><title>政府信息公开年报</title></head><body><ul>
        <li><a href="/nb/2025.pdf">测试县教育局2025年度政府信息公开工作年度报告</a><span>2026-01-20</span></li>
        </ul></body></html>"#,
        false,
    );
    let f = site(&[old, list], Some(super::SiteLevel::Department));
    assert!(of(&f, CheckId::ReportAnnualMissing).is_empty(), "{f:#?}");
}

#[test]
fn required_columns_by_level() {
    let nav = |links: &[&str]| {
        format!(
            "<html><head><title>测试县人民政府</title></head><body><div class=nav>{}</div><ul><li><a href=/a/1.html>新闻</a><span>2026-12-01</span></li></ul></body></html>",
            links
                .iter()
                .enumerate()
                .map(|(i, t)| format!("<a href=/c{i}/>{t}</a>"))
                .collect::<String>()
        )
    };
    let full = [
        "机构设置",
        "领导之窗",
        "政策文件",
        "政策解读",
        "政府信息公开",
        "财政预决算",
        "建议提案办理",
        "意见征集",
        "县长信箱",
        "办事服务",
        "常见问题",
    ];
    let home = analyse("http://www.x.gov.cn/", &nav(&full), true);
    assert!(of(
        &site(std::slice::from_ref(&home), None),
        CheckId::ColumnMissing
    )
    .is_empty());
    let without: Vec<&str> = full.iter().copied().filter(|t| *t != "政策解读").collect();
    let home = analyse("http://www.x.gov.cn/", &nav(&without), true);
    let f = site(std::slice::from_ref(&home), None);
    let missing = of(&f, CheckId::ColumnMissing);
    assert_eq!(missing.len(), 1, "{f:#?}");
    assert_eq!(missing[0].target, "政策解读");
    assert!(missing[0].home_page);
    // A department need not carry 政策解读.
    assert!(of(
        &site(&[home], Some(super::SiteLevel::Department)),
        CheckId::ColumnMissing
    )
    .is_empty());
}
