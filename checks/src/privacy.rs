//! Personal data in published pages (去标识化): resident ID numbers (GB 11643)
//! and mobile numbers. Findings show the number masked, so the report does
//! not spread the leak.

/// GB 11643-1999 weights of the first 17 digits.
const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/// Check character for each remainder.
const CHECK: &[u8; 11] = b"10X98765432";

/// The check character of an 18-digit ID from its first 17 digits; `None`
/// if they are not 17 ASCII digits.
pub fn id_check_char(first17: &str) -> Option<char> {
    let b = first17.as_bytes();
    if b.len() != 17 || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let sum: u32 = b
        .iter()
        .zip(WEIGHTS)
        .map(|(d, w)| u32::from(d - b'0') * w)
        .sum();
    Some(CHECK[(sum % 11) as usize] as char)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checksums_from_the_spec() {
        assert_eq!(id_check_char("11010519491231002"), Some('X'));
        assert_eq!(id_check_char("44052418800101001"), Some('4'));
        assert_ne!(id_check_char("11010519491231002"), Some('1'));
        assert_eq!(id_check_char("1101051949123100"), None);
        assert_eq!(id_check_char("1101051949123100a"), None);
    }
}

use crate::finding::{CheckId, Finding};
use crate::profile::Profile;
use crate::sink::FindingSink;
use chrono::NaiveDate;
use regex::Regex;
use std::sync::OnceLock;

fn id_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    crate::built_in_regex(
        &RE,
        r"(?:^|[^0-9A-Za-z*])([1-9][0-9]{5}(?:18|19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])[0-9]{3}[0-9Xx])(?:$|[^0-9A-Za-z*])",
    )
}

fn mobile_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    crate::built_in_regex(&RE, r"(?:^|[^0-9*])(1[3-9][0-9]{9})(?:$|[^0-9*])")
}

/// Whether an 18-character string is a resident ID: valid checksum and a
/// real birth date not after `today`.
pub fn is_valid_id(id: &str, today: NaiveDate) -> bool {
    if id.len() != 18 || !id.is_ascii() {
        return false;
    }
    let Some(check) = id_check_char(&id[..17]) else {
        return false;
    };
    if !id[17..].eq_ignore_ascii_case(&check.to_string()) {
        return false;
    }
    NaiveDate::parse_from_str(&id[6..14], "%Y%m%d").is_ok_and(|birth| birth <= today)
}

/// `35*************123`: the first 2 and last 3 characters of an ID.
pub fn mask_id(id: &str) -> String {
    format!(
        "{}{}{}",
        &id[..2],
        "*".repeat(id.len().saturating_sub(5)),
        &id[id.len() - 3..]
    )
}

/// `138****1234`.
pub fn mask_mobile(m: &str) -> String {
    format!("{}****{}", &m[..3], &m[m.len() - 4..])
}

/// Unmasked resident IDs and personal mobile numbers in a page's text.
/// `body` is the text without the footer; `personal_list` says the page
/// publishes a list of people (名单, 公示…).
#[allow(clippy::too_many_arguments)]
pub fn scan(
    site: &str,
    page: &str,
    is_home: bool,
    body: &str,
    personal_list: bool,
    today: NaiveDate,
    profile: &Profile,
) -> Vec<Finding> {
    let mut out = FindingSink::new(site, page, is_home, profile);
    let mut push = |check: CheckId, target: &str, detail: String, evidence: String| {
        // The same number twice on a page is one leak.
        if !out.has_evidence(check, &evidence) {
            out.push(check, target, "unmasked", detail, evidence);
        }
    };
    // Both numbers are at least 11 digits in a row, which most pages never
    // have: the expressions, run over every page's text, are skipped then.
    if !crate::text::has_digit_run(body, 11) {
        return Vec::new();
    }
    let mut ids = 0;
    for c in id_re().captures_iter(body) {
        let id = &c[1];
        if is_valid_id(id, today) {
            ids += 1;
            push(
                CheckId::PrivacyIdNumber,
                "身份证号",
                "页面公开了未去标识化的身份证号码，应隐藏中间位（如 35*************123）"
                    .to_string(),
                mask_id(id),
            );
        }
    }
    for m in mobile_re().captures_iter(body) {
        let Some(number) = m.get(1) else {
            continue;
        };
        let before: String = body[..number.start()]
            .chars()
            .rev()
            .take(12)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        let office = profile
            .privacy
            .contact_labels
            .iter()
            .any(|l| before.contains(l.as_str()));
        // On a list of people every number is personal; elsewhere (a page
        // that also leaks an ID) an office line is not.
        let report = personal_list || (ids > 0 && !office);
        if report {
            push(
                CheckId::PrivacyMobile,
                "手机号",
                "名单或公示中公开了未去标识化的个人手机号码，应隐藏中间四位（如 138****1234）"
                    .to_string(),
                mask_mobile(number.as_str()),
            );
        }
    }
    out.into_vec()
}

#[cfg(test)]
mod scan_tests {
    use super::*;

    #[test]
    fn finds_and_masks() {
        let p = Profile::national();
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        assert!(is_valid_id("11010519491231002X", today));
        assert!(is_valid_id("11010519491231002x", today));
        assert!(!is_valid_id("110105194912310021", today));
        assert!(
            !is_valid_id("110105209912310027", today),
            "birth date in the future"
        );
        let text = "张三 11010519491231002X 13812345678\n李四 110105********002X 139****5678\n咨询电话：13900001111";
        let f = scan("s", "http://x/", false, text, true, today, &p);
        let got: Vec<(&str, &str)> = f
            .iter()
            .map(|f| (f.check.as_str(), f.evidence.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("privacy.id_number", "11*************02X"),
                ("privacy.mobile", "138****5678"),
                ("privacy.mobile", "139****1111"),
            ]
        );
        // Not a personal list and no ID: an office number is not a leak.
        assert!(scan(
            "s",
            "http://x/",
            false,
            "咨询电话：13900001111",
            false,
            today,
            &p
        )
        .is_empty());
        // An ID inside a longer number is not an ID.
        assert!(scan(
            "s",
            "http://x/",
            false,
            "订单号 911010519491231002X7",
            true,
            today,
            &p
        )
        .is_empty());
    }
}
