//! The VPP file as written: the single-site scenario's `[scenario]`, `[time]` and
//! `[dispatch]` sections shared by every site, a `[vpp]` section for the aggregator, and one
//! `[[site]]` per site holding the single-site asset tables (`[[site.pv]]`, `[site.grid]`, …).

use schemars::JsonSchema;
use serde::Deserialize;
use toml::Spanned;

use crate::scenario::schema::Quantity;

use crate::scenario::file::{
    BatteryTable, DatacenterTable, DispatchTable, EvHubTable, FlexibleLoadTable, GeneratorTable,
    GridTable, LoadTable, PvTable, Raw, ScenarioSection, SiteTable, SiteTables, TimeSection,
    WeatherTable,
};

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VppFile {
    /// Name, description, seed and currency of the VPP, as in a scenario file.
    pub scenario: ScenarioSection,
    /// The time grid every site shares, as in a scenario file.
    pub time: TimeSection,
    /// Objective weights and solver options of every site (strategy `lp` only).
    #[schemars(with = "Option<DispatchTable>")]
    pub dispatch: Option<Spanned<DispatchTable>>,
    /// How the sites are coordinated, and the grid operator's events.
    #[schemars(with = "VppTable")]
    pub vpp: Spanned<VppTable>,
    /// One table per site, holding its asset tables (`[[site.pv]]`, `[site.grid]`, …).
    pub site: Vec<SiteEntry>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VppTable {
    /// `"central"` (default: one joint LP) or `"admm"` (sites as agents).
    #[schemars(with = "Option<String>")]
    pub coordination: Option<Spanned<String>>,
    /// What demand response is measured against: `"dispatch"` (default: the VPP's dispatch
    /// without any event) or `"idle"` (no storage or flexibility used).
    #[schemars(with = "Option<String>")]
    pub baseline: Option<Spanned<String>>,
    /// Lets AI-training compute move between data-centre sites.
    #[schemars(with = "Option<ShiftingTable>")]
    pub compute_shifting: Option<Spanned<ShiftingTable>>,
    /// ADMM settings for `coordination = "admm"`.
    #[schemars(with = "Option<AdmmTable>")]
    pub admm: Option<Spanned<AdmmTable>>,
    /// Demand-response events from the grid operator.
    #[serde(default)]
    pub event: Vec<EventTable>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ShiftingTable {
    /// Cost per MWh of IT energy run away from the job's home site, e.g. `"20 CNY/MWh"`.
    #[schemars(with = "Option<Quantity>")]
    pub migration_cost: Option<Raw>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AdmmTable {
    /// Initial penalty parameter (objective units per MW² of coupling residual; default 1).
    #[schemars(with = "Option<Quantity>")]
    pub rho: Option<Raw>,
    /// Most iterations before stopping (plain number, default 500).
    #[schemars(with = "Option<Quantity>")]
    pub max_iterations: Option<Raw>,
    /// Stop when primal and dual residuals (RMS over coupled values) fall below, e.g. `"1 kW"`
    /// (default 1 kW).
    #[schemars(with = "Option<Quantity>")]
    pub tolerance: Option<Raw>,
}

/// A demand-response event from the grid operator.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EventTable {
    /// Unique name of the event.
    #[schemars(with = "String")]
    pub name: Spanned<String>,
    /// RFC 3339 with UTC offset, on a step boundary: the event starts there.
    #[schemars(with = "String")]
    pub from: Spanned<String>,
    /// RFC 3339 with UTC offset, on a step boundary: the event ends before it.
    #[schemars(with = "String")]
    pub to: Spanned<String>,
    /// Keep aggregate import at or below this power, or…
    #[schemars(with = "Option<Quantity>")]
    pub import_limit: Option<Raw>,
    /// …reduce aggregate import by this power against the baseline.
    #[schemars(with = "Option<Quantity>")]
    pub reduction: Option<Raw>,
    /// Paid per MWh of reduction delivered against the baseline, up to the request.
    #[schemars(with = "Quantity")]
    pub compensation: Raw,
    /// Charged per MWh of aggregate import above the requested level.
    #[schemars(with = "Quantity")]
    pub shortfall_penalty: Raw,
}

/// One site: its name and the single-site asset tables.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SiteEntry {
    /// Unique name of the site.
    #[schemars(with = "String")]
    pub name: Spanned<String>,
    /// Latitude, longitude and elevation, as the single-site `[site]` table.
    #[schemars(with = "Option<SiteTable>")]
    pub location: Option<Spanned<SiteTable>>,
    /// The site's weather, as the single-site `[weather]` table.
    #[schemars(with = "Option<WeatherTable>")]
    pub weather: Option<Spanned<WeatherTable>>,
    /// PV plants, as `[[pv]]` of a scenario.
    #[serde(default)]
    pub pv: Vec<PvTable>,
    /// Batteries, as `[[battery]]` of a scenario.
    #[serde(default)]
    pub battery: Vec<BatteryTable>,
    /// Fixed loads, as `[[load]]` of a scenario.
    #[serde(default)]
    pub load: Vec<LoadTable>,
    /// Flexible loads, as `[[flexible_load]]` of a scenario.
    #[serde(default)]
    pub flexible_load: Vec<FlexibleLoadTable>,
    /// Data centres, as `[[datacenter]]` of a scenario.
    #[serde(default)]
    pub datacenter: Vec<DatacenterTable>,
    /// EV hubs, as `[[ev_hub]]` of a scenario.
    #[serde(default)]
    pub ev_hub: Vec<EvHubTable>,
    /// Generators, as `[[generator]]` of a scenario.
    #[serde(default)]
    pub generator: Vec<GeneratorTable>,
    /// The site's grid connection, as `[grid]` of a scenario.
    pub grid: GridTable,
}

impl SiteEntry {
    pub fn tables(&self) -> SiteTables<'_> {
        SiteTables {
            location: self.location.as_ref(),
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
