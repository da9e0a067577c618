//! Time-of-use prices: `{ time_of_use = [{ from, to, price, months, days }, ...] }`, a price
//! per step from periods of the local day that cover every day exactly once.

use toml::Value;

use super::file::Raw;
use super::values::{Checker, unit_problem};
use crate::time::{TimeGrid, parse_clock};
use crate::units::{self, Dimension};

/// Time-of-use periods `{ from, to, price, months, days }`: `months` (1–12, default all)
/// and `days` (`"weekdays"`, `"weekends"`, default both) say when a period applies; for
/// every month and kind of day the periods must cover 00:00–24:00 exactly once.
pub fn time_of_use(
    c: &mut Checker,
    raw: &Raw,
    table: &toml::Table,
    field: &str,
    grid: &TimeGrid,
) -> Option<Vec<f64>> {
    let span = raw.span();
    let hint = "time_of_use = [{ from = \"00:00\", to = \"08:00\", price = \"0.25 CNY/kWh\" }, ...] \
                covering 00:00-24:00 once for every month and kind of day; optional months = [6, 7, 8] \
                and days = \"weekdays\" or \"weekends\"; a period may wrap past midnight";
    if table.len() != 1 {
        c.report(
            "unknown-key",
            format!("{field}: only 'time_of_use' may be given"),
            span,
            hint,
        );
        return None;
    }
    let Some(Value::Array(periods)) = table.get("time_of_use") else {
        c.report(
            "series-spec",
            format!("{field}: time_of_use must be an array"),
            span,
            hint,
        );
        return None;
    };
    // Price per minute of the day, for each month (0–11) × kind of day (weekday, weekend).
    let mut tables: Vec<Vec<Option<f64>>> = vec![vec![None; 1440]; 24];
    for (i, period) in periods.iter().enumerate() {
        let n = i + 1;
        let bad = |c: &mut Checker, code, msg: String| {
            c.report(
                code,
                format!("{field}: period {n}: {msg}"),
                span.clone(),
                hint,
            );
            None
        };
        let get = |k: &str| period.get(k).and_then(Value::as_str);
        let (Some(from), Some(to), Some(price)) = (get("from"), get("to"), get("price")) else {
            return bad(c, "series-spec", "needs from, to and price strings".into());
        };
        let known = ["from", "to", "price", "months", "days"];
        if let Some(k) = period
            .as_table()
            .and_then(|t| t.keys().find(|k| !known.contains(&k.as_str())))
        {
            return bad(c, "unknown-key", format!("unknown key '{k}'"));
        }
        let (from, to) = match (parse_clock(from), parse_clock(to)) {
            (Ok(f), Ok(t)) => (f / 60, t / 60),
            (Err(e), _) | (_, Err(e)) => return bad(c, "clock-time", e),
        };
        let price = match units::parse(price, Dimension::EnergyPrice, c.currency) {
            Ok(p) => p,
            Err(e @ units::UnitError::OtherCurrency { .. }) => {
                let (code, currency_hint) = unit_problem(&e, Dimension::EnergyPrice, c.currency);
                c.report(
                    code,
                    format!("{field}: period {n}: {e}"),
                    span,
                    &currency_hint,
                );
                return None;
            }
            Err(e) => {
                let code = unit_problem(&e, Dimension::EnergyPrice, c.currency).0;
                return bad(c, code, e.to_string());
            }
        };
        let months: Vec<usize> = match period.get("months") {
            None => (0..12).collect(),
            Some(Value::Array(ms))
                if ms
                    .iter()
                    .all(|m| m.as_integer().is_some_and(|m| (1..=12).contains(&m))) =>
            {
                ms.iter()
                    .filter_map(Value::as_integer)
                    .map(|m| m as usize - 1)
                    .collect()
            }
            Some(_) => {
                return bad(
                    c,
                    "series-spec",
                    "months must be a list of numbers 1-12".into(),
                );
            }
        };
        let kinds: &[usize] = match period.get("days").map(|d| d.as_str()) {
            None => &[0, 1],
            Some(Some("weekdays")) => &[0],
            Some(Some("weekends")) => &[1],
            Some(_) => {
                return bad(
                    c,
                    "series-spec",
                    "days must be \"weekdays\" or \"weekends\"".into(),
                );
            }
        };
        for edge in [from, to] {
            c.warn_off_grid(edge * 60, grid, field, span.clone());
        }
        let minutes: Vec<i64> = if from < to {
            (from..to).collect()
        } else {
            (from..1440).chain(0..to).collect()
        };
        for &month in &months {
            for &kind in kinds {
                for &m in &minutes {
                    let slot = &mut tables[month * 2 + kind][m as usize];
                    if slot.is_some() {
                        let when = format!(
                            "overlaps another at {:02}:{:02} ({})",
                            m / 60,
                            m % 60,
                            day_kind(month, kind)
                        );
                        return bad(c, "tou-overlap", when);
                    }
                    *slot = Some(price);
                }
            }
        }
    }
    for (k, table) in tables.iter().enumerate() {
        if let Some(m) = table.iter().position(Option::is_none) {
            let everywhere = tables.iter().all(|t| t[m].is_none());
            let when = if everywhere {
                "every day".to_string()
            } else {
                day_kind(k / 2, k % 2)
            };
            c.report(
                "tou-gap",
                format!(
                    "{field}: no period covers {:02}:{:02} ({when})",
                    m / 60,
                    m % 60
                ),
                span,
                hint,
            );
            return None;
        }
    }
    let tables: Vec<Vec<f64>> = tables
        .into_iter()
        .map(|t| t.into_iter().flatten().collect())
        .collect();
    Some(
        (0..grid.len)
            .map(|t| {
                use chrono::Datelike;
                let d = grid.instant(t);
                let kind = usize::from(d.weekday().number_from_monday() >= 6);
                tables[d.month0() as usize * 2 + kind][(grid.local_second_of_day(t) / 60) as usize]
            })
            .collect(),
    )
}

/// "weekdays in March" and the like, for messages.
fn day_kind(month: usize, kind: usize) -> String {
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    format!("{} in {}", ["weekdays", "weekends"][kind], MONTHS[month])
}
