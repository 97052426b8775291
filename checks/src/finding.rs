//! Findings: what govscan reports, one row per problem.
//!
//! A [`Finding`] carries exactly the eight stable columns of `findings.csv`
//! plus a few typed fields for the reports (whether the page is the home
//! page, the rule's document). Check ids are a closed enum so that a typo
//! cannot invent a new id; [`CheckId::as_str`] gives the stable string that
//! users build on.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Fails an inspection on its own (单项否决).
    Veto,
    /// A deduction item or a defect a webmaster must fix.
    Error,
    /// Should be fixed; below the inspection thresholds or not certain.
    Warning,
    /// For information only.
    Info,
}

impl Severity {
    /// The stable lower-case name used in CSV and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Veto => "veto",
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Severity {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "veto" => Ok(Severity::Veto),
            "error" => Ok(Severity::Error),
            "warning" => Ok(Severity::Warning),
            "info" => Ok(Severity::Info),
            other => Err(format!(
                "unknown severity `{other}` (expected veto, error, warning or info)"
            )),
        }
    }
}

macro_rules! check_ids {
    ($( $(#[$doc:meta])* $variant:ident = $id:literal, $sev:ident, $name:literal; )*) => {
        /// Stable identifier of a check. The string form (`link.dead`) never changes.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum CheckId {
            $( $(#[$doc])* $variant, )*
        }

        impl CheckId {
            /// Every check id, in report order.
            pub const ALL: &'static [CheckId] = &[$(CheckId::$variant),*];

            /// The stable string id, e.g. `link.dead`.
            pub fn as_str(self) -> &'static str {
                match self { $(CheckId::$variant => $id,)* }
            }

            /// The severity used when the profile does not set one.
            pub fn default_severity(self) -> Severity {
                match self { $(CheckId::$variant => Severity::$sev,)* }
            }

            /// Short Chinese name of the problem, for reports.
            pub fn title_zh(self) -> &'static str {
                match self { $(CheckId::$variant => $name,)* }
            }
        }

        impl FromStr for CheckId {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($id => Ok(CheckId::$variant),)*
                    other => Err(format!("unknown check id `{other}`")),
                }
            }
        }
    };
}

check_ids! {
    /// HTTP error after retries, DNS, connection, TLS, timeout or redirect failure.
    LinkDead = "link.dead", Error, "死链";
    /// A 200 page that says it does not exist, or a deep link redirected to the home page.
    LinkSoft404 = "link.soft404", Error, "错链（软404）";
    /// `#id` that does not exist on the target page.
    LinkFragment = "link.fragment", Warning, "页内锚点不存在";
    /// A public page linking to a private, loopback or link-local address.
    LinkIntranet = "link.intranet", Error, "链接指向内网地址";
    /// An href that cannot be parsed, or an empty or placeholder href.
    LinkMalformed = "link.malformed", Warning, "链接地址无效";
    /// An HTML page larger than the body cap; only its beginning was analysed.
    PageOversize = "page.oversize", Warning, "页面过大";
    /// ICP备案编号 missing, malformed or not linked to the MIIT filing system.
    FooterIcp = "footer.icp", Error, "ICP备案编号";
    /// 公安机关备案标识 missing or inconsistent.
    FooterPolice = "footer.police", Error, "公安机关备案标识";
    /// 网站标识码 missing or invalid.
    FooterSiteCode = "footer.site_code", Error, "网站标识码";
    /// 党政机关网站标识 missing or in an error state.
    FooterConac = "footer.conac", Error, "党政机关网站标识";
    /// 我为政府网站找错 entry missing or invalid.
    FooterJiucuo = "footer.jiucuo", Error, "我为政府网站找错";
    /// 网站地图 link missing or dead.
    FooterSitemap = "footer.sitemap", Warning, "网站地图";
    /// 主办单位 or 联系方式 missing.
    FooterHost = "footer.host", Error, "主办单位及联系方式";
    /// Footer 标识码, SiteIDCode meta and jiucuo sitecode disagree.
    FooterMismatch = "footer.mismatch", Error, "网站标识码不一致";
    /// A column whose newest item is older than its class allows.
    ColumnStale = "column.stale", Error, "栏目不更新";
    /// A column with no items and no explanatory note.
    ColumnEmpty = "column.empty", Error, "空白栏目";
    /// The home page's newest dated item is too old.
    HomeStale = "home.stale", Veto, "首页不更新";
    /// A policy document that links to no interpretation.
    PolicyNoInterpretation = "policy.no_interpretation", Error, "政策文件未关联解读";
    /// An interpretation that does not link back to its document.
    InterpretationNoBacklink = "interpretation.no_backlink", Error, "解读未关联政策文件";
    /// An interpretation published too long after its document.
    InterpretationLate = "interpretation.late", Warning, "解读发布不同步";
    /// An interpretation linking to a dead or missing document.
    InterpretationOrphan = "interpretation.orphan", Error, "解读关联文件缺失";
    /// A metadata block missing 文号, dates or 有效性.
    PolicyMetadata = "policy.metadata", Warning, "政策文件要素缺失";
    /// A non-standard 发文字号.
    PolicyWenhao = "policy.wenhao", Warning, "发文字号不规范";
    /// Inconsistent or late document dates.
    PolicyDate = "policy.date", Warning, "发布日期异常";
    /// An unmasked resident ID number.
    PrivacyIdNumber = "privacy.id_number", Error, "身份证号泄露";
    /// An unmasked personal mobile number.
    PrivacyMobile = "privacy.mobile", Warning, "手机号泄露";
    /// A site-level veto rule is tripped.
    SiteVeto = "site.veto", Veto, "单项否决";
    /// A site is close to a veto threshold.
    SiteWarning = "site.warning", Warning, "预警";
    /// The home page failed too many availability probes.
    SiteUnreachable = "site.unreachable", Veto, "站点无法访问";
}

impl fmt::Display for CheckId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for CheckId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for CheckId {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// One problem found by a check. The first eight fields are the columns of
/// `findings.csv`, in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// The site's name (from the site list) or its host.
    pub site: String,
    /// Which check found it.
    pub check: CheckId,
    /// How bad it is.
    pub severity: Severity,
    /// The page where the webmaster fixes it (full URL).
    pub page: String,
    /// The link (resolved to a full URL) or the element concerned.
    pub target: String,
    /// HTTP status or failure class (`404`, `timeout`, `missing`, `invalid`...).
    pub status: String,
    /// A short Chinese explanation.
    pub detail: String,
    /// Link text or matched text.
    pub evidence: String,
    /// True when `page` is the site's home page (inspections count these separately).
    #[serde(default)]
    pub home_page: bool,
}

impl Finding {
    /// The eight `findings.csv` cells, in column order.
    pub fn csv_cells(&self) -> [&str; 8] {
        [
            &self.site,
            self.check.as_str(),
            self.severity.as_str(),
            &self.page,
            &self.target,
            &self.status,
            &self.detail,
            &self.evidence,
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_ids_round_trip_and_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for id in CheckId::ALL {
            assert!(seen.insert(id.as_str()), "duplicate id {id}");
            assert_eq!(id.as_str().parse::<CheckId>().unwrap(), *id);
        }
        assert!("link.deadx".parse::<CheckId>().is_err());
    }
}
