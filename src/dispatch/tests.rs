//! Hand-computable 1–4-step cases for every asset, through the whole pipeline
//! (LP or rules → commit → invariants → KPIs). Steps are 1 h, so MW and MWh coincide.

use chrono::DateTime;

use super::built_in;
use crate::assets::{Battery, EnergyWindow, FixedLoad, FlexibleLoad, Grid, Pv, Weights};
use crate::dispatch::DispatchError;
use crate::results::Kpis;
use crate::scenario::{DispatchSettings, Scenario, Strategy};
use crate::sim::{SimError, simulate};
use crate::time::TimeGrid;

/// An empty site of `len` hourly steps: a 10 MW grid connection, free energy.
pub(super) fn site(len: usize) -> Scenario {
    Scenario {
        name: "tiny".into(),
        description: String::new(),
        seed: 0,
        currency: crate::currency::Currency::CNY,
        time: TimeGrid {
            start: DateTime::parse_from_rfc3339("2025-01-01T00:00:00+08:00").unwrap(),
            step_seconds: 3600,
            len,
            zone: None,
        },
        site: None,
        weather: None,
        pv: vec![],
        batteries: vec![],
        loads: vec![],
        flexible_loads: vec![],
        curtailable_loads: vec![],
        generators: vec![],
        datacenters: vec![],
        ev_hubs: vec![],
        grid: Grid {
            import_limit_mw: 10.0,
            export_limit_mw: 10.0,
            import_price: vec![0.0; len],
            export_price: vec![0.0; len],
            carbon_kg_per_mwh: None,
            demand_charge: None,
            import_sizing: None,
        },
        dispatch: DispatchSettings::defaults(&TimeGrid {
            start: DateTime::parse_from_rfc3339("2025-01-01T00:00:00+08:00").unwrap(),
            step_seconds: 3600,
            len,
            zone: None,
        }),
        finance: None,
    }
}

fn pv(available: &[f64]) -> Pv {
    Pv {
        name: "pv".into(),
        capacity_mw: 10.0,
        dc_capacity_mw: None,
        model: None,
        available_mw: available.to_vec(),
        sizing: None,
    }
}

fn load(power: &[f64]) -> FixedLoad {
    FixedLoad {
        name: "load".into(),
        power_mw: power.to_vec(),
    }
}

/// A flexible load owed `energy` MWh over the whole horizon, at most `max` MW.
fn flexible(max: &[f64], energy: f64) -> FlexibleLoad {
    FlexibleLoad {
        name: "flex".into(),
        first_step: 0,
        max_mw: max.to_vec(),
        windows: vec![EnergyWindow {
            start: 0,
            end: max.len(),
            energy_mwh: energy,
        }],
        overhead: None,
        group: None,
    }
}

/// 1 MW / 2 MWh, 90 % each way, empty at start and end, no SoC limits in between.
fn battery() -> Battery {
    Battery {
        name: "bat".into(),
        energy_mwh: 2.0,
        charge_mw: 1.0,
        discharge_mw: 1.0,
        charge_efficiency: 0.9,
        discharge_efficiency: 0.9,
        soc_min_mwh: 0.0,
        soc_max_mwh: 2.0,
        soc_initial_mwh: 0.0,
        soc_final_mwh: 0.0,
        throughput_cost_cny_per_mwh: 0.0,
        sizing: None,
    }
}

fn run(s: &Scenario, strategy: Strategy) -> Result<Kpis, SimError> {
    let run = simulate(s, built_in(strategy, s).as_mut())?;
    Ok(Kpis::compute(&run.results))
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-7
}

#[test]
fn pv_serves_load_then_exports_up_to_the_limit_then_curtails() {
    // Load 1 MW; PV 0.5 then 2 MW; export limit 0.5 MW. Step 0 imports 0.5 MWh; step 1
    // has 1 MWh spare. The rules export 0.5 and curtail 0.5; export earns nothing, so for
    // the LP any split of that 1 MWh within the export limit is optimal.
    let mut s = site(2);
    s.pv = vec![pv(&[0.5, 2.0])];
    s.loads = vec![load(&[1.0, 1.0])];
    s.grid.export_limit_mw = 0.5;
    for strategy in [Strategy::Lp, Strategy::Rule] {
        let k = run(&s, strategy).unwrap();
        assert!(close(k.grid_import_mwh, 0.5), "{strategy:?} {k:?}");
        assert!(
            close(k.grid_export_mwh + k.curtailment_mwh, 1.0),
            "{strategy:?} {k:?}"
        );
        assert!(k.grid_export_mwh <= 0.5 + 1e-9, "{strategy:?} {k:?}");
        assert!(
            close(k.self_sufficiency.unwrap(), 0.75),
            "{strategy:?} {k:?}"
        );
    }
    let rule = run(&s, Strategy::Rule).unwrap();
    assert!(
        close(rule.grid_export_mwh, 0.5) && close(rule.curtailment_mwh, 0.5),
        "{rule:?}"
    );
}

#[test]
fn battery_shifts_surplus_with_round_trip_losses() {
    // PV 1 MW then 0, load 0 then 1 MW, nothing may be exported. Charging 1 MWh stores
    // 0.9 MWh, which returns 0.81 MWh: import 0.19 MWh. Rules and LP agree here.
    let mut s = site(2);
    s.pv = vec![pv(&[1.0, 0.0])];
    s.loads = vec![load(&[0.0, 1.0])];
    s.batteries = vec![battery()];
    s.grid.export_limit_mw = 0.0;
    for strategy in [Strategy::Lp, Strategy::Rule] {
        let k = run(&s, strategy).unwrap();
        assert!(close(k.grid_import_mwh, 0.19), "{strategy:?} {k:?}");
        assert!(
            close(k.battery_full_cycles, 0.81 / 2.0),
            "{strategy:?} {k:?}"
        );
    }
}

#[test]
fn battery_end_requirement_is_met_even_by_the_rules() {
    // Starts and must end with 1 MWh; 1 MW load in both steps, no PV. The LP keeps the
    // battery; the rules may discharge only what a full-power recharge can restore.
    let mut s = site(2);
    let mut b = battery();
    b.soc_initial_mwh = 1.0;
    b.soc_final_mwh = 1.0;
    s.batteries = vec![b];
    s.loads = vec![load(&[1.0, 1.0])];
    let lp = run(&s, Strategy::Lp).unwrap();
    assert!(close(lp.grid_import_mwh, 2.0), "{lp:?}");
    // Rules: step 0 may draw 0.9 MWh (a 1 MW recharge stores 0.9), delivering 0.81;
    // step 1 recharges 1 MW from the grid. Import = 0.19 + 2.0.
    let rule = run(&s, Strategy::Rule).unwrap();
    assert!(close(rule.grid_import_mwh, 2.19), "{rule:?}");
}

#[test]
fn flexible_load_follows_the_sun_in_the_lp_and_runs_early_under_the_rules() {
    // 1 MWh owed over 2 steps at up to 1 MW; PV only in step 1.
    let mut s = site(2);
    s.pv = vec![pv(&[0.0, 1.0])];
    s.flexible_loads = vec![flexible(&[1.0, 1.0], 1.0)];
    s.grid.export_limit_mw = 0.0;
    let lp = run(&s, Strategy::Lp).unwrap();
    assert!(close(lp.grid_import_mwh, 0.0), "{lp:?}");
    let rule = run(&s, Strategy::Rule).unwrap();
    assert!(close(rule.grid_import_mwh, 1.0), "{rule:?}");
    assert!(close(rule.flexible[0].delivered_mwh, 1.0));
}

#[test]
fn cost_weight_moves_flexible_energy_to_the_cheap_hour() {
    // Price 2 then 1 CNY/MWh; minimising cost alone places the 1 MWh in step 1.
    let mut s = site(2);
    s.flexible_loads = vec![flexible(&[1.0, 1.0], 1.0)];
    s.grid.import_price = vec![2.0, 1.0];
    s.dispatch.objective.weights = Weights {
        import: 0.0,
        cost: 1.0,
        carbon: 0.0,
    };
    let k = run(&s, Strategy::Lp).unwrap();
    assert!(close(k.import_cost_cny, 1.0), "{k:?}");
    assert!(close(k.objective, 1.0), "{k:?}");
}

#[test]
fn carbon_weight_and_co2_kpi() {
    // 1 MWh owed over 2 steps; carbon 800 then 200 kg/MWh → 0.2 t when placed optimally.
    let mut s = site(2);
    s.flexible_loads = vec![flexible(&[1.0, 1.0], 1.0)];
    s.grid.carbon_kg_per_mwh = Some(vec![800.0, 200.0]);
    s.dispatch.objective.weights = Weights {
        import: 1.0,
        cost: 0.0,
        carbon: 1.0,
    };
    let k = run(&s, Strategy::Lp).unwrap();
    assert!(close(k.co2_t.unwrap(), 0.2), "{k:?}");
    assert!(close(k.objective, 1.0 + 200.0), "{k:?}");
}

#[test]
fn an_import_limit_the_rules_cannot_meet_stops_the_run_with_step_and_time() {
    // 2 MWh owed over 2 steps at up to 2 MW, import limit 1 MW: the LP spreads it, the
    // greedy rules draw 2 MW at once and break the limit.
    let mut s = site(2);
    s.flexible_loads = vec![flexible(&[2.0, 2.0], 2.0)];
    s.grid.import_limit_mw = 1.0;
    assert!(close(run(&s, Strategy::Lp).unwrap().peak_import_mw, 1.0));
    let err = run(&s, Strategy::Rule).unwrap_err().to_string();
    assert!(
        err.contains("step 0 (2025-01-01T00:00:00+08:00)") && err.contains("import limit"),
        "{err}"
    );
}

/// Plans nothing at all: the grid serves the load, flexible loads never run.
struct Idle;

impl super::Dispatcher for Idle {
    fn name(&self) -> &'static str {
        "idle"
    }
    fn window(&self, _: &Scenario) -> (usize, usize) {
        (2, 2)
    }
    fn plan(
        &mut self,
        ctx: &super::Context,
        plan: &mut super::Plan,
    ) -> Result<super::PlanOutcome, super::DispatchError> {
        plan.reset(ctx.devices, ctx.len);
        Ok(super::PlanOutcome::default())
    }
}

#[test]
fn energy_owed_but_not_delivered_stops_the_run_naming_asset_window_and_amount() {
    let mut s = site(4);
    s.flexible_loads = vec![flexible(&[1.0; 4], 1.0)];
    s.flexible_loads[0].windows = vec![
        EnergyWindow {
            start: 0,
            end: 2,
            energy_mwh: 1.0,
        },
        EnergyWindow {
            start: 2,
            end: 4,
            energy_mwh: 1.0,
        },
    ];
    let err = simulate(&s, &mut Idle).unwrap_err().to_string();
    assert_eq!(
        err,
        "invariant broken at step 1 (2025-01-01T01:00:00+08:00): flexible_load 'flex' delivered \
         0.000000 of 1.000000 MWh in its window 2025-01-01T00:00:00+08:00 to 2025-01-01T02:00:00+08:00"
    );
}

#[test]
fn a_custom_dispatcher_sees_the_state_and_its_plans_are_committed() {
    // Idle on a site with only a fixed load: import equals the load, step by step.
    let mut s = site(3);
    s.loads = vec![load(&[1.0, 2.0, 3.0])];
    let run = simulate(&s, &mut Idle).unwrap();
    assert_eq!(run.results.import_mw, vec![1.0, 2.0, 3.0]);
    assert_eq!(run.plans, 2);
}

#[test]
fn a_demand_charge_flattens_the_monthly_peak() {
    // 1 MWh owed over 2 hourly steps, 100 CNY/MW on the month's peak, cost alone counts:
    // the optimum spreads it 0.5 + 0.5 MW, a demand charge of 50 CNY.
    let mut s = site(2);
    s.flexible_loads = vec![flexible(&[1.0, 1.0], 1.0)];
    s.grid.demand_charge = Some(crate::assets::grid::DemandCharge {
        cny_per_mw: 100.0,
        month: vec![24_300, 24_300],
        // As if the month lay wholly inside the horizon (see the pro-rating test in resolve).
        share: vec![1.0],
    });
    s.dispatch.objective.weights = Weights {
        import: 0.0,
        cost: 1.0,
        carbon: 0.0,
    };
    let k = run(&s, Strategy::Lp).unwrap();
    assert!(close(k.peak_import_mw, 0.5), "{k:?}");
    assert!(close(k.demand_charge_cny.unwrap(), 50.0), "{k:?}");
    assert!(close(k.objective, 50.0), "{k:?}");
}

#[test]
fn compute_counted_at_it_level_draws_its_pue_from_the_bus() {
    // A job of 1 MWh IT energy at PUE 1.2 over one hourly step draws 1.2 MWh from the grid.
    let mut s = site(1);
    let mut job = flexible(&[1.0], 1.0);
    job.overhead = Some(vec![1.2]);
    s.flexible_loads = vec![job];
    let k = run(&s, Strategy::Lp).unwrap();
    assert!(close(k.grid_import_mwh, 1.2), "{k:?}");
    assert!(close(k.flexible[0].delivered_mwh, 1.0), "{k:?}");
}

#[test]
fn peak_shaving_and_time_of_use_rules_by_hand() {
    // Battery 1 MW / 2 MWh, 90 % each way, 1 MWh at start, may end empty.
    let mut b = battery();
    b.soc_initial_mwh = 1.0;
    let mut s = site(2);
    s.batteries = vec![b];
    s.loads = vec![load(&[3.0, 1.0])];
    // Peak shaving at 2 MW: step 0 discharges what it can (0.9 MW from 1 MWh), importing
    // 2.1; step 1 charges 1 MW up to the threshold, importing 2.0.
    s.dispatch.peak_threshold_mw = Some(2.0);
    let k = run(&s, Strategy::Peak).unwrap();
    assert!(
        close(k.peak_import_mw, 2.1) && close(k.grid_import_mwh, 4.1),
        "{k:?}"
    );
    // Time of use, prices 1 then 3: charge 1 MW in the cheap hour (import 1 + 1), discharge
    // to cover the 1 MW load in the dear hour (import 0).
    s.loads = vec![load(&[1.0, 1.0])];
    s.grid.import_price = vec![1.0, 3.0];
    let k = run(&s, Strategy::Tou).unwrap();
    assert!(
        close(k.grid_import_mwh, 2.0) && close(k.import_cost_cny, 2.0),
        "{k:?}"
    );
}

#[test]
fn power_capping_pays_where_it_costs_less_than_the_energy_it_saves() {
    // 1 MW of IT at PUE 1.25 (a 1.25 MW facility load), half of it cappable. Import costs
    // 100 CNY/MWh, cost alone counts. Capping at 50 CNY per IT MWh saves 1.25 × 100 = 125
    // per IT MWh: cap 0.5 MW, import 0.625 MW, cost 62.5 + 25 = 87.5. At 200 CNY it does
    // not pay: no capping, cost 125.
    let capped = |price: f64, strategy: Strategy| {
        let mut s = site(1);
        s.loads = vec![load(&[1.25])];
        s.curtailable_loads = vec![crate::assets::CurtailableLoad {
            name: "dc.capping".into(),
            max_mw: vec![0.5],
            overhead: vec![1.25],
            price_cny_per_mwh: price,
        }];
        s.grid.import_price = vec![100.0];
        s.dispatch.objective.weights = Weights {
            import: 0.0,
            cost: 1.0,
            carbon: 0.0,
        };
        run(&s, strategy).unwrap()
    };
    let k = capped(50.0, Strategy::Lp);
    assert!(close(k.grid_import_mwh, 0.625), "{k:?}");
    assert!(close(k.curtailment_cost_cny.unwrap(), 25.0), "{k:?}");
    assert!(
        close(k.total_cost_cny, 87.5) && close(k.objective, 87.5),
        "{k:?}"
    );
    assert!(close(k.consumption_mwh, 0.625), "{k:?}");
    let k = capped(200.0, Strategy::Lp);
    assert!(
        close(k.grid_import_mwh, 1.25) && close(k.total_cost_cny, 125.0),
        "{k:?}"
    );
    // The rules never cap.
    let k = capped(50.0, Strategy::Rule);
    assert!(close(k.grid_import_mwh, 1.25), "{k:?}");
}

#[test]
fn rules_spread_the_end_of_horizon_charge_over_the_headroom_under_the_import_limit() {
    // 4 hourly steps, load 1 MW, import limit 1.5 MW: 0.5 MW of headroom each step. The
    // battery (η_c 0.9) must end with 1.35 MWh from empty: 1.5 MWh charged, e.g. 0.5 MW in
    // the last three steps. At full power in the last steps import would reach 2 MW.
    let mut b = battery();
    b.soc_final_mwh = 1.35;
    let mut s = site(4);
    s.batteries = vec![b];
    s.loads = vec![load(&[1.0; 4])];
    s.grid.import_limit_mw = 1.5;
    for strategy in [
        Strategy::None,
        Strategy::Rule,
        Strategy::Tou,
        Strategy::Peak,
    ] {
        let run = simulate(&s, built_in(strategy, &s).as_mut())
            .unwrap_or_else(|e| panic!("{strategy:?}: {e}"));
        let r = &run.results;
        assert!(
            r.import_mw.iter().all(|i| *i <= 1.5 + 1e-9),
            "{strategy:?}: {:?}",
            r.import_mw
        );
        let soc = r.asset("bat").unwrap().series("soc").unwrap();
        assert!(close(soc[3], 1.35), "{strategy:?}");
        assert!(
            close(Kpis::compute(r).grid_import_mwh, 4.0 + 1.5),
            "{strategy:?}"
        );
    }
}

#[test]
fn one_meter_never_imports_and_exports_at_once_even_when_export_pays_more() {
    // A 1 MW load for 24 h, import at 0.2 and export at 0.3 CNY/kWh, cost alone counts.
    // Buying to sell would pay, but one meter cannot do both: the optimum imports the load,
    // 1 MW × 24 h × 200 CNY/MWh = 4,800 CNY, and the committed run is that plan.
    let mut s = site(24);
    s.loads = vec![load(&[1.0; 24])];
    s.grid.import_price = vec![200.0; 24];
    s.grid.export_price = vec![300.0; 24];
    s.dispatch.objective.weights = Weights {
        import: 0.0,
        cost: 1.0,
        carbon: 0.0,
    };
    let run = simulate(&s, built_in(Strategy::Lp, &s).as_mut()).unwrap();
    let k = Kpis::compute(&run.results);
    assert!(close(run.objective.unwrap(), 4800.0), "{:?}", run.objective);
    assert!(
        close(k.objective, 4800.0) && close(k.grid_export_mwh, 0.0),
        "{k:?}"
    );
    // With 2 MW of PV: exporting all of it and importing the load would earn 600 − 200 CNY
    // per hour, but needs both directions at once; so PV serves the load and the 1 MW
    // surplus is exported: −300 CNY/h.
    s.pv = vec![pv(&[2.0; 24])];
    let run = simulate(&s, built_in(Strategy::Lp, &s).as_mut()).unwrap();
    let k = Kpis::compute(&run.results);
    assert!(close(k.objective, -300.0 * 24.0), "{k:?}");
    assert!(close(k.grid_import_mwh, 0.0), "{k:?}");
}

#[test]
fn paid_to_draw_a_battery_charges_but_does_not_burn_energy_by_charging_and_discharging() {
    // Import pays 0.1 CNY/kWh (a negative price) in both hours; a 1 MW / 2 MWh battery at
    // 90 % each way, empty, may end anywhere. Charging and discharging at once would draw
    // more for the same stored energy; one battery cannot. The optimum charges 1 MW in
    // each hour (1.8 MWh stored): 2 MWh drawn, earning 200 CNY.
    let mut s = site(2);
    let mut b = battery();
    b.soc_final_mwh = 0.0;
    s.batteries = vec![b];
    s.grid.import_price = vec![-100.0; 2];
    s.dispatch.objective.weights = Weights {
        import: 0.0,
        cost: 1.0,
        carbon: 0.0,
    };
    let run = simulate(&s, built_in(Strategy::Lp, &s).as_mut()).unwrap();
    let r = &run.results;
    assert!(close(run.objective.unwrap(), -200.0), "{:?}", run.objective);
    let bat = r.asset("bat").unwrap();
    for t in 0..2 {
        assert!(close(bat.series("charge").unwrap()[t], 1.0), "{bat:?}");
        assert!(close(bat.series("discharge").unwrap()[t], 0.0), "{bat:?}");
    }
}

#[test]
fn ties_in_import_are_broken_by_cost_then_carbon() {
    // Default objective (import only). PV 2 MW, load 1 MW, export paid 0.3 CNY/kWh: the
    // surplus is exported, not curtailed (same import, lower cost).
    let mut s = site(1);
    s.pv = vec![pv(&[2.0])];
    s.loads = vec![load(&[1.0])];
    s.grid.export_price = vec![300.0];
    let run = simulate(&s, built_in(Strategy::Lp, &s).as_mut()).unwrap();
    assert!(
        close(run.results.export_mw[0], 1.0),
        "{:?}",
        run.results.export_mw
    );
    // A flexible 1 MWh over two hours, import either way: it runs in the cheaper hour, and
    // between two equally priced hours in the cleaner one.
    let mut s = site(2);
    s.flexible_loads = vec![flexible(&[1.0, 1.0], 1.0)];
    s.grid.import_price = vec![300.0, 100.0];
    let run = simulate(&s, built_in(Strategy::Lp, &s).as_mut()).unwrap();
    assert_eq!(
        run.results.asset("flex").unwrap().series("power").unwrap(),
        vec![0.0, 1.0]
    );
    s.grid.import_price = vec![100.0, 100.0];
    s.grid.carbon_kg_per_mwh = Some(vec![500.0, 900.0]);
    let run = simulate(&s, built_in(Strategy::Lp, &s).as_mut()).unwrap();
    assert_eq!(
        run.results.asset("flex").unwrap().series("power").unwrap(),
        vec![1.0, 0.0]
    );
    // Without tie-breaking the solver may pick either: only import is asked for.
    s.dispatch.objective.tie_break = false;
    let run = simulate(&s, built_in(Strategy::Lp, &s).as_mut()).unwrap();
    assert!(close(run.objective.unwrap(), 1.0));
}

#[test]
fn a_rule_that_cannot_keep_the_import_limit_says_so_and_an_infeasible_scenario_is_infeasible() {
    // As above, but the battery must end with 1.9 MWh: 2.11 MWh charged, more than the
    // 0.5 MW of headroom in 4 hours gives, whatever the strategy: infeasible (exit 3).
    let mut b = battery();
    b.soc_final_mwh = 1.9;
    let mut s = site(4);
    s.batteries = vec![b];
    s.loads = vec![load(&[1.0; 4])];
    s.grid.import_limit_mw = 1.5;
    for strategy in [Strategy::Rule, Strategy::Lp] {
        let e = run(&s, strategy).unwrap_err();
        assert!(
            matches!(e, SimError::Dispatch(DispatchError::Infeasible { .. })),
            "{strategy:?}: {e}"
        );
    }
    // A 2 MWh flexible load the rule runs at once leaves no headroom in hours 0 and 1: the
    // rule could charge 0.5 MW in hours 2 and 3 only, 0.9 MWh stored; the LP spreads the
    // load and charges 0.5 MW in three hours (1.35 MWh).
    s.batteries[0].soc_final_mwh = 1.35;
    s.batteries[0].charge_mw = 0.5;
    s.grid.import_limit_mw = 2.0;
    s.loads = vec![load(&[1.0; 4])];
    s.flexible_loads = vec![flexible(&[1.0; 4], 2.0)];
    let e = run(&s, Strategy::Rule).unwrap_err();
    assert!(
        matches!(&e, SimError::Dispatch(DispatchError::Rule(m)) if m.contains("the LP strategy can")),
        "{e}"
    );
    assert!(run(&s, Strategy::Lp).is_ok());
}
