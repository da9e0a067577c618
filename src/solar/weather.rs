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
//!    the days' kc follow the observed distribution; scaled so E[kc] equals the observed mean.
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
