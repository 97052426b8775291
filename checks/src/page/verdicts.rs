//! Findings that need only the page: not-found pages, malformed and intranet links.

use super::*;
use crate::finding::{CheckId, Finding};
use crate::links::{is_private_host, Link, LinkTarget};
use crate::profile::Profile;
use crate::sink::FindingSink;

/// Why a page's title or short text says the page does not exist.
pub fn detect_not_found(title: &str, text: &str, profile: &Profile) -> Option<String> {
    let rules = &profile.soft404;
    if let Some(m) = rules.title_patterns.find_first(title) {
        return Some(format!(
            "标题为“{}”（匹配“{}”）",
            truncate_chars(title, 40),
            m.as_str()
        ));
    }
    if text.chars().count() <= rules.max_text_chars {
        if let Some(m) = rules.body_patterns.find_first(text) {
            return Some(format!("页面文字含“{}”", m.as_str()));
        }
    }
    None
}

pub(crate) fn page_findings(
    input: &PageInput<'_>,
    links: &[Link],
    profile: &Profile,
) -> Vec<Finding> {
    let page = input.url.as_str();
    let mut out = FindingSink::new(input.site, page, input.is_home, profile);
    let mut push = |check: CheckId, target: &str, status: &str, detail: String, evidence: &str| {
        // One finding per page, check and target.
        if !out.has_target(check, target) {
            out.push(check, target, status, detail, evidence.to_string());
        }
    };
    let page_is_private = input.url.host().is_some_and(|h| is_private_host(&h));
    for link in links {
        match &link.target {
            LinkTarget::Malformed(why) => push(
                CheckId::LinkMalformed,
                &link.raw,
                why.as_str(),
                format!("{}：{}", link.kind.label_zh(), why.detail_zh()),
                &link.text,
            ),
            LinkTarget::Web(url)
                if !page_is_private && url.host().is_some_and(|h| is_private_host(&h)) =>
            {
                let mut target = url.clone();
                target.set_fragment(None);
                push(
                    CheckId::LinkIntranet,
                    target.as_str(),
                    "intranet",
                    format!("{}指向内网或本机地址，公众无法访问", link.kind.label_zh()),
                    &link.text,
                );
            }
            _ => {}
        }
    }
    if input.truncated {
        push(
            CheckId::PageOversize,
            page,
            "truncated",
            format!("页面超过大小上限，仅分析了前{}字节", input.body.len()),
            "",
        );
    }
    out.into_vec()
}
