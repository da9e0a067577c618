//! One number format for every figure of a report: thousands separated by commas, about four
//! significant digits (never fewer than the whole part), a true minus sign, and units taken
//! from a KPI key's suffix.

use serde_json::Value;

/// `x` with thousands separators and about four significant digits: `24,367`, `368.8`,
/// `29.56`, `1.745`, `0.0702`; values that round to zero are `0`. Whole numbers of 1,000 and
/// more keep no decimals; below 1, three significant digits (at most eight decimals: what
/// rounds to zero there is `0`).
pub fn number(x: f64) -> String {
    if !x.is_finite() {
        return "n/a".into();
    }
    let a = x.abs();
    if a < 5e-9 {
        return "0".into();
    }
    let decimals = if a >= 1000.0 {
        0
    } else if a >= 1.0 {
        // 1–9.999 → 3, 10–99.99 → 2, 100–999.9 → 1 decimal.
        (3 - a.log10().floor() as i32).max(0) as usize
    } else {
        // Three significant digits below 1.
        ((-a.log10()).floor() as usize + 3).min(8)
    };
    let text = format!("{a:.decimals$}");
    let (whole, fraction) = match text.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (text.as_str(), None),
    };
    let mut out = String::new();
    if x < 0.0 && !text.trim_start_matches(['0', '.']).is_empty() {
        out.push('−');
    }
    for (i, ch) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    if let Some(f) = fraction {
        out.push('.');
        out.push_str(f);
    }
    out
}

/// A count (a whole number) with thousands separators: `1,234`.
pub fn integer(x: f64) -> String {
    number(x.round())
        .split('.')
        .next()
        .unwrap_or_default()
        .to_string()
}

/// A share (0–1) as a percentage with about four significant digits, without the `%`.
pub fn percent(share: f64) -> String {
    number(100.0 * share)
}

/// Unit and scale of a KPI from its key's suffix; `currency` is the run's currency code
/// (`CNY` unless `summary.json` names another), which money keys end with in lower case.
pub fn unit_of(key: &str, currency: &str) -> (String, f64) {
    let money = format!("_{}", currency.to_ascii_lowercase());
    let unit = |u: &str| (u.to_string(), 1.0);
    if key.ends_with("_mwh") {
        unit("MWh")
    } else if key.ends_with("_mw") {
        unit("MW")
    } else if key.ends_with(&money) || key.ends_with("_cny") {
        unit(currency)
    } else if key.ends_with("_t") {
        unit("t")
    } else if key.ends_with("_kwh_per_kwp") {
        unit("kWh/kWp")
    } else if key == "objective" {
        unit("MWh-eq")
    } else if key.ends_with("_s") || key.ends_with("_seconds") {
        unit("s")
    } else if key.contains("share")
        || key == "pv_self_consumption"
        || key.contains("sufficiency")
        || key.starts_with("gap_")
    {
        ("%".into(), 100.0)
    } else {
        unit("")
    }
}

/// A KPI's label from its key: words, without the unit suffix (shown in its own column).
pub fn label_of(key: &str, currency: &str) -> String {
    let money = format!("_{}", currency.to_ascii_lowercase());
    let bare = [
        "_kwh_per_kwp",
        "_mwh",
        "_mw",
        money.as_str(),
        "_cny",
        "_seconds",
        "_t",
    ]
    .iter()
    .find_map(|suffix| key.strip_suffix(suffix))
    .unwrap_or(key);
    let words = bare.replace('_', " ");
    match words.as_str() {
        "co2" => "CO₂ emissions".into(),
        "pv generation" => "PV generation".into(),
        "pv available" => "PV available".into(),
        "pv self consumption" => "PV self-consumption".into(),
        "self sufficiency" => "self-sufficiency".into(),
        "pv specific yield" => "PV specific yield over the run".into(),
        "pue" => "PUE".into(),
        "it" => "IT energy".into(),
        "ai compute" => "AI compute".into(),
        "ai jobs" => "AI jobs".into(),
        "ai jobs on time" => "AI jobs on time".into(),
        "ai onsite share" => "AI on-site share".into(),
        "onsite share" => "on-site share".into(),
        "it capped" => "IT capped".into(),
        _ => words,
    }
}

/// A KPI value as text with its unit: numbers formatted by [`number`] (integers as they
/// are, with separators), `null` as `n/a`, strings as they are.
pub fn show(key: &str, value: &Value, currency: &str) -> (String, String) {
    let (unit, scale) = unit_of(key, currency);
    let text = match value {
        Value::Null => "n/a".to_string(),
        Value::Number(n) if (n.is_i64() || n.is_u64()) && scale == 1.0 => {
            n.as_f64().map_or("n/a".into(), integer)
        }
        Value::Number(n) => n.as_f64().map_or("n/a".into(), |x| number(x * scale)),
        Value::Bool(b) => if *b { "yes" } else { "no" }.to_string(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    (text, unit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_have_separators_and_about_four_significant_digits() {
        assert_eq!(number(10_434_277.7), "10,434,278");
        assert_eq!(number(24_367.0), "24,367");
        assert_eq!(number(1000.0), "1,000");
        assert_eq!(number(368.78), "368.8");
        assert_eq!(number(29.558), "29.56");
        assert_eq!(number(1.745), "1.745");
        assert_eq!(number(0.5753), "0.575");
        assert_eq!(number(0.07019883419320469), "0.0702");
        assert_eq!(number(7.019883419320469e-5), "0.0000702");
        assert_eq!(number(6.955e-15), "0");
        assert_eq!(number(0.0), "0");
        assert_eq!(number(-1234.4), "−1,234");
        assert_eq!(number(-1e-10), "0");
        assert_eq!(number(f64::NAN), "n/a");
        assert_eq!(percent(0.23092198581560275), "23.09");
        assert_eq!(percent(1.0), "100.0");
        assert_eq!(integer(395.0), "395");
        assert_eq!(integer(35040.0), "35,040");
        assert_eq!(show("ai_jobs", &serde_json::json!(4), "CNY").0, "4");
    }

    #[test]
    fn units_follow_the_key_and_the_currency() {
        assert_eq!(unit_of("total_cost_eur", "EUR").0, "EUR");
        assert_eq!(unit_of("total_cost_cny", "CNY").0, "CNY");
        assert_eq!(unit_of("self_sufficiency", "CNY"), ("%".into(), 100.0));
        assert_eq!(label_of("total_cost_eur", "EUR"), "total cost");
        assert_eq!(label_of("co2_t", "CNY"), "CO₂ emissions");
        let (text, unit) = show(
            "grid_import_mwh",
            &serde_json::json!(8293.913663551484),
            "CNY",
        );
        assert_eq!((text.as_str(), unit.as_str()), ("8,294", "MWh"));
    }
}
