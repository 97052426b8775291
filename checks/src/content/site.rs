//! The content rules judged over a whole site: wording totals, message
//! boards, consultations, the yearly report and the required columns.

use super::rules::{deadline_in, SiteLevel};
use super::{ConsultationStatus, ContentFacts, Message, MessageState};
use crate::finding::{CheckId, Severity};
use crate::profile::Profile;
use crate::sink::FindingSink;
use crate::site::{SiteInput, SiteSummary};
use chrono::{Datelike, Months, NaiveDate};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A site's message boards in numbers, for the report: how many messages,
/// how many answered, and how long answers took (working days).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct InteractionSummary {
    /// Boards (by column name) with messages read.
    pub boards: usize,
    /// Messages read (of every date).
    pub messages: usize,
    /// Messages of the judged window (the last year, by default).
    pub in_window: usize,
    /// Of those: answered.
    pub answered: usize,
    /// Of those: not answered.
    pub unanswered: usize,
    /// Of those: not answered for longer than the limit (a veto).
    pub overdue: usize,
    /// Of those: answered after more than the working-day limit.
    pub slow: usize,
    /// Answer delays in working days: ≤1, 2–5, 6–10, 11–20, >20 (answered
    /// messages of the window with both dates).
    pub delay_buckets: [usize; 5],
    /// The median answer delay in working days.
    pub median_workdays: Option<i64>,
}

/// Labels of [`InteractionSummary::delay_buckets`], for reports.
pub const DELAY_BUCKET_LABELS: [&str; 5] = ["≤1", "2–5", "6–10", "11–20", ">20"];

fn content<'a>(p: &crate::site::SitePage<'a>) -> Option<&'a ContentFacts> {
    p.facts.content.as_deref()
}

/// Runs the content rules over the site's pages.
pub fn site_content_checks(
    input: &SiteInput<'_>,
    profile: &Profile,
    sink: &mut FindingSink<'_>,
    summary: &mut SiteSummary,
) {
    wording_total(input, profile, sink, summary);
    interaction(input, profile, sink, summary);
    consultations(input, profile, sink, summary);
    annual_report(input, profile, sink, summary);
    required_columns(input, profile, sink);
}

fn wording_total(
    input: &SiteInput<'_>,
    profile: &Profile,
    sink: &mut FindingSink<'_>,
    summary: &mut SiteSummary,
) {
    let (serious, typos) = input
        .pages
        .iter()
        .filter_map(content)
        .fold((0usize, 0usize), |(s, t), c| {
            (s + c.serious_errors as usize, t + c.typo_errors as usize)
        });
    summary.serious_errors = serious;
    summary.typo_errors = typos;
    let limit = profile.wording.site_veto_over;
    if limit > 0 && serious > limit && profile.enabled(CheckId::ContentSeriousError) {
        sink.push_on(
            input.home,
            true,
            CheckId::SiteVeto,
            CheckId::ContentSeriousError.as_str(),
            "serious_errors",
            format!("全站发现严重表述错误{serious}处，超过{limit}处（普查标准），判定不合格"),
            format!("{serious}处"),
        );
    }
}

/// A message as the site shows it, merged over its list row and its own page.
struct Seen<'a> {
    message: Message,
    page: &'a str,
    board: String,
}

fn interaction(
    input: &SiteInput<'_>,
    profile: &Profile,
    sink: &mut FindingSink<'_>,
    summary: &mut SiteSummary,
) {
    let r = &profile.interaction;
    let mut seen: BTreeMap<String, Seen<'_>> = BTreeMap::new();
    let mut board_lists: BTreeMap<String, (&str, Option<NaiveDate>)> = BTreeMap::new();
    for page in &input.pages {
        let Some(c) = content(page) else { continue };
        let board = page
            .facts
            .column
            .as_deref()
            .map(str::to_string)
            .unwrap_or_else(|| "互动交流".to_string());
        for m in &c.messages {
            if c.board_list {
                let entry = board_lists.entry(board.clone()).or_insert((page.url, None));
                entry.1 = entry.1.max(m.asked);
            }
            let key = m
                .url
                .clone()
                .unwrap_or_else(|| format!("{}|{:?}", m.title, m.asked));
            match seen.get_mut(&key) {
                None => {
                    seen.insert(
                        key,
                        Seen {
                            message: m.clone(),
                            page: page.url,
                            board: board.clone(),
                        },
                    );
                }
                Some(s) => {
                    let own_page = m.url.as_deref() == Some(page.url);
                    s.message.answered = s.message.answered.or(m.answered);
                    s.message.state = merge_state(s.message.state, m.state, s.message.answered);
                    if own_page {
                        s.page = page.url;
                    }
                }
            }
        }
    }
    if seen.is_empty() {
        return;
    }
    let today = input.today;
    let window_start = today
        .checked_sub_months(Months::new(r.window_months))
        .unwrap_or(NaiveDate::MIN);
    let mut s = InteractionSummary {
        boards: seen
            .values()
            .map(|s| s.board.as_str())
            .collect::<std::collections::BTreeSet<_>>()
            .len(),
        messages: seen.len(),
        ..InteractionSummary::default()
    };
    let mut delays = Vec::new();
    // Per board: examples, the longest delay, the page, how many.
    let mut slow: BTreeMap<&str, (Vec<String>, i64, &str, usize)> = BTreeMap::new();
    for item in seen.values() {
        let m = &item.message;
        let Some(asked) = m.asked.filter(|a| *a >= window_start && *a <= today) else {
            continue;
        };
        if m.state == MessageState::Invalid {
            continue;
        }
        s.in_window += 1;
        match m.state {
            MessageState::Answered => {
                s.answered += 1;
                if let Some(answered) = m.answered.filter(|a| *a >= asked) {
                    let days = profile.calendar.working_days_between(asked, answered).days;
                    delays.push(days);
                    let bucket = match days {
                        ..=1 => 0,
                        2..=5 => 1,
                        6..=10 => 2,
                        11..=20 => 3,
                        _ => 4,
                    };
                    s.delay_buckets[bucket] += 1;
                    if days > r.slow_workdays {
                        s.slow += 1;
                        let e = slow
                            .entry(&item.board)
                            .or_insert((Vec::new(), 0, item.page, 0));
                        e.1 = e.1.max(days);
                        e.3 += 1;
                        if e.0.len() < 3 {
                            e.0.push(format!(
                                "{}（{asked}留言，{answered}答复，{days}个工作日）",
                                m.title
                            ));
                        }
                    }
                }
            }
            MessageState::Unanswered => {
                s.unanswered += 1;
                let limit = asked
                    .checked_add_months(Months::new(r.unanswered_months))
                    .unwrap_or(NaiveDate::MAX);
                if today > limit {
                    s.overdue += 1;
                    let target = m.url.clone().unwrap_or_else(|| m.title.clone());
                    sink.push_on(
                        item.page,
                        item.page == input.home,
                        CheckId::InteractionUnanswered,
                        &target,
                        "unanswered",
                        format!(
                            "“{}”栏目的留言于{asked}提交，至{today}已{}天未答复（超过{}个月）",
                            item.board,
                            (today - asked).num_days(),
                            r.unanswered_months
                        ),
                        m.title.clone(),
                    );
                }
            }
            MessageState::Invalid | MessageState::Unknown => {}
        }
    }
    for (board, (examples, worst, page, count)) in slow {
        sink.push_on(
            page,
            page == input.home,
            CheckId::InteractionSlow,
            board,
            "slow",
            format!(
                "“{board}”栏目近{}个月有{count}条留言答复超过{}个工作日（最长{worst}个工作日）",
                r.window_months, r.slow_workdays
            ),
            examples.join("；"),
        );
    }
    for (board, (page, newest)) in board_lists {
        let Some(newest) = newest else { continue };
        let age = (today - newest).num_days();
        if age > r.stale_days {
            sink.push_on(
                page,
                page == input.home,
                CheckId::InteractionStale,
                &board,
                "stale",
                format!(
                    "“{board}”栏目最新留言为{newest}，已{age}天（超过{}天）没有新留言公开",
                    r.stale_days
                ),
                newest.to_string(),
            );
        }
    }
    delays.sort_unstable();
    s.median_workdays = delays.get(delays.len() / 2).copied();
    summary.interaction = Some(s);
}

fn merge_state(a: MessageState, b: MessageState, answered: Option<NaiveDate>) -> MessageState {
    use MessageState::*;
    if answered.is_some() || a == Answered || b == Answered {
        // A list's stale "办理中" does not outweigh the answer on the message's page.
        if a == Invalid || b == Invalid {
            Invalid
        } else {
            Answered
        }
    } else if a == Invalid || b == Invalid {
        Invalid
    } else if a == Unanswered || b == Unanswered {
        Unanswered
    } else {
        Unknown
    }
}

/// The subject of a consultation or feedback title: the name in 《》, else
/// the title without the words every such title has.
fn subject(title: &str) -> String {
    if let (Some(a), Some(b)) = (title.find('《'), title.find('》')) {
        if a < b {
            return title[a + '《'.len_utf8()..b].to_string();
        }
    }
    let mut s = title.to_string();
    for w in [
        "关于",
        "公开征求",
        "征求意见稿",
        "征求意见",
        "征集意见",
        "意见征集",
        "（",
        "）",
        "(",
        ")",
        "的通知",
        "的公告",
        "公告",
        "社会各界",
        "意见",
        "采纳情况",
        "反馈情况",
        "的说明",
        "情况",
    ] {
        s = s.replace(w, "");
    }
    s.trim().to_string()
}

fn consultations(
    input: &SiteInput<'_>,
    profile: &Profile,
    sink: &mut FindingSink<'_>,
    summary: &mut SiteSummary,
) {
    let r = &profile.consultation;
    let today = input.today;
    let mut merged: BTreeMap<String, (super::Consultation, &str)> = BTreeMap::new();
    let mut feedback: Vec<String> = Vec::new();
    let mut status_reported = std::collections::HashSet::new();
    for page in &input.pages {
        let Some(c) = content(page) else { continue };
        feedback.extend(c.feedback_titles.iter().map(|t| subject(t)));
        for item in &c.consultations {
            // The status is judged where it is shown.
            if let (Some(status), Some(end)) = (item.status, item.end) {
                let wrong = match status {
                    ConsultationStatus::Open => today > end,
                    ConsultationStatus::Closed => today < end,
                };
                let key = item.url.clone().unwrap_or_else(|| item.title.clone());
                if wrong && status_reported.insert((page.url, key.clone())) {
                    let shown = match status {
                        ConsultationStatus::Open => "进行中",
                        ConsultationStatus::Closed => "已结束",
                    };
                    sink.push_on(
                        page.url,
                        page.url == input.home,
                        CheckId::ConsultationStatus,
                        &key,
                        "status",
                        format!("征集截止日期为{end}，今天（{today}）仍显示为“{shown}”"),
                        item.title.clone(),
                    );
                }
            }
            let key = item.url.clone().unwrap_or_else(|| item.title.clone());
            match merged.get_mut(&key) {
                None => {
                    merged.insert(key, (item.clone(), page.url));
                }
                Some((m, at)) => {
                    if item.notice {
                        *at = page.url;
                        m.notice = true;
                        m.title = item.title.clone();
                        m.short_reason |= item.short_reason;
                        m.feedback_linked |= item.feedback_linked;
                        m.published = m.published.or(item.published);
                    }
                    m.start = m.start.or(item.start);
                    m.end = m.end.or(item.end);
                }
            }
        }
    }
    summary.consultations = merged.len();
    for (key, (c, page)) in &merged {
        let home = *page == input.home;
        if c.notice && (c.start.is_none() || c.end.is_none()) {
            let lacks = match (c.start, c.end) {
                (None, None) => "起止时间",
                (None, Some(_)) => "开始时间",
                _ => "截止时间",
            };
            sink.push_on(
                page,
                home,
                CheckId::ConsultationDates,
                key,
                "missing",
                format!("征集公告未标注{lacks}"),
                c.title.clone(),
            );
        }
        if let (Some(start), Some(end)) = (c.start.or(c.published), c.end) {
            let days = (end - start).num_days() + 1;
            if end >= start && days < r.min_days && !c.short_reason {
                sink.push_on(
                    page,
                    home,
                    CheckId::ConsultationShort,
                    key,
                    "short",
                    format!(
                        "征求意见期限{days}天（{start}至{end}），少于{}天且未说明理由",
                        r.min_days
                    ),
                    c.title.clone(),
                );
            }
        }
        if let Some(end) = c.end.filter(|_| c.notice) {
            let since = (today - end).num_days();
            let subject = subject(&c.title);
            let published = c.feedback_linked
                || (subject.chars().count() >= 4
                    && feedback.iter().any(|f| {
                        f.contains(&subject)
                            || (f.chars().count() >= 4 && subject.contains(f.as_str()))
                    }));
            if since > r.feedback_days && since <= r.feedback_window_days && !published {
                sink.push_on(
                    page,
                    home,
                    CheckId::ConsultationFeedback,
                    key,
                    "no_feedback",
                    format!(
                        "征集已于{end}结束{since}天，未找到意见收集和采纳情况（超过{}天）",
                        r.feedback_days
                    ),
                    c.title.clone(),
                );
            }
        }
    }
}

fn annual_report(
    input: &SiteInput<'_>,
    profile: &Profile,
    sink: &mut FindingSink<'_>,
    summary: &mut SiteSummary,
) {
    let r = &profile.annual_report;
    let today = input.today;
    let level = input.level.unwrap_or(r.default_level);
    let year = today.year() - 1;
    let mut found: Vec<&super::AnnualReportRef> = Vec::new();
    for page in &input.pages {
        let Some(c) = content(page) else { continue };
        found.extend(c.annual_reports.iter().filter(|a| a.year == year));
        if let Some(report) = &c.annual_report_page {
            if report.year >= r.format_since_year && !report.missing_parts.is_empty() {
                sink.push_on(
                    page.url,
                    page.url == input.home,
                    CheckId::ReportAnnualIncomplete,
                    &format!("{}年度报告", report.year),
                    "incomplete",
                    format!(
                        "{}年度政府信息公开工作年度报告缺少国办公开办函〔2021〕30号格式的{}部分",
                        report.year,
                        report.missing_parts.len()
                    ),
                    report.missing_parts.join("；"),
                );
            }
        }
    }
    let deadline_mmdd = match level {
        SiteLevel::Government => &r.deadline_government,
        SiteLevel::Department => &r.deadline_department,
    };
    let Some(deadline) = deadline_in(deadline_mmdd, today.year()) else {
        return;
    };
    if let Some(first) = found.first() {
        let attachment_only = found.iter().all(|f| f.attachment);
        summary.annual_report_note = Some(if attachment_only {
            format!("{year}年度：附件（{}），未检查内容完整性", first.url)
        } else {
            format!("{year}年度：{}", first.url)
        });
    } else if today > deadline {
        let (severity, caveat) = uncertain(input, profile, CheckId::ReportAnnualMissing);
        sink.push_with(
            input.home,
            true,
            CheckId::ReportAnnualMissing,
            severity,
            &format!("{year}年{}", r.title_phrase),
            "missing",
            format!(
                "已过{}的发布期限（{deadline}），在已读取的{}个页面中未找到{year}年度{}（网页或附件）{caveat}",
                level.zh(),
                input.pages.len(),
                r.title_phrase
            ),
            String::new(),
        );
    }
}

/// A site-wide "not found" when the crawl limits left pages unread: at most
/// a warning, and the detail says why.
fn uncertain(input: &SiteInput<'_>, profile: &Profile, check: CheckId) -> (Severity, String) {
    let severity = profile.severity(check);
    if input.uncrawled == 0 {
        return (severity, String::new());
    }
    (
        severity.max(Severity::Warning),
        format!(
            "；另有{}个站内页面因抓取上限（--max-pages/--max-depth）未读取，结论有待核实",
            input.uncrawled
        ),
    )
}

fn required_columns(input: &SiteInput<'_>, profile: &Profile, sink: &mut FindingSink<'_>) {
    let r = &profile.required_columns;
    let level = input.level.unwrap_or(profile.annual_report.default_level);
    let seen: std::collections::HashSet<&str> = input
        .pages
        .iter()
        .filter_map(content)
        .flat_map(|c| c.column_classes.iter().map(String::as_str))
        .collect();
    for class in r.for_level(level) {
        if seen.contains(class.label.as_str()) {
            continue;
        }
        let names: Vec<&str> = class.names.iter().take(5).map(String::as_str).collect();
        let (severity, caveat) = uncertain(input, profile, CheckId::ColumnMissing);
        sink.push_with(
            input.home,
            true,
            CheckId::ColumnMissing,
            severity,
            &class.label,
            "missing",
            format!(
                "{}应开设“{}”类栏目；在已读取的{}个页面的栏目名称和导航中未找到{caveat}",
                level.zh(),
                class.label,
                input.pages.len()
            ),
            format!("可用名称：{}", names.join("、")),
        );
    }
}
