//! Problems found in user input: what is wrong, where, and how to fix it.
//!
//! Checks collect every [`Problem`] they find instead of stopping at the first; the CLI
//! renders them all (see `cli::render`).

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

/// Where a problem is: a span of a TOML file, a cell of a CSV file, or a whole file.
#[derive(Debug, Clone, PartialEq)]
pub enum Location {
    /// A byte span in a text file, resolved to line and column with the line's text.
    Text {
        file: PathBuf,
        line: usize,
        column: usize,
        width: usize,
        line_text: String,
    },
    /// A CSV cell; `row` counts lines from 1 (the header is row 1).
    Csv {
        file: PathBuf,
        row: usize,
        column: String,
    },
    /// A file as a whole.
    File(PathBuf),
    /// Part of a command-line argument: `name` says which (`--set grid.demand_charge`),
    /// `text` is the argument, `column` (1-based) and `width` in characters.
    Argument {
        name: String,
        text: String,
        column: usize,
        width: usize,
    },
    /// The command line or the run as a whole.
    Nowhere,
}

impl Location {
    /// Locates byte span `span` of `source`, the text of `file`.
    pub fn in_text(file: &Path, source: &str, span: Range<usize>) -> Location {
        let start = span.start.min(source.len());
        let line_start = source[..start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = source[start..]
            .find('\n')
            .map_or(source.len(), |i| start + i);
        let line_text = source[line_start..line_end].trim_end_matches('\r');
        let column = source[line_start..start].chars().count() + 1;
        let end = span.end.clamp(start, line_end);
        Location::Text {
            file: file.to_path_buf(),
            line: source[..start].matches('\n').count() + 1,
            column,
            width: source[start..end].chars().count().max(1),
            line_text: line_text.to_string(),
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Text {
                file, line, column, ..
            } => write!(f, "{}:{line}:{column}", file.display()),
            Location::Csv { file, row, column } => {
                write!(f, "{}: row {row}, column '{column}'", file.display())
            }
            Location::File(file) => write!(f, "{}", file.display()),
            Location::Argument { name, .. } => write!(f, "{name}"),
            Location::Nowhere => Ok(()),
        }
    }
}

/// Whether a problem stops the run or only deserves attention.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    Error,
    /// The input is valid but may not mean what was intended; the run goes on.
    Warning,
}

/// One problem in the input, with a stable code for tests and documentation.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub severity: Severity,
    /// Stable, kebab-case identifier such as `unit-dimension`.
    pub code: &'static str,
    pub message: String,
    pub location: Box<Location>,
    pub hint: Option<String>,
}

impl Problem {
    pub fn new(code: &'static str, message: impl Into<String>, location: Location) -> Problem {
        Problem {
            severity: Severity::Error,
            code,
            message: message.into(),
            location: Box::new(location),
            hint: None,
        }
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Problem {
        self.hint = Some(hint.into());
        self
    }

    /// The same, as a warning.
    pub fn warning(mut self) -> Problem {
        self.severity = Severity::Warning;
        self
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{label}[{}]: {}", self.code, self.message)?;
        match self.location.as_ref() {
            Location::Nowhere => {}
            Location::Text {
                line,
                column,
                width,
                line_text,
                ..
            } => {
                let gutter = line.to_string().len();
                let pad = " ".repeat(gutter);
                write!(f, "\n{pad}--> {}", self.location)?;
                write!(f, "\n{pad} |\n{line} | {line_text}")?;
                let lead = " ".repeat(column - 1);
                write!(f, "\n{pad} | {lead}{}", "^".repeat(*width))?;
            }
            Location::Argument {
                text,
                column,
                width,
                ..
            } => {
                write!(f, "\n  --> {}\n   |\n   | {text}", self.location)?;
                let lead = " ".repeat(column - 1);
                write!(f, "\n   | {lead}{}", "^".repeat(*width))?;
            }
            other => write!(f, "\n  --> {other}")?,
        }
        if let Some(hint) = &self.hint {
            write!(f, "\n  = hint: {hint}")?;
        }
        Ok(())
    }
}

/// `x` as a message shows it: the shortest text that reads back as `x`, in exponent form
/// (`1e-320`, `1.5e300`) below 1e-6 or from 1e15 in size, so that no number in a message
/// runs to hundreds of digits. Unlike the rounded figures of a report, it is exact.
pub fn number(x: f64) -> String {
    let size = x.abs();
    if size == 0.0 || !x.is_finite() || (1e-6..1e15).contains(&size) {
        format!("{x}")
    } else {
        format!("{x:e}")
    }
}

/// Every problem found in an input, reported together.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub struct Problems(pub Vec<Problem>);

impl fmt::Display for Problems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            writeln!(f, "{p}")?;
        }
        let n = self.0.len();
        write!(f, "{n} problem{} found", if n == 1 { "" } else { "s" })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_line_column_and_underline() {
        let src = "[battery]\nsoc_min = 0.9\n";
        let at = src.find("0.9").unwrap();
        let loc = Location::in_text(Path::new("s.toml"), src, at..at + 3);
        let p = Problem::new("soc-range", "soc_min 0.9 is above soc_max 0.8", loc)
            .hint("lower soc_min");
        let text = p.to_string();
        assert!(text.contains("--> s.toml:2:11"), "{text}");
        assert!(text.contains("2 | soc_min = 0.9"), "{text}");
        assert!(text.contains("  |           ^^^"), "{text}");
        assert!(text.ends_with("= hint: lower soc_min"), "{text}");
    }

    #[test]
    fn numbers_are_exact_and_short() {
        assert_eq!(number(0.95), "0.95");
        assert_eq!(number(-2.5), "-2.5");
        assert_eq!(number(0.0), "0");
        assert_eq!(number(1e-320), "1e-320");
        assert_eq!(number(-1.5e300), "-1.5e300");
        assert_eq!(number(123_456_789.0), "123456789");
        assert_eq!(number(f64::NEG_INFINITY), "-inf");
    }
}
