//! The charts of a results folder, drawn with plotters into SVG (and PNG) with the bundled
//! DejaVu Sans font and the Okabe–Ito colour-blind-safe palette.

use std::path::Path;
use std::sync::Once;

use chrono::Duration;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::{FontStyle, register_font};

use super::scaled::Scaled;
use super::time_axis::{Ticked, TimeAxis};
use super::view::View;

/// Okabe & Ito (2008) colours, safe for the common colour-vision deficiencies.
pub(crate) const ORANGE: RGBColor = RGBColor(230, 159, 0);
pub(crate) const SKY: RGBColor = RGBColor(86, 180, 233);
pub(crate) const GREEN: RGBColor = RGBColor(0, 158, 115);
pub(super) const YELLOW: RGBColor = RGBColor(240, 228, 66);
pub(crate) const BLUE: RGBColor = RGBColor(0, 114, 178);
pub(crate) const VERMILLION: RGBColor = RGBColor(213, 94, 0);
pub(crate) const PURPLE: RGBColor = RGBColor(204, 121, 167);

/// Viridis anchors (perceptually uniform, colour-blind safe) for the carpet plot.
const VIRIDIS: [(u8, u8, u8); 5] = [
    (68, 1, 84),
    (59, 82, 139),
    (33, 145, 140),
    (94, 201, 98),
    (253, 231, 37),
];

pub(super) const SIZE: (u32, u32) = (1000, 500);
/// Device pixel ratio of the PNGs: 2 000 × 1 000 pixels of the 1 000 × 500 layout, for print.
pub const PNG_RATIO: u32 = 2;
/// Width (pixels) kept right of a chart's plot for its legend, so it never hides data.
pub(crate) const LEGEND_W: u32 = 200;
pub(crate) const FONT: &str = "sans-serif";

/// A drawn chart: file stem, title and its SVG text.
pub struct Chart {
    pub name: &'static str,
    pub title: String,
    pub svg: String,
}

/// Registers the bundled font once per process (no system font library is needed).
pub(crate) fn register_bundled_font() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // The font is compiled in; a failure here would be a corrupt build.
        let _ = register_font(
            FONT,
            FontStyle::Normal,
            include_bytes!("../../assets/fonts/DejaVuSans.ttf"),
        );
    });
}

crate::options::named_enum! {
    /// The charts a results folder gets, named by file stem (the weather chart, drawn from
    /// `weather.csv` where there is one, is in [`super::weather`]).
    pub enum ChartKind {
        /// The week with the most grid import, every flow stacked.
        DispatchWeek = "dispatch_week",
        /// Stored energy of all batteries.
        StateOfCharge = "state_of_charge",
        /// Grid import by day and local hour.
        ImportCarpet = "import_carpet",
        /// Consumption, net load and grid import, sorted.
        DurationCurves = "duration_curves",
        /// PV used, curtailed, import and export per day (runs of 2 to 45 days).
        DailyBalance = "daily_balance",
        /// PV used, curtailed, import and export per month (runs longer than 45 days).
        MonthlyBalance = "monthly_balance",
    }
}

/// Draws chart `kind` on `area`; returns its title.
fn draw<DB: DrawingBackend>(
    kind: ChartKind,
    area: &DrawingArea<DB, Shift>,
    v: &View,
) -> Result<String, String> {
    match kind {
        ChartKind::DispatchWeek => dispatch(area, v),
        ChartKind::StateOfCharge => state_of_charge(area, v),
        ChartKind::ImportCarpet => import_carpet(area, v),
        ChartKind::DurationCurves => duration_curves(area, v),
        ChartKind::DailyBalance => balance(area, v, Period::Day),
        ChartKind::MonthlyBalance => balance(area, v, Period::Month),
    }
}

/// A chart that draws the same on any plotters backend, returning what it reports.
pub(crate) trait Drawing {
    type Output;
    fn draw_on<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
    ) -> Result<Self::Output, String>;
}

/// Draws `drawing` as SVG (returned with what the drawing reports) and, when `png` is
/// given, as a PNG there.
pub(crate) fn svg_and_png<D: Drawing>(
    drawing: &D,
    png: Option<&Path>,
) -> Result<(String, D::Output), String> {
    register_bundled_font();
    let mut svg = String::new();
    let output = {
        let area = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
        let output = drawing.draw_on(&area)?;
        area.present().map_err(err)?;
        output
    };
    if let Some(path) = png {
        let area = Scaled::new(
            BitMapBackend::new(path, (SIZE.0 * PNG_RATIO, SIZE.1 * PNG_RATIO)),
            PNG_RATIO,
        )
        .into_drawing_area();
        drawing.draw_on(&area)?;
        area.present().map_err(err)?;
    }
    Ok((svg, output))
}

/// One of the results charts.
struct Kind<'a> {
    kind: ChartKind,
    view: &'a View,
}

impl Drawing for Kind<'_> {
    /// The chart's title.
    type Output = String;
    fn draw_on<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Result<String, String> {
        draw(self.kind, area, self.view)
    }
}

/// Whether chart `kind` says something for `v`: the state of charge needs batteries, the
/// carpet at least 3 days, the daily balance 2 to 45 days, the monthly balance more.
fn applies(kind: ChartKind, v: &View) -> bool {
    let days = v.len() as f64 * v.dt / 24.0;
    match kind {
        ChartKind::StateOfCharge => v.soc.is_some(),
        ChartKind::ImportCarpet => days >= 3.0,
        ChartKind::DailyBalance => (2.0..=45.0).contains(&days),
        ChartKind::MonthlyBalance => days > 45.0,
        ChartKind::DispatchWeek | ChartKind::DurationCurves => true,
    }
}

/// Draws every chart that applies (see [`applies`]) as SVG, and as PNG into `png_dir` when
/// given.
pub fn render_all(v: &View, png_dir: Option<&Path>) -> Result<Vec<Chart>, String> {
    let mut out = Vec::new();
    for &kind in ChartKind::ALL.iter().filter(|k| applies(**k, v)) {
        let name = kind.name();
        let png = png_dir.map(|dir| dir.join(format!("{name}.png")));
        let (svg, title) = svg_and_png(&Kind { kind, view: v }, png.as_deref())?;
        out.push(Chart { name, title, svg });
    }
    Ok(out)
}

/// How a legend entry is marked: a filled box (areas, bars) or a line (of that width).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Mark {
    Box,
    Line(u32),
}

/// The legend in the [`LEGEND_W`] pixels right of the plot (the chart keeps them free with
/// `ChartBuilder::margin_right(LEGEND_W)`), top-aligned with it: never over the data.
pub(crate) fn legend<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    entries: &[(&str, RGBColor, Mark)],
) -> Result<(), String> {
    let (width, _) = root.dim_in_pixel();
    let (x, top) = (width as i32 - LEGEND_W as i32 + 14, 44);
    for (i, (name, colour, mark)) in entries.iter().enumerate() {
        let y = top + 20 * i as i32;
        match mark {
            Mark::Box => root
                .draw(&Rectangle::new(
                    [(x, y - 6), (x + 14, y + 6)],
                    colour.filled(),
                ))
                .map_err(err)?,
            Mark::Line(w) => root
                .draw(&PathElement::new(
                    vec![(x, y), (x + 14, y)],
                    colour.stroke_width(*w),
                ))
                .map_err(err)?,
        }
        root.draw(&Text::new(
            name.to_string(),
            (x + 20, y),
            TextStyle::from((FONT, 13).into_font()).pos(plotters::style::text_anchor::Pos::new(
                plotters::style::text_anchor::HPos::Left,
                plotters::style::text_anchor::VPos::Center,
            )),
        ))
        .map_err(err)?;
    }
    Ok(())
}

pub(crate) fn err<E: std::fmt::Display>(e: E) -> String {
    e.to_string()
}

/// The span of steps `a..b` in words: `Sun 1 Jun 2025`, `14–20 Jul 2025`, `1 Jan 2025 to
/// 31 Dec 2025`.
fn span_label(v: &View, a: usize, b: usize) -> String {
    let (first, last) = (v.time[a], v.time[b - 1]);
    if first.date_naive() == last.date_naive() {
        first.format("%a %-d %b %Y").to_string()
    } else if first.format("%b %Y").to_string() == last.format("%b %Y").to_string() {
        format!("{}–{}", first.format("%-d"), last.format("%-d %b %Y"))
    } else {
        format!(
            "{} to {}",
            first.format("%-d %b %Y"),
            last.format("%-d %b %Y")
        )
    }
}

/// Stacked dispatch of the week with the most import: supply above zero, sinks below,
/// consumption as a line.
fn dispatch<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, v: &View) -> Result<String, String> {
    let (a, b) = v.busiest_week();
    let title = if (a, b) == (0, v.len()) {
        format!("Dispatch, {}", span_label(v, a, b))
    } else {
        format!(
            "Dispatch, {} (the week with the most grid import)",
            span_label(v, a, b)
        )
    };
    root.fill(&WHITE).map_err(err)?;
    let xs: Vec<f64> = (a..b).map(|t| (t - a) as f64 * v.dt / 24.0).collect();
    let mut above = vec![("PV output", &v.pv, ORANGE)];
    if let Some(generation) = &v.generation {
        above.push(("generator output", generation, PURPLE));
    }
    above.extend([
        ("battery discharge", &v.discharge, GREEN),
        ("grid import", &v.import, BLUE),
    ]);
    let below = [
        ("battery charge", &v.charge, SKY),
        ("grid export", &v.export, VERMILLION),
        ("PV curtailed", &v.curtailment, YELLOW),
    ];
    let stack = |layers: &[(&str, &Vec<f64>, RGBColor)], sign: f64| -> Vec<Vec<f64>> {
        let mut total = vec![0.0; b - a];
        layers
            .iter()
            .map(|(_, series, _)| {
                for (k, t) in (a..b).enumerate() {
                    total[k] += sign * series[t];
                }
                total.clone()
            })
            .collect()
    };
    let (up, down) = (stack(&above, 1.0), stack(&below, -1.0));
    let top = up[up.len() - 1]
        .iter()
        .chain(&v.consumption[a..b])
        .fold(0.0f64, |m, x| m.max(*x))
        * 1.05
        + 1e-6;
    let bottom = down[down.len() - 1].iter().fold(0.0f64, |m, x| m.min(*x)) * 1.05 - 1e-6;
    let days = xs.last().copied().unwrap_or(1.0) + v.dt / 24.0;
    let axis = TimeAxis::new(v.time[a], days);
    let mut chart = ChartBuilder::on(root)
        .caption(&title, (FONT, 20))
        .margin(12)
        .margin_right(LEGEND_W)
        .x_label_area_size(40)
        .y_label_area_size(64)
        .build_cartesian_2d(Ticked::new(0.0..days, axis.ticks.clone()), bottom..top)
        .map_err(err)?;
    chart
        .configure_mesh()
        .x_desc(&axis.description)
        .y_desc("power [MW]")
        .x_labels(axis.ticks.len() + 1)
        .x_label_formatter(&|x| axis.label(v.time[a], *x))
        .label_style((FONT, 13))
        .draw()
        .map_err(err)?;
    // Each layer is the band between the cumulative sums below and above it.
    for (layers, cumulative) in [(&above[..], &up), (&below[..], &down)] {
        for (i, (_, _, colour)) in layers.iter().enumerate() {
            let colour = *colour;
            let lower = |k: usize| if i == 0 { 0.0 } else { cumulative[i - 1][k] };
            // Each step's value holds over its interval: stairs, not a line between starts.
            let step = v.dt / 24.0;
            let band: Vec<(f64, f64)> = (0..xs.len())
                .flat_map(|k| [(xs[k], cumulative[i][k]), (xs[k] + step, cumulative[i][k])])
                .chain(
                    (0..xs.len())
                        .rev()
                        .flat_map(|k| [(xs[k] + step, lower(k)), (xs[k], lower(k))]),
                )
                .collect();
            chart
                .draw_series(std::iter::once(Polygon::new(band, colour.filled())))
                .map_err(err)?;
        }
    }
    let step = v.dt / 24.0;
    let load = xs
        .iter()
        .zip(&v.consumption[a..b])
        .flat_map(|(x, c)| [(*x, *c), (x + step, *c)]);
    chart
        .draw_series(LineSeries::new(load, BLACK.stroke_width(2)))
        .map_err(err)?;
    let entries: Vec<(&str, RGBColor, Mark)> = above
        .iter()
        .chain(&below)
        .map(|(name, _, colour)| (*name, *colour, Mark::Box))
        .chain([("consumption", BLACK, Mark::Line(2))])
        .collect();
    legend(root, &entries)?;
    Ok(title)
}

/// Averages of `values` over consecutive chunks so at most `max` points remain.
fn thin(values: &[f64], max: usize) -> (usize, Vec<f64>) {
    let chunk = values.len().div_ceil(max).max(1);
    (
        chunk,
        values
            .chunks(chunk)
            .map(|c| c.iter().sum::<f64>() / c.len() as f64)
            .collect(),
    )
}

fn state_of_charge<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    v: &View,
) -> Result<String, String> {
    let title = "Battery state of charge".to_string();
    let soc = v.soc.as_deref().unwrap_or_default();
    root.fill(&WHITE).map_err(err)?;
    let (chunk, points) = thin(soc, 3000);
    let days = v.len() as f64 * v.dt / 24.0;
    let top = points.iter().fold(0.0f64, |m, x| m.max(*x)) * 1.1 + 1e-6;
    let axis = TimeAxis::new(v.time[0], days);
    let mut chart = ChartBuilder::on(root)
        .caption(&title, (FONT, 20))
        .margin(12)
        .margin_right(LEGEND_W)
        .x_label_area_size(40)
        .y_label_area_size(64)
        .build_cartesian_2d(Ticked::new(0.0..days, axis.ticks.clone()), 0.0..top)
        .map_err(err)?;
    chart
        .configure_mesh()
        .x_desc(&axis.description)
        .y_desc("stored energy [MWh]")
        .x_labels(axis.ticks.len() + 1)
        .x_label_formatter(&|x| axis.label(v.time[0], *x))
        .label_style((FONT, 13))
        .draw()
        .map_err(err)?;
    // The stored energy is at the end of each step (of each chunk, where thinned).
    let step_days = chunk as f64 * v.dt / 24.0;
    chart
        .draw_series(LineSeries::new(
            points
                .iter()
                .enumerate()
                .map(|(i, s)| ((i + 1) as f64 * step_days, *s)),
            GREEN.stroke_width(1),
        ))
        .map_err(err)?;
    Ok(title)
}

/// Colour of `x` in 0..1 on the viridis scale.
pub(crate) fn viridis(x: f64) -> RGBColor {
    let x = x.clamp(0.0, 1.0) * (VIRIDIS.len() - 1) as f64;
    let i = (x.floor() as usize).min(VIRIDIS.len() - 2);
    let f = x - i as f64;
    let (a, b) = (VIRIDIS[i], VIRIDIS[i + 1]);
    let mix = |p: u8, q: u8| (p as f64 + (q as f64 - p as f64) * f).round() as u8;
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

/// Grid import by day (x) and local time of day (y), hourly cells.
fn import_carpet<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    v: &View,
) -> Result<String, String> {
    let title = "Grid import by day and local time of day".to_string();
    root.fill(&WHITE).map_err(err)?;
    let (plot, legend) = root.split_horizontally(SIZE.0 - 110);
    let cell_hours = v.dt.max(1.0);
    let mut cells: std::collections::BTreeMap<(i64, i64), (f64, usize)> =
        std::collections::BTreeMap::new();
    for t in 0..v.len() {
        let (day, hour) = v.day_and_hour(t);
        let e = cells
            .entry((day, (hour / cell_hours).floor() as i64))
            .or_insert((0.0, 0));
        e.0 += v.import[t];
        e.1 += 1;
    }
    let days = cells.keys().map(|k| k.0).max().unwrap_or(0) + 1;
    let peak = cells
        .values()
        .map(|(s, n)| s / *n as f64)
        .fold(0.0f64, f64::max)
        .max(1e-9);
    // Day d's column spans d..d+1 from the first local midnight.
    let first = v.time[0]
        - Duration::seconds(chrono::Timelike::num_seconds_from_midnight(&v.time[0]) as i64);
    let axis = TimeAxis::new(first, days as f64);
    let mut chart = ChartBuilder::on(&plot)
        .caption(&title, (FONT, 20))
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(50)
        .build_cartesian_2d(
            Ticked::new(0.0..days as f64, axis.ticks.clone()),
            Ticked::new(
                0.0..24.0,
                vec![0.0, 3.0, 6.0, 9.0, 12.0, 15.0, 18.0, 21.0, 24.0],
            ),
        )
        .map_err(err)?;
    chart
        .configure_mesh()
        .disable_mesh()
        .x_desc(&axis.description)
        .y_desc("local hour")
        .x_labels(axis.ticks.len() + 1)
        .x_label_formatter(&|x| axis.label(first, *x))
        .y_labels(10)
        .y_label_formatter(&|h| format!("{h:02.0}:00"))
        .label_style((FONT, 13))
        .draw()
        .map_err(err)?;
    chart
        .draw_series(cells.iter().map(|((d, h), (s, n))| {
            let (x, y) = (*d as f64, *h as f64 * cell_hours);
            Rectangle::new(
                [(x, y), (x + 1.0, y + cell_hours)],
                viridis(s / *n as f64 / peak).filled(),
            )
        }))
        .map_err(err)?;
    // Colour scale.
    let mut scale = ChartBuilder::on(&legend)
        .margin_top(60)
        .margin_bottom(50)
        .margin_right(10)
        .y_label_area_size(55)
        .caption("MW", (FONT, 14))
        .build_cartesian_2d(0.0..1.0, 0.0..peak)
        .map_err(err)?;
    scale
        .configure_mesh()
        .disable_mesh()
        .disable_x_axis()
        .label_style((FONT, 12))
        .draw()
        .map_err(err)?;
    scale
        .draw_series((0..100).map(|i| {
            let (y0, y1) = (peak * i as f64 / 100.0, peak * (i + 1) as f64 / 100.0);
            Rectangle::new([(0.0, y0), (1.0, y1)], viridis(i as f64 / 99.0).filled())
        }))
        .map_err(err)?;
    Ok(title)
}

/// Load, net load (consumption − PV) and grid import sorted from highest to lowest.
fn duration_curves<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    v: &View,
) -> Result<String, String> {
    let title = "Duration curves".to_string();
    root.fill(&WHITE).map_err(err)?;
    let net: Vec<f64> = v
        .consumption
        .iter()
        .zip(&v.pv)
        .map(|(c, p)| c - p)
        .collect();
    let curves = [
        ("consumption", v.consumption.clone(), BLACK),
        ("net load (consumption − PV)", net, PURPLE),
        ("grid import", v.import.clone(), BLUE),
    ];
    let sorted: Vec<Vec<f64>> = curves
        .iter()
        .map(|(_, s, _)| {
            let mut s = s.clone();
            s.sort_by(|a, b| b.total_cmp(a));
            s
        })
        .collect();
    let top = sorted
        .iter()
        .flat_map(|s| s.first())
        .fold(0.0f64, |m, x| m.max(*x))
        * 1.05
        + 1e-6;
    let bottom = sorted
        .iter()
        .flat_map(|s| s.last())
        .fold(0.0f64, |m, x| m.min(*x))
        * 1.05;
    let mut chart = ChartBuilder::on(root)
        .caption(&title, (FONT, 20))
        .margin(12)
        .margin_right(LEGEND_W)
        .x_label_area_size(40)
        .y_label_area_size(64)
        .build_cartesian_2d(0.0..100.0, bottom..top)
        .map_err(err)?;
    chart
        .configure_mesh()
        .x_desc("share of time [%]")
        .y_desc("power [MW]")
        .label_style((FONT, 13))
        .draw()
        .map_err(err)?;
    for ((_, _, colour), s) in curves.iter().zip(&sorted) {
        let n = s.len();
        let points = (0..=1000).map(|i| {
            let k = (i * (n - 1)) / 1000;
            (100.0 * k as f64 / (n - 1).max(1) as f64, s[k])
        });
        let colour = *colour;
        chart
            .draw_series(LineSeries::new(points, colour.stroke_width(2)))
            .map_err(err)?;
    }
    let entries: Vec<(&str, RGBColor, Mark)> = curves
        .iter()
        .map(|(name, _, colour)| (*name, *colour, Mark::Line(2)))
        .collect();
    legend(root, &entries)?;
    Ok(title)
}

/// The period a balance chart sums over.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Period {
    Day,
    Month,
}

/// Energy per local day or calendar month: PV used on site, PV curtailed, grid import and
/// export. A period the run covers only in part is labelled with the days it covers
/// (`14–31 Jul`), so its smaller bars are not read as a whole month's.
fn balance<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    v: &View,
    period: Period,
) -> Result<String, String> {
    let title = match period {
        Period::Day => "Daily energy balance",
        Period::Month => "Monthly energy balance",
    }
    .to_string();
    root.fill(&WHITE).map_err(err)?;
    // (key, first step, last step, energies)
    let mut groups: Vec<(i64, usize, usize, [f64; 4])> = Vec::new();
    for t in 0..v.len() {
        let key = match period {
            Period::Day => v.day_and_hour(t).0,
            Period::Month => v.month(t) as i64,
        };
        if groups.last().is_none_or(|last| last.0 != key) {
            groups.push((key, t, t, [0.0; 4]));
        }
        let g = groups.last_mut().expect("pushed");
        g.2 = t;
        let e = &mut g.3;
        e[0] += (v.pv[t] - v.export[t]).max(0.0) * v.dt;
        e[1] += v.curtailment[t] * v.dt;
        e[2] += v.import[t] * v.dt;
        e[3] += v.export[t] * v.dt;
    }
    let steps_per_day = (24.0 / v.dt).round().max(1.0) as usize;
    let labels: Vec<String> = groups
        .iter()
        .map(|(_, a, b, _)| {
            let (first, last) = (v.time[*a], v.time[*b]);
            match period {
                Period::Day if b - a + 1 < steps_per_day => {
                    format!("{} (part)", first.format("%a %-d %b"))
                }
                Period::Day => first.format("%a %-d %b").to_string(),
                Period::Month => {
                    let next = last + Duration::seconds((v.dt * 3600.0).round() as i64);
                    let whole = first.format("%d %H:%M").to_string() == "01 00:00"
                        && next.format("%d %H:%M").to_string() == "01 00:00";
                    if whole {
                        first.format("%b %Y").to_string()
                    } else {
                        format!("{}–{}", first.format("%-d"), last.format("%-d %b"))
                    }
                }
            }
        })
        .collect();
    let top = groups.iter().flat_map(|g| g.3).fold(0.0f64, f64::max) * 1.1 + 1e-6;
    let names = [
        ("PV used on site", ORANGE),
        ("PV curtailed", YELLOW),
        ("grid import", BLUE),
        ("grid export", VERMILLION),
    ];
    let mut chart = ChartBuilder::on(root)
        .caption(&title, (FONT, 20))
        .margin(12)
        .margin_right(LEGEND_W)
        .x_label_area_size(40)
        .y_label_area_size(70)
        .build_cartesian_2d(
            Ticked::new(
                -0.5..groups.len() as f64 - 0.5,
                (0..groups.len()).map(|i| i as f64).collect(),
            ),
            0.0..top,
        )
        .map_err(err)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(groups.len() + 1)
        .x_label_formatter(&|x| labels.get(x.round() as usize).cloned().unwrap_or_default())
        .x_desc("local time")
        .y_desc("energy [MWh]")
        .label_style((FONT, 13))
        .draw()
        .map_err(err)?;
    for (k, (_, colour)) in names.iter().enumerate() {
        let colour = *colour;
        chart
            .draw_series(groups.iter().enumerate().map(|(i, g)| {
                let x0 = i as f64 - 0.4 + 0.2 * k as f64;
                Rectangle::new([(x0, 0.0), (x0 + 0.18, g.3[k])], colour.filled())
            }))
            .map_err(err)?;
    }
    let entries: Vec<(&str, RGBColor, Mark)> = names
        .iter()
        .map(|(name, colour)| (*name, *colour, Mark::Box))
        .collect();
    legend(root, &entries)?;
    Ok(title)
}

/// One strategy's headline figures for `vppsim compare`.
pub struct StrategyFigures {
    pub name: String,
    pub import_mwh: f64,
    /// Total cost, in `currency`.
    pub cost_cny: f64,
    pub currency: crate::currency::Currency,
    pub co2_t: Option<f64>,
}

/// Bars per strategy of grid import, total cost and CO2, side by side; returns the SVG and
/// writes the PNG to `png` when given.
pub fn kpi_bars(rows: &[StrategyFigures], png: Option<&Path>) -> Result<String, String> {
    svg_and_png(&KpiBars(rows), png).map(|(svg, ())| svg)
}

struct KpiBars<'a>(&'a [StrategyFigures]);

impl Drawing for KpiBars<'_> {
    type Output = ();
    fn draw_on<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Result<(), String> {
        draw_kpi_bars(area, self.0)
    }
}

/// Reads one figure of a strategy.
type Figure = fn(&StrategyFigures) -> Option<f64>;

fn draw_kpi_bars<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    rows: &[StrategyFigures],
) -> Result<(), String> {
    root.fill(&WHITE).map_err(err)?;
    let root = root
        .titled("Strategies compared on the same scenario", (FONT, 20))
        .map_err(err)?;
    let panels = root.split_evenly((1, 3));
    let cost = format!(
        "total cost [{}]",
        rows.first().map(|r| r.currency).unwrap_or_default()
    );
    let metrics: [(&str, RGBColor, Figure); 3] = [
        ("grid import [MWh]", BLUE, |r| Some(r.import_mwh)),
        (&cost, ORANGE, |r| Some(r.cost_cny)),
        ("CO2 [t]", GREEN, |r| r.co2_t),
    ];
    let names: Vec<&str> = rows.iter().map(|r| r.name.as_str()).collect();
    for (panel, (label, colour, value)) in panels.iter().zip(metrics) {
        let values: Vec<f64> = rows.iter().map(|r| value(r).unwrap_or(0.0)).collect();
        let top = values.iter().copied().fold(0.0f64, f64::max) * 1.1 + 1e-9;
        let mut chart = ChartBuilder::on(panel)
            .margin(10)
            .x_label_area_size(30)
            .y_label_area_size(70)
            .caption(label, (FONT, 15))
            .build_cartesian_2d(-0.5..rows.len() as f64 - 0.5, 0.0..top)
            .map_err(err)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(rows.len())
            .x_label_formatter(&|x| {
                names
                    .get(x.round() as usize)
                    .map(|n| n.to_string())
                    .unwrap_or_default()
            })
            .label_style((FONT, 12))
            .draw()
            .map_err(err)?;
        chart
            .draw_series(values.iter().enumerate().map(|(i, v)| {
                Rectangle::new(
                    [(i as f64 - 0.35, 0.0), (i as f64 + 0.35, *v)],
                    colour.filled(),
                )
            }))
            .map_err(err)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charts_draw_for_five_minute_steps_and_a_single_day() {
        let mut csv = String::from(
            "timestamp,pv.power [MW],pv.curtailment [MW],site.consumption [MW],grid.import [MW],grid.export [MW]\n",
        );
        for k in 0..288 {
            let t = chrono::DateTime::parse_from_rfc3339("2025-03-01T00:00:00+08:00").unwrap()
                + Duration::minutes(5 * k);
            let pv = (1.0 - ((k as f64 - 144.0) / 60.0).powi(2)).max(0.0);
            let _ = writeln_csv(
                &mut csv,
                &t.to_rfc3339(),
                &[pv, 0.0, 1.0, (1.0 - pv).max(0.0), (pv - 1.0).max(0.0)],
            );
        }
        let roles = [
            ("pv.power [MW]", "supply"),
            ("pv.curtailment [MW]", "curtailment"),
        ];
        let view = View::from_csv(&csv, &roles).unwrap();
        let charts = render_all(&view, None).unwrap();
        let names: Vec<_> = charts.iter().map(|c| c.name).collect();
        // A single day: no carpet (one column) and no daily or monthly bars (one group).
        assert_eq!(names, ["dispatch_week", "duration_curves"]);
        assert_eq!(charts[0].title, "Dispatch, Sat 1 Mar 2025");
        // Its time axis shows hours, not the date again and again.
        assert!(charts[0].svg.contains(">\n06:00\n<") && charts[0].svg.contains(">\n21:00\n<"));
        assert!(
            charts
                .iter()
                .all(|c| c.svg.contains("<svg") && c.svg.contains("</svg>"))
        );
    }

    fn writeln_csv(out: &mut String, stamp: &str, values: &[f64]) -> std::fmt::Result {
        use std::fmt::Write as _;
        write!(out, "{stamp}")?;
        for v in values {
            write!(out, ",{v}")?;
        }
        writeln!(out)
    }
}
