//! `dir/` and `dir/index.html`: one page when the server says so.

use super::urlnorm::index_variant;
use govscan_checks::record::PageRecord;
use govscan_checks::Finding;
use std::collections::{HashMap, HashSet};
use url::Url;

/// `dir/` and `dir/index.html` with the same body are one page: keep the
/// directory form. Done after the crawl so that the report does not depend
/// on which twin happened to be fetched first.
pub(crate) fn merge_index_twins(pages: &mut [PageRecord], findings: &mut Vec<Finding>) {
    let mut first: HashMap<(String, String), usize> = HashMap::new();
    let mut dropped: HashSet<String> = HashSet::new();
    let mut order: Vec<usize> = (0..pages.len()).collect();
    // Shortest URL first: the directory form wins.
    order.sort_by(|&a, &b| {
        (pages[a].url.len(), &pages[a].url).cmp(&(pages[b].url.len(), &pages[b].url))
    });
    for i in order {
        let p = &pages[i];
        if !p.crawled || p.content_hash.is_empty() {
            continue;
        }
        let Some((dir, _)) = Url::parse(&p.url).ok().as_ref().and_then(index_variant) else {
            continue;
        };
        let key = (dir, p.content_hash.clone());
        if let std::collections::hash_map::Entry::Vacant(slot) = first.entry(key) {
            slot.insert(i);
        } else {
            dropped.insert(p.url.clone());
            pages[i].crawled = false;
            pages[i].facts = None;
        }
    }
    // A twin has the same body, so the same links and the same findings as
    // the page kept: its own rows would count every problem twice.
    if !dropped.is_empty() {
        findings.retain(|f| !dropped.contains(&f.page));
    }
}
