//! From plane-of-array irradiance to AC power.
//!
//! - Incidence-angle modifier on the beam: ASHRAE, `1 − b0·(1/cos θ − 1)` with b0 = 0.05
//!   (M. Souka and H. Safwat, Solar Energy 10, 170–174 (1966)), zero beyond 90°.
//! - Cell temperature: D. Faiman, "Assessing the outdoor operating temperature of
//!   photovoltaic modules", Prog. Photovolt. 16, 307–315 (2008): `Tc = Ta + E/(U0 + U1·v)`
//!   with U0 = 25 W/m²K, U1 = 6.84 W·s/m³K; or the Sandia model (D. L. King et al.,
//!   SAND2004-3535): `Tm = E·exp(a + b·v) + Ta`, `Tc = Tm + E/1000·ΔT` (open rack,
//!   glass/glass: a = −3.47, b = −0.0594, ΔT = 3).
//! - DC power (PVWatts, A. P. Dobos, NREL/TP-6A20-62641 (2014)):
//!   `Pdc = E/1000 · Pdc0 · (1 + γ·(Tc − 25))`, then lumped system losses `× (1 − losses)`.
//! - AC power: `min(Pdc · η_inv, Pac0)` (flat inverter efficiency, clipping at the AC rating).

use serde::Serialize;

crate::options::named_enum! {
    /// Cell-temperature model (`[[pv]] model.cell_temperature`).
    pub enum CellTemperature {
        Faiman = "faiman",
        Sapm = "sapm",
    }
}

impl CellTemperature {
    /// Cell temperature (°C) for irradiance `poa` (W/m²), air temperature `ta` (°C) and wind
    /// speed `wind` (m/s).
    pub fn cell(self, poa: f64, ta: f64, wind: f64) -> f64 {
        match self {
            CellTemperature::Faiman => ta + poa / (25.0 + 6.84 * wind),
            CellTemperature::Sapm => ta + poa * (-3.47 - 0.0594 * wind).exp() + poa / 1000.0 * 3.0,
        }
    }
}

/// ASHRAE incidence-angle modifier for the beam at angle of incidence `aoi` (degrees).
pub fn iam_ashrae(aoi: f64, b0: f64) -> f64 {
    if aoi >= 90.0 {
        return 0.0;
    }
    (1.0 - b0 * (1.0 / aoi.to_radians().cos() - 1.0)).clamp(0.0, 1.0)
}

/// Electrical parameters of a PV system.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Electrical {
    /// DC nameplate at STC (MW).
    pub dc_mw: f64,
    /// AC (inverter) rating (MW).
    pub ac_mw: f64,
    /// Power temperature coefficient γ (1/K), e.g. −0.0035.
    pub gamma_per_k: f64,
    /// Lumped DC losses (soiling, mismatch, wiring, availability) as a fraction.
    pub losses: f64,
    pub inverter_efficiency: f64,
}

impl Electrical {
    /// AC output (MW) for effective irradiance `poa` (W/m²) at cell temperature `tc` (°C).
    pub fn ac_power(&self, poa: f64, tc: f64) -> f64 {
        let dc = poa / 1000.0
            * self.dc_mw
            * (1.0 + self.gamma_per_k * (tc - 25.0))
            * (1.0 - self.losses);
        (dc.max(0.0) * self.inverter_efficiency).min(self.ac_mw)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iam_by_hand() {
        assert_eq!(iam_ashrae(0.0, 0.05), 1.0);
        assert!((iam_ashrae(60.0, 0.05) - 0.95).abs() < 1e-12);
        assert_eq!(iam_ashrae(95.0, 0.05), 0.0);
    }

    #[test]
    fn cell_temperature_by_hand() {
        // Faiman: 1000/(25 + 6.84) = 31.407 K above air.
        assert!((CellTemperature::Faiman.cell(1000.0, 20.0, 1.0) - 51.407).abs() < 1e-3);
        // SAPM: 1000·e^(−3.47−0.0594) + 3 = 29.3225 + 3 K above air.
        assert!((CellTemperature::Sapm.cell(1000.0, 20.0, 1.0) - 52.3225).abs() < 1e-3);
    }

    #[test]
    fn dc_to_ac_with_temperature_losses_and_clipping() {
        let e = Electrical {
            dc_mw: 7.2,
            ac_mw: 6.0,
            gamma_per_k: -0.004,
            losses: 0.1,
            inverter_efficiency: 0.98,
        };
        // 500 W/m² at 45 °C: 0.5·7.2·(1 − 0.08)·0.9·0.98 = 2.921 MW.
        assert!((e.ac_power(500.0, 45.0) - 2.921_184).abs() < 1e-6);
        // 1100 W/m² at 25 °C would give 6.985 MW: clipped at 6 MW.
        assert_eq!(e.ac_power(1100.0, 25.0), 6.0);
        assert_eq!(e.ac_power(0.0, -10.0), 0.0);
    }
}
