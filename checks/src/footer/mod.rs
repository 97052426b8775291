//! The footer (底部功能区) every government site must carry: ICP备案编号,
//! 公安机关备案标识, 网站标识码, 党政机关标识, 我为政府网站找错, 网站地图,
//! 主办单位及联系方式 (rules.md §2.3, §3.1–3.5).
//!
//! Facts are read from the visible text and links first, then from inline
//! script text (footers written by `document.write` or held in JavaScript
//! strings); an element seen only in script text is `script`, not missing.

use crate::formats;
use crate::links::{Link, LinkKind, LinkTarget};
use crate::profile::Profile;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use url::Url;

/// Whether an element is on the page.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Presence {
    /// Not found.
    #[default]
    No,
    /// In the HTML.
    Yes,
    /// Only inside script text (written by a script when the page runs).
    Script,
    /// Present but in an error state (a conac `_error` badge).
    Error,
}

impl Presence {
    /// `yes`, `no`, `script` or `error`, as in `pages.csv`.
    pub fn as_str(self) -> &'static str {
        match self {
            Presence::No => "no",
            Presence::Yes => "yes",
            Presence::Script => "script",
            Presence::Error => "error",
        }
    }

    /// Whether the element is there in some form.
    pub fn seen(self) -> bool {
        self != Presence::No
    }
}

/// A `<script>` element's attributes that matter for the footer.
#[derive(Debug, Clone, Default)]
pub struct ScriptTag {
    /// `src`, as written.
    pub src: Option<String>,
    /// `id`.
    pub id: Option<String>,
    /// `sitecode` (the jiucuo widget).
    pub sitecode: Option<String>,
}

/// What the page analysis hands to the footer extraction.
pub struct FooterInput<'a> {
    /// The page URL.
    pub url: &'a Url,
    /// Visible text.
    pub text: &'a str,
    /// Where the footer's own lines start in `text` ([`footer_start`]):
    /// found once a page, as the page's content ends there too.
    pub footer_start: usize,
    /// Inline script text.
    pub script_text: &'a str,
    /// Every link.
    pub links: &'a [Link],
    /// Every script element.
    pub scripts: &'a [ScriptTag],
    /// `onclick` values and ids of elements (`_span_jiucuo`, `_ideConac`).
    pub markers: &'a [String],
}

/// The footer facts of one page.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub struct FooterFacts {
    /// ICP number as displayed.
    pub icp: Option<String>,
    /// Whether its format is standard.
    pub icp_valid: bool,
    /// Whether it links to the MIIT filing system.
    pub icp_linked: bool,
    /// 公网安备 digits.
    pub police: Option<String>,
    /// The record code in the badge link.
    pub police_link: Option<String>,
    /// 网站标识码 from the footer label.
    pub site_code: Option<String>,
    /// The jiucuo widget's sitecode.
    pub jiucuo_code: Option<String>,
    /// 党政机关标识.
    pub conac: Presence,
    /// 我为政府网站找错.
    pub jiucuo: Presence,
    /// The widget's host when it is a legacy one.
    pub jiucuo_legacy_host: Option<String>,
    /// 网站地图 link.
    pub sitemap: Presence,
    /// Where the sitemap link points.
    pub sitemap_url: Option<String>,
    /// 主办单位.
    pub host: Option<String>,
    /// Whether contact details are shown.
    pub contact: bool,
    /// Elements found only in script text (`icp`, `police`, `site_code`, `host`).
    pub in_script: Vec<String>,
}

impl FooterFacts {
    /// Whether an element the footer rules ask for was not found (then a
    /// script-written footer is worth rendering).
    pub fn lacks_any(&self) -> bool {
        self.icp.is_none()
            || self.police.is_none()
            || (self.site_code.is_none() && self.jiucuo_code.is_none())
            || !self.conac.seen()
            || !self.jiucuo.seen()
            || !self.sitemap.seen()
            || self.host.is_none()
    }
}

/// What every anchor's address is searched for, with searchers built once:
/// `str::contains` sets its search up on each call, and a page has a
/// hundred anchors (callgrind: these searches were a third of the footer
/// reading).
struct AnchorNeedles {
    /// In both 党政机关标识 hosts (`bszs.conac.cn`, `dcs.conac.cn`).
    conac: memchr::memmem::Finder<'static>,
    /// The 找错 address's path.
    jiucuo_path: memchr::memmem::Finder<'static>,
}

fn anchor_needles() -> &'static AnchorNeedles {
    static NEEDLES: std::sync::OnceLock<AnchorNeedles> = std::sync::OnceLock::new();
    NEEDLES.get_or_init(|| AnchorNeedles {
        conac: memchr::memmem::Finder::new("conac.cn"),
        jiucuo_path: memchr::memmem::Finder::new("/exposure/jiucuo"),
    })
}

fn host_matches(url: &Url, hosts: &[String]) -> bool {
    url.host_str().is_some_and(|h| {
        hosts.iter().any(|x| {
            let x = x.as_str();
            h == x
                || (h.len() > x.len()
                    && ((h.ends_with(x) && h.as_bytes()[h.len() - x.len() - 1] == b'.')
                        || (h.starts_with(x) && h.as_bytes()[x.len()] == b'.')))
        })
    })
}

/// `广东省人力资源和社会保障厅地址：广州市…` (adjacent spans, no separator):
/// the 主办单位 ends where the next footer label starts.
fn cut_at_next_label(value: &str) -> String {
    const LABELS: [&str; 12] = [
        "地址",
        "电话",
        "承办",
        "协办",
        "技术支持",
        "邮编",
        "联系",
        "版权",
        "网站标识码",
        "政府网站",
        "ICP",
        "运行维护",
    ];
    let end = LABELS
        .iter()
        .filter_map(|l| value.find(l))
        .filter(|&i| i > 0)
        .min()
        .unwrap_or(value.len());
    value[..end].trim().to_string()
}

/// Reads the footer facts of a page.
pub fn extract(input: &FooterInput<'_>, profile: &Profile) -> FooterFacts {
    let rules = &profile.footer;
    let unscripted = unscript(input.script_text);
    let script_text = script_visible_text(&unscripted);
    let mut f = FooterFacts::default();
    let mut in_script = Vec::new();

    let anchors: Vec<(&Link, &Url)> = input
        .links
        .iter()
        .filter_map(|l| match &l.target {
            LinkTarget::Web(u) => Some((l, u)),
            _ => None,
        })
        .collect();

    // The anchors that can be on a registry's host (miit, 公安): those on
    // another host than the page's, which are a page's few, or all of them
    // should the page's own host be on the list.
    let page_host = input.url.host_str();
    let elsewhere: Vec<(&Link, &Url)> = anchors
        .iter()
        .filter(|(_, u)| u.host_str() != page_host)
        .copied()
        .collect();
    let may_be_on = |hosts: &[String]| -> &[(&Link, &Url)] {
        if host_matches(input.url, hosts) {
            &anchors
        } else {
            &elsewhere
        }
    };

    // ICP
    if let Some(icp) = formats::find_icp(input.text) {
        f.icp_linked = may_be_on(&rules.icp_link_hosts).iter().any(|(l, u)| {
            l.kind == LinkKind::Anchor
                && host_matches(u, &rules.icp_link_hosts)
                && (l.text.contains(&icp.digits) || l.text.contains("ICP"))
        });
        f.icp_valid = icp.valid;
        f.icp = Some(icp.display);
    } else if let Some(icp) = formats::find_icp(&script_text) {
        f.icp_linked =
            unscripted.contains("beian.miit.gov.cn") || unscripted.contains("miitbeian.gov.cn");
        f.icp_valid = icp.valid;
        f.icp = Some(icp.display);
        in_script.push("icp".to_string());
    }

    // 公安
    if let Some(p) = formats::find_police(input.text) {
        f.police_link = may_be_on(&rules.police_link_hosts)
            .iter()
            .filter(|(l, u)| {
                l.kind == LinkKind::Anchor && host_matches(u, &rules.police_link_hosts)
            })
            .find_map(|(_, u)| formats::police_link_code(u.as_str()));
        f.police = Some(p);
    } else if let Some(p) = formats::find_police(&script_text) {
        f.police_link = formats::police_link_code(&unscripted);
        f.police = Some(p);
        in_script.push("police".to_string());
    }

    // 网站标识码
    if let Some(code) = formats::find_site_code(input.text) {
        f.site_code = Some(code);
    } else if let Some(code) = formats::find_site_code(&script_text) {
        f.site_code = Some(code);
        in_script.push("site_code".to_string());
    }

    // 党政机关标识
    let needles = anchor_needles();
    let conac_url = |s: &str| {
        needles.conac.find(s.as_bytes()).is_some()
            && (s.contains("bszs.conac.cn") || s.contains("dcs.conac.cn"))
    };
    let error_badge = anchors.iter().any(|(l, u)| {
        l.kind == LinkKind::Image
            && (u.path().ends_with("red_error.png") || u.path().ends_with("blue_error.png"))
    });
    f.conac = if error_badge {
        Presence::Error
    } else if anchors.iter().any(|(_, u)| conac_url(u.as_str()))
        || input
            .scripts
            .iter()
            .any(|s| s.src.as_deref().is_some_and(conac_url))
        || input.markers.iter().any(|m| {
            m.strip_prefix("id:")
                .is_some_and(|id| profile.footer.conac_element_ids.iter().any(|c| c == id))
        })
    {
        Presence::Yes
    } else if conac_url(&unscripted) {
        // The standard embed is `document.write(unescape(...))` of the badge script.
        if unscripted.contains("_error.png") {
            Presence::Error
        } else {
            Presence::Yes
        }
    } else {
        Presence::No
    };

    // 我为政府网站找错
    let jiucuo_script = input.scripts.iter().find(|s| {
        s.id.as_deref() == Some("_jiucuo_")
            || s.src
                .as_deref()
                .is_some_and(|src| src.contains("exposure/jiucuo.js"))
    });
    let jiucuo_link = anchors
        .iter()
        .find(|(_, u)| needles.jiucuo_path.find(u.path().as_bytes()).is_some());
    let span = input.markers.iter().any(|m| {
        m.strip_prefix("id:")
            .is_some_and(|id| profile.footer.jiucuo_element_ids.iter().any(|c| c == id))
    });
    // An image link whose onclick opens the jiucuo address
    // (`window.open('https://zfwzgl.www.gov.cn/exposure/jiucuo.html?site_code=…')`).
    let jiucuo_onclick = input
        .markers
        .iter()
        .filter_map(|m| m.strip_prefix("onclick:"))
        .find(|m| m.contains("exposure/jiucuo"));
    if let Some(s) = jiucuo_script {
        f.jiucuo = Presence::Yes;
        f.jiucuo_code = s.sitecode.clone();
        if let Some(src) = s.src.as_deref().and_then(|src| input.url.join(src).ok()) {
            if host_matches(&src, &rules.jiucuo_legacy_hosts) {
                f.jiucuo_legacy_host = src.host_str().map(str::to_string);
            }
        }
    } else if let Some((_, u)) = jiucuo_link {
        f.jiucuo = Presence::Yes;
        f.jiucuo_code = formats::jiucuo_code(u.as_str());
        if host_matches(u, &rules.jiucuo_legacy_hosts) {
            f.jiucuo_legacy_host = u.host_str().map(str::to_string);
        }
    } else if let Some(onclick) = jiucuo_onclick {
        f.jiucuo = Presence::Yes;
        f.jiucuo_code = formats::jiucuo_code(onclick);
        let opened = onclick
            .split(['\'', '"'])
            .find(|p| p.contains("exposure/jiucuo"))
            .and_then(|p| input.url.join(p.trim()).ok());
        if let Some(u) = opened.filter(|u| host_matches(u, &rules.jiucuo_legacy_hosts)) {
            f.jiucuo_legacy_host = u.host_str().map(str::to_string);
        }
    } else if span {
        f.jiucuo = Presence::Yes;
    } else if unscripted.contains("_span_jiucuo")
        || unscripted.contains("exposure/jiucuo")
        || unscripted.contains("_jiucuo_")
    {
        f.jiucuo = Presence::Script;
    }
    if f.jiucuo.seen() && f.jiucuo_code.is_none() {
        f.jiucuo_code = input
            .markers
            .iter()
            .find_map(|m| m.strip_prefix("onclick:").and_then(formats::jiucuo_code))
            .or_else(|| {
                if f.jiucuo == Presence::Script {
                    formats::jiucuo_code(&unscripted)
                } else {
                    None
                }
            });
    }

    // 网站地图
    let sitemap_link = anchors
        .iter()
        .find(|(l, _)| l.kind == LinkKind::Anchor && rules.sitemap_texts.any_in(&l.text));
    if let Some((_, u)) = sitemap_link {
        f.sitemap = Presence::Yes;
        f.sitemap_url = Some(crate::urlnorm::normalise(u).to_string());
    } else if rules.sitemap_texts.any_in(&script_text) {
        f.sitemap = Presence::Script;
    }

    // 主办单位 and 联系方式
    let region = footer_region(input.text, input.footer_start);
    let host = rules
        .host_pattern
        .captures_iter(region)
        .last()
        .and_then(|c| c.get(1))
        .map(|m| m.as_str().to_string());
    let host = host.map(|h| cut_at_next_label(&h));
    f.host = match host {
        Some(h) => Some(h),
        None => {
            let h = rules
                .host_pattern
                .captures_iter(&script_text)
                .last()
                .and_then(|c| c.get(1))
                .map(|m| cut_at_next_label(m.as_str()));
            if h.is_some() {
                in_script.push("host".to_string());
            }
            h
        }
    };
    f.contact = rules.contact_patterns.is_match(region)
        || rules.contact_patterns.is_match(&script_text)
        || anchors
            .iter()
            .any(|(l, _)| l.kind == LinkKind::Anchor && l.text.contains("联系我们"));
    f.in_script = in_script;
    f
}

/// Fills in what `self` lacks from the facts of a footer source (a footer
/// script or frame the crawler fetched).
pub fn merge(page: &mut FooterFacts, source: &FooterFacts) {
    let mark = |page: &mut FooterFacts, what: &str| {
        if !page.in_script.iter().any(|w| w == what) {
            page.in_script.push(what.to_string());
        }
    };
    if page.icp.is_none() && source.icp.is_some() {
        page.icp = source.icp.clone();
        page.icp_valid = source.icp_valid;
        page.icp_linked = source.icp_linked;
        mark(page, "icp");
    }
    if page.police.is_none() && source.police.is_some() {
        page.police = source.police.clone();
        page.police_link = source.police_link.clone();
        mark(page, "police");
    }
    if page.site_code.is_none() && source.site_code.is_some() {
        page.site_code = source.site_code.clone();
        mark(page, "site_code");
    }
    let upgrade = |mine: &mut Presence, theirs: Presence| {
        if !mine.seen() && theirs.seen() {
            *mine = Presence::Script;
        }
    };
    upgrade(&mut page.conac, source.conac);
    if source.conac == Presence::Error && page.conac != Presence::Yes {
        page.conac = Presence::Error;
    }
    if !page.jiucuo.seen() && source.jiucuo.seen() {
        page.jiucuo = Presence::Script;
        page.jiucuo_code = source.jiucuo_code.clone();
        page.jiucuo_legacy_host = source.jiucuo_legacy_host.clone();
    }
    if !page.sitemap.seen() && source.sitemap.seen() {
        page.sitemap = Presence::Script;
        page.sitemap_url = source.sitemap_url.clone();
    }
    if page.host.is_none() && source.host.is_some() {
        page.host = source.host.clone();
        mark(page, "host");
    }
    page.contact |= source.contact;
}

/// Same-site scripts and frames that probably write the footer, to be
/// fetched when elements are missing from the page itself.
pub fn sources(url: &Url, links: &[Link], facts: &FooterFacts, profile: &Profile) -> Vec<Url> {
    let complete = facts.icp.is_some()
        && facts.site_code.is_some()
        && facts.conac.seen()
        && facts.jiucuo.seen();
    if complete {
        return Vec::new();
    }
    let same_site = |u: &Url| u.host_str() == url.host_str();
    let candidates: Vec<&Url> = links
        .iter()
        .filter(|l| matches!(l.kind, LinkKind::Script | LinkKind::Frame))
        .filter_map(|l| match &l.target {
            LinkTarget::Web(u) if same_site(u) => Some(u),
            _ => None,
        })
        .collect();
    let mut out: Vec<Url> = candidates
        .iter()
        .filter(|u| profile.footer.source_name_pattern.is_match(u.path()))
        .map(|u| (*u).clone())
        .collect();
    // A page with no footer element at all: its last scripts are the best guess.
    let nothing = facts.icp.is_none()
        && facts.site_code.is_none()
        && facts.police.is_none()
        && !facts.conac.seen();
    if out.is_empty() && nothing {
        out = candidates
            .iter()
            .rev()
            .filter(|u| {
                let p = u.path().to_ascii_lowercase();
                ![
                    "jquery",
                    "vue",
                    "bootstrap",
                    "swiper",
                    "layer",
                    "echarts",
                    "jiucuo",
                ]
                .iter()
                .any(|lib| p.contains(lib))
            })
            .take(2)
            .map(|u| (*u).clone())
            .collect();
    }
    out.truncate(3);
    out
}

mod check;
mod region;
pub use check::check;
pub use region::{footer_region, footer_start, script_visible_text, unscript};

#[cfg(test)]
mod tests;
