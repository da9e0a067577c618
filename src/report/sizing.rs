//! The sizing section of a report, from `summary.json`'s `sizing` object: the sizes, the
//! cost breakdown against business as usual, and the cash-flow chart (yearly cash flows as
//! bars, the cumulative discounted cash flow as a line).

use std::fmt::Write as _;
use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;
use serde_json::Value;

use crate::currency::Currency;

use super::charts::{BLUE, Chart, Drawing, FONT, ORANGE, VERMILLION, err, svg_and_png};

/// A figure in thousands-separated whole units, or `n/a`.
fn money(v: &Value) -> String {
    v.as_f64().map_or("n/a".into(), |x| {
        let whole = format!("{:.0}", x.abs());
        let mut out = String::new();
        for (i, ch) in whole.chars().enumerate() {
            if i > 0 && (whole.len() - i) % 3 == 0 {
                out.push(',');
            }
            out.push(ch);
        }
        if x < -0.5 { format!("−{out}") } else { out }
    })
}

/// The sizing figures' currency, and the figures under their CNY names (`capex_cny`), which
/// this section reads; its text is written in CNY and relabelled with the currency.
fn in_cny(s: &Value) -> (Currency, Value) {
    let currency = s["currency"]
        .as_str()
        .and_then(Currency::parse)
        .unwrap_or_default();
    (currency, currency.cny_keys(s))
}

fn number(v: &Value, digits: usize) -> String {
    v.as_f64().map_or("n/a".into(), |x| format!("{x:.digits$}"))
}

/// Rows `(asset, field, existing, added, total, unit, capex)` of the sizes.
fn size_rows(s: &Value) -> Vec<[String; 7]> {
    s["capacities"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|c| {
            [
                c["asset"].as_str().unwrap_or_default().to_string(),
                c["field"].as_str().unwrap_or_default().to_string(),
                number(&c["existing"], 3),
                number(&c["added"], 3),
                number(&c["total"], 3),
                c["unit"].as_str().unwrap_or_default().to_string(),
                money(&c["capex_cny"]),
            ]
        })
        .collect()
}

/// Rows `(figure, value, unit)` of the cost breakdown and returns.
fn figure_rows(s: &Value) -> Vec<(&'static str, String, &'static str)> {
    let pct = |v: &Value| {
        v.as_f64()
            .map_or("n/a".into(), |x| format!("{:.1}", 100.0 * x))
    };
    vec![
        ("capex", money(&s["capex_cny"]), "CNY"),
        (
            "annualised capex",
            money(&s["annualised_capex_cny"]),
            "CNY/yr",
        ),
        ("fixed O&M", money(&s["fixed_om_cny"]), "CNY/yr"),
        ("operating cost", money(&s["operating_cost_cny"]), "CNY/yr"),
        (
            "total annualised cost",
            money(&s["total_annualised_cost_cny"]),
            "CNY/yr",
        ),
        (
            "business as usual: operating cost",
            money(&s["bau"]["operating_cost_cny"]),
            "CNY/yr",
        ),
        (
            "operating savings",
            money(&s["operating_savings_cny"]),
            "CNY/yr",
        ),
        (
            "annualised savings",
            money(&s["annualised_savings_cny"]),
            "CNY/yr",
        ),
        ("NPV", money(&s["npv_cny"]), "CNY"),
        ("IRR", pct(&s["irr"]), "%"),
        (
            "simple payback",
            number(&s["simple_payback_years"], 1),
            "years",
        ),
        (
            "discounted payback",
            number(&s["discounted_payback_years"], 1),
            "years",
        ),
        (
            "LCOE of added PV",
            number(&s["lcoe_pv_cny_per_kwh"], 3),
            "CNY/kWh",
        ),
        (
            "levelised cost of storage",
            number(&s["lcos_cny_per_kwh"], 3),
            "CNY/kWh",
        ),
        (
            "change in grid import",
            number(&s["grid_import_change_mwh"], 1),
            "MWh/yr",
        ),
        ("change in CO2", number(&s["co2_change_t"], 1), "t/yr"),
    ]
}

/// The terms the figures rest on.
fn terms(s: &Value) -> String {
    format!(
        "Discount rate {} %, analysis period {} years, escalation {} %/yr, tax {} %; operating figures scaled to a year by {:.4} (8760 h / horizon).",
        number(
            &(s["discount_rate"].as_f64().unwrap_or(0.0) * 100.0).into(),
            1
        ),
        s["analysis_years"],
        number(&(s["escalation"].as_f64().unwrap_or(0.0) * 100.0).into(), 1),
        number(&(s["tax_rate"].as_f64().unwrap_or(0.0) * 100.0).into(), 1),
        s["annual_factor"].as_f64().unwrap_or(1.0)
    )
}

/// The HTML section.
pub fn html(out: &mut String, s: &Value) {
    let (currency, s) = in_cny(s);
    let (s, mut h) = (&s, String::new());
    h.push_str("<h2>Sizing</h2>\n");
    let _ = writeln!(h, "<p>{}</p>", terms(s));
    if let Some(why) = s["bau_infeasible"].as_str() {
        let _ = writeln!(
            h,
            "<p>Business as usual cannot be dispatched: {}</p>",
            super::page::esc(why)
        );
    }
    h.push_str("<table><tr><th>asset</th><th>capacity</th><th>existing</th><th>added</th><th>total</th><th>unit</th><th>capex [CNY]</th></tr>\n");
    for row in size_rows(s) {
        h.push_str("<tr>");
        for cell in row {
            let _ = write!(h, "<td>{}</td>", super::page::esc(&cell));
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</table>\n<table><tr><th>figure</th><th>value</th><th>unit</th></tr>\n");
    for (label, value, unit) in figure_rows(s) {
        let _ = writeln!(
            h,
            "<tr><td>{label}</td><td>{value}</td><td>{unit}</td></tr>"
        );
    }
    h.push_str("</table>\n");
    out.push_str(&currency.relabel(&h));
}

/// The Markdown section.
pub fn markdown(out: &mut String, s: &Value) {
    let (currency, s) = in_cny(s);
    let (s, mut m) = (&s, String::new());
    let _ = writeln!(m, "## Sizing\n\n{}\n", terms(s));
    if let Some(why) = s["bau_infeasible"].as_str() {
        let _ = writeln!(m, "Business as usual cannot be dispatched: {why}\n");
    }
    m.push_str("| asset | capacity | existing | added | total | unit | capex [CNY] |\n|---|---|---:|---:|---:|---|---:|\n");
    for row in size_rows(s) {
        let _ = writeln!(m, "| {} |", row.join(" | "));
    }
    m.push_str("\n| figure | value | unit |\n|---|---:|---|\n");
    for (label, value, unit) in figure_rows(s) {
        let _ = writeln!(m, "| {label} | {value} | {unit} |");
    }
    m.push('\n');
    out.push_str(&currency.relabel(&m));
}

/// Yearly cash flows and their cumulative discounted sum.
struct CashFlows {
    flows: Vec<f64>,
    rate: f64,
    currency: Currency,
}

impl Drawing for CashFlows {
    type Output = String;
    fn draw_on<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<String, String> {
        let title = "Cash flows of the sized system against business as usual".to_string();
        root.fill(&WHITE).map_err(err)?;
        let mut cumulative = Vec::with_capacity(self.flows.len());
        let mut total = 0.0;
        for (y, f) in self.flows.iter().enumerate() {
            total += f / (1.0 + self.rate).powi(y as i32);
            cumulative.push(total / 1e6);
        }
        let bars: Vec<f64> = self.flows.iter().map(|f| f / 1e6).collect();
        let lo = bars
            .iter()
            .chain(&cumulative)
            .copied()
            .fold(0.0f64, f64::min);
        let hi = bars
            .iter()
            .chain(&cumulative)
            .copied()
            .fold(0.0f64, f64::max);
        let pad = 0.08 * (hi - lo).max(1e-6);
        let n = self.flows.len() as f64;
        let mut chart = ChartBuilder::on(root)
            .caption(&title, (FONT, 20))
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(70)
            .build_cartesian_2d(-0.5..n - 0.5, lo - pad..hi + pad)
            .map_err(err)?;
        chart
            .configure_mesh()
            .x_desc("year")
            .y_desc(format!("million {}", self.currency))
            .x_label_formatter(&|x| format!("{:.0}", x))
            .label_style((FONT, 13))
            .draw()
            .map_err(err)?;
        chart
            .draw_series(bars.iter().enumerate().map(|(y, v)| {
                let colour = if *v >= 0.0 { BLUE } else { VERMILLION };
                Rectangle::new(
                    [(y as f64 - 0.35, 0.0), (y as f64 + 0.35, *v)],
                    colour.filled(),
                )
            }))
            .map_err(err)?
            .label("yearly cash flow (blue in, red out)")
            .legend(|(x, y)| Rectangle::new([(x, y - 5), (x + 14, y + 5)], BLUE.filled()));
        chart
            .draw_series(LineSeries::new(
                cumulative.iter().enumerate().map(|(y, v)| (y as f64, *v)),
                ORANGE.stroke_width(3),
            ))
            .map_err(err)?
            .label(format!(
                "cumulative, discounted at {:.1} %",
                100.0 * self.rate
            ))
            .legend(|(x, y)| PathElement::new([(x, y), (x + 14, y)], ORANGE.stroke_width(3)));
        // Lower right: the bars and the line end near zero at the right.
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::LowerRight)
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK)
            .label_font((FONT, 12))
            .draw()
            .map_err(err)?;
        Ok(title)
    }
}

/// The cash-flow chart of a `sizing` summary, when it has cash flows.
pub fn cash_flow_chart(s: &Value, png_dir: Option<&Path>) -> Result<Option<Chart>, String> {
    let (currency, s) = in_cny(s);
    let flows: Vec<f64> = s["cash_flows_cny"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_f64)
        .collect();
    if flows.is_empty() {
        return Ok(None);
    }
    let drawing = CashFlows {
        flows,
        rate: s["discount_rate"].as_f64().unwrap_or(0.0),
        currency,
    };
    let png = png_dir.map(|d| d.join("sizing_cash_flow.png"));
    let (svg, title) = svg_and_png(&drawing, png.as_deref())?;
    Ok(Some(Chart {
        name: "sizing_cash_flow",
        title,
        svg,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_groups_thousands() {
        assert_eq!(money(&Value::from(1234567.4)), "1,234,567");
        assert_eq!(money(&Value::from(-1000.0)), "−1,000");
        assert_eq!(money(&Value::Null), "n/a");
    }
}
