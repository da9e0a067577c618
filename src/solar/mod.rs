//! Solar physics: sun position ([`spa`]), clear sky ([`clearsky`]), plane-of-array
//! irradiance ([`irradiance`]), single-axis trackers ([`tracking`]), module and inverter
//! ([`pvsystem`]) and weather ([`weather`]: from a CSV or [`epw`] file, or synthetic from the monthly
//! [`climate`] through the [`daily_sky`], the [`clouds`] within each day and the
//! [`decomposition`] of GHI). [`PvModel::ac_power`] chains them into a PV
//! plant's AC output per step.

pub mod clearsky;
pub mod climate;
pub mod clouds;
pub mod daily_sky;
pub mod decomposition;
pub mod epw;
mod epw_grid;
pub mod irradiance;
pub mod pvsystem;
pub mod spa;
pub mod station;
pub mod tracking;
pub mod weather;

use serde::Serialize;

use clearsky::{Irradiance, SOLAR_CONSTANT};
use irradiance::{Plane, PlaneOfArray, Transposition};
use pvsystem::{CellTemperature, Electrical, iam_ashrae};
use spa::{Site, SunTrack};
use tracking::SingleAxis;
use weather::Weather;

use crate::time::TimeGrid;

/// How a PV plant's modules are mounted.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub enum Mount {
    /// Tilt from horizontal and azimuth eastward from north (degrees; 180 faces south).
    Fixed { tilt: f64, azimuth: f64 },
    /// On single-axis trackers.
    SingleAxis(SingleAxis),
}

/// A PV plant on fixed racks or single-axis trackers.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PvModel {
    pub mount: Mount,
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
        self.plane_of_array(site, weather, time)
            .iter()
            .enumerate()
            .map(|(t, poa)| {
                if weather.ghi[t] <= 0.0 {
                    return 0.0;
                }
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

    /// Irradiance on the modules' plane per step (W/m²), the sun at the middle of each step;
    /// zero where GHI is.
    pub fn plane_of_array(
        &self,
        site: &Site,
        weather: &Weather,
        time: &TimeGrid,
    ) -> Vec<PlaneOfArray> {
        let mut track = SunTrack::new(*site);
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
                    return PlaneOfArray::default();
                }
                let (tilt, azimuth) = match self.mount {
                    Mount::Fixed { tilt, azimuth } => (tilt, azimuth),
                    Mount::SingleAxis(tracker) => {
                        let o = tracker.orient(sun.zenith, sun.azimuth);
                        (o.tilt, o.azimuth)
                    }
                };
                let plane = Plane {
                    tilt,
                    azimuth,
                    albedo: self.albedo,
                    model: self.transposition,
                };
                let extra = SOLAR_CONSTANT / (sun.radius_au * sun.radius_au);
                plane.irradiance(sun.zenith, sun.azimuth, sky, extra)
            })
            .collect()
    }
}
