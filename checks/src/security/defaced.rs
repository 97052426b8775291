//! 篡改: the home page against the previous run's copy. A site renamed or
//! redesigned is not defaced; a title replaced by gambling words, or
//! replaced while the footer's identifiers vanished, is.

use crate::finding::{CheckId, Finding};
use crate::page::PageFacts;
use crate::profile::Profile;
use crate::sink::FindingSink;

/// Compares the home page's facts with the previous run's.
pub fn defaced(
    site: &str,
    home: &str,
    previous: &PageFacts,
    current: &PageFacts,
    profile: &Profile,
) -> Option<Finding> {
    let r = &profile.security;
    let now = format!("{} {}", current.title, current.headline);
    let before = format!("{} {}", previous.title, previous.headline);
    let words: Vec<&str> = r
        .hidden_link_lexicon
        .iter()
        .filter(|w| now.contains(w.as_str()) && !before.contains(w.as_str()))
        .map(String::as_str)
        .collect();
    let similarity = dice(&previous.title, &current.title);
    let replaced = !previous.title.is_empty() && similarity < r.defaced_title_similarity;
    let ids_gone = [
        (&previous.footer.site_code, &current.footer.site_code),
        (&previous.footer.icp, &current.footer.icp),
    ]
    .iter()
    .any(|(a, b)| a.is_some() && b.is_none());
    if words.is_empty() && !(replaced && ids_gone) {
        return None;
    }
    let why = if words.is_empty() {
        "页面底部的网站标识码或ICP备案编号也已消失".to_string()
    } else {
        format!("标题出现“{}”", words.join("、"))
    };
    let mut sink = FindingSink::new(site, home, true, profile);
    sink.push(
        CheckId::SecurityDefaced,
        home,
        "defaced",
        format!(
            "首页标题由上次检查时的“{}”变为“{}”（相似度 {:.0}%），{why}：网页疑似被篡改",
            previous.title,
            current.title,
            similarity * 100.0
        ),
        current.title.to_string(),
    );
    sink.into_vec().pop()
}

/// Dice similarity of two strings' character bigrams (1 = same).
fn dice(a: &str, b: &str) -> f64 {
    let grams = |s: &str| -> Vec<(char, char)> {
        let c: Vec<char> = s.chars().filter(|c| !c.is_whitespace()).collect();
        c.windows(2).map(|w| (w[0], w[1])).collect()
    };
    let (x, y) = (grams(a), grams(b));
    if x.is_empty() && y.is_empty() {
        return 1.0;
    }
    let mut rest = y.clone();
    let mut common = 0usize;
    for g in &x {
        if let Some(i) = rest.iter().position(|h| h == g) {
            rest.swap_remove(i);
            common += 1;
        }
    }
    2.0 * common as f64 / (x.len() + y.len()).max(1) as f64
}
