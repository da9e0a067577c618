//! Weather per step: irradiance (W/m²), air temperature (°C) and wind speed (m/s), read from
//! a CSV file or generated from monthly climate statistics with a seed.
//!
//! The synthetic generator:
//! 1. Clear-sky GHI per step: Ineichen–Perez with the month's Linke turbidity, the sun at
//!    the middle of the step.
//! 2. Sky state per local day (clear / partly cloudy / overcast): a Markov chain with
//!    transition matrix `P = ρ·I + (1 − ρ)·1·πᵀ`, whose stationary distribution is the month's
//!    observed state fractions π and whose lag-1 autocorrelation is the observed ρ.
//! 3. Daily clear-sky index kc: the observed monthly quantile function Q (through p10, p50,
//!    p90, p98; Q(0) = p10/2, Q(1) = p98 + 0.01), sampled in the state's band of
//!    probabilities (overcast: the lowest π_o, clear: the highest π_c, partly: between), so
//!    the days' kc follow the observed distribution; scaled so `E[kc]` equals the observed mean.
//! 4. Within a day, GHI = kc·clear-sky; on partly cloudy days times a mean-one log-normal
//!    AR(1) cloud factor (σ = 0.45, lag-1 0.85 per 15 min), renormalised to the day's energy.
//! 5. DNI and DHI by Erbs decomposition.
//! 6. Air temperature: monthly mean interpolated by day of year, plus a diurnal cosine
//!    peaking at 15:00 local whose half-range shrinks on cloudier days (×1, ×0.75, ×0.45),
//!    plus a daily AR(1) anomaly (σ 2 K, lag-1 0.7). Wind: the monthly mean.

use super::clearsky::{SOLAR_CONSTANT, ineichen};
use super::irradiance::erbs;
use super::spa::{Site, SunTrack};
use crate::rng::Rng;
use crate::time::TimeGrid;

/// Weather per step: irradiance (W/m²), air temperature (°C), wind speed (m/s).
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize)]
pub struct Weather {
    pub ghi: Vec<f64>,
    pub dni: Vec<f64>,
    pub dhi: Vec<f64>,
    pub temp_air: Vec<f64>,
    pub wind: Vec<f64>,
}

/// Climate statistics of one calendar month.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct MonthClimate {
    pub kc_mean: f64,
    /// Quantiles p10, p50, p90, p98 of the daily clear-sky index.
    pub kc_quantiles: [f64; 4],
    /// Fractions of clear, partly cloudy and overcast days (sum 1).
    pub fractions: [f64; 3],
    pub kc_lag1: f64,
    pub linke_turbidity: f64,
    pub temp_mean_c: f64,
    pub temp_half_range_c: f64,
    pub wind_ms: f64,
}

const OVERCAST: usize = 2;
const PARTLY: usize = 1;
const CLEAR: usize = 0;

impl MonthClimate {
    /// Quantile function of the daily clear-sky index, piecewise linear.
    fn quantile(&self, u: f64) -> f64 {
        let [p10, p50, p90, p98] = self.kc_quantiles;
        let knots = [
            (0.0, p10 / 2.0),
            (0.1, p10),
            (0.5, p50),
            (0.9, p90),
            (0.98, p98),
            (1.0, p98 + 0.01),
        ];
        let i = knots
            .iter()
            .rposition(|(x, _)| *x <= u)
            .unwrap_or(0)
            .min(knots.len() - 2);
        let ((x0, y0), (x1, y1)) = (knots[i], knots[i + 1]);
        y0 + (y1 - y0) * (u - x0) / (x1 - x0)
    }

    /// Mean of [`Self::quantile`] over u in 0..1 (trapezoids are exact here).
    fn quantile_mean(&self) -> f64 {
        let n = 1000;
        (0..n)
            .map(|i| self.quantile((i as f64 + 0.5) / n as f64))
            .sum::<f64>()
            / n as f64
    }
}

/// Generates weather for every step of `time` at `site` from monthly `climate`.
pub fn synthetic(time: &TimeGrid, site: &Site, climate: &[MonthClimate; 12], seed: u64) -> Weather {
    let mut rng = Rng::new(seed);
    let mut track = SunTrack::new(*site);
    let n = time.len;
    let steps_per_15min = (time.step_seconds as f64 / 900.0).max(1e-9);
    let (phi_cloud, sigma_cloud) = (0.85f64.powf(steps_per_15min), 0.45);
    let kc_scale: Vec<f64> = climate
        .iter()
        .map(|m| m.kc_mean / m.quantile_mean())
        .collect();
    let mut w = Weather {
        ghi: vec![0.0; n],
        dni: vec![0.0; n],
        dhi: vec![0.0; n],
        temp_air: vec![0.0; n],
        wind: vec![0.0; n],
    };
    let mut clear_sky = vec![0.0; n];
    let mut zenith = vec![0.0; n];
    let mut extra = vec![0.0; n];
    for t in 0..n {
        let mid = time.instant(t).timestamp() as f64 + time.step_seconds as f64 / 2.0;
        let sun = track.at(mid);
        let month = month_index(time, t);
        extra[t] = SOLAR_CONSTANT / (sun.radius_au * sun.radius_au);
        zenith[t] = sun.zenith;
        clear_sky[t] = ineichen(
            sun.zenith,
            climate[month].linke_turbidity,
            site.elevation,
            extra[t],
        )
        .ghi;
    }
    let mut state = CLEAR;
    let mut anomaly = 0.0;
    let mut cloud = 0.0;
    let mut day_start = 0;
    while day_start < n {
        let day = time.window_index(day_start, 86_400);
        let day_end = (day_start..n)
            .find(|&t| time.window_index(t, 86_400) != day)
            .unwrap_or(n);
        let month = month_index(time, day_start);
        let m = &climate[month];
        state = next_state(&mut rng, state, m);
        let band = match state {
            OVERCAST => (0.0, m.fractions[OVERCAST]),
            PARTLY => (m.fractions[OVERCAST], 1.0 - m.fractions[CLEAR]),
            _ => (1.0 - m.fractions[CLEAR], 1.0),
        };
        let u = band.0 + (band.1 - band.0) * rng.uniform();
        let kc = (m.quantile(u) * kc_scale[month]).clamp(0.02, 1.0);
        let target: f64 = kc * clear_sky[day_start..day_end].iter().sum::<f64>();
        let mut sum = 0.0;
        for (ghi, clear) in w.ghi[day_start..day_end]
            .iter_mut()
            .zip(&clear_sky[day_start..day_end])
        {
            let factor = if state == PARTLY {
                cloud = phi_cloud * cloud + (1.0 - phi_cloud * phi_cloud).sqrt() * rng.normal();
                (sigma_cloud * cloud - sigma_cloud * sigma_cloud / 2.0).exp()
            } else {
                1.0
            };
            *ghi = clear * kc * factor;
            sum += *ghi;
        }
        let renormalise = if sum > 0.0 { target / sum } else { 0.0 };
        anomaly = 0.7 * anomaly + (1.0f64 - 0.49).sqrt() * 2.0 * rng.normal();
        let amplitude = m.temp_half_range_c * [1.0, 0.75, 0.45][state];
        for t in day_start..day_end {
            w.ghi[t] *= renormalise;
            let sky = erbs(w.ghi[t], zenith[t], extra[t]);
            (w.dni[t], w.dhi[t]) = (sky.dni, sky.dhi);
            let hour =
                time.local_second_of_day(t) as f64 / 3600.0 + time.step_seconds as f64 / 7200.0;
            let diurnal = amplitude * (2.0 * std::f64::consts::PI * (hour - 15.0) / 24.0).cos();
            w.temp_air[t] = seasonal_temperature(time, t, climate) + diurnal + anomaly;
            w.wind[t] = m.wind_ms;
        }
        day_start = day_end;
    }
    w
}

/// One step of the sky-state Markov chain: stay with probability ρ, else draw from π.
fn next_state(rng: &mut Rng, state: usize, m: &MonthClimate) -> usize {
    if rng.uniform() < m.kc_lag1.clamp(0.0, 0.99) {
        return state;
    }
    let u = rng.uniform();
    if u < m.fractions[CLEAR] {
        CLEAR
    } else if u < m.fractions[CLEAR] + m.fractions[PARTLY] {
        PARTLY
    } else {
        OVERCAST
    }
}

/// Calendar month (0–11) of step `t` in local time.
fn month_index(time: &TimeGrid, t: usize) -> usize {
    use chrono::Datelike;
    time.instant(t).month0() as usize
}

/// Monthly mean temperature interpolated linearly between mid-months.
fn seasonal_temperature(time: &TimeGrid, t: usize, climate: &[MonthClimate; 12]) -> f64 {
    use chrono::Datelike;
    let doy = time.instant(t).ordinal0() as f64 + time.local_second_of_day(t) as f64 / 86_400.0;
    let position = doy / 365.25 * 12.0 - 0.5; // 0 at mid-January
    let i = position.floor();
    let f = position - i;
    let a = climate[(i as i64).rem_euclid(12) as usize].temp_mean_c;
    let b = climate[((i as i64) + 1).rem_euclid(12) as usize].temp_mean_c;
    a + (b - a) * f
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::DateTime;

    /// The shipped Xining climate table (data/solar/xining_climate.csv).
    pub(crate) fn xining_climate() -> [MonthClimate; 12] {
        let text = include_str!("../../data/solar/xining_climate.csv");
        let rows: Vec<Vec<f64>> = text
            .lines()
            .skip(1)
            .map(|l| l.split(',').map(|x| x.parse().unwrap()).collect())
            .collect();
        std::array::from_fn(|m| {
            let r = &rows[m];
            MonthClimate {
                kc_mean: r[1],
                kc_quantiles: [r[2], r[3], r[4], r[5]],
                fractions: [r[6], r[7], r[8]],
                kc_lag1: r[9],
                linke_turbidity: r[10],
                temp_mean_c: r[11],
                temp_half_range_c: r[12],
                wind_ms: r[13],
            }
        })
    }

    fn year(step_seconds: i64) -> TimeGrid {
        TimeGrid {
            start: DateTime::parse_from_rfc3339("2025-01-01T00:00:00+08:00").unwrap(),
            step_seconds,
            len: (365 * 86_400 / step_seconds) as usize,
        }
    }

    #[test]
    fn ineichen_with_the_linke_climatology_reproduces_the_station_clear_sky_sums() {
        // CDSRD station 52866: mean daily clear-sky GHI per month (kWh/m²), computed with
        // pvlib's Ineichen and Linke lookup; ours uses the same climatology's monthly means.
        let station = Site::new(36.7333, 101.75, 2296.0);
        let climate = xining_climate();
        let published = [
            3.845, 5.164, 6.888, 8.509, 9.539, 9.896, 9.639, 8.753, 7.354, 5.668, 4.163, 3.440,
        ];
        let time = year(300);
        let mut track = SunTrack::new(station);
        let mut sums = [0.0; 12];
        let mut days = [0.0; 12];
        for t in 0..time.len {
            let sun = track.at(time.instant(t).timestamp() as f64 + 150.0);
            let m = month_index(&time, t);
            let extra = SOLAR_CONSTANT / (sun.radius_au * sun.radius_au);
            sums[m] +=
                ineichen(sun.zenith, climate[m].linke_turbidity, 2296.0, extra).ghi * 300.0 / 3.6e6;
            days[m] += 300.0 / 86_400.0;
        }
        for m in 0..12 {
            let ours = sums[m] / days[m];
            let rel = (ours / published[m] - 1.0).abs();
            assert!(
                rel < 0.01,
                "month {}: {ours:.3} vs {} kWh/m² per day ({:.2} %)",
                m + 1,
                published[m],
                100.0 * rel
            );
        }
    }

    #[test]
    fn synthetic_year_matches_the_observed_climate() {
        let site = Site::new(36.62, 101.78, 2275.0);
        let climate = xining_climate();
        let time = year(900);
        let w = synthetic(&time, &site, &climate, 42);
        let annual: f64 = w.ghi.iter().sum::<f64>() * 0.25 / 1000.0;
        // Observed: Σ monthly mean daily GHI × days = 1,577 kWh/m² (CDSRD 1970–2017);
        // long-term mean quoted for Xining ≈ 1,575.
        assert!(
            (annual / 1577.5 - 1.0).abs() < 0.03,
            "annual GHI {annual:.0} kWh/m²"
        );
        let mean_t = w.temp_air.iter().sum::<f64>() / w.temp_air.len() as f64;
        assert!(
            (mean_t - 7.3).abs() < 1.0,
            "mean air temperature {mean_t:.2} °C"
        );
        assert!(
            w.ghi
                .iter()
                .zip(&w.dni)
                .zip(&w.dhi)
                .all(|((g, b), d)| *g >= 0.0 && *b >= 0.0 && *d >= 0.0 && *d <= g + 1e-9)
        );
        // Same seed, same weather; another seed, another year.
        assert_eq!(synthetic(&time, &site, &climate, 42).ghi, w.ghi);
        assert_ne!(synthetic(&time, &site, &climate, 43).ghi, w.ghi);
    }
}
