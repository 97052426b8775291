//! One site's section of `report.html`: its cards, vetoes, columns,
//! history and notes, below the county overview.

use super::{esc, url_link, verdict_badge, Issue};
use crate::charts::column_charts;
use crate::model::SiteReport;
use crate::overview::SiteRow;
use govscan_checks::audit::AuditStatus;
use govscan_checks::{CheckId, Profile};
use std::collections::BTreeMap;
use std::fmt::Write as _;

pub(super) fn site_section(
    h: &mut String,
    i: usize,
    site: &SiteReport,
    r: &SiteRow,
    issues: &[Issue<'_>],
    now: &str,
    profile: &Profile,
) {
    let s = &site.summary;
    let _ = write!(
        h,
        r#"<section class="site" id="site-{i}"><h2>{name} {badge}</h2><p>{url}</p><div class="cards"><div class="card">得分<b class="score">{score}</b></div><div class="card">页面<b>{pages}</b></div><div class="card">首页最新信息<b>{home}</b></div><div class="card">需整改项<b>{n}</b></div>{platform}</div>"#,
        platform = s
            .cms
            .as_deref()
            .map(|c| format!(r#"<div class="card">网站平台<b>{}</b></div>"#, esc(c)))
            .unwrap_or_default(),
        name = esc(&site.name),
        badge = verdict_badge(&r.score),
        url = url_link(&site.url),
        score = match r.score.score {
            Some(v) => format!("{v:.1}"),
            None => "—".into(),
        },
        pages = r.pages,
        home = match (s.home_newest, s.home_age_days) {
            (Some(d), Some(a)) => format!("{d}（{a}天）"),
            _ => "无".into(),
        },
        n = issues.iter().filter(|it| it.site == i).count(),
    );
    if !r.score.vetoes.is_empty() {
        let _ = write!(
            h,
            r#"<p><span class="badge veto">单项否决</span> {}</p>"#,
            esc(&r.score.vetoes.join("；"))
        );
    }
    match r.audit.status {
        AuditStatus::NotAudited => {
            let _ = write!(
                h,
                r#"<div class="audit not_audited"><p><b>未能检查，不作合格判定。</b>原因：{}</p><p>处理建议：{}</p></div>"#,
                esc(&r.audit.reason_zh),
                esc(&r.audit.advice_zh)
            );
        }
        AuditStatus::Partial => {
            let _ = write!(
                h,
                r#"<div class="audit partial"><p><b>部分检查：已检查 {}% 页面。</b>{}</p><p>处理建议：{}</p></div>"#,
                r.audit.coverage_percent(),
                esc(&r.audit.reason_zh),
                esc(&r.audit.advice_zh)
            );
        }
        AuditStatus::Audited => {}
    }
    if site.interrupted {
        h.push_str(r#"<p class="muted">扫描被中断，以下为已完成部分的结果。</p>"#);
    }
    if r.blocked_links > 0 {
        let _ = write!(
            h,
            r#"<p class="muted">未能核实的链接 {} 个（被防火墙拦截或限流，不计为死链、不扣分）：{}</p>"#,
            r.blocked_links,
            esc(govscan_checks::links::BLOCKED_HINT)
        );
    }
    if let Some(hist) = &site.history {
        history_block(h, i, hist);
    }
    let audited = r.audit.status != AuditStatus::NotAudited;
    h.push_str("<h3>扣分明细</h3>");
    if !audited {
        h.push_str(r#"<p class="muted">未能检查，不计分。</p>"#);
    } else if r.score.deductions.is_empty() {
        h.push_str(r#"<p class="muted">无扣分项。</p>"#);
    } else {
        h.push_str(r#"<table><thead><tr><th>扣分项</th><th class="num">数量</th><th class="num">每项扣分</th><th class="num">扣分</th><th class="num">上限</th><th>分值来源</th></tr></thead><tbody>"#);
        for d in &r.score.deductions {
            let _ = write!(
                h,
                r#"<tr><td>{}</td><td class="num">{}</td><td class="num">{}</td><td class="num">{:.2}</td><td class="num">{}</td><td>{}</td></tr>"#,
                esc(&d.item),
                d.count,
                d.per_unit,
                d.points,
                d.cap,
                if d.verified {
                    "国办秘函〔2019〕19号"
                } else {
                    r#"<span class="unverified">未经核实（规则配置设定）</span>"#
                }
            );
        }
        h.push_str("</tbody></table>");
    }
    // Findings grouped by check.
    let mut by_check: BTreeMap<CheckId, (usize, usize)> = BTreeMap::new();
    for it in issues.iter().filter(|it| it.site == i) {
        let e = by_check.entry(it.first.check).or_default();
        e.0 += 1;
        e.1 += it.pages.len();
    }
    h.push_str("<h3>问题（按检查项）</h3>");
    if by_check.is_empty() {
        h.push_str(r#"<p class="muted">未发现问题。</p>"#);
    } else {
        h.push_str(r#"<table><thead><tr><th>检查项</th><th class="num">需整改项</th><th class="num">涉及页面</th><th>依据</th><th>整改方法</th></tr></thead><tbody>"#);
        for (check, (n, pages)) in &by_check {
            let _ = write!(
                h,
                r##"<tr><td><a data-filter href="#q:site={i}&amp;check={id}&amp;sev=&amp;text=">{title}</a><div class="muted">{id}</div></td><td class="num">{n}</td><td class="num">{pages}</td><td>{rule}</td><td>{fix}</td></tr>"##,
                id = check.as_str(),
                title = check.title_zh(),
                rule = esc(check.rule_zh()),
                fix = esc(&profile.fix_zh(*check)),
            );
        }
        h.push_str("</tbody></table>");
    }
    if !s.footer_missing.is_empty() {
        h.push_str("<h3>底部功能区要素缺失（页面数）</h3><p>");
        let parts: Vec<String> = s
            .footer_missing
            .iter()
            .filter_map(|(id, n)| {
                id.parse::<CheckId>()
                    .ok()
                    .map(|c| format!("{}：{n} 个页面", c.title_zh()))
            })
            .collect();
        h.push_str(&esc(&parts.join("；")));
        let _ = write!(h, "（共检查 {} 个页面）</p>", s.pages);
    }
    if audited {
        h.push_str("<h3>栏目</h3>");
        h.push_str(&column_charts(&s.columns, now));
        let _ = write!(
            h,
            r#"<p class="muted">政策文件 {} 件，其中需解读 {} 件、未关联解读 {} 件；政策解读 {} 件。</p>"#,
            s.policy_documents,
            s.policy_needing_interpretation,
            s.policy_without_interpretation,
            s.interpretations
        );
        h.push_str(&crate::site_figures::content_block(s));
    }
    if !site.notes.is_empty() {
        h.push_str("<details><summary>扫描记录</summary><ul>");
        for n in &site.notes {
            let _ = write!(h, "<li>{}</li>", esc(n));
        }
        h.push_str("</ul></details>");
    }
    h.push_str("</section>");
}

/// What changed since the previous run, and the availability probes.
fn history_block(h: &mut String, i: usize, hist: &crate::model::SiteHistory) {
    if let Some(prev) = &hist.previous_run {
        let new = hist.findings.iter().filter(|f| f.new).count();
        let _ = write!(
            h,
            r##"<p>与上次扫描（{}）相比：<a data-filter href="#q:site={i}&amp;check=&amp;sev=&amp;text=&amp;change=new">新增 {new} 项</a>，已修复 {} 项。</p>"##,
            esc(prev),
            hist.fixed.len()
        );
        if !hist.fixed.is_empty() {
            h.push_str(r#"<details><summary>已修复的问题</summary><table><thead><tr><th>检查项</th><th>页面</th><th>链接/要素</th><th>首次发现</th></tr></thead><tbody>"#);
            for (f, first) in hist.fixed.iter().zip(&hist.fixed_first_seen).take(500) {
                let _ = write!(
                    h,
                    r#"<tr><td>{}<div class="muted">{}</div></td><td>{}</td><td>{}</td><td>{}</td></tr>"#,
                    f.check.title_zh(),
                    f.check.as_str(),
                    url_link(&f.page),
                    esc(&f.target),
                    esc(first)
                );
            }
            h.push_str("</tbody></table></details>");
        }
    }
    if let Some(a) = &hist.availability {
        let _ = write!(
            h,
            r#"<h3>站点可访问性（近{}天探测）</h3><div class="cards"><div class="card">探测次数<b>{}</b></div><div class="card">失败<b>{}</b></div><div class="card">失败占比<b>{:.1}%</b></div><div class="card">最长连续失败<b>{}次 / 约{}分钟</b></div></div>"#,
            a.days,
            a.probes,
            a.failures,
            a.failure_share * 100.0,
            a.longest_failure_streak,
            a.longest_outage_minutes
        );
    }
}
