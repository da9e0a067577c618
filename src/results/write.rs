//! The formats of a results folder's files (`timeseries.csv`, JSON, CSV tables) and the
//! error of writing them; `crate::output` writes a run's folder with them.

use std::path::PathBuf;

use super::Results;

#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("results folder {0} already exists")]
    Exists(PathBuf),
    #[error("{dir} cannot be replaced: {reason}")]
    Refused { dir: PathBuf, reason: String },
    #[error("{dir} is being written by another vppsim run ({holder}; lock file {lock})")]
    Locked {
        dir: PathBuf,
        holder: String,
        lock: PathBuf,
    },
    #[error("cannot write results to {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot draw the report: {0}")]
    Report(String),
}

impl WriteError {
    /// Whether the cause is the user's choice of folder (bad input) rather than a failure.
    pub fn is_refusal(&self) -> bool {
        matches!(
            self,
            WriteError::Exists(_) | WriteError::Refused { .. } | WriteError::Locked { .. }
        )
    }
}

pub fn pretty<T: serde::Serialize>(value: &T) -> Vec<u8> {
    let mut out = serde_json::to_vec_pretty(value).expect("JSON values serialise");
    out.push(b'\n');
    out
}

/// `v` with `digits` decimals, written as 0 below half a unit of its last digit (so
/// rounding noise such as 2e-16 never shows).
pub fn fixed(v: f64, digits: usize) -> String {
    let v = if v.abs() < 0.5 * 10f64.powi(-(digits as i32)) {
        0.0
    } else {
        v
    };
    format!("{v:.digits$}")
}

/// A CSV table written with the csv crate (fields quoted where they need it): a header,
/// then the rows.
pub fn csv_table(header: &[String], rows: impl IntoIterator<Item = Vec<String>>) -> String {
    let mut out = csv::Writer::from_writer(Vec::new());
    let written = out.write_record(header).and_then(|()| {
        for row in rows {
            out.write_record(&row)?;
        }
        out.flush().map_err(csv::Error::from)
    });
    written.expect("a CSV writer into memory does not fail");
    String::from_utf8(out.into_inner().expect("flushed above")).expect("the CSV is UTF-8")
}

/// The `timeseries.csv` header of an asset's series: `<asset>.<series> [<unit>]`.
fn series_header(column: &str, unit: &str) -> String {
    format!("{column} [{unit}]")
}

/// The role of each asset column of `timeseries.csv` (`{"pv.power [MW]": "supply", …}`):
/// what the report sums into PV, generation, storage and curtailment.
pub fn series_roles(r: &Results) -> serde_json::Map<String, serde_json::Value> {
    r.assets
        .iter()
        .flat_map(|a| {
            a.columns
                .iter()
                .zip(&a.units)
                .zip(&a.roles)
                .map(|((c, u), role)| {
                    let role = serde_json::to_value(role).expect("a role serialises");
                    (series_header(c, u), role)
                })
        })
        .collect()
}

/// One row per step: timestamp with UTC offset, then every asset's series with its unit
/// (series sharing a column, like an EV hub's chargers, summed into it, at its first
/// place), each data centre's PUE, the site's and the grid's, then the step's money and
/// emissions: `import_cost_cny = p_imp·import·dt`, `export_revenue_cny = p_exp·export·dt`
/// (named in the scenario's currency, `import_cost_eur`) and, where the run counts CO2,
/// `co2_kg = c·import·dt` plus what assets emit in the step (a generator's fuel), then the
/// weather (GHI, air temperature and each modelled PV's plane-of-array irradiance). The
/// money and CO2 columns sum to the KPIs of the same names; the demand charge, a monthly
/// figure, has no per-step column. Powers and money have 6 decimals, PUE 4, carbon
/// intensity and CO2 3, weather 2; a value below half a unit of its last digit is written
/// as 0.
pub fn timeseries_csv(r: &Results) -> String {
    // Output columns of the assets' series, each with the (asset, series) it sums.
    let mut columns: Vec<(String, Vec<(usize, usize)>)> = Vec::new();
    for (a, asset) in r.assets.iter().enumerate() {
        for (s, column) in asset.columns.iter().enumerate() {
            let header = series_header(column, asset.units[s]);
            match columns.iter_mut().find(|c| c.0 == header) {
                Some(c) => c.1.push((a, s)),
                None => columns.push((header, vec![(a, s)])),
            }
        }
    }
    let mut header: Vec<String> = vec!["timestamp".into()];
    header.extend(columns.iter().map(|c| c.0.clone()));
    for d in &r.datacenters {
        header.push(format!("{}.pue [-]", d.name));
    }
    header.push("site.consumption [MW]".into());
    if r.unserved_cny_per_mwh.is_some() {
        header.push("site.unserved [MW]".into());
    }
    header.extend(
        [
            "grid.import [MW]",
            "grid.export [MW]",
            "grid.import_price [CNY/kWh]",
            "grid.export_price [CNY/kWh]",
        ]
        .map(|h| r.currency.relabel(h)),
    );
    if r.carbon_kg_per_mwh.is_some() {
        header.push("grid.carbon_intensity [g/kWh]".into());
    }
    header.push(r.currency.rename("import_cost_cny"));
    header.push(r.currency.rename("export_revenue_cny"));
    let emitters: Vec<&[f64]> = r
        .contributions
        .iter()
        .filter(|c| !c.co2_kg_steps.is_empty())
        .map(|c| &c.co2_kg_steps[..])
        .collect();
    let counts_co2 = r.carbon_kg_per_mwh.is_some() || !emitters.is_empty();
    if counts_co2 {
        header.push("co2_kg".into());
    }
    header.extend(r.weather.iter().map(|(h, _)| h.clone()));
    let dt = r.time.dt_hours();
    let rows = (0..r.len()).map(|t| {
        let mut row: Vec<String> = Vec::with_capacity(header.len());
        row.push(r.time.timestamp(t));
        let mut cell = |v: f64, digits: usize| row.push(fixed(v, digits));
        {
            for (_, members) in &columns {
                cell(
                    members.iter().map(|&(a, s)| r.assets[a].values[s][t]).sum(),
                    6,
                );
            }
            for d in &r.datacenters {
                cell(d.pue[t], 4);
            }
            cell(r.consumption_mw[t], 6);
            if r.unserved_cny_per_mwh.is_some() {
                cell(r.unserved_mw[t], 6);
            }
            cell(r.import_mw[t], 6);
            cell(r.export_mw[t], 6);
            cell(r.import_price[t] / 1000.0, 6);
            cell(r.export_price[t] / 1000.0, 6);
            if let Some(c) = &r.carbon_kg_per_mwh {
                cell(c[t], 3);
            }
            cell(r.import_price[t] * r.import_mw[t] * dt, 6);
            cell(r.export_price[t] * r.export_mw[t] * dt, 6);
            if counts_co2 {
                let imported = r
                    .carbon_kg_per_mwh
                    .as_ref()
                    .map_or(0.0, |c| c[t] * r.import_mw[t] * dt);
                cell(imported + emitters.iter().map(|e| e[t]).sum::<f64>(), 3);
            }
            for (_, w) in &r.weather {
                cell(w[t], 2);
            }
        }
        row
    });
    csv_table(&header, rows)
}
