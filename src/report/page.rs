//! `report.html` (self-contained: charts inline as SVG, no network) and `report.md`.

use std::fmt::Write as _;

use serde_json::Value;

use super::charts::Chart;

/// Escapes text for HTML.
pub(super) fn esc(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Unit and scale of a KPI from its key's suffix.
fn unit_of(key: &str) -> (&'static str, f64) {
    if key.ends_with("_mwh") {
        ("MWh", 1.0)
    } else if key.ends_with("_mw") {
        ("MW", 1.0)
    } else if let Some(currency) = crate::currency::Currency::of_name(key) {
        (currency.code(), 1.0)
    } else if key.ends_with("_t") {
        ("t", 1.0)
    } else if key.ends_with("_kwh_per_kwp") {
        ("kWh/kWp", 1.0)
    } else if key.contains("share")
        || key.contains("consumption") && !key.ends_with("_mwh")
        || key.contains("sufficiency")
    {
        ("%", 100.0)
    } else {
        ("", 1.0)
    }
}

/// A KPI's label from its key: words, without the unit suffix (shown in its own column).
fn label_of(key: &str) -> String {
    let bare = ["_kwh_per_kwp", "_mwh", "_mw", "_t"]
        .iter()
        .find_map(|suffix| key.strip_suffix(suffix))
        .or_else(|| crate::currency::Currency::of_name(key).map(|_| &key[..key.len() - 4]))
        .unwrap_or(key);
    bare.replace('_', " ")
}

/// A KPI value as text.
fn show(key: &str, value: &Value) -> (String, &'static str) {
    let (unit, scale) = unit_of(key);
    let text = match value {
        Value::Null => "n/a".to_string(),
        Value::Number(n) if n.is_f64() => {
            let x = n.as_f64().unwrap_or(f64::NAN) * scale;
            if x.abs() >= 1000.0 {
                format!("{x:.1}")
            } else {
                format!("{x:.3}")
            }
        }
        other => other.to_string().trim_matches('"').to_string(),
    };
    (text, unit)
}

/// Rows `(label, value, unit)` of the scalar KPIs, then of each listed item.
pub fn kpi_rows(kpis: &Value) -> Vec<(String, String, &'static str)> {
    let mut rows = Vec::new();
    let Some(map) = kpis.as_object() else {
        return rows;
    };
    for (key, value) in map {
        match value {
            Value::Array(items) => {
                for item in items {
                    let name = item.get("name").and_then(Value::as_str).unwrap_or("?");
                    for (k, v) in item
                        .as_object()
                        .into_iter()
                        .flatten()
                        .filter(|(k, _)| *k != "name")
                    {
                        let (text, unit) = show(k, v);
                        rows.push((format!("{name}: {}", label_of(k)), text, unit));
                    }
                }
            }
            _ => {
                let (text, unit) = show(key, value);
                rows.push((label_of(key), text, unit));
            }
        }
    }
    rows
}

/// The SVG of a chart without its XML declaration, for inlining.
fn inline(svg: &str) -> &str {
    match svg.find("<svg") {
        Some(i) => &svg[i..],
        None => svg,
    }
}

/// The HTML page up to its heading, titled "vppsim report: <name>".
fn head(name: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>vppsim report: {n}</title>\n<style>\
         body{{font-family:'DejaVu Sans',sans-serif;max-width:1060px;margin:2em auto;color:#222;padding:0 1em}}\
         table{{border-collapse:collapse;margin:1em 0}}td,th{{border:1px solid #bbb;padding:3px 8px;text-align:left}}\
         td.num{{text-align:right;font-variant-numeric:tabular-nums}}figure{{margin:2em 0}}figcaption{{font-weight:bold}}\
         code{{font-size:90%}}</style></head><body>\n<h1>vppsim report: {n}</h1>\n",
        n = esc(name)
    )
}

/// The manifest, a row per key.
fn manifest_table(h: &mut String, manifest: &Value) {
    h.push_str("<h2>Manifest</h2>\n<table>\n");
    for (k, v) in manifest.as_object().into_iter().flatten() {
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td><code>{}</code></td></tr>",
            esc(k),
            esc(&v.to_string())
        );
    }
    h.push_str("</table>\n");
}

/// One table row per KPI of `kpis`: label, value, unit.
fn kpi_table_rows(h: &mut String, kpis: &Value) {
    for (label, value, unit) in kpi_rows(kpis) {
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td class=\"num\">{}</td><td>{unit}</td></tr>",
            esc(&label),
            esc(&value)
        );
    }
}

/// A table of `rows` of JSON objects, one column per key, headed by its label and unit;
/// numbers right-aligned.
fn object_table(h: &mut String, rows: &[Value], keys: &[&str]) {
    h.push_str("<table><tr>");
    for k in keys {
        let (unit, _) = unit_of(k);
        let header = if unit.is_empty() {
            label_of(k)
        } else {
            format!("{} [{unit}]", label_of(k))
        };
        let _ = write!(h, "<th>{}</th>", esc(&header));
    }
    h.push_str("</tr>\n");
    for row in rows {
        h.push_str("<tr>");
        for k in keys {
            match &row[*k] {
                Value::Number(_) => {
                    let _ = write!(h, "<td class=\"num\">{}</td>", esc(&show(k, &row[*k]).0));
                }
                Value::String(link) if *k == "report" => {
                    let _ = write!(h, "<td><a href=\"{0}\">{0}</a></td>", esc(link));
                }
                Value::String(text) => {
                    let _ = write!(h, "<td>{}</td>", esc(text));
                }
                other => {
                    let _ = write!(h, "<td>{}</td>", esc(&other.to_string()));
                }
            }
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</table>\n");
}

/// The HTML report of a VPP: aggregate figures, events, ADMM, sites (linked to their own
/// reports), the aggregate chart and the manifest.
pub fn vpp_html(summary: &Value, manifest: &Value, chart: Option<&str>) -> String {
    let mut h = head(summary["vpp"].as_str().unwrap_or("vpp"));
    let _ = writeln!(
        h,
        "<p>{}</p>\n<p>{} sites coordinated <b>{}</b>, baseline <b>{}</b>; {} steps of {} min from {} (local time). Objective {}.</p>",
        esc(summary["description"].as_str().unwrap_or_default()),
        summary["sites"].as_array().map_or(0, Vec::len),
        esc(summary["coordination"].as_str().unwrap_or("?")),
        esc(summary["baseline"].as_str().unwrap_or("?")),
        summary["steps"],
        summary["step_minutes"],
        esc(summary["start"].as_str().unwrap_or("?")),
        summary["objective"]
    );
    h.push_str("<h2>Aggregate</h2>\n<table><tr><th>figure</th><th>value</th><th>unit</th></tr>\n");
    kpi_table_rows(&mut h, &summary["aggregate"]);
    h.push_str("</table>\n");
    if let Some(chart) = chart {
        let _ = writeln!(
            h,
            "<figure id=\"aggregate_import\"><figcaption>Grid import by site, baseline and events</figcaption>\n{}\n</figure>",
            inline(chart)
        );
    }
    // Money is named in the VPP's currency, recorded unless it is the default CNY.
    let currency = summary["currency"]
        .as_str()
        .and_then(crate::currency::Currency::parse)
        .unwrap_or_default();
    let (payment, penalty, cost) = (
        currency.rename("payment_cny"),
        currency.rename("penalty_cny"),
        currency.rename("total_cost_cny"),
    );
    let events = summary["events"].as_array().cloned().unwrap_or_default();
    if !events.is_empty() {
        h.push_str("<h2>Demand-response events</h2>\n");
        object_table(
            &mut h,
            &events,
            &[
                "name",
                "from",
                "to",
                "requested_mwh",
                "delivered_mwh",
                "shortfall_mwh",
                &payment,
                &penalty,
            ],
        );
        h.push_str("<p>Per step: <code>events.csv</code>.</p>\n");
    }
    if summary["admm"].is_object() {
        h.push_str("<h2>ADMM</h2>\n");
        let admm = &summary["admm"];
        let _ = writeln!(
            h,
            "<p>{} iterations ({}), primal residual {} MW, dual residual {} MW, final ρ {}; gap to the joint LP {}. Every iteration: <code>admm.csv</code>.</p>",
            admm["iterations"],
            if admm["converged"].as_bool() == Some(true) {
                "converged"
            } else {
                "iteration limit"
            },
            admm["primal_residual_mw"],
            admm["dual_residual_mw"],
            admm["rho"],
            summary["gap_to_central"]
        );
    }
    h.push_str("<h2>Sites</h2>\n");
    let sites: Vec<Value> = summary["sites"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|site| {
            let mut site = site.clone();
            let name = site["name"].as_str().unwrap_or_default().to_string();
            site["report"] = Value::String(format!("sites/{name}/report.html"));
            site
        })
        .collect();
    object_table(
        &mut h,
        &sites,
        &[
            "name",
            "grid_import_mwh",
            "peak_import_mw",
            "pv_generation_mwh",
            &cost,
            "compute_received_mwh",
            "compute_sent_mwh",
            "report",
        ],
    );
    manifest_table(&mut h, manifest);
    h.push_str("</body></html>\n");
    h
}

/// The HTML report.
pub fn html(summary: &Value, manifest: &Value, charts: &[Chart]) -> String {
    let name = summary["scenario"].as_str().unwrap_or("scenario");
    let mut h = head(name);
    let description = summary["description"].as_str().unwrap_or_default();
    let _ = writeln!(
        h,
        "<p>{}</p>\n<p>Strategy <b>{}</b>; {} steps of {} min from {} (local time).</p>",
        esc(description),
        esc(summary["strategy"].as_str().unwrap_or("?")),
        summary["steps"],
        summary["step_minutes"],
        esc(summary["start"].as_str().unwrap_or("?"))
    );
    h.push_str("<h2>Key figures</h2>\n<table><tr><th>KPI</th><th>value</th><th>unit</th></tr>\n");
    kpi_table_rows(&mut h, &summary["kpis"]);
    h.push_str("</table>\n");
    if summary["sizing"].is_object() {
        super::sizing::html(&mut h, &summary["sizing"]);
    }
    h.push_str(
        "<h2>Scenario</h2>\n<table><tr><th>kind</th><th>name</th><th>parameters</th></tr>\n",
    );
    for asset in summary["assets"].as_array().into_iter().flatten() {
        let cell = |k: &str| esc(asset[k].as_str().unwrap_or_default());
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
            cell("kind"),
            cell("name"),
            cell("parameters")
        );
    }
    h.push_str("</table>\n<h2>Charts</h2>\n");
    for c in charts {
        let _ = writeln!(
            h,
            "<figure id=\"{}\"><figcaption>{}</figcaption>\n{}\n</figure>",
            c.name,
            esc(&c.title),
            inline(&c.svg)
        );
    }
    manifest_table(&mut h, manifest);
    h.push_str("</body></html>\n");
    h
}

/// The Markdown report, with the PNG charts beside it.
pub fn markdown(summary: &Value, manifest: &Value, charts: &[Chart]) -> String {
    let mut m = String::new();
    let _ = writeln!(
        m,
        "# vppsim report: {}\n",
        summary["scenario"].as_str().unwrap_or("scenario")
    );
    let _ = writeln!(
        m,
        "{}\n",
        summary["description"].as_str().unwrap_or_default()
    );
    let _ = writeln!(
        m,
        "Strategy **{}**; {} steps of {} min from {} (local time).\n",
        summary["strategy"].as_str().unwrap_or("?"),
        summary["steps"],
        summary["step_minutes"],
        summary["start"].as_str().unwrap_or("?")
    );
    m.push_str("## Key figures\n\n| KPI | value | unit |\n|---|---:|---|\n");
    for (label, value, unit) in kpi_rows(&summary["kpis"]) {
        let _ = writeln!(m, "| {label} | {value} | {unit} |");
    }
    m.push('\n');
    if summary["sizing"].is_object() {
        super::sizing::markdown(&mut m, &summary["sizing"]);
    }
    m.push_str("## Scenario\n\n| kind | name | parameters |\n|---|---|---|\n");
    for a in summary["assets"].as_array().into_iter().flatten() {
        let _ = writeln!(
            m,
            "| {} | {} | {} |",
            a["kind"].as_str().unwrap_or_default(),
            a["name"].as_str().unwrap_or_default(),
            a["parameters"].as_str().unwrap_or_default()
        );
    }
    m.push_str("\n## Charts\n\n");
    for c in charts {
        let _ = writeln!(m, "### {}\n\n![{}]({}.png)\n", c.title, c.title, c.name);
    }
    m.push_str("## Manifest\n\n");
    for (k, v) in manifest.as_object().into_iter().flatten() {
        let _ = writeln!(m, "- {k}: `{v}`");
    }
    m
}
