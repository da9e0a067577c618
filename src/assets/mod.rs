//! Asset kinds, and the one contract every primitive kind implements ([`Asset`]): its series,
//! its LP columns, rows and objective terms for a window, how each series enters the site
//! bus, its physics when a plan is committed, its checks, and what it adds to the KPIs. The
//! engine (LP assembly, plans, commit, invariants, outputs) is written once against this
//! contract; composite assets (a data centre, an EV hub) lower into primitives when the
//! scenario is resolved, so the engine never learns about them. The grid connection closes
//! the site bus and is not an [`Asset`].

pub mod battery;
pub mod capacity;
pub mod curtailable;
pub mod datacenter;
pub mod ev;
pub mod flexible;
pub mod generator;
pub mod grid;
pub mod load;
pub mod pv;

pub use crate::model::Weights;
pub use battery::Battery;
pub use curtailable::CurtailableLoad;
pub use flexible::{EnergyWindow, FlexibleLoad};
pub use generator::Generator;
pub use grid::Grid;
pub use load::FixedLoad;
pub use pv::Pv;

use serde::Serialize;

use crate::model::{LpBuilder, VarBlock};
use crate::time::TimeGrid;

/// The part a series plays on the site, for the site's totals and the charts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Power produced on site from the sun (PV output).
    Supply,
    /// Power produced on site from fuel (a dispatchable generator).
    Generation,
    /// Supply available but not taken (PV curtailment).
    Curtailment,
    /// Power into storage.
    Charge,
    /// Power out of storage.
    Discharge,
    /// Energy in storage (MWh, at the end of the step).
    Stored,
    /// Power drawn by a load (with its overheads on the bus, e.g. the PUE).
    Load,
    /// Load given up (a data centre's capping), at the load's own level.
    Curtailed,
}

/// One series an asset has in plans and results.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Series {
    /// Its name after the asset's: `<asset>.<name>`.
    pub name: &'static str,
    /// `MW` or `MWh`.
    pub unit: &'static str,
    pub role: Role,
    /// Set by the plan (a set-point or a planned state), rather than derived at commit
    /// (like PV curtailment): the commit of a plan made on the truth must equal it.
    pub planned: bool,
}

/// What an asset is asked to plan: a window of steps and its state when the window starts.
#[derive(Debug, Clone, Copy)]
pub struct Window<'a> {
    /// First global step and number of steps.
    pub start: usize,
    pub len: usize,
    /// Step length (h).
    pub dt: f64,
    /// The asset's state when the window starts (see [`Asset::initial_state`]).
    pub state: f64,
    /// The asset's uncertain input over the window as planned on (the truth, or a forecast).
    pub input: Option<&'a [f64]>,
    /// End-of-horizon requirements apply at the window's end.
    pub terminal: bool,
    /// Requirements may fall short at this penalty per MWh (to explain infeasibility).
    pub shortfall: Option<f64>,
    /// Local steps at which the site is paid to draw power (see the battery).
    pub paid_to_draw: &'a [usize],
}

/// A run of local steps of a planned series: read from LP columns, or fixed values.
#[derive(Debug, Clone, PartialEq)]
pub enum Segment {
    Columns { offset: usize, block: VarBlock },
    Fixed { offset: usize, values: Vec<f64> },
}

/// Where an asset's series come from in a window's LP.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Columns {
    /// Per series, its segments (steps not covered are zero).
    pub series: Vec<Vec<Segment>>,
    /// Elastic slack columns (when softened), each with an index the asset understands
    /// (e.g. its window).
    pub slacks: Vec<(usize, VarBlock)>,
    /// Columns of its extendable capacities, in the order of [`Asset::extensions`] (sizing).
    pub capacities: capacity::CapacityColumns,
}

impl Columns {
    /// One block of columns per series, covering the whole window.
    pub fn whole(blocks: &[VarBlock]) -> Columns {
        Columns {
            series: blocks
                .iter()
                .map(|&block| vec![Segment::Columns { offset: 0, block }])
                .collect(),
            slacks: Vec::new(),
            capacities: Vec::new(),
        }
    }
}

/// A figure to sum over the site's assets (keyed, so assets of one kind add up).
#[derive(Debug, Clone, PartialEq)]
pub enum Total {
    PvAvailableMwh,
    PvGenerationMwh,
    /// DC nameplate and output of PV modelled from physics (for the specific yield).
    PvModelledDcMw,
    PvModelledGenerationMwh,
    BatteryCapacityMwh,
    BatteryDischargedMwh,
    BatteryWearCny,
    /// Price × energy of load given up.
    CurtailmentCostCny,
    /// Energy delivered and required of a flexible load or of its group.
    FlexibleDeliveredMwh(String),
    FlexibleRequiredMwh(String),
}

/// One figure an asset reports of its own.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Figure {
    pub label: &'static str,
    pub value: f64,
    pub unit: &'static str,
}

/// What an asset adds to the run's KPIs, from its committed series.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Contribution {
    /// Cost counted in the total cost (CNY) beyond the keyed totals that are costs
    /// themselves (battery wear, curtailment): e.g. a generator's fuel.
    pub cost_cny: f64,
    /// CO2 it emits (kg).
    pub co2_kg: f64,
    /// CO2 it emits in each step (kg), summing to `co2_kg`; empty when it emits none.
    pub co2_kg_steps: Vec<f64>,
    /// Energy it supplies that the objective's import term counts as drawn (MWh): not
    /// grid import, but not local renewable energy either (a generator's fuel).
    pub drawn_mwh: f64,
    pub totals: Vec<(Total, f64)>,
    /// Figures of its own, listed under its name.
    pub figures: Vec<Figure>,
}

/// What committing or checking a step finds: `Err` says what cannot be, in the planner's terms.
pub type Verdict = Result<(), String>;

/// The step being committed or checked: its global index on the time grid.
#[derive(Debug, Clone, Copy)]
pub struct At<'a> {
    pub t: usize,
    pub time: &'a TimeGrid,
}

impl At<'_> {
    /// Step length (h).
    pub fn dt(&self) -> f64 {
        self.time.dt_hours()
    }
}

/// The contract of a primitive asset kind (see the module documentation).
pub trait Asset {
    fn name(&self) -> &str;

    /// A short kind label (`"battery"`) and its main parameters, for reports.
    fn describe(&self, time: &TimeGrid) -> (&'static str, String);

    /// Its line in a report's list of assets, if it stands on its own there: by default
    /// [`Asset::describe`]; the many parts composite assets lower into are described with
    /// their owner instead.
    fn summary(&self, time: &TimeGrid) -> Option<(&'static str, String)> {
        Some(self.describe(time))
    }

    /// Its series, in the order of plans and results.
    fn series(&self) -> &'static [Series];

    /// The output column of series `i`; the series of a group's members (an EV hub's
    /// chargers) share one and are summed.
    fn column(&self, i: usize) -> String {
        format!("{}.{}", self.name(), self.series()[i].name)
    }

    /// Its state before the first step: stored energy, energy owed, … (0 if it has none).
    fn initial_state(&self) -> f64 {
        0.0
    }

    /// The uncertain input a forecaster predicts for it (PV availability, a fixed load).
    fn input(&self) -> Option<&[f64]> {
        None
    }

    /// Most power it can put into the bus at step `t` (MW), for the cheap proof that a
    /// step's load cannot be met (see `sim::presolve`).
    fn most_supply(&self, _t: usize) -> f64 {
        0.0
    }

    /// Columns and rows of its LP over `len` steps, for the memory estimate: by default one
    /// column per planned series and step, no rows.
    fn lp_size(&self, len: usize) -> (usize, usize) {
        (len * self.series().iter().filter(|s| s.planned).count(), 0)
    }

    /// For the rule strategies, which plan one step at a time: covers up to `deficit_mw`
    /// (≥ 0) of the bus at step `t` (of `dt` hours) from its `state`, within its limits,
    /// writing its planned series into `planned` (one value each), and returns the MW it
    /// puts into the bus. Only dispatchable sources (a generator) do; by default an asset
    /// covers nothing.
    fn cover(
        &self,
        _t: usize,
        _dt: f64,
        _state: f64,
        _deficit_mw: f64,
        _planned: &mut [Vec<f64>],
    ) -> f64 {
        0.0
    }

    /// MW into the site bus per unit of series `i` at step `t` (negative: out of the bus).
    fn bus_coefficient(&self, i: usize, t: usize) -> f64;

    /// Its extendable capacities (sizing), in the order their columns come in
    /// [`Columns::capacities`]; none by default.
    fn extensions(&self) -> Vec<&capacity::Extension> {
        Vec::new()
    }

    /// Adds its columns, rows and objective terms for the window (with a column per
    /// extendable capacity, see [`capacity`]); the engine injects the series into the bus
    /// with [`Asset::bus_coefficient`].
    fn add_to_lp(&self, lp: &mut LpBuilder, w: &Window) -> Columns;

    /// Commits the step `at`: the realised value of every series from the planned ones,
    /// within its physics, advancing `state`. An error says what cannot be (e.g. a window
    /// closing short of its energy).
    fn realise(&self, at: At, planned: &[f64], state: &mut f64, out: &mut [f64]) -> Verdict;

    /// Checks the committed step `at` (`values` per series; its state before and after).
    fn check(&self, _at: At, _values: &[f64], _before: f64, _after: f64) -> Verdict {
        Ok(())
    }

    /// Checks the state at the end of the horizon.
    fn check_end(&self, _state: f64) -> Verdict {
        Ok(())
    }

    /// Reduces its supply in `values` (committed step `t`) by up to `excess` MW, when the
    /// export limit cannot carry the surplus; returns the MW shed.
    fn shed(&self, _t: usize, _values: &mut [f64], _excess: f64) -> f64 {
        0.0
    }

    /// Why its slack columns were needed, from their values (explaining infeasibility).
    fn explain(&self, _slacks: &[(usize, f64)], _time: &TimeGrid) -> Vec<String> {
        Vec::new()
    }

    /// What it adds to the KPIs, from its committed `values` (per series, per step).
    fn contribution(&self, values: &[Vec<f64>], dt: f64) -> Contribution;
}

/// MWh of a power series with steps of `dt` hours.
pub(crate) fn energy(power: &[f64], dt: f64) -> f64 {
    power.iter().sum::<f64>() * dt
}

/// Whether `v` lies in `[lo, hi]` within the invariants' tolerance.
pub(crate) fn within(v: f64, lo: f64, hi: f64) -> bool {
    const TOLERANCE: f64 = 1e-6;
    v >= lo - TOLERANCE && v <= hi + TOLERANCE
}
