//! Site security as inspections and monitoring platforms check it (19号
//! veto 1.4: 挂马, 篡改): malicious scripts and frames on a page, content
//! served only to search-engine spiders, a home page replaced since the
//! previous run, and, for information, certificates and mixed content.
//! (Hidden links, 暗链, are found during the page walk: `page::hidden`.)
//!
//! All pure: the crawler hands in what it fetched (the spider's copy of the
//! home page, the previous run's facts, the certificate it was shown).

mod cloaking;
mod defaced;
mod mixed;
mod scripts;
#[cfg(test)]
mod tests;
mod tls;

pub use cloaking::cloaking;
pub use defaced::defaced;
pub(crate) use mixed::mixed_content;
pub(crate) use scripts::{judge_scripts, HiddenFrame};
pub use tls::{certificate_findings, CertificateFacts};

/// Whether two hosts are one site (`www.` and the bare host alike).
pub(crate) fn same_site(a: &str, b: &str) -> bool {
    a.trim_start_matches("www.") == b.trim_start_matches("www.")
}

/// Whether a host belongs to a government (`.gov.cn`, `gov.cn`).
pub(crate) fn government(host: &str) -> bool {
    host == "gov.cn" || host.ends_with(".gov.cn")
}

/// Whether `host` is `allowed` or one of its subdomains.
pub(crate) fn host_in(host: &str, allowed: &[String]) -> bool {
    allowed
        .iter()
        .any(|a| host == a || host.ends_with(&format!(".{a}")))
}

/// About `chars` characters each side of byte offset `at`, on one line.
pub(crate) fn snippet(text: &str, at: usize, chars: usize) -> String {
    let at = (0..=at.min(text.len()))
        .rev()
        .find(|i| text.is_char_boundary(*i))
        .unwrap_or(0);
    let before: String = {
        let mut v: Vec<char> = text[..at].chars().rev().take(chars).collect();
        v.reverse();
        v.into_iter().collect()
    };
    let after: String = text[at..].chars().take(chars).collect();
    format!("{before}{after}")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}
