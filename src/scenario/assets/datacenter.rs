//! Data centres: general IT load, cooling (PUE from the outdoor temperature), power
//! capping and AI-training jobs, listed or generated with the scenario's seed.

use chrono::DateTime;
use toml::Spanned;

use crate::assets::datacenter::{AiJob, Cooling, Datacenter, JobGenerator, PowerCapping};
use crate::rng::Rng;
use crate::scenario::file;
use crate::scenario::values::{Checker, SeriesKind};
use crate::solar::weather::Weather;
use crate::time::TimeGrid;
use crate::units::Dimension;

/// Resolves a `[[datacenter]]` table; generated AI jobs draw from `rng`.
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

/// A listed `[[datacenter.job]]` of data centre `dc`, on whole steps of `time`.
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
