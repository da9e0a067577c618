//! The VPP's aggregate chart: each site's grid import stacked (the largest seven by energy,
//! the rest as one grey band), the baseline events are measured against, and each event's
//! span (shaded) with its cap. Headroom above the data keeps the legend clear of it.

use std::path::Path;

use chrono::{DateTime, FixedOffset};
use plotters::coord::Shift;
use plotters::prelude::*;

use super::charts::{
    BLUE, Drawing, FONT, GREEN, Mark, ORANGE, PURPLE, SKY, VERMILLION, YELLOW, err, legend,
    svg_and_png,
};

/// What the chart shows, per step (MW).
pub struct FleetImport<'a> {
    pub start: DateTime<FixedOffset>,
    pub dt_hours: f64,
    /// Each site's name and import.
    pub sites: Vec<(&'a str, &'a [f64])>,
    pub baseline: Option<&'a [f64]>,
    /// Each event's steps `start..end` and its cap per step.
    pub events: Vec<(usize, usize, Vec<f64>)>,
}

const BANDS: [RGBColor; 7] = [BLUE, ORANGE, GREEN, SKY, VERMILLION, PURPLE, YELLOW];
const OTHERS: RGBColor = RGBColor(160, 160, 160);

/// Draws the chart as SVG (returned) and as PNG at `png` when given.
pub fn aggregate_import(f: &FleetImport, png: Option<&Path>) -> Result<String, String> {
    svg_and_png(f, png).map(|(svg, ())| svg)
}

impl Drawing for FleetImport<'_> {
    type Output = ();
    fn draw_on<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Result<(), String> {
        draw(area, self)
    }
}

/// The bands to stack: the seven largest importers, then all others summed.
fn bands<'a>(f: &FleetImport<'a>) -> Vec<(String, Vec<f64>, RGBColor)> {
    let mut order: Vec<usize> = (0..f.sites.len()).collect();
    let energy = |i: usize| f.sites[i].1.iter().sum::<f64>();
    order.sort_by(|&a, &b| energy(b).total_cmp(&energy(a)));
    let mut out: Vec<(String, Vec<f64>, RGBColor)> = order
        .iter()
        .take(BANDS.len())
        .zip(BANDS)
        .map(|(&i, colour)| (f.sites[i].0.to_string(), f.sites[i].1.to_vec(), colour))
        .collect();
    if order.len() > BANDS.len() {
        let n = f.sites.first().map_or(0, |s| s.1.len());
        let mut rest = vec![0.0; n];
        for &i in &order[BANDS.len()..] {
            for (r, v) in rest.iter_mut().zip(f.sites[i].1) {
                *r += v;
            }
        }
        let others = &order[BANDS.len()..];
        let label = match others {
            [one] => f.sites[*one].0.to_string(),
            _ => format!("{} other sites", others.len()),
        };
        out.push((label, rest, OTHERS));
    }
    out
}

fn draw<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, f: &FleetImport) -> Result<(), String> {
    root.fill(&WHITE).map_err(err)?;
    let n = f.sites.first().map_or(0, |s| s.1.len());
    let days = n as f64 * f.dt_hours / 24.0;
    let x = |t: usize| t as f64 * f.dt_hours / 24.0;
    let bands = bands(f);
    let mut cumulative = vec![0.0; n];
    let stacked: Vec<Vec<f64>> = bands
        .iter()
        .map(|(_, series, _)| {
            for (c, v) in cumulative.iter_mut().zip(series) {
                *c += v;
            }
            cumulative.clone()
        })
        .collect();
    let top = cumulative
        .iter()
        .chain(f.baseline.unwrap_or(&[]))
        .fold(0.0f64, |m, v| m.max(*v))
        * 1.05
        + 1e-6;
    let axis = super::time_axis::TimeAxis::new(f.start, days.max(1e-9));
    use super::time_axis::Ticked;
    let mut chart = ChartBuilder::on(root)
        .caption(
            "VPP grid import by site, with the baseline and events",
            (FONT, 20),
        )
        .margin(12)
        .margin_right(super::charts::LEGEND_W)
        .x_label_area_size(40)
        .y_label_area_size(64)
        .build_cartesian_2d(
            Ticked::new(0.0..days.max(1e-9), axis.ticks.clone()),
            0.0..top,
        )
        .map_err(err)?;
    chart
        .configure_mesh()
        .x_desc(&axis.description)
        .y_desc("import [MW]")
        .x_labels(axis.ticks.len() + 1)
        .x_label_formatter(&|x| axis.label(f.start, *x))
        .label_style((FONT, 13))
        .draw()
        .map_err(err)?;
    for (event_start, event_end, _) in &f.events {
        let span = [(x(*event_start), 0.0), (x(*event_end), top)];
        chart
            .draw_series(std::iter::once(Rectangle::new(
                span,
                RGBColor(255, 230, 200).filled(),
            )))
            .map_err(err)?;
    }
    for (i, (_, _, colour)) in bands.iter().enumerate() {
        let colour = *colour;
        let lower = |k: usize| if i == 0 { 0.0 } else { stacked[i - 1][k] };
        let band: Vec<(f64, f64)> = (0..n)
            .map(|k| (x(k), stacked[i][k]))
            .chain((0..n).rev().map(|k| (x(k), lower(k))))
            .collect();
        chart
            .draw_series(std::iter::once(Polygon::new(band, colour.filled())))
            .map_err(err)?;
    }
    let mut entries: Vec<(&str, RGBColor, Mark)> = bands
        .iter()
        .map(|(name, _, colour)| (name.as_str(), *colour, Mark::Box))
        .collect();
    if let Some(baseline) = f.baseline {
        let line = baseline.iter().enumerate().map(|(t, v)| (x(t), *v));
        chart
            .draw_series(DashedLineSeries::new(line, 6, 4, BLACK.stroke_width(2)))
            .map_err(err)?;
        entries.push(("baseline", BLACK, Mark::Line(2)));
    }
    for (k, (event_start, _, caps)) in f.events.iter().enumerate() {
        let steps = caps.iter().enumerate().flat_map(|(j, cap)| {
            let t = event_start + j;
            [(x(t), *cap), (x(t + 1), *cap)]
        });
        chart
            .draw_series(LineSeries::new(steps, RED.stroke_width(3)))
            .map_err(err)?;
        if k == 0 {
            entries.push(("event cap", RED, Mark::Line(3)));
        }
    }
    legend(root, &entries)
}
