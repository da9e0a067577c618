//! Clear-sky irradiance (W/m²) from the sun's zenith angle.
//!
//! - Ineichen–Perez: P. Ineichen and R. Perez, "A new airmass independent formulation for
//!   the Linke turbidity coefficient", Solar Energy 73(3), 151–157 (2002), with the
//!   altitude terms as published there (and in pvlib's `clearsky.ineichen`).
//! - Haurwitz: B. Haurwitz, "Insolation in relation to cloud type", J. Meteorology 3,
//!   123–124 (1946): `GHI = 1098·cos z·exp(−0.059 / cos z)`.
//! - Air mass: F. Kasten and A. T. Young, "Revised optical air mass tables and
//!   approximation formula", Applied Optics 28, 4735–4738 (1989).

/// Global, direct normal and diffuse horizontal irradiance (W/m²).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Irradiance {
    pub ghi: f64,
    pub dni: f64,
    pub dhi: f64,
}

/// Solar constant (W/m²): the WRC value 1367 W/m² that the ESRA clear-sky family, Ineichen–Perez
/// included, was fitted with (the modern TSI, 1361 W/m², would bias those fits low by 0.4 %).
pub const SOLAR_CONSTANT: f64 = 1367.0;

/// Relative optical air mass (Kasten & Young 1989); `None` with the sun below the horizon.
pub fn relative_airmass(zenith_deg: f64) -> Option<f64> {
    (zenith_deg < 90.0).then(|| {
        1.0 / (zenith_deg.to_radians().cos() + 0.50572 * (96.07995 - zenith_deg).powf(-1.6364))
    })
}

/// Pressure at `elevation_m` in the standard atmosphere (Pa).
pub fn pressure_pa(elevation_m: f64) -> f64 {
    101_325.0 * (1.0 - 2.25577e-5 * elevation_m).powf(5.25588)
}

/// Ineichen–Perez clear sky for Linke turbidity `tl` at `elevation_m`, with the
/// extraterrestrial normal irradiance `dni_extra` (W/m²).
pub fn ineichen(zenith_deg: f64, tl: f64, elevation_m: f64, dni_extra: f64) -> Irradiance {
    let Some(am) = relative_airmass(zenith_deg) else {
        return Irradiance::default();
    };
    let am = am * pressure_pa(elevation_m) / 101_325.0;
    let cos_z = zenith_deg.to_radians().cos();
    let fh1 = (-elevation_m / 8000.0).exp();
    let fh2 = (-elevation_m / 1250.0).exp();
    let cg1 = 5.09e-5 * elevation_m + 0.868;
    let cg2 = 3.92e-5 * elevation_m + 0.0387;
    let ghi = cg1 * dni_extra * cos_z * (-cg2 * am * (fh1 + fh2 * (tl - 1.0))).exp().max(0.0);
    let b = 0.664 + 0.163 / fh1;
    let bnci = dni_extra * (b * (-0.09 * am * (tl - 1.0)).exp()).max(0.0);
    let bnci_2 =
        ghi * ((1.0 - (0.1 - 0.2 * (-tl).exp()) / (0.1 + 0.882 / fh1)) / cos_z).clamp(0.0, 1e20);
    let dni = bnci.min(bnci_2);
    Irradiance {
        ghi,
        dni,
        dhi: ghi - dni * cos_z,
    }
}

/// Haurwitz clear-sky GHI (W/m²).
pub fn haurwitz(zenith_deg: f64) -> f64 {
    if zenith_deg >= 90.0 {
        return 0.0;
    }
    let cos_z = zenith_deg.to_radians().cos();
    1098.0 * cos_z * (-0.059 / cos_z).exp()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn haurwitz_by_hand() {
        // cos 0 = 1: 1098·e^−0.059 = 1035.09; cos 60° = 0.5: 549·e^−0.118 = 487.89.
        assert!((haurwitz(0.0) - 1035.09).abs() < 0.01);
        assert!((haurwitz(60.0) - 487.89).abs() < 0.01);
        assert_eq!(haurwitz(95.0), 0.0);
    }

    #[test]
    fn kasten_young_air_mass_by_hand() {
        // 1/(cos z + 0.50572·(96.07995 − z)^−1.6364): 0.99971 at 0°, 1.99429 at 60°,
        // 5.5861 at 80° (the plane-parallel 1/cos z would give 1, 2 and 5.759).
        assert!((relative_airmass(0.0).unwrap() - 0.99971).abs() < 1e-4);
        assert!((relative_airmass(60.0).unwrap() - 1.99429).abs() < 1e-4);
        assert!((relative_airmass(80.0).unwrap() - 5.5861).abs() < 1e-3);
        assert!(relative_airmass(90.5).is_none());
    }

    #[test]
    fn ineichen_is_consistent_and_plausible_at_sea_level() {
        // Sun at 30° zenith, TL 3, sea level: GHI ≈ 850 W/m², components add up.
        let c = ineichen(30.0, 3.0, 0.0, SOLAR_CONSTANT);
        assert!((c.ghi - c.dni * 30f64.to_radians().cos() - c.dhi).abs() < 1e-9);
        assert!(c.ghi > 780.0 && c.ghi < 900.0, "{c:?}");
        assert!(c.dni > 800.0 && c.dni < 950.0, "{c:?}");
        // Clearer air or higher ground: more irradiance.
        assert!(ineichen(30.0, 2.0, 0.0, SOLAR_CONSTANT).ghi > c.ghi);
        assert!(ineichen(30.0, 3.0, 2275.0, SOLAR_CONSTANT).ghi > c.ghi);
    }
}
