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
use crate::sim::{Run, SimError, simulate};

/// The aggregate figures of the do-nothing case (keys as in the VPP summary's `aggregate`).
#[derive(Debug, Clone, Serialize)]
pub struct DoNothing {
    pub grid_import_mwh: f64,
    pub peak_import_mw: f64,
    pub consumption_mwh: f64,
    pub total_cost_cny: f64,
    pub co2_t: f64,
}

/// Every site of `vpp` simulated on its own with strategy `none` (batteries idle), in site
/// order, each with its name should it fail (a load its limits cannot serve). The idle
/// demand-response baseline is the sum of these runs' imports.
pub fn idle_sites(vpp: &VppScenario) -> impl Iterator<Item = Result<Run, (String, SimError)>> {
    vpp.sites.iter().map(|site| {
        let mut idle = built_in(Strategy::None, site);
        simulate(site, idle.as_mut()).map_err(|e| (site.name.clone(), e))
    })
}

/// The do-nothing figures of `vpp`; the first site that fails is the error.
pub fn simulate_sites(vpp: &VppScenario) -> Result<DoNothing, (String, SimError)> {
    let mut import = vec![0.0; vpp.time.len];
    let mut sum = DoNothing {
        grid_import_mwh: 0.0,
        peak_import_mw: 0.0,
        consumption_mwh: 0.0,
        total_cost_cny: 0.0,
        co2_t: 0.0,
    };
    for run in idle_sites(vpp) {
        let run = run?;
        for (total, p) in import.iter_mut().zip(&run.results.import_mw) {
            *total += p;
        }
        let kpis = Kpis::compute(&run.results);
        sum.consumption_mwh += kpis.consumption_mwh;
        sum.total_cost_cny += kpis.total_cost_cny;
        sum.co2_t += kpis.co2_t.unwrap_or(0.0);
    }
    sum.grid_import_mwh = import.iter().sum::<f64>() * vpp.time.dt_hours();
    sum.peak_import_mw = import.iter().copied().fold(0.0, f64::max);
    Ok(sum)
}
