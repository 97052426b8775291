//! `report.html`: one self-contained file (inline CSS, JS and SVG; a CSP
//! that forbids every outside request) that opens from disk.
//!
//! The overview, site sections and charts are rendered here with every
//! string escaped; the findings list is rendered by the page's script from
//! embedded JSON, a page at a time, so 100,000 findings do not freeze it.

use crate::model::{RunReport, SiteReport};
use crate::overview::{problem_key, site_row, ProblemKey, SiteRow};
use govscan_checks::score::{SiteScore, Verdict};
use govscan_checks::{CheckId, Finding, Profile};
use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;

use crate::charts::{chart_by_category, sparkline};

mod site;
use site::site_section;

const CSS: &str = include_str!("../../assets/report.css");
const JS: &str = include_str!("../../assets/report.js");

/// Escapes text for HTML content and attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Appends `v` to `h` as JSON that is safe inside a `<script>` element:
/// `<`, `>`, `&` and the two JavaScript line separators, which only occur
/// inside strings, are escaped as they are written. Written straight into
/// the page: with a finding on every page, the data is several MB, and
/// escaping a finished copy took three more.
fn push_script_json(h: &mut String, v: &impl serde::Serialize) {
    let mut out = std::mem::take(h).into_bytes();
    let mark = out.len();
    let mut ser = serde_json::Serializer::with_formatter(&mut out, ScriptSafe);
    if v.serialize(&mut ser).is_err() {
        out.truncate(mark);
        out.extend_from_slice(b"{}");
    }
    *h = String::from_utf8(out)
        .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
}

/// serde_json's compact output with the characters a `<script>` element
/// must not see in a string escaped (see [`push_script_json`]).
struct ScriptSafe;

impl serde_json::ser::Formatter for ScriptSafe {
    fn write_string_fragment<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        fragment: &str,
    ) -> std::io::Result<()> {
        let mut start = 0;
        for (i, c) in fragment.char_indices() {
            let escaped = match c {
                '<' => "\\u003c",
                '>' => "\\u003e",
                '&' => "\\u0026",
                '\u{2028}' => "\\u2028",
                '\u{2029}' => "\\u2029",
                _ => continue,
            };
            w.write_all(&fragment.as_bytes()[start..i])?;
            w.write_all(escaped.as_bytes())?;
            start = i + c.len_utf8();
        }
        w.write_all(&fragment.as_bytes()[start..])
    }
}

/// An http(s) URL as a link; anything else as text.
fn url_link(url: &str) -> String {
    let lower = url.trim_start().to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") {
        format!(
            r#"<a class="url" href="{0}" target="_blank" rel="noopener noreferrer">{0}</a>"#,
            esc(url)
        )
    } else {
        format!(r#"<span class="url">{}</span>"#, esc(url))
    }
}

fn verdict_badge(score: &SiteScore) -> String {
    let class = match score.verdict {
        Verdict::Pass => "pass",
        Verdict::FailScore => "fail_score",
        Verdict::FailVeto => "fail_veto",
        Verdict::NotAudited => "not_audited",
    };
    let label = match score.verdict {
        // The reason is shown beside it; the badge stays short.
        Verdict::NotAudited => score.verdict.label_zh().to_string(),
        _ => score.verdict_zh(),
    };
    format!(r#"<span class="badge {class}">{}</span>"#, esc(&label))
}

/// Findings that are one fix: a dead link from many pages, a footer element
/// missing on every page of a template.
pub(crate) struct Issue<'a> {
    pub(crate) site: usize,
    pub(crate) first: &'a Finding,
    pub(crate) pages: Vec<&'a str>,
    /// Whether any of its findings is new since the previous run.
    pub(crate) new: bool,
    /// The earliest first-seen date of its findings.
    pub(crate) first_seen: Option<&'a str>,
}

fn group_issues<'a>(sites: &'a [SiteReport]) -> Vec<Issue<'a>> {
    let mut out: Vec<Issue<'a>> = Vec::new();
    let mut index: HashMap<(usize, ProblemKey<'a>), usize> = HashMap::new();
    // Each issue's pages once: a dead link in a template is one finding on
    // every page, tens of thousands for one issue.
    let mut listed: HashSet<(usize, &'a str)> = HashSet::new();
    for (si, site) in sites.iter().enumerate() {
        let history = site
            .history
            .as_ref()
            .filter(|h| h.findings.len() == site.findings.len());
        let compared = history.is_some_and(|h| h.previous_run.is_some());
        for (fi, f) in site.findings.iter().enumerate() {
            let fh = history.map(|h| &h.findings[fi]);
            let new = compared && fh.is_some_and(|h| h.new);
            let first_seen = fh.map(|h| h.first_seen.as_str());
            {
                let key = (si, problem_key(f));
                if let Some(&i) = index.get(&key) {
                    let issue = &mut out[i];
                    if listed.insert((i, &f.page)) {
                        issue.pages.push(&f.page);
                    }
                    issue.new |= new;
                    issue.first_seen = match (issue.first_seen, first_seen) {
                        (Some(a), Some(b)) => Some(a.min(b)),
                        (a, b) => a.or(b),
                    };
                    continue;
                }
                index.insert(key, out.len());
                listed.insert((out.len(), &f.page));
            }
            out.push(Issue {
                site: si,
                first: f,
                pages: vec![&f.page],
                new,
                first_seen,
            });
        }
    }
    // Worst first: severity, then how many pages a fix reaches.
    out.sort_by(|a, b| {
        (
            a.first.severity,
            a.site,
            a.first.check,
            std::cmp::Reverse(a.pages.len()),
        )
            .cmp(&(
                b.first.severity,
                b.site,
                b.first.check,
                std::cmp::Reverse(b.pages.len()),
            ))
    });
    out
}

/// `2026-11-23T13:59:53.62+08:00` → `2026-11-23 13:59:53`.
fn short_time(rfc3339: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(rfc3339)
        .map(|t| t.format("%Y-%m-%d %H:%M:%S").to_string())
        .unwrap_or_else(|_| rfc3339.to_string())
}

fn num_cell(v: impl std::fmt::Display, sort: f64) -> String {
    format!(r#"<td class="num" data-v="{sort}">{v}</td>"#)
}

/// The overview's table by region (区县): each county's sites and verdicts.
fn region_table(rows: &[SiteRow]) -> String {
    use std::collections::BTreeMap;
    let mut regions: BTreeMap<&str, [usize; 5]> = BTreeMap::new();
    for r in rows {
        let c = regions
            .entry(r.region.as_deref().unwrap_or("（未填）"))
            .or_default();
        c[0] += 1;
        match r.score.verdict {
            Verdict::Pass => c[1] += 1,
            Verdict::FailScore => c[2] += 1,
            Verdict::FailVeto => {
                c[2] += 1;
                c[3] += 1
            }
            Verdict::NotAudited => c[4] += 1,
        }
    }
    let mut h = String::from(
        r#"<table class="sortable" id="region-table"><thead><tr><th class="sortable">区县</th><th class="sortable num">站点</th><th class="sortable num">合格</th><th class="sortable num">不合格</th><th class="sortable num">其中单项否决</th><th class="sortable num">未能检查</th></tr></thead><tbody>"#,
    );
    for (region, c) in &regions {
        let _ = write!(h, r#"<tr><td data-v="{r}">{r}</td>"#, r = esc(region));
        for n in c {
            h.push_str(&num_cell(n, *n as f64));
        }
        h.push_str("</tr>");
    }
    h.push_str("</tbody></table>");
    h
}

/// Renders the whole report.
pub fn render(run: &RunReport, scores: &[SiteScore], profile: &Profile) -> String {
    let profile_basis = profile.scoring.basis.as_str();
    let rows: Vec<SiteRow> = run
        .sites
        .iter()
        .zip(scores)
        .map(|(s, sc)| site_row(s, sc))
        .collect();
    let mut order: Vec<(usize, &SiteRow)> = rows.iter().enumerate().collect();
    // With a region column (区县), the overview groups the sites by county.
    let by_region = rows.iter().any(|r| r.region.is_some());
    order.sort_by(|(_, a), (_, b)| {
        let region = |r: &SiteRow| r.region.clone().unwrap_or_default();
        (by_region.then(|| region(a)), a.badness())
            .cmp(&(by_region.then(|| region(b)), b.badness()))
    });
    let issues = group_issues(&run.sites);
    let mut h = String::with_capacity(1 << 20);
    let _ = write!(
        h,
        r##"<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>政府网站检查报告 {now}</title><style>{CSS}</style></head><body>
<header><h1>政府网站检查报告</h1><p>检查日期 {now} · {n} 个站点 · 规则：{profile}（{basis}） · govscan {version} · 扫描时间 {started} 至 {finished}</p></header>
<nav><a href="#overview">总览</a>"##,
        now = esc(&run.now),
        n = run.sites.len(),
        profile = esc(&run.profile),
        basis = esc(profile_basis),
        version = esc(&run.version),
        started = esc(&short_time(&run.started)),
        finished = esc(&short_time(&run.finished)),
    );
    for (i, r) in rows.iter().enumerate() {
        let _ = write!(h, r##"<a href="#site-{i}">{}</a>"##, esc(&r.name));
    }
    h.push_str(r##"<a href="#findings">全部问题</a></nav><main>"##);

    // Overview: the inspector's view.
    let fails = rows
        .iter()
        .filter(|r| matches!(r.score.verdict, Verdict::FailScore | Verdict::FailVeto))
        .count();
    let not_audited = rows
        .iter()
        .filter(|r| r.score.verdict == Verdict::NotAudited)
        .count();
    let vetoed = rows
        .iter()
        .filter(|r| r.score.verdict == Verdict::FailVeto)
        .count();
    let _ = write!(
        h,
        r#"<section id="overview"><h2>总览</h2><div class="cards"><div class="card">站点<b>{}</b></div><div class="card">不合格<b>{fails}</b></div><div class="card">单项否决<b>{vetoed}</b></div><div class="card">未能检查<b>{not_audited}</b></div><div class="card">需整改项<b>{}</b></div></div>"#,
        rows.len(),
        issues.len()
    );
    if let Some(list) = &run.site_list {
        let _ = write!(
            h,
            r#"<p class="site-list">站点清单：{}</p>"#,
            esc(&list.summary_zh())
        );
        if !list.skipped.is_empty() {
            h.push_str(r#"<ul class="skipped">"#);
            for s in &list.skipped {
                let _ = write!(
                    h,
                    "<li>{} 第{}行未检查：{}</li>",
                    esc(&s.file),
                    s.line,
                    esc(&s.reason)
                );
            }
            h.push_str("</ul>");
        }
    }
    h.push_str(&chart_by_category(&order, &issues));
    if by_region {
        h.push_str(&region_table(&rows));
    }
    let region_head = if by_region {
        r#"<th class="sortable">区县</th>"#
    } else {
        ""
    };
    h.push_str(if by_region {
        r#"<table class="sortable by-region" id="overview-table"><thead><tr>"#
    } else {
        r#"<table class="sortable" id="overview-table"><thead><tr>"#
    });
    h.push_str(region_head);
    h.push_str(r#"<th class="sortable">站点</th><th class="sortable">结论</th><th class="sortable num">得分</th><th class="sortable">单项否决</th><th class="sortable num">页面</th><th class="sortable num">首页死链</th><th class="sortable num">其他死链</th><th class="sortable num">不更新栏目</th><th class="sortable num">空白栏目</th><th class="sortable">底部要素问题</th><th class="sortable num">未关联解读</th><th class="sortable num">隐私泄露页</th><th class="sortable num">未能核实链接</th><th>趋势（问题数）</th></tr></thead><tbody>"#);
    for (i, r) in &order {
        let (rank, _) = r.badness();
        // A site that was not audited has no counts: a 0 would read as "clean".
        let audited = r.score.verdict != Verdict::NotAudited;
        let count_cell = |n: usize| {
            if audited {
                num_cell(n, n as f64)
            } else {
                num_cell("—", -1.0)
            }
        };
        let footer: Vec<&str> = r.footer_missing.iter().map(|c| c.title_zh()).collect();
        let _ = write!(
            h,
            r##"<tr>{region}<td data-v="{name}"><a href="#site-{i}">{name}</a><div class="muted url">{url}</div></td><td data-v="{rank}">{badge}</td>{score}<td data-v="{vetoes}">{vetoes}</td>{pages}{dh}{do_}{sc}{ec}<td data-v="{fn_}">{footer}</td>{pol}{pri}{blk}<td>{trend}</td></tr>"##,
            blk = count_cell(r.blocked_links),
            region = if by_region {
                let region = esc(r.region.as_deref().unwrap_or("（未填）"));
                format!(r#"<td data-v="{region}">{region}</td>"#)
            } else {
                String::new()
            },
            trend = sparkline(&run.sites[*i], r.findings),
            name = esc(&r.name),
            url = esc(&r.url),
            badge = if r.score.verdict == Verdict::NotAudited {
                format!(
                    r#"{}<div class="muted">{}</div>"#,
                    verdict_badge(&r.score),
                    esc(&r.audit.reason_zh)
                )
            } else {
                verdict_badge(&r.score)
            },
            score = num_cell(r.score.score_cell(), r.score.score.unwrap_or(-1.0)),
            vetoes = esc(&r.score.vetoes.join("；")),
            pages = num_cell(r.pages, r.pages as f64),
            dh = count_cell(r.dead_home),
            do_ = count_cell(r.dead_other),
            sc = count_cell(r.stale_columns),
            ec = count_cell(r.empty_columns),
            fn_ = footer.len(),
            footer = esc(&footer.join("、")),
            pol = count_cell(r.policy_without_interpretation),
            pri = count_cell(r.privacy_pages),
        );
    }
    h.push_str("</tbody></table><p class=\"muted\">默认按结论和得分排序（最差在前），点击表头可重新排序。得分为扣分指标的估算，未核实的分值见各站点扣分明细。</p></section>");

    // Site sections: the webmaster's view.
    for (i, (site, r)) in run.sites.iter().zip(&rows).enumerate() {
        site_section(&mut h, i, site, r, &issues, &run.now, profile);
    }

    // All findings, filterable.
    h.push_str(r#"<section id="findings"><h2>全部问题</h2><div class="filters"><select id="f-site"><option value="">全部站点</option></select><select id="f-check"><option value="">全部检查项</option></select><select id="f-sev"><option value="">全部级别</option><option value="veto">单项否决</option><option value="error">错误</option><option value="warning">警告</option><option value="info">提示</option></select><select id="f-change"><option value="">新增与持续</option><option value="new">仅新增</option><option value="old">仅持续</option></select><input id="f-q" type="search" placeholder="搜索页面、链接、说明…"></div><div class="pager"><button id="prev" type="button">上一页</button><span id="page-no"></span><button id="next" type="button">下一页</button><span id="count" class="muted"></span></div><table id="issues"><thead><tr><th>级别</th><th>检查项</th><th>链接/要素</th><th>状态</th><th>说明</th><th>所在页面</th></tr></thead><tbody></tbody></table></section>"#);

    let mut checks = serde_json::Map::new();
    for id in CheckId::ALL {
        checks.insert(
            id.as_str().into(),
            serde_json::json!({ "title": id.title_zh(), "rule": id.rule_zh(), "fix": profile.fix_zh(*id) }),
        );
    }
    /// A site as the page's script reads it.
    #[derive(serde::Serialize)]
    struct ScriptSite<'a> {
        name: &'a str,
        url: &'a str,
    }
    /// An issue as the page's script reads it (an array, by position).
    type ScriptIssue<'a> = (
        usize,
        &'a str,
        &'a str,
        &'a str,
        &'a str,
        &'a str,
        &'a str,
        &'a [&'a str],
        u8,
        &'a str,
    );
    /// The page script's data, borrowed from the run.
    #[derive(serde::Serialize)]
    struct ScriptData<'a> {
        checks: serde_json::Map<String, serde_json::Value>,
        issues: Vec<ScriptIssue<'a>>,
        sites: Vec<ScriptSite<'a>>,
    }
    let data = ScriptData {
        sites: run
            .sites
            .iter()
            .map(|s| ScriptSite {
                name: &s.name,
                url: &s.url,
            })
            .collect(),
        checks,
        issues: issues
            .iter()
            .map(|it| {
                let f = it.first;
                let detail = f.detail.strip_prefix("首页链接 · ").unwrap_or(&f.detail);
                (
                    it.site,
                    f.check.as_str(),
                    f.severity.as_str(),
                    f.target.as_str(),
                    f.status.as_str(),
                    detail,
                    f.evidence.as_str(),
                    it.pages.as_slice(),
                    u8::from(it.new),
                    it.first_seen.unwrap_or(""),
                )
            })
            .collect(),
    };
    h.push_str(r#"</main><script type="application/json" id="govscan-data">"#);
    push_script_json(&mut h, &data);
    let _ = write!(h, r#"</script><script>{JS}</script></body></html>"#);
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_links() {
        assert_eq!(
            esc("<script>alert('x')</script>&\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;&quot;"
        );
        assert!(url_link("javascript:alert(1)").starts_with("<span"));
        assert!(url_link("https://a.gov.cn/?a=1&b=2")
            .contains("href=\"https://a.gov.cn/?a=1&amp;b=2\""));
        let value = serde_json::json!({"t": "</script><script>alert(1)</script> & \u{2028}", "<k>": [1, "a>b"]});
        let mut j = String::from("<script>");
        push_script_json(&mut j, &value);
        let j = j.strip_prefix("<script>").unwrap_or_default();
        assert!(
            !j.contains("</script>") && !j.contains(['<', '>', '&', '\u{2028}']),
            "{j}"
        );
        // The script reads back exactly what was written.
        let back: serde_json::Value = serde_json::from_str(j).unwrap_or_default();
        assert_eq!(back, value);
    }
}
