//! The KPIs of `summary.json` in groups a reader looks for (energy, cost, carbon, assets,
//! data centres, EV charging, optimisation), every value formatted once by
//! [`super::format`], figures that do not apply (`null`) left out, and no figure twice: a
//! data centre's AI jobs and an EV hub are flexible loads too, but are shown with their
//! owner only.

use serde_json::{Map, Value};

use super::format::{label_of, number, show};

/// A row of a KPI table.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub label: String,
    pub value: String,
    pub unit: String,
}

/// A titled group of rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    pub title: &'static str,
    pub rows: Vec<Row>,
}

const ENERGY: &str = "Energy";
const COST: &str = "Cost";
const CARBON: &str = "Carbon";
const ASSETS: &str = "Assets";
const DATACENTRES: &str = "Data centres";
const EV: &str = "EV charging";
const OPTIMISATION: &str = "Optimisation";
/// The groups in the order they are shown.
const ORDER: [&str; 7] = [ENERGY, COST, CARBON, ASSETS, DATACENTRES, EV, OPTIMISATION];

/// The group of a scalar KPI from its key.
fn group_of(key: &str, currency: &str) -> &'static str {
    let money = format!("_{}", currency.to_ascii_lowercase());
    if key == "objective" {
        OPTIMISATION
    } else if key.ends_with(&money) || key.ends_with("_cny") {
        COST
    } else if key.starts_with("co2") || key.ends_with("_t") {
        CARBON
    } else if key.starts_with("battery") {
        ASSETS
    } else {
        ENERGY
    }
}

/// The row of `key` = `value`, with `owner: ` before the label when given; `None` for a
/// figure that does not apply.
fn row(owner: Option<&str>, key: &str, value: &Value, currency: &str) -> Option<Row> {
    if value.is_null() {
        return None;
    }
    let (value, unit) = show(key, value, currency);
    let label = label_of(key, currency);
    Some(Row {
        label: owner.map_or(label.clone(), |o| format!("{o}: {label}")),
        value,
        unit,
    })
}

/// The rows of each object of `items` (every key but `name`, under the item's name).
fn item_rows(items: &[Value], currency: &str) -> Vec<Row> {
    let mut rows = Vec::new();
    for item in items {
        let name = item["name"].as_str().unwrap_or("?");
        for (k, v) in item.as_object().into_iter().flatten() {
            if k != "name" {
                rows.extend(row(Some(name), k, v, currency));
            }
        }
    }
    rows
}

/// The KPI groups of `kpis` (the `kpis` object of `summary.json`), empty groups left out.
pub fn groups(kpis: &Value, currency: &str) -> Vec<Group> {
    let empty = Map::new();
    let map = kpis.as_object().unwrap_or(&empty);
    let list = |key: &str| map.get(key).and_then(Value::as_array).cloned();
    let names = |key: &str| -> Vec<String> {
        list(key)
            .into_iter()
            .flatten()
            .filter_map(|i| i["name"].as_str().map(String::from))
            .collect()
    };
    let (datacentres, hubs) = (names("datacenters"), names("ev_hubs"));
    let mut out: Vec<Group> = ORDER
        .iter()
        .map(|title| Group {
            title,
            rows: Vec::new(),
        })
        .collect();
    let mut push = |title: &str, rows: Vec<Row>| {
        if let Some(g) = out.iter_mut().find(|g| g.title == title) {
            g.rows.extend(rows);
        }
    };
    for (key, value) in map {
        match (key.as_str(), value) {
            ("datacenters", Value::Array(items)) => push(DATACENTRES, item_rows(items, currency)),
            ("ev_hubs", Value::Array(items)) => push(EV, item_rows(items, currency)),
            ("flexible", Value::Array(items)) => {
                // A data centre's AI jobs and an EV hub are shown with their owner.
                let own: Vec<Value> = items
                    .iter()
                    .filter(|i| {
                        let name = i["name"].as_str().unwrap_or_default();
                        !hubs.iter().any(|h| h == name)
                            && !datacentres
                                .iter()
                                .any(|d| name.strip_prefix(d.as_str()) == Some(".ai_jobs"))
                    })
                    .cloned()
                    .collect();
                push(ASSETS, item_rows(&own, currency));
            }
            ("assets", Value::Array(items)) => {
                let rows = items
                    .iter()
                    .flat_map(|a| {
                        let name = a["name"].as_str().unwrap_or("?").to_string();
                        a["figures"]
                            .as_array()
                            .into_iter()
                            .flatten()
                            .filter_map(move |f| {
                                Some(Row {
                                    label: format!("{name}: {}", f["label"].as_str()?),
                                    value: number(f["value"].as_f64()?),
                                    unit: f["unit"].as_str().unwrap_or_default().to_string(),
                                })
                            })
                            .collect::<Vec<_>>()
                    })
                    .collect();
                push(ASSETS, rows);
            }
            (_, Value::Array(items)) => push(ASSETS, item_rows(items, currency)),
            _ => push(
                group_of(key, currency),
                row(None, key, value, currency).into_iter().collect(),
            ),
        }
    }
    out.retain(|g| !g.rows.is_empty());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kpis_are_grouped_formatted_and_shown_once() {
        let kpis = serde_json::json!({
            "grid_import_mwh": 368.78,
            "demand_charge_cny": null,
            "total_cost_cny": 201289.4,
            "co2_t": 204.415,
            "battery_full_cycles": 1.745,
            "flexible": [
                {"name": "dc.ai_jobs", "delivered_mwh": 90.3, "required_mwh": 90.3},
                {"name": "ev_hub", "delivered_mwh": 8.62, "required_mwh": 8.62},
                {"name": "batch", "delivered_mwh": 4380.0, "required_mwh": 4380.0}
            ],
            "datacenters": [{"name": "dc", "pue": 1.2034, "ai_jobs": 4}],
            "ev_hubs": [{"name": "ev_hub", "sessions": 395, "delivered_mwh": 8.62}],
            "assets": [{"name": "gen", "figures": [{"label": "fuel", "value": 12.5, "unit": "MWh"}]}],
            "objective": 370.792814
        });
        let g = groups(&kpis, "CNY");
        let titles: Vec<_> = g.iter().map(|g| g.title).collect();
        assert_eq!(
            titles,
            [ENERGY, COST, CARBON, ASSETS, DATACENTRES, EV, OPTIMISATION]
        );
        let all: Vec<String> = g
            .iter()
            .flat_map(|g| &g.rows)
            .map(|r| format!("{}={} {}", r.label, r.value, r.unit))
            .collect();
        assert_eq!(
            all,
            [
                "grid import=368.8 MWh",
                "total cost=201,289 CNY",
                "CO₂ emissions=204.4 t",
                "battery full cycles=1.745 ",
                "batch: delivered=4,380 MWh",
                "batch: required=4,380 MWh",
                "gen: fuel=12.50 MWh",
                "dc: PUE=1.203 ",
                "dc: AI jobs=4 ",
                "ev_hub: sessions=395 ",
                "ev_hub: delivered=8.620 MWh",
                "objective=370.8 MWh-eq",
            ]
        );
    }
}
