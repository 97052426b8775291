//! Working days: weekends, public holidays and make-up working days (调休),
//! from the profile's table. Outside the table only weekends are known, and
//! the caller is told so.

use chrono::{Datelike, NaiveDate, Weekday};
use std::collections::BTreeSet;

/// The holiday table of a profile.
#[derive(Debug, Clone, Default)]
pub struct WorkCalendar {
    holidays: BTreeSet<NaiveDate>,
    makeup: BTreeSet<NaiveDate>,
    years: BTreeSet<i32>,
}

/// A count of working days and whether the holiday table covered it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WorkdayCount {
    /// Working days after `from`, up to and including `to` (negative if `to` is before `from`).
    pub days: i64,
    /// False when a date fell outside the table's years (weekends only were used).
    pub covered: bool,
}

impl WorkCalendar {
    /// A calendar for the given years from holiday and make-up day lists.
    pub fn new(years: &[i32], holidays: &[NaiveDate], makeup: &[NaiveDate]) -> WorkCalendar {
        WorkCalendar {
            holidays: holidays.iter().copied().collect(),
            makeup: makeup.iter().copied().collect(),
            years: years.iter().copied().collect(),
        }
    }

    /// Whether `d` is a working day.
    pub fn is_working_day(&self, d: NaiveDate) -> bool {
        if self.makeup.contains(&d) {
            return true;
        }
        if self.holidays.contains(&d) {
            return false;
        }
        !matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
    }

    /// Working days after `from` up to and including `to`.
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> WorkdayCount {
        let (a, b, sign) = if from <= to {
            (from, to, 1)
        } else {
            (to, from, -1)
        };
        let covered = (a.year()..=b.year()).all(|y| self.years.contains(&y));
        let mut days = 0i64;
        let mut d = a;
        // Bounded: dates are at most a few decades apart.
        while d < b && days < 100_000 {
            d = d.succ_opt().unwrap_or(b);
            if self.is_working_day(d) {
                days += 1;
            }
        }
        WorkdayCount {
            days: days * sign,
            covered,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, dd: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, dd).unwrap()
    }

    #[test]
    fn national_day_and_makeup() {
        // 2025: 10-01..10-08 off, 09-28 (Sun) and 10-11 (Sat) worked.
        let holidays: Vec<NaiveDate> = (1..=8).map(|x| d(2025, 10, x)).collect();
        let cal = WorkCalendar::new(&[2025], &holidays, &[d(2025, 9, 28), d(2025, 10, 11)]);
        assert!(cal.is_working_day(d(2025, 9, 28)));
        assert!(!cal.is_working_day(d(2025, 10, 3)));
        // From Fri 09-26: 09-28 (makeup), 09-29, 09-30, then 10-09, 10-10, 10-11 (makeup).
        let c = cal.working_days_between(d(2025, 9, 26), d(2025, 10, 11));
        assert_eq!(
            c,
            WorkdayCount {
                days: 6,
                covered: true
            }
        );
        assert_eq!(
            cal.working_days_between(d(2025, 10, 11), d(2025, 9, 26))
                .days,
            -6
        );
        assert!(
            !cal.working_days_between(d(2024, 12, 30), d(2025, 1, 2))
                .covered
        );
    }
}
