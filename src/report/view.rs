//! A results folder read back for plotting: the columns of `timeseries.csv` summed by
//! role (PV, battery, grid, consumption), with local time of every step.

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
    pub pv: Vec<f64>,
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
    /// Parses `timeseries.csv` as written by `vppsim run`. A file changed by hand is
    /// checked like any input: every row has every column, every cell is a finite number
    /// no larger than [`LARGEST`], timestamps step evenly forward; otherwise an error says
    /// where.
    pub fn from_csv(text: &str) -> Result<View, String> {
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
        let sum = |suffix: &str, skip: &dyn Fn(&str) -> bool| -> Vec<f64> {
            let mut total = vec![0.0; n];
            for (h, v) in columns
                .iter()
                .filter(|(h, _)| h.ends_with(suffix) && !skip(h))
            {
                let _ = h;
                for (t, x) in total.iter_mut().zip(v) {
                    *t += x;
                }
            }
            total
        };
        // PV plants are the assets with a curtailment column.
        let pv_names: Vec<&str> = header
            .iter()
            .filter_map(|h| h.strip_suffix(".curtailment [MW]"))
            .collect();
        let is_pv_power = |h: &str| pv_names.iter().any(|p| h == format!("{p}.power [MW]"));
        let pv = sum(".power [MW]", &|h| !is_pv_power(h));
        let has_soc = header.iter().any(|h| h.ends_with(".soc [MWh]"));
        let column = |name: &str| {
            columns
                .get(name)
                .cloned()
                .ok_or(format!("timeseries.csv has no column '{name}'"))
        };
        Ok(View {
            dt,
            pv,
            curtailment: sum(".curtailment [MW]", &|_| false),
            charge: sum(".charge [MW]", &|_| false),
            discharge: sum(".discharge [MW]", &|_| false),
            soc: has_soc.then(|| sum(".soc [MWh]", &|_| false)),
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
    fn reads_roles_from_the_written_columns() {
        let csv = "timestamp,pv.power [MW],pv.curtailment [MW],b.charge [MW],b.discharge [MW],b.soc [MWh],office.power [MW],site.consumption [MW],grid.import [MW],grid.export [MW]\n\
                   2025-01-01T00:00:00+08:00,1,0.5,0.2,0,1,2,2,1.2,0\n\
                   2025-01-01T01:00:00+08:00,0,0,0,0.3,0.7,2,2,1.7,0\n";
        let v = View::from_csv(csv).unwrap();
        assert_eq!(v.pv, vec![1.0, 0.0]);
        assert_eq!(v.curtailment, vec![0.5, 0.0]);
        assert_eq!(v.soc, Some(vec![1.0, 0.7]));
        assert_eq!(v.dt, 1.0);
        assert_eq!(v.busiest_week(), (0, 2));
        assert!(View::from_csv("timestamp\n").is_err());
        // Truncated, non-finite, huge or out-of-order rows are errors, not panics later.
        let lines: Vec<&str> = csv.lines().collect();
        let truncated = format!(
            "{}\n{}\n2025-01-01T01:00:00+08:00,0,0\n",
            lines[0], lines[1]
        );
        assert!(View::from_csv(&truncated).unwrap_err().contains("row 3"));
        for bad in ["inf", "NaN", "1.72e308"] {
            let edited = csv.replacen(",1.2,0\n", &format!(",{bad},0\n"), 1);
            let e = View::from_csv(&edited).unwrap_err();
            assert!(e.contains("row 2, column 'grid.import [MW]'"), "{e}");
        }
        let swapped = format!("{}\n{}\n{}\n", lines[0], lines[2], lines[1]);
        assert!(View::from_csv(&swapped).unwrap_err().contains("not after"));
    }
}
