//! The plan of a sweep: every case resolved and checked before any runs, each with its key
//! (the hash of what it runs), and the plan as written to `plan.json` so that `collect`
//! can rebuild the table from a results folder alone.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::diagnostic::{Location, Problem, Problems};
use crate::scenario::overrides::Override;
use crate::scenario::{self, InputFile, Source};
use crate::series::hex;

use super::cases::{Case, expand, inline};
use super::pool;
use super::spec::{Combine, Keep, Spec};

/// One planned case: what it sets, what it resolves to and its key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlannedCase {
    /// Position in the sweep, from 1.
    pub id: usize,
    pub study: String,
    /// `case 7 (study 'sizing': …)`.
    pub label: String,
    /// The first 16 hex digits of the SHA-256 of what the case runs (see [`case_key`]).
    pub key: String,
    /// Parameter path → value as written in the sweep file (inline TOML).
    pub parameters: BTreeMap<String, String>,
    /// The scenario seed and strategy the case runs with (set by the study or the base).
    pub seed: u64,
    pub strategy: String,
}

/// A study as the report needs it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlannedStudy {
    pub name: String,
    /// `product`, `zip` or `one-at-a-time`.
    pub combine: String,
    /// Its parameters' paths, in order.
    pub parameters: Vec<String>,
    pub seeds: usize,
    pub strategies: Vec<String>,
}

/// The plan of a sweep, as in `plan.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    pub sweep: String,
    /// SHA-256 of the sweep's cases (their keys and labels in order): shards of one sweep
    /// share it.
    pub sweep_sha256: String,
    /// `summary` or `timeseries`.
    pub keep: String,
    /// KPIs the report charts.
    pub report: Vec<String>,
    /// Every parameter path of the sweep, in first-seen order (the table's columns).
    pub parameters: Vec<String>,
    pub studies: Vec<PlannedStudy>,
    pub cases: Vec<PlannedCase>,
}

impl Plan {
    /// Whether cases keep their results folder (time series).
    pub fn keeps_timeseries(&self) -> bool {
        self.keep == "timeseries"
    }
}

/// A checked, resolved sweep: its plan, the base scenario and each case's overrides.
pub struct Resolved {
    pub plan: Plan,
    pub base: Source,
    pub overrides: Vec<Vec<Override>>,
    /// Distinct warnings of the cases' scenarios, each with the number of cases it concerns.
    pub warnings: Vec<(String, usize)>,
}

/// The key of a case: SHA-256 over vppsim's version, the scenario text with the overrides
/// in it and the hash of every CSV file it reads (their contents, not their paths: a
/// sweep run from another folder, or a SLURM task given absolute paths, keeps its keys);
/// first 16 hex digits (64 bits: a clash among a million cases has odds of about 3e-8).
pub fn case_key(text: &str, inputs: &[InputFile]) -> String {
    let mut h = Sha256::new();
    h.update(concat!("vppsim ", env!("CARGO_PKG_VERSION"), "\n"));
    h.update(text.as_bytes());
    // The first input is the scenario file itself, whose text is hashed above.
    for input in inputs.iter().skip(1) {
        h.update(format!("\n{}", input.sha256));
    }
    hex(&h.finalize())[..16].to_string()
}

/// Reads the base scenario and resolves every case of `spec` (on `jobs` threads); every
/// problem of every case at once, each naming its case (a problem shared by several cases
/// is reported once, with their number).
pub fn resolve(spec: &Spec, jobs: usize) -> Result<Resolved, Problems> {
    let base = Source::read(&spec.scenario).map_err(|mut p| {
        for problem in &mut p.0 {
            problem.message = format!(
                "base scenario of the sweep, {}: {}",
                spec.scenario.display(),
                problem.message
            );
            *problem.location = spec.scenario_at.clone();
            if problem.code == "scenario-unreadable" {
                problem.hint = Some("the path is relative to the sweep file".into());
            }
        }
        p
    })?;
    // A VPP or sweep file where a single-site scenario belongs: one problem, not one per key.
    let other = if base.is_vpp() {
        Some((
            "sweep-vpp",
            "a VPP file; a sweep runs a single-site scenario",
            "sweep one site of the VPP, written as a scenario of its own",
        ))
    } else if base.is_sweep() {
        Some((
            "sweep-base",
            "a sweep file; a sweep's base is a single-site scenario",
            "give [sweep] scenario the scenario file that sweep names, or add its studies to this file",
        ))
    } else {
        None
    };
    if let Some((code, what, hint)) = other {
        let message = format!("{} is {what}", spec.scenario.display());
        let problem = Problem::new(code, message, spec.scenario_at.clone());
        return Err(Problems(vec![problem.hint(hint)]));
    }
    let cases = expand(spec);
    let mut problems: Vec<(Problem, Vec<usize>)> = Vec::new();
    let mut add = |p: Problem, case: usize| {
        let rendered = p.to_string();
        match problems.iter_mut().find(|(q, _)| q.to_string() == rendered) {
            Some((_, ids)) => ids.push(case),
            None => problems.push((p, vec![case])),
        }
    };
    let mut overrides = Vec::with_capacity(cases.len());
    for case in &cases {
        match case.overrides(spec) {
            Ok(o) => overrides.push(o),
            Err(p) => {
                add(p, case.id);
                overrides.push(Vec::new());
            }
        }
    }
    let outcomes = pool::map(cases.len(), jobs, |i| {
        let source = base.clone().with_overrides(&overrides[i], Vec::new())?;
        let text = source.text.clone();
        let loaded = scenario::load_source(source)?;
        let key = case_key(&text, &loaded.inputs);
        let s = &loaded.scenario;
        if crate::sizing::is_sizing(s) {
            return Err(Problems(vec![
                Problem::new(
                    "sweep-sizing",
                    "this case has extendable capacities (a sizing scenario); a sweep runs dispatch cases",
                    Location::File(spec.scenario.clone()),
                )
                .hint("give each capacity as a quantity, or run the sizing scenario with `vppsim run`"),
            ]));
        }
        let warnings: Vec<String> = loaded.warnings.iter().map(|w| w.to_string()).collect();
        Ok::<_, Problems>((key, s.seed, s.dispatch.strategy.name(), warnings))
    });
    let mut planned = Vec::with_capacity(cases.len());
    let mut warnings: Vec<(String, usize)> = Vec::new();
    for (case, outcome) in cases.iter().zip(outcomes) {
        match outcome {
            Ok((key, seed, strategy, found)) => {
                for w in found {
                    match warnings.iter_mut().find(|(v, _)| *v == w) {
                        Some((_, n)) => *n += 1,
                        None => warnings.push((w, 1)),
                    }
                }
                planned.push(planned_case(spec, case, key, seed, strategy));
            }
            Err(found) => {
                for p in found.0 {
                    add(p, case.id);
                }
            }
        }
    }
    if !problems.is_empty() {
        return Err(Problems(
            problems
                .into_iter()
                .map(|(p, ids)| name_cases(p, &ids, &cases, spec))
                .collect(),
        ));
    }
    let plan = Plan {
        sweep: spec.name.clone(),
        sweep_sha256: sweep_hash(&planned),
        keep: match spec.keep {
            Keep::Summary => "summary",
            Keep::Timeseries => "timeseries",
        }
        .into(),
        report: spec.report.clone(),
        parameters: parameter_columns(spec),
        studies: spec
            .studies
            .iter()
            .map(|s| PlannedStudy {
                name: s.name.clone(),
                combine: match s.combine {
                    Combine::Product => "product",
                    Combine::Zip => "zip",
                    Combine::OneAtATime => "one-at-a-time",
                }
                .into(),
                parameters: s.parameters.iter().map(|p| p.path.clone()).collect(),
                seeds: s.seeds.len(),
                strategies: s.strategies.iter().map(|(t, _)| t.name().into()).collect(),
            })
            .collect(),
        cases: planned,
    };
    Ok(Resolved {
        plan,
        base,
        overrides,
        warnings,
    })
}

fn planned_case(spec: &Spec, case: &Case, key: String, seed: u64, strategy: &str) -> PlannedCase {
    let study = &spec.studies[case.study];
    PlannedCase {
        id: case.id,
        study: study.name.clone(),
        label: case.label(spec),
        key,
        parameters: case
            .settings
            .iter()
            .map(|&(p, v)| {
                let q = &study.parameters[p];
                (q.path.clone(), inline(&q.values[v].value))
            })
            .collect(),
        seed,
        strategy: strategy.into(),
    }
}

/// `p` with the case(s) it was found in named in its message.
fn name_cases(mut p: Problem, ids: &[usize], cases: &[Case], spec: &Spec) -> Problem {
    let first = cases[ids[0] - 1].label(spec);
    p.message = match ids.len() {
        1 => format!("{first}: {}", p.message),
        2 => format!("{first} and 1 other case: {}", p.message),
        n => format!("{first} and {} other cases: {}", n - 1, p.message),
    };
    p
}

/// Every parameter path of the sweep, in the order first met.
fn parameter_columns(spec: &Spec) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for p in spec.studies.iter().flat_map(|s| &s.parameters) {
        if !out.contains(&p.path) {
            out.push(p.path.clone());
        }
    }
    out
}

fn sweep_hash(cases: &[PlannedCase]) -> String {
    let mut h = Sha256::new();
    for c in cases {
        h.update(format!("{}\t{}\t{}\n", c.id, c.key, c.label));
    }
    hex(&h.finalize())
}

/// Reads `plan.json` from `dir`.
pub fn read_plan(dir: &Path) -> Result<Plan, String> {
    let path = dir.join("plan.json");
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{} is not a sweep plan: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sweep::spec::parse_spec;

    #[test]
    fn keys_follow_the_text_and_the_csv_hashes() {
        let file = |sha: &str| InputFile {
            path: format!("{sha}/a.csv").into(),
            sha256: sha.into(),
        };
        let scenario = InputFile {
            path: "s.toml".into(),
            sha256: "x".into(),
        };
        let k = case_key("t", &[scenario.clone(), file("1")]);
        assert_eq!(k.len(), 16);
        let elsewhere = InputFile {
            path: "/abs/a.csv".into(),
            ..file("1")
        };
        assert_eq!(k, case_key("t", &[scenario.clone(), elsewhere]));
        assert_ne!(k, case_key("t", &[scenario.clone(), file("2")]));
        assert_ne!(k, case_key("u", &[scenario, file("1")]));
    }

    #[test]
    fn every_case_is_resolved_and_problems_name_their_cases() {
        let text = "[sweep]\nscenario = \"../scenarios/small-site.toml\"\n[[study]]\nname = \"size\"\nstrategies = [\"rule\", \"lp\"]\n[[study.parameter]]\npath = \"battery.battery.energy_capacity\"\nvalues = [\"2 MWh\", \"-1 MWh\", \"3 MW\"]\n";
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/s.toml");
        let spec = parse_spec(&path, text).unwrap();
        let e = resolve(&spec, 2).err().unwrap().to_string();
        assert!(
            e.contains("case 3 (study 'size': battery.battery.energy_capacity = \"-1 MWh\", rule) and 1 other case"),
            "{e}"
        );
        assert!(e.contains("case 5 (study 'size'"), "{e}");
        assert!(e.contains("2 problems found"), "{e}");
        let ok = text.replace(", \"-1 MWh\", \"3 MW\"", ", \"4 MWh\"");
        let spec = parse_spec(&path, &ok).unwrap();
        let r = resolve(&spec, 2).ok().unwrap();
        let p = &r.plan;
        assert_eq!(p.cases.len(), 4);
        assert_eq!(p.cases[3].strategy, "lp");
        assert_eq!(
            p.cases[3].parameters["battery.battery.energy_capacity"],
            "\"4 MWh\""
        );
        let keys: std::collections::BTreeSet<_> = p.cases.iter().map(|c| &c.key).collect();
        assert_eq!(keys.len(), 4, "every case runs something different");
    }
}
