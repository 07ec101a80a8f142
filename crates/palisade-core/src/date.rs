//! Calendar dates for exception expiry, without a time-zone database: an
//! exception "until 2027-03-31" applies through that whole day in UTC.

use std::fmt;
use std::str::FromStr;
use std::time::{SystemTime, UNIX_EPOCH};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: i32,
    month: u8,
    day: u8,
}

#[derive(Debug, thiserror::Error)]
#[error("invalid date `{0}` (expected YYYY-MM-DD)")]
pub struct InvalidDate(pub String);

fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        _ => 28,
    }
}

impl Date {
    pub fn new(year: i32, month: u8, day: u8) -> Option<Date> {
        ((1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month))
            .then_some(Date { year, month, day })
    }

    /// Today in UTC.
    pub fn today() -> Date {
        let secs = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        Date::from_days_since_epoch((secs / 86_400) as i64)
    }

    /// Civil date from a day count (the proleptic Gregorian algorithm of
    /// Howard Hinnant's `civil_from_days`).
    pub fn from_days_since_epoch(days: i64) -> Date {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day }
    }
}

impl Date {
    /// Days since 1970-01-01 (the inverse of
    /// [`Date::from_days_since_epoch`], Hinnant's `days_from_civil`).
    pub fn days_since_epoch(self) -> i64 {
        let year = i64::from(self.year) - i64::from(self.month <= 2);
        let era = year.div_euclid(400);
        let yoe = year.rem_euclid(400);
        let month = i64::from(self.month);
        let mp = if month > 2 { month - 3 } else { month + 9 };
        let doy = (153 * mp + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// Whole days from `earlier` to `self` (negative when `earlier` is
    /// later).
    pub fn days_since(self, earlier: Date) -> i64 {
        self.days_since_epoch() - earlier.days_since_epoch()
    }
}

impl FromStr for Date {
    type Err = InvalidDate;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || InvalidDate(s.to_string());
        let s = s.trim();
        // Accept a full RFC 3339 timestamp too; only its date counts.
        let date = s.get(..10).ok_or_else(bad)?;
        if s.len() > 10 && !s[10..].starts_with('T') {
            return Err(bad());
        }
        let mut parts = date.split('-');
        let year = parts.next().and_then(|p| p.parse().ok()).ok_or_else(bad)?;
        let month = parts.next().and_then(|p| p.parse().ok()).ok_or_else(bad)?;
        let day = parts.next().and_then(|p| p.parse().ok()).ok_or_else(bad)?;
        Date::new(year, month, day).ok_or_else(bad)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_epoch_days() {
        assert_eq!(Date::from_days_since_epoch(0).to_string(), "1970-01-01");
        for days in [-800_000, -1, 0, 59, 11_016, 20_819, 2_932_896] {
            assert_eq!(Date::from_days_since_epoch(days).days_since_epoch(), days);
        }
        assert_eq!(
            Date::from_days_since_epoch(20_819).to_string(),
            "2027-01-01"
        );
        assert_eq!(
            Date::from_days_since_epoch(11_016).to_string(),
            "2000-02-29"
        );
    }

    #[test]
    fn parses_and_rejects() {
        assert_eq!(
            "2026-11-27".parse::<Date>().unwrap(),
            Date::new(2026, 11, 27).unwrap()
        );
        assert!("2026-02-30".parse::<Date>().is_err());
        assert!("27/11/2026".parse::<Date>().is_err());
        assert!("2026-11-27T10:00:00Z".parse::<Date>().is_ok());
    }
}
