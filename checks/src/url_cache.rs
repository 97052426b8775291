//! A small per-thread memory of URLs already parsed. A site's pages repeat
//! the same navigation and footer links on every page, and a re-scan reads
//! each page's stored links back: parsing the same URL string again for
//! every page was an eighth of a re-scan's CPU. A parsed URL is cloned
//! instead (one allocation and a copy).

use std::cell::RefCell;
use std::hash::BuildHasher;
use url::Url;

/// Slots per thread. Direct-mapped: a URL has one slot (by its hash) and
/// replaces whatever was there, so a site's template links, asked for on
/// every page, stay while the one-off links of each page pass through,
/// and the memory never grows or has to be cleared.
const SLOTS: usize = 4096;

/// Each slot: the URL string as asked for, and its parse.
type Slots = Vec<Option<(Box<str>, Url)>>;

thread_local! {
    static PARSED: RefCell<Slots> = RefCell::new((0..SLOTS).map(|_| None).collect());
}

fn slot(s: &str) -> usize {
    (foldhash::fast::FixedState::with_seed(0x6f76).hash_one(s) as usize) & (SLOTS - 1)
}

/// `Url::parse(s)`, from this thread's memory when `s` was parsed before.
pub fn parse(s: &str) -> Result<Url, url::ParseError> {
    let i = slot(s);
    let remembered = PARSED.with(|m| match &m.borrow()[i] {
        Some((key, url)) if **key == *s => Some(url.clone()),
        _ => None,
    });
    if let Some(url) = remembered {
        return Ok(url);
    }
    let url = Url::parse(s)?;
    PARSED.with(|m| m.borrow_mut()[i] = Some((s.into(), url.clone())));
    Ok(url)
}

/// Serde `deserialize_with` for a URL read back from the store.
pub fn deserialize<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Url, D::Error> {
    let s = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(d)?;
    parse(&s).map_err(serde::de::Error::custom)
}

#[cfg(test)]
mod tests {
    #[test]
    fn parses_like_url_and_remembers() {
        for s in [
            "http://a.gov.cn/x/../y?q=1#f",
            "http://a.gov.cn/x/../y?q=1#f",
            "https://B.cn",
        ] {
            assert_eq!(super::parse(s).unwrap(), url::Url::parse(s).unwrap());
        }
        assert!(super::parse("not a url").is_err());
    }

    /// Two URLs that share a slot each get their own parse, in any order.
    #[test]
    fn a_shared_slot_never_answers_for_another_url() {
        let first = "http://a.gov.cn/0".to_string();
        let other = (1..)
            .map(|i| format!("http://a.gov.cn/{i}"))
            .find(|s| super::slot(s) == super::slot(&first))
            .unwrap();
        for s in [&first, &other, &first, &first, &other] {
            assert_eq!(super::parse(s).unwrap().as_str(), s.as_str());
        }
    }
}
