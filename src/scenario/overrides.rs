//! Overrides of a scenario file's values (`vppsim run S.toml --set PATH=VALUE`, and the
//! parameters of a sweep), applied to the file's text before it is checked: an override is
//! checked exactly like the file, and a problem in it is reported where it was written.
//!
//! A path is the dotted keys of the file; an array of tables (`[[battery]]`) is entered by
//! the `name` of one of its tables: `battery.battery.energy_capacity` is the
//! `energy_capacity` of the battery named `battery`. The value replaces the one in the
//! file, or is added to its table when the file has none there (so a misspelt key is
//! reported as unknown, as it would be in the file). Only the value's text changes: the
//! rest of the file, its comments and positions, stay as written.

use std::ops::Range;
use std::path::{Path, PathBuf};

use toml_edit::{ImDocument, Value};

use locate::{Edit, Form, locate};

use crate::diagnostic::{Location, Problem, Problems};

mod locate;

/// One override: a dotted path into the scenario file and the value to put there.
#[derive(Debug, Clone, PartialEq)]
pub struct Override {
    /// The dotted path as written, e.g. `battery.battery.energy_capacity`.
    pub path: String,
    keys: Vec<String>,
    /// The value as inline TOML, e.g. `"8 MWh"`, `0.9` or `{ horizon = "1d" }`.
    pub value: String,
    /// Where the path and the value were written, for their problems.
    pub origin: Origin,
}

/// Where an override was written: its path and its value.
#[derive(Debug, Clone, PartialEq)]
pub struct Origin {
    pub path: Location,
    pub value: Location,
}

impl Override {
    /// An override of `path` with `value` (inline TOML); a path that is not dotted plain
    /// keys is a problem at `origin.path`.
    pub fn new(path: &str, value: String, origin: Origin) -> Result<Override, Problem> {
        let keys: Vec<String> = path.split('.').map(str::to_string).collect();
        let plain = |k: &String| {
            !k.is_empty()
                && k.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        };
        if !keys.iter().all(plain) {
            return Err(Problem::new(
                "override-path",
                format!("'{path}' is not a dotted path of keys"),
                origin.path,
            )
            .hint("write the keys of the scenario file joined by dots, an array of tables by the name of one of its tables: battery.battery.energy_capacity"));
        }
        Ok(Override {
            path: path.to_string(),
            keys,
            value,
            origin,
        })
    }

    /// Parses `PATH=VALUE` as given to `--set`. The value is read as TOML when it is a
    /// number, boolean, quoted string, array or inline table; anything else (`8 MWh`,
    /// `mpc`, a timestamp) is taken as a string.
    pub fn from_arg(arg: &str) -> Result<Override, Problem> {
        let text = format!("--set {arg}");
        let at = |start: usize, len: usize, name: &str| Location::Argument {
            name: name.to_string(),
            text: text.clone(),
            column: text[..start].chars().count() + 1,
            width: text[start..start + len].chars().count().max(1),
        };
        let Some((path, value)) = arg.split_once('=') else {
            return Err(Problem::new(
                "override-syntax",
                format!("--set {arg}: expected PATH=VALUE"),
                at(6, arg.len(), &format!("--set {arg}")),
            )
            .hint("e.g. --set battery.battery.energy_capacity=\"8 MWh\""));
        };
        let name = format!("--set {}", path.trim());
        let start = 6 + path.len() - path.trim_start().len();
        let origin = Origin {
            path: at(start, path.trim().len(), &name),
            value: at(6 + path.len() + 1, value.len(), &name),
        };
        Override::new(path.trim(), inline_value(value.trim()), origin)
    }

    /// `path=value`, as the manifest records it.
    pub fn describe(&self) -> String {
        format!("{}={}", self.path, self.value)
    }
}

/// `raw` as inline TOML: itself if it is a TOML value other than a date-time, or a number
/// too large for TOML (then reported as such where it was written); otherwise quoted as a
/// string.
fn inline_value(raw: &str) -> String {
    match raw.parse::<Value>() {
        Ok(Value::Datetime(_)) => Value::from(raw).to_string(),
        Err(_) if super::resolve::beyond_toml(raw).is_none() => Value::from(raw).to_string(),
        _ => raw.to_string(),
    }
}

/// A scenario's text with overrides applied, and how to find its positions in what was
/// written (the file or the overrides).
#[derive(Debug, Clone, PartialEq)]
pub struct Overridden {
    /// The scenario file's path and text as written.
    file: PathBuf,
    original: String,
    /// The text with the overrides in it.
    pub text: String,
    placed: Vec<Placed>,
    origins: Vec<Origin>,
    /// Each override as `path=value`, in order.
    pub applied: Vec<String>,
}

/// Where one edit went: the range it replaced in the original text, the range it holds
/// in the new text, and there the key and the value of override `index`.
#[derive(Debug, Clone, PartialEq)]
struct Placed {
    original: Range<usize>,
    new: Range<usize>,
    key: Range<usize>,
    index: usize,
}

/// Applies `overrides` to the scenario `text` read from `file`, and returns every problem
/// with a path (no such table, a value where a table is needed, the same path twice),
/// reported at the override, with the text the others make: an override with a problem is
/// left out of it (the later of two setting the same path), so that the rest can still be
/// checked. A file that is not valid TOML is returned unchanged: checking it reports its
/// syntax error.
pub fn apply(file: &Path, text: &str, overrides: &[Override]) -> (Overridden, Vec<Problem>) {
    let mut problems = Vec::new();
    let mut twice = vec![false; overrides.len()];
    for (i, a) in overrides.iter().enumerate() {
        if let Some(b) = overrides[..i].iter().find(|b| {
            let n = a.keys.len().min(b.keys.len());
            a.keys[..n] == b.keys[..n]
        }) {
            twice[i] = true;
            problems.push(
                Problem::new(
                    "override-twice",
                    format!("{} is set twice (also as {})", a.path, b.path),
                    a.origin.path.clone(),
                )
                .hint("set each value once"),
            );
        }
    }
    let mut edits = Vec::new();
    if let Ok(doc) = ImDocument::parse(text) {
        for (i, o) in overrides.iter().enumerate() {
            match locate(&doc, text, &o.keys) {
                Ok(edit) if !twice[i] => edits.push((i, edit)),
                Ok(_) => {}
                Err((message, hint)) => problems.push(
                    Problem::new(
                        "override-path",
                        format!("{}: {message}", o.path),
                        o.origin.path.clone(),
                    )
                    .hint(hint),
                ),
            }
        }
    }
    (splice(file, text, overrides, edits), problems)
}

/// Builds the new text from the edits, recording where each went.
fn splice(
    file: &Path,
    text: &str,
    overrides: &[Override],
    mut edits: Vec<(usize, Edit)>,
) -> Overridden {
    let at = |e: &Edit| match e {
        Edit::Replace(r) => r.start,
        Edit::Insert { at, .. } => *at,
    };
    edits.sort_by_key(|(i, e)| (at(e), *i));
    let mut out = String::with_capacity(text.len() + 64 * edits.len());
    let mut placed = Vec::new();
    let mut copied = 0;
    let mut headers: Vec<String> = Vec::new();
    for (index, edit) in edits {
        let start = at(&edit);
        out.push_str(&text[copied..start]);
        let value = &overrides[index].value;
        let (original, key, new) = match edit {
            Edit::Replace(r) => {
                let begin = out.len();
                out.push_str(value);
                copied = r.end;
                (r, begin..begin, begin..out.len())
            }
            Edit::Insert { at, key, form } => {
                let begin = out.len();
                match form {
                    Form::Line | Form::Header(_) if !out.is_empty() && !out.ends_with('\n') => {
                        out.push('\n')
                    }
                    _ => {}
                }
                if let Form::Header(path) = &form
                    && !headers.contains(path)
                {
                    out.push_str(&format!("[{path}]\n"));
                    headers.push(path.clone());
                }
                match form {
                    Form::Inline { empty: false } => out.push_str(", "),
                    Form::Inline { empty: true } => out.push(' '),
                    _ => {}
                }
                let key_at = out.len();
                out.push_str(&key);
                let key_range = key_at..out.len();
                out.push_str(" = ");
                out.push_str(value);
                out.push(if matches!(form, Form::Inline { .. }) {
                    ' '
                } else {
                    '\n'
                });
                copied = at;
                (at..at, key_range, begin..out.len())
            }
        };
        placed.push(Placed {
            original,
            new,
            key,
            index,
        });
    }
    out.push_str(&text[copied..]);
    Overridden {
        file: file.to_path_buf(),
        original: text.to_string(),
        text: out,
        placed,
        origins: overrides.iter().map(|o| o.origin.clone()).collect(),
        applied: overrides.iter().map(Override::describe).collect(),
    }
}

impl Overridden {
    /// `problems` found in the new text, located where they were written: in an override
    /// (its path or its value) or in the file as written.
    pub fn relocate(&self, problems: Problems) -> Problems {
        Problems(
            problems
                .0
                .into_iter()
                .map(|p| self.relocate_one(p))
                .collect(),
        )
    }

    fn relocate_one(&self, mut p: Problem) -> Problem {
        let Location::Text {
            file,
            line,
            column,
            width,
            ..
        } = p.location.as_ref()
        else {
            return p;
        };
        if *file != self.file {
            return p;
        }
        let start = offset(&self.text, *line, *column);
        let end = self.text[start..]
            .char_indices()
            .nth(*width)
            .map_or(self.text.len(), |(i, _)| start + i);
        if let Some(e) = self.placed.iter().find(|e| e.new.contains(&start)) {
            let origin = &self.origins[e.index];
            let in_key = e.key.contains(&start);
            p.location = Box::new(if in_key {
                origin.path.clone()
            } else {
                origin.value.clone()
            });
            return p;
        }
        let map = |at: usize| {
            let before = self.placed.iter().filter(|e| e.new.end <= at);
            let shift: isize = before
                .map(|e| e.new.len() as isize - e.original.len() as isize)
                .sum();
            let mut at = (at as isize - shift).clamp(0, self.original.len() as isize) as usize;
            while !self.original.is_char_boundary(at) {
                at -= 1;
            }
            at
        };
        let (start, end) = (map(start), map(end));
        p.location = Box::new(Location::in_text(
            &self.file,
            &self.original,
            start..end.max(start),
        ));
        p
    }
}

/// Byte offset of 1-based `line` and `column` (in characters) of `text`.
fn offset(text: &str, line: usize, column: usize) -> usize {
    let line_start = if line <= 1 {
        0
    } else {
        text.match_indices('\n')
            .nth(line - 2)
            .map_or(text.len(), |(i, _)| i + 1)
    };
    text[line_start..]
        .char_indices()
        .nth(column - 1)
        .map_or(text.len(), |(i, _)| line_start + i)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(text: &str, args: &[&str]) -> Result<String, String> {
        let overrides: Vec<Override> = args
            .iter()
            .map(|a| Override::from_arg(a).unwrap())
            .collect();
        match apply(Path::new("s.toml"), text, &overrides) {
            (edited, problems) if problems.is_empty() => Ok(edited.text),
            (_, problems) => Err(Problems(problems).to_string()),
        }
    }

    const FILE: &str = "[scenario]\nname = \"s\"\n\n[[battery]]\nname = \"a\"\nenergy_capacity = \"4 MWh\" # small\n\n[[battery]]\nname = \"b\"\nenergy_capacity = \"6 MWh\"\n\n[grid]\nimport_limit = \"5 MW\"\n\n[dispatch]\nmpc = { horizon = \"1d\" }\n\n[weather.synthetic]\nclimate = \"c.csv\"\n";

    #[test]
    fn replaces_values_and_addresses_arrays_of_tables_by_name() {
        let text = set(
            FILE,
            &[
                "battery.b.energy_capacity=8 MWh",
                "grid.import_limit=\"7 MW\"",
            ],
        )
        .unwrap();
        assert_eq!(
            text,
            FILE.replace("\"6 MWh\"", "\"8 MWh\"")
                .replace("\"5 MW\"", "\"7 MW\"")
        );
        let parsed: toml::Table = text.parse().unwrap();
        assert_eq!(
            parsed["battery"][0]["energy_capacity"].as_str(),
            Some("4 MWh")
        );
    }

    #[test]
    fn adds_missing_keys_where_the_table_is() {
        let text = set(
            FILE,
            &[
                "grid.demand_charge=35 CNY/kW",
                "dispatch.mpc.replan=6h",
                "dispatch.strategy=mpc",
                "battery.a.soc_final=0.5",
                "weather.file.ghi=ghi",
                "time.step=1h",
            ],
        )
        .unwrap();
        let parsed: toml::Table = text.parse().unwrap();
        assert_eq!(parsed["grid"]["demand_charge"].as_str(), Some("35 CNY/kW"));
        assert_eq!(parsed["dispatch"]["mpc"]["replan"].as_str(), Some("6h"));
        assert_eq!(parsed["dispatch"]["mpc"]["horizon"].as_str(), Some("1d"));
        assert_eq!(parsed["dispatch"]["strategy"].as_str(), Some("mpc"));
        assert_eq!(parsed["battery"][0]["soc_final"].as_float(), Some(0.5));
        assert_eq!(parsed["weather"]["file"]["ghi"].as_str(), Some("ghi"));
        assert_eq!(
            parsed["weather"]["synthetic"]["climate"].as_str(),
            Some("c.csv")
        );
        assert_eq!(parsed["time"]["step"].as_str(), Some("1h"));
        // The file's own lines keep their numbers (keys are added below headers or at the end).
        assert!(
            text.starts_with("time.step = \"1h\"\n[scenario]\n"),
            "{text}"
        );
    }

    #[test]
    fn bad_paths_are_reported_at_the_override() {
        let e = set(FILE, &["battery.c.energy_capacity=1 MWh"]).unwrap_err();
        assert!(
            e.contains("battery.c.energy_capacity: there is no battery named 'c'"),
            "{e}"
        );
        assert!(e.contains("named: a, b"), "{e}");
        assert!(e.contains("--> --set battery.c.energy_capacity"), "{e}");
        let e = set(FILE, &["grid.import_limit.x=1"]).unwrap_err();
        assert!(
            e.contains("grid.import_limit is a value (\"5 MW\"), not a table"),
            "{e}"
        );
        let e = set(FILE, &["grid=1"]).unwrap_err();
        assert!(e.contains("grid is a table"), "{e}");
        let e = set(FILE, &["grid.x=1", "grid.x.y=2"]).unwrap_err();
        assert!(e.contains("grid.x.y is set twice (also as grid.x)"), "{e}");
        // The overrides that fit are applied all the same, for the text to be checked.
        let o = [
            "grid.import_limit=7 MW",
            "battery.c.energy_capacity=1 MWh",
            "grid.import_limit=8 MW",
        ]
        .map(|a| Override::from_arg(a).unwrap());
        let (edited, problems) = apply(Path::new("s.toml"), FILE, &o);
        assert_eq!(problems.len(), 2);
        assert!(
            edited.text.contains("import_limit = \"7 MW\""),
            "{}",
            edited.text
        );
        assert!(!edited.text.contains("8 MW") && !edited.text.contains("1 MWh"));
        let e = Override::from_arg("grid..x=1").unwrap_err().to_string();
        assert!(e.contains("'grid..x' is not a dotted path"), "{e}");
    }

    #[test]
    fn values_read_as_toml_or_as_strings() {
        assert_eq!(inline_value("0.9"), "0.9");
        assert_eq!(inline_value("true"), "true");
        assert_eq!(inline_value("\"8 MWh\""), "\"8 MWh\"");
        assert_eq!(inline_value("8 MWh"), "\"8 MWh\"");
        assert_eq!(inline_value("mpc"), "\"mpc\"");
        assert_eq!(inline_value("a\"b"), "'a\"b'");
        assert_eq!(
            inline_value("2025-06-01T00:00:00+08:00"),
            "\"2025-06-01T00:00:00+08:00\""
        );
        assert_eq!(inline_value("{ horizon = \"1d\" }"), "{ horizon = \"1d\" }");
    }

    #[test]
    fn problems_in_the_new_text_point_to_the_override_or_the_file() {
        let o = [
            Override::from_arg("grid.import_limit=7 MWh").unwrap(),
            Override::from_arg("grid.typo=1").unwrap(),
        ];
        let (edited, problems) = apply(Path::new("s.toml"), FILE, &o);
        assert!(problems.is_empty());
        let at = |needle: &str| {
            let i = edited.text.find(needle).unwrap();
            Location::in_text(Path::new("s.toml"), &edited.text, i..i + needle.len())
        };
        let problem = |loc| Problems(vec![Problem::new("x", "m", loc)]);
        let relocated = edited.relocate(problem(at("\"7 MWh\"")));
        assert!(
            matches!(
                relocated.0[0].location.as_ref(),
                Location::Argument {
                    column: 25,
                    width: 5,
                    ..
                }
            ),
            "{relocated}"
        );
        let relocated = edited.relocate(problem(at("typo")));
        assert!(
            relocated.to_string().contains("--> --set grid.typo"),
            "{relocated}"
        );
        // After the inserted line, a file position maps back to its line in the file.
        let relocated = edited.relocate(problem(at("mpc")));
        assert!(
            relocated.to_string().contains("--> s.toml:16:1"),
            "{relocated}"
        );
    }
}
