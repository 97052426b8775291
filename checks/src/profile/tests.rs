//! Unit tests of profile loading.

use super::*;

#[test]
fn national_profile_loads() {
    let p = Profile::national();
    assert_eq!(p.name, "national");
    assert_eq!(p.severity(CheckId::LinkDead), Severity::Error);
    assert!(p.enabled(CheckId::LinkDead));
    assert_eq!(
        p.columns.classify("要闻动态", None).unwrap().max_age_days,
        14
    );
    assert_eq!(
        p.columns.classify("通知公告", None).unwrap().max_age_days,
        180
    );
    assert_eq!(
        p.columns.classify("人事信息", None).unwrap().max_age_days,
        365
    );
    assert_eq!(
        p.columns
            .classify("其他", Some("信息公开，政策文件"))
            .unwrap()
            .id,
        "notice"
    );
    assert!(p.columns.classify("历史专题", None).is_none());
    assert_eq!(p.severity(CheckId::HomeStale), Severity::Veto);
    // 2026-10-01..07 is the national holiday; 10-10 (Sat) is worked.
    let d = |m, dd| NaiveDate::from_ymd_opt(2026, m, dd).unwrap();
    assert!(!p.calendar.is_working_day(d(10, 5)));
    assert!(p.calendar.is_working_day(d(10, 10)));
}

#[test]
fn bad_profile_names_key_and_line() {
    let bad = NATIONAL_TOML.replace("max_text_chars = 1500", "max_text_chars = \"lots\"");
    let err = Profile::from_toml(&bad, "x.toml").unwrap_err().to_string();
    assert!(err.contains("max_text_chars"), "{err}");
    assert!(err.contains("line"), "{err}");

    let bad = NATIONAL_TOML.replace("\"link.dead\" = \"error\"", "\"link.deadd\" = \"error\"");
    let err = Profile::from_toml(&bad, "x.toml").unwrap_err().to_string();
    assert!(err.contains("link.deadd"), "{err}");

    let bad = NATIONAL_TOML.replace("\"2026-01-04\"", "\"2026-13-04\"");
    let err = Profile::from_toml(&bad, "x.toml").unwrap_err().to_string();
    assert!(
        err.contains("calendar.makeup_workdays") && err.contains("2026-13-04"),
        "{err}"
    );

    let bad = NATIONAL_TOML.replace(
        "default_class = \"should_update\"",
        "default_class = \"nope\"",
    );
    let err = Profile::from_toml(&bad, "x.toml").unwrap_err().to_string();
    assert!(err.contains("columns.default_class"), "{err}");

    let bad = NATIONAL_TOML.replace("\"页面不存在\",", "\"页面(不存在\",");
    let err = Profile::from_toml(&bad, "x.toml").unwrap_err().to_string();
    assert!(err.contains("soft404.title_patterns"), "{err}");
}

#[test]
fn fix_texts_name_the_profiles_thresholds() {
    let national = Profile::national();
    assert!(national.fix_zh(CheckId::HomeStale).contains("14天"));
    assert!(national.fix_zh(CheckId::SiteUnreachable).contains("15秒"));
    let province = NATIONAL_TOML.replace(
        "[home]\n# 首页不更新: 2 weeks (veto); Ucap's early warning at 10 days.\nmax_age_days = 14",
        "[home]\nmax_age_days = 7",
    );
    assert_ne!(province, NATIONAL_TOML, "the test edits the home section");
    let p = Profile::from_toml(&province, "province").unwrap();
    assert!(
        p.fix_zh(CheckId::HomeStale).contains("7天"),
        "{}",
        p.fix_zh(CheckId::HomeStale)
    );
    // A check without thresholds keeps its one text.
    assert_eq!(p.fix_zh(CheckId::LinkDead), CheckId::LinkDead.fix_zh());
}
