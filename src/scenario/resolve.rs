//! Checks and resolution: from the file as written to an immutable [`Scenario`].
//! Every problem in the file is collected before giving up.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::{DateTime, Datelike, Timelike};
use toml::Spanned;

use super::file::{self, Raw, ScenarioFile, SiteTables};
use super::values::{Checker, Extras, SeriesKind};
use super::{DispatchSettings, Scenario, Strategy};
use super::{park, weather};
use crate::assets::grid::DemandCharge;
use crate::assets::{Battery, EnergyWindow, FixedLoad, FlexibleLoad, Grid, Pv};
use crate::diagnostic::{Location, Problem, Problems};
use crate::dispatch::MpcSettings;
use crate::forecast::Forecaster;
use crate::model::{Method, Presolve};
use crate::solar::spa::Site;
use crate::solar::weather::Weather;
use crate::time::{TimeGrid, in_daily_span, parse_clock, parse_duration};
use crate::units::Dimension;

/// Parses and resolves scenario `source` read from `path`; returns the scenario and the
/// CSV files it read and its warnings.
pub fn resolve(path: &Path, source: &str) -> Result<(Scenario, Extras), Problems> {
    let raw: ScenarioFile = parse(path, source)?;
    let mut c = Checker::new(path, source);
    c.plain_name(&raw.scenario.name, "scenario");
    let Some(time) = time_grid(&mut c, &raw.time) else {
        return Err(Problems(c.problems));
    };
    let seed = raw.scenario.seed;
    let dispatch = dispatch_settings(&mut c, raw.dispatch.as_ref(), &time, seed);
    let header = Header {
        name: raw.scenario.name.get_ref(),
        description: &raw.scenario.description,
        seed,
        weather_seed: seed,
        time: &time,
    };
    match site_scenario(&mut c, &raw.site_tables(), header, dispatch) {
        Some(scenario) => Ok((scenario, c.extras())),
        None => Err(Problems(c.problems)),
    }
}

/// Parses TOML `source` read from `path` into the serde mirror `T`.
pub fn parse<T: serde::de::DeserializeOwned>(path: &Path, source: &str) -> Result<T, Problems> {
    toml::from_str(source).map_err(|e| Problems(vec![toml_problem(path, source, &e)]))
}

/// What a site's scenario takes from its file beyond the site's own tables.
#[derive(Clone, Copy)]
pub struct Header<'a> {
    pub name: &'a str,
    pub description: &'a str,
    /// Seed of the site's random draws (jobs, EV sessions).
    pub seed: u64,
    /// Seed of its synthetic weather (sites of one city share one sky).
    pub weather_seed: u64,
    pub time: &'a TimeGrid,
}

/// Checks and resolves one site's tables into a scenario; `None` once any problem has been
/// reported into `c` (here or before: `dispatch` is `None` when its section had problems).
pub fn site_scenario(
    c: &mut Checker,
    raw: &SiteTables,
    header: Header,
    dispatch: Option<DispatchSettings>,
) -> Option<Scenario> {
    let (time, seed) = (header.time, header.seed);
    let names = check_names(c, raw);
    let site = raw.location.and_then(|s| park::site(c, s));
    let weather = raw
        .weather
        .and_then(|w| weather::weather(c, w, site.as_ref(), time, header.weather_seed));
    let physics = Physics {
        declared: raw.location.is_some() && raw.weather.is_some(),
        site: site.as_ref(),
        weather: weather.as_ref(),
    };
    let pv: Vec<_> = raw.pv.iter().map(|t| pv(c, t, time, &physics)).collect();
    let batteries: Vec<_> = raw.battery.iter().map(|t| battery(c, t)).collect();
    let loads: Vec<_> = raw.load.iter().map(|t| load(c, t, time)).collect();
    let flexible: Vec<_> = raw
        .flexible_load
        .iter()
        .map(|t| flexible_load(c, t, time))
        .collect();
    let datacenters: Vec<_> = raw
        .datacenter
        .iter()
        .enumerate()
        .map(|(i, t)| {
            park::datacenter(
                c,
                t,
                time,
                weather.as_ref(),
                &mut park::stream(seed, 100 + i as u64),
            )
        })
        .collect();
    let ev_hubs: Vec<_> = raw
        .ev_hub
        .iter()
        .enumerate()
        .map(|(i, t)| park::ev_hub(c, t, time, &mut park::stream(seed, 200 + i as u64)))
        .collect();
    let grid = grid(c, raw.grid, time);
    let (Some(grid), Some(dispatch), true, true) = (grid, dispatch, names, c.problems.is_empty())
    else {
        return None;
    };
    let datacenters: Vec<_> = datacenters.into_iter().flatten().collect();
    let ev_hubs: Vec<_> = ev_hubs.into_iter().flatten().collect();
    let mut loads: Vec<_> = loads.into_iter().flatten().collect();
    let mut flexible: Vec<_> = flexible.into_iter().flatten().collect();
    let mut curtailable = Vec::new();
    for dc in &datacenters {
        loads.push(dc.facility_load());
        flexible.extend(dc.job_loads());
        curtailable.extend(dc.capping_load());
    }
    for hub in &ev_hubs {
        if hub.managed {
            flexible.extend(hub.charger_loads(time.dt_hours()));
        } else {
            loads.push(hub.uncontrolled_load(time.len, time.dt_hours()));
        }
    }
    Some(Scenario {
        name: header.name.to_string(),
        description: header.description.to_string(),
        seed,
        time: *time,
        site,
        weather,
        pv: pv.into_iter().flatten().collect(),
        batteries: batteries.into_iter().flatten().collect(),
        loads,
        flexible_loads: flexible,
        curtailable_loads: curtailable,
        datacenters,
        ev_hubs,
        grid,
        dispatch,
    })
}

/// A TOML syntax or structure error (unknown key, missing key, wrong type) as a problem.
fn toml_problem(path: &Path, source: &str, e: &toml::de::Error) -> Problem {
    let message = e.message().trim().to_string();
    let location = match e.span() {
        Some(span) => Location::in_text(path, source, span),
        None => Location::File(path.to_path_buf()),
    };
    let (code, hint) = if message.starts_with("unknown field") {
        (
            "unknown-key",
            "check the spelling; the keys of each table are listed in README.md",
        )
    } else if message.starts_with("missing field") {
        ("missing-key", "add the key to this table")
    } else if message.starts_with("invalid type") {
        (
            "value-type",
            "quantities are strings with units (\"6 MW\"); fractions are plain numbers",
        )
    } else {
        ("toml-syntax", "see https://toml.io for the syntax")
    };
    Problem::new(code, message, location).hint(hint)
}

/// Asset names are plain names (see [`super::values::PLAIN_NAME`]) and unique.
fn check_names(c: &mut Checker, raw: &SiteTables) -> bool {
    let names = raw
        .pv
        .iter()
        .map(|a| &a.name)
        .chain(raw.battery.iter().map(|a| &a.name))
        .chain(raw.load.iter().map(|a| &a.name))
        .chain(raw.flexible_load.iter().map(|a| &a.name))
        .chain(raw.datacenter.iter().map(|a| &a.name))
        .chain(raw.ev_hub.iter().map(|a| &a.name));
    let mut seen: BTreeMap<&str, ()> = BTreeMap::new();
    let before = c.problems.len();
    for name in names {
        let text = name.get_ref().as_str();
        if !c.plain_name(name, "asset") {
            continue;
        }
        if text == "grid" || text == "bus" || text == "site" || seen.insert(text, ()).is_some() {
            c.report(
                "duplicate-name",
                format!("asset name '{text}' is used twice (or is reserved)"),
                name.span(),
                "give every asset a unique name; 'grid', 'bus' and 'site' are reserved",
            );
        }
    }
    c.problems.len() == before
}

/// Most steps one run may have: 28.5 years of 15-minute steps, or 1.9 years of minutes.
/// Every series holds a value per step and the LP a few columns per step, so the limit
/// keeps a typing slip (`"100000d"`) from exhausting memory.
pub const MAX_STEPS: usize = 1_000_000;

pub fn time_grid(c: &mut Checker, t: &file::TimeSection) -> Option<TimeGrid> {
    let start = DateTime::parse_from_rfc3339(t.start.get_ref());
    if start.is_err() {
        c.report(
            "time-start",
            format!(
                "start '{}' is not an RFC 3339 time with UTC offset",
                t.start.get_ref()
            ),
            t.start.span(),
            "e.g. start = \"2025-01-01T00:00:00+08:00\"",
        );
    }
    let mut duration = |s: &Spanned<String>, field: &str| match parse_duration(s.get_ref()) {
        Ok(d) => Some(d),
        Err(e) => {
            c.report(
                "duration",
                format!("{field}: {e}"),
                s.span(),
                "e.g. \"15min\", \"1h\", \"7d\"",
            );
            None
        }
    };
    let (step, total) = (duration(&t.step, "step"), duration(&t.duration, "duration"));
    if let Ok(s) = start
        && s.nanosecond() >= 1_000_000_000
    {
        c.report(
            "time-start",
            format!("start '{}' is a leap second", t.start.get_ref()),
            t.start.span(),
            "start on an ordinary second, e.g. 00:00:00",
        );
        return None;
    }
    let (Ok(start), Some(step), Some(total)) = (start, step, total) else {
        return None;
    };
    if total % step != 0 {
        c.report(
            "time-step-divides",
            format!("duration of {total} s is not a whole number of {step} s steps"),
            t.duration.span(),
            "make the duration a multiple of the step",
        );
        return None;
    }
    let len = total / step;
    if len > MAX_STEPS as i64 {
        c.report(
            "time-too-long",
            format!(
                "{len} steps of {step} s, more than the {MAX_STEPS} steps vppsim runs at once"
            ),
            t.duration.span(),
            "shorten the duration or lengthen the step (a year of 15-minute steps is 35,040); split a long study into runs",
        );
        return None;
    }
    let end = start.checked_add_signed(chrono::Duration::seconds(total));
    if end.is_none_or(|e| e.year() > 9999) {
        c.report(
            "time-too-long",
            "the horizon ends after the year 9999".into(),
            t.duration.span(),
            "timestamps are written with four-digit years: end the horizon by 9999",
        );
        return None;
    }
    Some(TimeGrid {
        start,
        step_seconds: step,
        len: len as usize,
    })
}

fn power_series(per_unit_base: Option<Option<f64>>) -> SeriesKind {
    SeriesKind {
        dimension: Dimension::Power,
        per_unit_base,
        nonnegative: true,
    }
}

/// The site and weather the solar and cooling models need; `declared` is false when the
/// scenario gives none (rather than ones with problems, already reported).
struct Physics<'a> {
    declared: bool,
    site: Option<&'a Site>,
    weather: Option<&'a Weather>,
}

fn pv(c: &mut Checker, t: &file::PvTable, time: &TimeGrid, physics: &Physics) -> Option<Pv> {
    let name = t.name.get_ref();
    let capacity = c.nonnegative(
        &t.capacity,
        Dimension::Power,
        &format!("pv '{name}': capacity"),
    );
    let field = format!("pv '{name}': availability");
    let (available, model) = match (&t.availability, &t.model) {
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
            (available, None)
        }
        (None, Some(m)) => {
            let model = park::pv_model(c, name, m, capacity)?;
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
            (model.ac_power(site, weather, time), Some(model))
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
    Some(Pv {
        name: name.clone(),
        capacity_mw: capacity?,
        dc_capacity_mw: model.as_ref().map(|m| m.electrical.dc_mw),
        available_mw: available,
        model,
    })
}

fn battery(c: &mut Checker, t: &file::BatteryTable) -> Option<Battery> {
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

fn load(c: &mut Checker, t: &file::LoadTable, time: &TimeGrid) -> Option<FixedLoad> {
    let name = t.name.get_ref();
    let power = c.series(
        &t.power,
        power_series(None),
        &format!("load '{name}': power"),
        time,
    )?;
    Some(FixedLoad {
        name: name.clone(),
        power_mw: power,
    })
}

fn flexible_load(
    c: &mut Checker,
    t: &file::FlexibleLoadTable,
    time: &TimeGrid,
) -> Option<FlexibleLoad> {
    let name = t.name.get_ref();
    let f = |field: &str| format!("flexible_load '{name}': {field}");
    let max = c.series(&t.max_power, power_series(None), &f("max_power"), time);
    let energy = c.nonnegative(&t.energy, Dimension::Energy, &f("energy"));
    let period = match &t.window {
        None if 86_400 % time.step_seconds != 0
            || time.local_second_of_day(0) % time.step_seconds != 0 =>
        {
            c.warn(
                "window-step",
                f(&format!(
                    "{}-minute steps do not tile its default 1-day window: each step counts in the day it starts in, and each window asks energy pro rata to the hours of its steps",
                    time.step_seconds / 60
                )),
                t.name.span(),
                "give window = a whole number of steps (e.g. \"7d\" for 7-hour steps), or steps that divide a day",
            );
            Some(86_400)
        }
        None => Some(86_400),
        Some(w) => match parse_duration(w.get_ref()) {
            Ok(p)
                if p % time.step_seconds == 0
                    && (time.local_second_of_day(0) % time.step_seconds == 0) =>
            {
                Some(p)
            }
            Ok(_) => {
                c.report("window-step", f("window must be a whole number of steps, aligned to local midnight"), w.span(), "use a window such as \"1d\" with a step that divides it and a start on the step grid");
                None
            }
            Err(e) => {
                c.report(
                    "duration",
                    f(&format!("window: {e}")),
                    w.span(),
                    "e.g. window = \"1d\"",
                );
                None
            }
        },
    };
    let hours = match &t.hours {
        None => Some((0, 86_400)),
        Some(h) => match h.get_ref().as_slice() {
            [from, to] => match (parse_clock(from), parse_clock(to)) {
                (Ok(a), Ok(b)) if a != b => {
                    for edge in [a, b] {
                        c.warn_off_grid(edge, time, &f("hours"), h.span());
                    }
                    Some((a, b))
                }
                (Ok(_), Ok(_)) => {
                    c.report(
                        "clock-time",
                        f("hours: from and to are equal"),
                        h.span(),
                        "omit hours to allow the whole day",
                    );
                    None
                }
                (Err(e), _) | (_, Err(e)) => {
                    c.report(
                        "clock-time",
                        f(&format!("hours: {e}")),
                        h.span(),
                        "e.g. hours = [\"08:00\", \"18:00\"]",
                    );
                    None
                }
            },
            _ => {
                c.report(
                    "clock-time",
                    f("hours must be [from, to]"),
                    h.span(),
                    "e.g. hours = [\"18:00\", \"07:00\"] for overnight",
                );
                None
            }
        },
    };
    let (mut max, energy, period, (from, to)) = (max?, energy?, period?, hours?);
    for (t, m) in max.iter_mut().enumerate() {
        if !in_daily_span(time.local_second_of_day(t), from, to) {
            *m = 0.0;
        }
    }
    let mut windows: Vec<EnergyWindow> = Vec::new();
    for t in 0..time.len {
        let w = time.window_index(t, period);
        match windows.last_mut() {
            Some(last) if time.window_index(last.start, period) == w => last.end = t + 1,
            _ => windows.push(EnergyWindow {
                start: t,
                end: t + 1,
                energy_mwh: 0.0,
            }),
        }
    }
    // Each window asks energy pro rata to the time its steps cover (a window cut by the
    // horizon, or one holding more or fewer steps than a period when steps do not divide
    // it): over the horizon, `energy` per `period` exactly.
    for w in &mut windows {
        w.energy_mwh =
            energy * ((w.end - w.start) as f64 * time.step_seconds as f64) / period as f64;
    }
    Some(FlexibleLoad {
        name: name.clone(),
        first_step: 0,
        max_mw: max,
        windows,
        overhead: None,
        group: None,
    })
}

fn grid(c: &mut Checker, t: &file::GridTable, time: &TimeGrid) -> Option<Grid> {
    let import_limit = c.nonnegative(&t.import_limit, Dimension::Power, "grid: import_limit");
    let export_limit = c.nonnegative(&t.export_limit, Dimension::Power, "grid: export_limit");
    let import_price = c.price(&t.import_price, "grid: import_price", time);
    let export_price = match &t.export_price {
        None => Some(vec![0.0; time.len]),
        Some(raw) => c.price(raw, "grid: export_price", time),
    };
    let carbon = t.carbon_intensity.as_ref().map(|raw| {
        let kind = SeriesKind {
            dimension: Dimension::CarbonIntensity,
            per_unit_base: None,
            nonnegative: true,
        };
        c.series(raw, kind, "grid: carbon_intensity", time)
    });
    let carbon = match carbon {
        None => None,
        Some(series) => Some(series?),
    };
    let demand_charge = match &t.demand_charge {
        None => None,
        Some(raw) => Some(demand_charge(
            c.nonnegative(raw, Dimension::PowerPrice, "grid: demand_charge")?,
            time,
        )),
    };
    Some(Grid {
        import_limit_mw: import_limit?,
        export_limit_mw: export_limit?,
        import_price: import_price?,
        export_price: export_price?,
        carbon_kg_per_mwh: carbon,
        demand_charge,
    })
}

/// A monthly demand charge on `time`: each step's calendar month (local time) and the share
/// of each month inside the horizon (its steps' hours over the month's hours).
fn demand_charge(cny_per_mw: f64, time: &TimeGrid) -> DemandCharge {
    let month: Vec<u32> = (0..time.len)
        .map(|t| {
            let d = time.instant(t);
            d.year() as u32 * 12 + d.month0()
        })
        .collect();
    let first = month.first().copied().unwrap_or(0);
    let months = month.last().map_or(0, |last| (last - first + 1) as usize);
    let mut hours = vec![0.0; months];
    for m in &month {
        hours[(m - first) as usize] += time.dt_hours();
    }
    let share = hours
        .iter()
        .enumerate()
        .map(|(k, h)| {
            let key = first + k as u32;
            let (year, month0) = ((key / 12) as i32, key % 12);
            let days = days_in_month(year, month0 + 1);
            (h / (24.0 * days as f64)).min(1.0)
        })
        .collect();
    DemandCharge {
        cny_per_mw,
        month,
        share,
    }
}

/// Days of `month` (1–12) of `year`.
fn days_in_month(year: i32, month: u32) -> u32 {
    let next = if month == 12 {
        chrono::NaiveDate::from_ymd_opt(year + 1, 1, 1)
    } else {
        chrono::NaiveDate::from_ymd_opt(year, month + 1, 1)
    };
    let first = chrono::NaiveDate::from_ymd_opt(year, month, 1);
    match (first, next) {
        (Some(a), Some(b)) => (b - a).num_days() as u32,
        _ => 30,
    }
}

pub fn dispatch_settings(
    c: &mut Checker,
    d: Option<&Spanned<file::DispatchTable>>,
    time: &TimeGrid,
    seed: u64,
) -> Option<DispatchSettings> {
    let mut settings = DispatchSettings::defaults(time);
    let Some(spanned) = d else {
        return Some(settings);
    };
    let d = spanned.get_ref();
    let mut ok = true;
    if let Some(s) = &d.strategy {
        match Strategy::parse(s.get_ref()) {
            Some(strategy) => settings.strategy = strategy,
            None => {
                c.report(
                    "strategy",
                    format!("unknown strategy '{}'", s.get_ref()),
                    s.span(),
                    &format!("use one of: {}", Strategy::NAMES),
                );
                ok = false;
            }
        }
    }
    if let Some(o) = &d.objective {
        let what =
            "an objective weight is a plain number ≥ 0 (MWh-equivalent per unit of its term)";
        let mut weight = |raw: &Option<Raw>, field: &str, slot: &mut f64| {
            if let Some(raw) = raw {
                match c.number_in(raw, field, 0.0, crate::units::LARGEST, what) {
                    Some(v) => *slot = v,
                    None => ok = false,
                }
            }
        };
        weight(
            &o.import,
            "objective.import",
            &mut settings.objective.weights.import,
        );
        weight(
            &o.cost,
            "objective.cost",
            &mut settings.objective.weights.cost,
        );
        weight(
            &o.carbon,
            "objective.carbon",
            &mut settings.objective.weights.carbon,
        );
        if let Some(tie_break) = o.tie_break {
            settings.objective.tie_break = tie_break;
        }
    }
    if let Some(s) = &d.solver {
        let mut unsupported = |v: &Spanned<String>, field: &str, allowed: &[&str]| {
            c.report(
                "solver-option",
                format!("solver.{field} '{}' is not supported", v.get_ref()),
                v.span(),
                &format!("use one of: {}", allowed.join(", ")),
            );
            ok = false;
        };
        if let Some(v) = &s.method {
            match Method::parse(v.get_ref()) {
                Some(m) => settings.solver.method = m,
                None => unsupported(v, "method", &Method::NAMES),
            }
        }
        if let Some(v) = &s.presolve {
            match Presolve::parse(v.get_ref()) {
                Some(p) => settings.solver.presolve = p,
                None => unsupported(v, "presolve", &Presolve::NAMES),
            }
        }
        if let Some(parallel) = &s.parallel {
            settings.solver.parallel = *parallel.get_ref();
            if settings.solver.parallel && settings.solver.method != Method::Simplex {
                c.report(
                    "solver-option",
                    "solver.parallel runs HiGHS's parallel dual simplex, but the method is not simplex".into(),
                    parallel.span(),
                    "give method = \"simplex\", or drop parallel",
                );
                ok = false;
            }
        }
        if let Some(raw) = &s.cost_perturbation {
            match c.number_in(
                raw,
                "solver.cost_perturbation",
                1e-3,
                1e3,
                "a scale for HiGHS's dual simplex cost perturbation (1 is HiGHS's default)",
            ) {
                Some(v) => settings.solver.cost_perturbation = v,
                None => ok = false,
            }
        }
        if let Some(raw) = &s.time_limit_seconds {
            match c.number_in(
                raw,
                "solver.time_limit_seconds",
                1e-3,
                1e9,
                "a time limit in seconds",
            ) {
                Some(v) => settings.solver.time_limit_seconds = Some(v),
                None => ok = false,
            }
        }
    }
    if let Some(raw) = &d.unserved_energy {
        match c.nonnegative(raw, Dimension::EnergyPrice, "dispatch.unserved_energy") {
            Some(v) if settings.objective.weights.cost > 0.0 => {
                settings.unserved_cny_per_mwh = Some(v)
            }
            Some(_) => {
                c.report(
                    "unserved-needs-cost",
                    "dispatch.unserved_energy prices lost load, but objective.cost is 0, so it would cost nothing".into(),
                    raw.span(),
                    "give objective = { cost = ... } above zero, e.g. 1e-5 per CNY",
                );
                ok = false;
            }
            None => ok = false,
        }
    }
    if let Some(raw) = &d.peak_threshold {
        match c.nonnegative(raw, Dimension::Power, "dispatch.peak_threshold") {
            Some(v) => settings.peak_threshold_mw = Some(v),
            None => ok = false,
        }
    }
    if let Some(m) = &d.mpc {
        match mpc_settings(c, m, time, seed, settings.mpc) {
            Some(mpc) => settings.mpc = mpc,
            None => ok = false,
        }
    }
    ok.then_some(settings)
}

/// `[dispatch] mpc = { horizon, replan, forecast, noise_sigma, noise_autocorrelation }`.
fn mpc_settings(
    c: &mut Checker,
    m: &Spanned<file::MpcTable>,
    time: &TimeGrid,
    seed: u64,
    default: MpcSettings,
) -> Option<MpcSettings> {
    let t = m.get_ref();
    let mut steps = |d: &Option<Spanned<String>>, field: &str, default: usize| match d {
        None => Some(default),
        Some(text) => match parse_duration(text.get_ref()) {
            Ok(s) if s % time.step_seconds == 0 => {
                Some(((s / time.step_seconds) as usize).min(time.len))
            }
            Ok(_) => {
                c.report(
                    "duration",
                    format!("mpc.{field} is not a whole number of steps"),
                    text.span(),
                    "use a multiple of [time] step",
                );
                None
            }
            Err(e) => {
                c.report(
                    "duration",
                    format!("mpc.{field}: {e}"),
                    text.span(),
                    "e.g. \"1d\" or \"15min\"",
                );
                None
            }
        },
    };
    let (horizon, replan) = (
        steps(&t.horizon, "horizon", default.horizon)?,
        steps(&t.replan, "replan", default.replan)?,
    );
    if replan > horizon {
        c.report(
            "mpc-window",
            "mpc.replan is longer than mpc.horizon".into(),
            m.span(),
            "commit at most what was planned: replan ≤ horizon",
        );
        return None;
    }
    let day = (86_400 / time.step_seconds).max(1) as usize;
    let forecaster = match t.forecast.as_ref().map(|f| f.get_ref().as_str()) {
        None | Some("perfect") => Forecaster::Perfect,
        Some("persistence") => Forecaster::Persistence,
        Some("seasonal-naive") => Forecaster::SeasonalNaive { period: day },
        Some("regression") => Forecaster::Regression {
            period: day,
            train: 14,
        },
        Some("noisy") => {
            let sigma = t
                .noise_sigma
                .as_ref()
                .and_then(|r| c.nonnegative(r, Dimension::Power, "mpc.noise_sigma"));
            let phi = t.noise_autocorrelation.as_ref().and_then(|r| {
                c.number_in(
                    r,
                    "mpc.noise_autocorrelation",
                    0.0,
                    0.999,
                    "lag-1 correlation of the error, 0..1",
                )
            });
            let (Some(sigma_mw), Some(autocorrelation)) = (sigma, phi) else {
                c.report(
                    "missing-key",
                    "a noisy forecast needs noise_sigma and noise_autocorrelation".into(),
                    m.span(),
                    "e.g. noise_sigma = \"0.3 MW\", noise_autocorrelation = 0.9",
                );
                return None;
            };
            Forecaster::Noisy {
                sigma_mw,
                autocorrelation,
                seed: seed ^ 0x6d70_6300,
            }
        }
        Some(other) => {
            let span = t.forecast.as_ref().map_or(m.span(), |f| f.span());
            c.report(
                "forecast",
                format!("unknown forecast '{other}'"),
                span,
                "use perfect, persistence, seasonal-naive, regression or noisy",
            );
            return None;
        }
    };
    Some(MpcSettings {
        horizon,
        replan,
        forecaster,
        persistent: t.persistent.unwrap_or(default.persistent),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_demand_charge_is_pro_rated_to_the_share_of_each_month_in_the_horizon() {
        // Two days across the end of June (30 days) into July (31 days), hourly.
        let time = TimeGrid {
            start: DateTime::parse_from_rfc3339("2025-06-30T00:00:00+08:00").unwrap(),
            step_seconds: 3600,
            len: 48,
        };
        let d = demand_charge(30_000.0, &time);
        assert_eq!(d.share.len(), 2);
        assert!((d.share[0] - 1.0 / 30.0).abs() < 1e-12, "{:?}", d.share);
        assert!((d.share[1] - 1.0 / 31.0).abs() < 1e-12, "{:?}", d.share);
        assert!((d.cny_per_mw_in(d.month[47]) - 30_000.0 / 31.0).abs() < 1e-9);
        // A whole month pays the whole charge.
        let june = TimeGrid {
            start: DateTime::parse_from_rfc3339("2025-06-01T00:00:00+08:00").unwrap(),
            step_seconds: 900,
            len: 30 * 96,
        };
        assert_eq!(demand_charge(1.0, &june).share, vec![1.0]);
    }
}
