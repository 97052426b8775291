//! URL normalisation: two hrefs that name the same resource map to one key,
//! or the same target would be requested twice; two different resources
//! never share one. Used by the crawler for fetch keys and by the checks
//! for the links they keep.

use url::Url;

/// A 128-bit hash of a URL, for the crawler's in-memory sets only (never
/// persisted): 128 bits, so that a collision (a page skipped, a look-up
/// saved wrongly) is out of reach for any site. XXH3's 128-bit hash, one
/// pass over the URL; it was two seeded 64-bit foldhash passes, which cost
/// twice as much (a re-scan asks it once per link of every page:
/// callgrind, 2.9% of its instructions).
pub fn url_hash(url: &str) -> u128 {
    xxhash_rust::xxh3::xxh3_128(url.as_bytes())
}

/// Query parameters that carry a session id: the same page under another name.
const SESSION_PARAMS: &[&str] = &[
    "jsessionid",
    "phpsessid",
    "sid",
    "sessionid",
    "session_id",
    "aspsessionid",
    "cfid",
    "cftoken",
    "sessid",
    "zfsid",
];

fn is_session_param(key: &str) -> bool {
    SESSION_PARAMS.iter().any(|p| key.eq_ignore_ascii_case(p))
        || key
            .get(..12)
            .is_some_and(|head| head.eq_ignore_ascii_case("aspsessionid"))
}

/// Normalises percent escapes: upper-case hex, and decodes unreserved characters.
fn normalise_escapes(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            let hex = |c: u8| (c as char).to_digit(16);
            if let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2])) {
                let v = (h * 16 + l) as u8;
                // A decoded hex digit right after a stray `%` (`%%30a`)
                // would make a new escape (`%0a`): another resource, and
                // not a fixed point. It stays escaped.
                let out_bytes = out.as_bytes();
                let after_stray = out_bytes.last() == Some(&b'%')
                    || (out_bytes.len() >= 2
                        && out_bytes[out_bytes.len() - 2] == b'%'
                        && out_bytes[out_bytes.len() - 1].is_ascii_hexdigit());
                let joins_stray = v.is_ascii_hexdigit() && after_stray;
                if (v.is_ascii_alphanumeric() || b"-._~".contains(&v)) && !joins_stray {
                    out.push(v as char);
                } else {
                    out.push('%');
                    out.push((b[i + 1] as char).to_ascii_uppercase());
                    out.push((b[i + 2] as char).to_ascii_uppercase());
                }
                i += 3;
                continue;
            }
        }
        out.push(b[i] as char);
        i += 1;
    }
    out
}

/// The canonical form used as a fetch key: no fragment, no session ids,
/// normalised escapes, `/` for an empty path. Default ports and dot segments
/// are already handled by the `url` parser.
pub fn normalise(url: &Url) -> Url {
    let mut u = url.clone();
    u.set_fragment(None);
    // Most URLs need nothing more: rewriting the path or query re-serialises
    // the whole URL, which a crawl does for every link it sees.
    let path = u.path();
    if path.contains(['%', ';']) {
        // `;jsessionid=…` path parameters.
        let lower = path.to_ascii_lowercase();
        let path = match lower.find(";jsessionid=") {
            Some(pos) => &path[..pos],
            None => path,
        };
        let path = normalise_escapes(path);
        u.set_path(&path);
    }
    if let Some(q) = u.query() {
        if q.is_empty() {
            u.set_query(None);
        } else {
            let mut dropped = false;
            let kept: Vec<&str> = q
                .split('&')
                .filter(|kv| {
                    let key = kv.split('=').next().unwrap_or("");
                    let keep = !kv.is_empty() && !is_session_param(key);
                    dropped |= !keep;
                    keep
                })
                .collect();
            if kept.is_empty() {
                u.set_query(None);
            } else if dropped || q.contains('%') {
                let joined = normalise_escapes(&kept.join("&"));
                u.set_query(Some(&joined));
            }
        }
    }
    u
}

/// Whether [`normalise`] leaves `url` as it is but for its fragment. Asked
/// of every link a page keeps: most need no rewriting, and are answered
/// without building their normal form.
pub fn is_normal(url: &Url) -> bool {
    let plain_query = |q: &str| {
        !q.is_empty()
            && !q.contains('%')
            && q.split('&')
                .all(|kv| !kv.is_empty() && !is_session_param(kv.split('=').next().unwrap_or("")))
    };
    if !url.path().contains(['%', ';']) && url.query().is_none_or(plain_query) {
        return true;
    }
    let s = url.as_str();
    normalise(url).as_str() == s.split_once('#').map_or(s, |(u, _)| u)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(s: &str) -> String {
        normalise(&Url::parse(s).unwrap()).to_string()
    }

    #[test]
    fn normalises() {
        assert_eq!(
            n("HTTP://WWW.X.GOV.CN:80/a/../b/./c.html#frag"),
            "http://www.x.gov.cn/b/c.html"
        );
        assert_eq!(n("https://x.cn:443"), "https://x.cn/");
        assert_eq!(
            n("http://x.cn/a;jsessionid=ABC123?x=1"),
            "http://x.cn/a?x=1"
        );
        assert_eq!(
            n("http://x.cn/a?PHPSESSID=1&page=2&sid=9"),
            "http://x.cn/a?page=2"
        );
        assert_eq!(n("http://x.cn/a?jsessionid=1"), "http://x.cn/a");
        assert_eq!(
            n("http://x.cn/%7euser/%e4%b8%ad"),
            "http://x.cn/~user/%E4%B8%AD"
        );
        assert_eq!(
            n("http://x.cn/中文.html"),
            "http://x.cn/%E4%B8%AD%E6%96%87.html"
        );
        assert_eq!(n("http://x.cn/a?"), "http://x.cn/a");
        // A stray `%` never captures a decoded digit: `%%30a` is `%`, `0`,
        // `a` to the server, not the escape `%0a`.
        assert_eq!(n("http://x.cn/%%30a"), "http://x.cn/%%30a");
        assert_eq!(n("http://x.cn/%4%30"), "http://x.cn/%4%30");
        assert_eq!(n("http://x.cn/%%41"), "http://x.cn/%%41");
        assert_eq!(n("http://x.cn/%%47"), "http://x.cn/%G");
    }

    #[test]
    fn knows_a_normal_url_without_rewriting_it() {
        let normal = |s: &str| is_normal(&Url::parse(s).unwrap());
        assert!(normal("http://x.cn/a/b.html?id=2&page=3#top"));
        assert!(normal("http://x.cn/%E4%B8%AD"));
        assert!(!normal("http://x.cn/%e4%b8%ad"));
        assert!(!normal("http://x.cn/a;jsessionid=1"));
        assert!(!normal("http://x.cn/a?"));
        assert!(!normal("http://x.cn/a?x=1&&y=2"));
        assert!(!normal("http://x.cn/a?SID=9&page=2"));
        assert!(normal("http://x.cn/a?q=%E4%B8%AD"));
    }
}
