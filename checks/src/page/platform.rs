//! Which content-management platform made a page (`cms` in pages.csv and
//! columns.csv): the profile's `[[cms]]` markers, looked for in the page's
//! HTML in one pass instead of one substring search per marker.

use aho_corasick::AhoCorasick;

/// The `[[cms]]` entries' markers in one automaton, built once per profile.
#[derive(Debug, Clone, Default)]
pub struct CmsMatcher {
    automaton: Option<AhoCorasick>,
    /// For each marker of the automaton, the index of its `[[cms]]` entry.
    entry_of: Vec<usize>,
}

impl CmsMatcher {
    /// Compiles the entries' markers (an id and its markers, in match order).
    pub fn new(entries: &[(String, Vec<String>)]) -> CmsMatcher {
        let mut markers = Vec::new();
        let mut entry_of = Vec::new();
        for (i, (_, list)) in entries.iter().enumerate() {
            for marker in list {
                markers.push(marker.as_str());
                entry_of.push(i);
            }
        }
        // A profile's markers are plain strings; an automaton that cannot
        // be built (far beyond any real list's size) recognises nothing.
        let automaton = (!markers.is_empty())
            .then(|| AhoCorasick::new(&markers).ok())
            .flatten();
        CmsMatcher {
            automaton,
            entry_of,
        }
    }

    /// The index of the first entry one of whose markers is in `html`: the
    /// profile's order decides, not the order in the page.
    pub fn first_entry(&self, html: &str) -> Option<usize> {
        let automaton = self.automaton.as_ref()?;
        let mut first: Option<usize> = None;
        for m in automaton.find_overlapping_iter(html) {
            let entry = self.entry_of[m.pattern().as_usize()];
            if first.is_none_or(|f| entry < f) {
                first = Some(entry);
                if entry == 0 {
                    break;
                }
            }
        }
        first
    }
}

#[cfg(test)]
mod tests {
    use super::CmsMatcher;

    fn entries() -> Vec<(String, Vec<String>)> {
        vec![
            ("hanweb".into(), vec!["jpage.js".into(), "大汉网络".into()]),
            ("trs".into(), vec!["createPageHTML".into(), "trs_".into()]),
            ("gkmlpt".into(), vec!["/gkmlpt/".into()]),
        ]
    }

    #[test]
    fn the_profiles_order_decides_not_the_pages() {
        let m = CmsMatcher::new(&entries());
        assert_eq!(m.first_entry("<a href=/gkmlpt/index>x</a>"), Some(2));
        // TRS's pager first in the page, Hanweb's script later: Hanweb wins,
        // as it is listed first.
        assert_eq!(
            m.first_entry("createPageHTML(5,0);<script src=/js/jpage.js>"),
            Some(0)
        );
        assert_eq!(m.first_entry("trs_x /gkmlpt/"), Some(1));
        // Markers that overlap are each seen.
        assert_eq!(m.first_entry("xtrs_jpage.js"), Some(0));
        assert_eq!(m.first_entry("<p>nothing here</p>"), None);
        assert_eq!(CmsMatcher::new(&[]).first_entry("jpage.js"), None);
    }
}
