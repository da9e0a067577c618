//! A sweep's results folder: the plan, one folder per finished case and the tables.
//!
//! ```text
//! DIR/plan.json                 the cases (from the sweep file, resolved)
//! DIR/cases/<key>/case.json     a finished case: status, exit code, error, KPIs, times
//! DIR/cases/<key>/…             its timeseries.csv, summary.json, manifest.json (keep = "timeseries")
//! DIR/shard-K-of-N/…            the same for shard K of N (plan.json, cases/)
//! DIR/sweep.csv, sweep.parquet, report.html, *.svg, *.png   the merged table and report
//! ```
//! A case folder is staged and renamed into place when complete (see `results::folder`),
//! so a stopped sweep leaves only whole cases; the next run skips them.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::output::{RunOutput, write_run};
use crate::results::{Claim, WriteError, pretty};

use super::parquet::to_parquet;
use super::plan::Plan;
use super::run::{Finished, Record};
use super::table::{self, Table};

/// Marker kinds of the folders a sweep writes.
pub const KIND: &str = "sweep";
pub const SHARD_KIND: &str = "sweep-shard";
const CASE_KIND: &str = "sweep-case";

/// The folder a (shard of a) sweep writes its cases into: `out` itself, or
/// `out/shard-K-of-N`.
pub fn shard_dir(out: &Path, shard: Option<(usize, usize)>) -> PathBuf {
    match shard {
        Some((k, n)) => out.join(format!("shard-{k}-of-{n}")),
        None => out.to_path_buf(),
    }
}

/// A claimed folder cases are written into.
pub struct Store {
    claim: Claim,
    timeseries: bool,
}

impl Store {
    /// Opens (or creates) `dir` for the cases of `plan`, writing `plan.json`; removes what
    /// stopped runs left while staging cases. Returns notes for the user.
    pub fn open(dir: &Path, kind: &str, plan: &Plan) -> Result<(Store, Vec<String>), WriteError> {
        let claim = Claim::open(dir, kind)?;
        let mut notes = claim.notes.clone();
        notes.extend(claim.remove_leftovers_in("cases"));
        let staging = claim.stage(kind)?;
        staging.write("plan.json", &pretty(plan))?;
        claim.replace_files(staging.path(), &[("plan.json".into(), "plan.json".into())])?;
        drop(staging);
        Ok((
            Store {
                claim,
                timeseries: plan.keeps_timeseries(),
            },
            notes,
        ))
    }

    pub fn claim(&self) -> &Claim {
        &self.claim
    }

    /// Writes case `record` (with its results folder when the sweep keeps time series and
    /// the case succeeded) as `cases/<key>`, atomically; the write time goes into the
    /// record.
    pub fn write_case(
        &self,
        mut record: Record,
        finished: Option<&Finished>,
    ) -> Result<Record, WriteError> {
        let start = Instant::now();
        let staging = self
            .claim
            .stage_folder(&format!("cases/{}", record.key), CASE_KIND)?;
        if let (true, Some(f)) = (self.timeseries, finished) {
            let output = RunOutput {
                scenario: &f.loaded.scenario,
                results: &f.results,
                kpis: &f.kpis,
                solver_objective: f.objective,
                forecast_errors: &f.forecast_errors,
                sizing: None,
                baseline: None,
                parquet: false,
            };
            write_run(staging.path(), false, &output, |w| f.manifest(w))?;
        }
        record.seconds.write = start.elapsed().as_secs_f64();
        staging.write("case.json", &pretty(&record))?;
        staging.commit()?;
        Ok(record)
    }
}

/// Every finished case found under `out`: in `out/cases` and in each `out/shard-*/cases`,
/// by key. A case counts as finished when its `case.json` reads, and (for a sweep that
/// keeps time series) a successful case has its `timeseries.csv`.
pub fn finished_cases(out: &Path, timeseries: bool) -> BTreeMap<String, Record> {
    let mut found = BTreeMap::new();
    let mut roots = vec![out.join("cases")];
    if let Ok(entries) = std::fs::read_dir(out) {
        let mut shards: Vec<PathBuf> = entries
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().starts_with("shard-"))
            .map(|e| e.path().join("cases"))
            .collect();
        shards.sort();
        roots.extend(shards);
    }
    for root in roots {
        let Ok(entries) = std::fs::read_dir(&root) else {
            continue;
        };
        for entry in entries.flatten() {
            let dir = entry.path();
            let Some(record) = std::fs::read_to_string(dir.join("case.json"))
                .ok()
                .and_then(|t| serde_json::from_str::<Record>(&t).ok())
            else {
                continue;
            };
            let complete = !timeseries || !record.ok() || dir.join("timeseries.csv").is_file();
            let named = entry.file_name().to_string_lossy() == record.key;
            if complete && named {
                found.entry(record.key.clone()).or_insert(record);
            }
        }
    }
    found
}

/// The shard folders under `out` (`shard-K-of-N`), sorted.
pub fn shard_dirs(out: &Path) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(out)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with("shard-"))
        .filter(|e| e.path().is_dir())
        .map(|e| e.path())
        .collect();
    dirs.sort();
    dirs
}

/// Writes the sweep's table (`sweep.csv`, `sweep.parquet`) and, with `report`, its
/// sensitivity report into the claimed folder, each file replaced atomically; returns
/// the table.
pub fn write_tables(
    claim: &Claim,
    plan: &Plan,
    records: &BTreeMap<String, Record>,
    report: bool,
) -> Result<Table, WriteError> {
    let table = table::build(plan, records);
    let staging = claim.stage(KIND)?;
    let mut files = vec!["sweep.csv".to_string(), "sweep.parquet".to_string()];
    staging.write("sweep.csv", table.csv().as_bytes())?;
    let parquet =
        to_parquet(&table).map_err(|e| WriteError::Report(format!("sweep.parquet: {e}")))?;
    staging.write("sweep.parquet", &parquet)?;
    if report {
        files.extend(super::report::write(staging.path(), plan, &table)?);
    }
    let moved: Vec<(String, String)> = files.into_iter().map(|f| (f.clone(), f)).collect();
    claim.replace_files(staging.path(), &moved)?;
    Ok(table)
}
