//! The structure of a TOML file checked against the JSON Schema of its serde mirror before
//! the typed parse (which stops at the first problem): every unknown key, with the nearest
//! known key of its table, and every missing required key are reported in one run, each at
//! its line. Values are left to the typed parse and to `resolve`, which still run when the
//! only problems are unknown keys: on the text with those keys blanked out (see
//! [`Structure::without_unknown_keys`]), so that a misspelt key does not hide the file's
//! other problems.

use std::ops::Range;
use std::path::Path;

use schemars::JsonSchema;
use serde_json::Value as Json;
use toml_edit::{ImDocument, Item, TableLike};

use crate::diagnostic::{Location, Problem};

/// Where the keys of every table are documented.
const KEYS_DOC: &str = "docs/scenario-keys.md";

/// What [`check`] found in a file.
pub struct Structure<'s> {
    /// Every structure problem, in file order.
    pub problems: Vec<Problem>,
    source: &'s str,
    /// Where the unknown keys are written (byte ranges), when every problem is an unknown
    /// key and each could be located.
    unknown: Option<Vec<Range<usize>>>,
}

impl Structure<'_> {
    /// The file with its unknown keys (the only problems) overwritten by spaces: every
    /// other byte at its offset, so that spans into it are spans into the file. `None`
    /// when there are other problems, or an unknown key could not be cut out.
    pub fn without_unknown_keys(&self) -> Option<String> {
        let mut bytes = self.source.as_bytes().to_vec();
        for range in self.unknown.as_ref()? {
            for b in &mut bytes[range.clone()] {
                if !matches!(*b, b'\n' | b'\r') {
                    *b = b' ';
                }
            }
        }
        // Whole UTF-8 sequences were overwritten (ranges run between characters).
        String::from_utf8(bytes).ok()
    }
}

/// Every structure problem of TOML `source` (read from `path`) against the schema of `T`,
/// in file order; none if the text is not TOML (the typed parse reports the syntax error).
pub fn check<'s, T: JsonSchema>(path: &Path, source: &'s str) -> Structure<'s> {
    let Ok(doc) = ImDocument::parse(source) else {
        return Structure {
            problems: Vec::new(),
            source,
            unknown: None,
        };
    };
    let schema = schemars::schema_for!(T);
    let mut walk = Walk {
        path,
        source,
        defs: schema.as_value().get("$defs"),
        found: Vec::new(),
        unknown: Some(Vec::new()),
    };
    walk.table(doc.as_table(), schema.as_value(), &Place::root());
    walk.found.sort_by_key(|(at, _)| *at);
    let unknown = walk
        .unknown
        .filter(|_| walk.found.iter().all(|(_, p)| p.code == "unknown-key"));
    Structure {
        problems: walk.found.into_iter().map(|(_, p)| p).collect(),
        source,
        unknown,
    }
}

/// Where a table is: its path for messages and its span (header or key) for positions.
struct Place {
    /// `[battery]`-style path without brackets; empty at the root.
    path: String,
    /// Array-of-tables entry (`[[battery]]`).
    entry: bool,
    /// Written inline (`{ key = value, … }`).
    inline: bool,
    /// The entry's `name`, when it has one, to tell entries apart.
    name: Option<String>,
    span: Option<Range<usize>>,
}

impl Place {
    fn root() -> Place {
        Place {
            path: String::new(),
            entry: false,
            inline: false,
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
            inline: false,
            name: None,
            span,
        }
    }

    fn inline(mut self) -> Place {
        self.inline = true;
        self
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
    /// Where the unknown keys found so far are written; `None` once one could not be
    /// located.
    unknown: Option<Vec<Range<usize>>>,
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
            inline: place.inline,
        };
        let required: Vec<&str> = schema
            .get("required")
            .and_then(Json::as_array)
            .map(|r| r.iter().filter_map(Json::as_str).collect())
            .unwrap_or_default();
        let mut meant: Vec<&str> = Vec::new();
        let mut inline_unknown: Vec<&str> = Vec::new();
        for (key, item) in t.iter() {
            let key_span = t.key(key).and_then(|k| k.span());
            match props.get(key) {
                Some(sub) => {
                    let sub = self.resolve(sub);
                    self.item(item, sub, place, key, key_span);
                }
                None => {
                    if place.inline {
                        inline_unknown.push(key);
                    } else {
                        let lines = entry_lines(self.source, key_span.clone(), item);
                        self.cut(lines);
                    }
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
        if !inline_unknown.is_empty() {
            let cuts = inline_cuts(self.source, t, &inline_unknown);
            self.cut(cuts);
        }
        let missing: Vec<&str> = required
            .into_iter()
            .filter(|key| t.get(key).is_none() && !meant.contains(key))
            .collect();
        // A missing table (`Some(false)`) or array of tables (`Some(true)`) is named by its
        // header.
        let table_kind = |key: &str| {
            let schema = self.resolve(&props[key]);
            let items = schema.get("items").map(|i| self.resolve(i));
            match (
                schema.get("properties"),
                items.and_then(|i| i.get("properties")),
            ) {
                (Some(_), _) => Some(false),
                (None, Some(_)) => Some(true),
                (None, None) => None,
            }
        };
        let kinds: Vec<(&str, Option<bool>)> =
            missing.iter().map(|k| (*k, table_kind(k))).collect();
        let keys: Vec<&str> = kinds
            .iter()
            .filter(|(_, kind)| kind.is_none())
            .map(|(key, _)| *key)
            .collect();
        for (key, entries) in kinds
            .iter()
            .filter_map(|(key, kind)| kind.map(|entries| (*key, entries)))
        {
            let header = place.header(&place.child(key, false, None).path, entries);
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
                let place = parent.child(key, false, span);
                let place = if item.is_inline_table() {
                    place.inline()
                } else {
                    place
                };
                self.table(t, schema, &place);
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
                    self.table(t, items, &parent.child(key, true, span).inline());
                }
            }
        }
    }

    /// Records where unknown keys are written, or that one could not be located.
    fn cut(&mut self, ranges: Option<Vec<Range<usize>>>) {
        match (ranges, &mut self.unknown) {
            (Some(ranges), Some(unknown)) => unknown.extend(ranges),
            _ => self.unknown = None,
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

/// The whole lines that hold `key = item` (a key's span and its item) in a table written
/// under a header: in TOML a key-value pair or a header has its lines to itself. A table
/// holds its header's lines and every entry's; `None` where a span is unknown.
fn entry_lines(source: &str, key: Option<Range<usize>>, item: &Item) -> Option<Vec<Range<usize>>> {
    let lines = |span: Range<usize>| {
        let start = source[..span.start].rfind('\n').map_or(0, |i| i + 1);
        let end = source[span.end..]
            .find('\n')
            .map_or(source.len(), |i| span.end + i);
        start..end
    };
    let table = |t: &toml_edit::Table| -> Option<Vec<Range<usize>>> {
        let mut out = Vec::new();
        if !t.is_dotted() && !t.is_implicit() {
            out.push(lines(t.span()?));
        }
        for (k, item) in t.iter() {
            out.extend(entry_lines(source, t.key(k)?.span(), item)?);
        }
        Some(out)
    };
    match item {
        Item::None => Some(Vec::new()),
        Item::Value(v) => Some(vec![lines(key?.start..v.span()?.end)]),
        Item::Table(t) => table(t),
        Item::ArrayOfTables(array) => {
            let tables: Option<Vec<_>> = array.iter().map(table).collect();
            Some(tables?.concat())
        }
    }
}

/// Where the `unknown` entries of inline table `t` are written, with the commas that would
/// be left without a kept entry on each side, so that the table stays valid TOML: the comma
/// after an entry stays only when the entry is kept and a kept one follows. `None` where a
/// span is unknown (a dotted key), or a cut entry runs over lines (a line break left in an
/// inline table is not TOML, and one taken out would move the lines).
fn inline_cuts(source: &str, t: &dyn TableLike, unknown: &[&str]) -> Option<Vec<Range<usize>>> {
    let mut entries = t
        .iter()
        .map(|(key, item)| {
            let span = t.key(key)?.span()?.start..item.as_value()?.span()?.end;
            Some((span, unknown.contains(&key)))
        })
        .collect::<Option<Vec<_>>>()?;
    entries.sort_by_key(|(span, _)| span.start);
    let mut cuts = Vec::new();
    for (i, (span, cut)) in entries.iter().enumerate() {
        if *cut {
            if source[span.clone()].contains('\n') {
                return None;
            }
            cuts.push(span.clone());
        }
        let Some((next, _)) = entries.get(i + 1) else {
            continue;
        };
        let kept_after = entries[i + 1..].iter().any(|(_, cut)| !cut);
        if *cut || !kept_after {
            let comma = span.end + source[span.end..next.start].find(',')?;
            cuts.push(comma..comma + 1);
        }
    }
    Some(cuts)
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

    #[derive(serde::Deserialize, JsonSchema)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Top {
        a: Option<i64>,
        t: Option<Inner>,
        list: Option<Vec<Inner>>,
    }

    #[derive(serde::Deserialize, JsonSchema)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Inner {
        x: Option<i64>,
        y: Option<i64>,
    }

    /// The file without its unknown keys, checked against the same file written without
    /// them by hand: the same TOML, every byte offset kept.
    #[test]
    fn unknown_keys_are_cut_out_leaving_valid_toml_at_the_same_offsets() {
        let cases = [
            ("a = 1\nb = 2 # note\n", "a = 1\n"),
            ("t = { x = 1, z = 2 }\n", "t = { x = 1 }\n"),
            ("t = { z = 2, x = 1 }\n", "t = { x = 1 }\n"),
            ("t = { z = 2 }\n", "t = {}\n"),
            ("t = { x = 1, z = 2, w = 3 }\n", "t = { x = 1 }\n"),
            ("t = { z = 2, w = 3, x = 1 }\n", "t = { x = 1 }\n"),
            (
                "t = { z = 2, x = 1, w = 3, y = 4 }\n",
                "t = { x = 1, y = 4 }\n",
            ),
            ("t = { x = 1 , z = 2 ,y = 4 }\n", "t = { x = 1, y = 4 }\n"),
            (
                "list = [{ x = 1, z = 2 }, { z = [1], y = 3 }]\n",
                "list = [{ x = 1 }, { y = 3 }]\n",
            ),
            ("a = 1\nb.c = 2\nb.d = [\n  1,\n]\n", "a = 1\n"),
            (
                "a = 1\n[extra]\nk = 1\n[extra.sub]\nm = 2\n[t]\nx = 1\nw = 'é'\n",
                "a = 1\n[t]\nx = 1\n",
            ),
            (
                "[[more]]\nk = 1\n[[more]]\n[[list]]\nx = 1\nq = 2\n",
                "[[list]]\nx = 1\n",
            ),
        ];
        for (source, expected) in cases {
            let structure = check::<Top>(Path::new("f.toml"), source);
            assert!(!structure.problems.is_empty(), "{source}");
            assert!(structure.problems.iter().all(|p| p.code == "unknown-key"));
            let rest = structure.without_unknown_keys().expect(source);
            assert_eq!(rest.len(), source.len());
            assert_eq!(rest.matches('\n').count(), source.matches('\n').count());
            let rest: toml::Table = rest.parse().expect(source);
            assert_eq!(rest, expected.parse::<toml::Table>().unwrap(), "{source}");
            assert!(
                check::<Top>(Path::new("f.toml"), expected)
                    .problems
                    .is_empty()
            );
        }
    }

    #[test]
    fn other_structure_problems_and_unknown_keys_over_lines_keep_the_file_whole() {
        // A missing key is not cut out: nothing is parsed past it.
        #[derive(serde::Deserialize, JsonSchema)]
        #[allow(dead_code)]
        struct Needs {
            a: i64,
        }
        let structure = check::<Needs>(Path::new("f.toml"), "c = 1\nd = 2\n");
        assert!(structure.problems.iter().any(|p| p.code == "missing-key"));
        assert_eq!(structure.without_unknown_keys(), None);
        // Nor is an inline table's entry that runs over lines.
        let structure = check::<Top>(Path::new("f.toml"), "t = { z = [1,\n 2], x = 1 }\n");
        assert_eq!(structure.problems.len(), 1);
        assert_eq!(structure.without_unknown_keys(), None);
    }

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
