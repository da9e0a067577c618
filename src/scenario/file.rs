//! The scenario file as written (format v1): a serde mirror of the TOML, unknown keys
//! rejected, every value kept with its byte span so checks can point at it.
//!
//! Quantities are kept as raw TOML values ([`Raw`]) so that `resolve` can say precisely what
//! is wrong with each one (bare number, wrong unit, NaN) instead of a generic type error.

use serde::Deserialize;
use toml::Spanned;

/// A raw TOML value with its span; interpreted by `resolve`.
pub type Raw = Spanned<toml::Value>;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioFile {
    pub scenario: ScenarioSection,
    pub time: TimeSection,
    #[serde(default)]
    pub pv: Vec<PvTable>,
    #[serde(default)]
    pub battery: Vec<BatteryTable>,
    #[serde(default)]
    pub load: Vec<LoadTable>,
    #[serde(default)]
    pub flexible_load: Vec<FlexibleLoadTable>,
    pub grid: GridTable,
    #[serde(default)]
    pub dispatch: Option<Spanned<DispatchTable>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioSection {
    pub name: Spanned<String>,
    #[serde(default)]
    pub description: String,
    /// Seed of every random draw in the run (default 0).
    #[serde(default)]
    pub seed: u64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TimeSection {
    /// RFC 3339 with UTC offset, e.g. `2025-01-01T00:00:00+08:00`.
    pub start: Spanned<String>,
    /// Step length, e.g. `"15min"`.
    pub step: Spanned<String>,
    /// Horizon, e.g. `"7d"`; a whole number of steps.
    pub duration: Spanned<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PvTable {
    pub name: Spanned<String>,
    /// Nameplate AC power.
    pub capacity: Raw,
    /// Available power: a series in per-unit of capacity (`unit = "pu"`) or in power.
    pub availability: Raw,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BatteryTable {
    pub name: Spanned<String>,
    pub energy_capacity: Raw,
    pub charge_power: Raw,
    pub discharge_power: Raw,
    pub charge_efficiency: Raw,
    pub discharge_efficiency: Raw,
    pub soc_min: Raw,
    pub soc_max: Raw,
    pub soc_initial: Raw,
    /// Minimum state of charge at the end of the horizon (default: `soc_initial`).
    pub soc_final: Option<Raw>,
    /// Cost per MWh charged plus per MWh discharged (wear), e.g. `"0.1 CNY/kWh"`.
    pub throughput_cost: Option<Raw>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoadTable {
    pub name: Spanned<String>,
    pub power: Raw,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FlexibleLoadTable {
    pub name: Spanned<String>,
    /// Maximum power: a constant or a series.
    pub max_power: Raw,
    /// Energy that must be delivered within each window.
    pub energy: Raw,
    /// Window length, aligned to local midnight of the first day (default `"1d"`).
    pub window: Option<Spanned<String>>,
    /// Daily local hours in which the load may run, e.g. `["08:00", "18:00"]` (default: all day).
    pub hours: Option<Spanned<Vec<String>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GridTable {
    pub import_limit: Raw,
    pub export_limit: Raw,
    /// A constant, a series, or `{ time_of_use = [...] }`.
    pub import_price: Raw,
    pub export_price: Option<Raw>,
    pub carbon_intensity: Option<Raw>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DispatchTable {
    /// `"lp"` or `"rule"`; the command line's `--strategy` overrides it.
    pub strategy: Option<Spanned<String>>,
    pub objective: Option<ObjectiveTable>,
    pub solver: Option<SolverTable>,
}

/// Objective weights, in MWh-equivalent per unit of each term.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ObjectiveTable {
    /// Per MWh of grid import (default 1).
    pub import: Option<Raw>,
    /// Per CNY of cost: import cost − export revenue + battery throughput cost (default 0).
    pub cost: Option<Raw>,
    /// Per kg of CO2 from imports (default 0).
    pub carbon: Option<Raw>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SolverTable {
    /// HiGHS algorithm: `"ipm"` (default), `"simplex"` or `"choose"`.
    pub method: Option<Spanned<String>>,
    /// HiGHS presolve: `"off"` (default) or `"on"`.
    pub presolve: Option<Spanned<String>>,
    /// Wall-clock limit per solve, in seconds.
    pub time_limit_seconds: Option<Raw>,
}
