//! Results of a run, column by column, and what is derived from them: KPIs and files.

pub mod folder;
mod kpis;
pub mod manifest;
pub mod parquet;
mod weather;
mod write;

pub use folder::{Claim, Staging, write_file};
pub use kpis::{AssetKpi, DatacenterKpi, EvHubKpi, FlexibleKpi, Kpis};
pub use manifest::Manifest;
pub use weather::{weather_columns, weather_csv};
pub use write::{WriteError, csv_table, fixed, pretty, series_roles, timeseries_csv};

use std::time::Duration;

use serde::Serialize;

use crate::assets::grid::DemandCharge;
use crate::assets::{Asset, Contribution, Role, Weights};
use crate::scenario::Scenario;
use crate::time::TimeGrid;

/// One asset's committed series.
#[derive(Debug, Clone)]
pub struct AssetSeries {
    pub name: String,
    /// Its kind, as its `describe` says (`"PV"`, `"battery"`, …).
    pub kind: &'static str,
    /// Output column, unit and role of each series.
    pub columns: Vec<String>,
    pub units: Vec<&'static str>,
    pub roles: Vec<Role>,
    /// Values per series, per committed step.
    pub values: Vec<Vec<f64>>,
}

impl AssetSeries {
    /// The values of the series named `name` (after the asset's name), if it has one.
    pub fn series(&self, name: &str) -> Option<&[f64]> {
        self.columns
            .iter()
            .position(|c| c.rsplit('.').next() == Some(name))
            .map(|i| &self.values[i][..])
    }
}

/// A data centre's general IT load and PUE per step; its jobs are the flexible loads of
/// group `<name>.ai_jobs`, its power capping the curtailable load `<name>.capping`.
#[derive(Debug, Clone, Serialize)]
pub struct DatacenterInfo {
    pub name: String,
    pub it_mw: Vec<f64>,
    pub pue: Vec<f64>,
}

/// An EV hub's sessions, as placed before the run.
#[derive(Debug, Clone, Serialize)]
pub struct EvHubInfo {
    pub name: String,
    pub managed: bool,
    pub sessions: usize,
    pub turned_away: usize,
    pub requested_mwh: f64,
    /// Asked for beyond what the chargers could deliver in the dwell time.
    pub unmet_mwh: f64,
}

/// What happened in each step of a run, as committed to the realised world.
#[derive(Debug, Clone)]
pub struct Results {
    pub scenario: String,
    pub strategy: String,
    /// The currency of every money figure.
    pub currency: crate::currency::Currency,
    pub time: TimeGrid,
    pub weights: Weights,
    /// Every asset's series, in [`Scenario::devices`] order.
    pub assets: Vec<AssetSeries>,
    /// What each asset adds to the KPIs, once the run is complete ([`Results::finish`]).
    pub contributions: Vec<Contribution>,
    pub import_mw: Vec<f64>,
    pub export_mw: Vec<f64>,
    /// Power drawn by all loads, fixed and flexible (with their overheads such as PUE), less
    /// what curtailment saved.
    pub consumption_mw: Vec<f64>,
    /// Load left unserved; always zero unless the scenario prices lost load.
    pub unserved_mw: Vec<f64>,
    /// Value of lost load (CNY/MWh), when the scenario allows unserved load.
    pub unserved_cny_per_mwh: Option<f64>,
    pub datacenters: Vec<DatacenterInfo>,
    pub ev_hubs: Vec<EvHubInfo>,
    pub demand_charge: Option<DemandCharge>,
    /// Import and export prices (CNY/MWh) and carbon intensity (kg/MWh) per step.
    pub import_price: Vec<f64>,
    pub export_price: Vec<f64>,
    pub carbon_kg_per_mwh: Option<Vec<f64>>,
    /// The weather per step, for `timeseries.csv`: header with unit and values (see
    /// [`weather_columns`]); empty without weather.
    pub weather: Vec<(String, Vec<f64>)>,
}

impl Results {
    /// Empty columns with room for every step of `scenario`, whose assets are `devices`.
    pub fn new(scenario: &Scenario, devices: &[&dyn Asset], strategy: &str) -> Results {
        let n = scenario.time.len;
        let column = || Vec::with_capacity(n);
        Results {
            scenario: scenario.name.clone(),
            strategy: strategy.to_string(),
            currency: scenario.currency,
            time: scenario.time,
            weights: scenario.dispatch.objective.weights,
            assets: devices
                .iter()
                .map(|d| AssetSeries {
                    name: d.name().to_string(),
                    kind: d.describe(&scenario.time).0,
                    columns: (0..d.series().len()).map(|i| d.column(i)).collect(),
                    units: d.series().iter().map(|s| s.unit).collect(),
                    roles: d.series().iter().map(|s| s.role).collect(),
                    values: d.series().iter().map(|_| column()).collect(),
                })
                .collect(),
            contributions: Vec::new(),
            import_mw: column(),
            export_mw: column(),
            consumption_mw: column(),
            unserved_mw: column(),
            unserved_cny_per_mwh: scenario.dispatch.unserved_cny_per_mwh,
            datacenters: scenario
                .datacenters
                .iter()
                .map(|d| DatacenterInfo {
                    name: d.name.clone(),
                    it_mw: d.it_mw.clone(),
                    pue: d.pue.clone(),
                })
                .collect(),
            ev_hubs: scenario
                .ev_hubs
                .iter()
                .map(|h| EvHubInfo {
                    name: h.name.clone(),
                    managed: h.managed,
                    sessions: h.sessions().count(),
                    turned_away: h.turned_away,
                    requested_mwh: h.sessions().map(|s| s.energy_mwh).sum(),
                    unmet_mwh: h.unmet_mwh(scenario.time.dt_hours()),
                })
                .collect(),
            demand_charge: scenario.grid.demand_charge.clone(),
            import_price: scenario.grid.import_price.clone(),
            export_price: scenario.grid.export_price.clone(),
            carbon_kg_per_mwh: scenario.grid.carbon_kg_per_mwh.clone(),
            weather: weather_columns(scenario),
        }
    }

    /// Asks every asset what it adds to the KPIs, from its committed series.
    pub fn finish(&mut self, devices: &[&dyn Asset]) {
        let dt = self.time.dt_hours();
        self.contributions = devices
            .iter()
            .zip(&self.assets)
            .map(|(d, a)| d.contribution(&a.values, dt))
            .collect();
    }

    /// The asset named `name`.
    pub fn asset(&self, name: &str) -> Option<&AssetSeries> {
        self.assets.iter().find(|a| a.name == name)
    }

    /// Number of steps committed so far.
    pub fn len(&self) -> usize {
        self.import_mw.len()
    }

    pub fn is_empty(&self) -> bool {
        self.import_mw.is_empty()
    }
}

/// Wall time spent in each stage of a run.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct StageTimes {
    #[serde(serialize_with = "seconds")]
    pub load: Duration,
    #[serde(serialize_with = "seconds")]
    pub build: Duration,
    #[serde(serialize_with = "seconds")]
    pub solve: Duration,
    #[serde(serialize_with = "seconds")]
    pub extract: Duration,
    #[serde(serialize_with = "seconds")]
    pub commit: Duration,
    #[serde(serialize_with = "seconds")]
    pub write: Duration,
}

fn seconds<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64(d.as_secs_f64())
}
