//! A small per-thread memory of URLs already parsed. A site's pages repeat
//! the same navigation and footer links on every page, and a re-scan reads
//! each page's stored links back: parsing the same URL string again for
//! every page was an eighth of a re-scan's CPU. A parsed URL is cloned
//! instead (one allocation and a copy).

use foldhash::{HashMap, HashMapExt};
use std::cell::RefCell;
use url::Url;

/// URLs remembered per thread; the memory is cleared when full, so it holds
/// a site's template links without growing with the site.
const CAPACITY: usize = 4096;

thread_local! {
    static PARSED: RefCell<HashMap<Box<str>, Url>> = RefCell::new(HashMap::new());
}

/// `Url::parse(s)`, from this thread's memory when `s` was parsed before.
pub fn parse(s: &str) -> Result<Url, url::ParseError> {
    if let Some(url) = PARSED.with(|m| m.borrow().get(s).cloned()) {
        return Ok(url);
    }
    let url = Url::parse(s)?;
    PARSED.with(|m| {
        let mut m = m.borrow_mut();
        if m.len() >= CAPACITY {
            m.clear();
        }
        m.insert(s.into(), url.clone());
    });
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
}
