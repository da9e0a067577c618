//! EV hubs: charging sessions from a CSV file or generated with the scenario's seed, placed
//! on chargers; managed (scheduled by the dispatcher) or uncontrolled.

use toml::Spanned;

use crate::assets::ev::{ChargerClass, EvHub, Session, generate_sessions};
use crate::diagnostic::number;
use crate::rng::Rng;
use crate::scenario::file;
use crate::scenario::values::Checker;
use crate::time::{TimeGrid, parse_duration, parse_timestamp};
use crate::units::Dimension;

/// Resolves an `[[ev_hub]]` table: its sessions from a file, or generated from `rng`, placed
/// on chargers.
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
        let at = parse_timestamp(text)?;
        let seconds = (at - time.start).num_seconds();
        let step = time.step_seconds;
        let steps = if round_up {
            seconds.div_euclid(step) + i64::from(seconds.rem_euclid(step) > 0)
        } else {
            seconds.div_euclid(step)
        };
        Ok(steps.clamp(0, time.len as i64) as usize)
    };
    let mut sessions = Vec::new();
    let mut skipped = 0;
    for (i, ((arrival, departure), (e, p))) in arrivals
        .iter()
        .zip(&departures)
        .zip(energy.iter().zip(&power))
        .enumerate()
    {
        let steps = match (step_of(arrival.0, true), step_of(departure.0, false)) {
            (Ok(a), Ok(d)) => Ok((a, d)),
            (Err(e), _) => Err((e, &arrival.1)),
            (_, Err(e)) => Err((e, &departure.1)),
        };
        let (a, d) = match steps {
            Ok(steps) => steps,
            Err(((message, hint), location)) => {
                problems.push(
                    crate::diagnostic::Problem::new("csv-timestamp", message, location.clone())
                        .hint(hint),
                );
                continue;
            }
        };
        if *e < 0.0 || *p <= 0.0 {
            problems.push(crate::diagnostic::Problem::new(
                "csv-value",
                format!(
                    "session {} asks {} kWh at up to {} kW: energy must be ≥ 0 and power > 0",
                    i + 1,
                    number(*e),
                    number(*p)
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
