//! `vppsim run` on a sizing scenario: size, commit the optimum's dispatch to the sized
//! system, dispatch business as usual, and write the sized system's results folder with the
//! `sizing` figures (see `vppsim::sizing`).

use std::path::Path;
use std::time::Instant;

use vppsim::dispatch::DispatchError;
use vppsim::output::{RunOutput, write_results};
use vppsim::results::{Claim, Kpis, Manifest};
use vppsim::scenario::Loaded;
use vppsim::sim::SimError;
use vppsim::sizing::{self, economics::economics};

use super::{EXIT_FAILED, EXIT_INFEASIBLE, print_kpis, write_failed};

/// Runs the sizing scenario of `loaded` into `claim`; the exit code.
pub(super) fn run(loaded: &Loaded, claim: &Claim, out: &Path, plots: bool, loading: Instant) -> u8 {
    let s = &loaded.scenario;
    let Some(finance) = &s.finance else {
        eprintln!("error: a sizing scenario needs [finance]");
        return EXIT_FAILED;
    };
    let load_time = loading.elapsed();
    let outcome = match sizing::run(s) {
        Ok(outcome) => outcome,
        Err(e) => {
            eprintln!("error: {e}");
            if let SimError::Dispatch(DispatchError::Infeasible { .. }) = e {
                eprintln!(
                    "  = hint: raise the max of the extendable capacities, relax the limits named above, or price lost load with [dispatch] unserved_energy"
                );
                return EXIT_INFEASIBLE;
            }
            return EXIT_FAILED;
        }
    };
    let mut run = outcome.run;
    run.times.load = load_time;
    let kpis = Kpis::compute(&run.results);
    if let Some(Err(e)) = run.objective.map(|o| kpis.check_objective(o)) {
        eprintln!("error: {e}");
        return EXIT_FAILED;
    }
    let bau = outcome
        .bau
        .as_ref()
        .map(|b| (&b.results, Kpis::compute(&b.results)))
        .map_err(|e| e.to_string());
    let mut figures = economics(
        finance,
        &outcome.sized.capacities,
        outcome.sized.objective,
        (&run.results, &kpis),
        bau.as_ref().map(|(r, k)| (*r, k)).map_err(Clone::clone),
    );
    figures.search = Some(outcome.sized.search);
    if let Some(b) = &figures.bau
        && b.objective < figures.objective - 1e-6 * figures.objective.abs().max(1.0)
    {
        eprintln!(
            "error: business as usual ({:.6}) is cheaper than the sized optimum ({:.6}), which includes it: the sizing LP is wrong",
            b.objective, figures.objective
        );
        return EXIT_FAILED;
    }
    let sized = &outcome.sized.scenario;
    let manifest = |write| {
        let times = vppsim::results::StageTimes { write, ..run.times };
        Manifest::new(
            s,
            "lp",
            Some(&s.dispatch.solver),
            &loaded.inputs,
            run.plans,
            times,
        )
    };
    let output = RunOutput {
        scenario: sized,
        results: &run.results,
        kpis: &kpis,
        solver_objective: run.objective,
        forecast_errors: &run.forecast_errors,
        sizing: Some(&figures),
        baseline: None,
        parquet: false,
    };
    if let Err(e) = write_results(claim, plots, &output, manifest) {
        return write_failed(&e);
    }
    print_kpis(s, "lp, sized", &kpis);
    outln!("sizing ({} per year unless stated)", figures.currency);
    for c in &figures.capacities {
        outln!(
            "  {}.{}: {} + {:.3} = {:.3} {}",
            c.asset,
            c.field,
            c.existing,
            c.added,
            c.total,
            c.unit
        );
    }
    match outcome.sized.search {
        sizing::Search::CuttingPlanes { evaluations, gap } => outln!(
            "  found by cutting planes in {} dispatch solves, optimal to within {:.1e} (relative)",
            evaluations + 1,
            gap.max(0.0) / outcome.sized.objective.abs().max(1.0)
        ),
        sizing::Search::JointLp => outln!("  found by one LP with the capacities in it"),
    }
    let opt = |v: Option<f64>| v.map_or("n/a".to_string(), |v| format!("{v:.0}"));
    outln!(
        "  capex {:.0}, annualised total cost {:.0}",
        figures.capex_cny,
        figures.total_annualised_cost_cny
    );
    outln!(
        "  operating savings {}, NPV {}",
        opt(figures.operating_savings_cny),
        opt(figures.npv_cny)
    );
    outln!("results written to {}", out.display());
    super::say::emit_json(&serde_json::json!({
        "scenario": s.name,
        "strategy": "lp, sized",
        "results": out,
        "kpis": kpis,
        "sizing": figures,
    }));
    0
}
