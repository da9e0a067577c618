//! An EPW typical year placed on a scenario's time grid.
//!
//! **Alignment.** Every instant is taken to the file's local standard time (UTC plus the
//! LOCATION line's offset, whatever the scenario's offset), and each row goes to the same
//! calendar date and hour of whichever year the scenario runs in: a typical year's months
//! come from different years, and a scenario's year (or years) reuse them by month, day and
//! hour. February 29 of a leap scenario year takes the file's February 29 if it has one,
//! otherwise February 28's 24 hours again.
//!
//! **Within a step.** The file's irradiance is a mean over the hour `[h−1, h)`, a
//! piecewise-constant function of time; its temperature and wind are readings at the hours'
//! ends, joined linearly. A step's value is the mean of that function over the step
//! (midpoint rule on sub-intervals of at most 5 minutes, exact when hours begin on a
//! sub-interval boundary, as they do for whole-minute starts and steps dividing or
//! multiplying 5 minutes). So an hourly step aligned with the file's hours gets exactly the
//! row of the hour it covers, which is what pvlib (`read_epw` labels the row `h−1`:00, the
//! start of the hour it covers) and SAM (irradiance as the hour's mean, the sun at
//! mid-hour) use, and the solar chain takes the sun at the step's middle, `h − 0.5`, as
//! they do. Shorter steps hold the hour's mean irradiance (the hour's energy is kept; no
//! variability is invented), so a sunrise hour's light is spread over its whole hour;
//! their temperature follows the line between readings. Temperature and wind on hourly
//! steps are the mean of the readings at the step's two ends.

use chrono::{DateTime, Datelike, Timelike};

use super::epw::{Epw, EpwHour};
use super::weather::Weather;
use crate::time::TimeGrid;

/// Longest sub-interval over which a step's mean is sampled (s).
const SUB_SECONDS: i64 = 300;

impl Epw {
    /// The file's weather on every step of `time`.
    pub fn weather(&self, time: &TimeGrid) -> Weather {
        let n = time.len;
        let mut w = Weather {
            ghi: Vec::with_capacity(n),
            dni: Vec::with_capacity(n),
            dhi: Vec::with_capacity(n),
            temp_air: Vec::with_capacity(n),
            wind: Vec::with_capacity(n),
            synthetic: false,
        };
        let offset = (self.location.time_zone_hours * 3600.0).round() as i64;
        let subs = (time.step_seconds + SUB_SECONDS - 1) / SUB_SECONDS;
        for t in 0..n {
            // Twice the local standard time in seconds, so sub-interval midpoints are whole.
            let start2 = 2 * (time.instant(t).timestamp() + offset);
            let mut sum = [0.0; 5];
            for k in 0..subs {
                let local2 = start2 + (2 * k + 1) * time.step_seconds / subs;
                let hour = local2.div_euclid(7200);
                let into = (local2 - hour * 7200) as f64 / 7200.0;
                let (now, before) = (self.covering(hour), self.covering(hour - 1));
                sum[0] += now.ghi;
                sum[1] += now.dni;
                sum[2] += now.dhi;
                // Readings at the instants `hour` (the end of the hour before) and `hour + 1`.
                sum[3] += before.temperature + (now.temperature - before.temperature) * into;
                sum[4] += before.wind + (now.wind - before.wind) * into;
            }
            let mean = |i: usize| sum[i] / subs as f64;
            w.ghi.push(mean(0));
            w.dni.push(mean(1));
            w.dhi.push(mean(2));
            w.temp_air.push(mean(3));
            w.wind.push(mean(4));
        }
        w
    }

    /// The row of the hour that begins `hour` hours after 1970-01-01 00:00 local standard
    /// time: the hour ending at `hour mod 24 + 1` of that date.
    fn covering(&self, hour: i64) -> &EpwHour {
        let at = DateTime::from_timestamp(hour * 3600, 0).expect("a scenario instant");
        self.hour(at.month(), at.day(), at.hour() + 1)
            .expect("every calendar hour of a parsed file is present")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::solar::epw::parse;

    fn grid(start: &str, step_seconds: i64, len: usize) -> TimeGrid {
        TimeGrid {
            start: DateTime::parse_from_rfc3339(start).unwrap(),
            step_seconds,
            len,
            zone: None,
        }
    }

    fn shipped() -> Epw {
        parse(&crate::solar::epw::tests::shipped()).unwrap()
    }

    #[test]
    fn hourly_steps_in_the_files_time_zone_take_their_hours_row() {
        let epw = shipped();
        // 2025-06-27 11:00–12:00 +01:00 is the file's 06/27 hour 12 in its LOCATION line's
        // zone (line 4,268: GHI 933, DNI 821.13, DHI 172); the temperature is the mean of
        // the readings at 11:00 (hour 11, line 4,267: 30.78 °C) and 12:00 (31.52 °C).
        let w = epw.weather(&grid("2025-06-27T11:00:00+01:00", 3600, 1));
        // (The hour's mean over its 5-minute sub-intervals: exact to rounding.)
        assert_eq!((w.ghi[0], w.dhi[0]), (933.0, 172.0));
        assert!((w.dni[0] - 821.13).abs() < 1e-9);
        assert!((w.temp_air[0] - (30.78 + 31.52) / 2.0).abs() < 1e-12);
        // The same hour from a scenario in UTC+8 starts at 18:00 there.
        let w8 = epw.weather(&grid("2025-06-27T18:00:00+08:00", 3600, 1));
        assert_eq!(w8, w);
        // A year of hours sums the file's GHI exactly (1,435,861 Wh/m², summed with awk).
        let year = epw.weather(&grid("2025-01-01T00:00:00+01:00", 3600, 8760));
        assert!((year.ghi.iter().sum::<f64>() - 1_435_861.0).abs() < 1e-6);
    }

    #[test]
    fn quarter_hours_keep_the_hours_energy_and_interpolate_temperature() {
        let epw = shipped();
        let w = epw.weather(&grid("2025-06-27T11:00:00+01:00", 900, 4));
        assert!(w.ghi.iter().all(|g| *g == 933.0));
        // 30.78 °C at 11:00 to 31.52 °C at 12:00: quarter means at 1/8, 3/8, 5/8, 7/8.
        for (q, t) in w.temp_air.iter().enumerate() {
            let expect = 30.78 + 0.74 * (2 * q + 1) as f64 / 8.0;
            assert!((t - expect).abs() < 1e-9, "{t} vs {expect}");
        }
    }

    #[test]
    fn a_leap_day_repeats_february_28_and_a_new_year_wraps() {
        let epw = shipped();
        let feb29 = epw.weather(&grid("2024-02-29T00:00:00+01:00", 3600, 24));
        let feb28 = epw.weather(&grid("2025-02-28T00:00:00+01:00", 3600, 24));
        assert_eq!(
            (&feb29.ghi, &feb29.dni, &feb29.dhi),
            (&feb28.ghi, &feb28.dni, &feb28.dhi)
        );
        // Readings too, but for the first hour, which starts from the one before it: at
        // 00:00 on February 29 that is February 28 hour 24, on February 28 February 27's.
        assert_eq!(feb29.temp_air[1..], feb28.temp_air[1..]);
        assert_ne!(feb29.temp_air[0], feb28.temp_air[0]);
        // 2024-03-01 is the file's March 1, not its 61st day.
        let mar1 = epw.weather(&grid("2024-03-01T12:00:00+01:00", 3600, 1));
        assert_eq!(mar1.ghi[0], epw.hour(3, 1, 13).unwrap().ghi);
        // Midnight on January 1: the reading before it is December 31 hour 24's (2.10 °C),
        // with January 1 hour 1's (2.04 °C).
        let jan1 = epw.weather(&grid("2026-01-01T00:00:00+01:00", 3600, 1));
        assert!((jan1.temp_air[0] - 2.07).abs() < 1e-12);
    }
}
