//! Batteries: capacity, power limits, efficiencies and state-of-charge bounds.

use crate::assets::Battery;
use crate::scenario::file::{self, Raw};
use crate::scenario::values::Checker;
use crate::units::Dimension;

/// Resolves a `[[battery]]` table; states of charge are given as fractions of capacity and
/// kept in MWh.
pub fn battery(c: &mut Checker, t: &file::BatteryTable) -> Option<Battery> {
    let name = t.name.get_ref();
    let f = |field: &str| format!("battery '{name}': {field}");
    let energy = c.quantity(&t.energy_capacity, Dimension::Energy, &f("energy_capacity"));
    if energy.is_some_and(|e| e <= 0.0) {
        c.report(
            "nonpositive",
            f("energy_capacity must be above zero"),
            t.energy_capacity.span(),
            "remove the battery or give its capacity",
        );
    }
    let charge = c.nonnegative(&t.charge_power, Dimension::Power, &f("charge_power"));
    let discharge = c.nonnegative(&t.discharge_power, Dimension::Power, &f("discharge_power"));
    let efficiency = "an efficiency is a fraction in 0..1 (0.95 means 95 %)";
    let eta_c = c.number_in(
        &t.charge_efficiency,
        &f("charge_efficiency"),
        0.0,
        1.0,
        efficiency,
    );
    let eta_d = c.number_in(
        &t.discharge_efficiency,
        &f("discharge_efficiency"),
        0.0,
        1.0,
        efficiency,
    );
    for (eta, raw) in [
        (eta_c, &t.charge_efficiency),
        (eta_d, &t.discharge_efficiency),
    ] {
        if eta == Some(0.0) {
            c.report(
                "nonpositive",
                f("an efficiency of 0 stores or returns nothing"),
                raw.span(),
                efficiency,
            );
        }
    }
    let fraction = "a state of charge is a fraction of energy_capacity in 0..1";
    let soc =
        |c: &mut Checker, raw: &Raw, field: &str| c.number_in(raw, &f(field), 0.0, 1.0, fraction);
    let (min, max, initial) = (
        soc(c, &t.soc_min, "soc_min"),
        soc(c, &t.soc_max, "soc_max"),
        soc(c, &t.soc_initial, "soc_initial"),
    );
    let fin = t
        .soc_final
        .as_ref()
        .map(|raw| (soc(c, raw, "soc_final"), raw));
    let throughput = t
        .throughput_cost
        .as_ref()
        .map(|raw| c.quantity(raw, Dimension::EnergyPrice, &f("throughput_cost")));
    let (min, max, initial) = (min?, max?, initial?);
    if min > max {
        c.report(
            "soc-range",
            f(&format!("soc_min {min} is above soc_max {max}")),
            t.soc_min.span(),
            "soc_min must not exceed soc_max",
        );
        return None;
    }
    if !(min..=max).contains(&initial) {
        c.report(
            "soc-initial",
            f(&format!(
                "soc_initial {initial} is outside soc_min..soc_max ({min}..{max})"
            )),
            t.soc_initial.span(),
            "start within the allowed state of charge",
        );
        return None;
    }
    let final_fraction = match fin {
        None => initial,
        Some((value, raw)) => {
            let value = value?;
            if !(min..=max).contains(&value) {
                c.report(
                    "soc-final",
                    f(&format!(
                        "soc_final {value} is outside soc_min..soc_max ({min}..{max})"
                    )),
                    raw.span(),
                    "the end-of-horizon requirement must be reachable",
                );
                return None;
            }
            value
        }
    };
    let throughput = match throughput {
        None => 0.0,
        Some(v) => v?,
    };
    let energy = energy.filter(|e| *e > 0.0)?;
    Some(Battery {
        name: name.clone(),
        energy_mwh: energy,
        charge_mw: charge?,
        discharge_mw: discharge?,
        charge_efficiency: eta_c.filter(|e| *e > 0.0)?,
        discharge_efficiency: eta_d.filter(|e| *e > 0.0)?,
        soc_min_mwh: min * energy,
        soc_max_mwh: max * energy,
        soc_initial_mwh: initial * energy,
        soc_final_mwh: final_fraction * energy,
        throughput_cost_cny_per_mwh: throughput,
    })
}
