//! Resolution of the park's physical models: site, PV from physics, data centres and EV
//! hubs (weather: [`weather`](super::weather)). Like the rest of `resolve`, every problem is recorded and checking
//! goes on.

use chrono::DateTime;
use toml::Spanned;

use super::file::{self, Raw};
use super::values::{Checker, SeriesKind};
use crate::assets::datacenter::{AiJob, Cooling, Datacenter, JobGenerator, PowerCapping};
use crate::assets::ev::{ChargerClass, EvHub, Session, generate_sessions};
use crate::rng::Rng;
use crate::solar::irradiance::Transposition;
use crate::solar::pvsystem::{CellTemperature, Electrical};
use crate::solar::spa::Site;
use crate::solar::tracking::SingleAxis;
use crate::solar::weather::Weather;
use crate::solar::{Mount, PvModel};
use crate::time::{TimeGrid, parse_duration};
use crate::units::Dimension;

/// Independent random streams per component, derived from the scenario seed.
pub fn stream(seed: u64, component: u64) -> Rng {
    Rng::new(seed ^ component.wrapping_mul(0x9E37_79B9_7F4A_7C15))
}

pub fn site(c: &mut Checker, s: &Spanned<file::SiteTable>) -> Option<Site> {
    let s = s.get_ref();
    let lat = c.number_in(
        &s.latitude,
        "site.latitude",
        -90.0,
        90.0,
        "degrees north, e.g. 36.62",
    );
    let lon = c.number_in(
        &s.longitude,
        "site.longitude",
        -180.0,
        180.0,
        "degrees east, e.g. 101.78",
    );
    let elevation = c.quantity(&s.elevation, Dimension::Length, "site.elevation");
    Some(Site::new(lat?, lon?, elevation?))
}

pub fn pv_model(
    c: &mut Checker,
    name: &str,
    m: &Spanned<file::PvModelTable>,
    ac_mw: Option<f64>,
) -> Option<PvModel> {
    let t = m.get_ref();
    let f = |k: &str| format!("pv '{name}': model.{k}");
    let dc = c.nonnegative(&t.dc_capacity, Dimension::Power, &f("dc_capacity"));
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
    let mut choice = |v: &Option<Spanned<String>>, k: &str, allowed: &[&str]| -> Option<String> {
        match v {
            None => Some(allowed[0].to_string()),
            Some(s) if allowed.contains(&s.get_ref().as_str()) => Some(s.get_ref().clone()),
            Some(s) => {
                c.report(
                    "model-choice",
                    format!("{}: '{}' is not supported", f(k), s.get_ref()),
                    s.span(),
                    &format!("use one of: {}", allowed.join(", ")),
                );
                None
            }
        }
    };
    let transposition = choice(
        &t.transposition,
        "transposition",
        &["perez", "hay-davies", "isotropic"],
    )
    .map(|name| match name.as_str() {
        "perez" => Transposition::Perez,
        "hay-davies" => Transposition::HayDavies,
        _ => Transposition::Isotropic,
    });
    let cell =
        choice(&t.cell_temperature, "cell_temperature", &["faiman", "sapm"]).map(|name| match name
            .as_str()
        {
            "faiman" => CellTemperature::Faiman,
            _ => CellTemperature::Sapm,
        });
    Some(PvModel {
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
    })
}

pub fn datacenter(
    c: &mut Checker,
    t: &file::DatacenterTable,
    time: &TimeGrid,
    weather: Option<&Weather>,
    rng: &mut Rng,
) -> Option<Datacenter> {
    let name = t.name.get_ref();
    let f = |k: &str| format!("datacenter '{name}': {k}");
    let capacity = c.nonnegative(&t.it_capacity, Dimension::Power, &f("it_capacity"));
    let kind = SeriesKind {
        dimension: Dimension::Power,
        per_unit_base: Some(capacity),
        nonnegative: true,
    };
    let it = c.series(&t.it_load, kind, &f("it_load"), time);
    let pue = match &t.cooling {
        None => Some(vec![1.0; time.len]),
        Some(cool) => {
            let k = cool.get_ref();
            let ratio = "a PUE is a plain number ≥ 1, e.g. 1.15";
            let min = c.number_in(&k.pue_min, &f("cooling.pue_min"), 1.0, 3.0, ratio);
            let max = c.number_in(&k.pue_max, &f("cooling.pue_max"), 1.0, 3.0, ratio);
            let below = c.quantity(
                &k.free_cooling_below,
                Dimension::Temperature,
                &f("cooling.free_cooling_below"),
            );
            let above = c.quantity(
                &k.mechanical_above,
                Dimension::Temperature,
                &f("cooling.mechanical_above"),
            );
            let Some(weather) = weather else {
                c.report(
                    "missing-key",
                    f("cooling needs the outdoor temperature: add [weather]"),
                    cool.span(),
                    "add a [weather] section (in a VPP file: `weather = { ... }` in the [[site]])",
                );
                return None;
            };
            let cooling = Cooling {
                pue_min: min?,
                pue_max: max?,
                free_cooling_below_c: below?,
                mechanical_above_c: above?,
            };
            if cooling.pue_min > cooling.pue_max
                || cooling.free_cooling_below_c > cooling.mechanical_above_c
            {
                c.report(
                    "cooling-range",
                    f("cooling needs pue_min ≤ pue_max and free_cooling_below ≤ mechanical_above"),
                    cool.span(),
                    "",
                );
                return None;
            }
            Some(weather.temp_air.iter().map(|t| cooling.pue(*t)).collect())
        }
    };
    let capping = match &t.power_capping {
        None => Some(None),
        Some(k) => {
            let k = k.get_ref();
            let share = c.number_in(
                &k.share,
                &f("power_capping.share"),
                0.0,
                1.0,
                "the fraction of the general IT load that may be capped, e.g. 0.1",
            );
            let price = c.nonnegative(&k.cost, Dimension::EnergyPrice, &f("power_capping.cost"));
            share.zip(price).map(|(share, price)| {
                Some(PowerCapping {
                    share,
                    price_cny_per_mwh: price,
                })
            })
        }
    };
    let mut jobs: Vec<AiJob> = t.job.iter().filter_map(|j| job(c, name, j, time)).collect();
    if t.job.len() != jobs.len() {
        return None;
    }
    if let Some(g) = &t.ai_jobs {
        let g = g.get_ref();
        let per_week = c.number_in(
            &g.per_week,
            &f("ai_jobs.per_week"),
            0.0,
            10_000.0,
            "jobs released per week",
        );
        let emin = c.nonnegative(&g.energy_min, Dimension::Energy, &f("ai_jobs.energy_min"));
        let emax = c.nonnegative(&g.energy_max, Dimension::Energy, &f("ai_jobs.energy_max"));
        let pmax = c.nonnegative(&g.max_power, Dimension::Power, &f("ai_jobs.max_power"));
        let slack = c.number_in(
            &g.slack,
            &f("ai_jobs.slack"),
            1.0,
            100.0,
            "deadline as a multiple of the shortest run time, ≥ 1",
        );
        let generator = JobGenerator {
            per_week: per_week?,
            energy_min_mwh: emin?,
            energy_max_mwh: emax?,
            max_mw: pmax.filter(|p| *p > 0.0)?,
            slack: slack?,
        };
        jobs.extend(generator.generate(time, name, rng));
    }
    Some(Datacenter {
        name: name.clone(),
        it_capacity_mw: capacity?,
        it_mw: it?,
        pue: pue?,
        jobs,
        capping: capping?,
    })
}

fn job(c: &mut Checker, dc: &str, j: &file::JobTable, time: &TimeGrid) -> Option<AiJob> {
    let name = format!("{dc}.{}", j.name.get_ref());
    let f = |k: &str| format!("job '{name}': {k}");
    let mut step = |s: &Spanned<String>, k: &str| {
        let at = DateTime::parse_from_rfc3339(s.get_ref())
            .ok()
            .and_then(|d| {
                let offset = (d - time.start).num_seconds();
                (offset >= 0
                    && offset % time.step_seconds == 0
                    && (offset / time.step_seconds) as usize <= time.len)
                    .then_some((offset / time.step_seconds) as usize)
            });
        if at.is_none() {
            c.report(
                "job-time",
                f(&format!(
                    "{k} '{}' is not a step boundary within the horizon",
                    s.get_ref()
                )),
                s.span(),
                "use an RFC 3339 time on the step grid, inside [time]",
            );
        }
        at
    };
    let (release, deadline) = (step(&j.release, "release"), step(&j.deadline, "deadline"));
    let energy = c.nonnegative(&j.energy, Dimension::Energy, &f("energy"));
    let max = c.nonnegative(&j.max_power, Dimension::Power, &f("max_power"));
    let (release, deadline) = (release?, deadline?);
    if deadline <= release {
        c.report(
            "job-time",
            f("deadline must come after release"),
            j.deadline.span(),
            "",
        );
        return None;
    }
    Some(AiJob {
        name,
        release,
        deadline,
        energy_mwh: energy?,
        max_mw: max?,
    })
}

pub fn ev_hub(
    c: &mut Checker,
    t: &file::EvHubTable,
    time: &TimeGrid,
    rng: &mut Rng,
) -> Option<EvHub> {
    let name = t.name.get_ref();
    let f = |k: &str| format!("ev_hub '{name}': {k}");
    let managed = t.managed.unwrap_or(true);
    let g = match (&t.sessions, &t.generate) {
        (Some(file), None) => return sessions_file(c, name, managed, file, time),
        (None, Some(g)) => g.get_ref(),
        _ => {
            c.report(
                "ev-sessions",
                f("give exactly one of sessions = { file = ... } and generate = { ... }"),
                t.name.span(),
                "see README.md, Park tables",
            );
            return None;
        }
    };
    let weekday = c.number_in(
        &g.weekday_sessions,
        &f("generate.weekday_sessions"),
        0.0,
        1e5,
        "mean sessions per weekday",
    );
    let weekend = c.number_in(
        &g.weekend_sessions,
        &f("generate.weekend_sessions"),
        0.0,
        1e5,
        "mean sessions per weekend day",
    );
    let classes: Vec<Option<ChargerClass>> = g
        .chargers
        .iter()
        .map(|k| {
            let power = c.nonnegative(&k.power, Dimension::Power, &f("charger power"));
            let count = c.number_in(
                &k.count,
                &f("charger count"),
                0.0,
                1e5,
                "a whole number of chargers",
            );
            let energy =
                c.nonnegative(&k.energy_mean, Dimension::Energy, &f("charger energy_mean"));
            let share = c.number_in(
                &k.share,
                &f("charger share"),
                0.0,
                1e6,
                "relative share of arrivals",
            );
            let dwell = match parse_duration(k.dwell_mean.get_ref()) {
                Ok(s) => Some(s as f64 / 3600.0),
                Err(e) => {
                    c.report(
                        "duration",
                        f(&format!("dwell_mean: {e}")),
                        k.dwell_mean.span(),
                        "e.g. \"45min\"",
                    );
                    None
                }
            };
            Some(ChargerClass {
                power_mw: power?,
                count: count? as usize,
                energy_mean_mwh: energy?,
                dwell_mean_hours: dwell?,
                share: share?,
            })
        })
        .collect();
    let classes: Vec<ChargerClass> = classes.into_iter().collect::<Option<_>>()?;
    let sessions: Vec<Session> = generate_sessions(time, &classes, weekday?, weekend?, rng);
    Some(EvHub::place(name, managed, &classes, sessions))
}

/// Sessions from a CSV file with columns `arrival`, `departure` (RFC 3339 with offset),
/// `energy_kwh` and `max_kw`. Arrival is rounded up and departure down to the step grid (a
/// car counts as plugged in for whole steps only); sessions with no whole step inside the
/// horizon are left out and counted. With no charger count given, every session finds a
/// charger of its power (chargers are added as needed, one session at a time each).
fn sessions_file(
    c: &mut Checker,
    name: &str,
    managed: bool,
    spec: &Spanned<file::SessionsFileTable>,
    time: &TimeGrid,
) -> Option<EvHub> {
    let path = c.csv_file(
        spec.get_ref().file.get_ref(),
        spec.span(),
        &format!("ev_hub '{name}': sessions"),
    )?;
    let table = c.csv.get(&path).ok()?;
    let mut problems = Vec::new();
    let mut texts = |column: &str| table.texts(column).map_err(|p| problems.push(p)).ok();
    let (arrivals, departures) = (texts("arrival"), texts("departure"));
    let mut numbers = |column: &str| table.numbers(column).map_err(|p| problems.extend(p)).ok();
    let (energy, power) = (numbers("energy_kwh"), numbers("max_kw"));
    let (Some(arrivals), Some(departures), Some(energy), Some(power)) =
        (arrivals, departures, energy, power)
    else {
        c.problems.extend(problems);
        return None;
    };
    let step_of = |text: &str, round_up: bool| {
        let at = chrono::DateTime::parse_from_rfc3339(text).ok()?;
        let seconds = (at - time.start).num_seconds();
        let step = time.step_seconds;
        let steps = if round_up {
            seconds.div_euclid(step) + i64::from(seconds.rem_euclid(step) > 0)
        } else {
            seconds.div_euclid(step)
        };
        Some(steps.clamp(0, time.len as i64) as usize)
    };
    let mut sessions = Vec::new();
    let mut skipped = 0;
    for (i, ((arrival, departure), (e, p))) in arrivals
        .iter()
        .zip(&departures)
        .zip(energy.iter().zip(&power))
        .enumerate()
    {
        let (Some(a), Some(d)) = (step_of(arrival.0, true), step_of(departure.0, false)) else {
            let (bad, location) = if step_of(arrival.0, true).is_none() {
                arrival
            } else {
                departure
            };
            problems.push(
                crate::diagnostic::Problem::new(
                    "csv-timestamp",
                    format!("'{bad}' is not an RFC 3339 time with UTC offset"),
                    location.clone(),
                )
                .hint("e.g. 2025-07-14T08:30:00+08:00"),
            );
            continue;
        };
        if *e < 0.0 || *p <= 0.0 {
            problems.push(crate::diagnostic::Problem::new(
                "csv-value",
                format!(
                    "session {} asks {e} kWh at up to {p} kW: energy must be ≥ 0 and power > 0",
                    i + 1
                ),
                arrival.1.clone(),
            ));
            continue;
        }
        if d <= a {
            skipped += 1;
            continue;
        }
        sessions.push(Session {
            arrival: a,
            departure: d,
            energy_mwh: e / 1000.0,
            max_mw: p / 1000.0,
        });
    }
    if !problems.is_empty() {
        c.problems.extend(problems);
        return None;
    }
    let mut powers: Vec<f64> = sessions.iter().map(|s| s.max_mw).collect();
    powers.sort_by(f64::total_cmp);
    powers.dedup();
    let classes: Vec<ChargerClass> = powers
        .iter()
        .map(|&power_mw| ChargerClass {
            power_mw,
            count: sessions.iter().filter(|s| s.max_mw == power_mw).count(),
            energy_mean_mwh: 0.0,
            dwell_mean_hours: 0.0,
            share: 0.0,
        })
        .collect();
    let mut hub = EvHub::place(name, managed, &classes, sessions);
    hub.chargers.retain(|(_, s)| !s.is_empty());
    hub.skipped = skipped;
    Some(hub)
}
