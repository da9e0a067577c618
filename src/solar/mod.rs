//! Solar physics: sun position ([`spa`]), clear sky ([`clearsky`]), plane-of-array
//! irradiance ([`irradiance`]), module and inverter ([`pvsystem`]) and weather
//! ([`weather`]). [`PvModel::ac_power`] chains them into a PV plant's AC output per step.

pub mod clearsky;
pub mod irradiance;
pub mod pvsystem;
pub mod spa;
pub mod weather;

use serde::Serialize;

use clearsky::{Irradiance, SOLAR_CONSTANT};
use irradiance::{Plane, Transposition};
use pvsystem::{CellTemperature, Electrical, iam_ashrae};
use spa::{Site, SunTrack};
use weather::Weather;

use crate::time::TimeGrid;

/// A fixed-tilt PV plant.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PvModel {
    /// Tilt from horizontal and azimuth eastward from north (degrees; 180 faces south).
    pub tilt: f64,
    pub azimuth: f64,
    pub albedo: f64,
    pub transposition: Transposition,
    pub cell_temperature: CellTemperature,
    /// ASHRAE incidence-angle coefficient b0.
    pub iam_b0: f64,
    pub electrical: Electrical,
}

impl PvModel {
    /// AC output (MW) per step; the sun is taken at the middle of each step.
    pub fn ac_power(&self, site: &Site, weather: &Weather, time: &TimeGrid) -> Vec<f64> {
        let mut track = SunTrack::new(*site);
        let plane = Plane {
            tilt: self.tilt,
            azimuth: self.azimuth,
            albedo: self.albedo,
            model: self.transposition,
        };
        (0..time.len)
            .map(|t| {
                let mid = time.instant(t).timestamp() as f64 + time.step_seconds as f64 / 2.0;
                let sun = track.at(mid);
                let sky = Irradiance {
                    ghi: weather.ghi[t],
                    dni: weather.dni[t],
                    dhi: weather.dhi[t],
                };
                if sky.ghi <= 0.0 {
                    return 0.0;
                }
                let extra = SOLAR_CONSTANT / (sun.radius_au * sun.radius_au);
                let poa = plane.irradiance(sun.zenith, sun.azimuth, sky, extra);
                let effective = poa.beam * iam_ashrae(poa.aoi, self.iam_b0)
                    + poa.sky_diffuse
                    + poa.ground_diffuse;
                let tc =
                    self.cell_temperature
                        .cell(poa.total(), weather.temp_air[t], weather.wind[t]);
                self.electrical.ac_power(effective, tc)
            })
            .collect()
    }
}
