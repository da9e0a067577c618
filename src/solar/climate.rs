//! Monthly climate statistics that drive the synthetic weather, and the daily clear-sky
//! index distribution they define.
//!
//! The daily clear-sky index is `kc = daily GHI / daily clear-sky GHI` (the clear sky:
//! Ineichen–Perez with the month's Linke turbidity). Its monthly distribution is given by the
//! observed quantiles p05, p10, p20 … p90, p95, p98 and by the shares of clear days
//! (`kc ≥ 0.80`) and overcast days (`kc < 0.55`), the day classes of the observed statistics
//! (CDSRD station 52866, see data/SOURCES.md). Both shares are points of the same
//! distribution function, `F(0.55) = share_overcast` and `F(0.80) = 1 − share_clear`, so they
//! are knots of the quantile function too.

/// Clear-sky index at and above which a day is clear.
pub const CLEAR_KC: f64 = 0.80;
/// Clear-sky index below which a day is overcast.
pub const OVERCAST_KC: f64 = 0.55;

/// Probabilities of the observed quantiles, in the order of [`MonthClimate::kc_quantiles`].
pub const QUANTILE_PROBABILITIES: [f64; 12] = [
    0.05, 0.10, 0.20, 0.30, 0.40, 0.50, 0.60, 0.70, 0.80, 0.90, 0.95, 0.98,
];

/// Climate statistics of one calendar month.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct MonthClimate {
    /// Quantiles of the daily clear-sky index at [`QUANTILE_PROBABILITIES`].
    pub kc_quantiles: [f64; 12],
    /// Share of clear days (`kc ≥ 0.80`).
    pub share_clear: f64,
    /// Share of overcast days (`kc < 0.55`).
    pub share_overcast: f64,
    /// Pearson correlation of kc on consecutive days of the month.
    pub kc_lag1: f64,
    /// Mean daily clear-sky GHI of the month at the station (kWh/m²), the kc denominator.
    pub ghi_clearsky_kwh_m2_day: f64,
    pub linke_turbidity: f64,
    pub temp_mean_c: f64,
    pub temp_half_range_c: f64,
    pub wind_ms: f64,
}

/// The quantile function `Q(u)` of a month's daily clear-sky index: piecewise linear through
/// the knots `(p, kc_p)` of the observed quantiles and of the two class shares. Below p05 and
/// above p98 it continues the slope of the neighbouring segment to `u = 0` and `u = 1`
/// (floored at 0), so the tails stay as steep as the data next to them.
#[derive(Debug, Clone, PartialEq)]
pub struct KcDistribution {
    /// Knots `(u, kc)`, increasing in both.
    knots: Vec<(f64, f64)>,
}

impl KcDistribution {
    /// The distribution of `m`; an error names the knots that are out of order.
    pub fn new(m: &MonthClimate) -> Result<KcDistribution, String> {
        let p = QUANTILE_PROBABILITIES;
        let q = m.kc_quantiles;
        let low = (q[0] - (q[1] - q[0]) * p[0] / (p[1] - p[0])).max(0.0);
        let high = q[11] + (q[11] - q[10]) * (1.0 - p[11]) / (p[11] - p[10]);
        let mut knots: Vec<(f64, f64)> = std::iter::once((0.0, low))
            .chain(p.iter().copied().zip(q))
            .chain([(1.0, high)])
            .collect();
        for (u, kc) in [
            (m.share_overcast, OVERCAST_KC),
            (1.0 - m.share_clear, CLEAR_KC),
        ] {
            if !(0.0..=1.0).contains(&u) {
                return Err(format!("class share {u} is outside 0..1"));
            }
            match knots
                .iter()
                .position(|k| k.0 > u || (k.0 == u && k.1 >= kc))
            {
                Some(i) => knots.insert(i, (u, kc)),
                None => knots.push((u, kc)),
            }
        }
        if let Some(w) = knots.windows(2).find(|w| w[1].1 < w[0].1) {
            return Err(format!(
                "the quantiles and class shares are not increasing together: kc {} at p = {:.3} but {} at p = {:.3}",
                w[0].1, w[0].0, w[1].1, w[1].0
            ));
        }
        Ok(KcDistribution { knots })
    }

    /// `Q(u)` for `u` in 0..1.
    pub fn quantile(&self, u: f64) -> f64 {
        let i = self
            .knots
            .partition_point(|k| k.0 <= u)
            .clamp(1, self.knots.len() - 1);
        let ((u0, y0), (u1, y1)) = (self.knots[i - 1], self.knots[i]);
        if u1 > u0 {
            y0 + (y1 - y0) * (u - u0) / (u1 - u0)
        } else {
            y1
        }
    }

    /// Mean of the distribution, `∫ Q(u) du` (exact for the piecewise-linear `Q`).
    pub fn mean(&self) -> f64 {
        self.knots
            .windows(2)
            .map(|w| (w[1].0 - w[0].0) * (w[0].1 + w[1].1) / 2.0)
            .sum()
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// The shipped Xining climate table (data/solar/xining_climate.csv).
    pub(crate) fn xining_climate() -> [MonthClimate; 12] {
        let text = include_str!("../../data/solar/xining_climate.csv");
        let mut lines = text.lines();
        let header: Vec<&str> = lines.next().unwrap().split(',').collect();
        let rows: Vec<Vec<f64>> = lines
            .map(|l| l.split(',').map(|x| x.parse().unwrap()).collect())
            .collect();
        let col = |name: &str, m: usize| {
            let i = header.iter().position(|h| *h == name).unwrap();
            rows[m][i]
        };
        std::array::from_fn(|m| MonthClimate {
            kc_quantiles: std::array::from_fn(|i| {
                let p = (QUANTILE_PROBABILITIES[i] * 100.0).round();
                col(&format!("kc_p{p:02}"), m)
            }),
            share_clear: col("share_clear", m),
            share_overcast: col("share_overcast", m),
            kc_lag1: col("kc_lag1", m),
            ghi_clearsky_kwh_m2_day: col("ghi_clearsky_kwh_m2_day", m),
            linke_turbidity: col("linke_turbidity", m),
            temp_mean_c: col("temp_mean_c", m),
            temp_half_range_c: col("temp_half_range_c", m),
            wind_ms: col("wind_ms", m),
        })
    }

    /// A column of the observed statistics (data/solar/xining_52866_daily_kc_stats.csv).
    pub(crate) fn observed(name: &str) -> [f64; 12] {
        let text = include_str!("../../data/solar/xining_52866_daily_kc_stats.csv");
        let mut lines = text.lines();
        let i = lines
            .next()
            .unwrap()
            .split(',')
            .position(|h| h == name)
            .unwrap();
        let values: Vec<f64> = lines
            .map(|l| l.split(',').nth(i).unwrap().parse().unwrap())
            .collect();
        values.try_into().unwrap()
    }

    #[test]
    fn quantile_function_passes_through_the_knots_and_the_class_shares() {
        let climate = xining_climate();
        for m in &climate {
            let d = KcDistribution::new(m).unwrap();
            for (p, q) in QUANTILE_PROBABILITIES.iter().zip(m.kc_quantiles) {
                assert!((d.quantile(*p) - q).abs() < 1e-12);
            }
            assert!((d.quantile(m.share_overcast) - OVERCAST_KC).abs() < 1e-12);
            assert!((d.quantile(1.0 - m.share_clear) - CLEAR_KC).abs() < 1e-12);
        }
    }

    #[test]
    fn the_distribution_mean_is_the_observed_mean() {
        // An independent check: kc_mean is not a knot, yet the piecewise-linear quantile
        // function through the observed quantiles reproduces it.
        let climate = xining_climate();
        let observed = observed("kc_mean");
        for (m, c) in climate.iter().enumerate() {
            let mean = KcDistribution::new(c).unwrap().mean();
            assert!(
                (mean - observed[m]).abs() < 0.004,
                "month {}: {mean:.4} against {:.3}",
                m + 1,
                observed[m]
            );
        }
    }

    #[test]
    fn out_of_order_shares_are_reported() {
        let mut m = xining_climate()[0].clone();
        m.share_overcast = 0.6;
        let e = KcDistribution::new(&m).unwrap_err();
        assert!(e.contains("not increasing"), "{e}");
    }
}
