//! Time series from CSV files, checked row by row against the time grid.
//!
//! Rule: a CSV column supplies exactly one value per step of the grid, in order. Without a
//! time column the file must have exactly `len` data rows; with one, every row's RFC 3339
//! timestamp must equal the grid's (so gaps, duplicates and misalignment are caught). Nothing
//! is filled, interpolated or resampled silently: any mismatch is an error naming file, row
//! and column.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::diagnostic::{Location, Problem};
use crate::time::{TimeGrid, parse_timestamp};
use crate::units;

/// Largest CSV file read (bytes): a year of 1-minute rows with a dozen columns is ~60 MB.
const MAX_CSV_BYTES: u64 = 1 << 30;

/// Reads the regular file at `path` whole, if it is one of at most `max_bytes`: a FIFO or
/// device (`/dev/zero`) would block or never end, a folder has no content.
pub fn read_regular_file(path: &Path, max_bytes: u64) -> std::io::Result<Vec<u8>> {
    use std::io::Read as _;
    // Checked before opening: opening a FIFO for reading blocks until a writer comes.
    let meta = std::fs::metadata(path)?;
    let invalid = |what: String| std::io::Error::new(std::io::ErrorKind::InvalidInput, what);
    if !meta.is_file() {
        return Err(invalid(
            "it is not a regular file (a folder, FIFO or device)".into(),
        ));
    }
    if meta.len() > max_bytes {
        return Err(invalid(format!(
            "it is {} bytes, more than the {max_bytes} bytes vppsim reads",
            meta.len()
        )));
    }
    let file = std::fs::File::open(path)?;
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(max_bytes + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > max_bytes {
        return Err(invalid(format!(
            "it grew beyond {max_bytes} bytes while being read"
        )));
    }
    Ok(bytes)
}

/// A CSV file read once: its header, data rows and SHA-256.
#[derive(Debug)]
pub struct CsvTable {
    pub path: PathBuf,
    pub sha256: String,
    headers: Vec<String>,
    rows: Vec<csv::StringRecord>,
}

impl CsvTable {
    /// Reads `path` whole; a missing, non-UTF-8, empty or ragged file is a problem (every
    /// ragged row, up to ten), and so is anything but a regular file (a folder, FIFO or
    /// device).
    pub fn read(path: &Path) -> Result<CsvTable, Vec<Problem>> {
        let bytes = read_regular_file(path, MAX_CSV_BYTES).map_err(|e| {
            vec![
                Problem::new(
                    "csv-unreadable",
                    format!("cannot read CSV file: {e}"),
                    Location::File(path.to_path_buf()),
                )
                .hint("paths in a scenario are relative to the scenario file"),
            ]
        })?;
        CsvTable::from_bytes(path, bytes)
    }

    /// Parses the bytes of the CSV file at `path`.
    pub fn from_bytes(path: &Path, bytes: Vec<u8>) -> Result<CsvTable, Vec<Problem>> {
        let file_loc = || Location::File(path.to_path_buf());
        let sha256 = hex(&Sha256::digest(&bytes));
        let text = String::from_utf8(bytes).map_err(|e| {
            let line = e.as_bytes()[..e.utf8_error().valid_up_to()]
                .iter()
                .filter(|&&b| b == b'\n')
                .count()
                + 1;
            vec![
                Problem::new(
                    "csv-not-utf8",
                    format!("CSV file is not valid UTF-8 (first bad byte on line {line})"),
                    file_loc(),
                )
                .hint("save the file as UTF-8"),
            ]
        })?;
        let mut reader = csv::ReaderBuilder::new()
            .trim(csv::Trim::All)
            .flexible(true)
            .from_reader(text.as_bytes());
        let malformed =
            |e: csv::Error| vec![Problem::new("csv-malformed", e.to_string(), file_loc())];
        let headers: Vec<String> = reader
            .headers()
            .map_err(malformed)?
            .iter()
            .map(str::to_string)
            .collect();
        if headers.iter().all(String::is_empty) {
            return Err(vec![
                Problem::new("csv-empty", "CSV file is empty", file_loc())
                    .hint("the first line must name the columns"),
            ]);
        }
        let mut rows = Vec::new();
        let mut ragged = Vec::new();
        for record in reader.records() {
            let record = record.map_err(malformed)?;
            if record.len() != headers.len() {
                let line = record.position().map_or(0, csv::Position::line);
                ragged.push(
                    Problem::new(
                        "csv-malformed",
                        format!(
                            "CSV row {line} has {} fields where the header has {}",
                            record.len(),
                            headers.len()
                        ),
                        file_loc(),
                    )
                    .hint("every row needs as many fields as the header"),
                );
            }
            rows.push(record);
        }
        if !ragged.is_empty() {
            return Err(limit(ragged, "file"));
        }
        Ok(CsvTable {
            path: path.to_path_buf(),
            sha256,
            headers,
            rows,
        })
    }

    fn column_index(&self, column: &str) -> Result<usize, Problem> {
        if self.headers.iter().filter(|h| *h == column).count() > 1 {
            return Err(Problem::new(
                "csv-column-twice",
                format!("CSV file has the column '{column}' more than once"),
                Location::File(self.path.clone()),
            )
            .hint("give every column its own name, so it is clear which one is meant"));
        }
        self.headers
            .iter()
            .position(|h| h == column)
            .ok_or_else(|| {
                Problem::new(
                    "csv-column-missing",
                    format!("CSV file has no column '{column}'"),
                    Location::File(self.path.clone()),
                )
                .hint(format!("its columns are: {}", self.headers.join(", ")))
            })
    }

    /// Number of data rows.
    pub fn rows(&self) -> usize {
        self.rows.len()
    }

    /// Column `column` as finite numbers, whatever the number of rows.
    pub fn numbers(&self, column: &str) -> Result<Vec<f64>, Vec<Problem>> {
        let index = self.column_index(column).map_err(|p| vec![p])?;
        let mut problems = Vec::new();
        let values: Vec<f64> = self
            .rows
            .iter()
            .enumerate()
            .filter_map(|(i, row)| match row[index].parse::<f64>() {
                Ok(v) if units::in_range(v) => Some(v),
                _ => {
                    problems.push(
                        Problem::new(
                            "csv-value",
                            format!(
                                "'{}' is not a finite number of at most {:e} in size",
                                &row[index],
                                units::LARGEST
                            ),
                            self.cell(i, column),
                        )
                        .hint("every cell must hold a number; gaps are never filled"),
                    );
                    None
                }
            })
            .collect();
        if problems.is_empty() {
            Ok(values)
        } else {
            Err(limit(problems, "column"))
        }
    }

    /// Column `column` as text, with the location of each cell.
    pub fn texts(&self, column: &str) -> Result<Vec<(&str, Location)>, Problem> {
        let index = self.column_index(column)?;
        Ok(self
            .rows
            .iter()
            .enumerate()
            .map(|(i, row)| (&row[index], self.cell(i, column)))
            .collect())
    }

    fn cell(&self, i: usize, column: &str) -> Location {
        Location::Csv {
            file: self.path.clone(),
            row: i + 2,
            column: column.to_string(),
        }
    }

    /// Column `column`, one finite value per grid step, multiplied by `scale`.
    /// Returns every problem found (up to 10 per column, then a count).
    pub fn column(
        &self,
        column: &str,
        time_column: Option<&str>,
        grid: &TimeGrid,
        scale: f64,
    ) -> Result<Vec<f64>, Vec<Problem>> {
        let index = self.column_index(column).map_err(|p| vec![p])?;
        if self.rows.len() != grid.len {
            return Err(vec![
                Problem::new(
                    "csv-length",
                    format!(
                        "CSV file has {} data rows but the time grid has {} steps",
                        self.rows.len(),
                        grid.len
                    ),
                    Location::File(self.path.clone()),
                )
                .hint("give one row per step, or change [time] duration or step to match"),
            ]);
        }
        let mut stamps = Vec::new();
        if let Some(tc) = time_column {
            let ti = self.column_index(tc).map_err(|p| vec![p])?;
            for (i, row) in self.rows.iter().enumerate() {
                let text = &row[ti];
                let problem = match parse_timestamp(text) {
                    Ok(d) if d == grid.instant(i) => continue,
                    Ok(_) => Problem::new(
                        "csv-timestamp",
                        format!(
                            "timestamp '{text}' should be {} (step {i} of the grid)",
                            grid.timestamp(i)
                        ),
                        self.cell(i, tc),
                    )
                    .hint("rows must follow the grid exactly: no gaps, duplicates or shifts"),
                    Err((message, hint)) => Problem::new(
                        "csv-timestamp",
                        format!("{message} (step {i} is {})", grid.timestamp(i)),
                        self.cell(i, tc),
                    )
                    .hint(hint),
                };
                stamps.push(problem);
            }
        }
        let mut values = Vec::with_capacity(grid.len);
        let mut cells = Vec::new();
        for (i, row) in self.rows.iter().enumerate() {
            let text = &row[index];
            match text.parse::<f64>() {
                Ok(v) if units::in_range(v * scale) => values.push(v * scale),
                Ok(v) if v.is_finite() => cells.push(
                    Problem::new(
                        "csv-value",
                        format!(
                            "'{text}' in this column's unit is beyond the largest value vppsim accepts ({:e} in the engine's unit)",
                            units::LARGEST
                        ),
                        self.cell(i, column),
                    )
                    .hint("check the column's unit; no real site comes near this"),
                ),
                _ => cells.push(
                    Problem::new(
                        "csv-value",
                        format!("'{text}' is not a finite number"),
                        self.cell(i, column),
                    )
                    .hint("every cell must hold a number; gaps are never filled"),
                ),
            }
        }
        // Up to ten of each kind, so that bad timestamps do not hide bad values.
        if stamps.is_empty() && cells.is_empty() {
            Ok(values)
        } else {
            let mut problems = limit(stamps, "column");
            problems.extend(limit(cells, "column"));
            Err(problems)
        }
    }
}

/// Keeps the first ten problems and says how many more there were in the `place` (a
/// column, a file).
fn limit(mut problems: Vec<Problem>, place: &str) -> Vec<Problem> {
    const SHOWN: usize = 10;
    if problems.len() > SHOWN {
        let more = problems.len() - SHOWN;
        problems.truncate(SHOWN);
        let last = problems[SHOWN - 1].clone();
        problems.push(Problem::new(
            last.code,
            format!("... and {more} more like it in this {place}"),
            Location::File(match last.location.as_ref() {
                Location::Csv { file, .. } | Location::File(file) => file.clone(),
                _ => PathBuf::new(),
            }),
        ));
    }
    problems
}

/// Lower-case hexadecimal of a digest.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// CSV files read so far, so several series from one file read it once.
#[derive(Debug, Default)]
pub struct CsvCache {
    tables: BTreeMap<PathBuf, Result<CsvTable, Vec<Problem>>>,
}

impl CsvCache {
    /// The table at `path`, read on first use. A file's problems are given once, to the
    /// first reader: later ones get none (the file has been reported).
    pub fn get(&mut self, path: &Path) -> Result<&CsvTable, Vec<Problem>> {
        match self
            .tables
            .entry(path.to_path_buf())
            .or_insert_with(|| CsvTable::read(path))
        {
            Ok(table) => Ok(table),
            Err(problems) => Err(std::mem::take(problems)),
        }
    }

    /// Path and SHA-256 of every file read successfully, in path order.
    pub fn hashes(&self) -> Vec<(PathBuf, String)> {
        self.tables
            .values()
            .filter_map(|t| t.as_ref().ok())
            .map(|t| (t.path.clone(), t.sha256.clone()))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::DateTime;

    fn grid(len: usize) -> TimeGrid {
        TimeGrid {
            start: DateTime::parse_from_rfc3339("2025-01-01T00:00:00+08:00").unwrap(),
            step_seconds: 3600,
            len,
            zone: None,
        }
    }

    fn write(name: &str, text: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("vppsim-series-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    #[test]
    fn reads_and_scales_a_column() {
        let p = write("ok.csv", "t,load_kw\n0,100\n1,250\n");
        let t = CsvTable::read(&p).unwrap();
        assert_eq!(
            t.column("load_kw", None, &grid(2), 1e-3),
            Ok(vec![0.1, 0.25])
        );
    }

    #[test]
    fn names_row_and_column_of_bad_cells_and_timestamps() {
        let p = write(
            "bad.csv",
            "time,x\n2025-01-01T00:00:00+08:00,1\n2025-01-01T00:00:00+08:00,nan\n",
        );
        let t = CsvTable::read(&p).unwrap();
        let problems = t.column("x", Some("time"), &grid(2), 1.0).unwrap_err();
        let codes: Vec<_> = problems.iter().map(|p| p.code).collect();
        assert_eq!(codes, ["csv-timestamp", "csv-value"]);
        assert!(
            matches!(problems[1].location.as_ref(), Location::Csv { row: 3, column, .. } if column == "x")
        );
        let err = t.column("y", None, &grid(2), 1.0).unwrap_err();
        assert_eq!(err[0].code, "csv-column-missing");
        let err = t.column("x", None, &grid(3), 1.0).unwrap_err();
        assert_eq!(err[0].code, "csv-length");
    }

    #[test]
    fn empty_and_non_utf8_files_are_problems() {
        assert_eq!(
            CsvTable::read(&write("e.csv", "")).unwrap_err()[0].code,
            "csv-empty"
        );
        let p = write("b.csv", "x\n1\n");
        std::fs::write(&p, b"x\n\xff\n").unwrap();
        assert_eq!(CsvTable::read(&p).unwrap_err()[0].code, "csv-not-utf8");
    }

    #[test]
    fn every_ragged_row_is_reported_up_to_ten() {
        let mut text = "a,b\n1,2\n1\n".to_string();
        text.push_str(&"1,2,3\n".repeat(11));
        let problems = CsvTable::read(&write("ragged.csv", &text)).unwrap_err();
        assert_eq!(problems.len(), 11);
        assert_eq!(
            problems[0].message,
            "CSV row 3 has 1 fields where the header has 2"
        );
        assert_eq!(
            problems[1].message,
            "CSV row 4 has 3 fields where the header has 2"
        );
        assert_eq!(problems[10].message, "... and 2 more like it in this file");
    }

    #[test]
    fn bad_timestamps_do_not_hide_bad_values() {
        let mut text = "time,x\n".to_string();
        text.push_str(&"2020-01-01T00:00:00+08:00,1\n".repeat(11));
        text.push_str("2020-01-01T00:00:00+08:00,x\n");
        let t = CsvTable::read(&write("stamps.csv", &text)).unwrap();
        let problems = t.column("x", Some("time"), &grid(12), 1.0).unwrap_err();
        let codes: Vec<_> = problems.iter().map(|p| p.code).collect();
        assert_eq!(codes[..11], ["csv-timestamp"; 11]);
        assert_eq!(
            problems[10].message,
            "... and 2 more like it in this column"
        );
        assert_eq!(codes[11], "csv-value");
        assert!(matches!(
            problems[11].location.as_ref(),
            Location::Csv { row: 13, .. }
        ));
    }
}
