//! The grid connection: limits, prices (series or time of use), carbon intensity and the
//! monthly demand charge.

use chrono::Datelike;

use crate::assets::Grid;
use crate::assets::grid::DemandCharge;
use crate::scenario::capacity::capacity;
use crate::scenario::file;
use crate::scenario::values::{Checker, SeriesKind};
use crate::time::TimeGrid;
use crate::units::Dimension;

/// Resolves the `[grid]` table: limits (MW), prices (CNY/MWh per step), carbon intensity
/// (kg/MWh per step) and the demand charge.
pub fn grid(c: &mut Checker, t: &file::GridTable, time: &TimeGrid) -> Option<Grid> {
    let import = capacity(c, &t.import_limit, Dimension::Power, "grid", "import_limit");
    let export_limit = c.nonnegative(&t.export_limit, Dimension::Power, "grid: export_limit");
    let import_price = c.price(&t.import_price, "grid: import_price", time);
    let export_price = match &t.export_price {
        None => Some(vec![0.0; time.len]),
        Some(raw) => c.price(raw, "grid: export_price", time),
    };
    let carbon = t.carbon_intensity.as_ref().map(|raw| {
        let kind = SeriesKind {
            dimension: Dimension::CarbonIntensity,
            per_unit_base: None,
            nonnegative: true,
        };
        c.series(raw, kind, "grid: carbon_intensity", time)
    });
    let carbon = match carbon {
        None => None,
        Some(series) => Some(series?),
    };
    let demand_charge = match &t.demand_charge {
        None => None,
        Some(raw) => Some(demand_charge(
            c.nonnegative(raw, Dimension::PowerPrice, "grid: demand_charge")?,
            time,
        )),
    };
    let (import_limit, import_sizing) = import?;
    Some(Grid {
        import_limit_mw: import_limit,
        import_sizing,
        export_limit_mw: export_limit?,
        import_price: import_price?,
        export_price: export_price?,
        carbon_kg_per_mwh: carbon,
        demand_charge,
    })
}

/// A monthly demand charge on `time`: each step's calendar month (local time) and the share
/// of each month inside the horizon (its steps' hours over the month's real hours: 745 for
/// an October with a daylight-saving change).
fn demand_charge(cny_per_mw: f64, time: &TimeGrid) -> DemandCharge {
    let month: Vec<u32> = (0..time.len)
        .map(|t| {
            let d = time.instant(t);
            d.year() as u32 * 12 + d.month0()
        })
        .collect();
    let first = month.first().copied().unwrap_or(0);
    let months = month.last().map_or(0, |last| (last - first + 1) as usize);
    let mut hours = vec![0.0; months];
    for m in &month {
        hours[(m - first) as usize] += time.dt_hours();
    }
    let share = hours
        .iter()
        .enumerate()
        .map(|(k, h)| {
            let key = first + k as u32;
            let (year, month0) = ((key / 12) as i32, key % 12);
            (h / time.month_hours(year, month0 + 1)).min(1.0)
        })
        .collect();
    DemandCharge {
        cny_per_mw,
        month,
        share,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::DateTime;

    #[test]
    fn a_demand_charge_is_pro_rated_to_the_share_of_each_month_in_the_horizon() {
        // Two days across the end of June (30 days) into July (31 days), hourly.
        let time = TimeGrid {
            start: DateTime::parse_from_rfc3339("2025-06-30T00:00:00+08:00").unwrap(),
            step_seconds: 3600,
            len: 48,
            zone: None,
        };
        let d = demand_charge(30_000.0, &time);
        assert_eq!(d.share.len(), 2);
        assert!((d.share[0] - 1.0 / 30.0).abs() < 1e-12, "{:?}", d.share);
        assert!((d.share[1] - 1.0 / 31.0).abs() < 1e-12, "{:?}", d.share);
        assert!((d.cny_per_mw_in(d.month[47]) - 30_000.0 / 31.0).abs() < 1e-9);
        // A whole month pays the whole charge.
        let june = TimeGrid {
            start: DateTime::parse_from_rfc3339("2025-06-01T00:00:00+08:00").unwrap(),
            step_seconds: 900,
            len: 30 * 96,
            zone: None,
        };
        assert_eq!(demand_charge(1.0, &june).share, vec![1.0]);
    }
}
