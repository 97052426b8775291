//! The HTML report's charts, inline SVG: problems by category across the
//! sites, each column's age against its limit, and a site's trend over
//! its past runs.

use crate::html::{esc, Issue};
use crate::model::SiteReport;
use crate::overview::SiteRow;
use govscan_checks::columns::ColumnState;
use govscan_checks::CheckId;
use std::fmt::Write as _;

fn category(check: CheckId) -> usize {
    let id = check.as_str();
    if id.starts_with("link.") || id.starts_with("page.") {
        0
    } else if id.starts_with("footer.") {
        1
    } else if id.starts_with("column.") || id.starts_with("home.") {
        2
    } else if id.starts_with("policy.") || id.starts_with("interpretation.") {
        3
    } else if id.starts_with("privacy.") {
        4
    } else if ["content.", "interaction.", "consultation.", "report."]
        .iter()
        .any(|p| id.starts_with(p))
    {
        5
    } else {
        6
    }
}

const CATEGORIES: [(&str, &str); 7] = [
    ("链接", "#2e86c1"),
    ("底部标识", "#8e44ad"),
    ("栏目更新", "#d68910"),
    ("政策解读与文件", "#16a085"),
    ("个人信息", "#c0392b"),
    ("内容与互动", "#b7950b"),
    ("站点级", "#7f8c8d"),
];

/// Stacked bars: issues (fixes) by category per site.
pub(crate) fn chart_by_category(rows: &[(usize, &SiteRow)], issues: &[Issue<'_>]) -> String {
    let mut counts =
        vec![[0usize; CATEGORIES.len()]; rows.iter().map(|(i, _)| i + 1).max().unwrap_or(0)];
    for it in issues {
        if let Some(c) = counts.get_mut(it.site) {
            c[category(it.first.check)] += 1;
        }
    }
    let max = counts
        .iter()
        .map(|c| c.iter().sum::<usize>())
        .max()
        .unwrap_or(0)
        .max(1);
    let (label_w, bar_w, row_h) = (180.0, 640.0, 24.0);
    let height = rows.len() as f64 * row_h + 30.0;
    let mut svg = format!(
        r#"<svg class="chart-svg" role="img" aria-label="各站点问题数（按类别）" width="{}" height="{height}" viewBox="0 0 {} {height}">"#,
        label_w + bar_w + 60.0,
        label_w + bar_w + 60.0
    );
    for (row, (si, r)) in rows.iter().enumerate() {
        let y = row as f64 * row_h + 4.0;
        let _ = write!(
            svg,
            r#"<text x="0" y="{}">{}</text>"#,
            y + 14.0,
            esc(&r.name)
        );
        let mut x = label_w;
        for (cat, n) in counts[*si].iter().enumerate() {
            if *n == 0 {
                continue;
            }
            let w = *n as f64 / max as f64 * bar_w;
            let _ = write!(
                svg,
                r#"<rect x="{x:.1}" y="{y}" width="{w:.1}" height="16" fill="{}"><title>{}：{n}</title></rect>"#,
                CATEGORIES[cat].1, CATEGORIES[cat].0
            );
            x += w;
        }
        let total: usize = counts[*si].iter().sum();
        let _ = write!(
            svg,
            r#"<text x="{:.1}" y="{}">{total}</text>"#,
            x + 4.0,
            y + 14.0
        );
    }
    svg.push_str("</svg>");
    let mut legend = String::from(r#"<div class="legend">"#);
    for (name, color) in CATEGORIES {
        let _ = write!(
            legend,
            r#"<span><i style="background:{color}"></i>{name}</span>"#
        );
    }
    legend.push_str("</div>");
    format!(r#"<div class="chart">{svg}{legend}</div>"#)
}

/// Column ages against their thresholds, and a timeline of newest items.
pub(crate) fn column_charts(columns: &[ColumnState], now: &str) -> String {
    if columns.is_empty() {
        return r#"<p class="muted">未识别到栏目页。</p>"#.into();
    }
    let (label_w, bar_w, row_h) = (170.0, 420.0, 22.0);
    let height = columns.len() as f64 * row_h + 24.0;
    let width = label_w + bar_w + 190.0;
    let mut svg = format!(
        r#"<svg role="img" aria-label="栏目更新情况" width="{width}" height="{height}" viewBox="0 0 {width} {height}">"#
    );
    // Bars show age / max age; the threshold sits at half the bar width.
    let threshold_x = label_w + bar_w / 2.0;
    for (row, c) in columns.iter().enumerate() {
        let y = row as f64 * row_h + 4.0;
        let _ = write!(
            svg,
            r#"<text x="0" y="{}">{}</text>"#,
            y + 13.0,
            esc(&c.name)
        );
        let (w, color, label) = match c.age_days {
            _ if c.blank => (4.0, "#c0392b", "空白栏目".to_string()),
            _ if c.unverified => (4.0, "#7f8c8d", "未能核实（列表由脚本加载）".to_string()),
            Some(age) => {
                let ratio = (age as f64 / c.max_age_days.max(1) as f64).min(2.0);
                let color = if c.stale { "#c0392b" } else { "#1e8449" };
                (
                    ratio * bar_w / 2.0,
                    color,
                    format!("{age}天 / 要求{}天", c.max_age_days),
                )
            }
            None if !c.stale => (4.0, "#7f8c8d", "暂无信息（已说明）".to_string()),
            None => (4.0, "#c0392b", "信息均无日期".to_string()),
        };
        let _ = write!(
            svg,
            r#"<rect x="{label_w}" y="{y}" width="{w:.1}" height="14" fill="{color}"><title>{}：{}</title></rect><text x="{:.1}" y="{}">{}</text>"#,
            esc(&c.name),
            esc(&label),
            label_w + bar_w + 8.0,
            y + 13.0,
            esc(&label)
        );
    }
    let _ = write!(
        svg,
        r##"<line x1="{threshold_x}" y1="0" x2="{threshold_x}" y2="{}" stroke="#555" stroke-dasharray="4 3"/><text x="{}" y="{}">更新期限</text></svg>"##,
        height - 16.0,
        threshold_x - 24.0,
        height - 2.0
    );

    // Timeline: where each column's newest item falls in the last 400 days.
    let today = chrono::NaiveDate::parse_from_str(now, "%Y-%m-%d").ok();
    let mut timeline = String::new();
    if let Some(today) = today {
        let span = 400.0;
        let (tl_w, x0) = (600.0, label_w);
        let h = columns.len() as f64 * row_h + 30.0;
        let _ = write!(
            timeline,
            r#"<svg role="img" aria-label="各栏目最新信息时间线" width="{}" height="{h}" viewBox="0 0 {} {h}">"#,
            x0 + tl_w + 20.0,
            x0 + tl_w + 20.0
        );
        for (row, c) in columns.iter().enumerate() {
            let y = row as f64 * row_h + 10.0;
            let _ = write!(
                timeline,
                r##"<text x="0" y="{}">{}</text><line x1="{x0}" y1="{y}" x2="{}" y2="{y}" stroke="#dde3ea"/>"##,
                y + 4.0,
                esc(&c.name),
                x0 + tl_w
            );
            let deadline = (span - c.max_age_days as f64).max(0.0) / span * tl_w + x0;
            let _ = write!(
                timeline,
                r##"<line x1="{deadline:.1}" y1="{}" x2="{deadline:.1}" y2="{}" stroke="#999"/>"##,
                y - 6.0,
                y + 6.0
            );
            if let Some(n) = c.newest {
                let age = (today - n).num_days() as f64;
                let x = (span - age.min(span)) / span * tl_w + x0;
                let color = if c.stale { "#c0392b" } else { "#1e8449" };
                let _ = write!(
                    timeline,
                    r#"<circle cx="{x:.1}" cy="{y}" r="5" fill="{color}"><title>{}：{n}</title></circle>"#,
                    esc(&c.name)
                );
            }
        }
        let _ = write!(
            timeline,
            r#"<text x="{x0}" y="{}">{}</text><text x="{}" y="{}">{today}</text></svg>"#,
            h - 4.0,
            today - chrono::Duration::days(span as i64),
            x0 + tl_w - 70.0,
            h - 4.0
        );
    }
    format!(
        r#"<div class="chart"><h3>栏目最新信息距今天数与更新期限</h3>{svg}<h3>各栏目最新信息时间线（近400天，竖线为更新期限）</h3>{timeline}</div>"#
    )
}

/// A small line of a site's findings over its recent runs.
pub(crate) fn sparkline(site: &SiteReport, current: usize) -> String {
    let Some(h) = &site.history else {
        return String::new();
    };
    let mut points: Vec<(String, usize, f64)> = h
        .trend
        .iter()
        .map(|t| (t.date.clone(), t.findings, t.score))
        .collect();
    points.push((
        "本次".into(),
        current,
        site.score.as_ref().and_then(|s| s.score).unwrap_or(0.0),
    ));
    if points.len() < 2 {
        return r#"<span class="muted">首次扫描</span>"#.into();
    }
    let max = points.iter().map(|p| p.1).max().unwrap_or(1).max(1) as f64;
    let (w, hgt) = (120.0, 28.0);
    let step = w / (points.len() - 1) as f64;
    let coords: Vec<String> = points
        .iter()
        .enumerate()
        .map(|(i, p)| {
            format!(
                "{:.1},{:.1}",
                i as f64 * step,
                hgt - 2.0 - p.1 as f64 / max * (hgt - 4.0)
            )
        })
        .collect();
    let title: Vec<String> = points
        .iter()
        .map(|p| format!("{}：{}项，{:.1}分", p.0, p.1, p.2))
        .collect();
    let first = points.first().map_or(0, |p| p.1) as i64;
    let delta = current as i64 - first;
    format!(
        r##"<svg width="{w}" height="{hgt}" viewBox="0 0 {w} {hgt}" role="img" aria-label="问题数趋势"><title>{}</title><polyline fill="none" stroke="#1f5fa8" stroke-width="2" points="{}"/></svg><div class="muted">{}{}</div>"##,
        esc(&title.join("\n")),
        coords.join(" "),
        if delta > 0 { "+" } else { "" },
        delta
    )
}
