//! Interpreting raw TOML values: quantities with units, fractions, weights, series from CSV
//! and prices (time-of-use periods: [`super::tou`]). Every problem is recorded with its position, and checking goes on.

use std::ops::Range;
use std::path::{Path, PathBuf};

use toml::{Spanned, Value};

use super::file::Raw;
use crate::currency::Currency;
use crate::diagnostic::{Location, Problem, number};
use crate::options::Named;
use crate::series::CsvCache;
use crate::time::TimeGrid;
use crate::units::{self, Dimension, UnitError};

/// What a name of a scenario, site, asset or event may be, and why.
pub const PLAIN_NAME: &str = "use 1 to 64 letters, digits, '_' and '-' (names become folder names and CSV column headers, so they may not hold '/', '.', spaces, commas or quotes)";

/// What resolving a file gives besides its result.
#[derive(Debug, Clone, Default)]
pub struct Extras {
    /// Every CSV (or other input) file read, with its SHA-256, in path order.
    pub csv: Vec<(PathBuf, String)>,
    /// Valid input that may not mean what was intended.
    pub warnings: Vec<Problem>,
}

/// Largest input file read whole as text (bytes): an hourly EPW year is 1.5–2 MB.
const MAX_TEXT_BYTES: u64 = 64 << 20;

/// State shared by all checks of one scenario file.
pub struct Checker<'a> {
    pub file: &'a Path,
    pub source: &'a str,
    pub problems: Vec<Problem>,
    /// Valid input that may not mean what was intended.
    pub warnings: Vec<Problem>,
    pub csv: CsvCache,
    /// The scenario's currency: prices must be written in it (CNY until `[scenario]
    /// currency` has been read).
    pub currency: Currency,
    /// Input files read whole other than CSV (EPW weather), with their SHA-256.
    pub inputs: Vec<(PathBuf, String)>,
}

/// Where a series was read: a CSV file's column in `unit`, `scale` engine units per unit,
/// its `rows` tiled over the grid when fewer than its steps.
struct CsvRead {
    path: PathBuf,
    column: String,
    unit: String,
    scale: f64,
    rows: usize,
}

/// Where a column is: a CSV file (relative to the scenario), its column, and the column
/// of timestamps that must match the grid, if any.
#[derive(Clone, Copy)]
pub struct ColumnRef<'a> {
    pub file: &'a str,
    pub column: &'a str,
    pub time_column: Option<&'a str>,
}

/// What a series value may be written as.
#[derive(Clone, Copy)]
pub struct SeriesKind {
    pub dimension: Dimension,
    /// Per-unit values (`unit = "pu"`) are allowed, multiplied by this base; `Some(None)`
    /// when the base itself was invalid (already reported).
    pub per_unit_base: Option<Option<f64>>,
    /// Negative values are an error.
    pub nonnegative: bool,
}

impl<'a> Checker<'a> {
    pub fn new(file: &'a Path, source: &'a str) -> Checker<'a> {
        Checker {
            file,
            source,
            problems: Vec::new(),
            warnings: Vec::new(),
            csv: CsvCache::default(),
            currency: Currency::CNY,
            inputs: Vec::new(),
        }
    }

    pub fn at(&self, span: Range<usize>) -> Location {
        Location::in_text(self.file, self.source, span)
    }

    /// What resolving gave besides its result: the CSV files read (path and SHA-256, in
    /// path order) and the warnings, each once.
    pub fn extras(&self) -> Extras {
        let mut warnings: Vec<Problem> = Vec::new();
        for w in &self.warnings {
            if !warnings.contains(w) {
                warnings.push(w.clone());
            }
        }
        let mut csv = self.csv.hashes();
        csv.extend(self.inputs.iter().cloned());
        csv.sort();
        csv.dedup();
        Extras { csv, warnings }
    }

    /// Records a warning at `span`.
    pub fn warn(&mut self, code: &'static str, message: String, span: Range<usize>, hint: &str) {
        let mut p = Problem::new(code, message, self.at(span)).warning();
        if !hint.is_empty() {
            p = p.hint(hint);
        }
        self.warnings.push(p);
    }

    /// Records a problem at `span`.
    pub fn report(&mut self, code: &'static str, message: String, span: Range<usize>, hint: &str) {
        let mut p = Problem::new(code, message, self.at(span));
        if !hint.is_empty() {
            p = p.hint(hint);
        }
        self.problems.push(p);
    }

    /// Checks that `name` (of a scenario, site, asset or event: `what`) is a plain name:
    /// see [`PLAIN_NAME`]. Reports it otherwise; returns whether it is.
    pub fn plain_name(&mut self, name: &Spanned<String>, what: &str) -> bool {
        let text = name.get_ref();
        let plain = !text.is_empty()
            && text.len() <= 64
            && text
                .chars()
                .all(|ch| ch.is_ascii_alphanumeric() || ch == '_' || ch == '-');
        if !plain {
            self.report(
                "name",
                format!("{what} name '{text}' is not a plain name"),
                name.span(),
                PLAIN_NAME,
            );
        }
        plain
    }

    /// One of the options `T` by name; otherwise reports `code` with `message(written)` and
    /// the names as hint.
    pub fn choice<T: Named>(
        &mut self,
        value: &Spanned<String>,
        code: &'static str,
        message: impl FnOnce(&str) -> String,
    ) -> Option<T> {
        let written = value.get_ref();
        let parsed = T::parse(written);
        if parsed.is_none() {
            let hint = format!("use one of: {}", T::NAMES.join(", "));
            self.report(code, message(written), value.span(), &hint);
        }
        parsed
    }

    /// A constant quantity of `dimension`, written as `"<number> <unit>"`.
    pub fn quantity(&mut self, raw: &Raw, dimension: Dimension, field: &str) -> Option<f64> {
        let span = raw.span();
        match raw.get_ref() {
            Value::String(text) => match units::parse(text, dimension, self.currency) {
                Ok(v) => Some(v),
                Err(e) => {
                    let (code, hint) = unit_problem(&e, dimension, self.currency);
                    self.report(code, format!("{field}: {e}"), span, &hint);
                    None
                }
            },
            Value::Integer(_) | Value::Float(_) => {
                let shown = match raw.get_ref() {
                    Value::Float(x) => number(*x),
                    other => other.to_string(),
                };
                self.report(
                    "unit-missing",
                    format!("{field}: {shown} is a bare number, but {dimension} needs a unit"),
                    span,
                    &format!(
                        "write it as a string with its unit: {}",
                        dimension.examples(self.currency)
                    ),
                );
                None
            }
            other => {
                self.report(
                    "value-type",
                    format!(
                        "{field}: expected {dimension} with its unit, found a {}",
                        other.type_str()
                    ),
                    span,
                    &format!(
                        "write it as a string with its unit: {}",
                        dimension.examples(self.currency)
                    ),
                );
                None
            }
        }
    }

    /// A quantity that must also be non-negative.
    pub fn nonnegative(&mut self, raw: &Raw, dimension: Dimension, field: &str) -> Option<f64> {
        let v = self.quantity(raw, dimension, field)?;
        if v < 0.0 {
            self.report(
                "negative",
                format!("{field} must not be negative"),
                raw.span(),
                "use a value of zero or more",
            );
            return None;
        }
        Some(v)
    }

    /// A plain finite number within `range` (fractions: 0..1).
    pub fn number_in(
        &mut self,
        raw: &Raw,
        field: &str,
        lo: f64,
        hi: f64,
        what: &str,
    ) -> Option<f64> {
        let v = match raw.get_ref() {
            Value::Float(f) => *f,
            Value::Integer(i) => *i as f64,
            Value::String(text) => {
                self.report(
                    "value-type",
                    format!("{field}: expected a plain number, found the string \"{text}\""),
                    raw.span(),
                    &format!("{what}; write it without quotes, e.g. {}", hi.min(0.95)),
                );
                return None;
            }
            other => {
                self.report(
                    "value-type",
                    format!(
                        "{field}: expected a plain number, found a {}",
                        other.type_str()
                    ),
                    raw.span(),
                    what,
                );
                return None;
            }
        };
        if !v.is_finite() {
            // TOML reads a number too large in size (-1e309) as an infinity: say so.
            let written = self.source.get(raw.span()).unwrap_or_default();
            let message = match super::resolve::beyond_toml(written) {
                Some(range) => format!("{field} is {written}, out of range: {range}"),
                None => format!("{field} is {written}, not a finite number"),
            };
            self.report("not-finite", message, raw.span(), what);
            return None;
        }
        if v < lo || v > hi {
            self.report(
                "out-of-range",
                format!(
                    "{field} {} is outside {}..{}",
                    number(v),
                    number(lo),
                    number(hi)
                ),
                raw.span(),
                what,
            );
            return None;
        }
        Some(v)
    }

    /// A value per grid step: a constant quantity, or `{ file, column, unit, time_column }`.
    pub fn series(
        &mut self,
        raw: &Raw,
        kind: SeriesKind,
        field: &str,
        grid: &TimeGrid,
    ) -> Option<Vec<f64>> {
        let (values, read) = match raw.get_ref() {
            Value::Table(table) => {
                let (values, read) = self.csv_series(raw, table, kind, field, grid)?;
                (values, Some(read))
            }
            _ => (
                vec![self.quantity(raw, kind.dimension, field)?; grid.len],
                None,
            ),
        };
        let mut negative = values
            .iter()
            .enumerate()
            .filter(|(_, v)| kind.nonnegative && **v < 0.0);
        if let Some((t, v)) = negative.next() {
            // A value read from a CSV file is shown as written there, at its cell and step.
            let (message, at) = match read {
                Some(r) => {
                    let more = match negative.count() {
                        0 => String::new(),
                        1 => ", and at 1 more step".to_string(),
                        n => format!(", and at {n} more steps"),
                    };
                    let message = format!(
                        "{field} is negative ({} {}) at step {t}, {}{more}",
                        number(v / r.scale),
                        r.unit,
                        grid.timestamp(t)
                    );
                    let at = Location::Csv {
                        file: r.path,
                        row: t % r.rows + 2,
                        column: r.column,
                    };
                    (message, at)
                }
                None => (
                    format!(
                        "{field} is negative ({} {})",
                        number(*v),
                        kind.dimension.canonical(self.currency)
                    ),
                    self.at(raw.span()),
                ),
            };
            self.problems
                .push(Problem::new("negative", message, at).hint(
                    "powers are non-negative magnitudes; the direction is in the asset kind",
                ));
            return None;
        }
        Some(values)
    }

    /// A series read from a CSV column: its values per step, and where they were read.
    fn csv_series(
        &mut self,
        raw: &Raw,
        table: &toml::Table,
        kind: SeriesKind,
        field: &str,
        grid: &TimeGrid,
    ) -> Option<(Vec<f64>, CsvRead)> {
        const KEYS: [&str; 5] = ["file", "column", "unit", "time_column", "repeat"];
        let span = raw.span();
        let hint = "a series is { file = \"data.csv\", column = \"load_kw\", unit = \"kW\" } \
                    with optional time_column, or repeat = true to tile a shorter profile";
        let mut ok = true;
        for key in table.keys().filter(|k| !KEYS.contains(&k.as_str())) {
            self.report(
                "unknown-key",
                format!("{field}: unknown key '{key}' in a series"),
                span.clone(),
                hint,
            );
            ok = false;
        }
        let mut text = |key: &str, required: bool| match table.get(key) {
            Some(Value::String(s)) => Some(s.clone()),
            None if !required => None,
            _ => {
                let missing = format!("{field}: '{key}' must be given as a string");
                self.report("series-spec", missing, span.clone(), hint);
                ok = false;
                None
            }
        };
        let (file, column, unit) = (text("file", true), text("column", true), text("unit", true));
        let time_column = text("time_column", false);
        let repeat = match table.get("repeat") {
            None => false,
            Some(Value::Boolean(b)) if !(*b && time_column.is_some()) => *b,
            Some(_) => {
                self.report(
                    "series-spec",
                    format!("{field}: repeat must be true or false, without time_column"),
                    span.clone(),
                    hint,
                );
                return None;
            }
        };
        let (file, column, unit) = (file?, column?, unit?);
        if !ok {
            return None;
        }
        let scale = match (unit.as_str(), kind.per_unit_base) {
            ("pu", Some(Some(base))) => base,
            ("pu", Some(None)) => return None,
            _ => match units::factor(&unit, kind.dimension, self.currency) {
                Ok(f) => f,
                Err(e) => {
                    let (code, hint) = unit_problem(&e, kind.dimension, self.currency);
                    let pu = if kind.per_unit_base.is_some() {
                        " or \"pu\" (per unit of capacity)"
                    } else {
                        ""
                    };
                    self.report(code, format!("{field}: {e}"), span, &format!("{hint}{pu}"));
                    return None;
                }
            },
        };
        let mut read = CsvRead {
            path: self.relative(&file),
            column: column.clone(),
            unit: unit.clone(),
            scale,
            rows: grid.len,
        };
        if !repeat {
            let at = ColumnRef {
                file: &file,
                column: &column,
                time_column: time_column.as_deref(),
            };
            let values = self.csv_column(at, scale, span, field, grid)?;
            return Some((values, read));
        }
        // An explicitly repeated profile: its rows are tiled over the grid, in order.
        let path = self.csv_file(&file, span, field)?;
        let table = self.csv.get(&path).ok()?;
        let values = table.numbers(&column).and_then(|v| {
            if v.is_empty() {
                return Err(vec![Problem::new(
                    "csv-length",
                    "CSV file has no data rows",
                    Location::File(path.clone()),
                )]);
            }
            let scaled: Vec<f64> = v.iter().cycle().take(grid.len).map(|x| x * scale).collect();
            match v.iter().position(|x| !units::in_range(x * scale)) {
                Some(i) => Err(vec![Problem::new(
                    "csv-value",
                    format!(
                        "'{}' {unit} is beyond the largest value vppsim accepts, {:e} {}",
                        v[i],
                        units::LARGEST,
                        kind.dimension.canonical(self.currency)
                    ),
                    Location::Csv {
                        file: path.clone(),
                        row: i + 2,
                        column: column.clone(),
                    },
                )]),
                None => Ok(scaled),
            }
        });
        read.rows = table.rows();
        let values = values.map_err(|ps| self.column_problems(field, ps)).ok()?;
        Some((values, read))
    }

    /// Loads CSV `file` (relative to the scenario file) once; a file that cannot be read is
    /// reported at `span` for `field`, the first field that reads it. Returns its path, from
    /// which `self.csv` serves it.
    pub fn csv_file(&mut self, file: &str, span: Range<usize>, field: &str) -> Option<PathBuf> {
        let path = self.relative(file);
        if let Err(problems) = self.csv.get(&path) {
            for p in problems {
                let problem = Problem::new(
                    p.code,
                    format!("{field}: {}", p.message),
                    self.at(span.clone()),
                );
                self.problems.push(match p.hint {
                    Some(h) => problem.hint(format!("{h} ({})", path.display())),
                    None => problem,
                });
            }
            return None;
        }
        Some(path)
    }

    /// The text of input file `file` (relative to the scenario file; bytes that are not
    /// UTF-8 replaced by U+FFFD), its hash kept for the manifest; a file that cannot be read
    /// is reported at `span` for `field`. Returns its path and text.
    pub fn text_file(
        &mut self,
        file: &str,
        span: Range<usize>,
        field: &str,
    ) -> Option<(PathBuf, String)> {
        use sha2::Digest as _;
        let path = self.relative(file);
        match crate::series::read_regular_file(&path, MAX_TEXT_BYTES) {
            Ok(bytes) => {
                let sha256 = crate::series::hex(&sha2::Sha256::digest(&bytes));
                self.inputs.push((path.clone(), sha256));
                let text = String::from_utf8_lossy(&bytes).into_owned();
                Some((path, text))
            }
            Err(e) => {
                self.report(
                    "file-unreadable",
                    format!("{field}: cannot read {}: {e}", path.display()),
                    span,
                    "paths in a scenario are relative to the scenario file",
                );
                None
            }
        }
    }

    /// Column `at` of a CSV file, one value per grid step, times `scale`.
    pub fn csv_column(
        &mut self,
        at: ColumnRef,
        scale: f64,
        span: Range<usize>,
        field: &str,
        grid: &TimeGrid,
    ) -> Option<Vec<f64>> {
        let path = self.csv_file(at.file, span, field)?;
        let table = self.csv.get(&path).ok()?;
        table
            .column(at.column, at.time_column, grid, scale)
            .map_err(|ps| self.column_problems(field, ps))
            .ok()
    }

    /// Records the problems of reading a column for `field`. Timestamp problems concern the
    /// file, whichever column is read from it, and are kept once.
    fn column_problems(&mut self, field: &str, problems: Vec<Problem>) {
        for mut p in problems {
            if p.code != "csv-timestamp" {
                p.message = format!("{field}: {}", p.message);
            }
            if !self.problems.contains(&p) {
                self.problems.push(p);
            }
        }
    }

    /// A price per step: a constant, a series, or `{ time_of_use = [{ from, to, price }] }`.
    pub fn price(&mut self, raw: &Raw, field: &str, grid: &TimeGrid) -> Option<Vec<f64>> {
        let kind = SeriesKind {
            dimension: Dimension::EnergyPrice,
            per_unit_base: None,
            nonnegative: false,
        };
        match raw.get_ref() {
            Value::Table(t) if t.contains_key("time_of_use") => {
                super::tou::time_of_use(self, raw, t, field, grid)
            }
            _ => self.series(raw, kind, field, grid),
        }
    }

    /// Warns when the local clock time `second` (of a TOU period or `hours`) falls inside a
    /// step rather than on a step's start: the step takes the value at its start.
    pub fn warn_off_grid(&mut self, second: i64, grid: &TimeGrid, field: &str, span: Range<usize>) {
        let offset = (second - grid.local_second_of_day(0)).rem_euclid(grid.step_seconds);
        if second % 86_400 != 0 && offset != 0 {
            self.warn(
                "clock-inside-step",
                format!(
                    "{field}: {:02}:{:02} falls inside a {}-minute step",
                    second / 3600,
                    second % 3600 / 60,
                    grid.step_seconds / 60
                ),
                span,
                "each step takes the value in force at its start; move the time onto a step boundary, or use shorter steps",
            );
        }
    }

    /// A path written in the scenario, relative to the scenario file's folder, joined as
    /// written: the operating system resolves `..` after following links, as it opens it.
    fn relative(&self, path: &str) -> PathBuf {
        let folder = self.file.parent().filter(|p| !p.as_os_str().is_empty());
        folder.unwrap_or(Path::new(".")).join(path)
    }
}

/// Code and hint for a unit error, prices being in `currency`.
pub(super) fn unit_problem(
    e: &UnitError,
    dimension: Dimension,
    currency: Currency,
) -> (&'static str, String) {
    let hint = format!("write {dimension} as {}", dimension.examples(currency));
    let code = match e {
        UnitError::MissingUnit(..) => "unit-missing",
        UnitError::Malformed(_) => "quantity-malformed",
        UnitError::UnknownUnit(_) => "unit-unknown",
        UnitError::WrongDimension { .. } => "unit-dimension",
        UnitError::NotFinite(_) => "not-finite",
        UnitError::OtherCurrency { text, written, .. } => {
            let set = if currency == Currency::CNY {
                format!(
                    "the default; to price the scenario in {written}, set [scenario] currency = \"{written}\""
                )
            } else {
                "set in [scenario] currency".to_string()
            };
            let fixed = text.replace(written.code(), currency.code());
            return (
                "currency",
                format!("this scenario's currency is {currency} ({set}); write {fixed}"),
            );
        }
        UnitError::TooLarge { .. } => {
            return (
                "out-of-range",
                "no real site comes near this: check the number and its unit".into(),
            );
        }
    };
    (code, hint)
}
