//! Sizing checked by hand and against an independent method: a battery and a PV plant whose
//! value per unit is known exactly size to their bound or to zero on either side of the
//! break-even capex; the reference LP (`../shared/reference/`, T = 96) with an extendable
//! battery is checked against a sweep of fixed sizes through the ordinary dispatch LP, whose
//! lower envelope must touch the sized optimum.

use std::path::Path;

use vppsim::assets::capacity::HOURS_PER_YEAR;
use vppsim::dispatch::LpDispatcher;
use vppsim::results::Kpis;
use vppsim::scenario::{self, Scenario};
use vppsim::sim::simulate;
use vppsim::sizing::{self, economics::economics};

use crate::support::{read_json, root, run_into, temp_dir};

fn resolve(text: &str) -> Scenario {
    let path = root().join("scenarios/sizing-test.toml");
    scenario::from_str(&path, text).unwrap_or_else(|p| panic!("{p:?}"))
}

/// Two hourly steps, 10 MW of load, import priced `low` then `high` (CNY/kWh), no export,
/// objective cost alone; `assets` added; finance at 0 % over `life` years (CRF = 1/life).
fn two_steps(assets: &str, low: f64, high: f64) -> String {
    format!(
        r#"
[scenario]
name = "sizing-test"
[time]
start = "2025-01-01T00:00:00+08:00"
step = "1h"
duration = "2h"
[[load]]
name = "load"
power = "10 MW"
{assets}
[grid]
import_limit = "100 MW"
export_limit = "0 MW"
import_price = {{ time_of_use = [
  {{ from = "00:00", to = "01:00", price = "{low} CNY/kWh" }},
  {{ from = "01:00", to = "00:00", price = "{high} CNY/kWh" }},
] }}
[dispatch]
objective = {{ import = 0.0, cost = 1.0 }}
[finance]
discount_rate = 0.0
analysis_period = "10 years"
"#
    )
}

/// A lossless battery of `duration = 1h` from nothing up to 5 MWh at `capex` CNY/kWh
/// (10-year life, no O&M).
fn battery(capex: f64) -> String {
    format!(
        r#"[[battery]]
name = "b"
energy_capacity = {{ max = "5 MWh", capex = "{capex} CNY/kWh", lifetime = "10 years" }}
duration = "1h"
charge_efficiency = 1.0
discharge_efficiency = 1.0
soc_min = 0.0
soc_max = 1.0
soc_initial = 0.0"#
    )
}

#[test]
fn a_battery_sizes_to_its_bound_below_break_even_and_to_zero_above() {
    // One MWh of capacity shifts one MWh from 0.25 to 0.75 CNY/kWh: worth 500 CNY over the
    // 2 h horizon. Its cost over the horizon is CRF·capex·2/8760 with CRF = 0.1, so the
    // break-even capex is 500·8760/(0.1·2) CNY/MWh = 21,900 CNY/kWh.
    let break_even = 500.0 * HOURS_PER_YEAR / (0.1 * 2.0) / 1000.0;
    assert!((break_even - 21_900.0).abs() < 1e-9);
    for (factor, expected) in [(0.9, 5.0), (1.1, 0.0)] {
        let s = resolve(&two_steps(&battery(factor * break_even), 0.25, 0.75));
        let sized = sizing::size(&s).unwrap();
        let added = sized.capacities[0].added;
        assert!(
            (added - expected).abs() < 1e-7,
            "capex ×{factor}: added {added}"
        );
        // The objective by hand: import 20 MWh, 5 of them moved to the cheap hour when built.
        let bau = 10_000.0 * 0.25 + 10_000.0 * 0.75;
        let expected_objective = bau - expected * (500.0 - factor * 500.0);
        assert!(
            (sized.objective - expected_objective).abs() < 1e-6,
            "objective {} vs {expected_objective}",
            sized.objective
        );
        assert_eq!(sized.scenario.batteries[0].energy_mwh, added);
    }
}

#[test]
fn pv_sizes_against_a_flat_price_and_its_lcoe_is_the_capex_share() {
    // 1 MW existing, available at 0.5 per unit for 2 h at a flat 0.4 CNY/kWh: a MW added saves
    // 1 MWh, 400 CNY over the horizon; break-even capex 400·8760/(0.1·2) CNY/MW = 17,520 CNY/kW.
    let break_even = 400.0 * HOURS_PER_YEAR / (0.1 * 2.0) / 1000.0;
    let pv = |capex: f64| {
        format!(
            r#"[[pv]]
name = "pv"
capacity = {{ existing = "1 MW", max = "4 MW", capex = "{capex} CNY/kW", lifetime = "10 years" }}
availability = "0.5 MW""#
        )
    };
    for (factor, expected) in [(0.9, 3.0), (1.1, 0.0)] {
        let s = resolve(&two_steps(&pv(factor * break_even), 0.4, 0.4));
        let outcome = sizing::run(&s).unwrap();
        let added = outcome.sized.capacities[0].added;
        assert!(
            (added - expected).abs() < 1e-7,
            "capex ×{factor}: added {added}"
        );
        let pv = &outcome.sized.scenario.pv[0];
        assert!((pv.capacity_mw - (1.0 + expected)).abs() < 1e-7);
        assert!(
            pv.available_mw
                .iter()
                .all(|a| (a - 0.5 * pv.capacity_mw).abs() < 1e-9)
        );
        // LCOE of what is added: 0.1·capex per MW-year over 0.5·8760 MWh per MW-year
        // = factor · 0.4 CNY/kWh; the operating savings are 400 CNY per MW over 2 h.
        let kpis = Kpis::compute(&outcome.run.results);
        let bau = outcome.bau.as_ref().unwrap();
        let bau_kpis = Kpis::compute(&bau.results);
        let e = economics(
            s.finance.as_ref().unwrap(),
            &outcome.sized.capacities,
            outcome.sized.objective,
            (&outcome.run.results, &kpis),
            Ok((&bau.results, &bau_kpis)),
        );
        if expected > 0.0 {
            assert!((e.lcoe_pv_cny_per_kwh.unwrap() - factor * 0.4).abs() < 1e-9);
            let savings = expected * 400.0 * HOURS_PER_YEAR / 2.0;
            assert!((e.operating_savings_cny.unwrap() - savings).abs() < 1e-6);
            // Annualised: savings less CRF·capex = (1 − 0.9) of the savings.
            assert!((e.annualised_savings_cny.unwrap() - 0.1 * savings).abs() < 1e-6);
        } else {
            assert_eq!(e.lcoe_pv_cny_per_kwh, None);
            assert_eq!(e.capex_cny, 0.0);
        }
        assert!(e.bau.unwrap().objective >= e.objective - 1e-9);
    }
}

/// The reference scenario (T = 96) with its battery built from nothing up to 12 MWh at
/// `capex` CNY/kWh, its power following its energy as in the reference (3 MW per 6 MWh,
/// `duration = "2h"`); 0 % discount over 10 years: CRF 0.1. With `money`, the objective
/// is cost alone (CNY) instead of the reference's import + 1e-6·cost.
fn reference(capex: f64, money: bool) -> Scenario {
    let text = std::fs::read_to_string(root().join("scenarios/reference-96.toml")).unwrap();
    let mut text = text
        .replace(
            "energy_capacity = \"6 MWh\"",
            &format!(
                "energy_capacity = {{ max = \"12 MWh\", capex = \"{capex} CNY/kWh\", lifetime = \"10 years\" }}"
            ),
        )
        .replace("charge_power = \"3 MW\"\ndischarge_power = \"3 MW\"", "duration = \"2h\"")
        + "\n[finance]\ndiscount_rate = 0.0\nanalysis_period = \"10 years\"\n";
    if money {
        text = text.replace(
            "objective = { import = 1.0, cost = 1e-6 }",
            "objective = { import = 0.0, cost = 1.0 }",
        );
    }
    resolve(&text)
}

/// The ordinary dispatch LP's objective with the battery fixed at `energy` MWh.
fn dispatch_objective(s: &Scenario, energy: f64) -> f64 {
    let mut fixed = sizing::business_as_usual(s);
    fixed.batteries[0] = s.batteries[0].sized(&[energy]);
    let run = simulate(&fixed, &mut LpDispatcher::new(s.dispatch.solver.clone())).unwrap();
    run.objective.unwrap()
}

#[test]
fn the_reference_lp_sized_touches_the_lower_envelope_of_fixed_sizes() {
    // The sized scenario at 6 MWh, fixed, is the reference LP itself: its published optimum.
    let as_published = dispatch_objective(&reference(1000.0, false), 6.0);
    assert!(
        (as_published - 68.077805121675).abs() < 1e-6 * 68.1,
        "{as_published}"
    );
    // On that winter day the reference's import-weighted objective gives a battery no value
    // (its PV surplus is small and the flexible loads take it), so the sweep weighs money:
    // cost alone, where the battery's arbitrage is worth less per MWh once the morning peak
    // is served: measured by this sweep, about 356 CNY per MWh-day below 5.75 MWh and 199
    // above. Capex 1,000 CNY/kWh costs 0.1·1e6·24/8760 = 274.0 CNY per MWh over the day, in
    // between: the optimum lies where the morning peak is served, inside 0..12 MWh.
    let capex = 1_000.0;
    let per_mwh = 0.1 * capex * 1000.0 * 24.0 / HOURS_PER_YEAR;
    let s = reference(capex, true);
    let sized = sizing::size(&s).unwrap();
    // Found by cutting planes over the battery's column, which this sweep checks.
    assert!(matches!(sized.search, sizing::Search::CuttingPlanes { .. }));
    let best = sized.capacities[0].total;
    assert!((0.0..=12.0).contains(&best));
    // Business as usual (no battery) is never cheaper than the optimum.
    assert!(sized.objective <= dispatch_objective(&s, 0.0) + 1e-9);
    // The sweep: every fixed size costs at least the sized optimum, and the optimum's own
    // size costs it (within 1e-6).
    let total = |e: f64| dispatch_objective(&s, e) + per_mwh * e;
    let mut lowest = f64::INFINITY;
    for k in 0..=48 {
        let e = 0.25 * k as f64;
        let t = total(e);
        assert!(
            t >= sized.objective - 1e-6 * sized.objective.abs(),
            "E = {e}: {t} < {}",
            sized.objective
        );
        lowest = lowest.min(t);
    }
    let at_best = total(best);
    assert!(
        (at_best - sized.objective).abs() < 1e-6 * sized.objective.abs(),
        "at the sized {best} MWh: {at_best} vs {}",
        sized.objective
    );
    assert!(lowest >= at_best - 1e-6 * at_best.abs());
    assert!(best > 1e-6 && best < 12.0 - 1e-6, "interior: {best}");
}

#[test]
fn a_sizing_run_writes_the_sized_system_and_its_figures() {
    let dir = temp_dir("sizing-run");
    let out = dir.join("out");
    let scenario = dir.join("s.toml");
    let text = two_steps(&battery(0.9 * 21_900.0), 0.25, 0.75);
    std::fs::write(&scenario, text).unwrap();
    run_into(scenario.to_str().unwrap(), &out, &[]);
    let summary = read_json(&out.join("summary.json"));
    let sizing = &summary["sizing"];
    assert!((sizing["capacities"][0]["added"].as_f64().unwrap() - 5.0).abs() < 1e-7);
    // The written dispatch is the sized one: 5 MWh charged in the cheap hour.
    let csv = std::fs::read_to_string(out.join("timeseries.csv")).unwrap();
    let first = csv.lines().nth(1).unwrap();
    assert!(first.contains(",5"), "{first}");
    assert!(out.join("sizing_cash_flow.png").is_file());
    let report = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(report.contains("## Sizing") && report.contains("| b | energy_capacity |"));
    assert!(Path::new(&out.join("report.html")).is_file());
}

#[test]
fn blocks_make_whole_units_a_mip_solves() {
    // The battery of the break-even case in blocks of 2 MWh, at most 5 MWh: two blocks.
    let text = two_steps(&battery(0.9 * 21_900.0), 0.25, 0.75).replace(
        "energy_capacity = { max = \"5 MWh\",",
        "energy_capacity = { max = \"5 MWh\", block = \"2 MWh\",",
    );
    let s = resolve(&text);
    let sized = sizing::size(&s).unwrap();
    // Cuts need continuous capacities: whole blocks go to the joint MIP.
    assert_eq!(sized.search, sizing::Search::JointLp);
    assert!((sized.capacities[0].added - 4.0).abs() < 1e-9);
    let expected = 10_000.0 * 0.25 + 10_000.0 * 0.75 - 4.0 * 50.0;
    assert!(
        (sized.objective - expected).abs() < 1e-6,
        "{}",
        sized.objective
    );
}

#[test]
fn cutting_planes_reach_the_joint_lps_optimum_on_the_park_week() {
    // The park's sizing file over a July week: PV modules, inverter and battery extendable.
    let path = root().join("scenarios/xining-park-sizing.toml");
    let text = std::fs::read_to_string(&path)
        .unwrap()
        .replace(
            "start = \"2025-01-01T00:00:00+08:00\"",
            "start = \"2025-07-14T00:00:00+08:00\"",
        )
        .replace("duration = \"365d\"", "duration = \"7d\"");
    let s = scenario::from_str(&path, &text).unwrap_or_else(|p| panic!("{p:?}"));
    let cuts = sizing::size(&s).unwrap();
    let joint = sizing::size_jointly(&s).unwrap();
    let sizing::Search::CuttingPlanes { evaluations, gap } = cuts.search else {
        panic!("sized by {:?}", cuts.search)
    };
    assert_eq!(joint.search, sizing::Search::JointLp);
    let scale = joint.objective.abs();
    assert!(
        evaluations > 0 && gap >= -1e-9 * scale && gap <= 1e-9 * scale,
        "{gap}"
    );
    // The same optimum by both methods; business as usual the same too.
    assert!(
        (cuts.objective - joint.objective).abs() < 1e-8 * scale,
        "{} against {}",
        cuts.objective,
        joint.objective
    );
    let (a, b) = (cuts.bau.unwrap(), joint.bau.unwrap());
    assert!((a.objective - b.objective).abs() < 1e-9 * scale);
    // And the sizes cost what the optimum says: the sized system dispatched by the
    // ordinary LP, plus the capacities' cost, lands on it.
    let run = simulate(
        &cuts.scenario,
        &mut LpDispatcher::new(s.dispatch.solver.clone()),
    )
    .unwrap();
    assert!(
        (run.objective.unwrap() - cuts.dispatch_objective).abs() < 1e-8 * scale,
        "{} against {}",
        run.objective.unwrap(),
        cuts.dispatch_objective
    );
}

#[test]
fn an_infeasible_business_as_usual_leaves_the_sizing_to_the_joint_lp() {
    // 10 MW of load on a 5 MW connection that may grow (100 CNY/kW, 10 years at 0 %: 1 CNY
    // per kW-hour-year, 2/8760 of it over the two hours): business as usual cannot serve
    // the load, so the cutting planes have no first point and the joint LP sizes it: 5 MW
    // added. With a least total of 12 MW, the first point is feasible and the cutting
    // planes size it at that least.
    let grow = |least: &str| {
        two_steps("", 0.25, 0.75).replace(
            "import_limit = \"100 MW\"",
            &format!(
                "import_limit = {{ existing = \"5 MW\", {least} max = \"100 MW\", capex = \"100 CNY/kW\", lifetime = \"10 years\" }}"
            ),
        )
    };
    let sized = sizing::size(&resolve(&grow(""))).unwrap();
    assert_eq!(sized.search, sizing::Search::JointLp);
    assert!(sized.bau.is_none());
    assert!((sized.capacities[0].added - 5.0).abs() < 1e-9);
    let sized = sizing::size(&resolve(&grow("min = \"12 MW\","))).unwrap();
    assert!(matches!(sized.search, sizing::Search::CuttingPlanes { .. }));
    assert!(sized.bau.is_none());
    assert!((sized.capacities[0].added - 7.0).abs() < 1e-9);
    let energy = 10_000.0 * 0.25 + 10_000.0 * 0.75;
    let capacity = 7_000.0 * 10.0 * 2.0 / HOURS_PER_YEAR;
    assert!(
        (sized.objective - energy - capacity).abs() < 1e-6,
        "{}",
        sized.objective
    );
}
