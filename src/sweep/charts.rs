//! The sensitivity charts of a sweep, drawn with plotters (bundled font, Okabe–Ito
//! colours, viridis for the heat map): tornado, heat map and box plots. Each takes data
//! already reduced (see `report`) and a unit for every axis.

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::report::charts::{BLUE, Drawing, FONT, ORANGE, err, viridis};

/// One bar of a tornado: a parameter, the KPI's change from the base case at its lowest
/// and highest effect, and the parameter values that gave them.
#[derive(Debug, Clone, PartialEq)]
pub struct TornadoBar {
    pub parameter: String,
    pub low: f64,
    pub high: f64,
    pub low_value: String,
    pub high_value: String,
}

/// A tornado chart: bars sorted by their span, widest on top; x is the change of the KPI
/// from its base-case value `base` (in `unit`).
pub struct Tornado {
    pub title: String,
    pub kpi: String,
    pub unit: String,
    pub base: f64,
    pub bars: Vec<TornadoBar>,
}

impl Drawing for Tornado {
    type Output = ();
    fn draw_on<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        root.fill(&WHITE).map_err(err)?;
        let root = root.titled(&self.title, (FONT, 18)).map_err(err)?;
        let mut bars = self.bars.clone();
        bars.sort_by(|a, b| (b.high - b.low).total_cmp(&(a.high - a.low)));
        // No effect at all still gets a readable axis: ±1 % of the base value.
        let widest = bars
            .iter()
            .flat_map(|b| [b.low.abs(), b.high.abs()])
            .fold(0.0f64, f64::max);
        let reach = if widest > 0.0 {
            widest * 1.25
        } else {
            (self.base.abs() * 0.01).max(1e-3)
        };
        let n = bars.len();
        let labels: Vec<String> = bars.iter().map(|b| b.parameter.clone()).collect();
        let mut chart = ChartBuilder::on(&root)
            .margin(15)
            .x_label_area_size(45)
            .y_label_area_size(260)
            .build_cartesian_2d(-reach..reach, -0.5..n as f64 - 0.5)
            .map_err(err)?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .y_labels(n.max(1))
            .y_label_formatter(&|y| {
                let i = y.round();
                if (y - i).abs() > 1e-6 || i < 0.0 {
                    return String::new();
                }
                // Widest bar on top: row n − 1 − i.
                labels
                    .get(n.wrapping_sub(1).wrapping_sub(i as usize))
                    .cloned()
                    .unwrap_or_default()
            })
            .light_line_style(WHITE)
            .x_labels(7)
            .x_label_formatter(&|x| format_value(*x))
            .x_desc(format!(
                "change of {} from the base case ({} {}) [{}]",
                self.kpi,
                format_value(self.base),
                self.unit,
                self.unit
            ))
            .label_style((FONT, 13))
            .axis_desc_style((FONT, 14))
            .draw()
            .map_err(err)?;
        for (i, b) in bars.iter().enumerate() {
            let y = (n - 1 - i) as f64;
            chart
                .draw_series([
                    Rectangle::new([(0.0, y - 0.35), (b.low.min(0.0), y + 0.35)], BLUE.filled()),
                    Rectangle::new(
                        [(0.0, y - 0.35), (b.high.max(0.0), y + 0.35)],
                        ORANGE.filled(),
                    ),
                ])
                .map_err(err)?;
            let text = |x: f64, value: &str, left: bool| {
                let style = (FONT, 12).into_font().color(&BLACK).pos(
                    plotters::style::text_anchor::Pos::new(
                        if left {
                            plotters::style::text_anchor::HPos::Right
                        } else {
                            plotters::style::text_anchor::HPos::Left
                        },
                        plotters::style::text_anchor::VPos::Center,
                    ),
                );
                Text::new(value.to_string(), (x, y), style)
            };
            let pad = reach * 0.01;
            chart
                .draw_series([
                    text(b.low.min(0.0) - pad, &b.low_value, true),
                    text(b.high.max(0.0) + pad, &b.high_value, false),
                ])
                .map_err(err)?;
        }
        chart
            .draw_series(LineSeries::new(
                [(0.0, -0.5), (0.0, n as f64 - 0.5)],
                BLACK.stroke_width(1),
            ))
            .map_err(err)?;
        Ok(())
    }
}

/// A heat map of a KPI over two parameters' values (categories, in the sweep's order).
pub struct HeatMap {
    pub title: String,
    pub x_label: String,
    pub y_label: String,
    pub x: Vec<String>,
    pub y: Vec<String>,
    /// `values[j][i]`: at `y[j]`, `x[i]`; `None` where no case finished.
    pub values: Vec<Vec<Option<f64>>>,
    pub kpi: String,
    pub unit: String,
}

impl Drawing for HeatMap {
    type Output = ();
    fn draw_on<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        root.fill(&WHITE).map_err(err)?;
        let root = root.titled(&self.title, (FONT, 18)).map_err(err)?;
        let (plot, legend) = root.split_horizontally(870);
        let all: Vec<f64> = self.values.iter().flatten().flatten().copied().collect();
        let lo = all.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = all.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let span = if hi > lo { hi - lo } else { 1.0 };
        let (nx, ny) = (self.x.len(), self.y.len());
        let mut chart = ChartBuilder::on(&plot)
            .margin(15)
            .x_label_area_size(45)
            .y_label_area_size(90)
            .build_cartesian_2d(-0.5..nx as f64 - 0.5, -0.5..ny as f64 - 0.5)
            .map_err(err)?;
        let category = |labels: &[String], v: f64| {
            let i = v.round();
            if (v - i).abs() > 1e-6 || i < 0.0 {
                return String::new();
            }
            labels.get(i as usize).cloned().unwrap_or_default()
        };
        chart
            .configure_mesh()
            .disable_mesh()
            .x_labels(nx.max(1))
            .y_labels(ny.max(1))
            .x_label_formatter(&|v| category(&self.x, *v))
            .y_label_formatter(&|v| category(&self.y, *v))
            .x_desc(&self.x_label)
            .light_line_style(WHITE)
            .y_label_formatter(&|y| format_value(*y))
            .y_desc(&self.y_label)
            .label_style((FONT, 13))
            .axis_desc_style((FONT, 14))
            .draw()
            .map_err(err)?;
        for (j, row) in self.values.iter().enumerate() {
            for (i, v) in row.iter().enumerate() {
                let (x, y) = (i as f64, j as f64);
                let colour = v.map_or(RGBColor(220, 220, 220), |v| viridis((v - lo) / span));
                chart
                    .draw_series([Rectangle::new(
                        [(x - 0.5, y - 0.5), (x + 0.5, y + 0.5)],
                        colour.filled(),
                    )])
                    .map_err(err)?;
                let dark = v.is_some_and(|v| (v - lo) / span < 0.6);
                let ink = if dark { WHITE } else { BLACK };
                let style =
                    (FONT, 13)
                        .into_font()
                        .color(&ink)
                        .pos(plotters::style::text_anchor::Pos::new(
                            plotters::style::text_anchor::HPos::Center,
                            plotters::style::text_anchor::VPos::Center,
                        ));
                let text = v.map_or("n/a".to_string(), format_value);
                chart
                    .draw_series([Text::new(text, (x, y), style)])
                    .map_err(err)?;
            }
        }
        colour_bar(&legend, lo, hi, &format!("{} [{}]", self.kpi, self.unit))
    }
}

/// A vertical viridis scale from `lo` (bottom) to `hi` with its label.
fn colour_bar<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    lo: f64,
    hi: f64,
    label: &str,
) -> Result<(), String> {
    let (lo, hi) = if hi > lo {
        (lo, hi)
    } else {
        (lo - 0.5, lo + 0.5)
    };
    let mut chart = ChartBuilder::on(area)
        .margin_top(15)
        .margin_bottom(60)
        .margin_right(5)
        .y_label_area_size(70)
        .build_cartesian_2d(0.0..1.0, lo..hi)
        .map_err(err)?;
    chart
        .configure_mesh()
        .disable_mesh()
        .disable_x_axis()
        .y_labels(6)
        .y_desc(label)
        .label_style((FONT, 11))
        .axis_desc_style((FONT, 12))
        .draw()
        .map_err(err)?;
    let steps = 50;
    chart
        .draw_series((0..steps).map(|k| {
            let a = lo + (hi - lo) * k as f64 / steps as f64;
            let b = lo + (hi - lo) * (k + 1) as f64 / steps as f64;
            Rectangle::new(
                [(0.0, a), (1.0, b)],
                viridis((k as f64 + 0.5) / steps as f64).filled(),
            )
        }))
        .map_err(err)?;
    Ok(())
}

/// Box plots of a KPI's distribution per group (e.g. strategy across seeds): box from
/// the first to the third quartile, line at the median, whiskers to the extremes, every
/// value as a dot.
pub struct Boxes {
    pub title: String,
    pub y_label: String,
    /// Group name and its values.
    pub groups: Vec<(String, Vec<f64>)>,
}

/// Quantile `q` of sorted `v`, linear between order statistics (Hyndman–Fan type 7, as
/// numpy's default).
pub fn quantile(v: &[f64], q: f64) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    let h = (v.len() - 1) as f64 * q;
    let (i, f) = (h.floor() as usize, h - h.floor());
    let next = v[(i + 1).min(v.len() - 1)];
    v[i] + (next - v[i]) * f
}

impl Drawing for Boxes {
    type Output = ();
    fn draw_on<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        root.fill(&WHITE).map_err(err)?;
        let root = root.titled(&self.title, (FONT, 18)).map_err(err)?;
        let all: Vec<f64> = self
            .groups
            .iter()
            .flat_map(|g| g.1.iter().copied())
            .collect();
        let lo = all.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = all.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let pad = ((hi - lo) * 0.08).max(hi.abs().max(1.0) * 1e-6);
        let n = self.groups.len();
        let names: Vec<&str> = self.groups.iter().map(|g| g.0.as_str()).collect();
        let mut chart = ChartBuilder::on(&root)
            .margin(15)
            .x_label_area_size(35)
            .y_label_area_size(95)
            .build_cartesian_2d(-0.5..n as f64 - 0.5, lo - pad..hi + pad)
            .map_err(err)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(n.max(1))
            .x_label_formatter(&|v| {
                let i = v.round();
                if (v - i).abs() > 1e-6 || i < 0.0 {
                    return String::new();
                }
                names
                    .get(i as usize)
                    .map(|s| s.to_string())
                    .unwrap_or_default()
            })
            .light_line_style(WHITE)
            .y_label_formatter(&|y| format_value(*y))
            .y_desc(&self.y_label)
            .label_style((FONT, 13))
            .axis_desc_style((FONT, 14))
            .draw()
            .map_err(err)?;
        for (i, (_, values)) in self.groups.iter().enumerate() {
            let mut v = values.clone();
            v.sort_by(f64::total_cmp);
            if v.is_empty() {
                continue;
            }
            let x = i as f64;
            let (q1, med, q3) = (quantile(&v, 0.25), quantile(&v, 0.5), quantile(&v, 0.75));
            let (min, max) = (v[0], v[v.len() - 1]);
            let line = BLACK.stroke_width(2);
            chart
                .draw_series([
                    Rectangle::new([(x - 0.25, q1), (x + 0.25, q3)], BLUE.mix(0.35).filled()),
                    Rectangle::new([(x - 0.25, q1), (x + 0.25, q3)], BLUE.stroke_width(2)),
                ])
                .map_err(err)?;
            for seg in [
                vec![(x - 0.25, med), (x + 0.25, med)],
                vec![(x, q3), (x, max)],
                vec![(x, q1), (x, min)],
                vec![(x - 0.1, max), (x + 0.1, max)],
                vec![(x - 0.1, min), (x + 0.1, min)],
            ] {
                chart.draw_series(LineSeries::new(seg, line)).map_err(err)?;
            }
            // Dots spread across the box's width in value order, so ties stay visible.
            let k = v.len().max(2) as f64 - 1.0;
            chart
                .draw_series(v.iter().enumerate().map(|(j, y)| {
                    Circle::new((x - 0.2 + 0.4 * j as f64 / k, *y), 3, ORANGE.filled())
                }))
                .map_err(err)?;
        }
        Ok(())
    }
}

/// A value with about four significant digits, for labels.
pub fn format_value(v: f64) -> String {
    let a = v.abs();
    if a >= 1000.0 {
        format!("{v:.0}")
    } else if a >= 100.0 {
        format!("{v:.1}")
    } else if a >= 1.0 {
        format!("{v:.2}")
    } else {
        format!("{v:.4}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_match_numpy() {
        // numpy.quantile([1, 2, 4, 8], [0.25, 0.5, 0.75]) = [1.75, 3.0, 5.0]
        let v = [1.0, 2.0, 4.0, 8.0];
        assert_eq!(
            [quantile(&v, 0.25), quantile(&v, 0.5), quantile(&v, 0.75)],
            [1.75, 3.0, 5.0]
        );
        assert_eq!(quantile(&[5.0], 0.9), 5.0);
    }
}
