//! The verdict and score of a site per the 2019 indicators: any 单项否决 →
//! 不合格 with no scoring; otherwise 100 minus the deductions, each item
//! capped, and below the pass mark → 不合格. The point values come from the
//! profile, which marks those that are not verified.

use crate::audit::{Audit, AuditStatus};
use crate::finding::{CheckId, Finding, Severity};
use crate::profile::Profile;
pub use crate::rules::{CountUnit, ItemScope, ScoreItem, ScoringRules};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// One item's deduction for a site.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Deduction {
    /// Item name.
    pub item: String,
    /// Units counted.
    pub count: usize,
    /// Points per unit.
    pub per_unit: f64,
    /// Points deducted (after the cap).
    pub points: f64,
    /// The item's cap.
    pub cap: f64,
    /// Whether the value is official.
    pub verified: bool,
}

/// 合格 or 不合格, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Score at or above the pass mark, no veto.
    Pass,
    /// Score below the pass mark.
    FailScore,
    /// A 单项否决 item is tripped.
    FailVeto,
    /// The site could not be audited: no verdict, never 合格.
    NotAudited,
}

impl Verdict {
    /// Chinese label.
    pub fn label_zh(self) -> &'static str {
        match self {
            Verdict::Pass => "合格",
            Verdict::FailScore => "不合格（得分低于及格线）",
            Verdict::FailVeto => "不合格（单项否决）",
            Verdict::NotAudited => "未能检查",
        }
    }
}

/// A site's verdict and score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SiteScore {
    /// The verdict.
    pub verdict: Verdict,
    /// 100 minus the deductions (computed even under a veto, for reference);
    /// none when the site could not be audited.
    pub score: Option<f64>,
    /// The veto rules tripped.
    pub vetoes: Vec<String>,
    /// Every item that deducted points.
    pub deductions: Vec<Deduction>,
    /// How much of the site was read (a partial audit is said in the verdict).
    #[serde(default)]
    pub audit: Audit,
}

impl SiteScore {
    /// The verdict as inspectors read it: 合格（部分检查，已检查 83% 页面）,
    /// 未能检查（首页无法访问：域名无法解析）…
    pub fn verdict_zh(&self) -> String {
        match (self.verdict, self.audit.status) {
            (Verdict::NotAudited, _) => format!("未能检查（{}）", self.audit.reason_zh),
            (v, AuditStatus::Partial) => format!(
                "{}（部分检查，已检查 {}% 页面）",
                v.label_zh(),
                self.audit.coverage_percent()
            ),
            (v, _) => v.label_zh().to_string(),
        }
    }

    /// The score as a cell: empty when there is none.
    pub fn score_cell(&self) -> String {
        self.score.map(|s| format!("{s:.1}")).unwrap_or_default()
    }
}

/// Scores a site from its findings and its audit: a site that could not be
/// audited gets no score and the verdict 未能检查 (unless a probe-based
/// veto already fails it).
pub fn score_site(findings: &[Finding], audit: &Audit, profile: &Profile) -> SiteScore {
    let rules = &profile.scoring;
    let mut vetoes: Vec<String> = Vec::new();
    for f in findings.iter().filter(|f| f.severity == Severity::Veto) {
        let name = match f.check {
            CheckId::SiteVeto => f.target.clone(),
            // Reported again as the site.veto "首页不更新".
            CheckId::HomeStale => continue,
            other => other.title_zh().to_string(),
        };
        if !vetoes.contains(&name) {
            vetoes.push(name);
        }
    }
    let mut deductions = Vec::new();
    let mut total = 0.0;
    // A target broken on the home page is deducted once, as a home-page link,
    // even when other pages link to it too.
    let on_home: HashSet<(CheckId, &str)> = findings
        .iter()
        .filter(|f| f.home_page)
        .map(|f| (f.check, f.target.as_str()))
        .collect();
    for item in &rules.items {
        let selected = findings.iter().filter(|f| {
            item.checks.iter().any(|c| c == f.check.as_str())
                && match item.scope {
                    ItemScope::All => true,
                    ItemScope::Home => f.home_page,
                    ItemScope::Other => {
                        !f.home_page && !on_home.contains(&(f.check, f.target.as_str()))
                    }
                }
        });
        let count = match item.count {
            CountUnit::Findings => selected.count(),
            CountUnit::Targets => selected
                .map(|f| (f.check, f.target.as_str()))
                .collect::<HashSet<_>>()
                .len(),
            CountUnit::Checks => selected.map(|f| f.check).collect::<HashSet<_>>().len(),
            CountUnit::Pages => selected
                .map(|f| f.page.as_str())
                .collect::<HashSet<_>>()
                .len(),
        };
        if count == 0 {
            continue;
        }
        let points = (item.points * count as f64).min(item.cap);
        total += points;
        deductions.push(Deduction {
            item: item.name.clone(),
            count,
            per_unit: item.points,
            points: (points * 100.0).round() / 100.0,
            cap: item.cap,
            verified: item.verified,
        });
    }
    let score = ((rules.total - total).max(0.0) * 10.0).round() / 10.0;
    let not_audited = audit.status == AuditStatus::NotAudited;
    let verdict = if !vetoes.is_empty() {
        Verdict::FailVeto
    } else if not_audited {
        Verdict::NotAudited
    } else if score < rules.pass {
        Verdict::FailScore
    } else {
        Verdict::Pass
    };
    SiteScore {
        verdict,
        score: (!not_audited).then_some(score),
        vetoes,
        deductions: if not_audited { Vec::new() } else { deductions },
        audit: audit.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(check: CheckId, page: &str, target: &str, home: bool) -> Finding {
        Finding {
            site: "s".into(),
            check,
            severity: Profile::national().severity(check),
            page: page.into(),
            target: target.into(),
            status: String::new(),
            detail: String::new(),
            evidence: String::new(),
            home_page: home,
        }
    }

    #[test]
    fn deductions_are_counted_capped_and_vetoes_fail() {
        let p = Profile::national();
        let mut findings = vec![
            f(CheckId::LinkDead, "/", "/a", true),
            f(CheckId::LinkDead, "/", "/b", true),
            f(CheckId::LinkDead, "/x", "/a", false),
            f(CheckId::LinkDead, "/y", "/a", false),
        ];
        // The same footer element missing on 30 pages is one fix: one deduction.
        findings.extend(
            (0..30).map(|i| f(CheckId::FooterIcp, &format!("/p{i}"), "ICP备案编号", false)),
        );
        let s = score_site(&findings, &Audit::default(), &p);
        assert_eq!(s.verdict, Verdict::Pass);
        let d = |name: &str| {
            s.deductions
                .iter()
                .find(|d| d.item == name)
                .unwrap()
                .clone()
        };
        assert_eq!(d("首页链接不可用").count, 2);
        assert_eq!(d("首页链接不可用").points, 2.0);
        // /a is broken on the home page too: deducted once, there.
        assert!(s.deductions.iter().all(|d| d.item != "其他页面链接不可用"));
        assert_eq!(d("网站标识（底部功能区要素缺失或错误）").count, 1);
        assert_eq!(s.score, Some(100.0 - 2.0 - 1.0));
        // Many dead links on the home page: the item is capped.
        let many: Vec<Finding> = (0..40)
            .map(|i| f(CheckId::LinkDead, "/", &format!("/d{i}"), true))
            .collect();
        assert_eq!(score_site(&many, &Audit::default(), &p).score, Some(90.0));
        // A veto fails whatever the score.
        let mut veto = f(CheckId::SiteVeto, "/", "首页不更新", true);
        veto.severity = Severity::Veto;
        let mut home = f(CheckId::HomeStale, "/", "首页", true);
        home.severity = Severity::Veto;
        let s = score_site(&[veto, home], &Audit::default(), &p);
        assert_eq!(s.verdict, Verdict::FailVeto);
        assert_eq!(s.vetoes, vec!["首页不更新".to_string()]);
    }

    #[test]
    fn a_site_not_audited_is_never_pass() {
        let p = Profile::national();
        let audit = Audit {
            status: AuditStatus::NotAudited,
            reason: "dns".into(),
            reason_zh: "首页无法访问：域名无法解析".into(),
            ..Audit::default()
        };
        let s = score_site(&[], &audit, &p);
        assert_eq!(s.verdict, Verdict::NotAudited);
        assert_eq!(s.score, None);
        assert_eq!(s.score_cell(), "");
        assert_eq!(s.verdict_zh(), "未能检查（首页无法访问：域名无法解析）");
        let partial = Audit {
            status: AuditStatus::Partial,
            coverage: 0.834,
            ..Audit::default()
        };
        let s = score_site(&[], &partial, &p);
        assert_eq!(s.verdict, Verdict::Pass);
        assert_eq!(s.verdict_zh(), "合格（部分检查，已检查 83% 页面）");
    }
}
