//! Single-axis trackers: the rotation that faces the sun, with optional backtracking, and
//! the surface orientation it gives (Marion & Dobos, "Rotation Angle for the Optimum
//! Tracking of One-Axis Trackers", NREL/TP-6A20-58891, 2013; the conventions of pvlib's
//! `tracking.singleaxis`).
//!
//! Axes: x east, y north, z up. The tracker axis points along azimuth `γ` (eastward from
//! north), tilted up by `β`. The sun vector `(x, y, z) = (sin θz sin γs, sin θz cos γs,
//! cos θz)` in the tracker frame (eq. 4) has `x' = x cos γ − y sin γ` and
//! `z' = x sin β sin γ + y sin β cos γ + z cos β`; the ideal rotation is `R = atan2(x', z')`
//! (eq. 5), positive clockwise seen from the raised end of the axis (towards west for a
//! south-pointing axis). Backtracking with ground coverage ratio `gcr` (module width over
//! row pitch) turns back by `arccos(|cos R| / gcr)` while rows would shade each other
//! (eqs. 14–16). The rotation is limited to `±max_angle`. The module plane then has tilt
//! `arccos(cos R cos β)` and azimuth `γ + atan2(sin R, sin β cos R)` (eqs. 1–2 of Marion &
//! Dobos's surface orientation, as in pvlib's `calc_surface_orientation`).

use serde::Serialize;

/// A single-axis tracker (degrees).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct SingleAxis {
    /// Tilt of the rotation axis from horizontal.
    pub axis_tilt: f64,
    /// Azimuth the axis points to, eastward from north (180: a north–south axis).
    pub axis_azimuth: f64,
    /// Largest rotation either way from flat.
    pub max_angle: f64,
    /// Ground coverage ratio for backtracking; `None` tracks the sun without backtracking.
    pub gcr: Option<f64>,
}

/// A module plane's orientation (degrees).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Orientation {
    /// Tracker rotation from flat, positive clockwise seen from the raised end of the axis.
    pub rotation: f64,
    /// Tilt from horizontal.
    pub tilt: f64,
    /// Azimuth the module faces, eastward from north, in [0, 360).
    pub azimuth: f64,
}

impl SingleAxis {
    /// The tracker's orientation for the sun at `zenith` and `azimuth` (degrees).
    pub fn orient(&self, zenith: f64, azimuth: f64) -> Orientation {
        self.surface(self.rotation(zenith, azimuth))
    }

    /// Rotation (degrees) towards the sun, backtracked and limited.
    fn rotation(&self, zenith: f64, azimuth: f64) -> f64 {
        let (sin_z, cos_z) = zenith.to_radians().sin_cos();
        let (sin_a, cos_a) = azimuth.to_radians().sin_cos();
        let (x, y, z) = (sin_z * sin_a, sin_z * cos_a, cos_z);
        let (sin_b, cos_b) = self.axis_tilt.to_radians().sin_cos();
        let (sin_g, cos_g) = self.axis_azimuth.to_radians().sin_cos();
        let x_axis = x * cos_g - y * sin_g;
        let z_axis = x * sin_b * sin_g + y * sin_b * cos_g + z * cos_b;
        let ideal = x_axis.atan2(z_axis).to_degrees();
        let shade = self
            .gcr
            .map_or(1.0, |gcr| (ideal.to_radians().cos() / gcr).abs());
        let backtracked = if shade < 1.0 {
            ideal - ideal.signum() * shade.acos().to_degrees()
        } else {
            ideal
        };
        backtracked.clamp(-self.max_angle, self.max_angle)
    }

    /// The module plane at `rotation` (degrees).
    fn surface(&self, rotation: f64) -> Orientation {
        let (sin_r, cos_r) = rotation.to_radians().sin_cos();
        let (sin_b, cos_b) = self.axis_tilt.to_radians().sin_cos();
        let tilt = (cos_r * cos_b).clamp(-1.0, 1.0).acos().to_degrees();
        let turn = sin_r.atan2(sin_b * cos_r).to_degrees();
        Orientation {
            rotation,
            tilt,
            azimuth: (self.axis_azimuth + turn).rem_euclid(360.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::solar::irradiance::cos_aoi;

    fn aoi(o: Orientation, zenith: f64, azimuth: f64) -> f64 {
        cos_aoi(o.tilt, o.azimuth, zenith, azimuth)
            .clamp(-1.0, 1.0)
            .acos()
            .to_degrees()
    }

    #[test]
    fn backtracking_by_hand_low_sun_in_the_east() {
        // Horizontal north–south axis, sun 10° above the eastern horizon, gcr 2/7. The ideal
        // rotation is −80° (east down); rows 3.5 widths apart shade unless the tracker turns
        // back by arccos(3.5 · cos 80°) = arccos(0.607769) = 52.5716°: rotation −27.4284°,
        // facing east, and the sun 80 − 27.4284 = 52.5716° off the module normal.
        let t = SingleAxis {
            axis_tilt: 0.0,
            axis_azimuth: 180.0,
            max_angle: 90.0,
            gcr: Some(2.0 / 7.0),
        };
        let o = t.orient(80.0, 90.0);
        assert!((o.rotation + 27.4284).abs() < 1e-4, "{o:?}");
        assert!((o.tilt - 27.4284).abs() < 1e-4, "{o:?}");
        assert!((o.azimuth - 90.0).abs() < 1e-9, "{o:?}");
        assert!((aoi(o, 80.0, 90.0) - 52.5716).abs() < 1e-4);
        // Without backtracking the module faces the sun; at noon (sun due south) it lies flat.
        let free = SingleAxis { gcr: None, ..t };
        assert!(aoi(free.orient(80.0, 90.0), 80.0, 90.0) < 1e-6);
        let noon = free.orient(30.0, 180.0);
        assert!(
            noon.rotation.abs() < 1e-9 && noon.tilt.abs() < 1e-9,
            "{noon:?}"
        );
        // The limit holds: at 45° the sun (60° east of zenith) is 15° off the normal.
        let limited = SingleAxis {
            max_angle: 45.0,
            ..free
        };
        let o = limited.orient(60.0, 90.0);
        assert!((o.rotation + 45.0).abs() < 1e-9 && (aoi(o, 60.0, 90.0) - 15.0).abs() < 1e-6);
    }

    #[test]
    fn the_ideal_rotation_minimises_the_angle_of_incidence_for_any_axis() {
        // Independent of the closed form: scan every rotation in 0.01° steps and compare.
        for (axis_tilt, axis_azimuth) in [(0.0, 180.0), (20.0, 180.0), (10.0, 135.0), (30.0, 0.0)] {
            let t = SingleAxis {
                axis_tilt,
                axis_azimuth,
                max_angle: 90.0,
                gcr: None,
            };
            for (zenith, azimuth) in [(30.0, 135.0), (60.0, 250.0), (75.0, 80.0), (45.0, 200.0)] {
                let best = t.orient(zenith, azimuth);
                let scanned = (-9000..=9000)
                    .map(|r| aoi(t.surface(f64::from(r) / 100.0), zenith, azimuth))
                    .fold(f64::INFINITY, f64::min);
                let found = aoi(best, zenith, azimuth);
                assert!(
                    found <= scanned + 1e-9,
                    "axis {axis_tilt}/{axis_azimuth}, sun {zenith}/{azimuth}: {found} > {scanned}"
                );
                assert!(found > scanned - 0.01, "the scan resolves to 0.01°");
            }
        }
    }
}
