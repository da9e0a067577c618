//! Fixed loads: a power series.

use super::power_series;
use crate::assets::FixedLoad;
use crate::scenario::file;
use crate::scenario::values::Checker;
use crate::time::TimeGrid;

/// Resolves a `[[load]]` table: its power per step (MW).
pub fn load(c: &mut Checker, t: &file::LoadTable, time: &TimeGrid) -> Option<FixedLoad> {
    let name = t.name.get_ref();
    let power = c.series(
        &t.power,
        power_series(None),
        &format!("load '{name}': power"),
        time,
    )?;
    Some(FixedLoad {
        name: name.clone(),
        power_mw: power,
    })
}
