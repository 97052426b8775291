//! Dates as government sites write them: 2026-11-20, 2026/11/20, 2026.11.20,
//! 2026年11月20日, [11-20] with the year from context, with or without time.

use chrono::{Datelike, NaiveDate};
use regex::Regex;
use std::sync::OnceLock;

fn full_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    crate::built_in_regex(
        &RE,
        r"(?:^|[^0-9])((?:19|20)[0-9]{2})\s*[-/.年]\s*([01]?[0-9])\s*[-/.月]\s*([0-3]?[0-9])(?:\s*日)?(?:[^0-9]|$)",
    )
}

fn month_day_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    // A bare MM-DD only counts bracketed or at the very end of an item.
    crate::built_in_regex(
        &RE,
        r"(?:[\[［(（]\s*([01][0-9])-([0-3][0-9])\s*[\]］)）]|(?:^|\s)([01][0-9])-([0-3][0-9])\s*$)",
    )
}

/// Parses the first full date in `s`.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    find_dates(s).into_iter().next()
}

/// Every full date (with a year) in `s`, in order.
pub fn find_dates(s: &str) -> Vec<NaiveDate> {
    let mut out = Vec::new();
    let mut start = 0;
    while let Some(c) = full_re().captures_at(s, start) {
        let Some(whole) = c.get(0) else {
            break;
        };
        if let (Ok(y), Ok(m), Ok(d)) = (c[1].parse(), c[2].parse(), c[3].parse()) {
            if let Some(date) = NaiveDate::from_ymd_opt(y, m, d) {
                out.push(date);
            }
        }
        // Step past the year so that adjacent dates are still found.
        start = c.get(1).map_or(whole.end(), |m| m.end());
    }
    out
}

/// The date of a list item: a full date, or a bracketed/trailing `MM-DD`
/// with the year taken from `context_year` (a date after `today` is moved
/// back a year).
pub fn item_date(s: &str, context_year: Option<i32>, today: NaiveDate) -> Option<NaiveDate> {
    if let Some(d) = find_dates(s).into_iter().last() {
        return Some(d);
    }
    let c = month_day_re().captures(s)?;
    let (m, d) = match (c.get(1), c.get(2)) {
        (Some(m), Some(d)) => (m.as_str(), d.as_str()),
        _ => (c.get(3)?.as_str(), c.get(4)?.as_str()),
    };
    let year = context_year.unwrap_or(today.year());
    let date = NaiveDate::from_ymd_opt(year, m.parse().ok()?, d.parse().ok()?)?;
    if context_year.is_none() && date > today {
        return NaiveDate::from_ymd_opt(year - 1, date.month(), date.day());
    }
    Some(date)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, dd: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, dd).unwrap()
    }

    #[test]
    fn formats() {
        assert_eq!(parse_date("2026-11-20"), Some(d(2026, 11, 20)));
        assert_eq!(
            parse_date("发布时间：2026/11/20 14:29:32"),
            Some(d(2026, 11, 20))
        );
        assert_eq!(parse_date("2026.11.20"), Some(d(2026, 11, 20)));
        assert_eq!(parse_date("2017年5月15日"), Some(d(2017, 5, 15)));
        assert_eq!(parse_date("2023年09月03日 16:25:00"), Some(d(2023, 9, 3)));
        assert_eq!(parse_date("[2021-02-01]"), Some(d(2021, 2, 1)));
        assert_eq!(parse_date("2026-02-30"), None);
        assert_eq!(parse_date("电话 0571-87654321"), None);
        assert_eq!(parse_date("12026-11-20"), None);
        assert_eq!(
            find_dates("2018年12月07日 2018年12月27日"),
            vec![d(2018, 12, 7), d(2018, 12, 27)]
        );
    }

    #[test]
    fn month_day_with_context() {
        let today = d(2026, 11, 23);
        assert_eq!(
            item_date("县政府召开常务会议 [11-20]", Some(2026), today),
            Some(d(2026, 11, 20))
        );
        assert_eq!(
            item_date("县政府召开常务会议 12-30", None, today),
            Some(d(2025, 12, 30))
        );
        assert_eq!(item_date("比分 3-2 获胜", None, today), None);
        assert_eq!(item_date("第11-20条", None, today), None);
    }
}
