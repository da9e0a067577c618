//! Park benches: the synthetic weather and PV model for a year of 15-minute steps, and the
//! default scenario end to end (load, build, solve, commit) with the LP dispatcher.
//! The year's dispatch benches (tens of seconds per sample) run with `VPPSIM_BENCH_YEAR=1`:
//! `year_solve` times the LP solve alone (HiGHS, from the manifest's `solve` stage) and
//! prints the optimum, so a change of model or options shows both its time and that the
//! objective stayed the same.

use std::path::Path;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use vppsim::dispatch::built_in;
use vppsim::model::{Method, Presolve, SolverOptions};
use vppsim::scenario;
use vppsim::sim::simulate;

fn park(c: &mut Criterion) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/xining-park.toml");
    let s = scenario::load(&path)
        .expect("default scenario loads")
        .scenario;
    let (Some(site), Some(weather)) = (s.site, s.weather.as_ref()) else {
        panic!("the default scenario has a site and weather");
    };
    let mut group = c.benchmark_group("park");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(20));
    let model = vppsim::solar::PvModel {
        mount: vppsim::solar::Mount::Fixed {
            tilt: 35.0,
            azimuth: 180.0,
        },
        albedo: 0.2,
        transposition: vppsim::solar::irradiance::Transposition::Perez,
        cell_temperature: vppsim::solar::pvsystem::CellTemperature::Faiman,
        iam_b0: 0.05,
        electrical: vppsim::solar::pvsystem::Electrical {
            dc_mw: 6.0,
            ac_mw: 5.0,
            gamma_per_k: -0.0035,
            losses: 0.12,
            inverter_efficiency: 0.98,
        },
    };
    group.bench_function("pv_year_from_weather", |b| {
        b.iter(|| model.ac_power(&site, weather, &s.time))
    });
    group.bench_function("load_scenario_with_weather_and_pv", |b| {
        b.iter(|| scenario::load(&path).expect("loads"))
    });
    let run = simulate(&s, built_in(s.dispatch.strategy, &s).as_mut()).expect("runs");
    let csv = vppsim::results::timeseries_csv(&run.results);
    let roles = vppsim::results::series_roles(&run.results);
    let roles: Vec<(&str, &str)> = roles
        .iter()
        .map(|(column, role)| (column.as_str(), role.as_str().expect("a role name")))
        .collect();
    group.bench_function("charts_for_a_year", |b| {
        b.iter(|| {
            let view = vppsim::report::view::View::from_csv(&csv, &roles).expect("parses");
            vppsim::report::charts::render_all(&view, None).expect("draws")
        })
    });
    if !std::env::var("VPPSIM_BENCH_YEAR").is_ok_and(|v| v == "1") {
        group.finish();
        return;
    }
    group.bench_function("year_solve", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let run = simulate(&s, built_in(s.dispatch.strategy, &s).as_mut()).expect("runs");
                let t = run.times;
                eprintln!(
                    "park year: objective {:.6}, build {:.3} s, solve {:.3} s, commit {:.3} s",
                    run.objective.expect("one plan"),
                    t.build.as_secs_f64(),
                    t.solve.as_secs_f64(),
                    t.commit.as_secs_f64()
                );
                total += t.solve;
            }
            total
        })
    });
    group.bench_function("default_year_end_to_end", |b| {
        b.iter(|| {
            let s = scenario::load(&path).expect("loads").scenario;
            simulate(&s, built_in(s.dispatch.strategy, &s).as_mut()).expect("runs")
        })
    });
    // The same year with plain dual simplex (full presolve, one thread, HiGHS's own cost
    // perturbation), for the ratio to the scenario's tuned settings.
    group.bench_function("default_year_end_to_end_plain_simplex", |b| {
        b.iter(|| {
            let mut s = scenario::load(&path).expect("loads").scenario;
            s.dispatch.solver = SolverOptions {
                method: Method::Simplex,
                presolve: Presolve::On,
                ..SolverOptions::default()
            };
            simulate(&s, built_in(s.dispatch.strategy, &s).as_mut()).expect("runs")
        })
    });
    group.finish();
}

criterion_group!(benches, park);
criterion_main!(benches);
