//! Where an override goes in a scenario file's text: the span of the value it replaces, or
//! where a key missing from its table is added.

use std::ops::Range;

use toml_edit::{ImDocument, InlineTable, Item, Table, Value};

/// How an override enters the text.
pub(super) enum Edit {
    /// Its value replaces this range.
    Replace(Range<usize>),
    /// A new `key = value` at `at`, in the form the containing table needs.
    Insert { at: usize, key: String, form: Form },
}

pub(super) enum Form {
    /// A line of its own.
    Line,
    /// Inside an inline table's braces (`at` is its closing brace).
    Inline { empty: bool },
    /// A table header `[path]` and the key below it, at the end of the file (for a table
    /// that exists only through its sub-tables).
    Header(String),
}

/// Where a key missing from a table is inserted, and the dotted prefix it needs there.
#[derive(Clone)]
struct Anchor {
    at: usize,
    prefix: Vec<String>,
    form: AnchorForm,
}

#[derive(Clone, Copy)]
enum AnchorForm {
    Line,
    Inline { empty: bool },
    Header,
}

impl Anchor {
    /// The same place, one dotted key further down.
    fn with(mut self, key: &str) -> Anchor {
        self.prefix.push(key.to_string());
        self
    }

    /// Just below the header line of table `t`.
    fn below_header(t: &Table, text: &str) -> Anchor {
        let start = t.span().map_or(0, |s| s.start);
        let at = text[start..]
            .find('\n')
            .map_or(text.len(), |n| start + n + 1);
        Anchor {
            at,
            prefix: Vec::new(),
            form: AnchorForm::Line,
        }
    }

    /// Inside the braces of inline table `t`.
    fn inside(t: &InlineTable) -> Anchor {
        Anchor {
            at: t.span().map_or(0, |s| s.end.saturating_sub(1)),
            prefix: Vec::new(),
            form: AnchorForm::Inline {
                empty: t.is_empty(),
            },
        }
    }
}

/// A table of either kind, to look keys up in.
enum Tab<'a> {
    Std(&'a Table),
    Inline(&'a InlineTable),
}

impl<'a> Tab<'a> {
    fn get(&self, key: &str) -> Option<&'a Item> {
        match self {
            Tab::Std(t) => t.get(key),
            Tab::Inline(t) => t.get_key_value(key).map(|(_, item)| item),
        }
    }
}

/// A problem with a path: message and hint.
type PathProblem = (String, String);

/// Where the value at `keys` is, or where it goes, in `doc` parsed from `text`.
pub(super) fn locate(
    doc: &ImDocument<&str>,
    text: &str,
    keys: &[String],
) -> Result<Edit, PathProblem> {
    let mut table = Tab::Std(doc.as_table());
    let mut anchor = Anchor {
        at: 0,
        prefix: Vec::new(),
        form: AnchorForm::Line,
    };
    let mut walked: Vec<&str> = Vec::new();
    let mut in_array = false;
    let mut i = 0;
    while i < keys.len() {
        let key = keys[i].as_str();
        let last = i + 1 == keys.len();
        let Some(item) = table.get(key).filter(|item| !item.is_none()) else {
            return Ok(insert(anchor, &keys[i..], &walked));
        };
        let here = || {
            let mut w = walked.clone();
            w.push(key);
            w.join(".")
        };
        match item {
            Item::Value(Value::InlineTable(t)) if !last => {
                anchor = if t.is_dotted() {
                    anchor.with(key)
                } else {
                    Anchor::inside(t)
                };
                table = Tab::Inline(t);
            }
            Item::Value(v) if last => {
                return v
                    .span()
                    .map(Edit::Replace)
                    .ok_or_else(|| (format!("cannot find {} in the file", here()), String::new()));
            }
            Item::Value(Value::Array(a)) if a.iter().all(Value::is_inline_table) => {
                let name = keys[i + 1].as_str();
                let t = a
                    .iter()
                    .filter_map(Value::as_inline_table)
                    .find(|t| t.get("name").and_then(Value::as_str) == Some(name));
                let Some(t) = t else {
                    let names = a
                        .iter()
                        .filter_map(|t| t.as_inline_table()?.get("name")?.as_str());
                    return Err(no_such_name(key, name, names));
                };
                anchor = Anchor::inside(t);
                table = Tab::Inline(t);
                in_array = true;
                i += 1;
            }
            Item::Value(v) => {
                return Err((
                    format!(
                        "{} is a value ({}), not a table",
                        here(),
                        v.to_string().trim()
                    ),
                    "set the value itself, or a key of a table".into(),
                ));
            }
            Item::Table(_) | Item::ArrayOfTables(_) if last => {
                return Err((
                    format!("{} is a table", here()),
                    format!("set its keys one by one, e.g. {}.<key>=...", here()),
                ));
            }
            Item::Table(t) => {
                anchor = if t.is_dotted() {
                    anchor.with(key)
                } else if t.is_implicit() {
                    if in_array {
                        return Err((
                            format!("{} has no table header to add a key under", here()),
                            "write the key into the scenario file".into(),
                        ));
                    }
                    Anchor {
                        at: text.len(),
                        prefix: Vec::new(),
                        form: AnchorForm::Header,
                    }
                } else {
                    Anchor::below_header(t, text)
                };
                table = Tab::Std(t);
            }
            Item::ArrayOfTables(a) => {
                let name = keys[i + 1].as_str();
                let t = a
                    .iter()
                    .find(|t| t.get("name").and_then(Item::as_str) == Some(name));
                let Some(t) = t else {
                    let names = a.iter().filter_map(|t| t.get("name")?.as_str());
                    return Err(no_such_name(key, name, names));
                };
                if i + 2 == keys.len() {
                    return Err((
                        format!("{}.{name} is a table", here()),
                        format!("set one of its keys, e.g. {}.{name}.<key>=...", here()),
                    ));
                }
                anchor = Anchor::below_header(t, text);
                table = Tab::Std(t);
                in_array = true;
                i += 1;
            }
            Item::None => unreachable!("filtered above"),
        }
        walked.push(key);
        i += 1;
    }
    unreachable!("the last key returns")
}

fn no_such_name<'a>(key: &str, name: &str, names: impl Iterator<Item = &'a str>) -> PathProblem {
    let names: Vec<&str> = names.collect();
    let names = if names.is_empty() {
        "(none)".to_string()
    } else {
        names.join(", ")
    };
    (
        format!("there is no {key} named '{name}'"),
        format!("the {key} tables of the scenario are named: {names}"),
    )
}

/// The insertion of keys `rest` (missing from the table at `anchor`, reached by `walked`).
fn insert(anchor: Anchor, rest: &[String], walked: &[&str]) -> Edit {
    let mut key = anchor.prefix;
    key.extend(rest.iter().cloned());
    let form = match anchor.form {
        AnchorForm::Line => Form::Line,
        AnchorForm::Inline { empty } => Form::Inline { empty },
        AnchorForm::Header => Form::Header(walked.join(".")),
    };
    Edit::Insert {
        at: anchor.at,
        key: key.join("."),
        form,
    }
}
