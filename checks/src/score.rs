//! The verdict and score of a site per the 2019 indicators: any 单项否决 →
//! 不合格 with no scoring; otherwise 100 minus the deductions, each item
//! capped, and below the pass mark → 不合格. The point values come from the
//! profile, which marks those that are not verified.

use crate::finding::{CheckId, Finding, Severity};
use crate::profile::Profile;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// What one deduction counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum CountUnit {
    /// Distinct targets (a dead link linked from 50 pages counts once).
    Targets,
    /// Findings.
    Findings,
    /// Distinct check ids (a footer element missing on every page counts once).
    Checks,
    /// Distinct pages.
    Pages,
}

/// Which findings an item looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ItemScope {
    /// Every finding.
    All,
    /// Findings on the home page.
    Home,
    /// Findings on the other pages.
    Other,
}

/// One deduction item of the profile.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScoreItem {
    /// Item name (Chinese).
    pub name: String,
    /// Check ids it counts.
    pub checks: Vec<String>,
    /// Which findings.
    pub scope: ItemScope,
    /// What one deduction counts.
    pub count: CountUnit,
    /// Points per unit.
    pub points: f64,
    /// Most points the item can deduct.
    pub cap: f64,
    /// Whether the value is from the official table.
    pub verified: bool,
}

/// The scoring rules of a profile.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScoringRules {
    /// Points before deductions.
    pub total: f64,
    /// Scores below this fail.
    pub pass: f64,
    /// What the rules implement.
    pub basis: String,
    /// Deduction items.
    pub items: Vec<ScoreItem>,
}

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
}

impl Verdict {
    /// Chinese label.
    pub fn label_zh(self) -> &'static str {
        match self {
            Verdict::Pass => "合格",
            Verdict::FailScore => "不合格（得分低于及格线）",
            Verdict::FailVeto => "不合格（单项否决）",
        }
    }
}

/// A site's verdict and score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SiteScore {
    /// The verdict.
    pub verdict: Verdict,
    /// 100 minus the deductions (computed even under a veto, for reference).
    pub score: f64,
    /// The veto rules tripped.
    pub vetoes: Vec<String>,
    /// Every item that deducted points.
    pub deductions: Vec<Deduction>,
}

/// Scores a site from its findings.
pub fn score_site(findings: &[Finding], profile: &Profile) -> SiteScore {
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
    for item in &rules.items {
        let selected = findings.iter().filter(|f| {
            item.checks.iter().any(|c| c == f.check.as_str())
                && match item.scope {
                    ItemScope::All => true,
                    ItemScope::Home => f.home_page,
                    ItemScope::Other => !f.home_page,
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
    let verdict = if !vetoes.is_empty() {
        Verdict::FailVeto
    } else if score < rules.pass {
        Verdict::FailScore
    } else {
        Verdict::Pass
    };
    SiteScore {
        verdict,
        score,
        vetoes,
        deductions,
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
        let s = score_site(&findings, &p);
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
        assert_eq!(d("其他页面链接不可用").count, 1);
        assert_eq!(d("网站标识（底部功能区要素缺失或错误）").count, 1);
        assert_eq!(s.score, 100.0 - 2.0 - 0.1 - 1.0);
        // Many dead links on the home page: the item is capped.
        let many: Vec<Finding> = (0..40)
            .map(|i| f(CheckId::LinkDead, "/", &format!("/d{i}"), true))
            .collect();
        assert_eq!(score_site(&many, &p).score, 90.0);
        // A veto fails whatever the score.
        let mut veto = f(CheckId::SiteVeto, "/", "首页不更新", true);
        veto.severity = Severity::Veto;
        let mut home = f(CheckId::HomeStale, "/", "首页", true);
        home.severity = Severity::Veto;
        let s = score_site(&[veto, home], &p);
        assert_eq!(s.verdict, Verdict::FailVeto);
        assert_eq!(s.vetoes, vec!["首页不更新".to_string()]);
    }
}
