//! What kind of page a page is: home, column list, section, article,
//! policy document, interpretation.

use super::*;
use crate::policy;
use crate::profile::Profile;

pub(crate) fn page_kind(
    is_home: bool,
    facts: &PageFacts,
    breadcrumb: bool,
    profile: &Profile,
) -> PageKind {
    if is_home {
        return PageKind::Home;
    }
    let in_interp_column = facts.meta.column_name.as_deref().is_some_and(|c| {
        profile
            .policy
            .interpretation_columns
            .iter()
            .any(|k| c.contains(k.as_str()))
    });
    // An interpretation is an article; a 解读 list page is a list.
    let article_like = facts.meta.article_title.is_some()
        || facts.meta.pub_date.is_some()
        || facts.published.is_some();
    let titled = policy::is_interpretation_title(&facts.headline, profile);
    if (titled || in_interp_column && facts.meta.article_title.is_some())
        && (article_like || facts.policy.is_some())
    {
        return PageKind::Interpretation;
    }
    if facts.policy.is_some() {
        return PageKind::Policy;
    }
    let list = &facts.list;
    let many = list.dated as usize >= profile.columns.min_list_items;
    if facts.meta.article_title.is_some() || (facts.published.is_some() && !many) {
        return PageKind::Article;
    }
    if list.more_links as usize >= profile.columns.section_min_more_links {
        return PageKind::Section;
    }
    let column_meta = facts.meta.column_name.is_some();
    let says_empty = list.empty_phrase || list.zero_count;
    if many
        || (column_meta && (list.dated > 0 || says_empty || list.scripted))
        || (breadcrumb && list.dated == 0 && (says_empty || list.scripted))
    {
        return PageKind::List;
    }
    PageKind::Other
}
