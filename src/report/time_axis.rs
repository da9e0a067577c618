//! Ticks of a time axis that suit its span, in local time: a day or two shows hours
//! (every 3 h, `06:00`), up to a month shows days (`Mon 14 Jul`, at midnight, every day up
//! to 10 days and then every few), longer spans show months (`Jan`, at the first of each
//! month). Positions are days from the axis start, the unit the charts plot in.

use std::ops::Range;

use chrono::{DateTime, Datelike, Duration, FixedOffset, NaiveDate, Timelike};
use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint, Ranged};

/// A linear `f64` axis whose labelled points are given (plotters' own key points fall on
/// round numbers, which for days or hours are the wrong places).
#[derive(Debug, Clone)]
pub struct Ticked {
    range: Range<f64>,
    ticks: Vec<f64>,
}

impl Ticked {
    pub fn new(range: Range<f64>, ticks: Vec<f64>) -> Ticked {
        Ticked { range, ticks }
    }
}

impl Ranged for Ticked {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    /// Linear, as plotters maps an `f64` range.
    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        let span = self.range.end - self.range.start;
        let pixels = limit.1 - limit.0;
        if pixels == 0 || span == 0.0 {
            return limit.1;
        }
        limit.0 + (pixels as f64 * (value - self.range.start) / span + 1e-3).floor() as i32
    }

    /// The given ticks as bold points (no light mesh lines).
    fn key_points<Hint: KeyPointHint>(&self, hint: Hint) -> Vec<f64> {
        if hint.weight().allow_light_points() {
            Vec::new()
        } else {
            self.ticks.clone()
        }
    }

    fn range(&self) -> Range<f64> {
        self.range.clone()
    }
}

/// Ticks and how to label them.
#[derive(Debug, Clone, PartialEq)]
pub struct TimeAxis {
    /// Positions (days from the start).
    pub ticks: Vec<f64>,
    /// `chrono` format of a tick's label.
    pub format: &'static str,
    /// The axis description: `local time, 1 Jun 2025`, `local time, 2025`, ….
    pub description: String,
}

impl TimeAxis {
    /// The ticks for an axis from `start` over `days` days (local time of `start`'s offset).
    pub fn new(start: DateTime<FixedOffset>, days: f64) -> TimeAxis {
        let end = start + Duration::seconds((days * 86_400.0).round() as i64);
        let at = |t: DateTime<FixedOffset>| (t - start).num_seconds() as f64 / 86_400.0;
        let midnight = |d: NaiveDate| {
            d.and_hms_opt(0, 0, 0)
                .and_then(|n| n.and_local_timezone(*start.offset()).single())
        };
        let mut ticks = Vec::new();
        if days <= 2.0 {
            // Every 3 hours, on the hour.
            let mut t = start
                - Duration::seconds(start.num_seconds_from_midnight() as i64 % (3 * 3600))
                - Duration::nanoseconds(start.nanosecond() as i64);
            if t < start {
                t += Duration::hours(3);
            }
            while t <= end {
                ticks.push(at(t));
                t += Duration::hours(3);
            }
            let description = if days <= 1.0 {
                format!("local time, {}", start.format("%a %-d %b %Y"))
            } else {
                format!(
                    "local time, {} to {}",
                    start.format("%-d %b"),
                    end.format("%-d %b %Y")
                )
            };
            return TimeAxis {
                ticks,
                format: "%H:%M",
                description,
            };
        }
        if days <= 45.0 {
            // Each midnight (every `every` days).
            let every = (days / 10.0).ceil().max(1.0) as i64;
            let mut d = start.date_naive();
            if midnight(d).is_none_or(|m| m < start) {
                d = d.succ_opt().unwrap_or(d);
            }
            while let Some(m) = midnight(d).filter(|m| *m <= end) {
                ticks.push(at(m));
                d += Duration::days(every);
            }
            return TimeAxis {
                ticks,
                format: "%a %-d %b",
                description: format!("local time, {}", start.format("%Y")),
            };
        }
        // The first of each month (every second month beyond two years), not the end of the
        // axis: a year from 1 January ends at the next, which is not a month shown.
        let every = if days > 730.0 { 2 } else { 1 };
        let (mut y, mut m) = (start.year(), start.month());
        if start.day() != 1 || start.num_seconds_from_midnight() != 0 {
            (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
        }
        while let Some(first) = NaiveDate::from_ymd_opt(y, m, 1).and_then(midnight) {
            if first >= end {
                break;
            }
            ticks.push(at(first));
            for _ in 0..every {
                (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
            }
        }
        let description = if start.year() == (end - Duration::seconds(1)).year() {
            format!("local time, {}", start.format("%Y"))
        } else {
            "local time".to_string()
        };
        TimeAxis {
            ticks,
            format: if description == "local time" {
                "%b %Y"
            } else {
                "%b"
            },
            description,
        }
    }

    /// The label of position `x` (days from `start`).
    pub fn label(&self, start: DateTime<FixedOffset>, x: f64) -> String {
        (start + Duration::seconds((x * 86_400.0).round() as i64))
            .format(self.format)
            .to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(s).unwrap()
    }

    fn labels(start: &str, days: f64) -> (Vec<String>, String) {
        let start = at(start);
        let axis = TimeAxis::new(start, days);
        (
            axis.ticks.iter().map(|x| axis.label(start, *x)).collect(),
            axis.description,
        )
    }

    #[test]
    fn a_day_shows_hours() {
        let (l, d) = labels("2025-06-01T00:00:00+08:00", 1.0);
        assert_eq!(
            l,
            [
                "00:00", "03:00", "06:00", "09:00", "12:00", "15:00", "18:00", "21:00", "00:00"
            ]
        );
        assert_eq!(d, "local time, Sun 1 Jun 2025");
        // A start off the 3-hour grid begins at the next tick.
        let (l, _) = labels("2025-06-01T01:30:00+08:00", 1.0);
        assert_eq!(l[0], "03:00");
    }

    #[test]
    fn a_week_shows_days_and_a_year_months() {
        let (l, _) = labels("2025-07-14T00:00:00+08:00", 7.0);
        assert_eq!(
            l,
            [
                "Mon 14 Jul",
                "Tue 15 Jul",
                "Wed 16 Jul",
                "Thu 17 Jul",
                "Fri 18 Jul",
                "Sat 19 Jul",
                "Sun 20 Jul",
                "Mon 21 Jul"
            ]
        );
        let (l, d) = labels("2025-01-01T00:00:00+08:00", 365.0);
        assert_eq!(l.len(), 12);
        assert_eq!((l[0].as_str(), l[11].as_str()), ("Jan", "Dec"));
        assert_eq!(d, "local time, 2025");
        // A year from mid-July: months from August, the years named.
        let (l, d) = labels("2025-07-14T00:00:00+08:00", 365.0);
        assert_eq!((l[0].as_str(), l[11].as_str()), ("Aug 2025", "Jul 2026"));
        assert_eq!(d, "local time");
    }
}
