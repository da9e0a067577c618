//! PV: available power from a series (`availability`) or from the solar models (`model`),
//! the site and the weather.

use toml::Spanned;

use super::power_series;
use crate::assets::Pv;
use crate::assets::capacity::Extension;
use crate::assets::pv::PvSizing;
use crate::scenario::capacity::capacity;
use crate::scenario::file::{self, Raw};
use crate::scenario::values::Checker;
use crate::solar::irradiance::Transposition;
use crate::solar::pvsystem::{CellTemperature, Electrical};
use crate::solar::spa::Site;
use crate::solar::tracking::SingleAxis;
use crate::solar::weather::Weather;
use crate::solar::{Mount, PvModel};
use crate::time::TimeGrid;
use crate::units::Dimension;

/// The site and weather the solar and cooling models need; `declared` is false when the
/// scenario gives none (rather than ones with problems, already reported).
pub struct Physics<'a> {
    pub declared: bool,
    pub site: Option<&'a Site>,
    pub weather: Option<&'a Weather>,
}

/// Resolves a `[[pv]]` table: its capacity and available power per step, from the
/// `availability` series or from the solar `model` on the site's weather.
pub fn pv(c: &mut Checker, t: &file::PvTable, time: &TimeGrid, physics: &Physics) -> Option<Pv> {
    let name = t.name.get_ref();
    let owner = format!("pv '{name}'");
    let (capacity, ac_ext) = split(capacity(
        c,
        &t.capacity,
        Dimension::Power,
        &owner,
        "capacity",
    ));
    let field = format!("pv '{name}': availability");
    let (available, model, dc_ext) = match (&t.availability, &t.model) {
        (Some(a), None) => {
            let available = c.series(a, power_series(Some(capacity)), &field, time)?;
            let capacity = capacity?;
            if let Some(i) = available.iter().position(|v| *v > capacity * (1.0 + 1e-9)) {
                c.report(
                    "pv-above-capacity",
                    format!(
                        "{field} {:.6} MW at {} exceeds the capacity of {capacity} MW",
                        available[i],
                        time.timestamp(i)
                    ),
                    a.span(),
                    "raise capacity, or give availability per unit (unit = \"pu\")",
                );
                return None;
            }
            (available, None, None)
        }
        (None, Some(m)) => {
            let (model, dc_ext) = pv_model(c, name, m, capacity)?;
            let (Some(site), Some(weather)) = (physics.site, physics.weather) else {
                if !physics.declared {
                    c.report(
                        "missing-key",
                        format!("pv '{name}': a model needs [site] and [weather]"),
                        m.span(),
                        "add [site] and [weather] (in a VPP file: the [[site]]'s `location` and `weather`), or give availability instead",
                    );
                }
                return None;
            };
            (model.ac_power(site, weather, time), Some(model), dc_ext)
        }
        _ => {
            c.report(
                "pv-source",
                format!("pv '{name}' needs exactly one of availability and model"),
                t.name.span(),
                "give availability = { file = ... } or model = { ... }",
            );
            return None;
        }
    };
    let capacity = capacity?;
    let sizing = match (ac_ext, dc_ext) {
        (None, None) => None,
        (ac, dc) => Some(sizing(
            c,
            t,
            &available,
            model.as_ref(),
            physics,
            time,
            capacity,
            ac,
            dc,
        )?),
    };
    Some(Pv {
        name: name.clone(),
        capacity_mw: capacity,
        dc_capacity_mw: model.as_ref().map(|m| m.electrical.dc_mw),
        available_mw: available,
        model,
        sizing,
    })
}

/// A capacity's value and extension as two options.
fn split(v: Option<(f64, Option<Extension>)>) -> (Option<f64>, Option<Extension>) {
    match v {
        Some((value, ext)) => (Some(value), ext),
        None => (None, None),
    }
}

/// How a PV plant may grow: its output per MW of the capacity that scales availability
/// (per MWp DC before the inverter limit for a modelled plant, per MW of `capacity` for a
/// series, which needs an existing capacity to be measured against).
#[allow(clippy::too_many_arguments)]
fn sizing(
    c: &mut Checker,
    t: &file::PvTable,
    available: &[f64],
    model: Option<&PvModel>,
    physics: &Physics,
    time: &TimeGrid,
    capacity: f64,
    ac: Option<Extension>,
    dc: Option<Extension>,
) -> Option<PvSizing> {
    let per_unit = match (model, physics.site, physics.weather) {
        (Some(m), Some(site), Some(weather)) => {
            let mut unit = m.clone();
            unit.electrical.dc_mw = 1.0;
            unit.electrical.ac_mw = f64::INFINITY;
            unit.ac_power(site, weather, time)
        }
        _ if capacity > 0.0 => available.iter().map(|a| a / capacity).collect(),
        _ => {
            c.report(
                "pv-sizing",
                format!(
                    "pv '{}': an availability series is scaled by the existing capacity, which is 0",
                    t.name.get_ref()
                ),
                t.capacity.span(),
                "give capacity an existing value above 0 (the series is per MW of it), or model the plant from weather",
            );
            return None;
        }
    };
    Some(PvSizing {
        per_unit,
        modelled: model.is_some(),
        dc,
        ac,
    })
}

/// The PV system of `[[pv]] model`: mount (fixed or single-axis tracking), optics,
/// temperature and electrical parameters; `ac_mw` is the inverter rating (`capacity`).
fn pv_model(
    c: &mut Checker,
    name: &str,
    m: &Spanned<file::PvModelTable>,
    ac_mw: Option<f64>,
) -> Option<(PvModel, Option<Extension>)> {
    let t = m.get_ref();
    let f = |k: &str| format!("pv '{name}': model.{k}");
    let (dc, dc_ext) = split(capacity(
        c,
        &t.dc_capacity,
        Dimension::Power,
        &format!("pv '{name}': model"),
        "dc_capacity",
    ));
    let number_or = |c: &mut Checker,
                     raw: &Option<Raw>,
                     k: &str,
                     default: f64,
                     lo: f64,
                     hi: f64,
                     what: &str| match raw {
        None => Some(default),
        Some(r) => c.number_in(r, &f(k), lo, hi, what),
    };
    let albedo = number_or(
        c,
        &t.albedo,
        "albedo",
        0.2,
        0.0,
        1.0,
        "ground reflectance, a fraction",
    );
    let gamma = number_or(
        c,
        &t.temperature_coefficient,
        "temperature_coefficient",
        -0.0035,
        -0.02,
        0.0,
        "power change per kelvin, e.g. -0.0035",
    );
    let losses = number_or(
        c,
        &t.losses,
        "losses",
        0.14,
        0.0,
        0.99,
        "lumped DC losses, a fraction",
    );
    let eta = number_or(
        c,
        &t.inverter_efficiency,
        "inverter_efficiency",
        0.98,
        0.5,
        1.0,
        "a fraction",
    );
    let b0 = number_or(
        c,
        &t.iam_b0,
        "iam_b0",
        0.05,
        0.0,
        0.5,
        "ASHRAE coefficient, e.g. 0.05",
    );
    let mount = match (&t.tracking, &t.tilt, &t.azimuth) {
        (None, Some(tilt), Some(azimuth)) => {
            let tilt = c.number_in(tilt, &f("tilt"), 0.0, 90.0, "degrees from horizontal");
            let azimuth = c.number_in(
                azimuth,
                &f("azimuth"),
                0.0,
                360.0,
                "degrees eastward from north; 180 faces south",
            );
            tilt.zip(azimuth)
                .map(|(tilt, azimuth)| Mount::Fixed { tilt, azimuth })
        }
        (None, _, _) => {
            c.report(
                "pv-mount",
                format!("pv '{name}': the model needs tilt and azimuth, or tracking"),
                m.span(),
                "give tilt = 30, azimuth = 180 for fixed racks, or tracking = { gcr = 0.35 } for single-axis trackers",
            );
            None
        }
        (Some(tracking), None, None) => {
            let k = tracking.get_ref();
            let axis_azimuth = number_or(
                c,
                &k.axis_azimuth,
                "tracking.axis_azimuth",
                180.0,
                0.0,
                360.0,
                "degrees eastward from north; 180 for a north–south axis",
            );
            let axis_tilt = number_or(
                c,
                &k.axis_tilt,
                "tracking.axis_tilt",
                0.0,
                0.0,
                60.0,
                "degrees from horizontal",
            );
            let max_angle = number_or(
                c,
                &k.max_angle,
                "tracking.max_angle",
                60.0,
                0.0,
                90.0,
                "degrees from flat either way, e.g. 60",
            );
            let gcr = match &k.gcr {
                None => Some(None),
                Some(raw) => c
                    .number_in(
                        raw,
                        &f("tracking.gcr"),
                        0.01,
                        1.0,
                        "module width over row pitch, e.g. 0.35",
                    )
                    .map(Some),
            };
            match (axis_tilt, axis_azimuth, max_angle, gcr) {
                (Some(axis_tilt), Some(axis_azimuth), Some(max_angle), Some(gcr)) => {
                    Some(Mount::SingleAxis(SingleAxis {
                        axis_tilt,
                        axis_azimuth,
                        max_angle,
                        gcr,
                    }))
                }
                _ => None,
            }
        }
        (Some(tracking), _, _) => {
            c.report(
                "pv-mount",
                format!("pv '{name}': trackers turn the modules, so tilt and azimuth do not apply"),
                tracking.span(),
                "drop tilt and azimuth, or tracking",
            );
            None
        }
    };
    let transposition = match &t.transposition {
        None => Some(Transposition::Perez),
        Some(v) => c.choice(v, "model-choice", |w| {
            format!("{}: '{w}' is not supported", f("transposition"))
        }),
    };
    let cell = match &t.cell_temperature {
        None => Some(CellTemperature::Faiman),
        Some(v) => c.choice(v, "model-choice", |w| {
            format!("{}: '{w}' is not supported", f("cell_temperature"))
        }),
    };
    Some((
        PvModel {
            mount: mount?,
            albedo: albedo?,
            transposition: transposition?,
            cell_temperature: cell?,
            iam_b0: b0?,
            electrical: Electrical {
                dc_mw: dc?,
                ac_mw: ac_mw?,
                gamma_per_k: gamma?,
                losses: losses?,
                inverter_efficiency: eta?,
            },
        },
        dc_ext,
    ))
}
