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
//! - objective `w_import·import + w_cost·(energy cost + wear) + w_carbon·CO2[kg]`,
//!   the quantity the LP minimises.

use serde::Serialize;

use super::Results;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FlexibleKpi {
    pub name: String,
    pub delivered_mwh: f64,
    pub required_mwh: f64,
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
    /// `None` without a carbon intensity.
    pub co2_t: Option<f64>,
    pub battery_full_cycles: f64,
    pub flexible: Vec<FlexibleKpi>,
    pub objective: f64,
}

impl Kpis {
    pub fn compute(r: &Results) -> Kpis {
        let dt = r.time.dt_hours();
        let energy = |v: &[f64]| v.iter().sum::<f64>() * dt;
        let dot = |a: &[f64], b: &[f64]| a.iter().zip(b).map(|(x, y)| x * y).sum::<f64>() * dt;
        let grid_import_mwh = energy(&r.import_mw);
        let grid_export_mwh = energy(&r.export_mw);
        let pv_available_mwh: f64 =
            r.pv.iter()
                .map(|p| energy(&p.available_mw[..p.power_mw.len()]))
                .sum();
        let pv_generation_mwh: f64 = r.pv.iter().map(|p| energy(&p.power_mw)).sum();
        let flexible: Vec<FlexibleKpi> = r
            .flexible
            .iter()
            .map(|f| FlexibleKpi {
                name: f.name.clone(),
                delivered_mwh: energy(&f.power_mw),
                required_mwh: f.required_mwh,
            })
            .collect();
        let consumption_mwh = r.loads.iter().map(|l| energy(&l.power_mw)).sum::<f64>()
            + flexible.iter().map(|f| f.delivered_mwh).sum::<f64>();
        let import_cost_cny = dot(&r.import_mw, &r.import_price);
        let export_revenue_cny = dot(&r.export_mw, &r.export_price);
        let energy_cost_cny = import_cost_cny - export_revenue_cny;
        let battery_wear_cost_cny: f64 = r
            .batteries
            .iter()
            .map(|b| {
                b.throughput_cost_cny_per_mwh * (energy(&b.charge_mw) + energy(&b.discharge_mw))
            })
            .sum();
        let co2_kg = r.carbon_kg_per_mwh.as_ref().map(|c| dot(&r.import_mw, c));
        let capacity: f64 = r.batteries.iter().map(|b| b.energy_mwh).sum();
        let discharged: f64 = r.batteries.iter().map(|b| energy(&b.discharge_mw)).sum();
        let w = r.weights;
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
            co2_t: co2_kg.map(|kg| kg / 1000.0),
            battery_full_cycles: if capacity > 0.0 {
                discharged / capacity
            } else {
                0.0
            },
            flexible,
            objective: w.import * grid_import_mwh
                + w.cost * (energy_cost_cny + battery_wear_cost_cny)
                + w.carbon * co2_kg.unwrap_or(0.0),
        }
    }

    /// Rows `(label, value, unit)` for the printed table, in a fixed order.
    pub fn table(&self) -> Vec<(String, String, &'static str)> {
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
                "CNY",
            ),
            (
                "battery wear cost".into(),
                format!("{:.2}", self.battery_wear_cost_cny),
                "CNY",
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
        rows.push((
            "objective".into(),
            format!("{:.6}", self.objective),
            "MWh-eq",
        ));
        rows
    }
}
