//! The one walk over a parsed page that collects its links, anchors,
//! text, list items, scripts and meta tags (`finish` turns them into facts).

use super::*;
use crate::columns::RawItem;
use crate::footer::ScriptTag;
use crate::links::{classify_href, Link, LinkKind, LinkTarget};
use crate::profile::Profile;
use ego_tree::iter::Edge;
use html5ever::local_name;
use scraper::Node;
use url::Url;

pub(crate) struct OpenAnchor {
    raw: String,
    script_driven: bool,
    text: String,
    fallback: String,
}

/// Analyses one HTML page.
pub fn analyse_page(input: &PageInput<'_>, profile: &Profile) -> PageAnalysis {
    let (decoded, doc) = parse(input);

    let mut base = input.url.clone();
    let mut base_seen = false;
    let mut facts = PageFacts {
        charset: decoded.charset.into(),
        ..PageFacts::default()
    };
    // Sized from the page: grown from empty, the two were copied about a
    // dozen times a page (callgrind). A link for every 100 bytes of the
    // realistic county's HTML, one for every 400 of real pages' (scripts,
    // styles); visible text a third to an eighth of the bytes.
    let mut links: Vec<Link> = Vec::with_capacity((decoded.text.len() / 128).min(1024));
    let mut anchors: Vec<u64> = Vec::new();
    let mut text = String::with_capacity((decoded.text.len() / 4).min(1 << 20));
    let mut title = String::new();
    let mut in_title = 0usize;
    let mut hidden = 0usize;
    let mut open_anchors: Vec<OpenAnchor> = Vec::new();
    let rules = &profile.links;
    let mut scripts: Vec<ScriptTag> = Vec::new();
    let mut script_text = String::new();
    // Where each <script> block starts in `script_text` (挂马 is judged per block).
    let mut script_starts: Vec<usize> = Vec::new();
    let mut hidden_frames: Vec<crate::security::HiddenFrame> = Vec::new();
    let mut in_script = 0usize;
    let mut markers: Vec<String> = Vec::new();
    let mut items: Vec<RawItem> = Vec::new();
    let mut open_items: Vec<(RawItem, bool)> = Vec::new();
    let mut h1 = String::new();
    let mut in_h1 = 0usize;
    let mut password_field = false;
    // 暗链: the page's own hiding rules, and the hidden block we are in.
    let mut hiding = super::hidden::HidingRules::default();
    let mut css = String::new();
    let mut in_style = 0usize;
    let mut hidden_starts: Vec<bool> = Vec::new();
    let mut hidden_block: Option<super::hidden::HiddenBlock> = None;
    let mut hidden_blocks: Vec<super::hidden::HiddenBlock> = Vec::new();
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
                    // The attributes any element may carry, in one pass.
                    let [id_attr, onclick_attr, style_attr, background_attr, class_attr] =
                        attr_values(
                            el,
                            [
                                local_name!("id"),
                                local_name!("onclick"),
                                local_name!("style"),
                                local_name!("background"),
                                local_name!("class"),
                            ],
                        );
                    let hides = style_attr.is_some_and(super::hidden::declarations_hide)
                        || (name == "marquee"
                            && ["height", "width"].iter().any(|a| {
                                el.attr(a).is_some_and(|v| {
                                    matches!(v.trim().trim_end_matches("px"), "0" | "1")
                                })
                            }))
                        || hiding.hides(name, id_attr, class_attr);
                    let starts = hides && hidden_block.is_none();
                    if starts {
                        hidden_block = Some(super::hidden::HiddenBlock {
                            id: id_attr.map(str::to_string),
                            classes: class_attr
                                .map(|c| c.split_whitespace().map(str::to_string).collect())
                                .unwrap_or_default(),
                            ..Default::default()
                        });
                    }
                    hidden_starts.push(starts);
                    if name == "style" {
                        in_style += 1;
                    }
                    // Only the home page must offer the entry: other pages
                    // skip this (a lowered copy of every id was a measurable
                    // share of the analysis).
                    if input.is_home
                        && !facts.accessibility_entry
                        && (id_attr.or(if name == "script" {
                            attr(el, &local_name!("src"))
                        } else {
                            None
                        }))
                        .is_some_and(|v| {
                            let v = v.to_ascii_lowercase();
                            profile
                                .accessibility_entry_markers
                                .iter()
                                .any(|m| v.contains(m.as_str()))
                        })
                    {
                        facts.accessibility_entry = true;
                    }
                    if let Some(id) = id_attr {
                        anchors.push(anchor_hash(id));
                        let footer = &profile.footer;
                        if markers.len() < 64
                            && footer
                                .conac_element_ids
                                .iter()
                                .chain(&footer.jiucuo_element_ids)
                                .any(|w| w == id)
                        {
                            markers.push(format!("id:{id}"));
                        }
                    }
                    if let Some(onclick) = onclick_attr {
                        if markers.len() < 64
                            && profile
                                .footer
                                .widget_onclick_markers
                                .iter()
                                .any(|m| onclick.contains(m.as_str()))
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
                            if script_starts.len() < 512 {
                                script_starts.push(script_text.len());
                            }
                            scripts.push(ScriptTag {
                                src: attr(el, &local_name!("src")).map(str::to_string),
                                id: attr(el, &local_name!("id")).map(str::to_string),
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
                        attr(el, &local_name!("alt"))
                            .or(attr(el, &local_name!("title")))
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
                            let kind = attr(el, &local_name!("type")).unwrap_or("").trim();
                            if kind.eq_ignore_ascii_case("password") {
                                password_field = true;
                            } else if kind.eq_ignore_ascii_case("image") {
                                if let Some(src) = attr(el, &local_name!("src")) {
                                    add(&mut links, &base, LinkKind::Image, src, alt());
                                }
                            }
                        }
                        "form" => {
                            let get = attr(el, &local_name!("method")).is_none_or(|m| {
                                m.trim().is_empty() || m.trim().eq_ignore_ascii_case("get")
                            });
                            if let Some(action) = attr(el, &local_name!("action"))
                                .filter(|a| get && !a.trim().is_empty())
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
                            if let Some(href) = attr(el, &local_name!("href")) {
                                if let Ok(b) = input.url.join(href.trim()) {
                                    base = b;
                                }
                                base_seen = true;
                            }
                        }
                        "a" => {
                            // Links are most of a page's elements.
                            let [name_attr, href_attr, role_attr, title_attr] = attr_values(
                                el,
                                [
                                    local_name!("name"),
                                    local_name!("href"),
                                    local_name!("role"),
                                    local_name!("title"),
                                ],
                            );
                            if let Some(n) = name_attr {
                                anchors.push(anchor_hash(n));
                            }
                            if let (Some(_), Some((item, _))) = (href_attr, open_items.last_mut()) {
                                // Its link is taken when the anchor closes.
                                item.has_link = true;
                            }
                            if let Some(href) = href_attr {
                                let script_driven =
                                    has_any_attr(el, &rules.script_handler_attributes)
                                        || matches!(role_attr, Some("button" | "tab"));
                                open_anchors.push(OpenAnchor {
                                    raw: href.to_string(),
                                    script_driven,
                                    text: String::new(),
                                    fallback: title_attr.unwrap_or("").trim().to_string(),
                                });
                            }
                        }
                        "area" => {
                            if let Some(href) = attr(el, &local_name!("href")) {
                                let script_driven =
                                    has_any_attr(el, &rules.script_handler_attributes);
                                let target = classify_href(href, &base, true, script_driven, false);
                                links.push(Link {
                                    kind: LinkKind::Anchor,
                                    raw: href.to_string(),
                                    target,
                                    text: truncate_owned(alt(), LINK_TEXT_MAX),
                                });
                            }
                        }
                        "link" => {
                            let rel = attr(el, &local_name!("rel"))
                                .unwrap_or("")
                                .to_ascii_lowercase();
                            if !rel.contains("dns-prefetch") && !rel.contains("preconnect") {
                                if let Some(href) = attr(el, &local_name!("href")) {
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
                            if let Some(src) = attr(el, &local_name!("src")) {
                                add(&mut links, &base, LinkKind::Image, src, a.clone());
                            }
                            if let Some(set) = attr(el, &local_name!("srcset")) {
                                for src in srcset_urls(set) {
                                    add(&mut links, &base, LinkKind::Image, src, a.clone());
                                }
                            }
                        }
                        "script" => {
                            if let Some(src) = attr(el, &local_name!("src")) {
                                add(&mut links, &base, LinkKind::Script, src, String::new());
                            }
                        }
                        "iframe" | "frame" => {
                            if let Some(src) = attr(el, &local_name!("src")) {
                                add(&mut links, &base, LinkKind::Frame, src, alt());
                                let tiny = |a: &str| {
                                    el.attr(a).is_some_and(|v| {
                                        matches!(v.trim().trim_end_matches("px"), "0" | "1")
                                    })
                                };
                                if (hides
                                    || hidden_block.is_some()
                                    || (tiny("width") && tiny("height")))
                                    && hidden_frames.len() < 32
                                {
                                    if let LinkTarget::Web(src) =
                                        classify_href(src, &base, false, false, false)
                                    {
                                        hidden_frames.push(crate::security::HiddenFrame { src });
                                    }
                                }
                            }
                        }
                        "embed" | "source" | "video" | "audio" | "track" => {
                            if let Some(src) = attr(el, &local_name!("src")) {
                                add(&mut links, &base, LinkKind::Media, src, String::new());
                            }
                            if let Some(set) = attr(el, &local_name!("srcset")) {
                                for src in srcset_urls(set) {
                                    add(&mut links, &base, LinkKind::Media, src, String::new());
                                }
                            }
                            if let Some(poster) = attr(el, &local_name!("poster")) {
                                add(&mut links, &base, LinkKind::Image, poster, String::new());
                            }
                        }
                        "object" => {
                            if let Some(data) = attr(el, &local_name!("data")) {
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
                    if in_style > 0 && css.len() < 256 * 1024 {
                        css.push_str(t);
                    }
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
                    if hidden_starts.pop() == Some(true) {
                        if let Some(block) = hidden_block.take() {
                            if hidden_blocks.len() < 64 {
                                hidden_blocks.push(block);
                            }
                        }
                    }
                    if name == "style" {
                        in_style = in_style.saturating_sub(1);
                        hiding.add_style_sheet(&css);
                        css.clear();
                    }
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
                        // Closed as it was opened: an href in any namespace.
                        "a" if attr_values(el, [local_name!("href")])[0].is_some() => {
                            if let Some(open) = open_anchors.pop() {
                                let mut label = open.text.trim().to_string();
                                if label.is_empty() {
                                    label = open.fallback;
                                }
                                let top = rules.top_link_texts.contains(&label);
                                if input.is_home
                                    && !facts.accessibility_entry
                                    && profile
                                        .accessibility_entry_words
                                        .iter()
                                        .any(|w| label.contains(w.as_str()))
                                {
                                    facts.accessibility_entry = true;
                                }
                                let target =
                                    classify_href(&open.raw, &base, true, open.script_driven, top);
                                // A list item's link: its first anchor with a web
                                // target. The flags change only what a non-web
                                // href is, so this is the target the item would
                                // get classified on its own (once a page's list
                                // items' anchors were classified twice).
                                if let (LinkTarget::Web(u), Some((item, _))) =
                                    (&target, open_items.last_mut())
                                {
                                    if item.link.is_none() {
                                        let mut bare = u.clone();
                                        bare.set_fragment(None);
                                        item.link = Some(String::from(bare));
                                    }
                                }
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
                                if let (Some(block), LinkTarget::Web(u)) =
                                    (hidden_block.as_mut(), &target)
                                {
                                    if block.links.len() < 200 {
                                        let mut bare = u.clone();
                                        bare.set_fragment(None);
                                        block.links.push((
                                            u.host_str().unwrap_or_default().to_ascii_lowercase(),
                                            label.clone(),
                                            bare.to_string(),
                                        ));
                                    }
                                }
                                links.push(Link {
                                    kind: LinkKind::Anchor,
                                    raw: open.raw,
                                    target,
                                    text: truncate_owned(label, LINK_TEXT_MAX),
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
    super::finish::finish(
        super::finish::Walked {
            decoded,
            doc,
            base,
            facts,
            links,
            anchors,
            text,
            title,
            scripts,
            script_text,
            script_starts,
            hidden_frames,
            markers,
            items,
            h1,
            password_field,
            hidden_blocks,
            more_targets,
        },
        input,
        profile,
    )
}

/// The values of `names` among the element's attributes, in one pass:
/// `Element::attr` looks each name up in the global atom table first, which
/// on every link of every page was a measurable share of the analysis.
/// The names are atoms, compared as integers.
fn attr_values<const N: usize>(
    el: &scraper::node::Element,
    names: [html5ever::LocalName; N],
) -> [Option<&str>; N] {
    let mut values = [None; N];
    // By local name in any namespace, as `Element::attrs` gives them: an
    // SVG `<a xlink:href>` is a link a reader can follow.
    for (name, value) in &el.attrs {
        if let Some(i) = names.iter().position(|n| *n == name.local) {
            values[i] = Some(&**value);
        }
    }
    values
}

/// Whether an element has any of these attributes. One pass over its own
/// attributes: `Element::attr` interns the name it is given on every call,
/// which made this check a tenth of the analysis on link-heavy pages.
fn has_any_attr(el: &scraper::node::Element, names: &[String]) -> bool {
    el.attrs().any(|(name, _)| names.iter().any(|n| n == name))
}
