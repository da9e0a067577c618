//! `vppsim compare`: every strategy on the same scenario (same realised weather and loads),
//! one row each in `comparison.csv` with every scalar KPI and the regret against
//! perfect foresight (`lp`): extra import (MWh), total cost (CNY) and CO2 (t); and
//! `kpi_bars.svg` / `.png`, those three figures as bars per strategy.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use vppsim::currency::Currency;
use vppsim::dispatch::built_in;
use vppsim::report::charts::{StrategyFigures, kpi_bars};
use vppsim::results::{Kpis, WriteError};
use vppsim::scenario::{Source, Strategy};
use vppsim::sim::{self, presolve};

use super::{EXIT_FAILED, EXIT_INFEASIBLE, claim_out, load_or_report, set_threads, write_failed};

pub fn run(
    source: Source,
    strategies: &[Strategy],
    out: Option<PathBuf>,
    force: bool,
    threads: Option<u32>,
) -> u8 {
    let path = source.path.clone();
    let mut loaded = match load_or_report(source) {
        Ok(l) => l,
        Err(code) => return code,
    };
    set_threads(&mut loaded.scenario.dispatch.solver, threads);
    let s = &loaded.scenario;
    let out = out.unwrap_or_else(|| Path::new("results").join(format!("{}-compare", s.name)));
    let claim = match claim_out(&out, force, &path) {
        Ok(claim) => claim,
        Err(code) => return code,
    };
    if !presolve::check(s).is_empty() {
        eprintln!("error: the scenario is infeasible; `vppsim validate` says why");
        return EXIT_INFEASIBLE;
    }
    let mut rows: Vec<(Strategy, Kpis)> = Vec::new();
    for (n, &strategy) in strategies.iter().enumerate() {
        super::progress::stage(format!(
            "strategy {} of {}: {}",
            n + 1,
            strategies.len(),
            strategy.name()
        ));
        match sim::simulate(s, built_in(strategy, s).as_mut()) {
            Ok(run) => {
                let kpis = Kpis::compute(&run.results);
                if let Some(Err(e)) = run.objective.map(|o| kpis.check_objective(o)) {
                    eprintln!("error: strategy {}: {e}", strategy.name());
                    return EXIT_FAILED;
                }
                rows.push((strategy, kpis));
            }
            Err(e) => {
                eprintln!("error: strategy {}: {e}", strategy.name());
                return EXIT_FAILED;
            }
        }
    }
    let lp = rows
        .iter()
        .find(|(s, _)| *s == Strategy::Lp)
        .map(|(_, k)| k.clone());
    let csv = table_csv(&rows, lp.as_ref(), s.currency);
    let figures: Vec<StrategyFigures> = rows
        .iter()
        .map(|(s, k)| StrategyFigures {
            name: s.name().to_string(),
            import_mwh: k.grid_import_mwh,
            cost_cny: k.total_cost_cny,
            currency: loaded.scenario.currency,
            co2_t: k.co2_t,
        })
        .collect();
    let written = claim.stage("compare").and_then(|staging| {
        staging.write("comparison.csv", csv.as_bytes())?;
        let svg = kpi_bars(&figures, Some(&staging.path().join("kpi_bars.png")))
            .map_err(WriteError::Report)?;
        staging.write("kpi_bars.svg", svg.as_bytes())?;
        staging.commit()
    });
    if let Err(e) = written {
        return write_failed(&e);
    }
    super::progress::clear();
    outln!(
        "{:<6} {:>14} {:>10} {:>14} {:>10} {:>14} {:>14}",
        "",
        "import MWh",
        "peak MW",
        format!("cost {}", s.currency),
        "CO2 t",
        "regret MWh",
        format!("regret {}", s.currency)
    );
    for (strategy, k) in &rows {
        let regret = |f: fn(&Kpis) -> f64| {
            lp.as_ref()
                .map_or("n/a".to_string(), |lp| three_decimals(f(k) - f(lp)))
        };
        outln!(
            "{:<6} {:>14.3} {:>10.3} {:>14.2} {:>10} {:>14} {:>14}",
            strategy.name(),
            k.grid_import_mwh,
            k.peak_import_mw,
            k.total_cost_cny,
            k.co2_t.map_or("n/a".into(), |c| format!("{c:.3}")),
            regret(|k| k.grid_import_mwh),
            regret(|k| k.total_cost_cny),
        );
    }
    outln!(
        "comparison written to {}",
        out.join("comparison.csv").display()
    );
    let regret =
        |k: &Kpis, f: fn(&Kpis) -> Option<f64>| lp.as_ref().and_then(|lp| Some(f(k)? - f(lp)?));
    let strategies: Vec<_> = rows
        .iter()
        .map(|(strategy, k)| {
            serde_json::json!({
                "strategy": strategy.name(),
                "kpis": k,
                "regret_import_mwh": regret(k, |k| Some(k.grid_import_mwh)),
                "regret_cost_cny": regret(k, |k| Some(k.total_cost_cny)),
                "regret_co2_t": regret(k, |k| k.co2_t),
            })
        })
        .collect();
    super::say::emit_json(&serde_json::json!({
        "scenario": s.name,
        "results": out,
        "strategies": strategies,
    }));
    0
}

/// `x` with three decimals; a difference that rounds to zero is `0.000`, not `-0.000`.
fn three_decimals(x: f64) -> String {
    match format!("{x:.3}") {
        text if text == "-0.000" => "0.000".into(),
        text => text,
    }
}

/// One row per strategy: every scalar KPI (in the order of `Kpis`), then the regrets; money
/// named in `currency` (`total_cost_eur`).
fn table_csv(rows: &[(Strategy, Kpis)], lp: Option<&Kpis>, currency: Currency) -> String {
    let scalars = |k: &Kpis| -> Vec<(String, serde_json::Value)> {
        let v = serde_json::to_value(k).unwrap_or_default();
        v.as_object()
            .into_iter()
            .flatten()
            .filter(|(_, x)| !x.is_array() && !x.is_object())
            .map(|(key, x)| (key.clone(), x.clone()))
            .collect()
    };
    let mut csv = String::from("strategy");
    if let Some((_, first)) = rows.first() {
        for (key, _) in scalars(first) {
            let _ = write!(csv, ",{}", currency.rename(&key));
        }
    }
    let _ = writeln!(
        csv,
        ",regret_import_mwh,{},regret_co2_t",
        currency.rename("regret_cost_cny")
    );
    for (strategy, k) in rows {
        csv.push_str(strategy.name());
        for (_, value) in scalars(k) {
            let cell = value.as_f64().map_or(String::new(), |x| format!("{x:.6}"));
            let _ = write!(csv, ",{cell}");
        }
        let regret = |f: fn(&Kpis) -> Option<f64>| {
            lp.and_then(|lp| Some(f(k)? - f(lp)?))
                .map_or(String::new(), |r| format!("{r:.6}"))
        };
        let _ = writeln!(
            csv,
            ",{},{},{}",
            regret(|k| Some(k.grid_import_mwh)),
            regret(|k| Some(k.total_cost_cny)),
            regret(|k| k.co2_t)
        );
    }
    csv
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_regret_that_rounds_to_zero_has_no_sign() {
        assert_eq!(three_decimals(-0.0004), "0.000");
        assert_eq!(three_decimals(-0.0006), "-0.001");
        assert_eq!(three_decimals(4238.92), "4238.920");
    }
}
