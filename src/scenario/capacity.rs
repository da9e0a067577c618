//! Capacities as written: a fixed quantity (`"6 MWh"`, as always) or an extendable one,
//! `{ existing = "2 MWh", min = "0 MWh", max = "20 MWh", block = "1 MWh",
//! capex = "1200 CNY/kWh", lifetime = "15 years", fixed_om = "10 CNY/kWh/yr" }`
//! (see `assets::capacity`). `max`, `capex` and `lifetime` are required; `existing`, `min`
//! default to 0, `fixed_om` to 0, `block` to none (continuous).

use std::ops::Range;

use toml::{Spanned, Value};

use super::file::Raw;
use super::values::Checker;
use crate::assets::capacity::Extension;
use crate::diagnostic::number;
use crate::units::{self, Dimension};

const KEYS: &[&str] = &[
    "existing", "min", "max", "block", "capex", "lifetime", "fixed_om",
];

const HINT: &str = "an extendable capacity is { existing = \"2 MWh\", min = \"0 MWh\", max = \"20 MWh\", capex = \"1200 CNY/kWh\", lifetime = \"15 years\", fixed_om = \"10 CNY/kWh/yr\" } (block optional)";

/// A capacity of `dimension` (power or energy) named `field` of `owner` (e.g.
/// `battery 'b'`): its existing value and, when written as a table, how it may grow.
/// Problems are reported at the key they concern.
pub fn capacity(
    c: &mut Checker,
    raw: &Raw,
    dimension: Dimension,
    owner: &str,
    field: &'static str,
) -> Option<(f64, Option<Extension>)> {
    let name = format!("{owner}: {field}");
    let Value::Table(table) = raw.get_ref() else {
        return Some((c.nonnegative(raw, dimension, &name)?, None));
    };
    let source = c.source;
    let mut ok = true;
    for key in table.keys() {
        if !KEYS.contains(&key.as_str()) {
            c.report(
                "unknown-key",
                format!("{name}: unknown key `{key}`"),
                key_span(source, raw.span(), key),
                &format!("the keys of an extendable capacity are {}", KEYS.join(", ")),
            );
            ok = false;
        }
    }
    let value = |key: &str| {
        table
            .get(key)
            .map(|v| Spanned::new(key_span(source, raw.span(), key), v.clone()))
    };
    let (existing, min, max, block, capex, lifetime, om) = (
        value("existing"),
        value("min"),
        value("max"),
        value("block"),
        value("capex"),
        value("lifetime"),
        value("fixed_om"),
    );
    let mut required = |key: &str, v: &Option<Raw>| {
        if v.is_none() {
            c.report(
                "missing-key",
                format!("{name}: an extendable capacity needs `{key}`"),
                raw.span(),
                HINT,
            );
            ok = false;
        }
    };
    required("max", &max);
    required("capex", &capex);
    required("lifetime", &lifetime);
    let amount = |c: &mut Checker, v: &Option<Raw>, key: &str| match v {
        None => Some(None),
        Some(v) => c
            .nonnegative(v, dimension, &format!("{name}.{key}"))
            .map(Some),
    };
    let existing = amount(c, &existing, "existing");
    let min_v = amount(c, &min, "min");
    let max_v = amount(c, &max, "max");
    let block_v = amount(c, &block, "block");
    let price = match dimension {
        Dimension::Energy => Dimension::EnergyPrice,
        _ => Dimension::PowerPrice,
    };
    let capex_v = capex
        .as_ref()
        .and_then(|v| c.nonnegative(v, price, &format!("{name}.capex")));
    let lifetime_v = lifetime
        .as_ref()
        .and_then(|v| years(c, v, &format!("{name}.lifetime")));
    let om_v = match &om {
        None => Some(0.0),
        Some(v) => per_year(c, v, price, &name),
    };
    let (Some(existing), Some(min_v), Some(Some(max_v)), Some(block_v)) =
        (existing, min_v, max_v, block_v)
    else {
        return None;
    };
    let existing = existing.unwrap_or(0.0);
    let min_v = min_v.unwrap_or(0.0);
    if max_v < existing || max_v < min_v {
        c.report(
            "capacity-range",
            format!("{name}: max ({max_v}) is below existing ({existing}) or min ({min_v})"),
            max.as_ref().map_or(raw.span(), |m| m.span()),
            "max is the most total capacity, existing plus what may be added",
        );
        ok = false;
    }
    if block_v == Some(0.0) {
        c.report(
            "nonpositive",
            format!("{name}: block must be above zero"),
            block.as_ref().map_or(raw.span(), |b| b.span()),
            "give the size of one block, or leave block out for a continuous size",
        );
        ok = false;
    }
    let (capex_v, lifetime_v, om_v) = (capex_v?, lifetime_v?, om_v?);
    if !ok {
        return None;
    }
    Some((
        existing,
        Some(Extension {
            field,
            unit: if dimension == Dimension::Power {
                "MW"
            } else {
                "MWh"
            },
            existing,
            min: min_v,
            max: max_v,
            block: block_v,
            capex: capex_v,
            lifetime_years: lifetime_v,
            fixed_om: om_v,
            // Set from [finance] once the scenario is resolved (see `finance::annualise`).
            crf: 0.0,
            span: raw.span(),
        }),
    ))
}

/// The span of `key`'s value inside the inline table at `table` (the table's span if the
/// key cannot be found, e.g. in a dotted or multi-line form).
fn key_span(source: &str, table: Range<usize>, key: &str) -> Range<usize> {
    let text = &source[table.clone()];
    let mut from = 0;
    while let Some(i) = text[from..].find(key) {
        let at = from + i;
        let before = text[..at].chars().next_back();
        let rest = text[at + key.len()..].trim_start();
        if before.is_none_or(|ch| !ch.is_alphanumeric() && ch != '_') && rest.starts_with('=') {
            let value = rest[1..].trim_start();
            let start = table.start + text.len() - value.len();
            let len = if let Some(quoted) = value.strip_prefix('"') {
                quoted.find('"').map_or(value.len(), |e| e + 2)
            } else {
                value.find([',', '}', '\n']).unwrap_or(value.len())
            };
            return start..start + len.max(1);
        }
        from = at + key.len();
    }
    table
}

/// A number of years, `"15 years"` (also `year`, `yr`, `y`), above zero and at most 100.
pub fn years(c: &mut Checker, raw: &Raw, field: &str) -> Option<f64> {
    let hint = "write a number of years, e.g. \"15 years\"";
    let parsed = match raw.get_ref() {
        Value::String(text) => {
            let text = text.trim();
            let number = ["years", "year", "yr", "y"]
                .iter()
                .find_map(|u| text.strip_suffix(u))
                .and_then(|n| n.trim().parse::<f64>().ok());
            number.filter(|n| n.is_finite())
        }
        _ => None,
    };
    match parsed {
        Some(n) if n > 0.0 && n <= 100.0 => Some(n),
        Some(n) => {
            c.report(
                "out-of-range",
                format!("{field}: {} years is outside 0..100", number(n)),
                raw.span(),
                hint,
            );
            None
        }
        None => {
            c.report(
                "value-type",
                format!(
                    "{field}: expected a number of years, found {}",
                    raw.get_ref()
                ),
                raw.span(),
                hint,
            );
            None
        }
    }
}

/// A yearly price of `price` (per MW or MWh), written with `/yr` or `/year`:
/// `"10 CNY/kWh/yr"`.
fn per_year(c: &mut Checker, raw: &Raw, price: Dimension, name: &str) -> Option<f64> {
    let field = format!("{name}.fixed_om");
    let Value::String(text) = raw.get_ref() else {
        return c.nonnegative(raw, price, &field);
    };
    let text = text.trim();
    let Some(base) = ["/yr", "/year"].iter().find_map(|s| text.strip_suffix(s)) else {
        c.report(
            "unit-missing",
            format!("{field}: \"{text}\" is not per year"),
            raw.span(),
            &format!(
                "fixed O&M is paid every year: add /yr, e.g. \"10 {}/{}/yr\"",
                c.currency,
                if price == Dimension::EnergyPrice {
                    "kWh"
                } else {
                    "kW"
                }
            ),
        );
        return None;
    };
    match units::parse(base, price, c.currency) {
        Ok(v) if v >= 0.0 => Some(v),
        Ok(_) => {
            c.report(
                "negative",
                format!("{field} must not be negative"),
                raw.span(),
                "use a value of zero or more",
            );
            None
        }
        Err(e) => {
            c.report(
                "unit-unknown",
                format!("{field}: {e}"),
                raw.span(),
                &format!(
                    "write it per year: {}, then /yr",
                    price.examples(c.currency)
                ),
            );
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_spans_point_at_values() {
        let src = r#"x = { max = "20 MWh", capex = "1200 CNY/kWh", block = 2 }"#;
        let table = 4..src.len();
        assert_eq!(&src[key_span(src, table.clone(), "max")], "\"20 MWh\"");
        assert_eq!(
            &src[key_span(src, table.clone(), "capex")],
            "\"1200 CNY/kWh\""
        );
        assert_eq!(&src[key_span(src, table.clone(), "block")], "2 ");
        assert_eq!(key_span(src, table.clone(), "lifetime"), table);
    }
}
