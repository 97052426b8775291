//! Findings: what govscan reports, one row per problem.
//!
//! A [`Finding`] carries exactly the eight stable columns of `findings.csv`
//! plus a few typed fields for the reports (whether the page is the home
//! page, the rule's document). Check ids are a closed enum so that a typo
//! cannot invent a new id; [`CheckId::as_str`] gives the stable string that
//! users build on.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// How bad a finding is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
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
    /// A link answered by a firewall, a challenge or a 429: not verified, not a dead link.
    LinkBlocked = "link.blocked", Info, "链接未能核实（被拦截或限流）";
    /// The site could not be audited (down, blocked, challenge, login page): no verdict.
    SiteNotAudited = "site.not_audited", Error, "未能检查";
    /// The home page has no entry to an accessibility or elderly-friendly mode.
    SiteAccessibilityEntry = "site.accessibility_entry", Warning, "无障碍/适老化入口缺失";
    /// Links hidden from readers that point to gambling, porn or many outside hosts.
    SecurityHiddenLink = "security.hidden_link", Veto, "暗链（隐藏链接）";
    /// A wrong form of the country's or a state body's name, or an abolished body's name used as current.
    ContentSeriousError = "content.serious_error", Veto, "严重表述错误";
    /// A message of the last year left unanswered for more than three months.
    InteractionUnanswered = "interaction.unanswered", Veto, "留言超期未回复";
    /// Messages answered after more than the allowed working days.
    InteractionSlow = "interaction.slow", Warning, "留言答复不及时";
    /// A message board with no new message for months.
    InteractionStale = "interaction.stale", Warning, "互动栏目长期无新留言";
    /// A consultation without its start or end date.
    ConsultationDates = "consultation.dates", Warning, "意见征集未标注起止时间";
    /// A consultation shorter than the minimum with no reason stated.
    ConsultationShort = "consultation.short", Error, "意见征集期限不足";
    /// A consultation shown as open after its end (or closed before it).
    ConsultationStatus = "consultation.status", Error, "意见征集状态与期限不符";
    /// A consultation that ended long ago with no feedback published.
    ConsultationFeedback = "consultation.feedback", Warning, "意见征集未公开反馈";
    /// No annual disclosure report for the previous year after the deadline.
    ReportAnnualMissing = "report.annual_missing", Error, "政府信息公开年报未发布";
    /// An annual disclosure report lacking parts of the 2021 format.
    ReportAnnualIncomplete = "report.annual_incomplete", Warning, "政府信息公开年报内容不全";
    /// A column class the site's level must carry was not found.
    ColumnMissing = "column.missing", Warning, "必设栏目缺失";
    /// A script or frame that hijacks visitors from search engines, cloaks for spiders or loads hidden code (挂马).
    SecurityMaliciousScript = "security.malicious_script", Veto, "挂马（恶意脚本、搜索引擎劫持）";
    /// The home page replaced by unrelated content since the previous run (篡改).
    SecurityDefaced = "security.defaced", Veto, "网页篡改";
    /// An https page loading http resources.
    SecurityMixedContent = "security.mixed_content", Info, "HTTPS页面加载HTTP资源";
    /// A certificate expired, expiring soon, for another host or self-signed.
    SecurityTls = "security.tls", Info, "HTTPS证书问题";
    /// The home page's host has no AAAA record, or the home page does not load over IPv6.
    Ipv6Home = "ipv6.home", Error, "首页不支持IPv6";
    /// Too few level-2 or level-3 in-site links load over IPv6.
    Ipv6Links = "ipv6.links", Warning, "二、三级链接IPv6支持率不足";
    /// A page embeds resources from a host without an AAAA record ("天窗").
    Ipv6Embedded = "ipv6.embedded", Warning, "IPv6“天窗”（外部资源不支持IPv6）";
    /// The home page over IPv6 differs from IPv4.
    Ipv6Consistency = "ipv6.consistency", Warning, "IPv6与IPv4访问内容不一致";
}

impl fmt::Display for CheckId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl JsonSchema for CheckId {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "CheckId".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let ids: Vec<&str> = CheckId::ALL.iter().map(|c| c.as_str()).collect();
        schemars::json_schema!({
            "type": "string",
            "description": "Stable check id (see the README's table).",
            "enum": ids,
        })
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
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

/// A stable fingerprint of a finding: the same problem on the same page of
/// the same site has the same fingerprint tomorrow (SHA-256, so it survives
/// upgrades). `site_url` is the site's start URL.
pub fn fingerprint(site_url: &str, check: CheckId, page: &str, target: &str) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    for part in [site_url, check.as_str(), page, target] {
        h.update(part.as_bytes());
        h.update([0u8]);
    }
    h.finalize()[..12]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A stable hash of a page body (hex).
pub fn content_hash(body: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(body)[..12]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
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

impl CheckId {
    /// The rule a finding breaks, with its document number.
    pub fn rule_zh(self) -> &'static str {
        use CheckId::*;
        match self {
            LinkDead | LinkSoft404 | LinkFragment | LinkIntranet | LinkMalformed => {
                "国办秘函〔2019〕19号《政府网站与政务新媒体检查指标》扣分指标：链接可用性"
            }
            PageOversize => "国办发〔2017〕47号《政府网站发展指引》：网页设计规范（页面加载）",
            FooterIcp => "国办发〔2017〕47号《政府网站发展指引》：开办网站须完成ICP备案，并在底部功能区展示备案编号",
            FooterPolice => "国办发〔2017〕47号《政府网站发展指引》：公安机关备案，底部功能区展示公安备案标识",
            FooterSiteCode | FooterMismatch => "国办发〔2017〕47号《政府网站发展指引》：政府网站标识码（页面底部与网页标签一致）",
            FooterConac => "国办发〔2017〕47号《政府网站发展指引》：党政机关网站标识",
            FooterJiucuo => "国办秘函〔2019〕19号：“我为政府网站找错”监督举报平台入口",
            FooterSitemap | FooterHost => "国办发〔2017〕47号《政府网站发展指引》：网页设计规范（底部功能区）",
            ColumnStale | ColumnEmpty => "国办秘函〔2019〕19号 单项否决指标：栏目不更新",
            HomeStale => "国办秘函〔2019〕19号 单项否决指标：首页不更新",
            SiteVeto | SiteWarning => "国办秘函〔2019〕19号 单项否决指标",
            SiteUnreachable => "国办秘函〔2019〕19号 单项否决指标：站点无法访问",
            PolicyNoInterpretation | InterpretationNoBacklink | InterpretationLate | InterpretationOrphan => {
                "国办发〔2016〕80号《〈关于全面推进政务公开工作的意见〉实施细则》：政策解读“三同步”，文件与解读相互关联"
            }
            PolicyMetadata | PolicyWenhao => "国办发〔2017〕47号《政府网站发展指引》：文件资料；GB/T 9704-2012《党政机关公文格式》",
            PolicyDate => "《中华人民共和国政府信息公开条例》第二十六条（20个工作日内公开）",
            PrivacyIdNumber | PrivacyMobile => "政务公开工作要点：依法保护个人隐私，公开前去标识化",
            LinkBlocked => "链接未能核实（不扣分）：国办秘函〔2019〕19号 扣分指标“链接可用性”需人工复核",
            SiteNotAudited => "未作合格判定：网站未能检查，国办秘函〔2019〕19号各项指标均无法核验",
            SiteAccessibilityEntry => "国办公开办函〔2021〕28号《关于进一步做好政务公开适老化与无障碍改造工作的通知》：政府网站提供无障碍、适老化服务入口",
            SecurityHiddenLink => "国办秘函〔2019〕19号 单项否决指标：安全、泄密事故等严重问题（被挂马、篡改、发布或链接色情赌博等内容）",
            ContentSeriousError => "国办秘函〔2019〕19号 单项否决指标：严重表述错误（国家名称、国家机构名称、领导人姓名职务等）",
            InteractionUnanswered => "国办秘函〔2019〕19号 单项否决指标：互动回应差（近1年有效留言超过3个月未回复）",
            InteractionSlow | InteractionStale => "国办发〔2017〕47号《政府网站发展指引》：互动交流（及时答复；各地规定的答复时限）",
            ConsultationDates | ConsultationShort | ConsultationStatus | ConsultationFeedback => {
                "《重大行政决策程序暂行条例》（国务院令第713号）：公开征求意见期限一般不少于30日，公布起止时间并反馈意见采纳情况"
            }
            ReportAnnualMissing | ReportAnnualIncomplete => {
                "《中华人民共和国政府信息公开条例》第四十九、五十条；国办公开办函〔2021〕30号（年度报告格式）"
            }
            ColumnMissing => "国办发〔2017〕47号《政府网站发展指引》：网站内容栏目；政务公开工作要点",
            SecurityMaliciousScript | SecurityDefaced => "国办秘函〔2019〕19号 单项否决指标：安全、泄密事故等严重问题（被挂马、篡改等）",
            SecurityMixedContent | SecurityTls => "无全国统一要求（仅供参考）：HTTPS证书与混合内容",
            Ipv6Home | Ipv6Links | Ipv6Embedded | Ipv6Consistency => "推进互联网协议第六版（IPv6）规模部署行动计划；县级以上政府门户网站全面支持IPv6（二、三级链接支持率）",
        }
    }

    /// One line on how to fix it, without the profile's numbers (see
    /// [`crate::profile::Profile::fix_zh`], which names them).
    pub fn fix_zh(self) -> &'static str {
        use CheckId::*;
        match self {
            LinkDead => "删除或更正失效链接；外部网站已关闭的，撤下链接。",
            LinkSoft404 => "链接指向的内容已不存在：更新为正确地址或删除链接。",
            LinkFragment => "在目标页面补上对应锚点，或改正链接中的 #锚点。",
            LinkIntranet => "公众页面不得链接内网地址：删除链接或改为互联网可访问的地址。",
            LinkMalformed => "为链接填写正确的网址；占位链接（#、javascript:void(0)）应删除或补全。",
            PageOversize => "拆分或精简过大的页面，正文表格改为附件下载。",
            FooterIcp => "在页面模板底部显示规范的ICP备案编号，并链接到 https://beian.miit.gov.cn/。",
            FooterPolice => "在页面模板底部显示公网安备号，并链接到全国互联网安全管理服务平台（编号一致）。",
            FooterSiteCode => "在页面模板底部显示10位政府网站标识码（与全国政府网站信息报送系统一致）。",
            FooterConac => "在页面模板底部嵌入党政机关网站标识代码；标识异常的，到中央编办核对网站名称和域名。",
            FooterJiucuo => "在页面模板底部嵌入“我为政府网站找错”组件（zfwzgl.www.gov.cn/exposure/jiucuo.js），sitecode 填本站标识码。",
            FooterSitemap => "在页面模板底部增加“网站地图”链接，并确保其可以打开。",
            FooterHost => "在页面模板底部注明主办单位和联系方式（电话、地址或邮箱）。",
            FooterMismatch => "统一页面底部、SiteIDCode 网页标签和找错组件中的网站标识码。",
            ColumnStale => "按栏目类别及时更新信息；确实无法保障更新的栏目应归并或关闭。",
            ColumnEmpty => "为空白栏目补充内容；确无信息的，在栏目页面加说明，或关闭栏目。",
            HomeStale => "首页应按检查要求及时更新信息（标注发布日期）。",
            SiteVeto => "立即整改单项否决问题，否则检查判定为不合格。",
            SiteWarning => "已接近单项否决线，尽快整改相关栏目或首页更新。",
            SiteUnreachable => "排查服务器和网络，保障首页在检查要求的时间内可以打开。",
            PolicyNoInterpretation => "在政策文件页面增加“相关解读”链接，指向对应的解读；尚无解读的，按“三同步”要求组织解读。",
            InterpretationNoBacklink => "在解读页面增加“相关文件/政策原文”链接，指向所解读的文件。",
            InterpretationLate => "解读应与文件同步发布。",
            InterpretationOrphan => "更正解读中的原文链接，或恢复被删除的政策文件。",
            PolicyMetadata => "在信息公开元数据中补齐发文字号、成文日期、发布日期和有效性。",
            PolicyWenhao => "发文字号按 GB/T 9704 书写：年份用六角括号〔〕，序号不加“第”、不编虚位。",
            PolicyDate => "核对成文日期与发布日期；主动公开信息应在形成后按条例规定的期限内公开。",
            PrivacyIdNumber => "立即撤下或去标识化处理身份证号（保留前2位和后3位），并检查附件。",
            PrivacyMobile => "对名单、公示中的个人手机号去标识化处理（如 138****1234）。",
            LinkBlocked => "请网站运维单位将检查程序的出口IP地址或User-Agent（govscan）加入防火墙白名单，或用 --rate 降低抓取速度后重新检查；确认链接可以打开。",
            SiteNotAudited => "按原因处理：核实域名和首页地址、恢复服务器，或请运维单位将检查程序加入防火墙白名单，然后重新检查。",
            SiteAccessibilityEntry => "在首页显著位置提供无障碍浏览和长者模式（关怀版）入口。",
            SecurityHiddenLink => "立即删除页面模板或内容中被植入的隐藏链接，排查网站是否被入侵（后台账号、上传目录、模板文件），修补漏洞并向主管部门报告。",
            ContentSeriousError => "立即更正错误表述（见“应为”），并排查同一作者、同一来源的其他稿件；建立发布前校对制度。",
            InteractionUnanswered => "立即答复超期留言，并在网站公开答复；确属无效、重复的，标注“无效/重复”及理由。",
            InteractionSlow => "按时限答复网民留言，建立转办、督办和答复时限制度。",
            InteractionStale => "检查留言栏目能否正常提交，及时公开网民留言及答复；栏目停用的应撤下。",
            ConsultationDates => "在征集公告中写明征求意见的起止时间，并在预公开栏目标注征集状态和起止时间。",
            ConsultationShort => "公开征求意见的期限不少于30日；因特殊情况缩短的，应在公告中说明理由。",
            ConsultationStatus => "按截止时间更新征集状态（已结束的标为“已结束”）。",
            ConsultationFeedback => "征集结束后公开意见收集和采纳情况（可作为征集页面的附件或单独发布并相互链接）。",
            ReportAnnualMissing => "按期发布上一年度政府信息公开工作年度报告，放在“政府信息公开年报”栏目。",
            ReportAnnualIncomplete => "按国办公开办函〔2021〕30号的格式补齐年度报告的六部分内容。",
            ColumnMissing => "开设该类栏目并持续维护；已开设的，请在导航或栏目名称中使用规范名称，便于公众和检查找到。",
            SecurityMaliciousScript => "立即删除被植入的脚本或框架，排查模板、上传目录和服务器上的后门，修补漏洞，向主管部门和公安机关报告；向搜索引擎申诉恢复收录。",
            SecurityDefaced => "立即恢复首页内容（从备份），排查入侵途径并修补漏洞，向主管部门报告；恢复后重新检查。",
            SecurityMixedContent => "将页面中的 http:// 资源改为 https:// 地址或站内相对地址。",
            SecurityTls => "更换由受信任机构签发、包含本站域名、在有效期内的证书，并在到期前续期。",
            Ipv6Home => "为网站域名添加 AAAA 记录，并确保服务器（或CDN、集约化平台）在 IPv6 上提供服务。",
            Ipv6Links => "检查 ipv6.csv 中的链接：确保站内栏目和文章在 IPv6 下可以访问（含附件、子域名）。",
            Ipv6Embedded => "将外部资源改为支持 IPv6 的地址，或下载到本站提供。",
            Ipv6Consistency => "检查 IPv6 访问路径（CDN、反向代理）是否指向同一套网站内容。",
        }
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
