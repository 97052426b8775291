//! Whether a site could be audited at all, and how much of it.
//!
//! A verdict is only worth signing when govscan actually read the site. A
//! site that is down, answers through a firewall block page or a JavaScript
//! challenge, or shows a login page is never 合格: it is `not_audited`, with
//! the reason and what to ask its operator. A site whose home page was read
//! but part of whose pages were not (blocked, 429, timeouts, an interrupted
//! run) is `partial`, and its verdict says how much was checked.
//!
//! Everything here is pure: the crawler hands over the status, headers and
//! the first bytes of a response ([`detect_block`]) and, after the crawl,
//! what became of the home page and how many pages could not be read
//! ([`judge_audit`]). Signatures and thresholds come from the profile's
//! `[audit]` section.

use crate::fetch::{FailureKind, FetchOutcome, FetchResult};
use crate::finding::{CheckId, Finding};
use crate::profile::Profile;
pub use crate::rules::{AuditRules, BlockSignature};
use crate::sink::FindingSink;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// How much of a site govscan could read.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum AuditStatus {
    /// The home page and every in-site page govscan tried were read.
    #[default]
    Audited,
    /// The home page was read, some in-site pages were not; scored with a note.
    Partial,
    /// The home page could not be analysed (or too little of the site was read): no verdict.
    NotAudited,
}

impl AuditStatus {
    /// The stable value of the `audit` column.
    pub fn as_str(self) -> &'static str {
        match self {
            AuditStatus::Audited => "audited",
            AuditStatus::Partial => "partial",
            AuditStatus::NotAudited => "not_audited",
        }
    }

    /// Chinese label.
    pub fn label_zh(self) -> &'static str {
        match self {
            AuditStatus::Audited => "已检查",
            AuditStatus::Partial => "部分检查",
            AuditStatus::NotAudited => "未能检查",
        }
    }
}

mod block;
pub use block::{detect_block, Block, BlockKind};

/// What became of a site's home page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HomeState {
    /// Read and analysed.
    Analysed,
    /// Analysed, but it is a login page with nothing else.
    Login,
    /// A firewall, challenge or rate limit answered instead.
    Blocked(Block),
    /// No HTTP answer (DNS, refused, timeout, TLS…).
    Failed(FailureKind),
    /// An HTTP error status.
    HttpError(u16),
    /// Answered, but not with an HTML page (content type given).
    NotHtml(String),
    /// Redirected to another site (the URL it went to).
    OffSite(String),
    /// Never requested: the run was interrupted first.
    NotFetched,
    /// The site's task failed inside govscan (the message).
    InternalError(String),
}

impl HomeState {
    /// The home page's state from the outcome of its request, when no page was analysed.
    pub fn from_outcome(outcome: &FetchOutcome) -> HomeState {
        if let Some(block) = &outcome.blocked {
            return HomeState::Blocked(block.clone());
        }
        match &outcome.result {
            FetchResult::Failed(kind, _) => HomeState::Failed(*kind),
            FetchResult::Status(code) if *code >= 400 => HomeState::HttpError(*code),
            FetchResult::Status(_) => {
                HomeState::NotHtml(outcome.content_type.clone().unwrap_or_default())
            }
        }
    }
}

/// What the crawler knows about a site's coverage after the crawl.
#[derive(Debug, Clone)]
pub struct AuditInput {
    /// The home page.
    pub home: HomeState,
    /// In-site pages read and analysed (the home page included).
    pub pages_read: usize,
    /// In-site pages that could not be read: blocked, 429, timeouts, resets,
    /// or still waiting when the run was interrupted.
    pub pages_unread: usize,
    /// Of those, blocked by a firewall, challenge or rate limit.
    pub pages_blocked: usize,
    /// Whether the run was interrupted before the site was finished.
    pub interrupted: bool,
}

/// How much of a site was audited, and why not all of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Audit {
    /// audited, partial or not_audited.
    pub status: AuditStatus,
    /// Stable reason code (`dns`, `blocked`, `challenge`, `login`, `http_503`,
    /// `interrupted`, `coverage`…); empty when audited.
    #[serde(default)]
    pub reason: String,
    /// The reason in Chinese.
    #[serde(default)]
    pub reason_zh: String,
    /// What to do about it (whom to ask, what to whitelist).
    #[serde(default)]
    pub advice_zh: String,
    /// In-site pages read.
    #[serde(default)]
    pub pages_read: usize,
    /// In-site pages that could not be read.
    #[serde(default)]
    pub pages_unread: usize,
    /// Share of in-site pages read (1.0 when all were).
    #[serde(default = "one")]
    pub coverage: f64,
}

fn one() -> f64 {
    1.0
}

impl Default for Audit {
    /// Audited in full: what a report written before audits existed means.
    fn default() -> Audit {
        Audit {
            status: AuditStatus::Audited,
            reason: String::new(),
            reason_zh: String::new(),
            advice_zh: String::new(),
            pages_read: 0,
            pages_unread: 0,
            coverage: 1.0,
        }
    }
}

impl Audit {
    /// The percentage of pages checked, rounded down so that a partial
    /// audit never reads as 100%.
    pub fn coverage_percent(&self) -> u32 {
        let p = (self.coverage * 100.0).floor().clamp(0.0, 100.0) as u32;
        if self.status == AuditStatus::Partial {
            p.min(99)
        } else {
            p
        }
    }
}

const ADVICE_FIREWALL: &str = "请网站运维单位在防火墙（WAF/云防护）中将检查程序的出口IP地址或User-Agent（govscan）加入白名单，或在防护较宽松的时段重新检查";
const ADVICE_RATE: &str = "请网站运维单位放宽对检查程序的访问频率限制（或加入白名单），也可用 --rate 降低抓取速度后重新检查";

/// Decides a site's audit status.
pub fn judge_audit(input: &AuditInput, rules: &AuditRules) -> Audit {
    let total = input.pages_read + input.pages_unread;
    let coverage = if total == 0 {
        0.0
    } else {
        input.pages_read as f64 / total as f64
    };
    let not_audited = |reason: &str, zh: String, advice: &str| Audit {
        status: AuditStatus::NotAudited,
        reason: reason.to_string(),
        reason_zh: zh,
        advice_zh: advice.to_string(),
        pages_read: input.pages_read,
        pages_unread: input.pages_unread,
        coverage,
    };
    match &input.home {
        HomeState::Analysed => {}
        HomeState::Login => {
            return not_audited(
                "login",
                "首页是登录页面，没有可供检查的网站内容".into(),
                "请核实站点清单中的首页地址是否为门户网站首页（而非邮件、办公等系统的登录页）",
            )
        }
        HomeState::Blocked(block) => {
            let (reason, advice) = match block.kind {
                BlockKind::Challenge => ("challenge", ADVICE_FIREWALL),
                BlockKind::RateLimited => ("rate_limited", ADVICE_RATE),
                BlockKind::Firewall | BlockKind::HostBackedOff => ("blocked", ADVICE_FIREWALL),
            };
            return not_audited(reason, format!("首页{}", block.describe_zh()), advice);
        }
        HomeState::Failed(kind) => {
            let advice = match kind {
                FailureKind::Dns => "请核实域名是否正确、是否已停用或变更；如域名仍在使用，请检查其DNS解析",
                FailureKind::Tls => "请检查网站的HTTPS配置（证书、协议版本），或确认该端口是否提供HTTPS服务",
                FailureKind::NotChecked => "离线模式下未访问该站点；去掉 --offline 或用 --resolve 指定地址",
                _ => "请确认网站服务器是否正常运行、检查程序所在网络能否访问该站点，恢复后重新检查",
            };
            return not_audited(
                kind.as_str(),
                format!("首页无法访问：{}", kind.detail_zh()),
                advice,
            );
        }
        HomeState::HttpError(code) => {
            return not_audited(
                &format!("http_{code}"),
                format!(
                    "首页无法访问：{}",
                    crate::links::http_status_zh(*code)
                ),
                "请确认网站服务器是否正常运行；如是防火墙拦截，请将检查程序的出口IP地址或User-Agent加入白名单",
            )
        }
        HomeState::NotHtml(ct) => {
            let ct = if ct.is_empty() { "未知类型" } else { ct.as_str() };
            return not_audited(
                "not_html",
                format!("首页不是网页（内容类型：{ct}）"),
                "请核实站点清单中的首页地址",
            );
        }
        HomeState::OffSite(to) => {
            return not_audited(
                "offsite",
                format!("首页重定向到其他网站：{to}"),
                "如网站已更换域名，请在站点清单中改用新地址，并在全国政府网站信息报送系统中报备",
            )
        }
        HomeState::NotFetched => {
            return not_audited(
                "interrupted",
                "扫描被中断，首页尚未检查".into(),
                "使用 --resume 继续本次扫描",
            )
        }
        HomeState::InternalError(msg) => {
            return not_audited(
                "internal_error",
                format!("检查程序内部错误：{msg}"),
                "请重新检查；如仍出错，请将 run.log 反馈给 govscan 开发者",
            )
        }
    }
    if input.pages_unread == 0 {
        return Audit {
            status: AuditStatus::Audited,
            pages_read: input.pages_read,
            coverage: 1.0,
            ..Audit::default()
        };
    }
    let (reason, why, advice) = if input.interrupted {
        ("interrupted", "扫描被中断", "使用 --resume 继续本次扫描")
    } else if input.pages_blocked * 2 >= input.pages_unread {
        ("blocked", "部分页面被防火墙拦截或限流", ADVICE_FIREWALL)
    } else {
        (
            "unreadable",
            "部分页面超时或连接失败",
            "请确认网站服务器是否稳定，或用 --timeout、--rate 调整后重新检查",
        )
    };
    let status = if coverage < rules.min_audited_share {
        AuditStatus::NotAudited
    } else {
        AuditStatus::Partial
    };
    let mut audit = Audit {
        status,
        reason: if status == AuditStatus::NotAudited {
            "coverage".into()
        } else {
            reason.into()
        },
        reason_zh: String::new(),
        advice_zh: advice.into(),
        pages_read: input.pages_read,
        pages_unread: input.pages_unread,
        coverage,
    };
    audit.reason_zh = format!(
        "{why}：站内页面已检查{}个，未能读取{}个（已检查{}%）",
        input.pages_read,
        input.pages_unread,
        audit.coverage_percent()
    );
    if status == AuditStatus::NotAudited {
        audit.reason_zh = format!(
            "{}，低于可作结论的{}%",
            audit.reason_zh,
            (rules.min_audited_share * 100.0).round()
        );
    }
    audit
}

/// The audit of a site in a report written before audits existed: a site
/// none of whose pages was read was not audited, whatever that report
/// said (its home page's recorded status gives the reason). `None` when
/// pages were read: the report's own judgement stands.
pub fn audit_of_old_report(
    home_status: Option<&str>,
    pages_read: usize,
    rules: &AuditRules,
) -> Option<Audit> {
    if pages_read > 0 {
        return None;
    }
    let home = match home_status {
        None => HomeState::NotFetched,
        Some(label) => match (FailureKind::from_label(label), label.parse::<u16>()) {
            (Some(kind), _) => HomeState::Failed(kind),
            (None, Ok(code)) if code >= 400 => HomeState::HttpError(code),
            _ => HomeState::NotHtml(String::new()),
        },
    };
    Some(judge_audit(
        &AuditInput {
            home,
            pages_read: 0,
            pages_unread: 0,
            pages_blocked: 0,
            interrupted: false,
        },
        rules,
    ))
}

/// The one finding of a site that could not be audited (`site.not_audited`),
/// so that `--fail-on error` and cron alerts fire.
pub fn not_audited_finding(
    site: &str,
    home: &str,
    audit: &Audit,
    profile: &Profile,
) -> Vec<Finding> {
    if audit.status != AuditStatus::NotAudited {
        return Vec::new();
    }
    let mut sink = FindingSink::new(site, home, true, profile);
    sink.push(
        CheckId::SiteNotAudited,
        &audit.reason_zh,
        &audit.reason,
        format!(
            "未能检查，不作合格判定：{}。处理建议：{}",
            audit.reason_zh, audit.advice_zh
        ),
        String::new(),
    );
    sink.into_vec()
}

/// Whether a home page is a login page: a password field, a login word, and
/// hardly any links.
pub fn looks_like_login(
    has_password_field: bool,
    title_and_text: &str,
    links: usize,
    rules: &AuditRules,
) -> bool {
    has_password_field
        && links <= rules.login_max_links
        && rules
            .login_words
            .iter()
            .any(|w| title_and_text.contains(w.as_str()))
}

#[cfg(test)]
mod tests;
