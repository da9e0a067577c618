//! The cases of a sweep: each study's parameter combinations × seeds × strategies, in a
//! fixed order, each a list of overrides of the base scenario.

use crate::diagnostic::Problem;
use crate::scenario::Strategy;
use crate::scenario::overrides::{Origin, Override};

use super::spec::{Spec, Study};

/// One case: a study's parameter values, a seed and a strategy.
#[derive(Debug, Clone, PartialEq)]
pub struct Case {
    /// Position in the sweep, from 1.
    pub id: usize,
    /// Index of its study in the spec.
    pub study: usize,
    /// (parameter, value) indices into the study's parameters.
    pub settings: Vec<(usize, usize)>,
    pub seed: Option<usize>,
    pub strategy: Option<usize>,
}

/// Every case of `spec`, study by study: each combination of parameter values, then each
/// seed, then each strategy.
pub fn expand(spec: &Spec) -> Vec<Case> {
    let mut cases = Vec::new();
    for (s, study) in spec.studies.iter().enumerate() {
        let seeds: Vec<Option<usize>> = optional(study.seeds.len());
        let strategies: Vec<Option<usize>> = optional(study.strategies.len());
        for settings in study.combinations() {
            for &seed in &seeds {
                for &strategy in &strategies {
                    cases.push(Case {
                        id: cases.len() + 1,
                        study: s,
                        settings: settings.clone(),
                        seed,
                        strategy,
                    });
                }
            }
        }
    }
    cases
}

/// `[None]` for no items, else each index.
fn optional(n: usize) -> Vec<Option<usize>> {
    if n == 0 {
        vec![None]
    } else {
        (0..n).map(Some).collect()
    }
}

impl Case {
    /// The overrides that make this case of the base scenario, each located in the sweep
    /// file where its value was written.
    pub fn overrides(&self, spec: &Spec) -> Result<Vec<Override>, Problem> {
        let study = &spec.studies[self.study];
        let mut out = Vec::new();
        for &(p, v) in &self.settings {
            let (parameter, setting) = (&study.parameters[p], &study.parameters[p].values[v]);
            let origin = Origin {
                path: parameter.path_at.clone(),
                value: setting.at.clone(),
            };
            out.push(Override::new(
                &parameter.path,
                inline(&setting.value),
                origin,
            )?);
        }
        if let (Some(seed), Some(at)) = (self.seed, &study.seeds_at) {
            let origin = Origin {
                path: at.clone(),
                value: at.clone(),
            };
            let value = study.seeds[seed].to_string();
            out.push(Override::new("scenario.seed", value, origin)?);
        }
        if let Some((strategy, at)) = self.strategy.map(|k| &study.strategies[k]) {
            let origin = Origin {
                path: at.clone(),
                value: at.clone(),
            };
            let value = format!("\"{}\"", strategy.name());
            out.push(Override::new("dispatch.strategy", value, origin)?);
        }
        Ok(out)
    }

    /// The Monte Carlo seed this case sets, if its study has seeds.
    pub fn seed(&self, spec: &Spec) -> Option<u64> {
        self.seed.map(|k| spec.studies[self.study].seeds[k])
    }

    /// The strategy this case sets, if its study has strategies.
    pub fn strategy(&self, spec: &Spec) -> Option<Strategy> {
        self.strategy
            .map(|k| spec.studies[self.study].strategies[k].0)
    }

    /// `case 7 (study 'sizing': battery.battery.energy_capacity = "8 MWh", seed 3, lp)`.
    pub fn label(&self, spec: &Spec) -> String {
        let study: &Study = &spec.studies[self.study];
        let mut parts: Vec<String> = self
            .settings
            .iter()
            .map(|&(p, v)| {
                let q = &study.parameters[p];
                format!("{} = {}", q.path, inline(&q.values[v].value))
            })
            .collect();
        if let Some(seed) = self.seed(spec) {
            parts.push(format!("seed {seed}"));
        }
        if let Some(strategy) = self.strategy(spec) {
            parts.push(strategy.name().to_string());
        }
        if parts.is_empty() {
            parts.push("the base scenario".into());
        }
        format!(
            "case {} (study '{}': {})",
            self.id,
            study.name,
            parts.join(", ")
        )
    }
}

/// A TOML value as inline TOML text.
pub fn inline(value: &toml::Value) -> String {
    value.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sweep::spec::parse_spec;
    use std::path::Path;

    #[test]
    fn cases_in_order_with_their_overrides() {
        let spec = parse_spec(
            Path::new("s.toml"),
            "[sweep]\nscenario = \"b.toml\"\n[[study]]\nname = \"a\"\nseeds = [5, 6]\nstrategies = [\"rule\", \"lp\"]\n[[study.parameter]]\npath = \"battery.b.energy_capacity\"\nvalues = [\"4 MWh\", \"8 MWh\"]\n[[study]]\nname = \"base\"\n",
        )
        .unwrap();
        let cases = expand(&spec);
        assert_eq!(cases.len(), 2 * 2 * 2 + 1);
        let c = &cases[5];
        assert_eq!(
            c.label(&spec),
            "case 6 (study 'a': battery.b.energy_capacity = \"8 MWh\", seed 5, lp)"
        );
        let o: Vec<String> = c
            .overrides(&spec)
            .unwrap()
            .iter()
            .map(Override::describe)
            .collect();
        assert_eq!(
            o,
            [
                "battery.b.energy_capacity=\"8 MWh\"",
                "scenario.seed=5",
                "dispatch.strategy=\"lp\""
            ]
        );
        assert_eq!(
            cases[8].label(&spec),
            "case 9 (study 'base': the base scenario)"
        );
        assert!(cases[8].overrides(&spec).unwrap().is_empty());
    }
}
