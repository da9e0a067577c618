//! How a scenario asks to be dispatched: `[dispatch]` strategy, objective weights, solver
//! options, lost load, peak threshold and the receding-horizon (`mpc`) settings.

use toml::Spanned;

use super::file::{self, Raw};
use super::values::Checker;
use super::{DispatchSettings, Strategy};
use crate::dispatch::MpcSettings;
use crate::forecast::Forecaster;
use crate::model::{Method, Presolve};
use crate::time::{TimeGrid, parse_duration};
use crate::units::Dimension;

/// Resolves `[dispatch]` over the defaults; `None` once a problem was reported.
pub fn dispatch_settings(
    c: &mut Checker,
    d: Option<&Spanned<file::DispatchTable>>,
    time: &TimeGrid,
    seed: u64,
) -> Option<DispatchSettings> {
    let mut settings = DispatchSettings::defaults(time);
    let Some(spanned) = d else {
        return Some(settings);
    };
    let d = spanned.get_ref();
    let mut ok = true;
    if let Some(s) = &d.strategy {
        match Strategy::parse(s.get_ref()) {
            Some(strategy) => settings.strategy = strategy,
            None => {
                c.report(
                    "strategy",
                    format!("unknown strategy '{}'", s.get_ref()),
                    s.span(),
                    &format!("use one of: {}", Strategy::NAMES),
                );
                ok = false;
            }
        }
    }
    if let Some(o) = &d.objective {
        let what =
            "an objective weight is a plain number ≥ 0 (MWh-equivalent per unit of its term)";
        let mut weight = |raw: &Option<Raw>, field: &str, slot: &mut f64| {
            if let Some(raw) = raw {
                match c.number_in(raw, field, 0.0, crate::units::LARGEST, what) {
                    Some(v) => *slot = v,
                    None => ok = false,
                }
            }
        };
        weight(
            &o.import,
            "objective.import",
            &mut settings.objective.weights.import,
        );
        weight(
            &o.cost,
            "objective.cost",
            &mut settings.objective.weights.cost,
        );
        weight(
            &o.carbon,
            "objective.carbon",
            &mut settings.objective.weights.carbon,
        );
        if let Some(tie_break) = o.tie_break {
            settings.objective.tie_break = tie_break;
        }
    }
    if let Some(s) = &d.solver {
        let mut unsupported = |v: &Spanned<String>, field: &str, allowed: &[&str]| {
            c.report(
                "solver-option",
                format!("solver.{field} '{}' is not supported", v.get_ref()),
                v.span(),
                &format!("use one of: {}", allowed.join(", ")),
            );
            ok = false;
        };
        if let Some(v) = &s.method {
            match Method::parse(v.get_ref()) {
                Some(m) => settings.solver.method = m,
                None => unsupported(v, "method", &Method::NAMES),
            }
        }
        if let Some(v) = &s.presolve {
            match Presolve::parse(v.get_ref()) {
                Some(p) => settings.solver.presolve = p,
                None => unsupported(v, "presolve", &Presolve::NAMES),
            }
        }
        if let Some(parallel) = &s.parallel {
            settings.solver.parallel = *parallel.get_ref();
            if settings.solver.parallel && settings.solver.method != Method::Simplex {
                c.report(
                    "solver-option",
                    "solver.parallel runs HiGHS's parallel dual simplex, but the method is not simplex".into(),
                    parallel.span(),
                    "give method = \"simplex\", or drop parallel",
                );
                ok = false;
            }
        }
        if let Some(raw) = &s.cost_perturbation {
            match c.number_in(
                raw,
                "solver.cost_perturbation",
                1e-3,
                1e3,
                "a scale for HiGHS's dual simplex cost perturbation (1 is HiGHS's default)",
            ) {
                Some(v) => settings.solver.cost_perturbation = v,
                None => ok = false,
            }
        }
        if let Some(raw) = &s.time_limit_seconds {
            match c.number_in(
                raw,
                "solver.time_limit_seconds",
                1e-3,
                1e9,
                "a time limit in seconds",
            ) {
                Some(v) => settings.solver.time_limit_seconds = Some(v),
                None => ok = false,
            }
        }
    }
    if let Some(raw) = &d.unserved_energy {
        match c.nonnegative(raw, Dimension::EnergyPrice, "dispatch.unserved_energy") {
            Some(v) if settings.objective.weights.cost > 0.0 => {
                settings.unserved_cny_per_mwh = Some(v)
            }
            Some(_) => {
                c.report(
                    "unserved-needs-cost",
                    "dispatch.unserved_energy prices lost load, but objective.cost is 0, so it would cost nothing".into(),
                    raw.span(),
                    "give objective = { cost = ... } above zero, e.g. 1e-5 per CNY",
                );
                ok = false;
            }
            None => ok = false,
        }
    }
    if let Some(raw) = &d.peak_threshold {
        match c.nonnegative(raw, Dimension::Power, "dispatch.peak_threshold") {
            Some(v) => settings.peak_threshold_mw = Some(v),
            None => ok = false,
        }
    }
    if let Some(m) = &d.mpc {
        match mpc_settings(c, m, time, seed, settings.mpc) {
            Some(mpc) => settings.mpc = mpc,
            None => ok = false,
        }
    }
    ok.then_some(settings)
}

/// `[dispatch] mpc = { horizon, replan, forecast, noise_sigma, noise_autocorrelation }`.
fn mpc_settings(
    c: &mut Checker,
    m: &Spanned<file::MpcTable>,
    time: &TimeGrid,
    seed: u64,
    default: MpcSettings,
) -> Option<MpcSettings> {
    let t = m.get_ref();
    let mut steps = |d: &Option<Spanned<String>>, field: &str, default: usize| match d {
        None => Some(default),
        Some(text) => match parse_duration(text.get_ref()) {
            Ok(s) if s % time.step_seconds == 0 => {
                Some(((s / time.step_seconds) as usize).min(time.len))
            }
            Ok(_) => {
                c.report(
                    "duration",
                    format!("mpc.{field} is not a whole number of steps"),
                    text.span(),
                    "use a multiple of [time] step",
                );
                None
            }
            Err(e) => {
                c.report(
                    "duration",
                    format!("mpc.{field}: {e}"),
                    text.span(),
                    "e.g. \"1d\" or \"15min\"",
                );
                None
            }
        },
    };
    let (horizon, replan) = (
        steps(&t.horizon, "horizon", default.horizon)?,
        steps(&t.replan, "replan", default.replan)?,
    );
    if replan > horizon {
        c.report(
            "mpc-window",
            "mpc.replan is longer than mpc.horizon".into(),
            m.span(),
            "commit at most what was planned: replan ≤ horizon",
        );
        return None;
    }
    let day = (86_400 / time.step_seconds).max(1) as usize;
    let forecaster = match t.forecast.as_ref().map(|f| f.get_ref().as_str()) {
        None | Some("perfect") => Forecaster::Perfect,
        Some("persistence") => Forecaster::Persistence,
        Some("seasonal-naive") => Forecaster::SeasonalNaive { period: day },
        Some("regression") => Forecaster::Regression {
            period: day,
            train: 14,
        },
        Some("noisy") => {
            let sigma = t
                .noise_sigma
                .as_ref()
                .and_then(|r| c.nonnegative(r, Dimension::Power, "mpc.noise_sigma"));
            let phi = t.noise_autocorrelation.as_ref().and_then(|r| {
                c.number_in(
                    r,
                    "mpc.noise_autocorrelation",
                    0.0,
                    0.999,
                    "lag-1 correlation of the error, 0..1",
                )
            });
            let (Some(sigma_mw), Some(autocorrelation)) = (sigma, phi) else {
                c.report(
                    "missing-key",
                    "a noisy forecast needs noise_sigma and noise_autocorrelation".into(),
                    m.span(),
                    "e.g. noise_sigma = \"0.3 MW\", noise_autocorrelation = 0.9",
                );
                return None;
            };
            Forecaster::Noisy {
                sigma_mw,
                autocorrelation,
                seed: seed ^ 0x6d70_6300,
            }
        }
        Some(other) => {
            let span = t.forecast.as_ref().map_or(m.span(), |f| f.span());
            c.report(
                "forecast",
                format!("unknown forecast '{other}'"),
                span,
                "use perfect, persistence, seasonal-naive, regression or noisy",
            );
            return None;
        }
    };
    Some(MpcSettings {
        horizon,
        replan,
        forecaster,
        persistent: t.persistent.unwrap_or(default.persistent),
    })
}
