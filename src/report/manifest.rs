//! The manifest (`manifest.json`) in a report: a compact table inside a collapsed
//! `<details>` (versions, solver options, input files with short hashes, stage timings), so
//! it never widens the page; in Markdown, one line per key.

use std::fmt::Write as _;

use serde_json::Value;

use super::format::number;
use super::page::esc;

/// A value as compact text: numbers by [`number`] (seconds with their unit where the key
/// says so), objects as `key value, …`, `null` as `default`, hashes shortened to 12 digits.
fn compact(key: &str, v: &Value) -> String {
    match v {
        Value::Null => "default".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) if n.is_f64() => {
            let x = n.as_f64().unwrap_or(f64::NAN);
            if key.ends_with("seconds") || key.ends_with("_s") {
                format!("{} s", number(x))
            } else {
                number(x)
            }
        }
        Value::Number(n) => n.to_string(),
        Value::String(s) if key.ends_with("sha256") && s.len() > 12 => {
            format!("{}…", &s[..12])
        }
        Value::String(s) => s.clone(),
        Value::Array(items) => items
            .iter()
            .map(|i| compact(key, i))
            .collect::<Vec<_>>()
            .join("; "),
        Value::Object(map) => map
            .iter()
            .map(|(k, v)| {
                let unit_key = if key == "stage_seconds" { "seconds" } else { k };
                format!("{k} {}", compact(unit_key, v))
            })
            .collect::<Vec<_>>()
            .join(", "),
    }
}

/// The file name of a path (the whole path stays in the cell's tooltip).
fn file_name(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

/// The manifest as a collapsed table.
pub fn html(h: &mut String, manifest: &Value) {
    h.push_str(
        "<h2>Manifest</h2>\n<details id=\"manifest\"><summary>versions, solver, input files, timings</summary>\n<table class=\"manifest\">\n",
    );
    for (k, v) in manifest.as_object().into_iter().flatten() {
        match v {
            Value::Array(files) if files.iter().all(|f| f["path"].is_string()) => {
                let _ = write!(h, "<tr><td>{}</td><td>", esc(k));
                for f in files {
                    let path = f["path"].as_str().unwrap_or_default();
                    let sha = f["sha256"].as_str().unwrap_or_default();
                    let _ = write!(
                        h,
                        "<div><span title=\"{}\">{}</span> <code title=\"{}\">{}</code></div>",
                        esc(path),
                        esc(file_name(path)),
                        esc(sha),
                        esc(&compact("sha256", &f["sha256"]))
                    );
                }
                h.push_str("</td></tr>\n");
            }
            _ => {
                let full = match v {
                    Value::String(s) => s.clone(),
                    _ => String::new(),
                };
                let title = if full.len() > 12 && k.ends_with("sha256") {
                    format!(" title=\"{}\"", esc(&full))
                } else {
                    String::new()
                };
                let _ = writeln!(
                    h,
                    "<tr><td>{}</td><td{title}>{}</td></tr>",
                    esc(k),
                    esc(&compact(k, v))
                );
            }
        }
    }
    h.push_str("</table>\n</details>\n");
}

/// The manifest as a Markdown list (hashes in full: this is the record).
pub fn markdown(m: &mut String, manifest: &Value) {
    m.push_str("## Manifest\n\n");
    for (k, v) in manifest.as_object().into_iter().flatten() {
        match v {
            Value::Array(files) if files.iter().all(|f| f["path"].is_string()) => {
                let _ = writeln!(m, "- {k}:");
                for f in files {
                    let _ = writeln!(
                        m,
                        "  - `{}` sha256 `{}`",
                        f["path"].as_str().unwrap_or_default(),
                        f["sha256"].as_str().unwrap_or_default()
                    );
                }
            }
            Value::String(s) => {
                let _ = writeln!(m, "- {k}: `{s}`");
            }
            _ => {
                let _ = writeln!(m, "- {k}: {}", compact(k, v));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_manifest_is_compact_and_collapsed() {
        let manifest = serde_json::json!({
            "solver": {"name": "HiGHS", "options": {"presolve": "on", "time_limit_seconds": null, "threads": null}},
            "resolved_scenario_sha256": "2e8aca111f9138738b2c02cdf7ad90906b5ab1fddaa9bc6f566ac04c3ff5a379",
            "inputs": [{"path": "/a/b/xining.csv", "sha256": "1655f10796579498a3f0b8603dc19ec2872b26db"}],
            "stage_seconds": {"load": 0.134404156, "solve": 2.609391554}
        });
        let mut h = String::new();
        html(&mut h, &manifest);
        assert!(h.contains("<details id=\"manifest\">"));
        assert!(h.contains(
            "name HiGHS, options presolve on, time_limit_seconds default, threads default"
        ));
        assert!(h.contains(">2e8aca111f91…<"));
        assert!(h.contains(">xining.csv</span> <code title=\"1655f"));
        assert!(h.contains("load 0.134 s, solve 2.609 s"));
    }
}
