//! Reading attribute values as browsers do: `srcset`, `url()` in a style,
//! `<meta http-equiv=refresh>`, the site and column meta tags.

use super::*;
use html5ever::{local_name, namespace_url, ns};
use std::sync::Arc;

/// An attribute's value, by its name's atom: `Element::attr` builds the
/// atom from a string at each call (a hash of the static atom table) and
/// binary-searches; a page asks about a hundred times, and most elements
/// carry a few attributes, so comparing atoms in turn is cheaper.
pub(crate) fn attr<'a>(
    el: &'a scraper::node::Element,
    name: &html5ever::LocalName,
) -> Option<&'a str> {
    el.attrs
        .iter()
        .find(|(q, _)| q.local == *name && q.ns == ns!())
        .map(|(_, v)| &**v)
}

pub(crate) fn read_meta(
    el: &scraper::node::Element,
    meta: &mut PageMeta,
    refresh: &mut dyn FnMut(&str),
) {
    if let Some(equiv) = attr(el, &local_name!("http-equiv")) {
        if equiv.eq_ignore_ascii_case("refresh") {
            if let Some(content) = attr(el, &local_name!("content")) {
                if let Some(url) = refresh_url(content) {
                    refresh(url);
                }
            }
        }
        return;
    }
    let (Some(name), Some(content)) = (
        attr(el, &local_name!("name")),
        attr(el, &local_name!("content")),
    ) else {
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
            meta.article_title.get_or_insert_with(|| value.into());
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
pub(crate) fn more_label(label: &str) -> &str {
    label.trim_matches(|c: char| c.is_whitespace() || matches!(c, '》' | '>' | '+' | '»'))
}

/// The URL in a `<meta http-equiv=refresh content="5; url=…">`, or in
/// `content="0;x.html"` (no `url=`, which browsers follow too).
pub(crate) fn refresh_url(content: &str) -> Option<&str> {
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
pub(crate) fn srcset_urls(set: &str) -> Vec<&str> {
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
pub(crate) fn css_urls(style: &str) -> Vec<&str> {
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

#[cfg(test)]
mod tests {
    use super::attr;
    use html5ever::LocalName;
    use scraper::{Html, Node};

    /// The atom look-up answers as `Element::attr` does, on every element
    /// and name: names lowered by the parser, a repeated attribute (the
    /// first wins), an empty value, and SVG's `xlink:href`, which is in
    /// another namespace and is not `href`.
    #[test]
    fn attr_by_atom_answers_as_element_attr() {
        let html = Html::parse_document(
            r##"<html><body>
            <A HREF="/a" Title="T" class="x y">a</A>
            <img src="1.png" src="2.png" alt="">
            <meta http-equiv="refresh" content="0;url=/b">
            <div sitecode="4100000001" data-x="1" onclick="go()"></div>
            <svg><a xlink:href="#s"><text>s</text></a></svg>
            <form method="POST" action=""><input type="text" name="q"></form>
            </body></html>"##,
        );
        let names = [
            "href",
            "title",
            "class",
            "src",
            "alt",
            "http-equiv",
            "content",
            "sitecode",
            "data-x",
            "onclick",
            "method",
            "action",
            "type",
            "name",
            "id",
        ];
        let mut asked = 0;
        for node in html.tree.nodes() {
            if let Node::Element(el) = node.value() {
                for n in names {
                    assert_eq!(
                        attr(el, &LocalName::from(n)),
                        el.attr(n),
                        "{n} on <{}>",
                        el.name()
                    );
                    asked += 1;
                }
            }
        }
        assert!(asked > 100);
        let img = html
            .tree
            .nodes()
            .find_map(|n| n.value().as_element().filter(|e| e.name() == "img"))
            .expect("the img element");
        assert_eq!(attr(img, &LocalName::from("src")), Some("1.png"));
        assert_eq!(attr(img, &LocalName::from("alt")), Some(""));
    }
}
