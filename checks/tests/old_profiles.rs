//! A province's profile saved from an older govscan (this fixture is the
//! national profile as it was before the audit, security, content and
//! platform sections existed) still loads, and takes the national values
//! for every key it lacks.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use govscan_checks::Profile;

#[test]
fn a_profile_saved_before_the_new_sections_loads_with_national_defaults() {
    let old = include_str!("fixtures/profile-before-audit.toml");
    assert!(!old.contains("[audit]") && !old.contains("[security]"));
    let p = Profile::from_toml(old, "saved province profile").expect("an older profile loads");
    let national = Profile::national();
    assert_eq!(p.audit.min_audited_share, national.audit.min_audited_share);
    assert_eq!(p.audit.block_statuses, national.audit.block_statuses);
    assert_eq!(p.audit.signatures.len(), national.audit.signatures.len());
    assert_eq!(
        p.security.hidden_link_lexicon,
        national.security.hidden_link_lexicon
    );
    assert_eq!(
        p.accessibility_entry_words,
        national.accessibility_entry_words
    );
    assert_eq!(p.cms.len(), national.cms.len());
    assert_eq!(
        p.columns.max_script_pages,
        national.columns.max_script_pages
    );
    assert_eq!(
        p.columns.zero_count_patterns.len(),
        national.columns.zero_count_patterns.len()
    );
    // Its own values are kept.
    assert_eq!(p.name, "national");
}
