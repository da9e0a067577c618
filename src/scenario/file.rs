//! The scenario file as written (format v1): a serde mirror of the TOML, unknown keys
//! rejected, every value kept with its byte span so checks can point at it.
//!
//! Quantities are kept as raw TOML values ([`Raw`]) so that `resolve` can say precisely what
//! is wrong with each one (bare number, wrong unit, NaN) instead of a generic type error.

use schemars::JsonSchema;
use serde::Deserialize;
use toml::Spanned;

use super::schema::{Capacity, Quantity};

/// A raw TOML value with its span; interpreted by `resolve`.
pub type Raw = Spanned<toml::Value>;

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScenarioFile {
    /// Name, description, seed and currency.
    pub scenario: ScenarioSection,
    /// The time grid: start, step and duration, and the local clock.
    pub time: TimeSection,
    /// Where the site is (needed by the solar models and weather).
    #[schemars(with = "Option<SiteTable>")]
    pub site: Option<Spanned<SiteTable>>,
    /// Weather for the PV and cooling models.
    #[schemars(with = "Option<WeatherTable>")]
    pub weather: Option<Spanned<WeatherTable>>,
    /// PV plants.
    #[serde(default)]
    pub pv: Vec<PvTable>,
    /// Batteries.
    #[serde(default)]
    pub battery: Vec<BatteryTable>,
    /// Fixed loads.
    #[serde(default)]
    pub load: Vec<LoadTable>,
    /// Loads that must receive an energy per window, at any time within it.
    #[serde(default)]
    pub flexible_load: Vec<FlexibleLoadTable>,
    /// Data centres: general IT load, cooling and deferrable AI-training jobs.
    #[serde(default)]
    pub datacenter: Vec<DatacenterTable>,
    /// EV charging hubs.
    #[serde(default)]
    pub ev_hub: Vec<EvHubTable>,
    /// Dispatchable generators (diesel or gas gensets).
    #[serde(default)]
    pub generator: Vec<GeneratorTable>,
    /// The grid connection: limits, prices, carbon intensity, demand charge.
    pub grid: GridTable,
    /// Strategy, objective weights and solver settings (default: `lp` minimising import).
    #[serde(default)]
    #[schemars(with = "Option<DispatchTable>")]
    pub dispatch: Option<Spanned<DispatchTable>>,
    /// Needed when a capacity is extendable (sizing).
    #[schemars(with = "Option<FinanceTable>")]
    pub finance: Option<Spanned<FinanceTable>>,
}

/// Finance for sizing: discount rate, analysis period, escalation, tax.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FinanceTable {
    /// The scenario's currency again, if given: it must equal `[scenario] currency`.
    #[schemars(with = "Option<String>")]
    pub currency: Option<Spanned<String>>,
    /// Real discount rate per year, a fraction (e.g. 0.06).
    #[schemars(with = "Quantity")]
    pub discount_rate: Raw,
    /// Years of cash flows, e.g. `"20 years"`.
    #[schemars(with = "Quantity")]
    pub analysis_period: Raw,
    /// Yearly escalation of energy prices, a fraction (default 0).
    #[schemars(with = "Option<Quantity>")]
    pub escalation: Option<Raw>,
    /// Tax rate on net savings, a fraction (default 0: no tax).
    #[schemars(with = "Option<Quantity>")]
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

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScenarioSection {
    /// Name of the scenario: the default results folder and the title of its outputs.
    #[schemars(with = "String")]
    pub name: Spanned<String>,
    /// One line saying what the scenario is (default: none).
    #[serde(default)]
    pub description: String,
    /// Seed of every random draw in the run (default 0).
    #[schemars(with = "u64", default, extend("default" = 0))]
    pub seed: Option<Raw>,
    /// Currency of every price, an active ISO 4217 code (default `"CNY"`).
    #[schemars(with = "Option<String>")]
    pub currency: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TimeSection {
    /// RFC 3339 with UTC offset, e.g. `2025-01-01T00:00:00+08:00`.
    #[schemars(with = "String")]
    pub start: Spanned<String>,
    /// Step length, e.g. `"15min"`.
    #[schemars(with = "String")]
    pub step: Spanned<String>,
    /// Horizon, e.g. `"7d"`; a whole number of steps.
    #[schemars(with = "String")]
    pub duration: Spanned<String>,
    /// IANA time zone whose clock, daylight saving included, is the local clock, e.g.
    /// `"Europe/Berlin"`; without it, the fixed offset of `start`.
    #[schemars(with = "Option<String>")]
    pub timezone: Option<Spanned<String>>,
}

/// Where the site is: needed by the solar models.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SiteTable {
    /// Degrees north (plain number).
    #[schemars(with = "Quantity")]
    pub latitude: Raw,
    /// Degrees east (plain number).
    #[schemars(with = "Quantity")]
    pub longitude: Raw,
    /// Above sea level, with unit.
    #[schemars(with = "Quantity")]
    pub elevation: Raw,
}

/// Weather for the solar and cooling models: a CSV file, an EPW file or a seeded synthetic
/// year (exactly one).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WeatherTable {
    /// Weather from a CSV file of your own.
    #[schemars(with = "Option<WeatherFileTable>")]
    pub file: Option<Spanned<WeatherFileTable>>,
    /// Or from an EnergyPlus weather file (`.epw`, hourly typical year).
    #[schemars(with = "Option<EpwWeatherTable>")]
    pub epw: Option<Spanned<EpwWeatherTable>>,
    /// Or a seeded synthetic year from monthly climate statistics.
    #[schemars(with = "Option<SyntheticWeatherTable>")]
    pub synthetic: Option<Spanned<SyntheticWeatherTable>>,
}

/// An EnergyPlus weather file (hourly typical year).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EpwWeatherTable {
    /// Path of the `.epw` file, relative to the scenario.
    #[schemars(with = "String")]
    pub file: Spanned<String>,
    /// Hours east of UTC of the file's rows, in place of its LOCATION line's (plain number;
    /// PVGIS writes its rows in UTC under the site's time zone: `time_zone = 0`).
    #[schemars(with = "Option<Quantity>")]
    pub time_zone: Option<Raw>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WeatherFileTable {
    /// Path of the CSV file, relative to the scenario.
    #[schemars(with = "String")]
    pub file: Spanned<String>,
    /// Column of RFC 3339 timestamps, checked against the time grid (optional).
    pub time_column: Option<String>,
    /// Column of global horizontal irradiance (W/m²).
    pub ghi: String,
    /// Column of direct normal irradiance (W/m²); `dni` and `dhi` both or neither.
    pub dni: Option<String>,
    /// Column of diffuse horizontal irradiance (W/m²).
    pub dhi: Option<String>,
    /// Column of air temperature (°C).
    pub temperature: String,
    /// Column of wind speed (m/s).
    pub wind: String,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SyntheticWeatherTable {
    /// Monthly climate statistics CSV (see data/solar/xining_climate.csv).
    #[schemars(with = "String")]
    pub climate: Spanned<String>,
    /// Observed annual statistics CSV whose `ghi_sd_detrended_kwh_m2` sets the year-to-year
    /// spread (see data/solar/xining_52866_annual_stats.csv); without it, only the daily
    /// weather varies from year to year.
    #[schemars(with = "Option<String>")]
    pub annual: Option<Spanned<String>>,
    /// Where the climate's statistics were observed (default: Xining station 52866, where
    /// data/solar/xining_climate.csv comes from); a site far from it is warned of.
    #[schemars(with = "Option<StationTable>")]
    pub station: Option<Spanned<StationTable>>,
}

/// A weather station: a name for messages and its place.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StationTable {
    /// Station name, for messages.
    pub name: String,
    /// Degrees north (plain number).
    #[schemars(with = "Quantity")]
    pub latitude: Raw,
    /// Degrees east (plain number).
    #[schemars(with = "Quantity")]
    pub longitude: Raw,
    /// Above sea level, with unit.
    #[schemars(with = "Quantity")]
    pub elevation: Raw,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PvTable {
    /// Unique name of the PV plant.
    #[schemars(with = "String")]
    pub name: Spanned<String>,
    /// Nameplate AC power, or an extendable capacity (sizing).
    #[schemars(with = "Capacity")]
    pub capacity: Raw,
    /// Available power: a series in per-unit of capacity (`unit = "pu"`) or in power.
    #[schemars(with = "Option<Quantity>")]
    pub availability: Option<Raw>,
    /// Or: available power from the solar models, the site and the weather.
    #[schemars(with = "Option<PvModelTable>")]
    pub model: Option<Spanned<PvModelTable>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PvModelTable {
    /// DC nameplate at standard test conditions, or an extendable capacity (sizing).
    #[schemars(with = "Capacity")]
    pub dc_capacity: Raw,
    /// Degrees from horizontal (fixed racks).
    #[schemars(with = "Option<Quantity>")]
    pub tilt: Option<Raw>,
    /// Degrees eastward from north, 180 = south (fixed racks).
    #[schemars(with = "Option<Quantity>")]
    pub azimuth: Option<Raw>,
    /// Or: single-axis trackers.
    #[schemars(with = "Option<TrackingTable>")]
    pub tracking: Option<Spanned<TrackingTable>>,
    /// Ground reflectance, a fraction (default 0.2).
    #[schemars(with = "Option<Quantity>")]
    pub albedo: Option<Raw>,
    /// `"perez"` (default), `"hay-davies"` or `"isotropic"`.
    #[schemars(with = "Option<String>")]
    pub transposition: Option<Spanned<String>>,
    /// `"faiman"` (default) or `"sapm"`.
    #[schemars(with = "Option<String>")]
    pub cell_temperature: Option<Spanned<String>>,
    /// Power temperature coefficient per kelvin (default −0.0035).
    #[schemars(with = "Option<Quantity>")]
    pub temperature_coefficient: Option<Raw>,
    /// Lumped DC losses as a fraction (default 0.14).
    #[schemars(with = "Option<Quantity>")]
    pub losses: Option<Raw>,
    /// Inverter efficiency, a fraction (default 0.98).
    #[schemars(with = "Option<Quantity>")]
    pub inverter_efficiency: Option<Raw>,
    /// ASHRAE incidence-angle coefficient (default 0.05).
    #[schemars(with = "Option<Quantity>")]
    pub iam_b0: Option<Raw>,
}

/// Single-axis trackers (degrees).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TrackingTable {
    /// Azimuth the rotation axis points to, eastward from north (default 180: north–south).
    #[schemars(with = "Option<Quantity>")]
    pub axis_azimuth: Option<Raw>,
    /// Tilt of the axis from horizontal (default 0).
    #[schemars(with = "Option<Quantity>")]
    pub axis_tilt: Option<Raw>,
    /// Largest rotation from flat either way (default 60).
    #[schemars(with = "Option<Quantity>")]
    pub max_angle: Option<Raw>,
    /// Ground coverage ratio; given, the trackers backtrack to avoid row shading.
    #[schemars(with = "Option<Quantity>")]
    pub gcr: Option<Raw>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BatteryTable {
    /// Unique name of the battery.
    #[schemars(with = "String")]
    pub name: Spanned<String>,
    /// Energy capacity, e.g. `"8 MWh"`, or an extendable capacity (sizing).
    #[schemars(with = "Capacity")]
    pub energy_capacity: Raw,
    /// Required unless `power` or `duration` gives the rating.
    #[schemars(with = "Option<Quantity>")]
    pub charge_power: Option<Raw>,
    /// Required unless `power` or `duration` gives the rating.
    #[schemars(with = "Option<Quantity>")]
    pub discharge_power: Option<Raw>,
    /// Charge and discharge rating alike: a power, or an extendable capacity (sizing).
    #[schemars(with = "Option<Capacity>")]
    pub power: Option<Raw>,
    /// Or the rating follows the energy capacity: `power = energy / duration`, e.g. `"2h"`.
    #[schemars(with = "Option<String>")]
    pub duration: Option<Spanned<String>>,
    /// Fraction of grid-side energy stored when charging, e.g. 0.95.
    #[schemars(with = "Quantity")]
    pub charge_efficiency: Raw,
    /// Fraction of stored energy delivered when discharging, e.g. 0.95.
    #[schemars(with = "Quantity")]
    pub discharge_efficiency: Raw,
    /// Least state of charge, a fraction of the energy capacity.
    #[schemars(with = "Quantity")]
    pub soc_min: Raw,
    /// Most state of charge, a fraction of the energy capacity.
    #[schemars(with = "Quantity")]
    pub soc_max: Raw,
    /// State of charge at the start, a fraction of the energy capacity.
    #[schemars(with = "Quantity")]
    pub soc_initial: Raw,
    /// Minimum state of charge at the end of the horizon (default: `soc_initial`).
    #[schemars(with = "Option<Quantity>")]
    pub soc_final: Option<Raw>,
    /// Cost per MWh charged plus per MWh discharged (wear), e.g. `"0.1 CNY/kWh"`.
    #[schemars(with = "Option<Quantity>")]
    pub throughput_cost: Option<Raw>,
}

/// A dispatchable generator (diesel or gas genset).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GeneratorTable {
    /// Unique name of the generator.
    #[schemars(with = "String")]
    pub name: Spanned<String>,
    /// Most output, e.g. `"2 MW"`, or an extendable capacity (sizing).
    #[schemars(with = "Capacity")]
    pub capacity: Raw,
    /// Must-run output in every step (default: none, it may stop).
    #[schemars(with = "Option<Quantity>")]
    pub min_power: Option<Raw>,
    /// Fuel cost per energy produced, e.g. `"1.6 CNY/kWh"`.
    #[schemars(with = "Quantity")]
    pub fuel_cost: Raw,
    /// CO2 per energy produced, e.g. `"750 g/kWh"`.
    #[schemars(with = "Quantity")]
    pub carbon_intensity: Raw,
    /// Largest change of output within an hour, e.g. `"1 MW"` (default: unlimited).
    #[schemars(with = "Option<Quantity>")]
    pub ramp_per_hour: Option<Raw>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LoadTable {
    /// Unique name of the load.
    #[schemars(with = "String")]
    pub name: Spanned<String>,
    /// Power drawn: a constant or a series.
    #[schemars(with = "Quantity")]
    pub power: Raw,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FlexibleLoadTable {
    /// Unique name of the flexible load.
    #[schemars(with = "String")]
    pub name: Spanned<String>,
    /// Maximum power: a constant or a series.
    #[schemars(with = "Quantity")]
    pub max_power: Raw,
    /// Energy that must be delivered within each window.
    #[schemars(with = "Quantity")]
    pub energy: Raw,
    /// Window length, aligned to local midnight of the first day (default `"1d"`).
    #[schemars(with = "Option<String>")]
    pub window: Option<Spanned<String>>,
    /// Daily local hours in which the load may run, e.g. `["08:00", "18:00"]` (default: all day).
    #[schemars(with = "Option<Vec<String>>")]
    pub hours: Option<Spanned<Vec<String>>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DatacenterTable {
    /// Unique name of the data centre.
    #[schemars(with = "String")]
    pub name: Spanned<String>,
    /// IT power capacity, e.g. `"10 MW"`.
    #[schemars(with = "Quantity")]
    pub it_capacity: Raw,
    /// General IT load: a series in per unit of it_capacity (`unit = "pu"`) or in power.
    #[schemars(with = "Quantity")]
    pub it_load: Raw,
    /// PUE from the outdoor temperature (needs weather); without it PUE is 1.
    #[schemars(with = "Option<CoolingTable>")]
    pub cooling: Option<Spanned<CoolingTable>>,
    /// Deferrable AI-training jobs, listed one by one.
    #[serde(default)]
    pub job: Vec<JobTable>,
    /// Or generated with the scenario's seed.
    #[schemars(with = "Option<JobGeneratorTable>")]
    pub ai_jobs: Option<Spanned<JobGeneratorTable>>,
    /// A share of the general IT load that may be capped, at a price.
    #[schemars(with = "Option<PowerCappingTable>")]
    pub power_capping: Option<Spanned<PowerCappingTable>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PowerCappingTable {
    /// Fraction of the general IT power that may be capped in any step.
    #[schemars(with = "Quantity")]
    pub share: Raw,
    /// Price of a capped IT MWh (the compute lost), e.g. "1 CNY/kWh".
    #[schemars(with = "Quantity")]
    pub cost: Raw,
}

/// PUE as a piecewise-linear function of the outdoor temperature.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CoolingTable {
    /// PUE at or below `free_cooling_below` (plain number ≥ 1).
    #[schemars(with = "Quantity")]
    pub pue_min: Raw,
    /// PUE at or above `mechanical_above` (plain number ≥ 1).
    #[schemars(with = "Quantity")]
    pub pue_max: Raw,
    /// Outdoor temperature below which cooling is free, e.g. `"5 degC"`.
    #[schemars(with = "Quantity")]
    pub free_cooling_below: Raw,
    /// Outdoor temperature above which cooling is fully mechanical, e.g. `"25 degC"`.
    #[schemars(with = "Quantity")]
    pub mechanical_above: Raw,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct JobTable {
    /// Unique name of the job.
    #[schemars(with = "String")]
    pub name: Spanned<String>,
    /// RFC 3339 time from which the job may run.
    #[schemars(with = "String")]
    pub release: Spanned<String>,
    /// RFC 3339 time by which the job must be done: it runs in `[release, deadline)`.
    #[schemars(with = "String")]
    pub deadline: Spanned<String>,
    /// IT energy the job needs.
    #[schemars(with = "Quantity")]
    pub energy: Raw,
    /// Most IT power the job may draw.
    #[schemars(with = "Quantity")]
    pub max_power: Raw,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct JobGeneratorTable {
    /// Mean number of jobs released per week (plain number).
    #[schemars(with = "Quantity")]
    pub per_week: Raw,
    /// Least IT energy of a job (drawn uniformly up to `energy_max`).
    #[schemars(with = "Quantity")]
    pub energy_min: Raw,
    /// Most IT energy of a job.
    #[schemars(with = "Quantity")]
    pub energy_max: Raw,
    /// Most IT power a job may draw.
    #[schemars(with = "Quantity")]
    pub max_power: Raw,
    /// Time allowed as a multiple of the shortest run time `energy / max_power` (≥ 1).
    #[schemars(with = "Quantity")]
    pub slack: Raw,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EvHubTable {
    /// Unique name of the EV hub.
    #[schemars(with = "String")]
    pub name: Spanned<String>,
    /// Managed charging (the dispatcher schedules each session; default) or uncontrolled
    /// (full power from arrival).
    pub managed: Option<bool>,
    /// Sessions from a CSV file with columns `arrival`, `departure` (RFC 3339 with offset),
    /// `energy_kwh` and `max_kw`.
    #[schemars(with = "Option<SessionsFileTable>")]
    pub sessions: Option<Spanned<SessionsFileTable>>,
    /// Or generated with the scenario's seed.
    #[schemars(with = "Option<SessionGeneratorTable>")]
    pub generate: Option<Spanned<SessionGeneratorTable>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SessionsFileTable {
    /// Path of the sessions CSV, relative to the scenario.
    #[schemars(with = "String")]
    pub file: Spanned<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SessionGeneratorTable {
    /// Mean sessions per weekday (plain number).
    #[schemars(with = "Quantity")]
    pub weekday_sessions: Raw,
    /// Mean sessions per weekend day (plain number).
    #[schemars(with = "Quantity")]
    pub weekend_sessions: Raw,
    /// Charger classes; each session arrives at one class.
    pub chargers: Vec<ChargerTable>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ChargerTable {
    /// Power of one charger of this class.
    #[schemars(with = "Quantity")]
    pub power: Raw,
    /// Number of chargers of this class (plain number).
    #[schemars(with = "Quantity")]
    pub count: Raw,
    /// Mean energy per session, e.g. `"25 kWh"`.
    #[schemars(with = "Quantity")]
    pub energy_mean: Raw,
    /// Mean time a car stays, e.g. `"2h"`.
    #[schemars(with = "String")]
    pub dwell_mean: Spanned<String>,
    /// Share of arrivals choosing this class (plain number; shares are normalised).
    #[schemars(with = "Quantity")]
    pub share: Raw,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GridTable {
    /// Most import: a power, or an extendable capacity (sizing).
    #[schemars(with = "Capacity")]
    pub import_limit: Raw,
    /// Most export (`"0 MW"`: no export).
    #[schemars(with = "Quantity")]
    pub export_limit: Raw,
    /// A constant, a series, or `{ time_of_use = [...] }`.
    #[schemars(with = "Quantity")]
    pub import_price: Raw,
    /// Price paid for exports: a constant, a series or `{ time_of_use = [...] }` (default 0).
    #[schemars(with = "Option<Quantity>")]
    pub export_price: Option<Raw>,
    /// CO2 per energy imported: a constant or a series, e.g. `"600 g/kWh"` (default: CO2 not counted).
    #[schemars(with = "Option<Quantity>")]
    pub carbon_intensity: Option<Raw>,
    /// Monthly charge on the month's peak import, e.g. `"40 CNY/kW"`.
    #[schemars(with = "Option<Quantity>")]
    pub demand_charge: Option<Raw>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DispatchTable {
    /// `"none"`, `"rule"`, `"tou"`, `"peak"`, `"lp"` (default) or `"mpc"`; the command
    /// line's `--strategy` overrides it.
    #[schemars(with = "Option<String>")]
    pub strategy: Option<Spanned<String>>,
    /// Objective weights (see `ObjectiveTable`).
    pub objective: Option<ObjectiveTable>,
    /// HiGHS settings (see `SolverTable`).
    pub solver: Option<SolverTable>,
    /// Value of lost load, e.g. `"20 CNY/kWh"`: load may go unserved at this price
    /// (opt-in; without it, a scenario that cannot serve its load is infeasible).
    #[schemars(with = "Option<Quantity>")]
    pub unserved_energy: Option<Raw>,
    /// Receding-horizon settings for `strategy = "mpc"`.
    #[schemars(with = "Option<MpcTable>")]
    pub mpc: Option<Spanned<MpcTable>>,
    /// Import threshold of the `peak` rule, e.g. `"3 MW"`.
    #[schemars(with = "Option<Quantity>")]
    pub peak_threshold: Option<Raw>,
}

/// Receding-horizon settings for `strategy = "mpc"`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MpcTable {
    /// Planning horizon, e.g. `"1d"` (default 1 day).
    #[schemars(with = "Option<String>")]
    pub horizon: Option<Spanned<String>>,
    /// Re-planning interval: steps committed from each plan, e.g. `"15min"` (default 1 day).
    #[schemars(with = "Option<String>")]
    pub replan: Option<Spanned<String>>,
    /// `"perfect"` (default), `"persistence"`, `"seasonal-naive"` (same time yesterday) or
    /// `"noisy"` (truth + AR(1) error with `noise_sigma` and `noise_autocorrelation`).
    #[schemars(with = "Option<String>")]
    pub forecast: Option<Spanned<String>>,
    /// Standard deviation of the `noisy` forecast's error, a power (e.g. `"0.3 MW"`).
    #[schemars(with = "Option<Quantity>")]
    pub noise_sigma: Option<Raw>,
    /// Lag-1 correlation of the `noisy` forecast's error, 0 to 0.999.
    #[schemars(with = "Option<Quantity>")]
    pub noise_autocorrelation: Option<Raw>,
    /// Keep one HiGHS model alive across windows where possible (default true).
    pub persistent: Option<bool>,
}

/// Objective weights, in MWh-equivalent per unit of each term.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ObjectiveTable {
    /// Per MWh of grid import (default 1).
    #[schemars(with = "Option<Quantity>")]
    pub import: Option<Raw>,
    /// Per unit of the scenario's currency of cost: import cost − export revenue + battery
    /// throughput cost (default 0).
    #[schemars(with = "Option<Quantity>")]
    pub cost: Option<Raw>,
    /// Per kg of CO2 from imports (default 0).
    #[schemars(with = "Option<Quantity>")]
    pub carbon: Option<Raw>,
    /// Break ties in the weighted objective by cost, then carbon (default true).
    pub tie_break: Option<bool>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SolverTable {
    /// HiGHS algorithm: `"ipm"` (default), `"simplex"` or `"choose"`.
    #[schemars(with = "Option<String>")]
    pub method: Option<Spanned<String>>,
    /// HiGHS presolve: `"off"` (default), `"on"` or `"light"` (only the cheap reductions).
    #[schemars(with = "Option<String>")]
    pub presolve: Option<Spanned<String>>,
    /// Wall-clock limit per solve, in seconds.
    #[schemars(with = "Option<Quantity>")]
    pub time_limit_seconds: Option<Raw>,
    /// Parallel dual simplex on all cores (simplex method only; default false).
    #[schemars(with = "Option<bool>")]
    pub parallel: Option<Spanned<bool>>,
    /// Scale of the dual simplex's cost perturbation (default 1).
    #[schemars(with = "Option<Quantity>")]
    pub cost_perturbation: Option<Raw>,
}
