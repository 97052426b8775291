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
    assert_eq!(p.wording.entries.len(), national.wording.entries.len());
    assert_eq!(
        p.interaction.slow_workdays,
        national.interaction.slow_workdays
    );
    assert_eq!(p.consultation.min_days, 30);
    assert_eq!(p.annual_report.parts.len(), 6);
    assert_eq!(
        p.required_columns.government.len(),
        national.required_columns.government.len()
    );
    // Its own values are kept.
    assert_eq!(p.name, "national");
}

/// A province that sets one key of a content section keeps the national
/// value of every other key, extends the lexicon without a rebuild, and
/// is told which key is wrong.
#[test]
fn content_sections_are_read_key_by_key() {
    let old = include_str!("fixtures/profile-before-audit.toml");
    let province = format!(
        "{old}\n[interaction]\nslow_workdays = 3\n\n[wording]\n[[wording.extra_entries]]\nwrong = \"示范省人民攻府\"\nright = \"示范省人民政府\"\nclass = \"serious\"\n"
    );
    let p = Profile::from_toml(&province, "province").expect("loads");
    let national = Profile::national();
    assert_eq!(p.interaction.slow_workdays, 3);
    assert_eq!(
        p.interaction.unanswered_months,
        national.interaction.unanswered_months
    );
    assert_eq!(
        p.interaction.asked_labels,
        national.interaction.asked_labels
    );
    // `extra_entries` extend the national lexicon.
    assert_eq!(p.wording.entries.len(), national.wording.entries.len() + 1);
    assert!(p
        .wording
        .entries
        .iter()
        .any(|e| e.wrong == "示范省人民攻府"));
    assert_eq!(p.wording.context_chars, national.wording.context_chars);

    let bad = format!("{old}\n[consultation]\nmin_dayz = 20\n");
    let err = Profile::from_toml(&bad, "province")
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("consultation") && err.contains("min_dayz"),
        "{err}"
    );
    let bad = format!("{old}\n[annual_report]\ndeadline_government = \"3月31日\"\n");
    let err = Profile::from_toml(&bad, "province")
        .unwrap_err()
        .to_string();
    assert!(err.contains("deadline_government"), "{err}");
}
