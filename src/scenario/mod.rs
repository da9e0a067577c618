//! Scenarios: the file as written (`file`), its checks and resolution (`resolve` over
//! `time`, `dispatch`, `location`, `weather` and one resolver per asset kind in `assets`)
//! and the immutable, fully resolved [`Scenario`] the engine runs; the files' JSON Schema
//! (`schema`) and key reference (`keys_doc`).

mod assets;
mod capacity;
pub(crate) mod dispatch;
pub mod file;
pub mod finance;
pub mod keys_doc;
mod location;
pub mod overrides;
pub(crate) mod resolve;
pub mod schema;
pub(crate) mod structure;
pub(crate) mod time;
mod tou;
pub(crate) mod values;
mod weather;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Serialize;
use sha2::Digest as _;

use crate::assets::datacenter::Datacenter;
use crate::assets::ev::EvHub;
use crate::assets::{
    Asset, Battery, CurtailableLoad, FixedLoad, FlexibleLoad, Generator, Grid, Pv,
};
use crate::diagnostic::{Location, Problem, Problems};
use crate::model::{ObjectiveSpec, SolverOptions};
use crate::solar::spa::Site;
use crate::solar::weather::Weather;
use crate::time::TimeGrid;
use overrides::{Overridden, Override};

crate::options::named_enum! {
    /// A built-in dispatch strategy.
    pub enum Strategy {
        /// No storage or flexibility used: the do-nothing baseline.
        None = "none",
        /// Greedy self-consumption rules, step by step.
        Rule = "rule",
        /// Time-of-use arbitrage rule.
        Tou = "tou",
        /// Peak-shaving rule.
        Peak = "peak",
        /// Perfect-foresight LP over the whole horizon.
        Lp = "lp",
        /// Receding-horizon LP on forecasts.
        Mpc = "mpc",
    }
}

/// How the MPC plans.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct MpcSettings {
    /// Steps planned each time.
    pub horizon: usize,
    /// Steps committed between plans.
    pub replan: usize,
    pub forecaster: crate::forecast::Forecaster,
    /// Keep one HiGHS model alive across windows, solved by the dual simplex method without
    /// presolve from the previous window's basis; `false` gives every window a new model
    /// with the scenario's solver options.
    pub persistent: bool,
}

/// How the scenario asks to be dispatched.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DispatchSettings {
    pub strategy: Strategy,
    /// Weights of the objective's terms and whether ties are broken (by cost, then carbon).
    pub objective: ObjectiveSpec,
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
            objective: ObjectiveSpec::default(),
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
    /// Every price and money figure is in this currency.
    pub currency: crate::currency::Currency,
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
    pub generators: Vec<Generator>,
    pub datacenters: Vec<Datacenter>,
    pub ev_hubs: Vec<EvHub>,
    pub grid: Grid,
    pub dispatch: DispatchSettings,
    /// Finance for sizing, when the scenario has extendable capacities (or gives it).
    pub finance: Option<finance::Finance>,
}

/// Where each kind's assets start in [`Scenario::devices`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeviceOffsets {
    pub pv: usize,
    pub batteries: usize,
    pub loads: usize,
    pub flexible: usize,
    pub curtailable: usize,
    pub generators: usize,
}

impl Scenario {
    /// Where each kind's assets start in [`Scenario::devices`].
    pub fn offsets(&self) -> DeviceOffsets {
        let batteries = self.pv.len();
        let loads = batteries + self.batteries.len();
        let flexible = loads + self.loads.len();
        DeviceOffsets {
            pv: 0,
            batteries,
            loads,
            flexible,
            curtailable: flexible + self.flexible_loads.len(),
            generators: flexible + self.flexible_loads.len() + self.curtailable_loads.len(),
        }
    }

    /// Every primitive asset, in the one order plans, results and outputs follow: PV,
    /// batteries, fixed loads, flexible loads, curtailable loads, generators.
    pub fn devices(&self) -> Vec<&dyn Asset> {
        let mut out: Vec<&dyn Asset> = Vec::new();
        out.extend(self.pv.iter().map(|a| a as &dyn Asset));
        out.extend(self.batteries.iter().map(|a| a as &dyn Asset));
        out.extend(self.loads.iter().map(|a| a as &dyn Asset));
        out.extend(self.flexible_loads.iter().map(|a| a as &dyn Asset));
        out.extend(self.curtailable_loads.iter().map(|a| a as &dyn Asset));
        out.extend(self.generators.iter().map(|a| a as &dyn Asset));
        out
    }
}

/// An input file with its SHA-256, for the manifest.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InputFile {
    /// As given (relative to where vppsim runs); a name that is not UTF-8 is written
    /// with U+FFFD in place of its undecodable bytes.
    #[serde(serialize_with = "lossy_path")]
    pub path: PathBuf,
    pub sha256: String,
}

fn lossy_path<S: serde::Serializer>(path: &Path, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&path.to_string_lossy())
}

/// A scenario together with the files it was read from.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub scenario: Scenario,
    /// The scenario file first, then every CSV file in path order.
    pub inputs: Vec<InputFile>,
    /// Valid input that may not mean what was intended.
    pub warnings: Vec<Problem>,
    /// The overrides applied to the file (`--set`), as `path=value`.
    pub overrides: Vec<String>,
}

/// Checks and resolves scenario text as if read from `path` (CSV paths are relative to it).
pub fn from_str(path: &Path, source: &str) -> Result<Scenario, Problems> {
    resolve::resolve(path, source).map(|(scenario, _)| scenario)
}

/// Reads, checks and resolves the scenario at `path`, reporting every problem found.
pub fn load(path: &Path) -> Result<Loaded, Problems> {
    load_source(Source::read(path)?)
}

/// Checks and resolves a scenario file already read.
pub fn load_source(source: Source) -> Result<Loaded, Problems> {
    let (scenario, extras) =
        resolve::resolve(&source.path, &source.text).map_err(|p| source.locate(p))?;
    Ok(Loaded {
        scenario,
        warnings: source.locate(Problems(extras.warnings)).0,
        overrides: source.overrides().to_vec(),
        inputs: input_files(source.file, extras.csv),
    })
}

/// Largest scenario file read (bytes): far above any real one (the park year's is 3 kB).
const MAX_SCENARIO_BYTES: u64 = 16 << 20;

/// A scenario or VPP file, read once: its path, text and hash, and the overrides applied
/// to its text, if any.
#[derive(Debug, Clone)]
pub struct Source {
    pub path: PathBuf,
    /// The text to check: the file's, with the overrides in it.
    pub text: String,
    /// The file as read (its hash is of the file, without overrides).
    pub file: InputFile,
    edited: Option<Arc<Overridden>>,
}

impl Source {
    /// Reads the regular file at `path` (not a folder, FIFO or device) as UTF-8.
    pub fn read(path: &Path) -> Result<Source, Problems> {
        let problem = |code, message: String, hint: &str| {
            Problems(vec![
                Problem::new(code, message, Location::File(path.to_path_buf())).hint(hint),
            ])
        };
        let bytes = crate::series::read_regular_file(path, MAX_SCENARIO_BYTES).map_err(|e| {
            problem(
                "scenario-unreadable",
                format!("cannot read scenario file: {e}"),
                "check the path; run `vppsim validate` on the file you mean",
            )
        })?;
        let sha256 = crate::series::hex(&sha2::Sha256::digest(&bytes));
        let text = String::from_utf8(bytes).map_err(|_| {
            problem(
                "scenario-not-utf8",
                "scenario file is not valid UTF-8".into(),
                "save the file as UTF-8",
            )
        })?;
        Ok(Source {
            path: path.to_path_buf(),
            text,
            file: InputFile {
                path: path.to_path_buf(),
                sha256,
            },
            edited: None,
        })
    }

    /// The same file with `overrides` applied to its text (see [`overrides`]). A path that
    /// does not fit the file is a problem reported at its override; then the file with the
    /// other overrides is checked too, and its problems are reported with it and with
    /// `unread`, problems already found in overrides that could not be read: all at once.
    pub fn with_overrides(
        mut self,
        overrides: &[Override],
        unread: Vec<Problem>,
    ) -> Result<Source, Problems> {
        if overrides.is_empty() && unread.is_empty() {
            return Ok(self);
        }
        let (edited, path_problems) = overrides::apply(&self.path, &self.text, overrides);
        self.text = edited.text.clone();
        self.edited = Some(Arc::new(edited));
        let mut problems = unread;
        problems.extend(path_problems);
        if problems.is_empty() {
            return Ok(self);
        }
        if let Err(more) = resolve::resolve(&self.path, &self.text) {
            problems.extend(self.locate(more).0);
        }
        Err(Problems(problems))
    }

    /// `problems` found in [`Source::text`], located where they were written: in the file
    /// or in an override.
    pub fn locate(&self, problems: Problems) -> Problems {
        match &self.edited {
            Some(edited) => edited.relocate(problems),
            None => problems,
        }
    }

    /// The overrides applied, as `path=value`.
    pub fn overrides(&self) -> &[String] {
        self.edited.as_ref().map_or(&[], |e| &e.applied)
    }

    /// Whether this is a VPP file (it has a `[vpp]` table).
    pub fn is_vpp(&self) -> bool {
        self.has_table("vpp")
    }

    /// Whether the file is a sweep file (it has a `[sweep]` table).
    pub fn is_sweep(&self) -> bool {
        self.has_table("sweep")
    }

    fn has_table(&self, key: &str) -> bool {
        self.text
            .parse::<toml::Table>()
            .is_ok_and(|t| t.contains_key(key))
    }
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
