//! The VPP's do-nothing case, which its report measures savings against (as a single site's
//! report does with strategy `none`): every site run on its own with strategy `none` —
//! batteries idle, flexible loads and AI jobs served as they come at their home site, no
//! compute moved, no answer to any event — and its figures summed over the sites as the
//! VPP's aggregate is: import and peak from the per-step sum of the sites' imports, cost,
//! CO2 and consumption as sums of the sites' KPIs.

use serde::Serialize;

use super::VppScenario;
use crate::dispatch::built_in;
use crate::results::Kpis;
use crate::scenario::Strategy;
use crate::sim::{SimError, simulate};

/// The aggregate figures of the do-nothing case (keys as in the VPP summary's `aggregate`).
#[derive(Debug, Clone, Serialize)]
pub struct DoNothing {
    pub grid_import_mwh: f64,
    pub peak_import_mw: f64,
    pub consumption_mwh: f64,
    pub total_cost_cny: f64,
    pub co2_t: f64,
    /// The sites' import summed per step (MW): the idle demand-response baseline.
    #[serde(skip)]
    pub import_mw: Vec<f64>,
}

/// Every site of `vpp` simulated on its own with strategy `none` (batteries idle), and the
/// figures summed; the first site that fails (a load its limits cannot serve) is the error.
pub fn simulate_sites(vpp: &VppScenario) -> Result<DoNothing, (String, SimError)> {
    let mut sum = DoNothing {
        grid_import_mwh: 0.0,
        peak_import_mw: 0.0,
        consumption_mwh: 0.0,
        total_cost_cny: 0.0,
        co2_t: 0.0,
        import_mw: vec![0.0; vpp.time.len],
    };
    for site in &vpp.sites {
        let mut idle = built_in(Strategy::None, site);
        let run = simulate(site, idle.as_mut()).map_err(|e| (site.name.clone(), e))?;
        for (total, p) in sum.import_mw.iter_mut().zip(&run.results.import_mw) {
            *total += p;
        }
        let kpis = Kpis::compute(&run.results);
        sum.consumption_mwh += kpis.consumption_mwh;
        sum.total_cost_cny += kpis.total_cost_cny;
        sum.co2_t += kpis.co2_t.unwrap_or(0.0);
    }
    sum.grid_import_mwh = sum.import_mw.iter().sum::<f64>() * vpp.time.dt_hours();
    sum.peak_import_mw = sum.import_mw.iter().copied().fold(0.0, f64::max);
    Ok(sum)
}
