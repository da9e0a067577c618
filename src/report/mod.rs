//! Plots and reports of a results folder: `*.svg` and `*.png` charts, `report.html`
//! (self-contained) and `report.md`. They are made from the folder's files alone, so
//! `vppsim report DIR` can rebuild them without re-running.

pub mod charts;
pub mod fleet;
pub mod format;
pub mod headline;
pub mod kpi_table;
pub mod manifest;
pub mod page;
pub mod scaled;
pub mod sizing;
pub mod time_axis;
pub mod view;
pub mod weather;

use std::path::Path;

use serde_json::Value;

use crate::results::{Claim, WriteError, write_file};
use view::View;

/// The charts and both reports of a results folder, drawn in memory.
pub struct Rendered {
    pub charts: Vec<charts::Chart>,
    pub html: String,
    pub markdown: String,
}

/// Draws the charts and reports from a folder's `timeseries.csv`, `weather.csv` (if the run
/// has one: the weather chart), `summary.json` and `manifest.json`; with `png_dir`, the
/// charts' PNGs are written there too.
pub fn render(
    timeseries: &str,
    weather: Option<&str>,
    summary: &Value,
    manifest: &Value,
    png_dir: Option<&Path>,
) -> Result<Rendered, String> {
    let roles = summary
        .get("series")
        .and_then(Value::as_object)
        .ok_or("summary.json has no 'series' map of the columns' roles (written by an older vppsim? run the scenario again)")?;
    let roles: Vec<(&str, &str)> = roles
        .iter()
        .map(|(column, role)| (column.as_str(), role.as_str().unwrap_or_default()))
        .collect();
    let view = View::from_csv(timeseries, &roles)?;
    let mut charts = charts::render_all(&view, png_dir)?;
    if let Some(text) = weather {
        charts.push(weather::weather_chart(text, png_dir)?);
    }
    if summary["sizing"].is_object() {
        charts.extend(sizing::cash_flow_chart(&summary["sizing"], png_dir)?);
    }
    Ok(Rendered {
        html: page::html(summary, manifest, &charts),
        markdown: page::markdown(summary, manifest, &charts),
        charts,
    })
}

/// [`render`] from the three files' text as read from a folder (JSON parsed here), without
/// PNGs: what `vppsim report` does to a folder, in memory (for the fuzzer).
pub fn render_files(
    timeseries: &str,
    weather: Option<&str>,
    summary: &str,
    manifest: &str,
) -> Result<Rendered, String> {
    let parse = |file: &str, text: &str| {
        serde_json::from_str::<Value>(text).map_err(|e| format!("{file}: {e}"))
    };
    let (summary, manifest) = (
        parse("summary.json", summary)?,
        parse("manifest.json", manifest)?,
    );
    render(timeseries, weather, &summary, &manifest, None)
}

/// Draws the charts and writes them with both reports into the folder `dir`; returns the
/// names of the files written.
pub fn write_report(
    dir: &Path,
    timeseries: &str,
    weather: Option<&str>,
    summary: &Value,
    manifest: &Value,
) -> Result<Vec<String>, WriteError> {
    let rendered =
        render(timeseries, weather, summary, manifest, Some(dir)).map_err(WriteError::Report)?;
    let mut written = Vec::new();
    for c in &rendered.charts {
        write_file(dir, &format!("{}.svg", c.name), c.svg.as_bytes())?;
        written.push(format!("{}.svg", c.name));
        written.push(format!("{}.png", c.name));
    }
    write_file(dir, "report.html", rendered.html.as_bytes())?;
    write_file(dir, "report.md", rendered.markdown.as_bytes())?;
    written.extend(["report.html".to_string(), "report.md".to_string()]);
    Ok(written)
}

/// Rebuilds the charts and reports of the results folder `dir` from its files, replacing
/// only those files (each atomically); for a VPP folder, those of each site in `sites/`.
pub fn rebuild(dir: &Path) -> Result<(), WriteError> {
    let claim = Claim::existing(dir)?;
    rebuild_claimed(&claim, dir, "")
}

/// Rebuilds a VPP folder's own `report.html` from its `summary.json`, `manifest.json` and
/// aggregate chart (`aggregate_import.svg`, drawn by the run from its data), so that it
/// matches its sites' rebuilt reports.
fn rebuild_vpp_page(claim: &Claim, folder: &Path, prefix: &str) -> Result<(), WriteError> {
    let read = |file: &str| {
        let path = folder.join(file);
        std::fs::read_to_string(&path).map_err(|source| WriteError::Io { path, source })
    };
    let parse = |file: &str| {
        serde_json::from_str::<Value>(&read(file)?)
            .map_err(|e| WriteError::Report(format!("{file}: {e}")))
    };
    let (summary, manifest) = (parse("summary.json")?, parse("manifest.json")?);
    let chart = std::fs::read_to_string(folder.join("aggregate_import.svg")).ok();
    let html = page::vpp_html(&summary, &manifest, chart.as_deref());
    let staging = claim.stage("report")?;
    staging.write("report.html", html.as_bytes())?;
    let moved = [("report.html".to_string(), format!("{prefix}report.html"))];
    claim.replace_files(staging.path(), &moved)
}

/// Rebuilds the reports of `folder` (`dir` itself or one of its sites, `prefix` its path
/// inside `dir`), staged beside the claimed folder and moved into place file by file.
fn rebuild_claimed(claim: &Claim, folder: &Path, prefix: &str) -> Result<(), WriteError> {
    if folder.join("sites").is_dir() {
        // A VPP folder: its reports are its sites'.
        let mut sites: Vec<_> = std::fs::read_dir(folder.join("sites"))
            .map_err(|source| WriteError::Io {
                path: folder.join("sites"),
                source,
            })?
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .filter(|name| folder.join("sites").join(name).is_dir())
            .collect();
        sites.sort();
        sites.iter().try_for_each(|site| {
            rebuild_claimed(
                claim,
                &folder.join("sites").join(site),
                &format!("{prefix}sites/{site}/"),
            )
        })?;
        return rebuild_vpp_page(claim, folder, prefix);
    }
    let read = |file: &str| {
        let path = folder.join(file);
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
    let (summary, manifest) = (
        parse("summary.json", &summary)?,
        parse("manifest.json", &manifest)?,
    );
    let weather = std::fs::read_to_string(folder.join("weather.csv")).ok();
    // Drawn into a staging folder: a folder that cannot be drawn is left untouched.
    let staging = claim.stage("report")?;
    let written = write_report(
        staging.path(),
        &timeseries,
        weather.as_deref(),
        &summary,
        &manifest,
    )?;
    let moved: Vec<(String, String)> = written
        .into_iter()
        .map(|f| (f.clone(), format!("{prefix}{f}")))
        .collect();
    claim.replace_files(staging.path(), &moved)
}
