//! Cloaking: what the home page shows a search-engine spider and not a
//! visitor. The crawler fetches the home page a second time with the
//! profile's spider User-Agent and hands both analyses in.

use super::{government, same_site};
use crate::finding::{CheckId, Finding};
use crate::links::LinkTarget;
use crate::page::PageAnalysis;
use crate::profile::Profile;
use crate::sink::FindingSink;
use std::collections::BTreeSet;
use url::Url;

/// What one copy of the home page shows: words (title, headline, link
/// texts) and outside non-government link hosts.
struct View {
    text: String,
    outside_hosts: BTreeSet<String>,
    targets: BTreeSet<String>,
}

fn view(a: &PageAnalysis, home_host: &str) -> View {
    let mut text = format!("{} {}", a.facts.title, a.facts.headline);
    let mut outside_hosts = BTreeSet::new();
    let mut targets = BTreeSet::new();
    for link in &a.links {
        text.push(' ');
        text.push_str(&link.text);
        if let LinkTarget::Web(u) = &link.target {
            let host = u.host_str().unwrap_or_default().to_ascii_lowercase();
            text.push(' ');
            text.push_str(&host);
            if !same_site(&host, home_host) && !government(&host) {
                outside_hosts.insert(host);
            }
            targets.insert(format!("{}{}", u.host_str().unwrap_or_default(), u.path()));
        }
    }
    View {
        text,
        outside_hosts,
        targets,
    }
}

/// Compares the visitor's and the spider's copies of the home page.
/// `spider_final` is where the spider's fetch ended (after redirects).
pub fn cloaking(
    site: &str,
    home: &Url,
    visitor: &PageAnalysis,
    spider_final: &Url,
    spider: Option<&PageAnalysis>,
    profile: &Profile,
) -> Vec<Finding> {
    let r = &profile.security;
    let home_host = home.host_str().unwrap_or_default();
    let mut sink = FindingSink::new(site, home.as_str(), true, profile);
    let spider_host = spider_final.host_str().unwrap_or_default();
    if !same_site(spider_host, home_host) && !government(spider_host) {
        sink.push(
            CheckId::SecurityMaliciousScript,
            spider_final.as_str(),
            "spider_redirect",
            format!(
                "以搜索引擎蜘蛛身份访问首页时被跳转到外部网站 {spider_host}，普通访客不会：搜索引擎劫持（cloaking），网站可能已被入侵"
            ),
            r.spider_user_agent.clone(),
        );
        return sink.into_vec();
    }
    let Some(spider) = spider else {
        return sink.into_vec();
    };
    let seen = view(visitor, home_host);
    let shown = view(spider, home_host);
    let only_spider: Vec<&str> = r
        .hidden_link_lexicon
        .iter()
        .filter(|w| shown.text.contains(w.as_str()) && !seen.text.contains(w.as_str()))
        .map(String::as_str)
        .collect();
    let new_hosts: Vec<&str> = shown
        .outside_hosts
        .difference(&seen.outside_hosts)
        .map(String::as_str)
        .collect();
    let union = seen.targets.union(&shown.targets).count().max(1);
    let similarity = seen.targets.intersection(&shown.targets).count() as f64 / union as f64;
    let redirected = spider.links.iter().any(|l| {
        l.kind == crate::links::LinkKind::Refresh
            && matches!(&l.target, LinkTarget::Web(u)
                if u.host_str().is_some_and(|h| !same_site(h, home_host) && !government(h)))
    });
    if !only_spider.is_empty() || redirected {
        sink.push(
            CheckId::SecurityMaliciousScript,
            home.as_str(),
            "cloaking",
            format!(
                "首页对搜索引擎蜘蛛和普通访客显示不同内容：只有蜘蛛能看到{}（两者相似度 {:.0}%）：搜索引擎劫持（cloaking），网站可能已被入侵",
                if redirected {
                    "跳转到外部网站的指令".to_string()
                } else {
                    format!("“{}”等词", only_spider.join("、"))
                },
                similarity * 100.0
            ),
            new_hosts.iter().take(5).copied().collect::<Vec<_>>().join(" "),
        );
    } else if similarity < r.cloaking_similarity && new_hosts.len() >= r.hidden_block_outside_links
    {
        sink.push_with(
            home.as_str(),
            true,
            CheckId::SecurityMaliciousScript,
            r.hidden_block_severity,
            home.as_str(),
            "cloaking_links",
            format!(
                "首页对搜索引擎蜘蛛显示的链接与普通访客看到的差别很大（相似度 {:.0}%），且多出{}个外部网站的链接：疑似搜索引擎劫持，请核查",
                similarity * 100.0,
                new_hosts.len()
            ),
            new_hosts.iter().take(5).copied().collect::<Vec<_>>().join(" "),
        );
    }
    sink.into_vec()
}
