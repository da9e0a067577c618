//! # vppsim: a discrete-time simulator and LP dispatcher for microgrids and VPPs
//!
//! ```text
//! scenario TOML ─▶ scenario::file (serde mirror, spans) ─▶ scenario::resolve (checks, CSV
//! series on one TimeGrid, units, weather, one resolver per asset kind in scenario::assets)
//! ─▶ Scenario (immutable) ─▶ sim::simulate:
//!     for each window: Dispatcher::plan (lp, mpc on forecasts, rules) ─▶ commit (asset
//!     physics) ─▶ invariants
//! ─▶ Results (columns) ─▶ Kpis ─▶ output::write_results (CSV, JSON, charts and reports
//!    from report::, all atomic)
//!
//! VPP file ─▶ vpp::scenario (each [[site]] resolved as above, events, compute shifting)
//! ─▶ vpp::run: baseline ─▶ vpp::central (joint LP) or vpp::admm (tokio agents)
//!    ─▶ one plan per site ─▶ sim::simulate per site ─▶ vpp::output (sites/, aggregate)
//! ```
//!
//! Units: powers in MW, energies in MWh, prices in CNY/MWh, carbon in kg/MWh inside the
//! engine (see [`units`] for the sign convention). Every LP column and row has a name such
//! as `battery1.soc_balance[17]` (see [`model`]).

#![deny(unsafe_code)]

pub mod assets;
pub mod currency;
pub mod diagnostic;
pub mod dispatch;
pub mod finance;
pub mod forecast;
pub mod model;
mod options;
pub mod output;
pub mod report;
pub mod results;
pub mod rng;
pub mod scenario;
pub mod series;
pub mod sim;
pub mod sizing;
pub mod solar;
pub mod spelling;
pub mod sweep;
pub mod time;
pub mod units;
pub mod vpp;

pub use dispatch::{Dispatcher, Plan};
pub use results::{Kpis, Results};
pub use scenario::{Scenario, Strategy, load};
pub use sim::simulate;
