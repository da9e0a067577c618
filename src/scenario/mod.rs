//! Scenarios: the file as written (`file`), its checks and resolution (`resolve`, `park`, `weather`) and
//! the immutable, fully resolved [`Scenario`] the engine runs.

pub mod file;
mod park;
pub(crate) mod resolve;
pub(crate) mod values;
mod weather;

use std::path::{Path, PathBuf};

use serde::Serialize;
use sha2::Digest as _;

use crate::assets::datacenter::Datacenter;
use crate::assets::ev::EvHub;
use crate::assets::{Battery, CurtailableLoad, FixedLoad, FlexibleLoad, Grid, Pv, Weights};
use crate::diagnostic::{Location, Problem, Problems};
use crate::dispatch::MpcSettings;
use crate::model::SolverOptions;
use crate::solar::spa::Site;
use crate::solar::weather::Weather;
use crate::time::TimeGrid;

/// A built-in dispatch strategy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Strategy {
    /// No storage or flexibility used: the do-nothing baseline.
    None,
    /// Greedy self-consumption rules, step by step.
    Rule,
    /// Time-of-use arbitrage rule.
    Tou,
    /// Peak-shaving rule.
    Peak,
    /// Perfect-foresight LP over the whole horizon.
    Lp,
    /// Receding-horizon LP on forecasts.
    Mpc,
}

impl Strategy {
    pub const NAMES: &'static str = "none, rule, tou, peak, lp, mpc";

    pub fn parse(name: &str) -> Option<Strategy> {
        match name {
            "none" => Some(Strategy::None),
            "rule" => Some(Strategy::Rule),
            "tou" => Some(Strategy::Tou),
            "peak" => Some(Strategy::Peak),
            "lp" => Some(Strategy::Lp),
            "mpc" => Some(Strategy::Mpc),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Strategy::None => "none",
            Strategy::Rule => "rule",
            Strategy::Tou => "tou",
            Strategy::Peak => "peak",
            Strategy::Lp => "lp",
            Strategy::Mpc => "mpc",
        }
    }
}

/// How the scenario asks to be dispatched.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DispatchSettings {
    pub strategy: Strategy,
    pub weights: Weights,
    pub solver: SolverOptions,
    /// Value of lost load (CNY/MWh), when load may go unserved.
    pub unserved_cny_per_mwh: Option<f64>,
    pub mpc: MpcSettings,
    /// Threshold of the peak-shaving rule (MW); default: 90th percentile of net load.
    pub peak_threshold_mw: Option<f64>,
}

impl DispatchSettings {
    /// What a scenario without a `[dispatch]` section gets: perfect-foresight LP minimising
    /// import alone, HiGHS defaults, no lost load allowed, MPC planning and re-planning daily
    /// on perfect forecasts, peak shaving at the default threshold.
    pub fn defaults(time: &TimeGrid) -> DispatchSettings {
        let day = ((86_400 / time.step_seconds).max(1) as usize).min(time.len);
        DispatchSettings {
            strategy: Strategy::Lp,
            weights: Weights {
                import: 1.0,
                cost: 0.0,
                carbon: 0.0,
            },
            solver: SolverOptions::default(),
            unserved_cny_per_mwh: None,
            mpc: MpcSettings {
                horizon: day,
                replan: day,
                forecaster: crate::forecast::Forecaster::Perfect,
                persistent: true,
            },
            peak_threshold_mw: None,
        }
    }
}

/// A resolved scenario: names checked, series loaded onto one time grid, units applied.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Scenario {
    pub name: String,
    pub description: String,
    pub seed: u64,
    pub time: TimeGrid,
    /// Location, when solar models are used.
    pub site: Option<Site>,
    /// Weather per step, when given or generated.
    pub weather: Option<Weather>,
    pub pv: Vec<Pv>,
    pub batteries: Vec<Battery>,
    pub loads: Vec<FixedLoad>,
    /// Fixed loads include each data centre's general facility load and each uncontrolled
    /// EV hub; flexible loads include each AI job and each managed charger.
    pub flexible_loads: Vec<FlexibleLoad>,
    /// Loads that may be curtailed at a price: each data centre's power capping.
    pub curtailable_loads: Vec<CurtailableLoad>,
    pub datacenters: Vec<Datacenter>,
    pub ev_hubs: Vec<EvHub>,
    pub grid: Grid,
    pub dispatch: DispatchSettings,
}

/// An input file with its SHA-256, for the manifest.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InputFile {
    pub path: PathBuf,
    pub sha256: String,
}

/// A scenario together with the files it was read from.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub scenario: Scenario,
    /// The scenario file first, then every CSV file in path order.
    pub inputs: Vec<InputFile>,
}

/// Checks and resolves scenario text as if read from `path` (CSV paths are relative to it).
pub fn from_str(path: &Path, source: &str) -> Result<Scenario, Problems> {
    resolve::resolve(path, source).map(|(scenario, _)| scenario)
}

/// Reads, checks and resolves the scenario at `path`, reporting every problem found.
pub fn load(path: &Path) -> Result<Loaded, Problems> {
    let (source, scenario_file) = read_source(path)?;
    let (scenario, csv_files) = resolve::resolve(path, &source)?;
    Ok(Loaded {
        scenario,
        inputs: input_files(scenario_file, csv_files),
    })
}

/// The text of the scenario file at `path`, with the file's hash for the manifest.
pub(crate) fn read_source(path: &Path) -> Result<(String, InputFile), Problems> {
    let bytes = std::fs::read(path).map_err(|e| {
        Problems(vec![
            Problem::new(
                "scenario-unreadable",
                format!("cannot read scenario file: {e}"),
                Location::File(path.to_path_buf()),
            )
            .hint("check the path; run `vppsim validate` on the file you mean"),
        ])
    })?;
    let sha256 = crate::series::hex(&sha2::Sha256::digest(&bytes));
    let source = String::from_utf8(bytes).map_err(|_| {
        Problems(vec![
            Problem::new(
                "scenario-not-utf8",
                "scenario file is not valid UTF-8",
                Location::File(path.to_path_buf()),
            )
            .hint("save the file as UTF-8"),
        ])
    })?;
    let file = InputFile {
        path: path.to_path_buf(),
        sha256,
    };
    Ok((source, file))
}

/// The scenario file first, then every CSV file read, in path order.
pub(crate) fn input_files(
    scenario_file: InputFile,
    csv_files: Vec<(PathBuf, String)>,
) -> Vec<InputFile> {
    let mut inputs = vec![scenario_file];
    inputs.extend(
        csv_files
            .into_iter()
            .map(|(path, sha256)| InputFile { path, sha256 }),
    );
    inputs
}
