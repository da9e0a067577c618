//! Splitting GHI into DNI and DHI: the BRL model (Boland–Ridley–Lauret).
//!
//! J. Ridley, J. Boland, P. Lauret, "Modelling of diffuse solar fraction with multiple
//! predictors", Renewable Energy 35(2), 478–483 (2010), their multi-site coefficients:
//!
//! ```text
//! d = 1 / (1 + exp(−5.38 + 6.63·kt + 0.006·AST − 0.007·α + 1.75·Kt + 1.31·ψ))
//! ```
//!
//! - `kt = GHI / (E0·cos z)`: the step's clearness index (clamped to 0..1);
//! - `AST`: apparent solar time (hours), from the longitude and the equation of time;
//! - `α = 90° − z`: solar altitude (degrees);
//! - `Kt = Σ GHI / Σ E0·cos z` over the local day: the daily clearness;
//! - `ψ`: persistence, the mean kt of the step before and the step after (the one after at
//!   sunrise, the one before at sunset).
//!
//! Unlike a one-predictor model (Erbs), BRL tells a step of sun between clouds (high kt, low
//! ψ or Kt) from a clear sky, and a bright overcast from a hazy clear sky, which is what
//! sub-hourly steps of a broken sky need. DNI = (GHI − DHI)/cos z; below cos z = 0.065
//! (the sun within 3.7° of the horizon) all of GHI is taken as diffuse, as pvlib does.

/// The sun and time at one step, as the decomposition needs them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StepSun {
    /// Zenith angle (degrees).
    pub zenith: f64,
    /// Extraterrestrial normal irradiance (W/m²).
    pub dni_extra: f64,
    /// Apparent solar time (hours, 0–24).
    pub solar_time: f64,
    /// Index of the local day the step belongs to.
    pub day: usize,
}

impl StepSun {
    fn cos_zenith(&self) -> f64 {
        self.zenith.to_radians().cos()
    }

    fn daylight(&self) -> bool {
        self.cos_zenith() >= 0.065
    }

    /// Extraterrestrial irradiance on the horizontal (W/m²), 0 at night.
    pub fn horizontal_extra(&self) -> f64 {
        (self.dni_extra * self.cos_zenith()).max(0.0)
    }
}

/// Apparent solar time (hours) at Unix time `unix_seconds` and longitude (degrees east):
/// UTC hours + longitude/15 + the equation of time of J. W. Spencer, "Fourier series
/// representation of the position of the sun", Search 2(5), 172 (1971).
pub fn solar_time(unix_seconds: f64, longitude: f64) -> f64 {
    let day_of_year = (unix_seconds / 86_400.0).rem_euclid(365.2425);
    let b = 2.0 * std::f64::consts::PI * day_of_year / 365.0;
    let eot_minutes = 229.18
        * (0.000075 + 0.001868 * b.cos()
            - 0.032077 * b.sin()
            - 0.014615 * (2.0 * b).cos()
            - 0.04089 * (2.0 * b).sin());
    let utc_hours = unix_seconds.rem_euclid(86_400.0) / 3600.0;
    (utc_hours + longitude / 15.0 + eot_minutes / 60.0).rem_euclid(24.0)
}

/// BRL diffuse fraction for clearness `kt`, solar time `ast` (h), altitude `alpha` (°), daily
/// clearness `daily` and persistence `psi`.
pub fn brl_fraction(kt: f64, ast: f64, alpha: f64, daily: f64, psi: f64) -> f64 {
    1.0 / (1.0
        + (-5.38 + 6.63 * kt + 0.006 * ast - 0.007 * alpha + 1.75 * daily + 1.31 * psi).exp())
}

/// DNI and DHI (W/m²) for every step of `ghi` by BRL.
pub fn brl(ghi: &[f64], sun: &[StepSun]) -> (Vec<f64>, Vec<f64>) {
    let n = ghi.len();
    let kt: Vec<f64> = (0..n)
        .map(|t| {
            if sun[t].daylight() {
                (ghi[t] / sun[t].horizontal_extra()).clamp(0.0, 1.0)
            } else {
                0.0
            }
        })
        .collect();
    let days = sun.last().map_or(0, |s| s.day + 1);
    let mut sums = vec![(0.0, 0.0); days];
    for t in (0..n).filter(|&t| sun[t].daylight()) {
        sums[sun[t].day].0 += ghi[t].max(0.0);
        sums[sun[t].day].1 += sun[t].horizontal_extra();
    }
    (0..n)
        .map(|t| {
            let g = ghi[t].max(0.0);
            if g <= 0.0 || !sun[t].daylight() {
                return (0.0, g);
            }
            let neighbour =
                |u: Option<usize>| u.filter(|&u| u < n && sun[u].daylight()).map(|u| kt[u]);
            let psi = match (neighbour(t.checked_sub(1)), neighbour(Some(t + 1))) {
                (Some(a), Some(b)) => (a + b) / 2.0,
                (Some(a), None) | (None, Some(a)) => a,
                (None, None) => kt[t],
            };
            let (g_day, e_day) = sums[sun[t].day];
            let fraction = brl_fraction(
                kt[t],
                sun[t].solar_time,
                90.0 - sun[t].zenith,
                g_day / e_day,
                psi,
            );
            let dhi = fraction * g;
            ((g - dhi) / sun[t].cos_zenith(), dhi)
        })
        .unzip()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brl_fraction_by_hand() {
        // kt 0.7, AST 12 h, α 60°, Kt 0.65, ψ 0.7: the exponent is −5.38 + 4.641 + 0.072
        // − 0.42 + 1.1375 + 0.917 = 0.9675, so d = 1/(1 + e^0.9675) = 0.275379.
        assert!((brl_fraction(0.7, 12.0, 60.0, 0.65, 0.7) - 0.275_379).abs() < 1e-6);
        // A dark step of a dark day: kt 0.1, AST 9 h, α 20°, Kt 0.15, ψ 0.1: exponent
        // −5.38 + 0.663 + 0.054 − 0.14 + 0.2625 + 0.131 = −4.4095, d = 0.987985.
        assert!((brl_fraction(0.1, 9.0, 20.0, 0.15, 0.1) - 0.987_985).abs() < 1e-6);
    }

    #[test]
    fn components_close_and_persistence_uses_the_neighbours() {
        let step = |zenith: f64| StepSun {
            zenith,
            dni_extra: 1400.0,
            solar_time: 12.0,
            day: 0,
        };
        let sun = [step(95.0), step(60.0), step(50.0), step(60.0), step(95.0)];
        let ghi = [0.0, 300.0, 600.0, 150.0, 0.0];
        let (dni, dhi) = brl(&ghi, &sun);
        assert_eq!((dni[0], dhi[0]), (0.0, 0.0));
        for t in 1..4 {
            let cz = sun[t].zenith.to_radians().cos();
            assert!((dni[t] * cz + dhi[t] - ghi[t]).abs() < 1e-9);
            assert!(dni[t] >= 0.0 && dhi[t] > 0.0);
        }
        // The middle step by hand: kt = 600/(1400 cos 50°), ψ the mean of its neighbours,
        // Kt the day's sums.
        let h = |z: f64| 1400.0 * z.to_radians().cos();
        let kt = |g: f64, z: f64| g / h(z);
        let psi = (kt(300.0, 60.0) + kt(150.0, 60.0)) / 2.0;
        let daily = 1050.0 / (h(60.0) * 2.0 + h(50.0));
        let d = brl_fraction(kt(600.0, 50.0), 12.0, 40.0, daily, psi);
        assert!((dhi[2] - d * 600.0).abs() < 1e-9);
    }

    #[test]
    fn solar_time_at_noon_on_the_meridian() {
        // 2025-11-03 04:00 UTC at 60° E is 08:00 local mean time; the equation of time is
        // near its maximum then (+16.4 min), so AST ≈ 08:16.
        let unix = 1_762_142_400.0;
        let ast = solar_time(unix, 60.0);
        assert!((ast - (8.0 + 16.4 / 60.0)).abs() < 0.02, "{ast}");
    }
}
