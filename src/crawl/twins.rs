//! `dir/` and `dir/index.html`: one page when the server says so.

use super::site_pages::PageView;
use govscan_checks::Finding;
use std::collections::{HashMap, HashSet};

/// `dir/` and `dir/index.html` with the same body are one page: keep the
/// directory form. Done after the crawl so that the report does not depend
/// on which twin happened to be fetched first. Returns the views dropped
/// (now not read), whose records the caller marks the same way.
pub(crate) fn merge_index_twins(pages: &mut [PageView], findings: &mut Vec<Finding>) -> Vec<usize> {
    let mut first: HashMap<&(String, String), usize> = HashMap::new();
    let mut dropped: Vec<usize> = Vec::new();
    let mut order: Vec<usize> = (0..pages.len())
        .filter(|&i| pages[i].crawled && pages[i].twin.is_some())
        .collect();
    // Shortest URL first: the directory form wins.
    order.sort_by(|&a, &b| {
        (pages[a].url.len(), &pages[a].url).cmp(&(pages[b].url.len(), &pages[b].url))
    });
    for i in order {
        let Some(key) = pages[i].twin.as_deref() else {
            continue;
        };
        if let std::collections::hash_map::Entry::Vacant(slot) = first.entry(key) {
            slot.insert(i);
        } else {
            dropped.push(i);
        }
    }
    drop(first);
    // A twin has the same body, so the same links and the same findings as
    // the page kept: its own rows would count every problem twice.
    if !dropped.is_empty() {
        let urls: HashSet<&str> = dropped.iter().map(|&i| pages[i].url.as_str()).collect();
        findings.retain(|f| !urls.contains(f.page.as_str()));
    }
    for &i in &dropped {
        pages[i].crawled = false;
        pages[i].facts = None;
    }
    dropped
}
