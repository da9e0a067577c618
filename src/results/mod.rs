//! Results of a run, column by column, and what is derived from them: KPIs and files.

pub mod folder;
mod kpis;
pub mod manifest;
mod weather;
mod write;

pub use folder::{Claim, Staging, write_file};
pub use kpis::{DatacenterKpi, EvHubKpi, FlexibleKpi, Kpis};
pub use manifest::Manifest;
pub use weather::weather_csv;
pub use write::{RunOutput, WriteError, pretty, timeseries_csv, write_results, write_run};

use serde::Serialize;

use crate::assets::Weights;
use crate::assets::grid::DemandCharge;
use crate::scenario::Scenario;
use crate::time::TimeGrid;

#[derive(Debug, Clone, Serialize)]
pub struct PvSeries {
    pub name: String,
    pub capacity_mw: f64,
    pub dc_capacity_mw: Option<f64>,
    pub available_mw: Vec<f64>,
    pub power_mw: Vec<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct BatterySeries {
    pub name: String,
    pub energy_mwh: f64,
    pub throughput_cost_cny_per_mwh: f64,
    pub charge_mw: Vec<f64>,
    pub discharge_mw: Vec<f64>,
    /// Stored energy at the end of each step.
    pub soc_mwh: Vec<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct LoadSeries {
    pub name: String,
    pub power_mw: Vec<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FlexibleSeries {
    pub name: String,
    /// Outputs sum the loads of one group (an EV hub's chargers, a data centre's jobs).
    pub group: Option<String>,
    /// Energy required over the horizon (sum of its windows).
    pub required_mwh: f64,
    pub power_mw: Vec<f64>,
}

/// What a curtailable load gave up (MW at the load's level, e.g. IT power capped).
#[derive(Debug, Clone, Serialize)]
pub struct CurtailedSeries {
    pub name: String,
    pub price_cny_per_mwh: f64,
    pub power_mw: Vec<f64>,
}

/// A data centre's general IT load and PUE per step; its jobs are the flexible loads of
/// group `<name>.ai_jobs`, its power capping the curtailed series `<name>.capping`.
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
#[derive(Debug, Clone, Serialize)]
pub struct Results {
    pub scenario: String,
    pub strategy: String,
    pub time: TimeGrid,
    pub weights: Weights,
    pub pv: Vec<PvSeries>,
    pub batteries: Vec<BatterySeries>,
    pub loads: Vec<LoadSeries>,
    pub flexible: Vec<FlexibleSeries>,
    pub curtailed: Vec<CurtailedSeries>,
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
}

impl Results {
    /// Empty columns with room for every step of `scenario`.
    pub fn new(scenario: &Scenario, strategy: &str) -> Results {
        let n = scenario.time.len;
        let column = || Vec::with_capacity(n);
        Results {
            scenario: scenario.name.clone(),
            strategy: strategy.to_string(),
            time: scenario.time,
            weights: scenario.dispatch.objective.weights,
            pv: scenario
                .pv
                .iter()
                .map(|p| PvSeries {
                    name: p.name.clone(),
                    capacity_mw: p.capacity_mw,
                    dc_capacity_mw: p.dc_capacity_mw,
                    available_mw: p.available_mw.clone(),
                    power_mw: column(),
                })
                .collect(),
            batteries: scenario
                .batteries
                .iter()
                .map(|b| BatterySeries {
                    name: b.name.clone(),
                    energy_mwh: b.energy_mwh,
                    throughput_cost_cny_per_mwh: b.throughput_cost_cny_per_mwh,
                    charge_mw: column(),
                    discharge_mw: column(),
                    soc_mwh: column(),
                })
                .collect(),
            loads: scenario
                .loads
                .iter()
                .map(|l| LoadSeries {
                    name: l.name.clone(),
                    power_mw: column(),
                })
                .collect(),
            flexible: scenario
                .flexible_loads
                .iter()
                .map(|f| FlexibleSeries {
                    name: f.name.clone(),
                    group: f.group.clone(),
                    required_mwh: f.windows.iter().map(|w| w.energy_mwh).sum(),
                    power_mw: column(),
                })
                .collect(),
            curtailed: scenario
                .curtailable_loads
                .iter()
                .map(|c| CurtailedSeries {
                    name: c.name.clone(),
                    price_cny_per_mwh: c.price_cny_per_mwh,
                    power_mw: column(),
                })
                .collect(),
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
        }
    }

    /// Number of steps committed so far.
    pub fn len(&self) -> usize {
        self.import_mw.len()
    }

    pub fn is_empty(&self) -> bool {
        self.import_mw.is_empty()
    }
}
