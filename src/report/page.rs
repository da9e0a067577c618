//! `report.html` (self-contained: charts inline as SVG, no network) and `report.md`: an
//! executive summary first ([`super::headline`]), then the KPIs in groups
//! ([`super::kpi_table`]), the scenario, the charts and the manifest, collapsed
//! ([`super::manifest`]). Every number goes through [`super::format`].

use std::fmt::Write as _;

use serde_json::Value;

use super::charts::Chart;
use super::format::{integer, label_of, number, show, unit_of};
use super::headline::currency;
use super::kpi_table::groups;

/// Escapes text for HTML.
pub(super) fn esc(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The SVG of a chart without its XML declaration, for inlining.
fn inline(svg: &str) -> &str {
    match svg.find("<svg") {
        Some(i) => &svg[i..],
        None => svg,
    }
}

/// The page's style: a column no wider than the charts, tables that wrap long cells rather
/// than widen the page, charts that shrink with the window.
const STYLE: &str = "body{font-family:'DejaVu Sans',sans-serif;max-width:1060px;margin:2em auto;color:#222;padding:0 1em}\
table{border-collapse:collapse;margin:1em 0;max-width:100%}td,th{border:1px solid #bbb;padding:3px 8px;text-align:left;overflow-wrap:break-word}\
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}figure{margin:2em 0}figcaption{font-weight:bold}\
figure svg{max-width:100%;height:auto}code{font-size:90%}\
.cards{display:flex;flex-wrap:wrap;gap:12px;margin:1em 0}.card{border:1px solid #bbb;border-radius:6px;padding:10px 14px;min-width:170px;flex:1}\
.card .title{font-size:90%;color:#555}.card .value{font-size:135%;font-weight:bold;margin:4px 0;white-space:nowrap}\
.card .change{font-size:85%}.card .better{color:#00734f}.card .worse{color:#b34700}\
.groups{display:flex;flex-wrap:wrap;gap:0 28px;align-items:flex-start}.groups table{margin:0.4em 0 1em}\
.groups caption{text-align:left;font-weight:bold;padding:4px 0}details summary{cursor:pointer;color:#0060a0}\
table.manifest td{overflow-wrap:anywhere}table.manifest td:first-child{white-space:nowrap}";

/// The HTML page up to its heading, titled "vppsim report: <name>".
fn head(name: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>vppsim report: {n}</title>\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<style>{STYLE}</style></head><body>\n<h1>vppsim report: {n}</h1>\n",
        n = esc(name)
    )
}

/// The report's name: the scenario's, followed by the values the run changed in its file
/// (`--set`, a sweep case's parameters: the manifest's `overrides`), each passed through
/// `show`, so that a variant's report is never taken for the scenario file's own.
fn report_name(summary: &Value, manifest: &Value, show: fn(&str) -> String) -> String {
    let name = summary["scenario"].as_str().unwrap_or("scenario");
    let changed: Vec<String> = manifest["overrides"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(show)
        .collect();
    match changed.is_empty() {
        true => name.to_string(),
        false => format!("{name} with {}", changed.join(", ")),
    }
}

/// `text` on one line as a Markdown code span: fenced by one backtick more than its longest
/// run of them, so that nothing in it is read as Markdown.
fn code_span(text: &str) -> String {
    let line = text.replace(['\r', '\n'], " ");
    let longest = line.split(|ch| ch != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = if line.starts_with('`') || line.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{line}{pad}{fence}")
}

/// The KPI groups as small tables side by side.
fn kpi_groups_html(h: &mut String, kpis: &Value, ccy: &str) {
    h.push_str("<div class=\"groups\">\n");
    for g in groups(kpis, ccy) {
        let _ = writeln!(
            h,
            "<table><caption>{}</caption><tr><th>figure</th><th>value</th><th>unit</th></tr>",
            esc(g.title)
        );
        for r in g.rows {
            let _ = writeln!(
                h,
                "<tr><td>{}</td><td class=\"num\">{}</td><td>{}</td></tr>",
                esc(&r.label),
                esc(&r.value),
                esc(&r.unit)
            );
        }
        h.push_str("</table>\n");
    }
    h.push_str("</div>\n");
}

/// The KPI groups as Markdown tables.
fn kpi_groups_markdown(m: &mut String, kpis: &Value, ccy: &str) {
    for g in groups(kpis, ccy) {
        let _ = writeln!(
            m,
            "### {}\n\n| figure | value | unit |\n|---|---:|---|",
            g.title
        );
        for r in g.rows {
            let _ = writeln!(m, "| {} | {} | {} |", r.label, r.value, r.unit);
        }
        m.push('\n');
    }
}

/// A table of `rows` of JSON objects, one column per key, headed by its label and unit;
/// numbers right-aligned.
fn object_table(h: &mut String, rows: &[Value], keys: &[&str], ccy: &str) {
    h.push_str("<table><tr>");
    for k in keys {
        let (unit, _) = unit_of(k, ccy);
        let label = label_of(k, ccy);
        let header = if unit.is_empty() {
            label
        } else {
            format!("{label} [{unit}]")
        };
        let _ = write!(h, "<th>{}</th>", esc(&header));
    }
    h.push_str("</tr>\n");
    for row in rows {
        h.push_str("<tr>");
        for k in keys {
            match &row[*k] {
                Value::Number(_) | Value::Null => {
                    let _ = write!(
                        h,
                        "<td class=\"num\">{}</td>",
                        esc(&show(k, &row[*k], ccy).0)
                    );
                }
                Value::String(link) if *k == "report" => {
                    let _ = write!(h, "<td><a href=\"{0}\">{0}</a></td>", esc(link));
                }
                Value::String(text) if *k == "from" || *k == "to" => {
                    // An RFC 3339 time as local date and time.
                    let shown = text.get(..16).unwrap_or(text).replace('T', " ");
                    let _ = write!(h, "<td title=\"{}\">{}</td>", esc(text), esc(&shown));
                }
                other => {
                    let _ = write!(h, "<td>{}</td>", esc(&show(k, other, ccy).0));
                }
            }
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</table>\n");
}

/// A step length in minutes: whole minutes without decimals.
fn minutes(m: f64) -> String {
    if m.fract() == 0.0 {
        integer(m)
    } else {
        number(m)
    }
}

/// `N steps of M min from DATE (local time)`, formatted.
fn grid_line(summary: &Value) -> String {
    let start = summary["start"].as_str().unwrap_or("?");
    format!(
        "{} steps of {} min from {} (local time, {})",
        integer(summary["steps"].as_f64().unwrap_or(0.0)),
        minutes(summary["step_minutes"].as_f64().unwrap_or(0.0)),
        esc(&start.get(..16).unwrap_or(start).replace('T', " ")),
        esc(start.get(19..).unwrap_or("")),
    )
}

/// The HTML report of a VPP: headline figures, aggregate figures, the chart, events, ADMM,
/// sites (linked to their own reports) and the manifest.
/// Aggregate figures with the self-sufficiency the single-site KPIs define,
/// (consumption − import) / consumption, added.
fn with_self_sufficiency(aggregate: &Value) -> Value {
    let mut kpis = aggregate.clone();
    if let (Some(c), Some(i), Some(map)) = (
        aggregate["consumption_mwh"].as_f64(),
        aggregate["grid_import_mwh"].as_f64(),
        kpis.as_object_mut(),
    ) && c > 0.0
    {
        map.insert("self_sufficiency".into(), ((c - i) / c).into());
    }
    kpis
}

pub fn vpp_html(summary: &Value, manifest: &Value, chart: Option<&str>) -> String {
    let ccy = currency(summary);
    let mut h = head(summary["vpp"].as_str().unwrap_or("vpp"));
    let _ = writeln!(
        h,
        "<p>{}</p>\n<p>{} sites coordinated <b>{}</b>, baseline <b>{}</b>; {}. Objective {}.</p>",
        esc(summary["description"].as_str().unwrap_or_default()),
        summary["sites"].as_array().map_or(0, Vec::len),
        esc(summary["coordination"].as_str().unwrap_or("?")),
        esc(summary["baseline"].as_str().unwrap_or("?")),
        grid_line(summary),
        summary["objective"].as_f64().map_or("n/a".into(), number)
    );
    // The headline cards from the aggregate, against the do-nothing case when there.
    let aggregate = &summary["aggregate"];
    let mut headline_input = serde_json::json!({
        "kpis": with_self_sufficiency(aggregate), "currency": ccy,
        "coordination": summary["coordination"], "start": summary["start"],
        "steps": summary["steps"], "step_minutes": summary["step_minutes"],
    });
    if summary["do_nothing"].is_object() {
        headline_input["baseline"] = serde_json::json!({
            "strategy": "none",
            "kpis": with_self_sufficiency(&summary["do_nothing"]["aggregate"]),
        });
    }
    super::headline::html(&mut h, &headline_input);
    h.push_str("<h2>Aggregate</h2>\n");
    kpi_groups_html(&mut h, aggregate, &ccy);
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
            &ccy,
        );
        h.push_str("<p>Per step: <code>events.csv</code>.</p>\n");
    }
    if summary["admm"].is_object() {
        h.push_str("<h2>ADMM</h2>\n");
        let admm = &summary["admm"];
        let f = |v: &Value| v.as_f64().map_or("n/a".into(), number);
        let gap = summary["gap_to_central"]
            .as_f64()
            .map_or("n/a".into(), |g| format!("{} %", number(100.0 * g)));
        let _ = writeln!(
            h,
            "<p>{} iterations ({}), primal residual {} MW, dual residual {} MW, final ρ {}; objective above the joint LP's by {gap}. Every iteration: <code>admm.csv</code>.</p>",
            admm["iterations"],
            if admm["converged"].as_bool() == Some(true) {
                "converged"
            } else {
                "iteration limit"
            },
            f(&admm["primal_residual_mw"]),
            f(&admm["dual_residual_mw"]),
            f(&admm["rho"]),
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
        &ccy,
    );
    super::manifest::html(&mut h, manifest);
    h.push_str("</body></html>\n");
    h
}

/// The HTML report.
pub fn html(summary: &Value, manifest: &Value, charts: &[Chart]) -> String {
    let ccy = currency(summary);
    let mut h = head(&report_name(summary, manifest, str::to_string));
    let description = summary["description"].as_str().unwrap_or_default();
    let _ = writeln!(
        h,
        "<p>{}</p>\n<p>Strategy <b>{}</b>; {}.</p>",
        esc(description),
        esc(summary["strategy"].as_str().unwrap_or("?")),
        grid_line(summary)
    );
    super::headline::html(&mut h, summary);
    h.push_str("<h2>Key figures</h2>\n");
    kpi_groups_html(&mut h, &summary["kpis"], &ccy);
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
    super::manifest::html(&mut h, manifest);
    h.push_str("</body></html>\n");
    h
}

/// The Markdown report, with the PNG charts beside it.
pub fn markdown(summary: &Value, manifest: &Value, charts: &[Chart]) -> String {
    let ccy = currency(summary);
    let mut m = String::new();
    let name = report_name(summary, manifest, code_span);
    let _ = writeln!(m, "# vppsim report: {name}\n");
    let _ = writeln!(
        m,
        "{}\n",
        summary["description"].as_str().unwrap_or_default()
    );
    let _ = writeln!(
        m,
        "Strategy **{}**; {}.\n",
        summary["strategy"].as_str().unwrap_or("?"),
        grid_line(summary)
    );
    super::headline::markdown(&mut m, summary);
    m.push_str("## Key figures\n\n");
    kpi_groups_markdown(&mut m, &summary["kpis"], &ccy);
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
    super::manifest::markdown(&mut m, manifest);
    m
}

#[cfg(test)]
mod tests {
    use super::code_span;

    #[test]
    fn code_spans_fence_backticks_and_keep_one_line() {
        assert_eq!(code_span("a=\"8 MWh\""), "`a=\"8 MWh\"`");
        assert_eq!(
            code_span("x = \"\"\"a\n# b\"\"\""),
            "`x = \"\"\"a # b\"\"\"`"
        );
        assert_eq!(code_span("a`b``c"), "```a`b``c```");
        assert_eq!(code_span("`edge"), "`` `edge ``");
    }
}
