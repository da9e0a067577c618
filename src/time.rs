//! The simulation's time grid: a start instant with its UTC offset, a fixed step and a
//! number of steps. Step `t` covers `[start + t·step, start + (t+1)·step)`; a power value of
//! step `t` is its mean over that interval, so its energy is `power · dt` with `dt` in hours.
//!
//! Steps are instants. The local clock (time-of-use periods, `hours`, daily windows,
//! months, weekdays) is either the fixed UTC offset of `start` or, with a `zone`, that IANA
//! time zone's clock with its daylight-saving changes: then a local day has 23, 24 or 25
//! hours, and each step's timestamp carries the offset in force at its start.

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, SecondsFormat, TimeZone, Timelike};
use chrono_tz::Tz;
use serde::{Serialize, Serializer};

/// A regular time grid on the site's local clock: the fixed UTC offset of `start`, or the
/// clock of a time zone.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct TimeGrid {
    /// First instant, with the local UTC offset.
    pub start: DateTime<FixedOffset>,
    /// Step length in seconds.
    pub step_seconds: i64,
    /// Number of steps.
    pub len: usize,
    /// The IANA time zone whose clock is the local clock; `None`: the offset of `start`.
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "zone_name")]
    pub zone: Option<Tz>,
}

/// Serialises a time zone by its IANA name.
fn zone_name<S: Serializer>(zone: &Option<Tz>, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(zone.map_or("", |z| z.name()))
}

impl TimeGrid {
    /// Step length in hours (the `dt` of every energy sum).
    pub fn dt_hours(&self) -> f64 {
        self.step_seconds as f64 / 3600.0
    }

    /// Start instant of step `t`, with the local offset in force then.
    pub fn instant(&self, t: usize) -> DateTime<FixedOffset> {
        let at = self.start + Duration::seconds(self.step_seconds * t as i64);
        match self.zone {
            None => at,
            Some(zone) => at.with_timezone(&zone).fixed_offset(),
        }
    }

    /// The instant the local clock shows `local` (the earlier one when it shows it twice, as
    /// at the end of summer time; the end of the gap when it skips it, as at its start).
    fn local_instant(&self, local: chrono::NaiveDateTime) -> DateTime<FixedOffset> {
        let offset = *self.start.offset();
        let Some(zone) = self.zone else {
            return offset
                .from_local_datetime(&local)
                .earliest()
                .unwrap_or(self.start);
        };
        (0..=24)
            .find_map(|quarter| {
                zone.from_local_datetime(&(local + Duration::minutes(15 * quarter)))
                    .earliest()
            })
            .map_or(self.start, |d| d.fixed_offset())
    }

    /// The step in which the local clock shows `seconds` after midnight of the local day
    /// that step `day_step` falls in (the earlier when the clock shows it twice); `None`
    /// before the first step.
    pub fn step_at_local_time(&self, day_step: usize, seconds: i64) -> Option<usize> {
        let midnight = self
            .instant(day_step)
            .date_naive()
            .and_time(chrono::NaiveTime::MIN);
        let at = self.local_instant(midnight + Duration::seconds(seconds));
        let since_start = (at - self.start).num_seconds();
        (since_start >= 0).then(|| (since_start / self.step_seconds) as usize)
    }

    /// Real hours from local midnight of `from` to local midnight of `to`: 24 per day on a
    /// fixed offset; 23 or 25 for a day of a daylight-saving change.
    pub fn local_hours(&self, from: NaiveDate, to: NaiveDate) -> f64 {
        let at = |d: NaiveDate| self.local_instant(d.and_time(chrono::NaiveTime::MIN));
        (at(to) - at(from)).num_seconds() as f64 / 3600.0
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
    /// aligned to local midnight of the first day. A period of whole days counts local
    /// calendar days (a window of one day is a calendar day, 23 or 25 hours long across a
    /// daylight-saving change); a shorter one counts elapsed time.
    pub fn window_index(&self, t: usize, period_seconds: i64) -> usize {
        if period_seconds % 86_400 == 0 {
            let days = (self.instant(t).date_naive() - self.instant(0).date_naive()).num_days();
            return (days / (period_seconds / 86_400)) as usize;
        }
        let since_midnight = self.local_second_of_day(0) + self.step_seconds * t as i64;
        (since_midnight / period_seconds) as usize
    }

    /// Real length in seconds of window `index` of length `period_seconds` (see
    /// [`TimeGrid::window_index`]): `period_seconds`, except for windows of whole days
    /// holding a daylight-saving change.
    pub fn window_seconds(&self, index: usize, period_seconds: i64) -> i64 {
        if self.zone.is_none() || period_seconds % 86_400 != 0 {
            return period_seconds;
        }
        let days = period_seconds / 86_400;
        let first = self.instant(0).date_naive();
        let day = |k: i64| first + chrono::Days::new(k as u64);
        let from = day(index as i64 * days);
        (self.local_hours(from, day((index as i64 + 1) * days)) * 3600.0).round() as i64
    }

    /// Real hours of the local calendar month of `year`, `month` (1–12).
    pub fn month_hours(&self, year: i32, month: u32) -> f64 {
        let first = NaiveDate::from_ymd_opt(year, month, 1);
        let next = if month == 12 {
            NaiveDate::from_ymd_opt(year + 1, 1, 1)
        } else {
            NaiveDate::from_ymd_opt(year, month + 1, 1)
        };
        match (first, next) {
            (Some(a), Some(b)) => self.local_hours(a, b),
            _ => 720.0,
        }
    }
}

/// Parses a duration such as `"15min"`, `"1h"`, `"7d"`, `"30 s"` or `"2w"` into seconds;
/// at most [`i64::MAX`] seconds (about 2.9e11 years).
pub fn parse_duration(text: &str) -> Result<i64, String> {
    let trimmed = text.trim();
    let split = trimmed
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(trimmed.len());
    let (number, unit) = (&trimmed[..split], trimmed[split..].trim());
    if number.is_empty() {
        return Err(format!("'{trimmed}' does not start with a whole number"));
    }
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
    // The number is all digits: it fails to parse only when it is too large.
    let total = number
        .parse::<i64>()
        .ok()
        .and_then(|n| n.checked_mul(seconds));
    match total {
        None => Err(format!(
            "'{trimmed}' has too large a number: a duration is read as at most {}{unit} (and a run is at most a million steps)",
            i64::MAX / seconds
        )),
        Some(0) => Err(format!("'{trimmed}' must be a positive duration")),
        Some(total) => Ok(total),
    }
}

/// Parses an RFC 3339 time with UTC offset, e.g. `2025-01-01T00:00:00+08:00`. Otherwise
/// says what is wrong with `text`, as a message starting with the quoted text, and how to
/// write it: a date that does not exist, a time of day or offset out of range, a missing
/// offset, or another form.
pub fn parse_timestamp(text: &str) -> Result<DateTime<FixedOffset>, (String, String)> {
    let error = match DateTime::parse_from_rfc3339(text) {
        Ok(t) => return Ok(t),
        Err(e) => e,
    };
    if let Some(problem) = missing_date(text) {
        return Err(problem);
    }
    let local = ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f"];
    if local
        .iter()
        .any(|f| chrono::NaiveDateTime::parse_from_str(text, f).is_ok())
    {
        return Err((
            format!("'{text}' has no UTC offset"),
            format!(
                "add the offset of the local clock, e.g. {text}+08:00 (or Z for UTC): local clock times are ambiguous or missing around daylight-saving changes"
            ),
        ));
    }
    let example = "e.g. 2025-01-01T00:00:00+08:00";
    if error.kind() == chrono::format::ParseErrorKind::OutOfRange {
        return Err((
            format!("'{text}' has a time of day or UTC offset out of range"),
            format!(
                "hours run from 00 to 23, minutes and seconds from 00 to 59, offsets from -23:59 to +23:59; {example}"
            ),
        ));
    }
    Err((
        format!("'{text}' is not an RFC 3339 time with UTC offset"),
        example.to_string(),
    ))
}

/// When `text` starts with a date `YYYY-MM-DD` that does not exist (February 30, month
/// 13): what is wrong and how to fix it.
fn missing_date(text: &str) -> Option<(String, String)> {
    let mut parts = text.get(..10)?.split('-');
    let mut part = |digits: usize| {
        parts
            .next()
            .filter(|p| p.len() == digits && p.bytes().all(|b| b.is_ascii_digit()))?
            .parse::<u32>()
            .ok()
    };
    let (year, month, day) = (part(4)?, part(2)?, part(2)?);
    let said = format!("'{text}' has a date that does not exist");
    let Some(name) = u8::try_from(month)
        .ok()
        .and_then(|m| chrono::Month::try_from(m).ok())
    else {
        return Some((
            format!("{said}: there is no month {month:02}"),
            "months run from 01 to 12".to_string(),
        ));
    };
    if day == 0 {
        return Some((
            format!("{said}: there is no day 00"),
            "days run from 01".to_string(),
        ));
    }
    let year = i32::try_from(year).ok()?;
    let first = NaiveDate::from_ymd_opt(year, month, 1)?;
    if NaiveDate::from_ymd_opt(year, month, day).is_some() {
        return None;
    }
    let days = (first.checked_add_months(chrono::Months::new(1))? - first).num_days();
    Some((
        format!("{said}: {} {year} has {days} days", name.name()),
        format!(
            "the last day of {} {year} is {year}-{month:02}-{days:02}",
            name.name()
        ),
    ))
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
            zone: None,
        }
    }

    fn berlin(start: &str, step: i64, len: usize) -> TimeGrid {
        TimeGrid {
            zone: Some(chrono_tz::Europe::Berlin),
            ..grid(start, step, len)
        }
    }

    #[test]
    fn the_local_clock_follows_daylight_saving() {
        // 2025-10-26: summer time (+02:00) ends at 03:00 local, the clock going back to
        // 02:00 (+01:00). Hourly steps from local midnight (22:00 UTC on the 25th).
        let g = berlin("2025-10-26T00:00:00+02:00", 3600, 26);
        let stamps: Vec<String> = (0..5).map(|t| g.timestamp(t)).collect();
        assert_eq!(
            stamps,
            [
                "2025-10-26T00:00:00+02:00",
                "2025-10-26T01:00:00+02:00",
                "2025-10-26T02:00:00+02:00",
                "2025-10-26T02:00:00+01:00",
                "2025-10-26T03:00:00+01:00",
            ]
        );
        // The day has 25 steps; step 25 starts the 27th.
        let days: Vec<usize> = (0..26).map(|t| g.window_index(t, 86_400)).collect();
        assert_eq!(days.iter().filter(|d| **d == 0).count(), 25);
        assert_eq!(days[25], 1);
        assert_eq!(g.window_seconds(0, 86_400), 25 * 3600);
        assert_eq!(
            g.local_second_of_day(8),
            7 * 3600,
            "step 8 starts at 07:00 +01:00"
        );
        // 2025-03-30: 02:00 +01:00 becomes 03:00 +02:00, a 23-hour day.
        let g = berlin("2025-03-30T00:00:00+01:00", 3600, 24);
        assert_eq!(g.timestamp(2), "2025-03-30T03:00:00+02:00");
        assert_eq!(g.window_index(22, 86_400), 0);
        assert_eq!(g.window_index(23, 86_400), 1);
        assert_eq!(g.window_seconds(0, 86_400), 23 * 3600);
        // October 2025 in Berlin: 31 days and the hour given back.
        assert_eq!(g.month_hours(2025, 10), 745.0);
        assert_eq!(g.month_hours(2025, 3), 743.0);
        assert_eq!(
            grid("2025-01-01T00:00:00+08:00", 3600, 1).month_hours(2025, 10),
            744.0
        );
    }

    #[test]
    fn durations_and_clock_times() {
        assert_eq!(parse_duration("15min"), Ok(900));
        assert_eq!(parse_duration("7d"), Ok(604_800));
        assert_eq!(parse_duration("1 h"), Ok(3600));
        assert!(parse_duration("15").is_err());
        assert!(parse_duration("0h").is_err());
        assert!(parse_duration("1.5h").is_err());
        assert_eq!(
            parse_duration("99999999999999999999d"),
            Err("'99999999999999999999d' has too large a number: a duration is read as at most 106751991167300d (and a run is at most a million steps)".into())
        );
        assert_eq!(
            parse_duration("9999999999999999 w"),
            Err("'9999999999999999 w' has too large a number: a duration is read as at most 15250284452471w (and a run is at most a million steps)".into())
        );
        assert_eq!(
            parse_duration("x1h"),
            Err("'x1h' does not start with a whole number".into())
        );
    }

    #[test]
    fn timestamps_say_what_is_wrong_with_them() {
        let said = |text: &str| {
            parse_timestamp(text).map_err(|(message, hint)| format!("{message} / {hint}"))
        };
        assert!(parse_timestamp("2024-02-29T00:00:00+08:00").is_ok());
        for (text, expected) in [
            (
                "2025-02-30T00:00:00+08:00",
                "'2025-02-30T00:00:00+08:00' has a date that does not exist: February 2025 has 28 days / the last day of February 2025 is 2025-02-28",
            ),
            (
                "2025-06-00T00:00:00+08:00",
                "'2025-06-00T00:00:00+08:00' has a date that does not exist: there is no day 00 / days run from 01",
            ),
            (
                "2025-13-01T00:00:00",
                "'2025-13-01T00:00:00' has a date that does not exist: there is no month 13 / months run from 01 to 12",
            ),
            (
                "2025-06-01T00:00:00",
                "'2025-06-01T00:00:00' has no UTC offset / add the offset of the local clock, e.g. 2025-06-01T00:00:00+08:00 (or Z for UTC): local clock times are ambiguous or missing around daylight-saving changes",
            ),
            (
                "2025-06-01T25:00:00+08:00",
                "'2025-06-01T25:00:00+08:00' has a time of day or UTC offset out of range / hours run from 00 to 23, minutes and seconds from 00 to 59, offsets from -23:59 to +23:59; e.g. 2025-01-01T00:00:00+08:00",
            ),
            (
                "1 June 2025",
                "'1 June 2025' is not an RFC 3339 time with UTC offset / e.g. 2025-01-01T00:00:00+08:00",
            ),
        ] {
            assert_eq!(said(text), Err(expected.to_string()));
        }
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
