//! The light pass over an outside link target: not-found text and anchors.

use super::*;
use crate::profile::Profile;
use ego_tree::iter::Edge;
use scraper::Node;

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
    let (_, doc) = parse(input);
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
