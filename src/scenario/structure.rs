//! The structure of a TOML file checked against the JSON Schema of its serde mirror before
//! the typed parse (which stops at the first problem): every unknown key, with the nearest
//! known key of its table, and every missing required key are reported in one run, each at
//! its line. Values are left to the typed parse and to `resolve`.

use std::ops::Range;
use std::path::Path;

use schemars::JsonSchema;
use serde_json::Value as Json;
use toml_edit::{ImDocument, Item, TableLike};

use crate::diagnostic::{Location, Problem};

/// Where the keys of every table are documented.
const KEYS_DOC: &str = "docs/scenario-keys.md";

/// Every structure problem of TOML `source` (read from `path`) against the schema of `T`,
/// in file order; none if the text is not TOML (the typed parse reports the syntax error).
pub fn check<T: JsonSchema>(path: &Path, source: &str) -> Vec<Problem> {
    let Ok(doc) = ImDocument::parse(source) else {
        return Vec::new();
    };
    let schema = schemars::schema_for!(T);
    let mut walk = Walk {
        path,
        source,
        defs: schema.as_value().get("$defs"),
        found: Vec::new(),
    };
    walk.table(doc.as_table(), schema.as_value(), &Place::root());
    walk.found.sort_by_key(|(at, _)| *at);
    walk.found.into_iter().map(|(_, p)| p).collect()
}

/// Where a table is: its path for messages and its span (header or key) for positions.
struct Place {
    /// `[battery]`-style path without brackets; empty at the root.
    path: String,
    /// Array-of-tables entry (`[[battery]]`).
    entry: bool,
    /// The entry's `name`, when it has one, to tell entries apart.
    name: Option<String>,
    span: Option<Range<usize>>,
}

impl Place {
    fn root() -> Place {
        Place {
            path: String::new(),
            entry: false,
            name: None,
            span: None,
        }
    }

    fn child(&self, key: &str, entry: bool, span: Option<Range<usize>>) -> Place {
        let path = match self.path.as_str() {
            "" => key.to_string(),
            parent => format!("{parent}.{key}"),
        };
        Place {
            path,
            entry,
            name: None,
            span,
        }
    }

    fn header(&self, path: &str, entry: bool) -> String {
        if entry {
            format!("[[{path}]]")
        } else {
            format!("[{path}]")
        }
    }
}

impl std::fmt::Display for Place {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.path.is_empty() {
            return write!(f, "the top level");
        }
        write!(f, "{}", self.header(&self.path, self.entry))?;
        match &self.name {
            Some(name) => write!(f, " '{name}'"),
            None => Ok(()),
        }
    }
}

struct Walk<'a> {
    path: &'a Path,
    source: &'a str,
    defs: Option<&'a Json>,
    found: Vec<(usize, Problem)>,
}

impl<'a> Walk<'a> {
    /// Follows `$ref`s and unwraps `Option`s (`anyOf` with `null`) to the schema in force.
    fn resolve(&self, mut schema: &'a Json) -> &'a Json {
        loop {
            if let Some(name) = schema
                .get("$ref")
                .and_then(Json::as_str)
                .and_then(|r| r.strip_prefix("#/$defs/"))
            {
                match self.defs.and_then(|d| d.get(name)) {
                    Some(def) => schema = def,
                    None => return schema,
                }
                continue;
            }
            let variants: Vec<&Json> = match schema.get("anyOf").and_then(Json::as_array) {
                Some(any) => any
                    .iter()
                    .filter(|v| v.get("type").and_then(Json::as_str) != Some("null"))
                    .collect(),
                None => return schema,
            };
            match variants.as_slice() {
                [one] => schema = one,
                _ => return schema,
            }
        }
    }

    fn table(&mut self, t: &dyn TableLike, schema: &'a Json, place: &Place) {
        let Some(props) = schema.get("properties").and_then(Json::as_object) else {
            return;
        };
        let place = &Place {
            name: t
                .get("name")
                .and_then(Item::as_str)
                .map(str::to_string)
                .filter(|_| place.entry),
            span: place.span.clone(),
            path: place.path.clone(),
            entry: place.entry,
        };
        let required: Vec<&str> = schema
            .get("required")
            .and_then(Json::as_array)
            .map(|r| r.iter().filter_map(Json::as_str).collect())
            .unwrap_or_default();
        let mut meant: Vec<&str> = Vec::new();
        for (key, item) in t.iter() {
            let key_span = t.key(key).and_then(|k| k.span());
            match props.get(key) {
                Some(sub) => {
                    let sub = self.resolve(sub);
                    self.item(item, sub, place, key, key_span);
                }
                None => {
                    let known: Vec<&str> = props.keys().map(String::as_str).collect();
                    let guess = nearest(key, &known);
                    if let Some(g) = guess.filter(|g| t.get(g).is_none()) {
                        meant.push(g);
                    }
                    let hint = match guess {
                        Some(g) => format!("did you mean '{g}'?"),
                        None => format!("the keys of {} are: {}", place, known.join(", ")),
                    };
                    self.report(
                        key_span,
                        Problem::new(
                            "unknown-key",
                            format!("unknown key '{key}' in {place}"),
                            Location::Nowhere,
                        )
                        .hint(hint),
                    );
                }
            }
        }
        let missing: Vec<&str> = required
            .into_iter()
            .filter(|key| t.get(key).is_none() && !meant.contains(key))
            .collect();
        let (tables, keys): (Vec<&str>, Vec<&str>) = missing
            .iter()
            .partition(|key| self.resolve(&props[**key]).get("properties").is_some());
        for key in tables {
            let header = place.header(&place.child(key, false, None).path, false);
            let message = if place.path.is_empty() {
                format!("the table {header} is missing")
            } else {
                format!("{place} lacks the table {header}")
            };
            let hint = format!("add a {header} table (its keys: {KEYS_DOC})");
            self.report(
                place.span.clone(),
                Problem::new("missing-key", message, Location::Nowhere).hint(hint),
            );
        }
        if let [key] = keys.as_slice() {
            let hint = match props[*key].get("description").and_then(Json::as_str) {
                Some(d) => format!("add {key} = … to this table ({})", first_sentence(d)),
                None => format!("add {key} = … to this table"),
            };
            let message = format!("{place} lacks the key '{key}'");
            self.report(
                place.span.clone(),
                Problem::new("missing-key", message, Location::Nowhere).hint(hint),
            );
        } else if !keys.is_empty() {
            let list = keys
                .iter()
                .map(|k| format!("'{k}'"))
                .collect::<Vec<_>>()
                .join(", ");
            let message = format!("{place} lacks the keys {list}");
            let hint = format!("add them to this table (what each takes: {KEYS_DOC})");
            self.report(
                place.span.clone(),
                Problem::new("missing-key", message, Location::Nowhere).hint(hint),
            );
        }
    }

    /// Descends into `item` where its schema is a table or an array of tables.
    fn item(
        &mut self,
        item: &Item,
        schema: &'a Json,
        parent: &Place,
        key: &str,
        key_span: Option<Range<usize>>,
    ) {
        if schema.get("properties").is_some() {
            if let Some(t) = item.as_table_like() {
                let span = item.span().or(key_span);
                self.table(t, schema, &parent.child(key, false, span));
            }
            return;
        }
        let Some(items) = schema.get("items").map(|i| self.resolve(i)) else {
            return;
        };
        if items.get("properties").is_none() {
            return;
        }
        if let Some(array) = item.as_array_of_tables() {
            for t in array.iter() {
                let span = t.span().or(key_span.clone());
                self.table(t, items, &parent.child(key, true, span));
            }
        } else if let Some(array) = item.as_array() {
            for v in array.iter() {
                if let Some(t) = v.as_inline_table() {
                    let span = t.span().or(key_span.clone());
                    self.table(t, items, &parent.child(key, true, span));
                }
            }
        }
    }

    fn report(&mut self, span: Option<Range<usize>>, mut problem: Problem) {
        let (at, location) = match span {
            Some(span) => (span.start, Location::in_text(self.path, self.source, span)),
            None => (0, Location::File(self.path.to_path_buf())),
        };
        problem.location = Box::new(location);
        self.found.push((at, problem));
    }
}

/// The known key nearest to `key` in edits (a transposition counts as one), if near enough
/// to be a slip: at most 2 edits, or a third of the key's length for longer keys.
fn nearest<'k>(key: &str, known: &[&'k str]) -> Option<&'k str> {
    known
        .iter()
        .map(|k| (strsim::osa_distance(key, k), *k))
        .filter(|(d, k)| *d <= 2.max(k.len() / 3) && *d < k.len())
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

/// The first sentence of a doc comment, for a hint.
fn first_sentence(text: &str) -> &str {
    let text = text.trim();
    // A full stop followed by a space ends the sentence, unless it ends an abbreviation.
    let end = text.match_indices(". ").map(|(i, _)| i).find(|&i| {
        !["e.g", "i.e", "etc"]
            .iter()
            .any(|abbreviation| text[..i].ends_with(abbreviation))
    });
    match end {
        Some(i) => &text[..=i],
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_sentence_runs_past_abbreviations() {
        assert_eq!(
            first_sentence("Energy capacity, e.g. `\"8 MWh\"`. More."),
            "Energy capacity, e.g. `\"8 MWh\"`."
        );
        assert_eq!(first_sentence("One. Two."), "One.");
        assert_eq!(first_sentence("No stop"), "No stop");
    }

    #[test]
    fn nearest_key_tolerates_slips_only() {
        let known = ["soc_initial", "soc_min", "energy_capacity", "name"];
        assert_eq!(nearest("soc_inital", &known), Some("soc_initial"));
        assert_eq!(nearest("engery_capacity", &known), Some("energy_capacity"));
        assert_eq!(nearest("soc_mn", &known), Some("soc_min"));
        assert_eq!(nearest("colour", &known), None);
        assert_eq!(nearest("x", &known), None);
    }
}
