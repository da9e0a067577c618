//! Key performance indicators, computed from [`Results`] alone.
//!
//! With `dt` the step in hours and sums over all steps:
//! - energies (MWh): `Σ power·dt`; peak import is `max import` (MW);
//! - curtailment `Σ (available − output)·dt`;
//! - PV self-consumption `(PV − export)/PV`, the share of PV energy used on site (or stored);
//! - self-sufficiency `(consumption − import)/consumption`, consumption = fixed + flexible load;
//! - energy cost `Σ (p_imp·import − p_exp·export)·dt` (CNY); wear `Σ c_wear·(charge+discharge)·dt`;
//! - CO2 `Σ c·import·dt` (t), when a carbon intensity is given;
//! - battery equivalent full cycles `Σ discharge·dt / energy capacity`;
//! - demand charge `Σ_months c · share · max import in the month` (CNY), when the tariff has
//!   one, `share` the part of the month inside the horizon (a week pays a week's share);
//! - objective `w_import·import + w_cost·(energy cost + demand charge + wear + capping) +
//!   w_carbon·CO2[kg]`, the quantity the LP minimises; unserved load, where priced, counts
//!   as imported at the dirtiest hour plus its value of lost load; capping costs its price
//!   per IT MWh capped; assets add their own costs, emissions and energy counted as drawn
//!   (a generator's fuel cost, CO2 and output);
//! - PV specific yield `Σ PV output·dt / DC nameplate` (kWh/kWp), for modelled plants;
//! - per data centre: IT and facility energy (less what power capping gave up, which is
//!   reported), realised PUE = facility/IT, AI compute
//!   delivered and jobs finished on time, and the share of its energy (and of its AI jobs'
//!   energy) met on site: each step's on-site share `s = (consumption − import)/consumption`
//!   (PV directly or through the battery), weighted by the data centre's power;
//! - per EV hub: sessions, sessions turned away (all chargers busy), energy delivered and
//!   unmet (asked beyond power × dwell).

use serde::Serialize;

use super::{DatacenterInfo, Results};
use crate::assets::{Figure, Total};
use crate::currency::Currency;

/// Peak of `power` in each calendar month, in month order, with the month's key.
fn monthly_peaks(power: &[f64], month: &[u32]) -> Vec<(u32, f64)> {
    let mut peaks: Vec<(u32, f64)> = Vec::new();
    for (p, m) in power.iter().zip(month) {
        match peaks.last_mut() {
            Some((last, peak)) if last == m => *peak = peak.max(*p),
            _ => peaks.push((*m, *p)),
        }
    }
    peaks
}

/// A data centre's energies and shares; `onsite` is each step's on-site supply share.
fn datacenter(r: &Results, d: &DatacenterInfo, onsite: &[f64]) -> DatacenterKpi {
    let dt = r.time.dt_hours();
    // Its jobs: the flexible loads drawn in its AI-jobs column, with what each delivered
    // and required.
    let column = format!("{}.ai_jobs.it_power", d.name);
    let jobs: Vec<(&[f64], f64, f64)> = r
        .assets
        .iter()
        .zip(&r.contributions)
        .filter(|(a, _)| a.columns[0] == column)
        .map(|(a, c)| {
            let of = |want: fn(&Total) -> bool| {
                c.totals
                    .iter()
                    .find(|(k, _)| want(k))
                    .map_or(0.0, |(_, v)| *v)
            };
            (
                &a.values[0][..],
                of(|k| matches!(k, Total::FlexibleDeliveredMwh(_))),
                of(|k| matches!(k, Total::FlexibleRequiredMwh(_))),
            )
        })
        .collect();
    let capped = r
        .asset(&format!("{}.capping", d.name))
        .map(|c| &c.values[0][..]);
    let (mut it, mut facility, mut ai_it, mut ai_facility, mut onsite_mwh, mut ai_onsite_mwh) =
        (0.0, 0.0, 0.0, 0.0, 0.0, 0.0);
    for (t, share) in onsite.iter().enumerate() {
        let ai: f64 = jobs.iter().map(|j| j.0[t]).sum();
        let general = d.it_mw[t] - capped.map_or(0.0, |c| c[t]);
        let (base_facility, ai_fac) = (general * d.pue[t], ai * d.pue[t]);
        it += (general + ai) * dt;
        facility += (base_facility + ai_fac) * dt;
        ai_it += ai * dt;
        ai_facility += ai_fac * dt;
        onsite_mwh += (base_facility + ai_fac) * share * dt;
        ai_onsite_mwh += ai_fac * share * dt;
    }
    DatacenterKpi {
        name: d.name.clone(),
        it_mwh: it,
        facility_mwh: facility,
        pue: (it > 0.0).then(|| facility / it),
        ai_compute_mwh: ai_it,
        ai_jobs: jobs.len(),
        ai_jobs_on_time: jobs
            .iter()
            .filter(|(_, delivered, required)| *delivered >= required - 1e-6)
            .count(),
        onsite_share: (facility > 0.0).then(|| onsite_mwh / facility),
        ai_onsite_share: (ai_facility > 0.0).then(|| ai_onsite_mwh / ai_facility),
        it_capped_mwh: capped.map(|c| c.iter().sum::<f64>() * dt),
    }
}

/// Figures an asset reports of its own (e.g. a generator's fuel and running hours).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AssetKpi {
    pub name: String,
    pub figures: Vec<Figure>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FlexibleKpi {
    pub name: String,
    pub delivered_mwh: f64,
    pub required_mwh: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DatacenterKpi {
    pub name: String,
    pub it_mwh: f64,
    pub facility_mwh: f64,
    pub pue: Option<f64>,
    pub ai_compute_mwh: f64,
    pub ai_jobs: usize,
    pub ai_jobs_on_time: usize,
    pub onsite_share: Option<f64>,
    pub ai_onsite_share: Option<f64>,
    /// General IT energy capped, where the data centre caps power.
    pub it_capped_mwh: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EvHubKpi {
    pub name: String,
    pub sessions: usize,
    pub turned_away: usize,
    pub delivered_mwh: f64,
    pub unmet_mwh: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Kpis {
    pub grid_import_mwh: f64,
    pub peak_import_mw: f64,
    pub grid_export_mwh: f64,
    pub pv_available_mwh: f64,
    pub pv_generation_mwh: f64,
    pub curtailment_mwh: f64,
    pub consumption_mwh: f64,
    /// `None` without PV generation.
    pub pv_self_consumption: Option<f64>,
    /// `None` without consumption.
    pub self_sufficiency: Option<f64>,
    pub import_cost_cny: f64,
    pub export_revenue_cny: f64,
    pub energy_cost_cny: f64,
    pub battery_wear_cost_cny: f64,
    /// `None` without a demand charge in the tariff.
    pub demand_charge_cny: Option<f64>,
    /// Value of lost load × unserved energy, when the scenario prices it.
    pub unserved_cost_cny: Option<f64>,
    /// Price × energy curtailed (a data centre's power capping), when a load may curtail.
    pub curtailment_cost_cny: Option<f64>,
    pub total_cost_cny: f64,
    /// Load left unserved (MWh), when the scenario allows it.
    pub unserved_mwh: Option<f64>,
    /// `None` without a PV plant modelled from physics.
    pub pv_specific_yield_kwh_per_kwp: Option<f64>,
    /// `None` without a carbon intensity.
    pub co2_t: Option<f64>,
    pub battery_full_cycles: f64,
    /// Per flexible load, or per group of them (an EV hub's chargers, a data centre's jobs).
    pub flexible: Vec<FlexibleKpi>,
    pub datacenters: Vec<DatacenterKpi>,
    pub ev_hubs: Vec<EvHubKpi>,
    /// Per asset with figures of its own.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub assets: Vec<AssetKpi>,
    pub objective: f64,
}

impl Kpis {
    pub fn compute(r: &Results) -> Kpis {
        let dt = r.time.dt_hours();
        // Rust's sum of no f64 is −0.0; totals over assets start from +0.0 instead, so a site
        // without PV reports 0, not −0.
        let total = |values: &mut dyn Iterator<Item = f64>| values.fold(0.0, |a, b| a + b);
        let energy = |v: &[f64]| v.iter().sum::<f64>() * dt;
        let dot = |a: &[f64], b: &[f64]| a.iter().zip(b).map(|(x, y)| x * y).sum::<f64>() * dt;
        let grid_import_mwh = energy(&r.import_mw);
        let grid_export_mwh = energy(&r.export_mw);
        // Figures keyed by what they are, summed over the assets in their order.
        let sum = |key: &Total| {
            total(
                &mut r
                    .contributions
                    .iter()
                    .flat_map(|c| &c.totals)
                    .filter(|(k, _)| k == key)
                    .map(|(_, v)| *v),
            )
        };
        let pv_available_mwh = sum(&Total::PvAvailableMwh);
        let pv_generation_mwh = sum(&Total::PvGenerationMwh);
        let mut flexible: Vec<FlexibleKpi> = Vec::new();
        for (key, value) in r.contributions.iter().flat_map(|c| &c.totals) {
            let (name, delivered) = match key {
                Total::FlexibleDeliveredMwh(name) => (name, true),
                Total::FlexibleRequiredMwh(name) => (name, false),
                _ => continue,
            };
            let k = match flexible.iter().position(|k| &k.name == name) {
                Some(i) => &mut flexible[i],
                None => {
                    flexible.push(FlexibleKpi {
                        name: name.clone(),
                        delivered_mwh: 0.0,
                        required_mwh: 0.0,
                    });
                    flexible.last_mut().expect("pushed")
                }
            };
            if delivered {
                k.delivered_mwh += value;
            } else {
                k.required_mwh += value;
            }
        }
        let consumption_mwh = energy(&r.consumption_mw);
        let import_cost_cny = dot(&r.import_mw, &r.import_price);
        let export_revenue_cny = dot(&r.export_mw, &r.export_price);
        let energy_cost_cny = import_cost_cny - export_revenue_cny;
        let battery_wear_cost_cny = sum(&Total::BatteryWearCny);
        // CO2 from imports, and from what assets emit themselves.
        let emitted = total(&mut r.contributions.iter().map(|c| c.co2_kg));
        let co2_kg = match r.carbon_kg_per_mwh.as_ref().map(|c| dot(&r.import_mw, c)) {
            Some(imported) => Some(imported + emitted),
            None => (emitted > 0.0).then_some(emitted),
        };
        let demand_charge_cny = r.demand_charge.as_ref().map(|d| {
            let peaks = monthly_peaks(&r.import_mw, &d.month[..r.len()]);
            peaks
                .iter()
                .map(|(m, p)| p * d.cny_per_mw_in(*m))
                .sum::<f64>()
        });
        let dc_mw = sum(&Total::PvModelledDcMw);
        let onsite: Vec<f64> = r
            .consumption_mw
            .iter()
            .zip(&r.import_mw)
            .map(|(c, i)| {
                if *c > 0.0 {
                    ((c - i) / c).clamp(0.0, 1.0)
                } else {
                    0.0
                }
            })
            .collect();
        let capacity = sum(&Total::BatteryCapacityMwh);
        let discharged = sum(&Total::BatteryDischargedMwh);
        let w = r.weights;
        let unserved_mwh = r.unserved_cny_per_mwh.map(|_| energy(&r.unserved_mw));
        let dirtiest = r
            .carbon_kg_per_mwh
            .as_ref()
            .map_or(0.0, |c| c.iter().copied().fold(0.0, f64::max));
        let unserved_cost_cny = r
            .unserved_cny_per_mwh
            .map(|voll| voll * energy(&r.unserved_mw));
        let curtailment_cost_cny = r
            .contributions
            .iter()
            .any(|c| {
                c.totals
                    .iter()
                    .any(|(k, _)| *k == Total::CurtailmentCostCny)
            })
            .then(|| sum(&Total::CurtailmentCostCny));
        let other_costs = total(&mut r.contributions.iter().map(|c| c.cost_cny));
        let drawn_mwh = total(&mut r.contributions.iter().map(|c| c.drawn_mwh));
        let costs = energy_cost_cny
            + battery_wear_cost_cny
            + demand_charge_cny.unwrap_or(0.0)
            + unserved_cost_cny.unwrap_or(0.0)
            + curtailment_cost_cny.unwrap_or(0.0)
            + other_costs;
        Kpis {
            grid_import_mwh,
            peak_import_mw: r.import_mw.iter().copied().fold(0.0, f64::max),
            grid_export_mwh,
            pv_available_mwh,
            pv_generation_mwh,
            curtailment_mwh: pv_available_mwh - pv_generation_mwh,
            consumption_mwh,
            pv_self_consumption: (pv_generation_mwh > 0.0).then(|| {
                ((pv_generation_mwh - grid_export_mwh) / pv_generation_mwh).clamp(0.0, 1.0)
            }),
            self_sufficiency: (consumption_mwh > 0.0)
                .then(|| ((consumption_mwh - grid_import_mwh) / consumption_mwh).clamp(0.0, 1.0)),
            import_cost_cny,
            export_revenue_cny,
            energy_cost_cny,
            battery_wear_cost_cny,
            demand_charge_cny,
            unserved_cost_cny,
            curtailment_cost_cny,
            total_cost_cny: costs,
            unserved_mwh,
            pv_specific_yield_kwh_per_kwp: (dc_mw > 0.0)
                .then(|| sum(&Total::PvModelledGenerationMwh) / dc_mw),
            co2_t: co2_kg.map(|kg| kg / 1000.0),
            battery_full_cycles: if capacity > 0.0 {
                discharged / capacity
            } else {
                0.0
            },
            flexible,
            datacenters: r
                .datacenters
                .iter()
                .map(|d| datacenter(r, d, &onsite))
                .collect(),
            ev_hubs: r
                .ev_hubs
                .iter()
                .map(|h| EvHubKpi {
                    name: h.name.clone(),
                    sessions: h.sessions,
                    turned_away: h.turned_away,
                    delivered_mwh: h.requested_mwh - h.unmet_mwh,
                    unmet_mwh: h.unmet_mwh,
                })
                .collect(),
            assets: r
                .assets
                .iter()
                .zip(&r.contributions)
                .filter(|(_, c)| !c.figures.is_empty())
                .map(|(a, c)| AssetKpi {
                    name: a.name.clone(),
                    figures: c.figures.clone(),
                })
                .collect(),
            objective: w.import * (grid_import_mwh + unserved_mwh.unwrap_or(0.0) + drawn_mwh)
                + w.cost * costs
                + w.carbon * (co2_kg.unwrap_or(0.0) + dirtiest * unserved_mwh.unwrap_or(0.0)),
        }
    }

    /// Checks the objective of the committed run equals the solver's objective for its
    /// plan, within 1e-6 relative: what is written is what was solved.
    pub fn check_objective(&self, solver_objective: f64) -> Result<(), String> {
        let gap = (self.objective - solver_objective).abs();
        if gap > 1e-6 * solver_objective.abs().max(1.0) {
            return Err(format!(
                "the committed run's objective {:.9} differs from the solver's {solver_objective:.9} (by {gap:.3e}): what is written is not what was solved",
                self.objective
            ));
        }
        Ok(())
    }

    /// Rows `(label, value, unit)` for the printed table, in a fixed order, money in
    /// `currency`.
    pub fn table(&self, currency: Currency) -> Vec<(String, String, &'static str)> {
        let money = currency.code();
        let f = |v: f64| format!("{v:.3}");
        let pct = |v: Option<f64>| v.map_or("n/a".into(), |v| format!("{:.1}", 100.0 * v));
        let mut rows = vec![
            ("grid import".to_string(), f(self.grid_import_mwh), "MWh"),
            ("peak import".into(), f(self.peak_import_mw), "MW"),
            ("grid export".into(), f(self.grid_export_mwh), "MWh"),
            ("PV generation".into(), f(self.pv_generation_mwh), "MWh"),
            ("PV curtailed".into(), f(self.curtailment_mwh), "MWh"),
            (
                "PV self-consumption".into(),
                pct(self.pv_self_consumption),
                "%",
            ),
            ("self-sufficiency".into(), pct(self.self_sufficiency), "%"),
            (
                "energy cost".into(),
                format!("{:.2}", self.energy_cost_cny),
                money,
            ),
            (
                "battery wear cost".into(),
                format!("{:.2}", self.battery_wear_cost_cny),
                money,
            ),
            ("CO2".into(), self.co2_t.map_or("n/a".into(), f), "t"),
            (
                "battery full cycles".into(),
                f(self.battery_full_cycles),
                "",
            ),
        ];
        for flex in &self.flexible {
            rows.push((
                format!("{} delivered / required", flex.name),
                format!("{:.3} / {:.3}", flex.delivered_mwh, flex.required_mwh),
                "MWh",
            ));
        }
        if let Some(d) = self.demand_charge_cny {
            rows.push(("demand charge".into(), format!("{d:.2}"), money));
        }
        if let Some(u) = self.unserved_mwh {
            rows.push(("load unserved".into(), f(u), "MWh"));
        }
        if let Some(c) = self.curtailment_cost_cny {
            rows.push(("power capping cost".into(), format!("{c:.2}"), money));
        }
        rows.push((
            "total cost".into(),
            format!("{:.2}", self.total_cost_cny),
            money,
        ));
        if let Some(y) = self.pv_specific_yield_kwh_per_kwp {
            rows.push((
                "PV specific yield over the run".into(),
                format!("{y:.0}"),
                "kWh/kWp",
            ));
        }
        for d in &self.datacenters {
            rows.push((
                format!("{} realised PUE", d.name),
                d.pue.map_or("n/a".into(), |p| format!("{p:.3}")),
                "",
            ));
            rows.push((format!("{} AI compute", d.name), f(d.ai_compute_mwh), "MWh"));
            if let Some(capped) = d.it_capped_mwh {
                rows.push((format!("{} IT capped", d.name), f(capped), "MWh"));
            }
            rows.push((
                format!("{} AI jobs on time", d.name),
                format!("{} / {}", d.ai_jobs_on_time, d.ai_jobs),
                "",
            ));
            rows.push((
                format!("{} energy met on site", d.name),
                pct(d.onsite_share),
                "%",
            ));
            rows.push((
                format!("{} AI energy met on site", d.name),
                pct(d.ai_onsite_share),
                "%",
            ));
        }
        for h in &self.ev_hubs {
            rows.push((
                format!("{} sessions (turned away)", h.name),
                format!("{} ({})", h.sessions, h.turned_away),
                "",
            ));
            rows.push((format!("{} EV energy unmet", h.name), f(h.unmet_mwh), "MWh"));
        }
        for a in &self.assets {
            for figure in &a.figures {
                rows.push((
                    format!("{} {}", a.name, figure.label),
                    f(figure.value),
                    figure.unit,
                ));
            }
        }
        rows.push((
            "objective".into(),
            format!("{:.6}", self.objective),
            "MWh-eq",
        ));
        rows
    }
}
