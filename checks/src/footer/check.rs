//! The footer findings of a page: what its footer facts (read by
//! [`super::extract`]) lack or get wrong, worded for the webmaster.

use super::{FooterFacts, Presence};
use crate::finding::{CheckId, Finding};
use crate::profile::Profile;
use crate::sink::FindingSink;

/// The footer findings of one page. `meta_code` is `<meta name=SiteIDCode>`;
/// `scripted` says the page writes part of its content with scripts, so a
/// missing element may only be invisible to a static reader.
pub fn check(
    site: &str,
    page: &str,
    is_home: bool,
    f: &FooterFacts,
    meta_code: Option<&str>,
    scripted: bool,
    profile: &Profile,
) -> Vec<Finding> {
    let mut out = FindingSink::new(site, page, is_home, profile);
    let unseen = if scripted {
        "（页面底部可能由脚本生成，静态解析未能确认，请人工核实）"
    } else {
        ""
    };
    let mut push =
        |check: CheckId, target: &str, status: &str, detail: String, evidence: String| {
            out.push(check, target, status, detail, evidence)
        };
    match &f.icp {
        None => push(
            CheckId::FooterIcp,
            "ICP备案编号",
            "missing",
            format!("页面底部缺少ICP备案编号{unseen}"),
            String::new(),
        ),
        Some(icp) if !f.icp_valid => push(
            CheckId::FooterIcp,
            "ICP备案编号",
            "invalid",
            "ICP备案编号格式不规范，应为“省简称ICP备xxxxxxxx号(-n)”".to_string(),
            icp.clone(),
        ),
        Some(icp) if !f.icp_linked => push(
            CheckId::FooterIcp,
            "ICP备案编号",
            "unlinked",
            "ICP备案编号未链接到工信部备案管理系统（beian.miit.gov.cn）".to_string(),
            icp.clone(),
        ),
        _ => {}
    }
    match &f.police {
        None => push(
            CheckId::FooterPolice,
            "公安机关备案标识",
            "missing",
            format!("页面底部缺少公安机关备案标识{unseen}"),
            String::new(),
        ),
        Some(p) => match &f.police_link {
            None => push(
                CheckId::FooterPolice,
                "公安机关备案标识",
                "unlinked",
                "公安备案号未链接到全国互联网安全管理服务平台".to_string(),
                p.clone(),
            ),
            Some(code) if code != p => push(
                CheckId::FooterPolice,
                "公安机关备案标识",
                "mismatch",
                format!("备案号链接中的编号 {code} 与显示的编号不一致"),
                p.clone(),
            ),
            _ => {}
        },
    }
    match &f.site_code {
        None => {
            let also = meta_code
                .or(f.jiucuo_code.as_deref())
                .map(|c| format!("（页面元数据/找错组件中为 {c}）"))
                .unwrap_or_default();
            push(
                CheckId::FooterSiteCode,
                "网站标识码",
                "missing",
                format!("页面底部未显示政府网站标识码{also}{unseen}"),
                String::new(),
            )
        }
        Some(code) if !profile.footer.site_code_pattern.is_match(code) => push(
            CheckId::FooterSiteCode,
            "网站标识码",
            "invalid",
            "网站标识码格式无效，应为10位（6位行政区划代码+4位序号，或bm+8位数字）".to_string(),
            code.clone(),
        ),
        _ => {}
    }
    match f.conac {
        Presence::No => push(
            CheckId::FooterConac,
            "党政机关网站标识",
            "missing",
            format!("页面底部缺少党政机关网站标识{unseen}"),
            String::new(),
        ),
        Presence::Error => push(
            CheckId::FooterConac,
            "党政机关网站标识",
            "error",
            "党政机关网站标识显示为错误状态（_error 图标），标识与网站域名或名称不符".to_string(),
            String::new(),
        ),
        _ => {}
    }
    match f.jiucuo {
        Presence::No => push(
            CheckId::FooterJiucuo,
            "我为政府网站找错",
            "missing",
            format!("页面缺少“我为政府网站找错”入口{unseen}"),
            String::new(),
        ),
        _ => {
            if let Some(code) = &f.jiucuo_code {
                if !profile.footer.site_code_pattern.is_match(code) {
                    push(
                        CheckId::FooterJiucuo,
                        "我为政府网站找错",
                        "invalid",
                        "找错组件的 sitecode 格式无效".to_string(),
                        code.clone(),
                    );
                }
            }
            if let Some(host) = &f.jiucuo_legacy_host {
                push(
                    CheckId::FooterJiucuo,
                    "我为政府网站找错",
                    "legacy_host",
                    "找错组件仍从旧地址加载，应改用 zfwzgl.www.gov.cn".to_string(),
                    host.clone(),
                );
            }
        }
    }
    if f.sitemap == Presence::No {
        push(
            CheckId::FooterSitemap,
            "网站地图",
            "missing",
            format!("页面缺少网站地图链接{unseen}"),
            String::new(),
        );
    }
    let mut lacking = Vec::new();
    if f.host.is_none() {
        lacking.push("主办单位");
    }
    if !f.contact {
        lacking.push("联系方式");
    }
    if !lacking.is_empty() {
        push(
            CheckId::FooterHost,
            &lacking.join("、"),
            "missing",
            format!("页面底部缺少{}{unseen}", lacking.join("和")),
            String::new(),
        );
    }
    // 标识码 in the footer, the SiteIDCode meta and the jiucuo sitecode must
    // agree. Malformed codes are reported as invalid above, not again here.
    let valid = |c: &&str| !c.is_empty() && profile.footer.site_code_pattern.is_match(c);
    let codes: Vec<(&str, &str)> = [
        ("页面底部", f.site_code.as_deref()),
        ("SiteIDCode元数据", meta_code),
        ("找错组件", f.jiucuo_code.as_deref()),
    ]
    .into_iter()
    .filter_map(|(w, c)| c.filter(valid).map(|c| (w, c)))
    .collect();
    if codes
        .iter()
        .any(|(_, c)| !c.eq_ignore_ascii_case(codes[0].1))
    {
        let evidence = codes
            .iter()
            .map(|(w, c)| format!("{w}:{c}"))
            .collect::<Vec<_>>()
            .join("；");
        push(
            CheckId::FooterMismatch,
            "网站标识码",
            "mismatch",
            "页面底部、SiteIDCode元数据与找错组件中的网站标识码不一致".to_string(),
            evidence,
        );
    }
    out.into_vec()
}
