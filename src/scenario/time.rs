//! The time grid of a scenario: `[time]` start, step and duration.

use chrono::{Datelike, Timelike};
use chrono_tz::Tz;
use toml::Spanned;

use super::file;
use super::values::Checker;
use crate::time::{TimeGrid, parse_duration, parse_timestamp};

/// Most steps one run may have: 28.5 years of 15-minute steps, or 1.9 years of minutes.
/// Every series holds a value per step and the LP a few columns per step, so the limit
/// keeps a typing slip (`"100000d"`) from exhausting memory.
pub const MAX_STEPS: usize = 1_000_000;

/// Resolves `[time]`: an RFC 3339 start with UTC offset, a step dividing the duration, at
/// most [`MAX_STEPS`] steps ending by the year 9999, and the optional IANA `timezone` whose
/// offset at the start must be the start's.
pub fn time_grid(c: &mut Checker, t: &file::TimeSection) -> Option<TimeGrid> {
    let start = parse_timestamp(t.start.get_ref());
    if let Err((message, hint)) = &start {
        c.report(
            "time-start",
            format!("start {message}"),
            t.start.span(),
            hint,
        );
    }
    let mut duration = |s: &Spanned<String>, field: &str| match parse_duration(s.get_ref()) {
        Ok(d) => Some(d),
        Err(e) => {
            c.report(
                "duration",
                format!("{field}: {e}"),
                s.span(),
                "e.g. \"15min\", \"1h\", \"7d\"",
            );
            None
        }
    };
    let (step, total) = (duration(&t.step, "step"), duration(&t.duration, "duration"));
    if let Ok(s) = start
        && s.nanosecond() >= 1_000_000_000
    {
        c.report(
            "time-start",
            format!("start '{}' is a leap second", t.start.get_ref()),
            t.start.span(),
            "start on an ordinary second, e.g. 00:00:00",
        );
        return None;
    }
    let zone = t.timezone.as_ref().map(|z| time_zone(c, z));
    let (Ok(start), Some(step), Some(total)) = (start, step, total) else {
        return None;
    };
    let zone = match zone {
        None => None,
        Some(None) => return None,
        Some(Some(zone)) => {
            let offset = start.with_timezone(&zone).fixed_offset();
            if offset.offset() != start.offset() {
                c.report(
                    "time-zone-offset",
                    format!(
                        "start '{}' has offset {}, but {} is at {} then",
                        t.start.get_ref(),
                        start.offset(),
                        zone.name(),
                        offset.offset()
                    ),
                    t.start.span(),
                    &format!(
                        "write the start with the offset in force: start = \"{}\"",
                        offset.to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
                    ),
                );
                return None;
            }
            Some(zone)
        }
    };
    if total % step != 0 {
        c.report(
            "time-step-divides",
            format!("duration of {total} s is not a whole number of {step} s steps"),
            t.duration.span(),
            "make the duration a multiple of the step",
        );
        return None;
    }
    let len = total / step;
    if len > MAX_STEPS as i64 {
        c.report(
            "time-too-long",
            format!(
                "{len} steps of {step} s, more than the {MAX_STEPS} steps vppsim runs at once"
            ),
            t.duration.span(),
            "shorten the duration or lengthen the step (a year of 15-minute steps is 35,040); split a long study into runs",
        );
        return None;
    }
    let end = start.checked_add_signed(chrono::Duration::seconds(total));
    if end.is_none_or(|e| e.year() > 9999) {
        c.report(
            "time-too-long",
            "the horizon ends after the year 9999".into(),
            t.duration.span(),
            "timestamps are written with four-digit years: end the horizon by 9999",
        );
        return None;
    }
    Some(TimeGrid {
        start,
        step_seconds: step,
        len: len as usize,
        zone,
    })
}

/// The IANA time zone named `name`; otherwise reports it with the closest names.
fn time_zone(c: &mut Checker, name: &Spanned<String>) -> Option<Tz> {
    let written = name.get_ref();
    let found = written.parse::<Tz>().ok();
    if found.is_none() {
        let names = chrono_tz::TZ_VARIANTS.iter().map(|z| z.name());
        let closest = crate::spelling::closest(written, names, 3);
        let hint = if closest.is_empty() {
            "write an IANA time zone name such as \"Europe/Berlin\" or \"Asia/Shanghai\"; leave timezone out to keep the fixed offset of start".to_string()
        } else {
            format!("did you mean {}?", closest.join(", "))
        };
        c.report(
            "time-zone",
            format!("timezone '{written}' is not an IANA time zone name"),
            name.span(),
            &hint,
        );
    }
    found
}
