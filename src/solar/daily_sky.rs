//! The daily clear-sky index kc: a Gaussian copula with the observed monthly distributions,
//! day-to-day persistence and year-to-year variation.
//!
//! For local day d of month m and calendar year y,
//!
//! ```text
//! x_d = φ_m · x_{d−1} + √(1 − φ_m²) · ε_d          (AR(1), unit variance, ε ~ N(0, 1))
//! z_d = √w · Y_y + √(1 − w) · x_d                  (Y_y ~ N(0, 1), one per calendar year)
//! kc_d = Q_m(Φ(z_d))
//! ```
//!
//! with `Q_m` the month's quantile function ([`KcDistribution`]) and Φ the standard normal
//! distribution function. Every z_d is standard normal, so every day's kc follows the
//! observed distribution exactly (deciles and class shares included), whatever φ and w.
//!
//! - **Persistence.** Two days of one month have latent correlation `r_m = w + (1 − w)·φ_m`.
//!   The Pearson correlation of `Q(Φ(Z₁))` and `Q(Φ(Z₂))` for standard normals with
//!   correlation r is `ρ(r) = Σ_{k≥1} c_k² r^k / Var Q(Φ(Z))`, with `c_k = E[Q(Φ(Z)) h_k(Z)]`
//!   the coefficients on the normalised Hermite polynomials h_k (Mehler's formula). `r_m`
//!   solves `ρ_m(r_m) = ` the observed lag-1 autocorrelation, which pools all years and so
//!   includes year-to-year shifts, as the latent correlation does through w.
//! - **Year to year.** With daily clear-sky sums s_d, the variance of annual GHI
//!   `Σ_d s_d kc_d` is `Σ_{d,d'} s_d s_{d'} Σ_k c_{m(d),k} c_{m(d'),k} r_{dd'}^k` with
//!   `r_{dd'} = w + (1 − w)·Π φ` over the days between. w solves that this equals the
//!   observed variance of annual GHI (0 when the daily weather alone already reaches it).

use super::climate::{KcDistribution, MonthClimate};
use crate::rng::Rng;

/// Hermite terms kept: the latent correlations used here are below 0.5 (the largest
/// observed lag-1 is 0.39), and 0.5^16 < 2e-5.
const HERMITE_TERMS: usize = 16;

/// The calibrated daily model of a climate.
#[derive(Debug, Clone)]
pub struct DailySky {
    distributions: Vec<KcDistribution>,
    /// AR(1) coefficient of the latent daily process per month.
    phi: [f64; 12],
    /// Weight of the year-to-year component in the latent variance.
    year_weight: f64,
}

/// Hermite coefficients `c_1 … c_K` and the variance of `Q(Φ(Z))`.
struct Expansion {
    c: [f64; HERMITE_TERMS],
    variance: f64,
}

impl Expansion {
    /// By the trapezoid rule on z in −8..8 (step 0.01).
    fn of(d: &KcDistribution) -> Expansion {
        let (n, lo, step) = (1601, -8.0, 0.01);
        let mut c = [0.0; HERMITE_TERMS];
        let (mut mean, mut square) = (0.0, 0.0);
        for i in 0..n {
            let z = lo + step * i as f64;
            let weight = if i == 0 || i == n - 1 { 0.5 } else { 1.0 } * step * (-z * z / 2.0).exp()
                / (2.0 * std::f64::consts::PI).sqrt();
            let f = d.quantile(normal_cdf(z));
            mean += weight * f;
            square += weight * f * f;
            // Normalised probabilists' Hermite polynomials:
            // h_{k+1} = (z·h_k − √k·h_{k−1}) / √(k+1).
            let (mut previous, mut h) = (1.0, z);
            for (k, ck) in c.iter_mut().enumerate() {
                *ck += weight * f * h;
                let k1 = (k + 1) as f64;
                (previous, h) = (h, (z * h - k1.sqrt() * previous) / (k1 + 1.0).sqrt());
            }
        }
        Expansion {
            c,
            variance: square - mean * mean,
        }
    }

    /// Pearson correlation of `Q(Φ(Z₁))`, `Q(Φ(Z₂))` at latent correlation r.
    fn correlation(&self, r: f64) -> f64 {
        covariance(&self.c, &self.c, r) / self.variance
    }
}

/// `Σ_k a_k b_k r^k`.
fn covariance(a: &[f64; HERMITE_TERMS], b: &[f64; HERMITE_TERMS], r: f64) -> f64 {
    let mut power = 1.0;
    a.iter()
        .zip(b)
        .map(|(x, y)| {
            power *= r;
            x * y * power
        })
        .sum()
}

impl DailySky {
    /// Calibrates the model to `climate`; `annual_ghi_sd` (kWh/m²) is the observed standard
    /// deviation of annual GHI, or `None` for no year-to-year component beyond the daily
    /// weather. An error names the month whose statistics cannot be used.
    pub fn new(
        climate: &[MonthClimate; 12],
        annual_ghi_sd: Option<f64>,
    ) -> Result<DailySky, String> {
        let mut distributions = Vec::with_capacity(12);
        let mut expansions = Vec::with_capacity(12);
        let mut latent_lag1 = [0.0; 12];
        for (m, c) in climate.iter().enumerate() {
            let d = KcDistribution::new(c).map_err(|e| format!("month {}: {e}", m + 1))?;
            let e = Expansion::of(&d);
            latent_lag1[m] = solve_increasing(|r| e.correlation(r), c.kc_lag1, 0.0, 0.95);
            distributions.push(d);
            expansions.push(e);
        }
        let phi_for = |w: f64| latent_lag1.map(|r| ((r - w) / (1.0 - w)).max(0.0));
        let year_weight = match annual_ghi_sd {
            None => 0.0,
            Some(sd) => {
                let sums: Vec<f64> = climate.iter().map(|c| c.ghi_clearsky_kwh_m2_day).collect();
                let variance = |w: f64| annual_variance(&expansions, &sums, &phi_for(w), w);
                let highest = latent_lag1.iter().copied().fold(0.9, f64::min);
                if variance(0.0) >= sd * sd {
                    0.0
                } else {
                    solve_increasing(variance, sd * sd, 0.0, highest)
                }
            }
        };
        Ok(DailySky {
            distributions,
            phi: phi_for(year_weight),
            year_weight,
        })
    }

    /// Daily clear-sky indices for consecutive days given as `(calendar year, month 0–11)`.
    pub fn draw(&self, days: &[(i32, usize)], rng: &mut Rng) -> Vec<f64> {
        let mut x = rng.normal();
        let mut year = None;
        let mut shared = 0.0;
        days.iter()
            .enumerate()
            .map(|(i, &(y, m))| {
                if year != Some(y) {
                    year = Some(y);
                    shared = rng.normal();
                }
                if i > 0 {
                    let phi = self.phi[m];
                    x = phi * x + (1.0 - phi * phi).sqrt() * rng.normal();
                }
                let z = self.year_weight.sqrt() * shared + (1.0 - self.year_weight).sqrt() * x;
                self.distributions[m].quantile(normal_cdf(z))
            })
            .collect()
    }

    /// Weight of the year-to-year component in the latent variance.
    pub fn year_weight(&self) -> f64 {
        self.year_weight
    }
}

/// Variance of annual GHI (kWh/m²)² for a 365-day year with daily clear-sky sums `sums[m]`.
fn annual_variance(e: &[Expansion], sums: &[f64], phi: &[f64; 12], w: f64) -> f64 {
    let month = |d: usize| month_of_day(d);
    let days = 365;
    // All pairs at the far correlation w, then the near pairs corrected.
    let mut total = 0.0;
    let mut diagonal = 0.0;
    let mut s = [0.0; HERMITE_TERMS];
    for d in 0..days {
        let m = month(d);
        for (k, sk) in s.iter_mut().enumerate() {
            *sk += sums[m] * e[m].c[k];
        }
        diagonal += sums[m] * sums[m] * (e[m].variance - covariance(&e[m].c, &e[m].c, w));
    }
    total += covariance(&s, &s, w) + diagonal;
    for d in 0..days {
        let mut decay = 1.0 - w;
        for d2 in d + 1..days {
            decay *= phi[month(d2)];
            if decay < 1e-6 {
                break;
            }
            let (m1, m2) = (month(d), month(d2));
            let near =
                covariance(&e[m1].c, &e[m2].c, w + decay) - covariance(&e[m1].c, &e[m2].c, w);
            total += 2.0 * sums[m1] * sums[m2] * near;
        }
    }
    total
}

/// Month (0–11) of day `d` (0–364) of a year of 365 days.
fn month_of_day(d: usize) -> usize {
    const ENDS: [usize; 12] = [31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365];
    ENDS.iter().position(|&e| d < e).unwrap_or(11)
}

/// The x in `lo..hi` where the increasing `f` equals `target` (the nearer end if none), by
/// regula falsi with the Illinois modification (superlinear; a few evaluations of `f`).
fn solve_increasing(f: impl Fn(f64) -> f64, target: f64, lo: f64, hi: f64) -> f64 {
    let (mut a, mut b) = (lo, hi);
    let (mut fa, mut fb) = (f(a) - target, f(b) - target);
    if fa >= 0.0 {
        return a;
    }
    if fb <= 0.0 {
        return b;
    }
    let mut side = 0;
    for _ in 0..100 {
        let x = (a * fb - b * fa) / (fb - fa);
        let fx = f(x) - target;
        if fx.abs() <= 1e-10 * target.abs().max(1e-12) || b - a < 1e-12 {
            return x;
        }
        if fx < 0.0 {
            (a, fa) = (x, fx);
            if side == -1 {
                fb /= 2.0;
            }
            side = -1;
        } else {
            (b, fb) = (x, fx);
            if side == 1 {
                fa /= 2.0;
            }
            side = 1;
        }
    }
    (a + b) / 2.0
}

/// Standard normal distribution function, `Φ(z) = erfc(−z/√2) / 2`, with the Chebyshev
/// approximation of erfc of Numerical Recipes (2nd ed., §6.2; fractional error < 1.2e-7).
pub fn normal_cdf(z: f64) -> f64 {
    let x = -z / std::f64::consts::SQRT_2;
    let t = 1.0 / (1.0 + 0.5 * x.abs());
    let poly = -1.265_512_23
        + t * (1.000_023_68
            + t * (0.374_091_96
                + t * (0.096_784_18
                    + t * (-0.186_288_06
                        + t * (0.278_868_07
                            + t * (-1.135_203_98
                                + t * (1.488_515_87 + t * (-0.822_152_23 + t * 0.170_872_77))))))));
    let erfc = t * (-x * x + poly).exp();
    if x >= 0.0 {
        erfc / 2.0
    } else {
        1.0 - erfc / 2.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::solar::climate::tests::xining_climate;

    #[test]
    fn normal_cdf_against_tabulated_values() {
        // Φ(0) = 0.5, Φ(1) = 0.841344746, Φ(−1.959964) = 0.025, Φ(3) = 0.998650102.
        for (z, p) in [
            (0.0, 0.5),
            (1.0, 0.841_344_746),
            (-1.959_964, 0.025),
            (3.0, 0.998_650_102),
        ] {
            assert!(
                (normal_cdf(z) - p).abs() < 2e-7,
                "Φ({z}) = {}",
                normal_cdf(z)
            );
        }
    }

    #[test]
    fn mehler_correlation_matches_a_direct_simulation() {
        // ρ(r) from the Hermite expansion against the sample correlation of 200,000 pairs.
        let climate = xining_climate();
        let d = KcDistribution::new(&climate[6]).unwrap();
        let e = Expansion::of(&d);
        let mut rng = Rng::new(3);
        let r: f64 = 0.4;
        let n = 200_000;
        let pairs: Vec<(f64, f64)> = (0..n)
            .map(|_| {
                let a = rng.normal();
                let b = r * a + (1.0 - r * r).sqrt() * rng.normal();
                (d.quantile(normal_cdf(a)), d.quantile(normal_cdf(b)))
            })
            .collect();
        let mean = |f: fn(&(f64, f64)) -> f64| pairs.iter().map(f).sum::<f64>() / n as f64;
        let (ma, mb) = (mean(|p| p.0), mean(|p| p.1));
        let cov = pairs.iter().map(|p| (p.0 - ma) * (p.1 - mb)).sum::<f64>() / n as f64;
        let va = pairs.iter().map(|p| (p.0 - ma).powi(2)).sum::<f64>() / n as f64;
        let vb = pairs.iter().map(|p| (p.1 - mb).powi(2)).sum::<f64>() / n as f64;
        let sample = cov / (va * vb).sqrt();
        assert!(
            (e.correlation(r) - sample).abs() < 0.006,
            "Mehler {:.4}, sample {sample:.4}",
            e.correlation(r)
        );
        assert!((e.variance - va).abs() / va < 0.02);
    }

    #[test]
    fn same_seed_same_days() {
        let sky = DailySky::new(&xining_climate(), Some(45.9)).unwrap();
        let days: Vec<(i32, usize)> = (0..365).map(|d| (2025, month_of_day(d))).collect();
        let a = sky.draw(&days, &mut Rng::new(9));
        assert_eq!(a, sky.draw(&days, &mut Rng::new(9)));
        assert_ne!(a, sky.draw(&days, &mut Rng::new(10)));
        assert!(sky.year_weight() > 0.0 && sky.year_weight() < 0.05);
    }
}
