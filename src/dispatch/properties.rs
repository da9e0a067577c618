//! Property tests over random valid sites: every strategy keeps every invariant (the run
//! fails otherwise), and scaling every power and energy by k scales the optimum by k.

use proptest::prelude::*;

use super::built_in;
use crate::assets::{Battery, EnergyWindow, FixedLoad, FlexibleLoad, Pv, Weights};
use crate::results::Kpis;
use crate::scenario::{Scenario, Strategy as Dispatch};
use crate::sim::simulate;

/// A random feasible site of `len` hourly steps: PV, a load, a battery and a flexible load
/// whose energy fits its window, behind an import limit that covers every load at once.
fn site() -> impl Strategy<Value = Scenario> {
    (2usize..16).prop_flat_map(|len| {
        (
            prop::collection::vec(0.0..3.0f64, len),
            prop::collection::vec(0.0..2.0f64, len),
            (
                0.5..4.0f64,
                0.1..2.0f64,
                0.7..1.0f64,
                0.0..0.5f64,
                0.0..1.0f64,
            ),
            (0.1..1.5f64, 0.0..1.0f64),
            prop::collection::vec(0.0..300.0f64, len),
        )
            .prop_map(
                move |(pv, load, (energy, power, eta, lo, start), (flex_max, fill), price)| {
                    let mut s = super::tests::site(len);
                    let soc_min = lo * energy;
                    let soc_initial = soc_min + start * (energy - soc_min);
                    s.pv = vec![Pv {
                        name: "pv".into(),
                        capacity_mw: 3.0,
                        dc_capacity_mw: None,
                        model: None,
                        available_mw: pv,
                        sizing: None,
                    }];
                    s.loads = vec![FixedLoad {
                        name: "load".into(),
                        power_mw: load,
                    }];
                    s.batteries = vec![Battery {
                        name: "b".into(),
                        energy_mwh: energy,
                        charge_mw: power,
                        discharge_mw: power,
                        charge_efficiency: eta,
                        discharge_efficiency: eta,
                        soc_min_mwh: soc_min,
                        soc_max_mwh: energy,
                        soc_initial_mwh: soc_initial,
                        soc_final_mwh: soc_initial,
                        throughput_cost_cny_per_mwh: 5.0,
                        sizing: None,
                    }];
                    s.flexible_loads = vec![FlexibleLoad {
                        name: "flex".into(),
                        first_step: 0,
                        max_mw: vec![flex_max; len],
                        windows: vec![EnergyWindow {
                            start: 0,
                            end: len,
                            energy_mwh: fill * flex_max * len as f64,
                        }],
                        overhead: None,
                        group: None,
                    }];
                    s.grid.import_limit_mw = 2.0 + flex_max + power;
                    s.grid.import_price = price;
                    s
                },
            )
    })
}

/// Multiplies every power and energy of `s` by `k`.
fn scaled(s: &Scenario, k: f64) -> Scenario {
    let mut s = s.clone();
    let scale = |v: &mut Vec<f64>| v.iter_mut().for_each(|x| *x *= k);
    for p in &mut s.pv {
        p.capacity_mw *= k;
        scale(&mut p.available_mw);
    }
    for l in &mut s.loads {
        scale(&mut l.power_mw);
    }
    for b in &mut s.batteries {
        for x in [
            &mut b.energy_mwh,
            &mut b.charge_mw,
            &mut b.discharge_mw,
            &mut b.soc_min_mwh,
            &mut b.soc_max_mwh,
            &mut b.soc_initial_mwh,
            &mut b.soc_final_mwh,
        ] {
            *x *= k;
        }
    }
    for f in &mut s.flexible_loads {
        scale(&mut f.max_mw);
        f.windows.iter_mut().for_each(|w| w.energy_mwh *= k);
    }
    s.grid.import_limit_mw *= k;
    s.grid.export_limit_mw *= k;
    s
}

fn objective(s: &Scenario, weights: Weights) -> f64 {
    let mut s = s.clone();
    s.dispatch.objective.weights = weights;
    let run = simulate(&s, built_in(Dispatch::Lp, &s).as_mut()).expect("a feasible site solves");
    let kpis = Kpis::compute(&run.results);
    let solver = run.objective.expect("the LP reports its objective");
    assert!(
        (kpis.objective - solver).abs() <= 1e-6 * (1.0 + solver.abs()),
        "KPI objective {} vs solver {solver}",
        kpis.objective
    );
    solver
}

/// The random site with prices that may be negative and export paid up to above import,
/// weighed by cost alone or by import first.
fn priced_site() -> impl Strategy<Value = Scenario> {
    site().prop_flat_map(|s| {
        let n = s.time.len;
        (
            Just(s),
            prop::collection::vec(-300.0..300.0f64, n),
            prop::collection::vec(-100.0..400.0f64, n),
            any::<bool>(),
        )
            .prop_map(|(mut s, import, export, import_first)| {
                s.grid.import_price = import;
                s.grid.export_price = export;
                s.grid.export_limit_mw = 2.0;
                s.dispatch.objective.weights = Weights {
                    import: if import_first { 1.0 } else { 0.0 },
                    cost: if import_first { 1e-3 } else { 1.0 },
                    carbon: 0.0,
                };
                s
            })
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// What is written is what was solved, whatever the prices: every strategy that plans
    /// on the truth commits its plan step by step (checked in the run), the LP's committed
    /// objective equals the solver's, and one meter never imports and exports at once.
    #[test]
    fn the_committed_run_is_the_solved_plan_under_any_prices(s in priced_site()) {
        for strategy in [Dispatch::Lp, Dispatch::Mpc, Dispatch::Rule] {
            let run = simulate(&s, built_in(strategy, &s).as_mut());
            prop_assert!(run.is_ok(), "{strategy:?}: {}", run.unwrap_err());
            let run = run.unwrap();
            let kpis = Kpis::compute(&run.results);
            if let Some(solver) = run.objective {
                prop_assert!(kpis.check_objective(solver).is_ok(), "{strategy:?}: {:?}", kpis.check_objective(solver));
            }
            let r = &run.results;
            let w = s.dispatch.objective.weights;
            for t in 0..r.len() {
                prop_assert!(r.import_mw[t].min(r.export_mw[t]) <= 1e-9, "{strategy:?} step {t}");
                // Paid to draw power, a battery still cannot charge and discharge at once.
                if s.grid.import_weight(t, &w) < 0.0 {
                    for b in r.assets.iter().filter(|a| a.kind == "battery") {
                        let (charge, discharge) = (b.series("charge").unwrap(), b.series("discharge").unwrap());
                        prop_assert!(charge[t].min(discharge[t]) <= 1e-9, "{strategy:?} {} step {t}", b.name);
                    }
                }
            }
        }
    }

    #[test]
    fn every_strategy_keeps_every_invariant(s in site()) {
        for strategy in [Dispatch::Lp, Dispatch::Rule] {
            let run = simulate(&s, built_in(strategy, &s).as_mut());
            prop_assert!(run.is_ok(), "{strategy:?}: {}", run.unwrap_err());
        }
    }

    #[test]
    fn scaling_powers_and_energies_scales_import_and_cost(s in site(), k in 0.25..4.0f64) {
        let import_only = Weights { import: 1.0, cost: 0.0, carbon: 0.0 };
        let cost_only = Weights { import: 0.0, cost: 1.0, carbon: 0.0 };
        for w in [import_only, cost_only] {
            let (base, big) = (objective(&s, w), objective(&scaled(&s, k), w));
            prop_assert!((big - k * base).abs() <= 1e-6 * (1.0 + k * base.abs()), "{w:?}: {big} vs {k} × {base}");
        }
    }
}
