//! `vppsim run` and `vppsim validate` on a VPP file (one with a `[vpp]` table).

use std::path::{Path, PathBuf};
use std::time::Instant;

use vppsim::dispatch::DispatchError;
use vppsim::scenario::Source;
use vppsim::sim::{SimError, presolve};
use vppsim::vpp::{self, Coordination, LoadedVpp, VppError, VppRun};

use super::{
    EXIT_BAD_INPUT, EXIT_FAILED, EXIT_INFEASIBLE, check_memory, claim_out, set_threads,
    warn_unmet_sessions, write_failed,
};

fn load_or_report(source: Source) -> Result<LoadedVpp, u8> {
    let loaded = vpp::scenario::load_source(source).map_err(|problems| {
        eprintln!("{problems}");
        EXIT_BAD_INPUT
    })?;
    for warning in &loaded.warnings {
        noteln!("{warning}\n");
    }
    let sizes: Vec<_> = loaded.vpp.sites.iter().map(presolve::lp_size).collect();
    check_memory(&sizes)?;
    Ok(loaded)
}

/// Sites whose own limits make them infeasible whatever the aggregator asks.
fn presolve_sites(loaded: &LoadedVpp) -> Result<(), u8> {
    let mut found = false;
    for site in &loaded.vpp.sites {
        for f in presolve::check(site) {
            eprintln!("infeasible: site '{}': {}", site.name, f.message);
            found = true;
        }
    }
    if found {
        eprintln!(
            "the VPP cannot be dispatched: relax the limits above or lower the energy required"
        );
        return Err(EXIT_INFEASIBLE);
    }
    Ok(())
}

pub fn validate(source: Source) -> u8 {
    let path = source.path.clone();
    let loaded = match load_or_report(source) {
        Ok(l) => l,
        Err(code) => return code,
    };
    if let Err(code) = presolve_sites(&loaded) {
        return code;
    }
    let v = &loaded.vpp;
    v.sites.iter().for_each(warn_unmet_sessions);
    let jobs: usize = v
        .sites
        .iter()
        .flat_map(|s| &s.datacenters)
        .map(|d| d.jobs.len())
        .sum();
    outln!(
        "{}: valid VPP ({} sites, {} steps of {} min from {}; {} event(s); {jobs} AI job(s){}; {} coordination)",
        path.display(),
        v.sites.len(),
        v.time.len,
        v.time.step_seconds / 60,
        v.time.timestamp(0),
        v.events.len(),
        if v.migration_cny_per_mwh.is_some() {
            ", movable between data centres"
        } else {
            ""
        },
        v.coordination.name(),
    );
    0
}

pub fn run(
    source: Source,
    out: Option<PathBuf>,
    force: bool,
    plots: bool,
    coordination: Option<Coordination>,
    threads: Option<u32>,
) -> u8 {
    let loading = Instant::now();
    let path = source.path.clone();
    let mut loaded = match load_or_report(source) {
        Ok(l) => l,
        Err(code) => return code,
    };
    if let Some(coordination) = coordination {
        loaded.vpp.coordination = coordination;
    }
    set_threads(&mut loaded.vpp.dispatch.solver, threads);
    for site in &mut loaded.vpp.sites {
        site.dispatch.solver.threads = loaded.vpp.dispatch.solver.threads;
    }
    let v = &loaded.vpp;
    let out = out.unwrap_or_else(|| Path::new("results").join(&v.name));
    let claim = match claim_out(&out, force, &path) {
        Ok(claim) => claim,
        Err(code) => return code,
    };
    if let Err(code) = presolve_sites(&loaded) {
        return code;
    }
    loaded.vpp.sites.iter().for_each(warn_unmet_sessions);
    let load_time = loading.elapsed();
    super::progress::stage(format!(
        "solving the VPP ({} sites, {})",
        v.sites.len(),
        v.coordination.name()
    ));
    let mut run = match vpp::run(v) {
        Ok(run) => run,
        Err(e) => {
            eprintln!("error: {e}");
            return match e {
                VppError::Dispatch(DispatchError::Infeasible { .. })
                | VppError::Site {
                    source: SimError::Dispatch(DispatchError::Infeasible { .. }),
                    ..
                } => {
                    eprintln!(
                        "  = hint: relax the site limits named above, or price lost load with [dispatch] unserved_energy"
                    );
                    EXIT_INFEASIBLE
                }
                _ => EXIT_FAILED,
            };
        }
    };
    run.times.load = load_time;
    // With an idle baseline for its events, the run has simulated the do-nothing case.
    let do_nothing = match run.do_nothing.take() {
        Some(d) => Some(d),
        None => {
            super::progress::stage(
                "simulating the do-nothing case (every site with strategy none)",
            );
            match vpp::do_nothing::simulate_sites(v) {
                Ok(d) => Some(d),
                Err((site, e)) => {
                    noteln!(
                        "note: no do-nothing case in the report: site '{site}' fails with strategy none ({e})"
                    );
                    None
                }
            }
        }
    };
    if let Err(e) = vpp::output::write(&claim, plots, v, &run, do_nothing.as_ref(), &loaded.inputs)
    {
        return write_failed(&e);
    }
    super::progress::clear();
    print_summary(v, &run);
    outln!("results written to {}", out.display());
    let sites: Vec<_> = run
        .sites
        .iter()
        .map(|site| serde_json::json!({ "site": site.scenario.name, "kpis": site.kpis }))
        .collect();
    let dt = v.time.dt_hours();
    super::say::emit_json(&serde_json::json!({
        "scenario": v.name,
        "coordination": v.coordination.name(),
        "results": out,
        "objective": run.objective,
        "aggregate_import_mwh": run.total(|r| &r.import_mw).iter().sum::<f64>() * dt,
        "gap_to_central": run.gap_to_central(),
        "sites": sites,
        "events": run.event_totals(v),
    }));
    0
}

fn print_summary(v: &vpp::VppScenario, run: &VppRun) {
    let dt = v.time.dt_hours();
    outln!(
        "{} ({} sites, {} coordination)",
        v.name,
        v.sites.len(),
        v.coordination.name()
    );
    for site in &run.sites {
        outln!(
            "  {:<16} import {:>10.1} MWh  cost {:>12.0} {}",
            site.scenario.name,
            site.kpis.grid_import_mwh,
            site.kpis.total_cost_cny,
            v.currency
        );
    }
    let import: f64 = run.total(|r| &r.import_mw).iter().sum::<f64>() * dt;
    outln!(
        "  aggregate import {import:.1} MWh; objective {:.6}",
        run.objective
    );
    if let (Some(gap), Some(trace)) = (run.gap_to_central(), &run.admm) {
        let last = trace.iterations.last();
        outln!(
            "  ADMM: {} iterations ({}), primal residual {:.2e} MW, dual {:.2e} MW; gap to central {:+.4} %",
            trace.iterations.len().saturating_sub(1),
            if trace.converged {
                "converged"
            } else {
                "iteration limit"
            },
            last.map_or(0.0, |i| i.primal_residual_mw),
            last.map_or(0.0, |i| i.dual_residual_mw),
            100.0 * gap
        );
    }
    for e in run.event_totals(v) {
        outln!(
            "  event {}: requested {:.2} MWh, delivered {:.2} MWh, shortfall {:.3} MWh; paid {:.0} {currency}, penalty {:.0} {currency}",
            e.name,
            e.requested_mwh,
            e.delivered_mwh,
            e.shortfall_mwh,
            e.payment_cny,
            e.penalty_cny,
            currency = v.currency
        );
    }
}
