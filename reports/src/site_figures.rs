//! A site's figures beyond its columns, for the HTML report: the content
//! rules (wording errors, consultations, the yearly report), IPv6 support
//! and the message boards' answer delays.

use crate::html::esc;
use std::fmt::Write;

/// The content rules in numbers: wording errors, the boards' answer delays,
/// consultations and last year's report.
pub(crate) fn content_block(s: &govscan_checks::site::SiteSummary) -> String {
    let mut h = String::new();
    if let Some(level) = s.level {
        let _ = write!(h, r#"<p class="muted">网站级别：{}。"#, level.zh());
    } else {
        h.push_str(r#"<p class="muted">"#);
    }
    let _ = write!(
        h,
        "严重表述错误 {} 处，易错词 {} 处；意见征集 {} 件。",
        s.serious_errors, s.typo_errors, s.consultations
    );
    if let Some(note) = &s.annual_report_note {
        let _ = write!(h, "政府信息公开年报：{}。", esc(note));
    }
    h.push_str("</p>");
    if let Some(v6) = &s.ipv6 {
        let levels: Vec<String> = v6
            .levels
            .iter()
            .map(|(level, ok, tried)| {
                format!(
                    "{}级链接 {ok}/{tried}（{:.1}%）",
                    if *level == 2 { "二" } else { "三" },
                    *ok as f64 * 100.0 / (*tried).max(1) as f64
                )
            })
            .collect();
        let _ = write!(
            h,
            r#"<p class="muted">IPv6：AAAA 记录{}；首页{}；{}外部资源域名 {} 个，其中无 IPv6 地址 {} 个。{}</p>"#,
            match v6.aaaa {
                Some(true) => "有",
                Some(false) => "无",
                None => "未能查询",
            },
            match v6.home.as_str() {
                "ok" => "可通过 IPv6 访问".to_string(),
                "not_checked" | "no_aaaa" => "未检查".to_string(),
                other => format!("通过 IPv6 无法访问（{}）", esc(other)),
            },
            if levels.is_empty() {
                String::new()
            } else {
                format!("{}；", levels.join("，"))
            },
            v6.embedded_checked,
            v6.embedded_without_aaaa,
            v6.note.as_deref().map(esc).unwrap_or_default()
        );
    }
    if let Some(i) = &s.interaction {
        let _ = write!(
            h,
            r#"<h3>互动交流</h3><p class="muted">{} 个留言栏目，读到留言 {} 条；近一年有效留言 {} 条：已答复 {}，未答复 {}（其中超期 {}），答复超时 {}。"#,
            i.boards, i.messages, i.in_window, i.answered, i.unanswered, i.overdue, i.slow
        );
        if let Some(m) = i.median_workdays {
            let _ = write!(h, "答复用时中位数 {m} 个工作日。");
        }
        h.push_str("</p>");
        let max = i.delay_buckets.iter().copied().max().unwrap_or(0).max(1);
        h.push_str(r#"<table class="delays"><caption>留言答复用时（工作日）</caption><tbody>"#);
        for (label, n) in govscan_checks::content::DELAY_BUCKET_LABELS
            .iter()
            .zip(i.delay_buckets)
        {
            let width = n * 200 / max;
            let _ = write!(
                h,
                r#"<tr><th>{label}</th><td><span class="bar" style="display:inline-block;height:10px;background:#2e86c1;width:{width}px"></span> {n}</td></tr>"#
            );
        }
        h.push_str("</tbody></table>");
    }
    h
}
