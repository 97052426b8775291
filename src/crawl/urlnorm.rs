//! URL normalisation, site scope and crawler-trap guards.
//!
//! Two hrefs that name the same resource must map to one key, or the same
//! target is requested twice; two different resources must never share one.

use std::collections::HashMap;
use url::Url;

pub use govscan_checks::urlnorm::normalise;

/// The host without a leading `www.`, lower-cased: `www.x.gov.cn` and
/// `x.gov.cn` are one site.
pub fn site_host(host: &str) -> String {
    let h = host.trim_end_matches('.').to_ascii_lowercase();
    h.strip_prefix("www.").map(str::to_string).unwrap_or(h)
}

/// Which hosts belong to a site.
#[derive(Debug, Clone)]
pub struct Scope {
    hosts: Vec<String>,
}

impl Scope {
    /// The seed's host plus the `--include-host`s.
    pub fn new(seed: &Url, include: &[String]) -> Scope {
        let mut hosts = vec![site_host(seed.host_str().unwrap_or(""))];
        for h in include {
            let h = site_host(h);
            if !hosts.contains(&h) {
                hosts.push(h);
            }
        }
        Scope { hosts }
    }

    /// Whether a URL is part of the site (crawled, not just checked).
    pub fn contains(&self, url: &Url) -> bool {
        url.host_str().is_some_and(|h| self.contains_host(h))
    }

    /// Whether a host (as `Url::host_str` gives it) is part of the site.
    pub fn contains_host(&self, host: &str) -> bool {
        // Asked for every link of every page: compared in place, without
        // building the lower-cased host (`url` lower-cases domain names, but
        // a trailing dot or `www.` in any case still reaches here).
        let h = host.trim_end_matches('.');
        let h = match h.get(..4) {
            Some(w) if w.eq_ignore_ascii_case("www.") => &h[4..],
            _ => h,
        };
        self.hosts.iter().any(|s| s.eq_ignore_ascii_case(h))
    }
}

/// Attachment extensions: checked with HEAD, never downloaded.
pub fn is_attachment(url: &Url) -> bool {
    let path = url.path().to_ascii_lowercase();
    let ext = match path.rsplit_once('.') {
        Some((_, ext)) if !ext.contains('/') => ext,
        _ => return false,
    };
    matches!(
        ext,
        "pdf"
            | "doc"
            | "docx"
            | "xls"
            | "xlsx"
            | "ppt"
            | "pptx"
            | "wps"
            | "et"
            | "dps"
            | "ofd"
            | "ceb"
            | "txt"
            | "rtf"
            | "csv"
            | "zip"
            | "rar"
            | "7z"
            | "gz"
            | "tar"
            | "bz2"
            | "jpg"
            | "jpeg"
            | "png"
            | "gif"
            | "bmp"
            | "webp"
            | "svg"
            | "ico"
            | "tif"
            | "tiff"
            | "mp3"
            | "mp4"
            | "avi"
            | "flv"
            | "wmv"
            | "mov"
            | "swf"
            | "wav"
            | "m4a"
            | "mkv"
            | "exe"
            | "apk"
            | "msi"
            | "dmg"
            | "iso"
            | "css"
            | "js"
            | "json"
            | "xml"
            | "woff"
            | "woff2"
            | "ttf"
            | "eot"
    )
}

/// Splits a directory-index URL into its directory URL and index file name:
/// `http://x/a/` → (`http://x/a/`, ""), `http://x/a/index.html` →
/// (`http://x/a/`, "index.html"). `None` for other URLs and for any query.
pub fn index_variant(url: &Url) -> Option<(String, String)> {
    if url.query().is_some() {
        return None;
    }
    let path = url.path();
    let (dir, file) = path.rsplit_once('/')?;
    let lower = file.to_ascii_lowercase();
    let is_index = file.is_empty()
        || ["index.", "default."].iter().any(|p| {
            lower.strip_prefix(p).is_some_and(|ext| {
                matches!(
                    ext,
                    "html" | "htm" | "shtml" | "jsp" | "php" | "asp" | "aspx"
                )
            })
        });
    if !is_index {
        return None;
    }
    let mut d = url.clone();
    d.set_path(&format!("{dir}/"));
    Some((d.to_string(), file.to_string()))
}

/// [`index_variant`] of a serialised URL (as [`Url::as_str`] writes it),
/// parsed only when its last path segment can name an index: most pages'
/// URLs cannot, and parsing each page's URL again for this was 1% of a
/// re-scan (callgrind).
pub fn index_variant_str(url: &str) -> Option<(String, String)> {
    let before = &url[..url.find(['?', '#']).unwrap_or(url.len())];
    let file = before.rsplit('/').next().unwrap_or_default();
    let starts = |p: &str| {
        file.get(..p.len())
            .is_some_and(|s| s.eq_ignore_ascii_case(p))
    };
    if !(file.is_empty() || starts("index.") || starts("default.")) {
        return None;
    }
    index_variant(&Url::parse(url).ok()?)
}

/// Guards against crawler traps: endless calendars, ever-deeper paths.
#[derive(Debug, Default)]
pub struct TrapGuard {
    per_pattern: HashMap<String, u32>,
    cap: u32,
    max_segments: usize,
}

/// Why a URL is not crawled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Trap {
    /// More than the cap of URLs share this pattern (query values or numbers vary).
    PatternCap(String),
    /// The path is too deep or repeats a segment over and over.
    DeepPath,
}

impl TrapGuard {
    /// `cap` URLs per pattern at most; paths of at most `max_segments` segments.
    pub fn new(cap: u32, max_segments: usize) -> TrapGuard {
        TrapGuard {
            per_pattern: HashMap::new(),
            cap,
            max_segments,
        }
    }

    /// The pattern of a URL: only URLs with a query string are grouped
    /// (`/cal?date=#` for `/cal?date=2026-11-20`), since a static article
    /// path is the normal shape of a large site, not a trap.
    pub fn pattern(url: &Url) -> Option<String> {
        let q = url.query()?;
        let mut keys: Vec<&str> = q
            .split('&')
            .map(|kv| kv.split('=').next().unwrap_or(""))
            .collect();
        keys.sort_unstable();
        keys.dedup();
        Some(format!(
            "{}{}?{}",
            url.host_str().unwrap_or(""),
            url.path(),
            keys.join("&")
        ))
    }

    /// Records a URL about to be crawled; `Err` if it looks like a trap.
    pub fn admit(&mut self, url: &Url) -> Result<(), Trap> {
        let segments: Vec<&str> = url.path().split('/').filter(|s| !s.is_empty()).collect();
        if segments.len() > self.max_segments {
            return Err(Trap::DeepPath);
        }
        let mut counts: HashMap<&str, u32> = HashMap::new();
        for s in &segments {
            let c = counts.entry(s).or_default();
            *c += 1;
            if *c > 3 {
                return Err(Trap::DeepPath);
            }
        }
        if let Some(p) = Self::pattern(url) {
            let n = self.per_pattern.entry(p.clone()).or_default();
            if *n >= self.cap {
                return Err(Trap::PatternCap(p));
            }
            *n += 1;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scope_treats_www_and_bare_as_one() {
        let s = Scope::new(
            &Url::parse("http://www.x.gov.cn/").unwrap(),
            &["static.x.gov.cn".into()],
        );
        assert!(s.contains(&Url::parse("http://x.gov.cn/a").unwrap()));
        assert!(s.contains(&Url::parse("https://WWW.X.GOV.CN/a").unwrap()));
        assert!(s.contains(&Url::parse("http://static.x.gov.cn/a.pdf").unwrap()));
        assert!(!s.contains(&Url::parse("http://y.gov.cn/").unwrap()));
        assert!(s.contains(&Url::parse("http://www.x.gov.cn./a").unwrap()));
        assert!(!s.contains(&Url::parse("http://wwwx.gov.cn/").unwrap()));
        assert!(!s.contains(&Url::parse("http://www.static.x.gov.cn.evil.cn/").unwrap()));
    }

    #[test]
    fn index_variants_of_serialised_urls_are_the_parsed_ones() {
        for s in [
            "http://x.cn",
            "http://x.cn/a/",
            "http://x.cn/a/index.html",
            "http://x.cn/a/INDEX.HTM",
            "http://x.cn/a/Default.aspx",
            "http://x.cn/a/index.html?x=1",
            "http://x.cn/a/index.html#top",
            "http://x.cn/a/?q",
            "http://x.cn/a/b.html",
            "http://x.cn/a/index",
            "http://x.cn/a/indexes.html",
            "http://x.cn/a\\index.html",
            "http://x.cn/a/index.html/..",
            "http://x.cn/a/b.html#/index.html",
            "http://x.cn/%E5%85%AC%E5%BC%80/index.shtml",
            "http://x.cn/a/b?u=/index.html",
        ] {
            let url = Url::parse(s).unwrap();
            assert_eq!(index_variant_str(url.as_str()), index_variant(&url), "{s}");
        }
    }

    #[test]
    fn index_variants() {
        let v = |s: &str| index_variant(&Url::parse(s).unwrap());
        assert_eq!(
            v("http://x.cn/a/"),
            Some(("http://x.cn/a/".into(), "".into()))
        );
        assert_eq!(
            v("http://x.cn/a/index.html"),
            Some(("http://x.cn/a/".into(), "index.html".into()))
        );
        assert_eq!(
            v("http://x.cn/Default.aspx"),
            Some(("http://x.cn/".into(), "Default.aspx".into()))
        );
        assert_eq!(v("http://x.cn/a/b.html"), None);
        assert_eq!(v("http://x.cn/a/?p=1"), None);
    }

    #[test]
    fn attachments() {
        assert!(is_attachment(&Url::parse("http://x.cn/a/b.PDF").unwrap()));
        assert!(!is_attachment(&Url::parse("http://x.cn/a/b.html").unwrap()));
        assert!(!is_attachment(&Url::parse("http://x.cn/a.b/c").unwrap()));
    }

    #[test]
    fn traps() {
        let mut g = TrapGuard::new(3, 10);
        for d in 1..=3 {
            assert!(g
                .admit(&Url::parse(&format!("http://x.cn/cal?date=2026-11-{d:02}")).unwrap())
                .is_ok());
        }
        assert!(matches!(
            g.admit(&Url::parse("http://x.cn/cal?date=2026-11-04").unwrap()),
            Err(Trap::PatternCap(_))
        ));
        assert!(g
            .admit(&Url::parse("http://x.cn/other?date=1").unwrap())
            .is_ok());
        assert_eq!(
            g.admit(&Url::parse("http://x.cn/a/a/a/a/").unwrap()),
            Err(Trap::DeepPath)
        );
        assert_eq!(
            g.admit(&Url::parse("http://x.cn/1/2/3/4/5/6/7/8/9/10/11").unwrap()),
            Err(Trap::DeepPath)
        );
        for i in 0..100 {
            assert!(g
                .admit(&Url::parse(&format!("http://x.cn/art/{i}.html")).unwrap())
                .is_ok());
        }
    }
}
