//! Where weather comes from, and whether it is near enough to the site it is used for.
//!
//! Weather measured (or calibrated) at a station stands for a site only nearby. vppsim
//! warns when the site is more than [`FAR_KM`] from the station along the great circle, or
//! more than [`FAR_ELEVATION_M`] above or below it:
//! - 100 km: the usual reach of a typical-year file. Meteorological stations of national
//!   networks lie some 30–150 km apart, and tools that pick "the nearest station" (EnergyPlus's
//!   weather map, ASHRAE's design data) are used within tens of kilometres; beyond about
//!   100 km a coast, a mountain range or a change of cloud regime is likely in between, and
//!   the yearly irradiation and the seasonal temperatures can differ by several per cent and
//!   several kelvin.
//! - 500 m of height: about 3 K of air temperature at the standard-atmosphere lapse rate of
//!   6.5 K/km, which moves the cell temperature (about 1 % of PV power) and a data centre's
//!   cooling, and a thinner or thicker clear-sky atmosphere.

use super::spa::Site;

/// Farthest great-circle distance (km) between site and station without a warning.
pub const FAR_KM: f64 = 100.0;
/// Largest difference of elevation (m) between site and station without a warning.
pub const FAR_ELEVATION_M: f64 = 500.0;

/// Mean Earth radius (km, IUGG R1).
const EARTH_RADIUS_KM: f64 = 6_371.008_8;

/// A place weather comes from.
#[derive(Debug, Clone, PartialEq)]
pub struct Station {
    /// What to call it in messages, e.g. `Xining station 52866`.
    pub name: String,
    /// Degrees north and east, metres above sea level.
    pub latitude: f64,
    pub longitude: f64,
    pub elevation: f64,
}

impl Station {
    /// Where the synthetic climate of data/solar/xining_climate.csv is calibrated: the
    /// daily record of Xining station 52866, its clear sky computed at the park site.
    pub fn xining() -> Station {
        Station {
            name: "Xining station 52866".into(),
            latitude: 36.62,
            longitude: 101.78,
            elevation: 2275.0,
        }
    }

    /// Great-circle distance (km) to `site`, by the haversine formula on a sphere of the
    /// mean Earth radius (within 0.5 % of the ellipsoid).
    pub fn distance_km(&self, site: &Site) -> f64 {
        let (p1, p2) = (self.latitude.to_radians(), site.latitude.to_radians());
        let dp = p2 - p1;
        let dl = (site.longitude - self.longitude).to_radians();
        let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
        2.0 * EARTH_RADIUS_KM * a.sqrt().min(1.0).asin()
    }

    /// Why the station's weather may not stand for `site`, if it may not: the distance and
    /// the difference of elevation, with both places.
    pub fn too_far(&self, site: &Site) -> Option<String> {
        let km = self.distance_km(site);
        let dz = site.elevation - self.elevation;
        if km <= FAR_KM && dz.abs() <= FAR_ELEVATION_M {
            return None;
        }
        Some(format!(
            "the site ({}) is {km:.0} km from {} ({}), where this weather comes from, and {:.0} m {} it",
            place(site.latitude, site.longitude, site.elevation),
            self.name,
            place(self.latitude, self.longitude, self.elevation),
            dz.abs(),
            if dz >= 0.0 { "above" } else { "below" },
        ))
    }
}

/// `52.30 N, 4.77 E, -2 m`.
fn place(latitude: f64, longitude: f64, elevation: f64) -> String {
    format!(
        "{:.2} {}, {:.2} {}, {elevation:.0} m",
        latitude.abs(),
        if latitude >= 0.0 { 'N' } else { 'S' },
        longitude.abs(),
        if longitude >= 0.0 { 'E' } else { 'W' },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances_match_hand_computed_great_circles() {
        let x = Station::xining();
        // One degree of latitude is 2πR/360 = 111.195 km.
        let north = Site::new(37.62, 101.78, 2275.0);
        assert!((x.distance_km(&north) - 111.195).abs() < 1e-3);
        // Berlin (52.52 N, 13.40 E): the same haversine in Python's math module gives 6,765.67 km.
        let berlin = Site::new(52.52, 13.40, 34.0);
        assert!(
            (x.distance_km(&berlin) - 6765.7).abs() < 0.05,
            "{}",
            x.distance_km(&berlin)
        );
        let why = x.too_far(&berlin).unwrap();
        assert!(why.contains("6766 km from Xining station 52866"), "{why}");
        assert!(why.contains("52.52 N, 13.40 E, 34 m"), "{why}");
        // The park itself, and a site 20 km away 100 m higher, are near.
        assert!(x.too_far(&Site::new(36.62, 101.78, 2275.0)).is_none());
        assert!(x.too_far(&Site::new(36.7, 101.6, 2375.0)).is_none());
        // Near but 600 m higher is not.
        assert!(x.too_far(&Site::new(36.62, 101.78, 2875.0)).is_some());
    }
}
