//! A results folder read back for plotting: the asset columns of `timeseries.csv` summed by
//! the role `summary.json` gives each (PV, generation, storage, curtailment), the site's
//! and the grid's columns by name, with local time of every step.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, FixedOffset, Timelike};

/// Largest magnitude of a value the charts accept (MW, MWh, prices): far above any real
/// site, far below where axis arithmetic overflows.
pub const LARGEST: f64 = 1e12;

/// What the plots need, per step.
#[derive(Debug, Clone)]
pub struct View {
    pub time: Vec<DateTime<FixedOffset>>,
    /// Step length (hours).
    pub dt: f64,
    /// PV output (role `supply`).
    pub pv: Vec<f64>,
    /// Output of dispatchable generators (role `generation`), when there are any.
    pub generation: Option<Vec<f64>>,
    pub curtailment: Vec<f64>,
    pub charge: Vec<f64>,
    pub discharge: Vec<f64>,
    /// Stored energy of all batteries (MWh), when there are any.
    pub soc: Option<Vec<f64>>,
    pub import: Vec<f64>,
    pub export: Vec<f64>,
    pub consumption: Vec<f64>,
}

impl View {
    /// Parses `timeseries.csv` as written by `vppsim run`, with the role of each asset
    /// column (`("pv.power [MW]", "supply")`, as `summary.json` lists them). A file changed
    /// by hand is checked like any input: every row has every column, every cell is a
    /// finite number no larger than [`LARGEST`], timestamps step evenly forward; otherwise
    /// an error says where.
    pub fn from_csv(text: &str, roles: &[(&str, &str)]) -> Result<View, String> {
        let mut reader = csv::ReaderBuilder::new().from_reader(text.as_bytes());
        let header: Vec<String> = reader
            .headers()
            .map_err(|e| format!("timeseries.csv: {e}"))?
            .iter()
            .map(str::to_string)
            .collect();
        if header.first().map(String::as_str) != Some("timestamp") {
            return Err("timeseries.csv must start with a 'timestamp' column".into());
        }
        let mut columns: BTreeMap<&str, Vec<f64>> = BTreeMap::new();
        for h in header.iter().skip(1) {
            if columns.insert(h.as_str(), Vec::new()).is_some() {
                return Err(format!("timeseries.csv has the column '{h}' twice"));
            }
        }
        let mut time: Vec<DateTime<FixedOffset>> = Vec::new();
        for (i, record) in reader.records().enumerate() {
            let row = i + 2;
            let record = record.map_err(|e| format!("timeseries.csv row {row}: {e}"))?;
            let stamp = &record[0];
            let at = DateTime::parse_from_rfc3339(stamp)
                .map_err(|_| format!("timeseries.csv row {row}: bad timestamp '{stamp}'"))?;
            if let [.., before, last] = time.as_slice()
                && at - *last != *last - *before
            {
                return Err(format!(
                    "timeseries.csv row {row}: timestamp {stamp} breaks the even step"
                ));
            }
            if time.last().is_some_and(|last| at <= *last) {
                return Err(format!(
                    "timeseries.csv row {row}: timestamp {stamp} is not after the previous one"
                ));
            }
            time.push(at);
            for (h, cell) in header.iter().skip(1).zip(record.iter().skip(1)) {
                let v = cell
                    .parse::<f64>()
                    .ok()
                    .filter(|v| v.abs() <= LARGEST)
                    .ok_or_else(|| {
                        format!(
                            "timeseries.csv row {row}, column '{h}': '{cell}' is not a finite number of at most {LARGEST:e} in size"
                        )
                    })?;
                columns
                    .get_mut(h.as_str())
                    .expect("a column per header")
                    .push(v);
            }
        }
        if time.len() < 2 {
            return Err("timeseries.csv needs at least two steps to plot".into());
        }
        let dt = (time[1] - time[0]).num_seconds() as f64 / 3600.0;
        let n = time.len();
        let sum = |role: &str| -> Option<Vec<f64>> {
            let mut found = false;
            let mut total = vec![0.0; n];
            for (column, _) in roles.iter().filter(|(_, r)| *r == role) {
                let values = columns.get(column)?;
                found = true;
                for (t, x) in total.iter_mut().zip(values) {
                    *t += x;
                }
            }
            found.then_some(total)
        };
        if let Some((column, _)) = roles.iter().find(|(c, _)| !columns.contains_key(c)) {
            return Err(format!(
                "timeseries.csv has no column '{column}', which summary.json lists"
            ));
        }
        let column = |name: &str| {
            columns
                .get(name)
                .cloned()
                .ok_or(format!("timeseries.csv has no column '{name}'"))
        };
        let zero = || vec![0.0; n];
        Ok(View {
            dt,
            pv: sum("supply").unwrap_or_else(zero),
            generation: sum("generation"),
            curtailment: sum("curtailment").unwrap_or_else(zero),
            charge: sum("charge").unwrap_or_else(zero),
            discharge: sum("discharge").unwrap_or_else(zero),
            soc: sum("stored"),
            import: column("grid.import [MW]")?,
            export: column("grid.export [MW]")?,
            consumption: column("site.consumption [MW]")?,
            time,
        })
    }

    pub fn len(&self) -> usize {
        self.time.len()
    }

    pub fn is_empty(&self) -> bool {
        self.time.is_empty()
    }

    /// First step of the 7-day window (whole local days) with the most grid import, or the
    /// whole run when it is shorter than a week.
    pub fn busiest_week(&self) -> (usize, usize) {
        let per_day = ((24.0 / self.dt).round() as usize).max(1);
        let week = 7 * per_day;
        if self.len() <= week {
            return (0, self.len());
        }
        let first_midnight = (0..self.len())
            .find(|&t| self.time[t].num_seconds_from_midnight() == 0)
            .unwrap_or(0);
        let mut best = (f64::MIN, first_midnight);
        let mut start = first_midnight;
        while start + week <= self.len() {
            let energy: f64 = self.import[start..start + week].iter().sum();
            if energy > best.0 {
                best = (energy, start);
            }
            start += per_day;
        }
        (best.1, best.1 + week)
    }

    /// Day index (from the first local day) and local hour of step `t`.
    pub fn day_and_hour(&self, t: usize) -> (i64, f64) {
        let first = self.time[0].date_naive();
        let local = self.time[t];
        (
            (local.date_naive() - first).num_days(),
            local.num_seconds_from_midnight() as f64 / 3600.0,
        )
    }

    /// Calendar month key (`12·year + month0`) of step `t`, local time.
    pub fn month(&self, t: usize) -> i32 {
        self.time[t].year() * 12 + self.time[t].month0() as i32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sums_the_columns_by_their_roles() {
        let csv = "timestamp,pv.power [MW],pv.curtailment [MW],b.charge [MW],b.discharge [MW],b.soc [MWh],office.power [MW],gen.power [MW],site.consumption [MW],grid.import [MW],grid.export [MW]\n\
                   2025-01-01T00:00:00+08:00,1,0.5,0.2,0,1,2,0.25,2,0.95,0\n\
                   2025-01-01T01:00:00+08:00,0,0,0,0.3,0.7,2,0.5,2,1.2,0\n";
        let roles = [
            ("pv.power [MW]", "supply"),
            ("pv.curtailment [MW]", "curtailment"),
            ("b.charge [MW]", "charge"),
            ("b.discharge [MW]", "discharge"),
            ("b.soc [MWh]", "stored"),
            ("office.power [MW]", "load"),
            ("gen.power [MW]", "generation"),
        ];
        let v = View::from_csv(csv, &roles).unwrap();
        assert_eq!(v.pv, vec![1.0, 0.0]);
        assert_eq!(v.generation, Some(vec![0.25, 0.5]));
        assert_eq!(v.curtailment, vec![0.5, 0.0]);
        assert_eq!(v.soc, Some(vec![1.0, 0.7]));
        assert_eq!(v.dt, 1.0);
        assert_eq!(v.busiest_week(), (0, 2));
        assert!(View::from_csv("timestamp\n", &roles).is_err());
        // A column summary.json lists but the CSV lacks is named.
        let e = View::from_csv(csv, &[("wind.power [MW]", "supply")]).unwrap_err();
        assert!(e.contains("'wind.power [MW]'"), "{e}");
        // Truncated, non-finite, huge or out-of-order rows are errors, not panics later.
        let lines: Vec<&str> = csv.lines().collect();
        let truncated = format!(
            "{}\n{}\n2025-01-01T01:00:00+08:00,0,0\n",
            lines[0], lines[1]
        );
        assert!(
            View::from_csv(&truncated, &roles)
                .unwrap_err()
                .contains("row 3")
        );
        for bad in ["inf", "NaN", "1.72e308"] {
            let edited = csv.replacen(",0.95,0\n", &format!(",{bad},0\n"), 1);
            let e = View::from_csv(&edited, &roles).unwrap_err();
            assert!(e.contains("row 2, column 'grid.import [MW]'"), "{e}");
        }
        let swapped = format!("{}\n{}\n{}\n", lines[0], lines[2], lines[1]);
        assert!(
            View::from_csv(&swapped, &roles)
                .unwrap_err()
                .contains("not after")
        );
    }
}
