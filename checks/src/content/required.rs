//! Columns a site must carry: the classes a page names in its column name,
//! breadcrumb or short navigation links.

use super::{ContentFacts, ContentInput};
use crate::links::LinkKind;
use crate::page::PageKind;
use crate::profile::Profile;

pub(super) fn read(input: &ContentInput<'_>, profile: &Profile, facts: &mut ContentFacts) {
    let r = &profile.required_columns;
    let mut add = |name: &str| {
        for class in profile.content_matcher.column_classes(name) {
            if !facts.column_classes.iter().any(|c| c == class) {
                facts.column_classes.push(class.to_string());
            }
        }
    };
    if let Some(column) = input.column {
        add(column);
    }
    for name in input.catalogue {
        add(name);
    }
    // Navigation is the same on every page of a template: reading it on
    // the home page and the column pages is enough.
    if matches!(
        input.kind,
        PageKind::Home | PageKind::List | PageKind::Section
    ) {
        for link in input.links {
            if link.kind == LinkKind::Anchor
                && !link.text.is_empty()
                && link.text.chars().count() <= r.max_link_chars
            {
                add(&link.text);
            }
        }
    }
}
