//! A page's web links in the form the history store keeps and a re-scan
//! reads back: every target and text in one string, and a fixed-size row
//! per link (kind, two flags, two lengths). Reading a page's links back as
//! [`Link`]s cost a re-scan a fifth of its CPU (a URL rebuilt and a text
//! allocated for each of a page's hundred links); read as a table, a page's
//! links are two allocations, and a link whose target the crawl has seen
//! before is followed without building a URL at all (the row says whether
//! the target is already in its normal form, so it names its own key).

use super::{is_private_host, Link, LinkKind, LinkTarget};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use url::Url;

/// Bytes per row: kind, flags, target length (u32 LE), text length (u32 LE).
const ROW: usize = 10;
/// The target (fragment removed) is its own normal form ([`crate::urlnorm::normalise`]).
const NORMAL: u8 = 1;
/// The target's host is a private or loopback address.
const PRIVATE: u8 = 2;

/// A page's web links as the history store keeps them (see the module doc).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LinkTable {
    /// Each link's target (fragment kept) followed by its text.
    #[serde(with = "text_as_bytes")]
    strings: String,
    /// One [`ROW`]-byte row per link, in document order.
    #[serde(with = "serde_bytes")]
    rows: Vec<u8>,
}

/// [`LinkTable`]'s strings stored as MessagePack bin and checked with SIMD
/// when read back. Stored as a str, they were checked by the standard
/// library's validator, which takes Chinese link texts a character at a
/// time: 6% of a re-scan's instructions (callgrind, realistic 2,000).
/// Tables that earlier versions stored as a str still read.
mod text_as_bytes {
    use serde::de::{Error, Visitor};
    use serde::{Deserializer, Serializer};

    pub(super) fn serialize<S: Serializer>(text: &str, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(text.as_bytes())
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
        d.deserialize_byte_buf(Text)
    }

    struct Text;

    impl Visitor<'_> for Text {
        type Value = String;

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("UTF-8 text as bytes or a string")
        }

        fn visit_bytes<E: Error>(self, bytes: &[u8]) -> Result<String, E> {
            simdutf8::basic::from_utf8(bytes)
                .map(str::to_owned)
                .map_err(|_| E::custom("a link table's text is not UTF-8"))
        }

        fn visit_str<E: Error>(self, text: &str) -> Result<String, E> {
            Ok(text.to_owned())
        }

        fn visit_string<E: Error>(self, text: String) -> Result<String, E> {
            Ok(text)
        }
    }
}

impl LinkTable {
    /// The table of `links`' web links (others are not kept: nothing later
    /// follows a `mailto:` or a malformed href).
    pub fn of(links: &[Link]) -> LinkTable {
        // Sized once, exactly: grown a link at a time, the two buffers were
        // reallocated some twenty times a page.
        let (mut bytes, mut count) = (0, 0);
        for link in links {
            if let LinkTarget::Web(url) = &link.target {
                bytes += url.as_str().len() + link.text.len();
                count += 1;
            }
        }
        let mut table = LinkTable {
            strings: String::with_capacity(bytes),
            rows: Vec::with_capacity(count * ROW),
        };
        for link in links {
            let LinkTarget::Web(url) = &link.target else {
                continue;
            };
            // A link too long for a row is not kept: no web server takes a
            // 4 GB URL, and the page's own analysis has judged it already.
            let (Ok(target_len), Ok(text_len)) = (
                u32::try_from(url.as_str().len()),
                u32::try_from(link.text.len()),
            ) else {
                continue;
            };
            let mut flags = 0;
            if crate::urlnorm::is_normal(url) {
                flags |= NORMAL;
            }
            if url.host().is_some_and(|h| is_private_host(&h)) {
                flags |= PRIVATE;
            }
            table.strings.push_str(url.as_str());
            table.strings.push_str(&link.text);
            table.rows.push(link.kind.code());
            table.rows.push(flags);
            table.rows.extend_from_slice(&target_len.to_le_bytes());
            table.rows.extend_from_slice(&text_len.to_le_bytes());
        }
        table
    }

    /// Adds `other`'s links after this table's.
    pub fn append(&mut self, other: LinkTable) {
        if self.is_empty() {
            *self = other;
            return;
        }
        self.strings.push_str(&other.strings);
        self.rows.extend_from_slice(&other.rows);
    }

    /// Number of links.
    pub fn len(&self) -> usize {
        self.rows.len() / ROW
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.rows.len() < ROW
    }

    /// The links, in document order. A damaged table (lengths past the
    /// strings, an unknown kind) ends early rather than panics.
    pub fn iter(&self) -> impl Iterator<Item = LinkView<'_>> + '_ {
        let mut at = 0usize;
        self.rows.chunks_exact(ROW).map_while(move |row| {
            let kind = LinkKind::from_code(row[0])?;
            let flags = row[1];
            let target_len = u32::from_le_bytes(row[2..6].try_into().ok()?) as usize;
            let text_len = u32::from_le_bytes(row[6..10].try_into().ok()?) as usize;
            let target = self.strings.get(at..at.checked_add(target_len)?)?;
            at += target_len;
            let text = self.strings.get(at..at.checked_add(text_len)?)?;
            at += text_len;
            Some(LinkView::new(
                kind,
                target,
                text,
                None,
                flags & NORMAL != 0,
                flags & PRIVATE != 0,
            ))
        })
    }

    /// The links as [`Link`]s (each URL parsed), for the checks that read a
    /// page's links one by one. A target that no longer parses is left out.
    pub fn to_links(&self) -> Vec<Link> {
        self.iter()
            .filter_map(|v| {
                Some(Link {
                    kind: v.kind,
                    raw: String::new(),
                    target: LinkTarget::Web(v.url()?.into_owned()),
                    text: v.text.to_string(),
                })
            })
            .collect()
    }
}

/// One web link of a page, from a fresh analysis ([`Link`]) or from the
/// store ([`LinkTable`]).
#[derive(Debug, Clone, Copy)]
pub struct LinkView<'a> {
    /// Element and attribute.
    pub kind: LinkKind,
    /// The link as resolved against the page (fragment kept).
    pub target: &'a str,
    /// Its text.
    pub text: &'a str,
    url: Option<&'a Url>,
    /// The target up to its fragment, and the fragment (found once: both
    /// are asked for every link).
    whole: &'a str,
    fragment: Option<&'a str>,
    normal: bool,
    private: bool,
}

impl<'a> LinkView<'a> {
    fn new(
        kind: LinkKind,
        target: &'a str,
        text: &'a str,
        url: Option<&'a Url>,
        normal: bool,
        private: bool,
    ) -> LinkView<'a> {
        // The first `#` starts the fragment of a serialised URL. memchr,
        // not `split_once`: asked for every link of every page, the
        // standard library's char search was 5% of a re-scan (callgrind).
        let (whole, fragment) = match memchr::memchr(b'#', target.as_bytes()) {
            Some(at) => (
                &target[..at],
                Some(&target[at + 1..]).filter(|f| !f.is_empty()),
            ),
            None => (target, None),
        };
        LinkView {
            kind,
            target,
            text,
            url,
            whole,
            fragment,
            normal,
            private,
        }
    }

    /// The view of a fresh analysis' web link; `None` for other links.
    pub fn of(link: &'a Link) -> Option<LinkView<'a>> {
        let LinkTarget::Web(url) = &link.target else {
            return None;
        };
        Some(LinkView::new(
            link.kind,
            url.as_str(),
            &link.text,
            Some(url),
            false,
            url.host().is_some_and(|h| is_private_host(&h)),
        ))
    }

    /// The crawl's key for the target when the store found it already in
    /// its normal form (the target without its fragment); `None` when it
    /// must be normalised (or was not read from the store).
    pub fn key(&self) -> Option<&'a str> {
        self.normal.then_some(self.whole)
    }

    /// The fragment, if any and not empty.
    pub fn fragment(&self) -> Option<&'a str> {
        self.fragment
    }

    /// The target's host, as [`Url::host_str`] gives it (IPv6 in brackets),
    /// read from the string without building the URL.
    pub fn host(&self) -> Option<&'a str> {
        if let Some(u) = self.url {
            return u.host_str();
        }
        let (_, rest) = self.target.split_once("://")?;
        let authority = rest.split(['/', '?', '#']).next()?;
        let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
        let host = if host.starts_with('[') {
            host.split_inclusive(']').next()?
        } else {
            host.split(':').next()?
        };
        Some(host).filter(|h| !h.is_empty())
    }

    /// Whether the target's host is a private or loopback address.
    pub fn is_private(&self) -> bool {
        self.private
    }

    /// The target as a URL: borrowed from a fresh analysis, parsed (through
    /// the per-thread [`crate::url_cache`]) from the store's string.
    pub fn url(&self) -> Option<Cow<'a, Url>> {
        match self.url {
            Some(u) => Some(Cow::Borrowed(u)),
            None => crate::url_cache::parse(self.target).ok().map(Cow::Owned),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::links::Malformed;

    fn link(kind: LinkKind, target: &str, text: &str) -> Link {
        Link {
            kind,
            raw: target.to_string(),
            target: LinkTarget::Web(Url::parse(target).unwrap()),
            text: text.to_string(),
        }
    }

    #[test]
    fn keeps_web_links_with_their_keys_and_reads_them_back() {
        let links = vec![
            link(LinkKind::Anchor, "http://x.gov.cn/a.html#top", "一"),
            Link {
                kind: LinkKind::Anchor,
                raw: "mailto:a@x.cn".into(),
                target: LinkTarget::NotWeb,
                text: "信".into(),
            },
            link(
                LinkKind::Image,
                "http://x.gov.cn/p.jsp?jsessionid=1&id=2",
                "",
            ),
            link(LinkKind::Frame, "http://192.168.1.2/x", "内网"),
            Link {
                kind: LinkKind::Anchor,
                raw: "#".into(),
                target: LinkTarget::Malformed(Malformed::HashOnly),
                text: "空".into(),
            },
        ];
        let table = LinkTable::of(&links);
        assert_eq!(table.len(), 3);
        let back =
            crate::stored_form::decode::<LinkTable>(&crate::stored_form::encode(&table).unwrap())
                .unwrap();
        assert_eq!(back, table);
        let views: Vec<LinkView<'_>> = back.iter().collect();
        assert_eq!(views[0].kind, LinkKind::Anchor);
        assert_eq!(views[0].target, "http://x.gov.cn/a.html#top");
        assert_eq!(views[0].text, "一");
        assert_eq!(views[0].key(), Some("http://x.gov.cn/a.html"));
        assert_eq!(views[0].fragment(), Some("top"));
        // A session parameter: the crawl must normalise it, the row says so.
        assert_eq!(views[1].key(), None);
        assert_eq!(views[1].text, "");
        assert!(!views[1].is_private());
        assert!(views[2].is_private());
        assert_eq!(views[2].key(), Some("http://192.168.1.2/x"));
        let mut twice = back.clone();
        twice.append(back.clone());
        assert_eq!(twice.iter().count(), 6);
        assert_eq!(twice.iter().nth(4).unwrap().text, "");
        let again = back.to_links();
        assert_eq!(again.len(), 3);
        assert_eq!(again[1].target, links[2].target);
        assert_eq!(again[2].text, "内网");
    }

    #[test]
    fn a_damaged_table_ends_early_without_panicking() {
        let table = LinkTable::of(&[
            link(LinkKind::Anchor, "http://x.gov.cn/a", "a"),
            link(LinkKind::Anchor, "http://x.gov.cn/b", "b"),
        ]);
        let mut short = table.clone();
        short.strings.truncate(20);
        assert_eq!(short.iter().count(), 1);
        let mut unknown = table.clone();
        unknown.rows[ROW] = 200;
        assert_eq!(unknown.iter().count(), 1);
        let mut ragged = table;
        ragged.rows.pop();
        assert_eq!(ragged.iter().count(), 1);
    }

    #[test]
    fn the_host_read_from_the_string_is_the_urls() {
        for target in [
            "http://x.gov.cn/a",
            "https://u:p@WWW.X.gov.cn:8443/a?b#c",
            "http://[::1]:8080/",
            "http://[2001:db8::1]/x",
            "http://10.0.0.1",
            "http://x.gov.cn?q=1",
            "http://x.gov.cn#f",
            "http://xn--fiqs8s.cn/",
        ] {
            let table = LinkTable::of(&[link(LinkKind::Anchor, target, "")]);
            let view = table.iter().next().unwrap();
            assert_eq!(
                view.host(),
                Url::parse(target).unwrap().host_str(),
                "{target}"
            );
        }
    }

    /// A table stored by an earlier version (its text a MessagePack str)
    /// reads back the same; text that is not UTF-8 is no table, never a
    /// panic.
    #[test]
    fn tables_stored_with_text_as_a_string_still_read_and_bad_text_does_not() {
        #[derive(Serialize)]
        struct Earlier<'a> {
            strings: &'a str,
            #[serde(with = "serde_bytes")]
            rows: &'a [u8],
        }
        let table = LinkTable::of(&[
            link(LinkKind::Anchor, "http://x.gov.cn/政务公开/", "政务公开"),
            link(LinkKind::Image, "http://x.gov.cn/a.png", ""),
        ]);
        let decode = |bytes: &[u8]| crate::stored_form::decode::<LinkTable>(bytes);
        let now = crate::stored_form::encode(&table).unwrap();
        assert_eq!(decode(&now).as_ref(), Some(&table));
        let earlier = crate::stored_form::encode(&Earlier {
            strings: &table.strings,
            rows: &table.rows,
        })
        .unwrap();
        assert_ne!(earlier, now, "the text is stored as bytes now");
        assert_eq!(decode(&earlier).as_ref(), Some(&table));
        #[derive(Serialize)]
        struct Damaged<'a> {
            #[serde(with = "serde_bytes")]
            strings: &'a [u8],
            #[serde(with = "serde_bytes")]
            rows: &'a [u8],
        }
        let mut text = table.strings.clone().into_bytes();
        let at = text.len() - 2;
        text[at] = 0xff;
        let damaged = crate::stored_form::encode(&Damaged {
            strings: &text,
            rows: &table.rows,
        })
        .unwrap();
        assert_eq!(decode(&damaged), None);
    }

    #[test]
    fn every_kind_has_its_own_code() {
        for (i, kind) in LinkKind::ALL.into_iter().enumerate() {
            assert_eq!(usize::from(kind.code()), i);
            assert_eq!(LinkKind::from_code(kind.code()), Some(kind));
        }
        assert_eq!(LinkKind::from_code(8), None);
    }

    /// The target splits at its first `#`, as `split_once` does: a
    /// fragment may hold another `#`, an empty one is none.
    #[test]
    fn a_target_splits_at_its_first_hash() {
        for target in [
            "http://x.gov.cn/a.html",
            "http://x.gov.cn/a.html#top",
            "http://x.gov.cn/a.html#",
            "http://x.gov.cn/a#b#c",
            "http://x.gov.cn/%E6%94%BF%E5%8A%A1?q=公开#第一节",
            "#",
            "",
        ] {
            let v = LinkView::new(LinkKind::Anchor, target, "", None, true, false);
            let (whole, fragment) = target.split_once('#').unwrap_or((target, ""));
            assert_eq!(v.key(), Some(whole), "{target}");
            assert_eq!(
                v.fragment(),
                Some(fragment).filter(|f| !f.is_empty()),
                "{target}"
            );
        }
    }

    #[test]
    fn a_fresh_link_views_its_own_url() {
        let l = link(LinkKind::Anchor, "http://x.gov.cn/a#", "a");
        let v = LinkView::of(&l).unwrap();
        assert_eq!(v.key(), None, "a fresh link is normalised by the crawl");
        assert_eq!(v.fragment(), None);
        assert!(matches!(v.url(), Some(Cow::Borrowed(_))));
    }
}
