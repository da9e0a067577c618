//! The simulation's time grid: a start instant with its UTC offset, a fixed step and a
//! number of steps. Step `t` covers `[start + t·step, start + (t+1)·step)`; a power value of
//! step `t` is its mean over that interval, so its energy is `power · dt` with `dt` in hours.

use chrono::{DateTime, Duration, FixedOffset, SecondsFormat, Timelike};
use serde::Serialize;

/// A regular time grid in one fixed UTC offset (the site's local standard time).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct TimeGrid {
    /// First instant, with the local UTC offset.
    pub start: DateTime<FixedOffset>,
    /// Step length in seconds.
    pub step_seconds: i64,
    /// Number of steps.
    pub len: usize,
}

impl TimeGrid {
    /// Step length in hours (the `dt` of every energy sum).
    pub fn dt_hours(&self) -> f64 {
        self.step_seconds as f64 / 3600.0
    }

    /// Start instant of step `t`.
    pub fn instant(&self, t: usize) -> DateTime<FixedOffset> {
        self.start + Duration::seconds(self.step_seconds * t as i64)
    }

    /// Start of step `t` as RFC 3339 with its UTC offset, e.g. `2025-01-01T00:15:00+08:00`.
    pub fn timestamp(&self, t: usize) -> String {
        self.instant(t).to_rfc3339_opts(SecondsFormat::Secs, false)
    }

    /// Seconds since local midnight at the start of step `t`.
    pub fn local_second_of_day(&self, t: usize) -> i64 {
        i64::from(self.instant(t).num_seconds_from_midnight())
    }

    /// Index of the window of length `period_seconds` that step `t` falls in; windows are
    /// aligned to local midnight of the first day, so a period of one day gives calendar days.
    pub fn window_index(&self, t: usize, period_seconds: i64) -> usize {
        let since_midnight = self.local_second_of_day(0) + self.step_seconds * t as i64;
        (since_midnight / period_seconds) as usize
    }
}

/// Parses a duration such as `"15min"`, `"1h"`, `"7d"`, `"30 s"` or `"2w"` into seconds.
pub fn parse_duration(text: &str) -> Result<i64, String> {
    let trimmed = text.trim();
    let split = trimmed
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(trimmed.len());
    let (number, unit) = (&trimmed[..split], trimmed[split..].trim());
    let count: i64 = number
        .parse()
        .map_err(|_| format!("'{trimmed}' does not start with a whole number"))?;
    let seconds = match unit {
        "s" => 1,
        "min" => 60,
        "h" => 3600,
        "d" => 86_400,
        "w" => 7 * 86_400,
        "" => return Err(format!("'{trimmed}' has no unit (s, min, h, d or w)")),
        other => {
            return Err(format!(
                "unknown duration unit '{other}' (use s, min, h, d or w)"
            ));
        }
    };
    count
        .checked_mul(seconds)
        .filter(|s| *s > 0)
        .ok_or_else(|| format!("'{trimmed}' must be a positive duration"))
}

/// Parses a local clock time `"HH:MM"` (`"24:00"` allowed, meaning end of day) into
/// seconds since midnight.
pub fn parse_clock(text: &str) -> Result<i64, String> {
    let err = || format!("'{text}' is not a clock time HH:MM between 00:00 and 24:00");
    let (h, m) = text.trim().split_once(':').ok_or_else(err)?;
    let (h, m): (i64, i64) = (h.parse().map_err(|_| err())?, m.parse().map_err(|_| err())?);
    if !(0..=24).contains(&h) || !(0..60).contains(&m) || (h == 24 && m != 0) {
        return Err(err());
    }
    Ok(h * 3600 + m * 60)
}

/// Whether local second-of-day `s` lies in the daily span `[from, to)`; a span with
/// `to <= from` wraps past midnight (e.g. 18:00–07:00).
pub fn in_daily_span(s: i64, from: i64, to: i64) -> bool {
    if from < to {
        (from..to).contains(&s)
    } else {
        s >= from || s < to
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grid(start: &str, step: i64, len: usize) -> TimeGrid {
        TimeGrid {
            start: DateTime::parse_from_rfc3339(start).unwrap(),
            step_seconds: step,
            len,
        }
    }

    #[test]
    fn durations_and_clock_times() {
        assert_eq!(parse_duration("15min"), Ok(900));
        assert_eq!(parse_duration("7d"), Ok(604_800));
        assert_eq!(parse_duration("1 h"), Ok(3600));
        assert!(parse_duration("15").is_err());
        assert!(parse_duration("0h").is_err());
        assert!(parse_duration("1.5h").is_err());
        assert_eq!(parse_clock("08:30"), Ok(30_600));
        assert_eq!(parse_clock("24:00"), Ok(86_400));
        assert!(parse_clock("25:00").is_err());
    }

    #[test]
    fn timestamps_keep_the_local_offset() {
        let g = grid("2025-01-01T00:00:00+08:00", 900, 4);
        assert_eq!(g.timestamp(1), "2025-01-01T00:15:00+08:00");
        assert_eq!(g.dt_hours(), 0.25);
    }

    #[test]
    fn daily_windows_follow_local_midnight() {
        // Starts at 22:00 local: steps 0-1 are day 0, step 2 (00:00) starts day 1.
        let g = grid("2025-01-01T22:00:00+08:00", 3600, 4);
        let days: Vec<_> = (0..4).map(|t| g.window_index(t, 86_400)).collect();
        assert_eq!(days, [0, 0, 1, 1]);
        assert!(in_daily_span(20 * 3600, 18 * 3600, 7 * 3600));
        assert!(!in_daily_span(12 * 3600, 18 * 3600, 7 * 3600));
    }
}
