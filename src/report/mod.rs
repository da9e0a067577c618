//! Plots and reports of a results folder: `*.svg` and `*.png` charts, `report.html`
//! (self-contained) and `report.md`. They are made from the folder's files alone, so
//! `vppsim report DIR` can rebuild them without re-running.

pub mod charts;
pub mod fleet;
pub mod page;
pub mod view;
pub mod weather;

use serde_json::Value;

use crate::results::{Staging, WriteError};
use view::View;

/// Draws the charts (with the weather chart when `weather`, the text of `weather.csv`, is
/// given) and writes them with both reports into `staging`.
pub fn write_report(
    staging: &Staging,
    timeseries: &str,
    weather: Option<&str>,
    summary: &Value,
    manifest: &Value,
) -> Result<(), WriteError> {
    let failed = |reason: String| WriteError::Report(reason);
    let view = View::from_csv(timeseries).map_err(failed)?;
    let mut charts = charts::render_all(&view, Some(staging.path())).map_err(failed)?;
    if let Some(text) = weather {
        charts.push(weather::weather_chart(text, Some(staging.path())).map_err(failed)?);
    }
    for c in &charts {
        staging.write(&format!("{}.svg", c.name), c.svg.as_bytes())?;
    }
    staging.write(
        "report.html",
        page::html(summary, manifest, &charts).as_bytes(),
    )?;
    staging.write(
        "report.md",
        page::markdown(summary, manifest, &charts).as_bytes(),
    )
}

/// Rebuilds the charts and reports of the results folder `dir`, replacing it atomically;
/// for a VPP folder, those of each site in `sites/`.
pub fn rebuild(dir: &std::path::Path) -> Result<(), WriteError> {
    if dir.join("sites").is_dir() {
        // A VPP folder: its reports are its sites' (rebuilding here would drop sites/).
        let mut sites: Vec<_> = std::fs::read_dir(dir.join("sites"))
            .map_err(|source| WriteError::Io {
                path: dir.join("sites"),
                source,
            })?
            .filter_map(|e| Some(e.ok()?.path()))
            .filter(|p| p.is_dir())
            .collect();
        sites.sort();
        return sites.iter().try_for_each(|site| rebuild(site));
    }
    let read = |file: &str| {
        let path = dir.join(file);
        std::fs::read_to_string(&path).map_err(|source| WriteError::Io { path, source })
    };
    let (timeseries, summary, manifest) = (
        read("timeseries.csv")?,
        read("summary.json")?,
        read("manifest.json")?,
    );
    let parse = |file: &str, text: &str| {
        serde_json::from_str::<Value>(text).map_err(|e| WriteError::Report(format!("{file}: {e}")))
    };
    let (summary_value, manifest_value) = (
        parse("summary.json", &summary)?,
        parse("manifest.json", &manifest)?,
    );
    let weather = std::fs::read_to_string(dir.join("weather.csv")).ok();
    let staging = Staging::create(dir)?;
    staging.write("timeseries.csv", timeseries.as_bytes())?;
    staging.write("summary.json", summary.as_bytes())?;
    staging.write("manifest.json", manifest.as_bytes())?;
    if let Some(text) = &weather {
        staging.write("weather.csv", text.as_bytes())?;
    }
    write_report(
        &staging,
        &timeseries,
        weather.as_deref(),
        &summary_value,
        &manifest_value,
    )?;
    staging.commit()
}
