//! What the sized system pays, against business as usual (BAU), from the two committed runs.
//!
//! With `k = 8760 / hours of the horizon` (a run shorter than a year is taken as
//! representative of the year: its operating figures are scaled by `k`; a year's run has
//! `k = 1`):
//! - annual operating cost `O = k · total_cost` (energy, demand charge, wear, fuel, …, the
//!   KPIs' `total_cost_cny`), for the sized system and for BAU;
//! - annual operating savings `S = O_bau − O`; capex `C = Σ capex·added`; fixed O&M
//!   `M = Σ fixed_om·added` per year; annualised capex `Σ CRF·capex·added`;
//! - annualised total cost `CRF·C + M + O` (what sizing minimises, up to the import and
//!   carbon weights);
//! - cash flows: year 0 `−C`; year y = 1..N `(S·(1+e)^(y−1) − M)·(1−τ) + τ·D − R_y`, plus the
//!   salvage value in year N, where e is the escalation, τ the tax rate, `D = Σ capex/lifetime`
//!   straight-line depreciation, `R_y` the capex of each part whose lifetime ends before N
//!   (replaced at y = L, 2L, …), and the salvage the unused share of the last installation's
//!   life times its capex;
//! - NPV, IRR, simple and discounted payback of those cash flows (see `crate::finance`);
//! - LCOE of the added PV: its annualised cost over the yearly energy it adds
//!   (`k·(PV generation − BAU PV generation)`); levelised cost of storage: the batteries'
//!   annualised added cost over the yearly discharge they add; both in CNY/kWh;
//! - change in grid import (MWh/yr) and CO2 (t/yr): `k·(sized − BAU)`.

use serde::Serialize;

use super::Added;
use crate::assets::Total;
use crate::assets::capacity::HOURS_PER_YEAR;
use crate::finance::{irr, npv, payback};
use crate::results::{Kpis, Results};
use crate::scenario::finance::Finance;

/// Business as usual, per year.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Bau {
    pub operating_cost_cny: f64,
    pub grid_import_mwh: f64,
    pub co2_t: Option<f64>,
    /// The dispatch objective scaled to a year (weighted, as the LP minimises it).
    pub objective: f64,
}

/// The economics of the sized system (see the module documentation); money in CNY, per year
/// where it says so.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Economics {
    pub currency: crate::currency::Currency,
    pub discount_rate: f64,
    pub analysis_years: u32,
    pub escalation: f64,
    pub tax_rate: f64,
    /// `8760 / hours of the horizon`.
    pub annual_factor: f64,
    pub capacities: Vec<Added>,
    pub capex_cny: f64,
    pub annualised_capex_cny: f64,
    pub fixed_om_cny: f64,
    pub operating_cost_cny: f64,
    pub total_annualised_cost_cny: f64,
    /// The sizing LP's objective scaled to a year (weighted).
    pub objective: f64,
    /// `None` where business as usual cannot be dispatched (why: `bau_infeasible`).
    pub bau: Option<Bau>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bau_infeasible: Option<String>,
    pub operating_savings_cny: Option<f64>,
    /// BAU's annual operating cost less the annualised total cost.
    pub annualised_savings_cny: Option<f64>,
    pub npv_cny: Option<f64>,
    pub irr: Option<f64>,
    pub simple_payback_years: Option<f64>,
    pub discounted_payback_years: Option<f64>,
    pub lcoe_pv_cny_per_kwh: Option<f64>,
    pub lcos_cny_per_kwh: Option<f64>,
    pub grid_import_change_mwh: Option<f64>,
    pub co2_change_t: Option<f64>,
    /// Years 0..=N.
    pub cash_flows_cny: Vec<f64>,
    /// How the sizes were found (set by the caller that sized).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub search: Option<super::Search>,
}

/// The yearly totals of `key` over the assets named in `names`.
fn total_of(r: &Results, names: &[&str], key: &Total) -> f64 {
    r.assets
        .iter()
        .zip(&r.contributions)
        .filter(|(a, _)| names.contains(&a.name.as_str()))
        .flat_map(|(_, c)| &c.totals)
        .filter(|(k, _)| k == key)
        .map(|(_, v)| *v)
        .sum()
}

/// Cash flows of years 0..=N (see the module documentation).
pub fn cash_flows(f: &Finance, capacities: &[Added], savings: f64) -> Vec<f64> {
    let n = f.analysis_years as usize;
    let capex: f64 = capacities.iter().map(|a| a.capex_cny).sum();
    let om: f64 = capacities.iter().map(|a| a.fixed_om_cny).sum();
    let depreciation: f64 = capacities
        .iter()
        .map(|a| a.capex_cny / a.lifetime_years)
        .sum();
    let mut flows = vec![-capex];
    for y in 1..=n {
        let gross = savings * (1.0 + f.escalation).powi(y as i32 - 1) - om;
        flows.push(gross * (1.0 - f.tax_rate) + f.tax_rate * depreciation);
    }
    for a in capacities.iter().filter(|a| a.capex_cny > 0.0) {
        let mut last = 0.0;
        let mut k = 1.0;
        while (k * a.lifetime_years).round() < n as f64 {
            let y = (k * a.lifetime_years).round();
            flows[y as usize] -= a.capex_cny;
            last = y;
            k += 1.0;
        }
        let used = (n as f64 - last) / a.lifetime_years;
        flows[n] += a.capex_cny * (1.0 - used).max(0.0);
    }
    flows
}

/// The economics of `sized` (the sizing LP's objective `objective` over the horizon)
/// against `bau` (or why it could not be dispatched).
pub fn economics(
    f: &Finance,
    capacities: &[Added],
    objective: f64,
    sized: (&Results, &Kpis),
    bau_run: Result<(&Results, &Kpis), String>,
) -> Economics {
    let (r, kpis) = sized;
    let hours = r.time.len as f64 * r.time.dt_hours();
    let k = HOURS_PER_YEAR / hours;
    let capex: f64 = capacities.iter().map(|a| a.capex_cny).sum();
    let annualised_capex: f64 = capacities.iter().map(|a| a.annualised_capex_cny).sum();
    let om: f64 = capacities.iter().map(|a| a.fixed_om_cny).sum();
    let operating = k * kpis.total_cost_cny;
    let (bau, bau_infeasible) = match &bau_run {
        Ok((_, b)) => (
            Some(Bau {
                operating_cost_cny: k * b.total_cost_cny,
                grid_import_mwh: k * b.grid_import_mwh,
                co2_t: b.co2_t.map(|c| k * c),
                objective: k * b.objective,
            }),
            None,
        ),
        Err(why) => (None, Some(why.clone())),
    };
    let savings = bau.as_ref().map(|b| b.operating_cost_cny - operating);
    let flows = savings.map(|s| cash_flows(f, capacities, s));
    // Levelised cost of what is added to assets of one kind: their annualised cost over the
    // yearly energy `key` they add.
    let levelised = |kind: &str, key: Total| {
        let Ok((bau_r, _)) = &bau_run else {
            return None;
        };
        let parts: Vec<&Added> = capacities
            .iter()
            .filter(|a| a.kind == kind && a.added > 0.0)
            .collect();
        let names: Vec<&str> = parts.iter().map(|a| a.asset.as_str()).collect();
        let cost: f64 = parts.iter().map(|a| a.annual_cny()).sum();
        let energy = k * (total_of(r, &names, &key) - total_of(bau_r, &names, &key));
        (energy > 1e-9 && !parts.is_empty()).then(|| cost / (energy * 1000.0))
    };
    Economics {
        currency: f.currency,
        discount_rate: f.discount_rate,
        analysis_years: f.analysis_years,
        escalation: f.escalation,
        tax_rate: f.tax_rate,
        annual_factor: k,
        capacities: capacities.to_vec(),
        capex_cny: capex,
        annualised_capex_cny: annualised_capex,
        fixed_om_cny: om,
        operating_cost_cny: operating,
        total_annualised_cost_cny: annualised_capex + om + operating,
        objective: k * objective,
        annualised_savings_cny: bau
            .as_ref()
            .map(|b| b.operating_cost_cny - (annualised_capex + om + operating)),
        grid_import_change_mwh: bau
            .as_ref()
            .map(|b| k * kpis.grid_import_mwh - b.grid_import_mwh),
        co2_change_t: bau.as_ref().and_then(|b| Some(k * kpis.co2_t? - b.co2_t?)),
        bau,
        bau_infeasible,
        operating_savings_cny: savings,
        npv_cny: flows.as_ref().map(|c| npv(f.discount_rate, c)),
        irr: flows.as_ref().and_then(|c| irr(c)),
        simple_payback_years: flows.as_ref().and_then(|c| payback(c, None)),
        discounted_payback_years: flows
            .as_ref()
            .and_then(|c| payback(c, Some(f.discount_rate))),
        lcoe_pv_cny_per_kwh: levelised("PV", Total::PvGenerationMwh),
        lcos_cny_per_kwh: levelised("battery", Total::BatteryDischargedMwh),
        cash_flows_cny: flows.unwrap_or_default(),
        search: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn part(capex: f64, life: f64, om: f64) -> Added {
        Added {
            asset: "b".into(),
            kind: "battery",
            field: "energy_capacity",
            unit: "MWh",
            existing: 0.0,
            added: 1.0,
            total: 1.0,
            min: 0.0,
            max: 1.0,
            capex_cny: capex,
            lifetime_years: life,
            annualised_capex_cny: 0.0,
            fixed_om_cny: om,
        }
    }

    #[test]
    fn cash_flows_by_hand() {
        let f = Finance {
            currency: crate::currency::Currency::CNY,
            discount_rate: 0.05,
            analysis_years: 5,
            escalation: 0.1,
            tax_rate: 0.0,
        };
        // 1000 invested, lasting 2 years: replaced in years 2 and 4; its last installation
        // (year 4) has used half its life by year 5: salvage 500. Savings 300 rising 10 %/yr,
        // O&M 20/yr.
        let flows = cash_flows(&f, &[part(1000.0, 2.0, 20.0)], 300.0);
        let s = |y: i32| 300.0 * 1.1f64.powi(y - 1) - 20.0;
        let expected = [
            -1000.0,
            s(1),
            s(2) - 1000.0,
            s(3),
            s(4) - 1000.0,
            s(5) + 500.0,
        ];
        for (a, b) in flows.iter().zip(expected) {
            assert!((a - b).abs() < 1e-9, "{flows:?}");
        }
        // Tax 25 %, depreciation 500/yr: year 1 = 280·0.75 + 0.25·500.
        let taxed = Finance {
            tax_rate: 0.25,
            ..f
        };
        let flows = cash_flows(&taxed, &[part(1000.0, 10.0, 20.0)], 300.0);
        assert!((flows[1] - (280.0 * 0.75 + 0.25 * 100.0)).abs() < 1e-9);
        // No replacement within 5 years; salvage 1000·(1 − 5/10).
        assert!((flows[5] - (s(5) * 0.75 + 25.0 + 500.0)).abs() < 1e-9);
    }
}
