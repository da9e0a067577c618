//! One resolver per asset kind, mirroring `src/assets/`: each checks its table and returns
//! the asset, or `None` once it has reported its problems. Composite assets (data centres,
//! EV hubs) are resolved here as written; `resolve` lowers them into primitives.

pub mod battery;
pub mod datacenter;
pub mod ev_hub;
pub mod flexible;
pub mod grid;
pub mod load;
pub mod pv;

use super::values::SeriesKind;
use crate::units::Dimension;

/// A non-negative power series, optionally per unit of `per_unit_base` (see [`SeriesKind`]).
fn power_series(per_unit_base: Option<Option<f64>>) -> SeriesKind {
    SeriesKind {
        dimension: Dimension::Power,
        per_unit_base,
        nonnegative: true,
    }
}
