//! The executive summary at the top of a report: the few figures a manager asks for (grid
//! import, total cost, CO₂, self-sufficiency, peak import), each with its unit and, when
//! `summary.json` carries the do-nothing `baseline` (the same scenario run with strategy
//! `none`: batteries idle), what the run saves against it.
//!
//! A saving is `baseline − run` (positive is better) and its share `saving / baseline`; for
//! self-sufficiency, where more is better, the change is `run − baseline` in percentage
//! points.

use std::fmt::Write as _;

use serde_json::Value;

use super::format::{number, percent};
use super::page::esc;

/// One headline figure.
#[derive(Debug, Clone, PartialEq)]
pub struct Headline {
    pub title: &'static str,
    /// The run's value, formatted, with its unit.
    pub value: String,
    /// Against the baseline: `"saves 1,234 CNY (5.8 %)"` and the like; `None` without one.
    pub change: Option<String>,
    /// Whether the change is an improvement (for colouring).
    pub better: Option<bool>,
}

/// The currency of a summary (`currency`, else `CNY`).
pub fn currency(summary: &Value) -> String {
    summary["currency"].as_str().unwrap_or("CNY").to_string()
}

/// What a headline is: title, KPI key, unit, and whether more of it is better.
struct Spec {
    title: &'static str,
    key: String,
    unit: String,
    more_is_better: bool,
}

/// The headline figures of `summary.json` (its `kpis`, and its `baseline.kpis` when there).
pub fn headlines(summary: &Value) -> Vec<Headline> {
    let ccy = currency(summary);
    let kpis = &summary["kpis"];
    let base = &summary["baseline"]["kpis"];
    let cost_key = format!("total_cost_{}", ccy.to_ascii_lowercase());
    let cost_key = if kpis[&cost_key].is_null() {
        "total_cost_cny".to_string()
    } else {
        cost_key
    };
    let spec = |title, key: &str, unit: &str, more_is_better| Spec {
        title,
        key: key.to_string(),
        unit: unit.to_string(),
        more_is_better,
    };
    let specs = [
        spec("Grid import", "grid_import_mwh", "MWh", false),
        spec("Total cost", &cost_key, &ccy, false),
        spec("CO₂ emissions", "co2_t", "t", false),
        spec("Self-sufficiency", "self_sufficiency", "%", true),
        spec("Peak import", "peak_import_mw", "MW", false),
    ];
    specs
        .iter()
        .filter_map(|s| {
            let run = kpis[&s.key].as_f64()?;
            let share = s.unit == "%";
            let value = if share {
                format!("{} %", percent(run))
            } else {
                format!("{} {}", number(run), s.unit)
            };
            let (change, better) = match base[&s.key].as_f64() {
                Some(b) => {
                    let (text, better) = change(run, b, &s.unit, share, s.more_is_better);
                    (Some(text), better)
                }
                None => (None, None),
            };
            Some(Headline {
                title: s.title,
                value,
                change,
                better,
            })
        })
        .collect()
}

/// The change from `base` to `run`, in words, and whether it is an improvement (`None`
/// when there is no change worth naming).
fn change(
    run: f64,
    base: f64,
    unit: &str,
    share: bool,
    more_is_better: bool,
) -> (String, Option<bool>) {
    if share {
        let points = 100.0 * (run - base);
        if points.abs() < 0.005 {
            return ("same as doing nothing".into(), None);
        }
        let sign = if points > 0.0 { "+" } else { "−" };
        return (
            format!(
                "{sign}{} percentage points vs doing nothing",
                number(points.abs())
            ),
            Some((points > 0.0) == more_is_better),
        );
    }
    let saving = base - run;
    let tolerance = 1e-9 * base.abs().max(1.0);
    if saving.abs() <= tolerance || number(saving.abs()) == "0" {
        return ("same as doing nothing".into(), None);
    }
    let relative = if base.abs() > tolerance {
        format!(" ({} %)", number(100.0 * saving.abs() / base.abs()))
    } else {
        String::new()
    };
    let verb = if saving > 0.0 { "saves" } else { "adds" };
    (
        format!(
            "{verb} {} {unit}{relative} vs doing nothing",
            number(saving.abs())
        ),
        Some((saving > 0.0) != more_is_better),
    )
}

/// The run's span in words: `1 day`, `7 days`, `36 hours`.
fn span(summary: &Value) -> String {
    let hours = summary["steps"].as_f64().unwrap_or(0.0)
        * summary["step_minutes"].as_f64().unwrap_or(0.0)
        / 60.0;
    let days = hours / 24.0;
    if (days - days.round()).abs() < 1e-9 && days >= 1.0 {
        let d = days.round() as u64;
        format!("{d} day{}", if d == 1 { "" } else { "s" })
    } else {
        format!("{} hours", number(hours))
    }
}

/// The sentence that opens the summary.
fn sentence(summary: &Value) -> String {
    let strategy = summary["strategy"].as_str().unwrap_or("?");
    let start = summary["start"].as_str().unwrap_or("?");
    let how = match summary["coordination"].as_str() {
        Some(c) => format!("{c} coordination"),
        None => format!("strategy {strategy}"),
    };
    let mut s = format!(
        "{} from {} (local time), {how}.",
        span(summary),
        start.get(..10).unwrap_or(start)
    );
    if summary["baseline"].is_object() && summary["coordination"].is_string() {
        s.push_str(
            " Savings are against doing nothing: every site run on its own with strategy none (batteries idle, flexible loads served as they come at home, no compute moved, no event answered).",
        );
    } else if summary["baseline"].is_object() {
        s.push_str(
            " Savings are against doing nothing: the same scenario run with strategy none (batteries idle, flexible loads served as they come).",
        );
    } else if strategy == "none" {
        s.push_str(" This run is itself the do-nothing baseline.");
    }
    s
}

/// The executive summary as HTML: the sentence and a card per headline figure.
pub fn html(h: &mut String, summary: &Value) {
    let heads = headlines(summary);
    if heads.is_empty() {
        return;
    }
    let _ = writeln!(
        h,
        "<section id=\"summary\"><h2>Executive summary</h2>\n<p>{}</p>\n<div class=\"cards\">",
        esc(&sentence(summary))
    );
    for x in heads {
        let class = match x.better {
            Some(true) => " better",
            Some(false) => " worse",
            None => "",
        };
        let _ = writeln!(
            h,
            "<div class=\"card\"><div class=\"title\">{}</div><div class=\"value\">{}</div>{}</div>",
            esc(x.title),
            esc(&x.value),
            x.change.map_or(String::new(), |c| format!(
                "<div class=\"change{class}\">{}</div>",
                esc(&c)
            ))
        );
    }
    h.push_str("</div></section>\n");
}

/// The executive summary as Markdown.
pub fn markdown(m: &mut String, summary: &Value) {
    let heads = headlines(summary);
    if heads.is_empty() {
        return;
    }
    let _ = writeln!(m, "## Executive summary\n\n{}\n", sentence(summary));
    let with_base = summary["baseline"].is_object();
    m.push_str(if with_base {
        "| figure | value | against doing nothing |\n|---|---:|---|\n"
    } else {
        "| figure | value |\n|---|---:|\n"
    });
    for x in heads {
        match x.change {
            Some(c) if with_base => {
                let _ = writeln!(m, "| {} | {} | {} |", x.title, x.value, c);
            }
            _ if with_base => {
                let _ = writeln!(m, "| {} | {} | |", x.title, x.value);
            }
            _ => {
                let _ = writeln!(m, "| {} | {} |", x.title, x.value);
            }
        }
    }
    m.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn savings_against_the_baseline_are_absolute_and_relative() {
        let summary = serde_json::json!({
            "strategy": "lp", "start": "2025-07-14T00:00:00+08:00", "steps": 672, "step_minutes": 15.0,
            "kpis": {"grid_import_mwh": 90.0, "total_cost_cny": 8000.0, "co2_t": null,
                     "self_sufficiency": 0.30, "peak_import_mw": 5.0},
            "baseline": {"strategy": "none", "kpis": {"grid_import_mwh": 100.0, "total_cost_cny": 10000.0,
                     "co2_t": null, "self_sufficiency": 0.25, "peak_import_mw": 4.0}}
        });
        let h = headlines(&summary);
        let shown: Vec<_> = h
            .iter()
            .map(|x| format!("{}: {} | {}", x.title, x.value, x.change.clone().unwrap()))
            .collect();
        assert_eq!(
            shown,
            [
                "Grid import: 90.00 MWh | saves 10.00 MWh (10.00 %) vs doing nothing",
                "Total cost: 8,000 CNY | saves 2,000 CNY (20.00 %) vs doing nothing",
                "Self-sufficiency: 30.00 % | +5.000 percentage points vs doing nothing",
                "Peak import: 5.000 MW | adds 1.000 MW (25.00 %) vs doing nothing",
            ]
        );
        let better: Vec<_> = h.iter().map(|x| x.better).collect();
        assert_eq!(better, [Some(true), Some(true), Some(true), Some(false)]);
        assert!(sentence(&summary).starts_with("7 days from 2025-07-14"));
    }
}
