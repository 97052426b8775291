//! Dates as government sites write them: 2026-11-20, 2026/11/20, 2026.11.20,
//! 2026年11月20日, [11-20] with the year from context, with or without time.

use chrono::{Datelike, NaiveDate};

/// Parses the first full date in `s`.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    find_dates(s).into_iter().next()
}

/// Every full date (with a year) in `s`, in order: a year 19xx/20xx not
/// inside a longer number, a separator (`-` `/` `.` `年`), a month of one
/// or two digits, a separator (`-` `/` `.` `月`), a day of one or two
/// digits not followed by another digit; white space allowed around the
/// separators. Impossible dates (2026-02-30) are skipped.
///
/// Written out rather than as a regular expression: it runs over the text
/// of every page, and the capture engine it needed was a tenth of the
/// checks' time. The property tests hold it to the expression it replaced.
pub fn find_dates(s: &str) -> Vec<NaiveDate> {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i + 4 <= bytes.len() {
        let year_here = matches!(&bytes[i..i + 2], b"19" | b"20")
            && bytes[i + 2].is_ascii_digit()
            && bytes[i + 3].is_ascii_digit()
            && (i == 0 || !bytes[i - 1].is_ascii_digit());
        if year_here {
            if let Some(date) = date_after_year(s, i) {
                out.push(date);
            }
            // Past the year, so that adjacent dates are still found.
            i += 4;
        } else {
            i += 1;
        }
    }
    out
}

/// The month and day after the year at `at`, if a date follows.
fn date_after_year(s: &str, at: usize) -> Option<NaiveDate> {
    let year: i32 = s[at..at + 4].parse().ok()?;
    let rest = skip_space(&s[at + 4..]);
    let rest = skip_space(rest.strip_prefix(['-', '/', '.', '年'])?);
    // A regular expression would try the two-digit reading first and fall
    // back to one digit; so does this.
    for month_len in [2, 1] {
        let Some((month, after_month)) = number(rest, month_len, b'1') else {
            continue;
        };
        let Some(after_sep) = skip_space(after_month).strip_prefix(['-', '/', '.', '月']) else {
            continue;
        };
        let after_sep = skip_space(after_sep);
        for day_len in [2, 1] {
            let Some((day, after_day)) = number(after_sep, day_len, b'3') else {
                continue;
            };
            if after_day.as_bytes().first().is_some_and(u8::is_ascii_digit) {
                continue;
            }
            // The first reading that matches is the one taken, valid or not.
            return NaiveDate::from_ymd_opt(year, month, day);
        }
    }
    None
}

/// `len` ASCII digits at the start of `s` (a two-digit number's first
/// digit at most `max_tens`), and what follows them.
fn number(s: &str, len: usize, max_tens: u8) -> Option<(u32, &str)> {
    let digits = s.as_bytes().get(..len)?;
    if !digits.iter().all(u8::is_ascii_digit) || (len == 2 && digits[0] > max_tens) {
        return None;
    }
    let value = digits.iter().fold(0, |n, d| n * 10 + u32::from(d - b'0'));
    Some((value, &s[len..]))
}

fn skip_space(s: &str) -> &str {
    s.trim_start_matches(char::is_whitespace)
}

/// The date of a list item: a full date, or a bracketed/trailing `MM-DD`
/// with the year taken from `context_year` (a date after `today` is moved
/// back a year). `context_year` is asked only for an `MM-DD` item: working
/// it out means reading the whole page's dates.
pub fn item_date(
    s: &str,
    context_year: impl FnOnce() -> Option<i32>,
    today: NaiveDate,
) -> Option<NaiveDate> {
    if let Some(d) = find_dates(s).into_iter().last() {
        return Some(d);
    }
    let (m, d) = month_day(s)?;
    let context_year = context_year();
    let year = context_year.unwrap_or(today.year());
    let date = NaiveDate::from_ymd_opt(year, m, d)?;
    if context_year.is_none() && date > today {
        return NaiveDate::from_ymd_opt(year - 1, date.month(), date.day());
    }
    Some(date)
}

/// A bare `MM-DD` of a list item: the first one in brackets (`[11-20]`,
/// `（11-20）`, white space allowed inside), else one that ends the item
/// after white space or alone. A bare one elsewhere is not a date
/// (`比分 3-2`, `第11-20条`).
///
/// Written out rather than as a regular expression: it runs on every list
/// item without a full date, and the capture engine was 1.4% of a scan's
/// instructions. A property test holds it to the expression it replaced.
fn month_day(s: &str) -> Option<(u32, u32)> {
    // Both forms have a `-`; most undated items do not.
    memchr::memchr(b'-', s.as_bytes())?;
    for (i, c) in s.char_indices() {
        if !matches!(c, '[' | '［' | '(' | '（') {
            continue;
        }
        let Some((m, d, after)) = mm_dd(skip_space(&s[i + c.len_utf8()..])) else {
            continue;
        };
        if skip_space(after).starts_with([']', '］', ')', '）']) {
            return Some((m, d));
        }
    }
    let item = s.trim_end_matches(char::is_whitespace);
    let at = item.len().checked_sub(5)?;
    let before = item.get(..at)?;
    let (m, d, rest) = mm_dd(&item[at..])?;
    (rest.is_empty() && (before.is_empty() || before.ends_with(char::is_whitespace)))
        .then_some((m, d))
}

/// `[01][0-9]-[0-3][0-9]` at the start of `s`, and what follows.
fn mm_dd(s: &str) -> Option<(u32, u32, &str)> {
    let (m, rest) = number(s, 2, b'1')?;
    let (d, rest) = number(rest.strip_prefix('-')?, 2, b'3')?;
    Some((m, d, rest))
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
            item_date("县政府召开常务会议 [11-20]", || Some(2026), today),
            Some(d(2026, 11, 20))
        );
        assert_eq!(
            item_date("县政府召开常务会议 12-30", || None, today),
            Some(d(2025, 12, 30))
        );
        assert_eq!(item_date("比分 3-2 获胜", || None, today), None);
        assert_eq!(item_date("第11-20条", || None, today), None);
    }
}
