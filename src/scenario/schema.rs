//! The JSON Schema (draft 2020-12) of scenario, VPP and sweep files, generated from their
//! serde mirrors (`file.rs`, `vpp/file.rs`, `sweep/spec.rs`) and their doc comments, and
//! the schema-only stand-in for the raw values that `resolve` interprets later (a quantity
//! with its unit, a plain number, or a table such as a CSV series or a time-of-use
//! tariff). `vppsim schema` prints it; editors with taplo (Even Better TOML) complete and
//! check files with it.

use std::borrow::Cow;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};

/// A number followed by a unit, e.g. `"8 MWh"`, `"0.25 CNY/kWh"`, `"20 years"`.
pub const QUANTITY_PATTERN: &str =
    r"^\s*[-+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][-+]?[0-9]+)?\s*[^\s0-9.].*$";

/// A value interpreted by `resolve`: a quantity written as a string with its unit, a plain
/// number (fractions, degrees, counts), or a table (a series from a CSV file, a time-of-use
/// tariff, an extendable capacity).
pub struct Quantity;

impl JsonSchema for Quantity {
    fn schema_name() -> Cow<'static, str> {
        "Quantity".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A quantity as a string with its unit (\"8 MWh\", \"6 MW\", \"0.25 CNY/kWh\"), a plain number where the key takes one (fractions, degrees, counts), or a table: a series { file, column, unit, time_column }, a tariff { time_of_use = [...] } or an extendable capacity.",
            "anyOf": [
                { "type": "string", "pattern": QUANTITY_PATTERN },
                { "type": "number" },
                { "type": "object" }
            ]
        })
    }
}

/// A capacity that may be extendable (sizing): a quantity, or a table of what may be added
/// and what it costs.
pub struct Capacity;

impl JsonSchema for Capacity {
    fn schema_name() -> Cow<'static, str> {
        "Capacity".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let amount = json_schema!({ "type": "string", "pattern": QUANTITY_PATTERN });
        json_schema!({
            "description": "A capacity with its unit (\"8 MWh\", \"6 MW\"), or an extendable capacity for sizing: { existing, min, max, capex, lifetime, fixed_om, block }.",
            "anyOf": [
                { "type": "string", "pattern": QUANTITY_PATTERN },
                {
                    "type": "object",
                    "properties": {
                        "existing": { "description": "Capacity already built (default 0).", "anyOf": [amount] },
                        "min": { "description": "Least total capacity, existing plus added (default 0).", "anyOf": [amount] },
                        "max": { "description": "Most total capacity, existing plus added.", "anyOf": [amount] },
                        "capex": { "description": "Cost per unit added, e.g. \"1200 CNY/kWh\".", "anyOf": [amount] },
                        "lifetime": { "description": "Life of what is added, e.g. \"15 years\".", "anyOf": [amount] },
                        "fixed_om": { "description": "Fixed O&M per unit added and year, e.g. \"10 CNY/kWh/yr\" (default 0).", "anyOf": [amount] },
                        "block": { "description": "Added in whole blocks of this size (the LP becomes a MIP).", "anyOf": [amount] }
                    },
                    "required": ["max", "capex", "lifetime"],
                    "additionalProperties": false
                }
            ]
        })
    }
}

/// The file formats vppsim reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileFormat {
    /// A single site (`vppsim run`).
    Scenario,
    /// A virtual power plant: several sites and an aggregator (`[vpp]`, `[[site]]`).
    Vpp,
    /// A sweep: a base scenario and studies of its cases (`vppsim sweep`).
    Sweep,
}

/// The JSON Schema of `format`'s files, titled and described for editors.
pub fn json_schema(format: FileFormat) -> serde_json::Value {
    let (schema, title, description) = match format {
        FileFormat::Scenario => (
            schemars::schema_for!(super::file::ScenarioFile),
            "vppsim scenario file (format v1)",
            "One site: its assets, grid connection, weather, time grid and dispatch. Quantities are strings with their unit (\"8 MWh\").",
        ),
        FileFormat::Vpp => (
            schemars::schema_for!(crate::vpp::file::VppFile),
            "vppsim VPP file (format v1)",
            "A virtual power plant: shared [scenario], [time] and [dispatch], the aggregator's [vpp] and one [[site]] per site with the asset tables of a scenario file.",
        ),
        FileFormat::Sweep => (
            schemars::schema_for!(crate::sweep::spec::SweepFile),
            "vppsim sweep file (format v1)",
            "A sweep: [sweep] names the base scenario file and what to keep of each case; each [[study]] varies [[study.parameter]] values (by dotted path into the scenario file), seeds and strategies, and combines them into cases.",
        ),
    };
    let mut value = schema.to_value();
    value["title"] = title.into();
    value["description"] = description.into();
    value
}
