//! Batteries: capacity, power limits, efficiencies and state-of-charge bounds.

use crate::assets::Battery;
use crate::assets::battery::BatterySizing;
use crate::assets::capacity::Extension;
use crate::diagnostic::number;
use crate::scenario::capacity::capacity;
use crate::scenario::file::{self, Raw};
use crate::scenario::values::Checker;
use crate::time::parse_duration;
use crate::units::Dimension;

/// Resolves a `[[battery]]` table; states of charge are given as fractions of capacity and
/// kept in MWh.
pub fn battery(c: &mut Checker, t: &file::BatteryTable) -> Option<Battery> {
    let name = t.name.get_ref();
    let f = |field: &str| format!("battery '{name}': {field}");
    let owner = format!("battery '{name}'");
    let energy = capacity(
        c,
        &t.energy_capacity,
        Dimension::Energy,
        &owner,
        "energy_capacity",
    );
    // A battery that may be built from nothing has no existing energy; a fixed one has some.
    if let Some((e, None)) = &energy
        && *e <= 0.0
    {
        c.report(
            "nonpositive",
            f("energy_capacity must be above zero"),
            t.energy_capacity.span(),
            "remove the battery or give its capacity",
        );
    }
    let power = rating(c, t, &owner, energy.as_ref());
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
            f(&format!(
                "soc_min {} is above soc_max {}",
                number(min),
                number(max)
            )),
            t.soc_min.span(),
            "soc_min must not exceed soc_max",
        );
        return None;
    }
    if !(min..=max).contains(&initial) {
        c.report(
            "soc-initial",
            f(&format!(
                "soc_initial {} is outside soc_min..soc_max ({}..{})",
                number(initial),
                number(min),
                number(max)
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
                        "soc_final {} is outside soc_min..soc_max ({}..{})",
                        number(value),
                        number(min),
                        number(max)
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
    let (energy, energy_ext) = energy.filter(|(e, x)| *e > 0.0 || x.is_some())?;
    let Rating {
        charge,
        discharge,
        extension: power_ext,
        duration_h,
    } = power?;
    let sizing = (energy_ext.is_some() || power_ext.is_some()).then_some(BatterySizing {
        energy: energy_ext,
        power: power_ext,
        duration_h,
        soc_min: min,
        soc_max: max,
        soc_initial: initial,
        soc_final: final_fraction,
    });
    Some(Battery {
        name: name.clone(),
        energy_mwh: energy,
        charge_mw: charge,
        discharge_mw: discharge,
        charge_efficiency: eta_c.filter(|e| *e > 0.0)?,
        discharge_efficiency: eta_d.filter(|e| *e > 0.0)?,
        soc_min_mwh: min * energy,
        soc_max_mwh: max * energy,
        soc_initial_mwh: initial * energy,
        soc_final_mwh: final_fraction * energy,
        throughput_cost_cny_per_mwh: throughput,
        sizing,
    })
}

/// A battery's power rating as resolved.
struct Rating {
    charge: f64,
    discharge: f64,
    extension: Option<Extension>,
    duration_h: Option<f64>,
}

/// The power rating: `charge_power` and `discharge_power`, or `power` (both alike, fixed
/// or extendable), or `duration` (`power = energy / duration`).
fn rating(
    c: &mut Checker,
    t: &file::BatteryTable,
    owner: &str,
    energy: Option<&(f64, Option<Extension>)>,
) -> Option<Rating> {
    let f = |field: &str| format!("{owner}: {field}");
    let given = [
        t.charge_power.as_ref().map(|r| r.span()),
        t.discharge_power.as_ref().map(|r| r.span()),
    ];
    let alone = "give either charge_power and discharge_power, or power, or duration";
    let conflict = match (&t.power, &t.duration) {
        (Some(_), Some(d)) => Some(("power and duration both", d.span())),
        (Some(p), None) => given
            .iter()
            .flatten()
            .next()
            .map(|_| ("power and charge_power/discharge_power", p.span())),
        (None, Some(d)) => given
            .iter()
            .flatten()
            .next()
            .map(|_| ("duration and charge_power/discharge_power", d.span())),
        (None, None) => None,
    };
    if let Some((what, span)) = conflict {
        c.report(
            "battery-power",
            f(&format!("{what} set the rating")),
            span,
            alone,
        );
        return None;
    }
    if let Some(raw) = &t.power {
        let (p, extension) = capacity(c, raw, Dimension::Power, owner, "power")?;
        return Some(Rating {
            charge: p,
            discharge: p,
            extension,
            duration_h: None,
        });
    }
    if let Some(d) = &t.duration {
        let hours = match parse_duration(d.get_ref()) {
            Ok(seconds) if seconds > 0 => seconds as f64 / 3600.0,
            _ => {
                c.report(
                    "battery-duration",
                    f(&format!(
                        "duration '{}' is not a positive duration",
                        d.get_ref()
                    )),
                    d.span(),
                    "write the hours of storage at full power, e.g. \"2h\"",
                );
                return None;
            }
        };
        let e = energy?.0;
        return Some(Rating {
            charge: e / hours,
            discharge: e / hours,
            extension: None,
            duration_h: Some(hours),
        });
    }
    let mut side = |raw: &Option<Raw>, key: &str| match raw {
        Some(raw) => c.nonnegative(raw, Dimension::Power, &f(key)),
        None => {
            c.report(
                "missing-key",
                f(&format!("missing field `{key}`")),
                t.name.span(),
                alone,
            );
            None
        }
    };
    let charge = side(&t.charge_power, "charge_power");
    let discharge = side(&t.discharge_power, "discharge_power");
    Some(Rating {
        charge: charge?,
        discharge: discharge?,
        extension: None,
        duration_h: None,
    })
}
