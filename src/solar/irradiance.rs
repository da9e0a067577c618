//! From horizontal irradiance to the plane of the array (W/m²). (GHI is split into DNI and
//! DHI in [`decomposition`](super::decomposition).)
//!
//! - Extraterrestrial normal irradiance `E0 = S / R²` with R the Earth–sun distance (AU).
//! - Transposition of sky diffuse: isotropic (Liu & Jordan 1963); J. E. Hay and J. A.
//!   Davies (1980), "Calculation of the solar radiation incident on an inclined surface";
//!   R. Perez et al., "Modeling daylight availability and irradiance components from direct
//!   and global irradiance", Solar Energy 44(5), 271–289 (1990), all-sites composite
//!   coefficients (their Table 6).
//! - Ground-reflected: `GHI · albedo · (1 − cos β)/2`.

use super::clearsky::{Irradiance, relative_airmass};

crate::options::named_enum! {
    /// Sky-diffuse transposition model (`[[pv]] model.transposition`).
    pub enum Transposition {
        Perez = "perez",
        HayDavies = "hay-davies",
        Isotropic = "isotropic",
    }
}

/// Plane-of-array irradiance split by origin (W/m²).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct PlaneOfArray {
    pub beam: f64,
    pub sky_diffuse: f64,
    pub ground_diffuse: f64,
    /// Angle of incidence of the beam on the plane (degrees).
    pub aoi: f64,
}

impl PlaneOfArray {
    pub fn total(&self) -> f64 {
        self.beam + self.sky_diffuse + self.ground_diffuse
    }
}

/// Cosine of the angle of incidence on a plane of tilt β and azimuth γ (degrees, azimuth
/// eastward from north) for the sun at zenith z and azimuth γs.
pub fn cos_aoi(tilt: f64, surface_azimuth: f64, zenith: f64, azimuth: f64) -> f64 {
    let (b, z) = (tilt.to_radians(), zenith.to_radians());
    (z.cos() * b.cos() + z.sin() * b.sin() * (azimuth - surface_azimuth).to_radians().cos())
        .clamp(-1.0, 1.0)
}

/// Perez (1990) all-sites composite coefficients per sky-clearness bin:
/// f11, f12, f13, f21, f22, f23.
#[rustfmt::skip]
const PEREZ: [[f64; 6]; 8] = [
    [-0.0083117, 0.5877285, -0.0620636, -0.0596012, 0.0721249, -0.0220216],
    [0.1299457, 0.6825954, -0.1513752, -0.0189325, 0.0659650, -0.0288748],
    [0.3296958, 0.4868735, -0.2210958, 0.0554140, -0.0639588, -0.0260542],
    [0.5682053, 0.1874525, -0.2951290, 0.1088631, -0.1519229, -0.0139754],
    [0.8730280, -0.3920403, -0.3616149, 0.2255647, -0.4620442, 0.0012448],
    [1.1326077, -1.2367284, -0.4118494, 0.2877813, -0.8230357, 0.0558651],
    [1.0601591, -1.5999137, -0.3589221, 0.2642124, -1.1272340, 0.1310694],
    [0.6777470, -0.3272588, -0.2504286, 0.1561313, -1.3765031, 0.2506212],
];
/// Upper edges of the sky-clearness bins ε.
const PEREZ_BINS: [f64; 7] = [1.065, 1.23, 1.5, 1.95, 2.8, 4.5, 6.2];

/// A fixed plane: tilt from horizontal and azimuth eastward from north (degrees), ground
/// albedo, and the sky-diffuse model.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Plane {
    pub tilt: f64,
    pub azimuth: f64,
    pub albedo: f64,
    pub model: Transposition,
}

impl Plane {
    /// Irradiance on the plane for the sun at `sun_zenith`, `sun_azimuth` (degrees), the
    /// sky's `sky` irradiance and the extraterrestrial normal irradiance `dni_extra`.
    pub fn irradiance(
        &self,
        sun_zenith: f64,
        sun_azimuth: f64,
        sky: Irradiance,
        dni_extra: f64,
    ) -> PlaneOfArray {
        let cos_theta = cos_aoi(self.tilt, self.azimuth, sun_zenith, sun_azimuth);
        let cos_z = sun_zenith.to_radians().cos();
        let beta = self.tilt.to_radians();
        let beam = if sun_zenith < 90.0 {
            (sky.dni * cos_theta).max(0.0)
        } else {
            0.0
        };
        let view = (1.0 + beta.cos()) / 2.0;
        let sky_diffuse = match self.model {
            Transposition::Isotropic => sky.dhi * view,
            Transposition::HayDavies => {
                let anisotropy = if sun_zenith < 90.0 {
                    (sky.dni / dni_extra).clamp(0.0, 1.0)
                } else {
                    0.0
                };
                let rb = cos_theta.max(0.0) / cos_z.max(0.01745);
                sky.dhi * (anisotropy * rb + (1.0 - anisotropy) * view)
            }
            Transposition::Perez => perez(sky, sun_zenith, cos_theta, beta, dni_extra, view),
        };
        PlaneOfArray {
            beam,
            sky_diffuse: sky_diffuse.max(0.0),
            ground_diffuse: sky.ghi * self.albedo * (1.0 - beta.cos()) / 2.0,
            aoi: cos_theta.acos().to_degrees(),
        }
    }
}

fn perez(
    sky: Irradiance,
    zenith: f64,
    cos_theta: f64,
    beta: f64,
    dni_extra: f64,
    view: f64,
) -> f64 {
    let (Some(airmass), true) = (relative_airmass(zenith), sky.dhi > 0.0) else {
        return sky.dhi * view;
    };
    let z = zenith.to_radians();
    let kz3 = 1.041 * z.powi(3);
    let epsilon = ((sky.dhi + sky.dni) / sky.dhi + kz3) / (1.0 + kz3);
    let delta = sky.dhi * airmass / dni_extra;
    let bin = PEREZ_BINS
        .iter()
        .position(|edge| epsilon < *edge)
        .unwrap_or(7);
    let [f11, f12, f13, f21, f22, f23] = PEREZ[bin];
    let f1 = (f11 + f12 * delta + f13 * z).max(0.0);
    let f2 = f21 + f22 * delta + f23 * z;
    let a = cos_theta.max(0.0);
    let b = z.cos().max(85f64.to_radians().cos());
    sky.dhi * ((1.0 - f1) * view + f1 * a / b + f2 * beta.sin())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn incidence_angle_by_hand() {
        // Sun due south at 30° zenith on a south-facing plane tilted 30°: normal incidence.
        assert!((cos_aoi(30.0, 180.0, 30.0, 180.0) - 1.0).abs() < 1e-12);
        // Horizontal plane: cos θ = cos z.
        assert!((cos_aoi(0.0, 180.0, 60.0, 90.0) - 0.5).abs() < 1e-12);
        // Vertical east-facing plane, sun due east on the horizon: normal incidence.
        assert!((cos_aoi(90.0, 90.0, 90.0, 90.0) - 1.0).abs() < 1e-12);
    }

    #[test]
    fn transposition_models_agree_where_they_must() {
        let sky = Irradiance {
            ghi: 600.0,
            dni: 700.0,
            dhi: 250.0,
        };
        // Horizontal plane: every model returns GHI's own diffuse, no ground term.
        for m in [
            Transposition::Isotropic,
            Transposition::HayDavies,
            Transposition::Perez,
        ] {
            let poa = Plane {
                tilt: 0.0,
                azimuth: 180.0,
                albedo: 0.2,
                model: m,
            }
            .irradiance(50.0, 180.0, sky, 1361.0);
            assert!((poa.sky_diffuse - 250.0).abs() < 1e-6, "{m:?} {poa:?}");
            assert!(poa.ground_diffuse.abs() < 1e-12);
        }
        // Tilted 30° south at noon: Hay–Davies by hand. Ai = 700/1361 = 0.514328,
        // Rb = cos 20° / cos 50° = 1.461902, view = (1 + cos 30°)/2 = 0.933013;
        // sky = 250·(0.514328·1.461902 + 0.485672·0.933013) = 301.259.
        let hd = Plane {
            tilt: 30.0,
            azimuth: 180.0,
            albedo: 0.2,
            model: Transposition::HayDavies,
        }
        .irradiance(50.0, 180.0, sky, 1361.0);
        assert!((hd.sky_diffuse - 301.259).abs() < 0.01, "{hd:?}");
        assert!((hd.beam - 700.0 * 20f64.to_radians().cos()).abs() < 1e-9);
        assert!(
            (hd.ground_diffuse - 600.0 * 0.2 * (1.0 - 30f64.to_radians().cos()) / 2.0).abs() < 1e-9
        );
        // Perez on a clear sky puts more diffuse on a sun-facing plane than isotropic does.
        let iso = Plane {
            tilt: 30.0,
            azimuth: 180.0,
            albedo: 0.2,
            model: Transposition::Isotropic,
        }
        .irradiance(50.0, 180.0, sky, 1361.0);
        let pz = Plane {
            tilt: 30.0,
            azimuth: 180.0,
            albedo: 0.2,
            model: Transposition::Perez,
        }
        .irradiance(50.0, 180.0, sky, 1361.0);
        assert!(pz.sky_diffuse > iso.sky_diffuse, "perez {pz:?} iso {iso:?}");
    }
}
