//! Flexible loads: energy owed per window, within a power series and daily hours.

use super::power_series;
use crate::assets::{EnergyWindow, FlexibleLoad};
use crate::scenario::file;
use crate::scenario::values::Checker;
use crate::time::{TimeGrid, in_daily_span, parse_clock, parse_duration};
use crate::units::Dimension;

/// Resolves a `[[flexible_load]]` table: maximum power per step (zero outside `hours`) and
/// the energy owed in each window of the horizon.
pub fn flexible_load(
    c: &mut Checker,
    t: &file::FlexibleLoadTable,
    time: &TimeGrid,
) -> Option<FlexibleLoad> {
    let name = t.name.get_ref();
    let f = |field: &str| format!("flexible_load '{name}': {field}");
    let max = c.series(&t.max_power, power_series(None), &f("max_power"), time);
    let energy = c.nonnegative(&t.energy, Dimension::Energy, &f("energy"));
    let period = match &t.window {
        None if 86_400 % time.step_seconds != 0
            || time.local_second_of_day(0) % time.step_seconds != 0 =>
        {
            c.warn(
                "window-step",
                f(&format!(
                    "{}-minute steps do not tile its default 1-day window: each step counts in the day it starts in, and each window asks energy pro rata to the hours of its steps",
                    time.step_seconds / 60
                )),
                t.name.span(),
                "give window = a whole number of steps (e.g. \"7d\" for 7-hour steps), or steps that divide a day",
            );
            Some(86_400)
        }
        None => Some(86_400),
        Some(w) => match parse_duration(w.get_ref()) {
            Ok(p)
                if p % time.step_seconds == 0
                    && (time.local_second_of_day(0) % time.step_seconds == 0) =>
            {
                Some(p)
            }
            Ok(_) => {
                c.report("window-step", f("window must be a whole number of steps, aligned to local midnight"), w.span(), "use a window such as \"1d\" with a step that divides it and a start on the step grid");
                None
            }
            Err(e) => {
                c.report(
                    "duration",
                    f(&format!("window: {e}")),
                    w.span(),
                    "e.g. window = \"1d\"",
                );
                None
            }
        },
    };
    let hours = match &t.hours {
        None => Some((0, 86_400)),
        Some(h) => match h.get_ref().as_slice() {
            [from, to] => match (parse_clock(from), parse_clock(to)) {
                (Ok(a), Ok(b)) if a != b => {
                    for edge in [a, b] {
                        c.warn_off_grid(edge, time, &f("hours"), h.span());
                    }
                    Some((a, b))
                }
                (Ok(_), Ok(_)) => {
                    c.report(
                        "clock-time",
                        f("hours: from and to are equal"),
                        h.span(),
                        "omit hours to allow the whole day",
                    );
                    None
                }
                (Err(e), _) | (_, Err(e)) => {
                    c.report(
                        "clock-time",
                        f(&format!("hours: {e}")),
                        h.span(),
                        "e.g. hours = [\"08:00\", \"18:00\"]",
                    );
                    None
                }
            },
            _ => {
                c.report(
                    "clock-time",
                    f("hours must be [from, to]"),
                    h.span(),
                    "e.g. hours = [\"18:00\", \"07:00\"] for overnight",
                );
                None
            }
        },
    };
    let (mut max, energy, period, (from, to)) = (max?, energy?, period?, hours?);
    for (t, m) in max.iter_mut().enumerate() {
        if !in_daily_span(time.local_second_of_day(t), from, to) {
            *m = 0.0;
        }
    }
    let mut windows: Vec<EnergyWindow> = Vec::new();
    for t in 0..time.len {
        let w = time.window_index(t, period);
        match windows.last_mut() {
            Some(last) if time.window_index(last.start, period) == w => last.end = t + 1,
            _ => windows.push(EnergyWindow {
                start: t,
                end: t + 1,
                energy_mwh: 0.0,
            }),
        }
    }
    // Each window asks energy pro rata to the time its steps cover (a window cut by the
    // horizon, or one holding more or fewer steps than a period when steps do not divide
    // it): over the horizon, `energy` per `period` exactly. A day of a daylight-saving
    // change is a whole window of 23 or 25 hours, asking `energy` in full.
    for w in &mut windows {
        let length = time.window_seconds(time.window_index(w.start, period), period);
        w.energy_mwh =
            energy * ((w.end - w.start) as f64 * time.step_seconds as f64) / length as f64;
    }
    Some(FlexibleLoad {
        name: name.clone(),
        first_step: 0,
        max_mw: max,
        windows,
        overhead: None,
        group: None,
    })
}
