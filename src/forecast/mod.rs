//! Forecasters: what a dispatcher is told about a series' future at the moment it plans.
//!
//! A forecast made at step `start` for steps `start..start + len` may use the truth only up
//! to `start − 1` (except `Perfect`, and `Noisy`, which is the truth plus a seeded error):
//! - `Perfect`: the truth;
//! - `Persistence`: the last observed value, repeated (at the first step, its own value);
//! - `SeasonalNaive`: the value one period earlier (e.g. 96 steps: same time yesterday),
//!   the truth where no earlier period exists yet;
//! - `Noisy`: truth + an AR(1) error with lag-1 correlation φ and stationary standard
//!   deviation σ (MW), drawn per plan from a stream seeded by the scenario seed and `start`;
//! - `Regression`: ordinary least squares (nalgebra SVD) of `y[t]` on `1, y[t − period],
//!   sin(2π·τ/period), cos(2π·τ/period)` (τ the step's phase in the period), fitted on the
//!   `train` periods observed before `start`; seasonal-naive while less history exists.
//!
//! Forecasts of power are clipped to `≥ 0`.

use serde::Serialize;

use crate::rng::Rng;

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Forecaster {
    Perfect,
    Persistence,
    SeasonalNaive {
        period: usize,
    },
    Noisy {
        sigma_mw: f64,
        autocorrelation: f64,
        seed: u64,
    },
    Regression {
        period: usize,
        train: usize,
    },
}

impl Forecaster {
    /// Fills `out` with the forecast of `truth[start..start + len]` made at `start`;
    /// `series` tells the noise streams of different series apart.
    pub fn forecast(
        &self,
        truth: &[f64],
        start: usize,
        len: usize,
        series: u64,
        out: &mut Vec<f64>,
    ) {
        out.clear();
        let window = &truth[start..start + len];
        match *self {
            Forecaster::Perfect => out.extend_from_slice(window),
            Forecaster::Persistence => {
                let last = truth[start.saturating_sub(1)];
                out.extend(std::iter::repeat_n(last, len));
            }
            Forecaster::SeasonalNaive { period } => {
                out.extend((start..start + len).map(|t| {
                    // The latest observed step at the same phase of the period.
                    let lag = period * (t + 1 - start).div_ceil(period).max(1);
                    t.checked_sub(lag).map_or(truth[t], |s| truth[s])
                }));
            }
            Forecaster::Noisy {
                sigma_mw,
                autocorrelation: phi,
                seed,
            } => {
                let mut rng = Rng::new(
                    seed ^ (start as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)
                        ^ series.rotate_left(32),
                );
                let innovation = sigma_mw * (1.0 - phi * phi).max(0.0).sqrt();
                let mut error = sigma_mw * rng.normal();
                for (k, value) in window.iter().enumerate() {
                    if k > 0 {
                        error = phi * error + innovation * rng.normal();
                    }
                    out.push(value + error);
                }
            }
            Forecaster::Regression { period, train } => match fit(truth, start, period, train) {
                Some(beta) => {
                    for t in start..start + len {
                        // y[t − period] is observed while the horizon is at most one
                        // period; beyond, the forecast's own earlier values stand in.
                        let seasonal = if t - period < start {
                            truth[t - period]
                        } else {
                            out[t - period - start]
                        };
                        let value = features(t, period, seasonal)
                            .iter()
                            .zip(beta.iter())
                            .map(|(x, b)| x * b)
                            .sum::<f64>();
                        out.push(value);
                    }
                }
                None => {
                    Forecaster::SeasonalNaive { period }.forecast(truth, start, len, series, out)
                }
            },
        }
        out.iter_mut().for_each(|v| *v = v.max(0.0));
    }
}

/// Regressors of step `t`: intercept, the value one period earlier, and the phase.
fn features(t: usize, period: usize, seasonal: f64) -> [f64; 4] {
    let phase = 2.0 * std::f64::consts::PI * (t % period) as f64 / period as f64;
    [1.0, seasonal, phase.sin(), phase.cos()]
}

/// Least-squares coefficients on the `train` periods before `start`, if that much history
/// (plus one period of lags) exists.
fn fit(truth: &[f64], start: usize, period: usize, train: usize) -> Option<nalgebra::DVector<f64>> {
    let samples = train * period;
    if start < samples + period {
        return None;
    }
    let rows = (start - samples..start).map(|t| features(t, period, truth[t - period]));
    let x = nalgebra::DMatrix::from_row_iterator(samples, 4, rows.flatten());
    let y = nalgebra::DVector::from_column_slice(&truth[start - samples..start]);
    x.svd(true, true).solve(&y, 1e-12).ok()
}

/// Mean absolute and root-mean-square error of forecasts against the truth.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ErrorStats {
    pub series: String,
    pub count: usize,
    pub mae_mw: f64,
    pub rmse_mw: f64,
}

impl ErrorStats {
    pub fn add(&mut self, forecast: f64, truth: f64) {
        let e = forecast - truth;
        let n = self.count as f64;
        self.mae_mw = (self.mae_mw * n + e.abs()) / (n + 1.0);
        self.rmse_mw = ((self.rmse_mw * self.rmse_mw * n + e * e) / (n + 1.0)).sqrt();
        self.count += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn persistence_of_a_constant_is_exact_and_seasonal_naive_of_a_periodic_signal_too() {
        let constant = vec![2.5; 10];
        let mut out = Vec::new();
        Forecaster::Persistence.forecast(&constant, 4, 5, 0, &mut out);
        assert_eq!(out, vec![2.5; 5]);
        let periodic: Vec<f64> = (0..40).map(|t| [1.0, 3.0, 2.0, 0.0][t % 4]).collect();
        Forecaster::SeasonalNaive { period: 4 }.forecast(&periodic, 9, 7, 0, &mut out);
        assert_eq!(out, periodic[9..16].to_vec());
        // Persistence of a ramp lags it.
        let ramp: Vec<f64> = (0..10).map(f64::from).collect();
        Forecaster::Persistence.forecast(&ramp, 5, 3, 0, &mut out);
        assert_eq!(out, vec![4.0; 3]);
    }

    #[test]
    fn regression_recovers_known_coefficients() {
        // y[t] = 2 + 0.5·y[t − 24] + 1.5·sin(phase) − 0.7·cos(phase) from noise-free history:
        // the fitted model has those coefficients and forecasts the next two days exactly.
        let period = 24;
        let mut y = vec![0.0; 24 * 12];
        for t in 0..y.len() {
            let base = if t >= period {
                y[t - period]
            } else {
                (t % 5) as f64
            };
            let [_, _, s, c] = features(t, period, 0.0);
            y[t] = 2.0 + 0.5 * base + 1.5 * s - 0.7 * c;
        }
        let beta = fit(&y, 24 * 10, period, 7).unwrap();
        for (b, expected) in beta.iter().zip([2.0, 0.5, 1.5, -0.7]) {
            assert!((b - expected).abs() < 1e-9, "{beta}");
        }
        let mut out = Vec::new();
        Forecaster::Regression { period, train: 7 }.forecast(&y, 24 * 10, 48, 0, &mut out);
        for (f, t) in out.iter().zip(&y[240..288]) {
            assert!((f - t).abs() < 1e-8, "{f} vs {t}");
        }
    }

    #[test]
    fn noisy_forecasts_have_the_asked_error_and_are_reproducible() {
        let truth = vec![10.0; 200_000];
        let f = Forecaster::Noisy {
            sigma_mw: 0.5,
            autocorrelation: 0.8,
            seed: 7,
        };
        let mut out = Vec::new();
        f.forecast(&truth, 0, truth.len(), 1, &mut out);
        let mut stats = ErrorStats::default();
        out.iter().zip(&truth).for_each(|(f, t)| stats.add(*f, *t));
        assert!((stats.rmse_mw - 0.5).abs() < 0.02, "{stats:?}");
        let e: Vec<f64> = out.iter().map(|v| v - 10.0).collect();
        let lag1 =
            e.windows(2).map(|w| w[0] * w[1]).sum::<f64>() / e.iter().map(|x| x * x).sum::<f64>();
        assert!((lag1 - 0.8).abs() < 0.02, "lag-1 correlation {lag1}");
        let mut again = Vec::new();
        f.forecast(&truth, 0, truth.len(), 1, &mut again);
        assert_eq!(out, again);
    }
}
