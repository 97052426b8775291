//! robots.txt (texting_robots) and sitemap.xml seeds.

use super::client::{Fetcher, Want};
use govscan_checks::FetchResult;
use regex::Regex;
use std::sync::OnceLock;
use texting_robots::Robot;
use url::Url;

/// A site's robots.txt rules; allows everything when there is none.
pub struct Robots {
    robot: Option<Robot>,
    /// Sitemaps named in robots.txt.
    pub sitemaps: Vec<String>,
}

impl Robots {
    /// Rules that allow everything.
    pub fn allow_all() -> Robots {
        Robots {
            robot: None,
            sitemaps: Vec::new(),
        }
    }

    /// Parses a robots.txt body for our user agent.
    pub fn parse(user_agent: &str, body: &[u8]) -> Robots {
        match Robot::new(user_agent, body) {
            Ok(robot) => {
                let sitemaps = robot.sitemaps.clone();
                Robots {
                    robot: Some(robot),
                    sitemaps,
                }
            }
            Err(_) => Robots::allow_all(),
        }
    }

    /// Fetches and parses `/robots.txt` of the seed's origin. A missing or
    /// failing robots.txt allows everything.
    pub async fn fetch(fetcher: &Fetcher, seed: &Url, site_private: bool) -> Robots {
        let Ok(url) = seed.join("/robots.txt") else {
            return Robots::allow_all();
        };
        let got = fetcher.fetch_text(&url, 512 * 1024, site_private).await;
        match got {
            Some(body) => Robots::parse(&robots_token(&fetcher.config().user_agent), &body),
            None => Robots::allow_all(),
        }
    }

    /// Whether our agent may fetch `url`.
    pub fn allowed(&self, url: &Url) -> bool {
        match &self.robot {
            Some(r) => r.allowed(url.as_str()),
            None => true,
        }
    }
}

/// The product token robots.txt rules are matched against: `govscan` for
/// `Mozilla/5.0 (compatible; govscan/0.1.0; +URL)`, else the first
/// `name/version` token that is not `Mozilla`, else the whole string.
pub fn robots_token(user_agent: &str) -> String {
    user_agent
        .split(|c: char| c.is_whitespace() || matches!(c, ';' | '(' | ')' | '+'))
        .filter_map(|t| t.split_once('/').map(|(name, _)| name))
        .find(|name| !name.is_empty() && !name.eq_ignore_ascii_case("mozilla"))
        .unwrap_or(user_agent)
        .to_string()
}

// A pattern written here; the sitemap tests run it.
#[allow(clippy::expect_used)]
fn loc_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"(?is)<loc>\s*(?:<!\[CDATA\[)?\s*(.*?)\s*(?:\]\]>)?\s*</loc>")
            .expect("valid regex")
    })
}

/// The `<loc>` URLs of a sitemap or sitemap index.
pub fn sitemap_locs(body: &str) -> Vec<String> {
    loc_re()
        .captures_iter(body)
        .filter_map(|c| c.get(1))
        .map(|m| m.as_str().replace("&amp;", "&"))
        .collect()
}

/// Collects page URLs from the site's sitemaps: those in robots.txt and
/// `/sitemap.xml`, following sitemap indexes, at most `max_files` files.
pub async fn sitemap_seeds(
    fetcher: &Fetcher,
    seed: &Url,
    robots: &Robots,
    site_private: bool,
    max_files: usize,
) -> Vec<Url> {
    // robots.txt should name sitemaps by absolute URL; some sites write a path.
    let mut queue: Vec<Url> = robots
        .sitemaps
        .iter()
        .filter_map(|s| seed.join(s.trim()).ok())
        .collect();
    if let Ok(default) = seed.join("/sitemap.xml") {
        if !queue.contains(&default) {
            queue.push(default);
        }
    }
    let mut seen = std::collections::HashSet::new();
    let mut pages = Vec::new();
    let mut files = 0;
    while let Some(url) = queue.pop() {
        if files >= max_files || !seen.insert(url.clone()) {
            continue;
        }
        files += 1;
        let Some(body) = fetcher
            .fetch_text(&url, 20 * 1024 * 1024, site_private)
            .await
        else {
            continue;
        };
        let text = String::from_utf8_lossy(&body);
        let is_index = text.contains("<sitemapindex");
        for loc in sitemap_locs(&text) {
            if let Ok(u) = Url::parse(&loc) {
                if is_index {
                    queue.push(u);
                } else {
                    pages.push(u);
                }
            }
        }
    }
    pages
}

impl Fetcher {
    /// GETs a small text resource (robots.txt, sitemap) of any content type;
    /// `None` unless it answers 200.
    pub async fn fetch_text(&self, url: &Url, cap: usize, site_private: bool) -> Option<Vec<u8>> {
        let got = self.fetch(url, Want::Text { cap }, site_private).await;
        match got.outcome.result {
            FetchResult::Status(200) => got.body,
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn robots_token_is_the_product() {
        assert_eq!(robots_token(crate::cli::DEFAULT_USER_AGENT), "govscan");
        assert_eq!(robots_token("govscan/0.1.0 (audit)"), "govscan");
        assert_eq!(robots_token("MyBot"), "MyBot");
    }

    #[test]
    fn robots_rules() {
        let r = Robots::parse(
            "govscan",
            b"User-agent: *\nDisallow: /private/\nSitemap: http://x.cn/sm.xml\n",
        );
        assert!(!r.allowed(&Url::parse("http://x.cn/private/a.html").unwrap()));
        assert!(r.allowed(&Url::parse("http://x.cn/public/a.html").unwrap()));
        assert_eq!(r.sitemaps, vec!["http://x.cn/sm.xml".to_string()]);
    }

    #[test]
    fn sitemap_parsing() {
        let xml = "<urlset><url><loc> http://x.cn/a?x=1&amp;y=2 </loc></url><url><loc><![CDATA[http://x.cn/b]]></loc></url></urlset>";
        assert_eq!(
            sitemap_locs(xml),
            vec!["http://x.cn/a?x=1&y=2", "http://x.cn/b"]
        );
    }
}
