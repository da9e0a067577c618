//! Schema-only stand-ins for the raw values of the scenario mirror (`file.rs`): what the
//! JSON Schema says of a key whose value `resolve` interprets later (a quantity with its
//! unit, a plain number, or a table such as a CSV series or a time-of-use tariff).

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
