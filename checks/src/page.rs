//! Page analysis: one parse of one page into facts, links and page-level findings.
//!
//! This is the only place HTML is parsed. The crawler calls [`analyse_page`]
//! once per fetched HTML page and keeps the small [`PageFacts`]; the body is
//! dropped afterwards, so memory never grows with page bodies.

use crate::columns::{breadcrumb_trail, list_facts, own_column_name, ListFacts, RawItem};
use crate::dates::parse_date;
use crate::decode::decode_html;
use crate::finding::{CheckId, Finding, FindingSink};
use crate::footer::{self, FooterFacts, FooterInput, ScriptTag};
use crate::links::{classify_href, is_private_host, Link, LinkKind, LinkTarget};
use crate::policy::{self, PolicyMeta};
use crate::privacy;
use crate::profile::Profile;
use chrono::NaiveDate;
use ego_tree::iter::Edge;
use regex::Regex;
use schemars::JsonSchema;
use scraper::{Html, Node};
use serde::{Deserialize, Serialize};
use std::sync::{Arc, OnceLock};
use url::Url;

/// What the crawler hands to the analysis for one page.
#[derive(Debug, Clone, Copy)]
pub struct PageInput<'a> {
    /// The site's name, copied into findings.
    pub site: &'a str,
    /// The page's final URL (after redirects).
    pub url: &'a Url,
    /// The body as received (possibly capped).
    pub body: &'a [u8],
    /// The `Content-Type` header.
    pub content_type: Option<&'a str>,
    /// Whether this is the site's home page.
    pub is_home: bool,
    /// Whether the body was cut at the size cap.
    pub truncated: bool,
    /// The date the scan pretends it is (`--now`).
    pub today: NaiveDate,
}

/// The `<meta name=…>` tags of the 网页设计规范 (网页标签) that govscan reads.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct PageMeta {
    /// `SiteName`.
    pub site_name: Option<Arc<str>>,
    /// `SiteDomain`.
    pub site_domain: Option<Arc<str>>,
    /// `SiteIDCode`.
    pub site_id_code: Option<Arc<str>>,
    /// `ColumnName`.
    pub column_name: Option<Arc<str>>,
    /// `ColumnType`.
    pub column_type: Option<Arc<str>>,
    /// `ArticleTitle`.
    pub article_title: Option<String>,
    /// `PubDate`.
    pub pub_date: Option<String>,
}

/// What kind of page it is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum PageKind {
    /// The site's home page.
    Home,
    /// A column (list) page.
    List,
    /// An article.
    Article,
    /// A policy document with a 信息公开 metadata block.
    Policy,
    /// A policy interpretation.
    Interpretation,
    /// A section home (新闻中心, a township's page) showing blocks of its
    /// sub-columns: not a column itself.
    Section,
    /// Anything else.
    #[default]
    Other,
}

impl PageKind {
    /// The `kind` value in `pages.csv`.
    pub fn as_str(self) -> &'static str {
        match self {
            PageKind::Home => "home",
            PageKind::List => "list",
            PageKind::Article => "article",
            PageKind::Policy => "policy",
            PageKind::Interpretation => "interpretation",
            PageKind::Section => "section",
            PageKind::Other => "other",
        }
    }
}

/// A same-site link kept for the policy pairing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct RelatedLink {
    /// Normalised target (no fragment).
    pub url: String,
    /// Link text.
    pub text: String,
}

/// The facts read from one page, kept for site-wide checks and `pages.csv`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct PageFacts {
    /// `<title>`, whitespace collapsed.
    pub title: String,
    /// The charset used to decode it.
    pub charset: String,
    /// Page meta tags.
    pub meta: PageMeta,
    /// What kind of page it is.
    #[serde(default)]
    pub kind: PageKind,
    /// The headline (`ArticleTitle`, else `<h1>`, else the title).
    #[serde(default)]
    pub headline: String,
    /// Footer facts.
    #[serde(default)]
    pub footer: std::sync::Arc<FooterFacts>,
    /// Column name (list pages).
    #[serde(default)]
    pub column: Option<Arc<str>>,
    /// Dated list items (list and home pages).
    #[serde(default)]
    pub list: ListFacts,
    /// The page's own publication date (articles, documents).
    #[serde(default)]
    pub published: Option<NaiveDate>,
    /// The 信息公开 metadata block.
    #[serde(default)]
    pub policy: Option<Box<PolicyMeta>>,
    /// Same-site links of policy and interpretation pages.
    #[serde(default)]
    pub related: Vec<RelatedLink>,
    /// Whether inline scripts write page content (`document.write`), so a
    /// missing footer element may be invisible to a static reader.
    #[serde(default)]
    pub scripted: bool,
    /// The page says it does not exist (an error page served with 200).
    #[serde(default)]
    pub error_page: bool,
}

impl PageFacts {
    /// Gives back the slack of strings built piece by piece: the crawler
    /// keeps these facts for every page until the site checks run.
    pub fn shrink(&mut self) {
        let strings = [&mut self.title, &mut self.headline, &mut self.charset];
        for s in strings {
            s.shrink_to_fit();
        }
        let options = [&mut self.meta.article_title, &mut self.meta.pub_date];
        for s in options.into_iter().flatten() {
            s.shrink_to_fit();
        }
        if self.headline == self.title {
            self.headline = self.title.clone();
        }
    }

    /// The newest item date, for list and home pages only.
    pub fn newest_date(&self) -> Option<NaiveDate> {
        matches!(self.kind, PageKind::List | PageKind::Home)
            .then_some(self.list.newest)
            .flatten()
    }

    /// The 网站标识码 shown: footer, else widget, else meta.
    pub fn site_code(&self) -> Option<&str> {
        self.footer
            .site_code
            .as_deref()
            .or(self.footer.jiucuo_code.as_deref())
            .or(self.meta.site_id_code.as_deref().filter(|c| !c.is_empty()))
    }
}

/// Everything [`analyse_page`] learns about a page (stored by the history
/// store, so an unchanged page is not parsed again).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PageAnalysis {
    /// Facts to keep.
    pub facts: PageFacts,
    /// Every link, in document order.
    pub links: Vec<Link>,
    /// Hashes of the page's `id`s and `<a name>`s (see [`anchor_hash`]), sorted.
    pub anchors: Vec<u64>,
    /// Findings that need only this page.
    pub findings: Vec<Finding>,
    /// Why the page looks like a not-found page, if it does.
    pub not_found: Option<String>,
    /// Same-site scripts or frames that may hold the footer; the crawler
    /// fetches them and calls [`finish_footer`].
    pub footer_sources: Vec<Url>,
    /// The page is a login form with hardly anything else (see
    /// [`crate::audit::looks_like_login`]): as a home page, not auditable.
    #[serde(default)]
    pub login: bool,
}

impl PageAnalysis {
    /// Whether the page has an anchor for `fragment` (see [`crate::links::fragment_exists`]).
    pub fn has_anchor(anchors: &[u64], fragment: &str) -> bool {
        crate::links::fragment_exists(anchors, fragment)
    }
}

/// Version of what [`analyse_page`] stores. Part of the key under which the
/// history store keeps analyses, so that analyses made by an older govscan
/// (another anchor hash, fewer facts) are never reused: they are made again
/// on the next fetch.
pub const ANALYSIS_VERSION: u32 = 2;

pub use crate::links::anchor_hash;

const LINK_TEXT_MAX: usize = 80;

/// Appends `s` to `out`, folding every run of white space (including
/// U+3000 and NBSP) into one space.
pub(crate) fn push_collapsed(out: &mut String, s: &str) {
    for c in s.chars() {
        if c.is_whitespace() || c == '\u{a0}' || c == '\u{3000}' {
            if !out.is_empty() && !out.ends_with([' ', '\n', '\t']) {
                out.push(' ');
            }
        } else {
            out.push(c);
        }
    }
}

fn is_block(name: &str) -> bool {
    matches!(
        name,
        "p" | "div"
            | "li"
            | "ul"
            | "ol"
            | "tr"
            | "table"
            | "br"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "section"
            | "article"
            | "footer"
            | "header"
            | "nav"
            | "dl"
            | "dt"
            | "dd"
            | "form"
            | "hr"
            | "blockquote"
            | "pre"
            | "center"
            | "tbody"
            | "thead"
            | "aside"
            | "main"
    )
}

fn break_line(out: &mut String, sep: char) {
    while out.ends_with(' ') {
        out.pop();
    }
    if !out.is_empty() && !out.ends_with('\n') {
        out.push(sep);
    }
}

struct OpenAnchor {
    raw: String,
    script_driven: bool,
    text: String,
    fallback: String,
}

/// Analyses one HTML page.
pub fn analyse_page(input: &PageInput<'_>, profile: &Profile) -> PageAnalysis {
    let tld = input
        .url
        .host_str()
        .and_then(|h| h.rsplit('.').next())
        .map(str::to_string);
    let decoded = decode_html(input.body, input.content_type, tld.as_deref());
    let doc = Html::parse_document(&decoded.text);

    let mut base = input.url.clone();
    let mut base_seen = false;
    let mut facts = PageFacts {
        charset: decoded.charset.to_string(),
        ..PageFacts::default()
    };
    let mut links: Vec<Link> = Vec::new();
    let mut anchors: Vec<u64> = Vec::new();
    let mut text = String::new();
    let mut title = String::new();
    let mut in_title = 0usize;
    let mut hidden = 0usize;
    let mut open_anchors: Vec<OpenAnchor> = Vec::new();
    let rules = &profile.links;
    let mut scripts: Vec<ScriptTag> = Vec::new();
    let mut script_text = String::new();
    let mut in_script = 0usize;
    let mut markers: Vec<String> = Vec::new();
    let mut items: Vec<RawItem> = Vec::new();
    let mut open_items: Vec<(RawItem, bool)> = Vec::new();
    let mut h1 = String::new();
    let mut in_h1 = 0usize;
    let mut password_field = false;
    let more_texts: Vec<&str> = profile
        .columns
        .more_link_texts
        .iter()
        .map(|t| more_label(t))
        .collect();
    let mut more_targets: std::collections::HashSet<String> = std::collections::HashSet::new();
    const SCRIPT_TEXT_MAX: usize = 512 * 1024;
    const ITEM_TEXT_MAX: usize = 400;

    let add = |links: &mut Vec<Link>, base: &Url, kind: LinkKind, raw: &str, text: String| {
        let target = classify_href(raw, base, false, false, false);
        links.push(Link {
            kind,
            raw: raw.to_string(),
            target,
            text,
        });
    };

    for edge in doc.tree.root().traverse() {
        match edge {
            Edge::Open(node) => match node.value() {
                Node::Element(el) => {
                    let name = el.name();
                    // One pass over the element's attributes for those every
                    // element may carry (each `attr` call is a scan of its own).
                    let (mut id_attr, mut onclick_attr, mut style_attr, mut background_attr) =
                        (None, None, None, None);
                    for (name, value) in el.attrs() {
                        match name {
                            "id" => id_attr = Some(value),
                            "onclick" => onclick_attr = Some(value),
                            "style" => style_attr = Some(value),
                            "background" => background_attr = Some(value),
                            _ => {}
                        }
                    }
                    if let Some(id) = id_attr {
                        anchors.push(anchor_hash(id));
                        if matches!(id, "_ideConac" | "imgConac" | "_span_jiucuo")
                            && markers.len() < 64
                        {
                            markers.push(format!("id:{id}"));
                        }
                    }
                    if let Some(onclick) = onclick_attr {
                        if (onclick.contains("Link(") || onclick.contains("jiucuo"))
                            && markers.len() < 64
                        {
                            markers.push(format!("onclick:{onclick}"));
                        }
                        if let Some((item, _)) = open_items.last_mut() {
                            item.has_link = true;
                        }
                    }
                    match name {
                        "li" | "tr" | "dd" => {
                            if let Some((_, has_child)) = open_items.last_mut() {
                                *has_child = true;
                            }
                            open_items.push((RawItem::default(), false));
                        }
                        "script" => {
                            in_script += 1;
                            scripts.push(ScriptTag {
                                src: el.attr("src").map(str::to_string),
                                id: el.attr("id").map(str::to_string),
                                sitecode: el.attr("sitecode").map(|c| c.trim().to_string()),
                            });
                        }
                        "h1" => in_h1 += 1,
                        _ => {}
                    }
                    match name {
                        "script" | "style" | "noscript" | "template" | "textarea" => hidden += 1,
                        "title" => in_title += 1,
                        _ => {}
                    }
                    if is_block(name) {
                        break_line(&mut text, '\n');
                    } else if matches!(name, "td" | "th") {
                        break_line(&mut text, '\t');
                    }
                    let alt = || {
                        el.attr("alt")
                            .or(el.attr("title"))
                            .unwrap_or("")
                            .trim()
                            .to_string()
                    };
                    if let Some(style) =
                        style_attr.filter(|s| s.contains("url(") || s.contains("URL("))
                    {
                        for raw in css_urls(style) {
                            add(&mut links, &base, LinkKind::Image, raw, String::new());
                        }
                    }
                    if let Some(bg) = background_attr {
                        add(&mut links, &base, LinkKind::Image, bg, String::new());
                    }
                    match name {
                        "input" => {
                            let kind = el.attr("type").unwrap_or("").trim();
                            if kind.eq_ignore_ascii_case("password") {
                                password_field = true;
                            } else if kind.eq_ignore_ascii_case("image") {
                                if let Some(src) = el.attr("src") {
                                    add(&mut links, &base, LinkKind::Image, src, alt());
                                }
                            }
                        }
                        "form" => {
                            let get = el.attr("method").is_none_or(|m| {
                                m.trim().is_empty() || m.trim().eq_ignore_ascii_case("get")
                            });
                            if let Some(action) =
                                el.attr("action").filter(|a| get && !a.trim().is_empty())
                            {
                                // A GET submission replaces the query: check the action without it.
                                let target = match classify_href(action, &base, false, false, false)
                                {
                                    LinkTarget::Web(mut u) => {
                                        u.set_query(None);
                                        LinkTarget::Web(u)
                                    }
                                    other => other,
                                };
                                links.push(Link {
                                    kind: LinkKind::Form,
                                    raw: action.to_string(),
                                    target,
                                    text: String::new(),
                                });
                            }
                        }
                        "base" if !base_seen => {
                            if let Some(href) = el.attr("href") {
                                if let Ok(b) = input.url.join(href.trim()) {
                                    base = b;
                                }
                                base_seen = true;
                            }
                        }
                        "a" => {
                            if let Some(n) = el.attr("name") {
                                anchors.push(anchor_hash(n));
                            }
                            if let (Some(href), Some((item, _))) =
                                (el.attr("href"), open_items.last_mut())
                            {
                                item.has_link = true;
                                if item.link.is_none() {
                                    if let LinkTarget::Web(mut u) =
                                        classify_href(href, &base, true, false, false)
                                    {
                                        u.set_fragment(None);
                                        item.link = Some(u.to_string());
                                    }
                                }
                            }
                            if let Some(href) = el.attr("href") {
                                let script_driven = rules
                                    .script_handler_attributes
                                    .iter()
                                    .any(|a| el.attr(a).is_some())
                                    || matches!(el.attr("role"), Some("button" | "tab"));
                                open_anchors.push(OpenAnchor {
                                    raw: href.to_string(),
                                    script_driven,
                                    text: String::new(),
                                    fallback: el.attr("title").unwrap_or("").trim().to_string(),
                                });
                            }
                        }
                        "area" => {
                            if let Some(href) = el.attr("href") {
                                let script_driven = rules
                                    .script_handler_attributes
                                    .iter()
                                    .any(|a| el.attr(a).is_some());
                                let target = classify_href(href, &base, true, script_driven, false);
                                links.push(Link {
                                    kind: LinkKind::Anchor,
                                    raw: href.to_string(),
                                    target,
                                    text: truncate_chars(&alt(), LINK_TEXT_MAX),
                                });
                            }
                        }
                        "link" => {
                            let rel = el.attr("rel").unwrap_or("").to_ascii_lowercase();
                            if !rel.contains("dns-prefetch") && !rel.contains("preconnect") {
                                if let Some(href) = el.attr("href") {
                                    add(&mut links, &base, LinkKind::LinkTag, href, rel);
                                }
                            }
                        }
                        "img" => {
                            let a = alt();
                            if let Some(open) = open_anchors.last_mut() {
                                if open.fallback.is_empty() {
                                    open.fallback = a.clone();
                                }
                            }
                            if let Some(src) = el.attr("src") {
                                add(&mut links, &base, LinkKind::Image, src, a.clone());
                            }
                            if let Some(set) = el.attr("srcset") {
                                for src in srcset_urls(set) {
                                    add(&mut links, &base, LinkKind::Image, src, a.clone());
                                }
                            }
                        }
                        "script" => {
                            if let Some(src) = el.attr("src") {
                                add(&mut links, &base, LinkKind::Script, src, String::new());
                            }
                        }
                        "iframe" | "frame" => {
                            if let Some(src) = el.attr("src") {
                                add(&mut links, &base, LinkKind::Frame, src, alt());
                            }
                        }
                        "embed" | "source" | "video" | "audio" | "track" => {
                            if let Some(src) = el.attr("src") {
                                add(&mut links, &base, LinkKind::Media, src, String::new());
                            }
                            if let Some(set) = el.attr("srcset") {
                                for src in srcset_urls(set) {
                                    add(&mut links, &base, LinkKind::Media, src, String::new());
                                }
                            }
                            if let Some(poster) = el.attr("poster") {
                                add(&mut links, &base, LinkKind::Image, poster, String::new());
                            }
                        }
                        "object" => {
                            if let Some(data) = el.attr("data") {
                                add(&mut links, &base, LinkKind::Media, data, String::new());
                            }
                        }
                        "meta" => read_meta(el, &mut facts.meta, &mut |raw| {
                            add(&mut links, &base, LinkKind::Refresh, raw, String::new())
                        }),
                        _ => {}
                    }
                }
                Node::Text(t) => {
                    if in_script > 0 {
                        if script_text.len() < SCRIPT_TEXT_MAX {
                            script_text.push_str(t);
                            script_text.push('\n');
                        }
                    } else if in_title > 0 {
                        push_collapsed(&mut title, t);
                    } else if hidden == 0 {
                        push_collapsed(&mut text, t);
                        if in_h1 > 0 && h1.chars().count() < 200 {
                            push_collapsed(&mut h1, t);
                        }
                        for (item, _) in &mut open_items {
                            if item.text.len() < ITEM_TEXT_MAX {
                                push_collapsed(&mut item.text, t);
                                item.text.push(' ');
                            }
                        }
                        for open in &mut open_anchors {
                            if open.text.chars().count() < LINK_TEXT_MAX + 1 {
                                push_collapsed(&mut open.text, t);
                            }
                        }
                    }
                }
                _ => {}
            },
            Edge::Close(node) => {
                if let Node::Element(el) = node.value() {
                    let name = el.name();
                    match name {
                        "li" | "tr" | "dd" => {
                            if let Some((item, has_child)) = open_items.pop() {
                                if !has_child && items.len() < 2000 {
                                    items.push(item);
                                }
                            }
                        }
                        "h1" => in_h1 = in_h1.saturating_sub(1),
                        _ => {}
                    }
                    match name {
                        "script" | "style" | "noscript" | "template" | "textarea" => {
                            hidden = hidden.saturating_sub(1);
                            if name == "script" {
                                in_script = in_script.saturating_sub(1);
                            }
                        }
                        "title" => in_title = in_title.saturating_sub(1),
                        "a" if el.attr("href").is_some() => {
                            if let Some(open) = open_anchors.pop() {
                                let mut label = open.text.trim().to_string();
                                if label.is_empty() {
                                    label = open.fallback;
                                }
                                let top = rules.top_link_texts.contains(&label);
                                let target =
                                    classify_href(&open.raw, &base, true, open.script_driven, top);
                                if let LinkTarget::Web(u) = &target {
                                    let bare = more_label(&label);
                                    let more = !bare.is_empty()
                                        && bare.chars().count() <= 6
                                        && more_texts.contains(&bare);
                                    if more
                                        && u.host_str() == input.url.host_str()
                                        && more_targets.len() < 64
                                    {
                                        let mut u = u.clone();
                                        u.set_fragment(None);
                                        more_targets.insert(u.to_string());
                                    }
                                }
                                links.push(Link {
                                    kind: LinkKind::Anchor,
                                    raw: open.raw,
                                    target,
                                    text: truncate_chars(&label, LINK_TEXT_MAX),
                                });
                            }
                        }
                        _ => {}
                    }
                    if is_block(name) {
                        break_line(&mut text, '\n');
                    }
                }
            }
        }
    }
    anchors.sort_unstable();
    anchors.dedup();
    facts.title = title.trim().to_string();

    let not_found = detect_not_found(&facts.title, &text, profile);
    facts.error_page = not_found.is_some();
    let mut findings = page_findings(input, &links, profile);

    // Footer.
    facts.footer = std::sync::Arc::new(footer::extract(
        &FooterInput {
            url: input.url,
            text: &text,
            script_text: &script_text,
            links: &links,
            scripts: &scripts,
            markers: &markers,
        },
        profile,
    ));
    facts.scripted = script_text.contains("document.write")
        || script_text.contains("innerHTML")
        || script_text.contains(".append(");
    let footer_sources = footer::sources(input.url, &links, &facts.footer, profile);

    // Kind, headline, dates, column.
    facts.headline = facts
        .meta
        .article_title
        .clone()
        .filter(|t| !t.is_empty())
        .or_else(|| Some(h1.trim().to_string()).filter(|t| !t.is_empty()))
        .unwrap_or_else(|| facts.title.clone());
    let main_text = &text[..footer::footer_start(&text)];
    facts.list = list_facts(&items, &text, &script_text, input.today, profile);
    facts.list.more_links = more_targets.len() as u32;
    facts.policy = policy::extract_meta(&text).map(Box::new);
    facts.published = facts
        .meta
        .pub_date
        .as_deref()
        .and_then(parse_date)
        .or_else(|| facts.policy.as_ref().and_then(|m| m.published_date()))
        .or_else(|| labelled_date(main_text));
    let trail = breadcrumb_trail(&text);
    facts.kind = page_kind(input.is_home, &facts, !trail.is_empty(), profile);
    // The column's own name: its class comes from it, never from a parent's.
    let column_name = own_column_name(facts.meta.column_name.as_deref(), &trail)
        .map(|name| match &facts.meta.column_name {
            Some(meta) if **meta == *name => meta.clone(),
            _ => Arc::from(name.as_str()),
        })
        .or_else(|| {
            facts
                .title
                .split(['_', '-', '|', '—'])
                .next()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(Arc::from)
        });
    facts.column = column_name;

    if matches!(facts.kind, PageKind::Policy | PageKind::Interpretation) {
        let host = input.url.host_str();
        for link in links.iter().filter(|l| l.kind == LinkKind::Anchor) {
            if let LinkTarget::Web(u) = &link.target {
                if u.host_str() == host && facts.related.len() < 300 {
                    let mut u = u.clone();
                    u.set_fragment(None);
                    facts.related.push(RelatedLink {
                        url: u.to_string(),
                        text: link.text.clone(),
                    });
                }
            }
        }
    }
    if facts.kind == PageKind::Policy {
        if let Some(meta) = &facts.policy {
            let in_scope = policy::needs_interpretation(facts.column.as_deref(), meta, profile);
            findings.extend(policy::hygiene(
                input.site,
                input.url.as_str(),
                meta,
                facts.published,
                in_scope,
                input.today,
                profile,
            ));
        }
    }

    // Privacy, outside the footer.
    let personal_list = profile.privacy.list_page_keywords.iter().any(|k| {
        facts.headline.contains(k.as_str())
            || facts
                .column
                .as_deref()
                .is_some_and(|c| c.contains(k.as_str()))
    });
    findings.extend(privacy::scan(
        input.site,
        input.url.as_str(),
        input.is_home,
        main_text,
        personal_list,
        input.today,
        profile,
    ));

    let login = input.is_home && {
        let head: String = text.chars().take(2000).collect();
        crate::audit::looks_like_login(
            password_field,
            &format!("{} {head}", facts.title),
            links.iter().filter(|l| l.kind == LinkKind::Anchor).count(),
            &profile.audit,
        )
    };
    facts.shrink();
    PageAnalysis {
        facts,
        links,
        anchors,
        findings,
        not_found,
        footer_sources,
        login,
    }
}

/// What a link check needs of a target page outside the site: whether it
/// reads as a not-found page, and its anchors. A light pass (one parse, no
/// footer, list, policy or privacy reading) for pages govscan only links to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LinkTargetFacts {
    /// Why it looks like a not-found page, if it does.
    pub not_found: Option<String>,
    /// Hashes of its `id`s and `<a name>`s (see [`anchor_hash`]), sorted.
    pub anchors: Vec<u64>,
}

/// The light pass over an outside link target (see [`LinkTargetFacts`]).
pub fn link_target_facts(input: &PageInput<'_>, profile: &Profile) -> LinkTargetFacts {
    let tld = input
        .url
        .host_str()
        .and_then(|h| h.rsplit('.').next())
        .map(str::to_string);
    let decoded = decode_html(input.body, input.content_type, tld.as_deref());
    let doc = Html::parse_document(&decoded.text);
    let mut anchors = Vec::new();
    let mut title = String::new();
    let mut text = String::new();
    let mut hidden = 0usize;
    let mut in_title = 0usize;
    // Only short pages are judged by their text (soft-404 rules): stop
    // collecting once past that length.
    let text_cap = profile.soft404.max_text_chars.saturating_mul(4) + 64;
    for edge in doc.tree.root().traverse() {
        match edge {
            Edge::Open(node) => match node.value() {
                Node::Element(el) => {
                    if let Some(id) = el.attr("id") {
                        anchors.push(anchor_hash(id));
                    }
                    if el.name() == "a" {
                        if let Some(n) = el.attr("name") {
                            anchors.push(anchor_hash(n));
                        }
                    }
                    match el.name() {
                        "script" | "style" | "noscript" | "template" | "textarea" => hidden += 1,
                        "title" => in_title += 1,
                        _ => {}
                    }
                }
                Node::Text(t) => {
                    if in_title > 0 {
                        push_collapsed(&mut title, t);
                    } else if hidden == 0 && text.len() < text_cap {
                        push_collapsed(&mut text, t);
                    }
                }
                _ => {}
            },
            Edge::Close(node) => {
                if let Node::Element(el) = node.value() {
                    match el.name() {
                        "script" | "style" | "noscript" | "template" | "textarea" => {
                            hidden = hidden.saturating_sub(1)
                        }
                        "title" => in_title = in_title.saturating_sub(1),
                        _ => {}
                    }
                }
            }
        }
    }
    anchors.sort_unstable();
    anchors.dedup();
    LinkTargetFacts {
        not_found: detect_not_found(title.trim(), &text, profile),
        anchors,
    }
}

/// Adds the footer findings of an analysed page, after merging the facts of
/// any footer sources the crawler fetched (see [`PageAnalysis::footer_sources`]).
pub fn finish_footer(
    analysis: &mut PageAnalysis,
    site: &str,
    url: &str,
    is_home: bool,
    sources: &[FooterFacts],
    profile: &Profile,
) {
    for source in sources {
        footer::merge(std::sync::Arc::make_mut(&mut analysis.facts.footer), source);
    }
    // An error page says nothing about the site's template.
    if analysis.not_found.is_some() {
        return;
    }
    let scripted = analysis.facts.scripted || !analysis.footer_sources.is_empty();
    let findings = footer::check(
        site,
        url,
        is_home,
        &analysis.facts.footer,
        analysis.facts.meta.site_id_code.as_deref(),
        scripted,
        profile,
    );
    analysis.findings.extend(findings);
}

/// Reads the footer facts of a footer source: a script (its text holds the
/// HTML it writes) or a framed page.
pub fn footer_source_facts(
    url: &Url,
    body: &[u8],
    content_type: Option<&str>,
    profile: &Profile,
) -> FooterFacts {
    let decoded = decode_html(body, content_type, None);
    let is_script =
        content_type.is_some_and(|c| c.contains("javascript")) || url.path().ends_with(".js");
    if is_script {
        let input = FooterInput {
            url,
            text: "",
            script_text: &decoded.text,
            links: &[],
            scripts: &[],
            markers: &[],
        };
        return footer::extract(&input, profile);
    }
    let input = PageInput {
        site: "",
        url,
        body,
        content_type,
        is_home: false,
        truncated: false,
        today: NaiveDate::MIN,
    };
    (*analyse_page(&input, profile).facts.footer).clone()
}

fn labelled_date(text: &str) -> Option<NaiveDate> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(r"(?:发布时间|发布日期|发文日期|日期|时间)\s*[:：]\s*((?:19|20)[0-9]{2}\s*[-/.年]\s*[01]?[0-9]\s*[-/.月]\s*[0-3]?[0-9])").expect("valid regex")
    });
    re.captures(text).and_then(|c| parse_date(&c[1]))
}

fn page_kind(is_home: bool, facts: &PageFacts, breadcrumb: bool, profile: &Profile) -> PageKind {
    if is_home {
        return PageKind::Home;
    }
    let in_interp_column = facts.meta.column_name.as_deref().is_some_and(|c| {
        profile
            .policy
            .interpretation_columns
            .iter()
            .any(|k| c.contains(k.as_str()))
    });
    // An interpretation is an article; a 解读 list page is a list.
    let article_like = facts.meta.article_title.is_some()
        || facts.meta.pub_date.is_some()
        || facts.published.is_some();
    let titled = policy::is_interpretation_title(&facts.headline, profile);
    if (titled || in_interp_column && facts.meta.article_title.is_some())
        && (article_like || facts.policy.is_some())
    {
        return PageKind::Interpretation;
    }
    if facts.policy.is_some() {
        return PageKind::Policy;
    }
    let list = &facts.list;
    let many = list.dated as usize >= profile.columns.min_list_items;
    if facts.meta.article_title.is_some() || (facts.published.is_some() && !many) {
        return PageKind::Article;
    }
    if list.more_links as usize >= profile.columns.section_min_more_links {
        return PageKind::Section;
    }
    let column_meta = facts.meta.column_name.is_some();
    let says_empty = list.empty_phrase || list.zero_count;
    if many
        || (column_meta && (list.dated > 0 || says_empty || list.scripted))
        || (breadcrumb && list.dated == 0 && (says_empty || list.scripted))
    {
        return PageKind::List;
    }
    PageKind::Other
}

fn read_meta(el: &scraper::node::Element, meta: &mut PageMeta, refresh: &mut dyn FnMut(&str)) {
    if let Some(equiv) = el.attr("http-equiv") {
        if equiv.eq_ignore_ascii_case("refresh") {
            if let Some(content) = el.attr("content") {
                if let Some(url) = refresh_url(content) {
                    refresh(url);
                }
            }
        }
        return;
    }
    let (Some(name), Some(content)) = (el.attr("name"), el.attr("content")) else {
        return;
    };
    let value = content.trim();
    if value.is_empty() {
        return;
    }
    // Site and column tags repeat on every page: shared strings (the crawler interns them).
    let shared = match name.trim().to_ascii_lowercase().as_str() {
        "sitename" => &mut meta.site_name,
        "sitedomain" => &mut meta.site_domain,
        "siteidcode" => &mut meta.site_id_code,
        "columnname" => &mut meta.column_name,
        "columntype" => &mut meta.column_type,
        "articletitle" => {
            meta.article_title.get_or_insert_with(|| value.to_string());
            return;
        }
        "pubdate" => {
            meta.pub_date.get_or_insert_with(|| value.to_string());
            return;
        }
        _ => return,
    };
    shared.get_or_insert_with(|| Arc::from(value));
}

/// A "more" link's label without its arrows and pluses (`更多>>` → `更多`).
fn more_label(label: &str) -> &str {
    label.trim_matches(|c: char| c.is_whitespace() || "》>+»".contains(c))
}

/// The URL in a `<meta http-equiv=refresh content="5; url=…">`, or in
/// `content="0;x.html"` (no `url=`, which browsers follow too).
fn refresh_url(content: &str) -> Option<&str> {
    let (_, rest) = content.split_once([';', ','])?;
    let rest = rest.trim_start();
    let rest = match rest.get(..3) {
        Some(p) if p.eq_ignore_ascii_case("url") => {
            let after = rest[3..].trim_start();
            after.strip_prefix('=').map_or(rest, str::trim_start)
        }
        _ => rest,
    };
    let rest = rest.trim().trim_matches(|c| c == '\'' || c == '"').trim();
    (!rest.is_empty()).then_some(rest)
}

/// The URLs of a `srcset`, parsed as the HTML standard does: a candidate's
/// URL runs to the next white space (commas inside it, as in
/// `…?x-oss-process=image/resize,w_750 2x` or a `data:` URI, belong to
/// it); a URL ending in a comma ends its candidate; descriptors run to the
/// next comma outside parentheses.
fn srcset_urls(set: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let bytes = set.as_bytes();
    let mut i = 0usize;
    while i < bytes.len() {
        while i < bytes.len() && (bytes[i].is_ascii_whitespace() || bytes[i] == b',') {
            i += 1;
        }
        let start = i;
        while i < bytes.len() && !bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        let mut url = &set[start..i];
        if url.is_empty() {
            break;
        }
        if url.ends_with(',') {
            url = url.trim_end_matches(',');
        } else {
            let mut depth = 0u32;
            while i < bytes.len() {
                match bytes[i] {
                    b'(' => depth += 1,
                    b')' => depth = depth.saturating_sub(1),
                    b',' if depth == 0 => break,
                    _ => {}
                }
                i += 1;
            }
        }
        if !url.is_empty() {
            out.push(url);
        }
    }
    out
}

/// The `url(…)` values of an inline `style` attribute.
fn css_urls(style: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let lower = style.to_ascii_lowercase();
    let mut from = 0usize;
    while let Some(pos) = lower[from..].find("url(") {
        let start = from + pos + 4;
        let Some(len) = style[start..].find(')') else {
            break;
        };
        let raw = style[start..start + len]
            .trim()
            .trim_matches(|c| c == '\'' || c == '"')
            .trim();
        if !raw.is_empty() && out.len() < 16 {
            out.push(raw);
        }
        from = start + len + 1;
    }
    out
}

fn truncate_chars(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max).collect();
        t.push('…');
        t
    }
}

/// Why a page's title or short text says the page does not exist.
pub fn detect_not_found(title: &str, text: &str, profile: &Profile) -> Option<String> {
    let rules = &profile.soft404;
    if let Some(m) = rules.title_patterns.iter().find_map(|re| re.find(title)) {
        return Some(format!(
            "标题为“{}”（匹配“{}”）",
            truncate_chars(title, 40),
            m.as_str()
        ));
    }
    if text.chars().count() <= rules.max_text_chars {
        if let Some(m) = rules.body_patterns.iter().find_map(|re| re.find(text)) {
            return Some(format!("页面文字含“{}”", m.as_str()));
        }
    }
    None
}

fn page_findings(input: &PageInput<'_>, links: &[Link], profile: &Profile) -> Vec<Finding> {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn analyse(html: &str, url: &str) -> PageAnalysis {
        let url = Url::parse(url).unwrap();
        let input = PageInput {
            site: "测试站",
            url: &url,
            body: html.as_bytes(),
            content_type: Some("text/html; charset=utf-8"),
            is_home: false,
            truncated: false,
            today: NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
        };
        analyse_page(&input, &Profile::national())
    }

    #[test]
    fn extracts_every_link_kind() {
        let html = r#"<html><head><title> 示例 县政府 </title>
            <base href="http://www.x.gov.cn/sub/">
            <link rel="stylesheet" href="/css/a.css"><link rel="dns-prefetch" href="//cdn.x.cn">
            <meta http-equiv="refresh" content="30; URL='/refresh.html'">
            <meta name="SiteIDCode" content="1304000009"><meta content="人事信息" name="ColumnName">
            <script src="js/a.js"></script></head><body>
            <a href="news/1.html">新闻 <b>一</b></a>
            <a href="http://www.other.gov.cn/"><img src="/img/logo.png" alt="兄弟单位"></a>
            <img srcset="/a-1x.png 1x, /a-2x.png 2x">
            <iframe src="/frame.html"></iframe>
            <embed src="/m.swf"><object data="/o.pdf"></object>
            <video src="/v.mp4" poster="/p.jpg"><source src="/s.mp4"></video><audio src="/a.mp3"></audio>
            <map><area href="/area.html" alt="区域"></map>
            <a name="n1">x</a><div id="d1"></div>
            </body></html>"#;
        let a = analyse(html, "http://www.x.gov.cn/index.html");
        assert_eq!(a.facts.title, "示例 县政府");
        assert_eq!(a.facts.meta.site_id_code.as_deref(), Some("1304000009"));
        assert_eq!(a.facts.meta.column_name.as_deref(), Some("人事信息"));
        let urls: Vec<String> = a
            .links
            .iter()
            .filter_map(|l| match &l.target {
                LinkTarget::Web(u) => Some(u.to_string()),
                _ => None,
            })
            .collect();
        for want in [
            "http://www.x.gov.cn/css/a.css",
            "http://www.x.gov.cn/refresh.html",
            "http://www.x.gov.cn/sub/js/a.js",
            "http://www.x.gov.cn/sub/news/1.html",
            "http://www.other.gov.cn/",
            "http://www.x.gov.cn/img/logo.png",
            "http://www.x.gov.cn/a-1x.png",
            "http://www.x.gov.cn/a-2x.png",
            "http://www.x.gov.cn/frame.html",
            "http://www.x.gov.cn/m.swf",
            "http://www.x.gov.cn/o.pdf",
            "http://www.x.gov.cn/v.mp4",
            "http://www.x.gov.cn/p.jpg",
            "http://www.x.gov.cn/s.mp4",
            "http://www.x.gov.cn/a.mp3",
            "http://www.x.gov.cn/area.html",
        ] {
            assert!(urls.iter().any(|u| u == want), "missing {want} in {urls:?}");
        }
        assert!(!urls.iter().any(|u| u.contains("cdn.x.cn")));
        let news = a.links.iter().find(|l| l.raw == "news/1.html").unwrap();
        assert_eq!(news.text, "新闻 一");
        let other = a
            .links
            .iter()
            .find(|l| l.raw == "http://www.other.gov.cn/")
            .unwrap();
        assert_eq!(other.text, "兄弟单位");
        assert!(PageAnalysis::has_anchor(&a.anchors, "n1"));
        assert!(PageAnalysis::has_anchor(&a.anchors, "d1"));
        assert!(PageAnalysis::has_anchor(&a.anchors, "top"));
        assert!(!PageAnalysis::has_anchor(&a.anchors, "nope"));
        assert!(PageAnalysis::has_anchor(
            &a.anchors,
            "/query/webSearch?code=33999902000123"
        ));
        assert!(PageAnalysis::has_anchor(&a.anchors, "!/home"));
    }

    fn web_urls(a: &PageAnalysis) -> Vec<(LinkKind, String)> {
        a.links
            .iter()
            .filter_map(|l| match &l.target {
                LinkTarget::Web(u) => Some((l.kind, u.to_string())),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn links_browsers_load_are_extracted_as_browsers_parse_them() {
        let html = r#"<html><head><meta http-equiv="refresh" content="0;new/index.html"></head><body>
            <img srcset="https://img.x.gov.cn/a.jpg?x-oss-process=image/resize,w_750 2x, /b.jpg 1x">
            <img srcset="data:image/png;base64,iVBORw0KGgo=, /c.png 2x">
            <picture><source srcset="/d.webp 480w, /e.webp (min-width: 800px) 800w"></picture>
            <div style="background-image: url('/bg/1.jpg'); color: red"></div>
            <table background="/bg/t.gif"><tr><td>x</td></tr></table>
            <form action="/search/s.jsp?old=1" method="get"><input type="image" src="/btn/go.gif"></form>
            <form action="/post.do" method="post"><input type="password" name="p"></form>
            </body></html>"#;
        let a = analyse(html, "http://www.x.gov.cn/index.html");
        let urls = web_urls(&a);
        let has = |kind: LinkKind, want: &str| urls.iter().any(|(k, u)| *k == kind && u == want);
        assert!(
            has(LinkKind::Refresh, "http://www.x.gov.cn/new/index.html"),
            "{urls:?}"
        );
        assert!(
            has(
                LinkKind::Image,
                "https://img.x.gov.cn/a.jpg?x-oss-process=image/resize,w_750"
            ),
            "{urls:?}"
        );
        assert!(has(LinkKind::Image, "http://www.x.gov.cn/b.jpg"));
        assert!(
            has(LinkKind::Image, "http://www.x.gov.cn/c.png"),
            "{urls:?}"
        );
        assert!(has(LinkKind::Media, "http://www.x.gov.cn/d.webp"));
        assert!(has(LinkKind::Media, "http://www.x.gov.cn/e.webp"));
        assert!(has(LinkKind::Image, "http://www.x.gov.cn/bg/1.jpg"));
        assert!(has(LinkKind::Image, "http://www.x.gov.cn/bg/t.gif"));
        assert!(has(LinkKind::Image, "http://www.x.gov.cn/btn/go.gif"));
        // A GET form is checked without its query; a POST form is not a link.
        assert!(
            has(LinkKind::Form, "http://www.x.gov.cn/search/s.jsp"),
            "{urls:?}"
        );
        assert!(!urls.iter().any(|(_, u)| u.contains("post.do")));
        // No fragment of a split srcset or data: URI is taken for a URL.
        assert!(
            !urls
                .iter()
                .any(|(_, u)| u.contains("w_750%20") || u.contains("base64") || u.ends_with("/2x")),
            "{urls:?}"
        );
        assert_eq!(
            urls.iter().filter(|(k, _)| *k == LinkKind::Image).count(),
            6,
            "{urls:?}"
        );
    }

    #[test]
    fn srcset_and_refresh_parsing() {
        // As the standard says, a URL runs to white space: this is one URL.
        assert_eq!(srcset_urls("a.jpg,b.jpg 2x"), vec!["a.jpg,b.jpg"]);
        assert_eq!(srcset_urls("a.jpg, b.jpg 2x"), vec!["a.jpg", "b.jpg"]);
        assert_eq!(
            srcset_urls(" /x,y.jpg 1x , /z.jpg"),
            vec!["/x,y.jpg", "/z.jpg"]
        );
        assert_eq!(srcset_urls(""), Vec::<&str>::new());
        assert_eq!(refresh_url("5; url=/a.html"), Some("/a.html"));
        assert_eq!(refresh_url("5;URL='/b.html'"), Some("/b.html"));
        assert_eq!(refresh_url("0;x.html"), Some("x.html"));
        assert_eq!(refresh_url("30"), None);
        assert_eq!(
            css_urls("background:url(a.png) no-repeat, url(\"b.png\")"),
            vec!["a.png", "b.png"]
        );
    }

    #[test]
    fn anchors_match_as_written_then_decoded_and_hashes_are_stable() {
        let a = analyse(
            r#"<html><body><div id="a%3Ab"></div><div id="一"></div></body></html>"#,
            "http://www.x.gov.cn/",
        );
        assert!(PageAnalysis::has_anchor(&a.anchors, "a%3Ab"));
        assert!(PageAnalysis::has_anchor(&a.anchors, "%E4%B8%80"));
        assert!(!PageAnalysis::has_anchor(&a.anchors, "a:b"));
        // FNV-1a test vectors: the hash is persisted, so it must never change.
        assert_eq!(anchor_hash(""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(anchor_hash("a"), 0xaf63_dc4c_8601_ec8c);
    }

    #[test]
    fn a_home_page_that_is_a_login_form_is_marked() {
        let url = Url::parse("http://mail.x.gov.cn/").unwrap();
        let html = r#"<html><head><title>邮件系统登录</title></head><body><form method="post"><input name="u"><input type="password" name="p"><button>登录</button></form></body></html>"#;
        let input = PageInput {
            site: "测试站",
            url: &url,
            body: html.as_bytes(),
            content_type: Some("text/html; charset=utf-8"),
            is_home: true,
            truncated: false,
            today: NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
        };
        assert!(analyse_page(&input, &Profile::national()).login);
        // A portal with a login box among its many links is not a login page.
        let links: String = (0..40)
            .map(|i| format!(r#"<a href="/n{i}.html">新闻{i}</a>"#))
            .collect();
        let portal = html.replace("</form>", &format!("</form>{links}"));
        let input = PageInput {
            body: portal.as_bytes(),
            ..input
        };
        assert!(!analyse_page(&input, &Profile::national()).login);
    }

    #[test]
    fn a_jiucuo_entry_opened_by_onclick_counts() {
        let a = analyse(
            r#"<html><body><div class="footer"><p>主办单位：示范县人民政府办公室</p><a href="javascript:void(0)" onclick="window.open('https://zfwzgl.www.gov.cn/exposure/jiucuo.html?site_code=3301000001&url='+encodeURIComponent(location.href))"><img src="/images/jiucuo.png" alt="政府网站找错"></a></div></body></html>"#,
            "http://www.x.gov.cn/",
        );
        assert_eq!(a.facts.footer.jiucuo, crate::footer::Presence::Yes);
        assert_eq!(a.facts.footer.jiucuo_code.as_deref(), Some("3301000001"));
        assert_eq!(a.facts.footer.jiucuo_legacy_host, None);
    }

    #[test]
    fn the_light_pass_agrees_with_the_full_analysis_on_what_links_need() {
        for (html, url) in [
            (
                r#"<html><head><title>提示信息</title></head><body><p>对不起，您访问的页面不存在！</p></body></html>"#,
                "http://a.gov.cn/x.html",
            ),
            (
                r#"<html><body><h2 id="sec1">一</h2><a name="n2">二</a><div id="一">三</div><p>正文内容很长很长</p></body></html>"#,
                "http://a.gov.cn/y.html",
            ),
        ] {
            let full = analyse(html, url);
            let u = Url::parse(url).unwrap();
            let input = PageInput {
                site: "测试站",
                url: &u,
                body: html.as_bytes(),
                content_type: Some("text/html; charset=utf-8"),
                is_home: false,
                truncated: false,
                today: NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
            };
            let light = link_target_facts(&input, &Profile::national());
            assert_eq!(light.not_found, full.not_found, "{html}");
            assert_eq!(light.anchors, full.anchors, "{html}");
        }
    }

    #[test]
    fn frameset_frames_are_links() {
        let a = analyse(
            r#"<html><frameset><frame src="/top.html"><frame src="main.html"></frameset></html>"#,
            "http://a.gov.cn/",
        );
        let frames: Vec<&str> = a
            .links
            .iter()
            .filter(|l| l.kind == LinkKind::Frame)
            .map(|l| l.raw.as_str())
            .collect();
        assert_eq!(frames, vec!["/top.html", "main.html"]);
    }

    #[test]
    fn percent_encoded_fragment_matches_chinese_id() {
        let a = analyse(r#"<h2 id="第一章">x</h2>"#, "http://a.gov.cn/");
        assert!(PageAnalysis::has_anchor(
            &a.anchors,
            "%E7%AC%AC%E4%B8%80%E7%AB%A0"
        ));
    }

    #[test]
    fn placeholder_and_intranet_findings() {
        let html = r##"<a href="">空</a><a href="#">更多</a><a href="#">返回顶部</a>
            <a href="javascript:void(0)">查看</a><a href="javascript:void(0)" onclick="go()">菜单</a>
            <a href="http://192.168.1.5/oa/">内网办公</a><a href="http://10.0.0.1/x#y">内网</a>
            <a href="http://exa mple.cn/">坏</a>"##;
        let a = analyse(html, "http://www.x.gov.cn/");
        let got: Vec<(&str, &str, &str)> = a
            .findings
            .iter()
            .map(|f| (f.check.as_str(), f.target.as_str(), f.status.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("link.malformed", "", "empty"),
                ("link.malformed", "#", "placeholder"),
                ("link.malformed", "javascript:void(0)", "placeholder"),
                ("link.intranet", "http://192.168.1.5/oa/", "intranet"),
                ("link.intranet", "http://10.0.0.1/x", "intranet"),
                ("link.malformed", "http://exa mple.cn/", "unparseable"),
            ]
        );
        // A site that itself lives on a private address is not flagged.
        let a = analyse(html, "http://192.168.1.5/");
        assert!(a.findings.iter().all(|f| f.check != CheckId::LinkIntranet));
    }

    #[test]
    fn soft404_by_title_and_short_text() {
        let a = analyse("<title>404 页面不存在</title><p>x</p>", "http://a.gov.cn/x");
        assert!(a.not_found.is_some());
        let a = analyse(
            "<title>县政府</title><p>对不起，您访问的页面不存在！</p>",
            "http://a.gov.cn/x",
        );
        assert!(a.not_found.is_some());
        let long = format!(
            "<title>新闻</title><p>{}页面不存在</p>",
            "正文".repeat(2000)
        );
        assert!(analyse(&long, "http://a.gov.cn/x").not_found.is_none());
        assert!(analyse(
            "<title>县政府</title><p>电话 0404-1234</p>",
            "http://a.gov.cn/"
        )
        .not_found
        .is_none());
    }

    #[test]
    fn broken_html_never_panics() {
        for html in [
            "<a href='x",
            "<<<>>>",
            "\0\0<p>\u{0}</p>",
            "<table><tr><td><a href=/a>x</table></a>",
            "",
        ] {
            let _ = analyse(html, "http://a.gov.cn/");
        }
    }
}
