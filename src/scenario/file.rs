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
    pub site: Option<Spanned<SiteTable>>,
    pub weather: Option<Spanned<WeatherTable>>,
    #[serde(default)]
    pub pv: Vec<PvTable>,
    #[serde(default)]
    pub battery: Vec<BatteryTable>,
    #[serde(default)]
    pub load: Vec<LoadTable>,
    #[serde(default)]
    pub flexible_load: Vec<FlexibleLoadTable>,
    #[serde(default)]
    pub datacenter: Vec<DatacenterTable>,
    #[serde(default)]
    pub ev_hub: Vec<EvHubTable>,
    #[serde(default)]
    pub generator: Vec<GeneratorTable>,
    pub grid: GridTable,
    #[serde(default)]
    pub dispatch: Option<Spanned<DispatchTable>>,
    /// Needed when a capacity is extendable (sizing).
    pub finance: Option<Spanned<FinanceTable>>,
}

/// Finance for sizing: discount rate, analysis period, escalation, tax.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FinanceTable {
    /// The scenario's currency again, if given: it must equal `[scenario] currency`.
    pub currency: Option<Spanned<String>>,
    /// Real discount rate per year, a fraction (e.g. 0.06).
    pub discount_rate: Raw,
    /// Years of cash flows, e.g. `"20 years"`.
    pub analysis_period: Raw,
    /// Yearly escalation of energy prices, a fraction (default 0).
    pub escalation: Option<Raw>,
    /// Tax rate on net savings, a fraction (default 0: no tax).
    pub tax_rate: Option<Raw>,
}

/// The tables that describe one site's assets and grid connection: those of a single-site
/// scenario, or of one `[[site]]` of a VPP file.
pub struct SiteTables<'a> {
    pub location: Option<&'a Spanned<SiteTable>>,
    pub weather: Option<&'a Spanned<WeatherTable>>,
    pub pv: &'a [PvTable],
    pub battery: &'a [BatteryTable],
    pub load: &'a [LoadTable],
    pub flexible_load: &'a [FlexibleLoadTable],
    pub datacenter: &'a [DatacenterTable],
    pub ev_hub: &'a [EvHubTable],
    pub generator: &'a [GeneratorTable],
    pub grid: &'a GridTable,
}

impl ScenarioFile {
    pub fn site_tables(&self) -> SiteTables<'_> {
        SiteTables {
            location: self.site.as_ref(),
            weather: self.weather.as_ref(),
            pv: &self.pv,
            battery: &self.battery,
            load: &self.load,
            flexible_load: &self.flexible_load,
            datacenter: &self.datacenter,
            ev_hub: &self.ev_hub,
            generator: &self.generator,
            grid: &self.grid,
        }
    }
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
    /// Currency of every price, an active ISO 4217 code (default `"CNY"`).
    pub currency: Option<Spanned<String>>,
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
    /// IANA time zone whose clock, daylight saving included, is the local clock, e.g.
    /// `"Europe/Berlin"`; without it, the fixed offset of `start`.
    pub timezone: Option<Spanned<String>>,
}

/// Where the site is: needed by the solar models.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteTable {
    /// Degrees north (plain number).
    pub latitude: Raw,
    /// Degrees east (plain number).
    pub longitude: Raw,
    /// Above sea level, with unit.
    pub elevation: Raw,
}

/// Weather for the solar and cooling models: a CSV file, an EPW file or a seeded synthetic
/// year (exactly one).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WeatherTable {
    pub file: Option<Spanned<WeatherFileTable>>,
    pub epw: Option<Spanned<EpwWeatherTable>>,
    pub synthetic: Option<Spanned<SyntheticWeatherTable>>,
}

/// An EnergyPlus weather file (hourly typical year; see `solar::epw`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EpwWeatherTable {
    /// Path of the `.epw` file, relative to the scenario.
    pub file: Spanned<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WeatherFileTable {
    pub file: Spanned<String>,
    pub time_column: Option<String>,
    /// Column of global horizontal irradiance (W/m²).
    pub ghi: String,
    /// Columns of direct normal and diffuse horizontal irradiance (W/m²); both or neither.
    pub dni: Option<String>,
    pub dhi: Option<String>,
    /// Column of air temperature (°C).
    pub temperature: String,
    /// Column of wind speed (m/s).
    pub wind: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SyntheticWeatherTable {
    /// Monthly climate statistics CSV (see data/solar/xining_climate.csv).
    pub climate: Spanned<String>,
    /// Observed annual statistics CSV whose `ghi_sd_detrended_kwh_m2` sets the year-to-year
    /// spread (see data/solar/xining_52866_annual_stats.csv); without it, only the daily
    /// weather varies from year to year.
    pub annual: Option<Spanned<String>>,
    /// Where the climate's statistics were observed (default: Xining station 52866, where
    /// data/solar/xining_climate.csv comes from); a site far from it is warned of.
    pub station: Option<Spanned<StationTable>>,
}

/// A weather station: a name for messages and its place.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StationTable {
    pub name: String,
    /// Degrees north and east (plain numbers), elevation with unit.
    pub latitude: Raw,
    pub longitude: Raw,
    pub elevation: Raw,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PvTable {
    pub name: Spanned<String>,
    /// Nameplate AC power.
    pub capacity: Raw,
    /// Available power: a series in per-unit of capacity (`unit = "pu"`) or in power.
    pub availability: Option<Raw>,
    /// Or: available power from the solar models, the site and the weather.
    pub model: Option<Spanned<PvModelTable>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PvModelTable {
    /// DC nameplate at standard test conditions.
    pub dc_capacity: Raw,
    /// Degrees from horizontal (fixed racks).
    pub tilt: Option<Raw>,
    /// Degrees eastward from north, 180 = south (fixed racks).
    pub azimuth: Option<Raw>,
    /// Or: single-axis trackers.
    pub tracking: Option<Spanned<TrackingTable>>,
    pub albedo: Option<Raw>,
    /// `"perez"` (default), `"hay-davies"` or `"isotropic"`.
    pub transposition: Option<Spanned<String>>,
    /// `"faiman"` (default) or `"sapm"`.
    pub cell_temperature: Option<Spanned<String>>,
    /// Power temperature coefficient per kelvin (default −0.0035).
    pub temperature_coefficient: Option<Raw>,
    /// Lumped DC losses as a fraction (default 0.14).
    pub losses: Option<Raw>,
    pub inverter_efficiency: Option<Raw>,
    /// ASHRAE incidence-angle coefficient (default 0.05).
    pub iam_b0: Option<Raw>,
}

/// Single-axis trackers (degrees).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrackingTable {
    /// Azimuth the rotation axis points to, eastward from north (default 180: north–south).
    pub axis_azimuth: Option<Raw>,
    /// Tilt of the axis from horizontal (default 0).
    pub axis_tilt: Option<Raw>,
    /// Largest rotation from flat either way (default 60).
    pub max_angle: Option<Raw>,
    /// Ground coverage ratio; given, the trackers backtrack to avoid row shading.
    pub gcr: Option<Raw>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BatteryTable {
    pub name: Spanned<String>,
    /// A quantity, or an extendable capacity table (see `scenario::capacity`).
    pub energy_capacity: Raw,
    /// Required unless `power` or `duration` gives the rating.
    pub charge_power: Option<Raw>,
    pub discharge_power: Option<Raw>,
    /// Charge and discharge rating alike: a quantity or an extendable capacity table.
    pub power: Option<Raw>,
    /// Or the rating follows the energy capacity: `power = energy / duration`, e.g. `"2h"`.
    pub duration: Option<Spanned<String>>,
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

/// A dispatchable generator (diesel or gas genset).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GeneratorTable {
    pub name: Spanned<String>,
    /// Most output, e.g. `"2 MW"`.
    pub capacity: Raw,
    /// Must-run output in every step (default: none, it may stop).
    pub min_power: Option<Raw>,
    /// Fuel cost per energy produced, e.g. `"1.6 CNY/kWh"`.
    pub fuel_cost: Raw,
    /// CO2 per energy produced, e.g. `"750 g/kWh"`.
    pub carbon_intensity: Raw,
    /// Largest change of output within an hour, e.g. `"1 MW"` (default: unlimited).
    pub ramp_per_hour: Option<Raw>,
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
pub struct DatacenterTable {
    pub name: Spanned<String>,
    pub it_capacity: Raw,
    /// General IT load: a series in per unit of it_capacity (`unit = "pu"`) or in power.
    pub it_load: Raw,
    pub cooling: Option<Spanned<CoolingTable>>,
    /// Deferrable AI-training jobs, listed one by one.
    #[serde(default)]
    pub job: Vec<JobTable>,
    /// Or generated with the scenario's seed.
    pub ai_jobs: Option<Spanned<JobGeneratorTable>>,
    /// A share of the general IT load that may be capped, at a price.
    pub power_capping: Option<Spanned<PowerCappingTable>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PowerCappingTable {
    /// Fraction of the general IT power that may be capped in any step.
    pub share: Raw,
    /// Price of a capped IT MWh (the compute lost), e.g. "1 CNY/kWh".
    pub cost: Raw,
}

/// PUE as a piecewise-linear function of the outdoor temperature.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CoolingTable {
    pub pue_min: Raw,
    pub pue_max: Raw,
    pub free_cooling_below: Raw,
    pub mechanical_above: Raw,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JobTable {
    pub name: Spanned<String>,
    /// RFC 3339 times; the job may run in `[release, deadline)`.
    pub release: Spanned<String>,
    pub deadline: Spanned<String>,
    /// IT energy the job needs.
    pub energy: Raw,
    pub max_power: Raw,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JobGeneratorTable {
    /// Mean number of jobs released per week (plain number).
    pub per_week: Raw,
    pub energy_min: Raw,
    pub energy_max: Raw,
    pub max_power: Raw,
    /// Time allowed as a multiple of the shortest run time `energy / max_power` (≥ 1).
    pub slack: Raw,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EvHubTable {
    pub name: Spanned<String>,
    /// Managed charging (the dispatcher schedules each session; default) or uncontrolled
    /// (full power from arrival).
    pub managed: Option<bool>,
    /// Sessions from a CSV file with columns `arrival`, `departure` (RFC 3339 with offset),
    /// `energy_kwh` and `max_kw`.
    pub sessions: Option<Spanned<SessionsFileTable>>,
    /// Or generated with the scenario's seed.
    pub generate: Option<Spanned<SessionGeneratorTable>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SessionsFileTable {
    pub file: Spanned<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SessionGeneratorTable {
    /// Mean sessions per weekday and per weekend day (plain numbers).
    pub weekday_sessions: Raw,
    pub weekend_sessions: Raw,
    pub chargers: Vec<ChargerTable>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChargerTable {
    pub power: Raw,
    /// Number of chargers of this class (plain number).
    pub count: Raw,
    /// Mean energy per session and mean dwell time.
    pub energy_mean: Raw,
    pub dwell_mean: Spanned<String>,
    /// Share of arrivals choosing this class (plain number; shares are normalised).
    pub share: Raw,
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
    /// Monthly charge on the month's peak import, e.g. `"40 CNY/kW"`.
    pub demand_charge: Option<Raw>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DispatchTable {
    /// `"lp"` or `"rule"`; the command line's `--strategy` overrides it.
    pub strategy: Option<Spanned<String>>,
    pub objective: Option<ObjectiveTable>,
    pub solver: Option<SolverTable>,
    /// Value of lost load, e.g. `"20 CNY/kWh"`: load may go unserved at this price
    /// (opt-in; without it, a scenario that cannot serve its load is infeasible).
    pub unserved_energy: Option<Raw>,
    pub mpc: Option<Spanned<MpcTable>>,
    /// Import threshold of the `peak` rule, e.g. `"3 MW"`.
    pub peak_threshold: Option<Raw>,
}

/// Receding-horizon settings for `strategy = "mpc"`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MpcTable {
    /// Planning horizon and re-planning interval, e.g. `"1d"`, `"15min"` (default 1 day each).
    pub horizon: Option<Spanned<String>>,
    pub replan: Option<Spanned<String>>,
    /// `"perfect"` (default), `"persistence"`, `"seasonal-naive"` (same time yesterday) or
    /// `"noisy"` (truth + AR(1) error with `noise_sigma` and `noise_autocorrelation`).
    pub forecast: Option<Spanned<String>>,
    pub noise_sigma: Option<Raw>,
    pub noise_autocorrelation: Option<Raw>,
    /// Keep one HiGHS model alive across windows where possible (default true).
    pub persistent: Option<bool>,
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
    /// Break ties in the weighted objective by cost, then carbon (default true).
    pub tie_break: Option<bool>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SolverTable {
    /// HiGHS algorithm: `"ipm"` (default), `"simplex"` or `"choose"`.
    pub method: Option<Spanned<String>>,
    /// HiGHS presolve: `"off"` (default), `"on"` or `"light"` (only the cheap reductions).
    pub presolve: Option<Spanned<String>>,
    /// Wall-clock limit per solve, in seconds.
    pub time_limit_seconds: Option<Raw>,
    /// Parallel dual simplex on all cores (simplex method only; default false).
    pub parallel: Option<Spanned<bool>>,
    /// Scale of the dual simplex's cost perturbation (default 1).
    pub cost_perturbation: Option<Raw>,
}
