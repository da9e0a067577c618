//! Dispatchable generators: capacity, must-run minimum, fuel cost, emissions, ramp limit.

use crate::assets::Generator;
use crate::diagnostic::number;
use crate::scenario::capacity::capacity;
use crate::scenario::file;
use crate::scenario::values::Checker;
use crate::units::Dimension;

/// Resolves a `[[generator]]` table.
pub fn generator(c: &mut Checker, t: &file::GeneratorTable) -> Option<Generator> {
    let name = t.name.get_ref();
    let f = |field: &str| format!("generator '{name}': {field}");
    let sized = capacity(
        c,
        &t.capacity,
        Dimension::Power,
        &format!("generator '{name}'"),
        "capacity",
    );
    let (capacity, extension) = match sized {
        Some((v, ext)) => (Some(v), ext),
        None => (None, None),
    };
    if capacity == Some(0.0) && extension.is_none() {
        c.report(
            "nonpositive",
            f("capacity must be above zero"),
            t.capacity.span(),
            "remove the generator or give its capacity",
        );
    }
    let min = t
        .min_power
        .as_ref()
        .map(|raw| (c.nonnegative(raw, Dimension::Power, &f("min_power")), raw));
    let fuel = c.nonnegative(&t.fuel_cost, Dimension::EnergyPrice, &f("fuel_cost"));
    let co2 = c.nonnegative(
        &t.carbon_intensity,
        Dimension::CarbonIntensity,
        &f("carbon_intensity"),
    );
    let ramp = t.ramp_per_hour.as_ref().map(|raw| {
        (
            c.nonnegative(raw, Dimension::Power, &f("ramp_per_hour")),
            raw,
        )
    });
    if let Some((Some(0.0), raw)) = ramp {
        c.report(
            "nonpositive",
            f("ramp_per_hour of 0 would hold the output at its minimum for ever"),
            raw.span(),
            "give the most the output may change in an hour, or leave ramp_per_hour out",
        );
    }
    if let (Some(capacity), Some((Some(min), raw))) = (capacity, min)
        && min > capacity
    {
        c.report(
            "range",
            f(&format!(
                "min_power ({} MW) is above capacity ({} MW)",
                number(min),
                number(capacity)
            )),
            raw.span(),
            "min_power is the must-run output, at most capacity",
        );
    }
    let min_mw = match min {
        Some((value, _)) => value?,
        None => 0.0,
    };
    let ramp_mw_per_h = match ramp {
        Some((value, _)) => Some(value.filter(|r| *r > 0.0)?),
        None => None,
    };
    let (capacity_mw, fuel_cny_per_mwh, co2_kg_per_mwh) = (
        capacity.filter(|c| *c > 0.0 || extension.is_some())?,
        fuel?,
        co2?,
    );
    (min_mw <= capacity_mw).then(|| Generator {
        name: name.clone(),
        capacity_mw,
        min_mw,
        fuel_cny_per_mwh,
        co2_kg_per_mwh,
        ramp_mw_per_h,
        sizing: extension,
    })
}
