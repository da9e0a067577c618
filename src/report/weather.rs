//! The weather chart of a run on synthetic weather: daily irradiation (kWh/m² per local day)
//! of GHI, its diffuse part and the plane of array of each PV, from the folder's
//! `weather.csv`, with the totals over the run in the title.

use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;

use super::charts::{
    BLUE, Chart, Drawing, FONT, GREEN, Mark, ORANGE, PURPLE, SKY, err, legend, svg_and_png,
};

/// Daily sums of the weather table's irradiance columns.
struct DailyIrradiation {
    /// Local dates (YYYY-MM-DD), one per day.
    days: Vec<String>,
    /// Each series' label and its daily irradiation (kWh/m²).
    series: Vec<(String, Vec<f64>)>,
}

impl DailyIrradiation {
    /// From `weather.csv` text: GHI, DHI and every `<pv>.poa` column, summed per local day.
    fn from_csv(text: &str) -> Result<DailyIrradiation, String> {
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let headers = reader.headers().map_err(err)?.clone();
        let columns: Vec<(usize, String)> = headers
            .iter()
            .enumerate()
            .filter_map(|(i, h)| match h {
                "ghi [W/m2]" => Some((i, "GHI".to_string())),
                "dhi [W/m2]" => Some((i, "diffuse (DHI)".to_string())),
                _ => h
                    .strip_suffix(".poa [W/m2]")
                    .map(|pv| (i, format!("plane of array, {pv}"))),
            })
            .collect();
        let rows: Vec<csv::StringRecord> =
            reader.records().collect::<Result<_, _>>().map_err(err)?;
        let time = |r: &csv::StringRecord| {
            chrono::DateTime::parse_from_rfc3339(&r[0]).map_err(|e| format!("weather.csv: {e}"))
        };
        let dt_hours = match (rows.first(), rows.get(1)) {
            (Some(a), Some(b)) => (time(b)? - time(a)?).num_seconds() as f64 / 3600.0,
            _ => return Err("weather.csv needs at least two rows".into()),
        };
        let mut days: Vec<String> = Vec::new();
        let mut series: Vec<(String, Vec<f64>)> = columns
            .iter()
            .map(|(_, label)| (label.clone(), Vec::new()))
            .collect();
        for r in &rows {
            let day = r[0].get(..10).unwrap_or_default().to_string();
            if days.last() != Some(&day) {
                days.push(day);
                series.iter_mut().for_each(|s| s.1.push(0.0));
            }
            for ((i, _), (_, sums)) in columns.iter().zip(series.iter_mut()) {
                let w: f64 = r[*i].parse().map_err(|e| format!("weather.csv: {e}"))?;
                *sums.last_mut().unwrap_or(&mut 0.0) += w * dt_hours / 1000.0;
            }
        }
        Ok(DailyIrradiation { days, series })
    }
}

impl Drawing for DailyIrradiation {
    type Output = String;
    fn draw_on<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<String, String> {
        let total = |k: usize| self.series.get(k).map_or(0.0, |s| s.1.iter().sum::<f64>());
        let planes: Vec<String> = (2..self.series.len())
            .map(|k| {
                format!(
                    "{} {:.0}",
                    self.series[k].0.trim_start_matches("plane of array, "),
                    total(k)
                )
            })
            .collect();
        let title = format!(
            "Synthetic weather: daily irradiation (over the run: GHI {:.0}, plane of array {} kWh/m²)",
            total(0),
            if planes.is_empty() {
                "–".to_string()
            } else {
                planes.join(", ")
            }
        );
        root.fill(&WHITE).map_err(err)?;
        let top = self
            .series
            .iter()
            .flat_map(|s| s.1.iter())
            .fold(0.0f64, |m, x| m.max(*x))
            * 1.05
            + 1e-6;
        let n = self.days.len();
        let mut chart = ChartBuilder::on(root)
            .caption(&title, (FONT, 18))
            .margin(12)
            .margin_right(super::charts::LEGEND_W)
            .x_label_area_size(40)
            .y_label_area_size(64)
            .build_cartesian_2d(0.0..n.max(2) as f64 - 1.0, 0.0..top)
            .map_err(err)?;
        let days = &self.days;
        chart
            .configure_mesh()
            .x_desc("local day")
            .y_desc("irradiation [kWh/m² per day]")
            .x_labels(8)
            .x_label_formatter(&|x| days.get(x.round() as usize).cloned().unwrap_or_default())
            .label_style((FONT, 13))
            .draw()
            .map_err(err)?;
        let colours = [ORANGE, SKY, BLUE, GREEN, PURPLE];
        for ((_, values), colour) in self.series.iter().zip(colours.iter().cycle()) {
            let colour = *colour;
            chart
                .draw_series(LineSeries::new(
                    values.iter().enumerate().map(|(d, v)| (d as f64, *v)),
                    colour.stroke_width(1),
                ))
                .map_err(err)?;
        }
        let entries: Vec<(&str, RGBColor, Mark)> = self
            .series
            .iter()
            .zip(colours.iter().cycle())
            .map(|((label, _), colour)| (label.as_str(), *colour, Mark::Line(3)))
            .collect();
        legend(root, &entries)?;
        Ok(title)
    }
}

/// The weather chart from `weather.csv` text, as SVG, and as PNG into `png_dir` when given.
pub fn weather_chart(text: &str, png_dir: Option<&Path>) -> Result<Chart, String> {
    let daily = DailyIrradiation::from_csv(text)?;
    let png = png_dir.map(|dir| dir.join("weather.png"));
    let (svg, title) = svg_and_png(&daily, png.as_deref())?;
    Ok(Chart {
        name: "weather",
        title,
        svg,
    })
}
