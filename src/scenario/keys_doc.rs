//! The key reference of scenario, VPP and sweep files (`docs/scenario-keys.md`), rendered
//! from their JSON Schema (see `schema`): one table per TOML table, each key with whether it
//! is required, what kind of value it takes, and its doc comment (defaults included). A
//! table the VPP format shares with the scenario format is documented once and referred to.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde_json::{Map, Value};

use super::schema::{FileFormat, json_schema};

/// The whole reference, every format, as Markdown.
pub fn markdown() -> String {
    let mut out = String::from(
        "# Keys of scenario, VPP and sweep files\n\n\
         Generated from the JSON Schema of the files (`vppsim schema --markdown`; a test keeps \
         this file equal to it). Quantities are strings with their unit (`\"8 MWh\"`); the \
         README's Scenario format section says which units each takes, what a series is, and \
         how the models use each key. An extendable capacity (sizing) is a table `{ existing, \
         min, max, capex, lifetime, fixed_om, block }`: see the README's Sizing section.\n",
    );
    let mut documented = BTreeMap::new();
    for format in [FileFormat::Scenario, FileFormat::Vpp, FileFormat::Sweep] {
        let schema = json_schema(format);
        let _ = write!(
            out,
            "\n## {}\n\n{}\n",
            schema["title"].as_str().unwrap_or_default(),
            schema["description"].as_str().unwrap_or_default()
        );
        let mut doc = Doc {
            defs: schema.get("$defs").and_then(Value::as_object),
            documented: &mut documented,
            out: &mut out,
        };
        doc.table("the file's top level", &schema, "");
    }
    out
}

struct Doc<'a> {
    defs: Option<&'a Map<String, Value>>,
    /// The section where each `$defs` table was documented, by definition name.
    documented: &'a mut BTreeMap<String, String>,
    out: &'a mut String,
}

/// What a property holds, seen through `Option` (`anyOf` with null) and `$ref`.
enum Kind<'s> {
    /// A table: its definition name (if named) and schema.
    Table(Option<&'s str>, &'s Value),
    /// An array of tables.
    Tables(Option<&'s str>, &'s Value),
    /// Anything else, described in words.
    Value(String),
}

impl<'a> Doc<'a> {
    /// Writes the table of `schema`'s keys under `title`, then a section for each key that
    /// holds a table (or array of tables) not documented before. `path` is the dotted path
    /// of the table (`""` at the top level).
    fn table(&mut self, title: &str, schema: &Value, path: &str) {
        let Some(properties) = schema.get("properties").and_then(Value::as_object) else {
            return;
        };
        let required: Vec<&str> = schema
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let _ = write!(
            self.out,
            "\n### {title}\n\n| key | | value | description |\n|---|---|---|---|\n"
        );
        let mut nested = Vec::new();
        for (key, property) in properties {
            let full = match path {
                "" => key.clone(),
                parent => format!("{parent}.{key}"),
            };
            let (value, header) = match self.kind(property) {
                Kind::Value(words) => (words, None),
                Kind::Table(name, s) => self.nested(name, s, format!("[{full}]"), &mut nested),
                Kind::Tables(name, s) => self.nested(name, s, format!("[[{full}]]"), &mut nested),
            };
            let value = match header {
                Some(header) if header.starts_with("`[[") => format!("tables {header}"),
                Some(header) => format!("table {header}"),
                None => value,
            };
            let need = if required.contains(&key.as_str()) {
                "required"
            } else {
                "optional"
            };
            let description = property
                .get("description")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .replace('\n', " ")
                .replace('|', "\\|");
            let _ = writeln!(self.out, "| `{key}` | {need} | {value} | {description} |");
        }
        for (header, schema, full) in nested {
            self.table(&format!("`{header}`"), schema, &full);
        }
    }

    /// The cell of a key holding a table documented under `header`: `(words, Some(header))`
    /// for a table documented here (queued in `nested`), or a reference to where it was.
    fn nested<'s>(
        &mut self,
        name: Option<&'s str>,
        schema: &'s Value,
        header: String,
        nested: &mut Vec<(String, &'s Value, String)>,
    ) -> (String, Option<String>) {
        if let Some(before) = name.and_then(|n| self.documented.get(n)) {
            let tables = if before.starts_with("[[") {
                "tables"
            } else {
                "table"
            };
            return (format!("{tables}, as `{before}`"), None);
        }
        if let Some(n) = name {
            self.documented.insert(n.to_string(), header.clone());
        }
        let path = header.trim_matches(['[', ']']).to_string();
        nested.push((header.clone(), schema, path));
        (String::new(), Some(format!("`{header}`")))
    }

    /// The kind of value `property` takes.
    fn kind<'s>(&self, property: &'s Value) -> Kind<'s>
    where
        'a: 's,
    {
        let (name, s) = self.resolve(property);
        if let Some(options) = s.get("anyOf").and_then(Value::as_array) {
            let real: Vec<&Value> = options
                .iter()
                .filter(|o| o.get("type").and_then(Value::as_str) != Some("null"))
                .collect();
            if let [only] = real[..] {
                return self.kind(only);
            }
        }
        match name {
            Some("Quantity") => return Kind::Value("quantity".into()),
            Some("Capacity") => return Kind::Value("quantity or extendable capacity".into()),
            _ => {}
        }
        if s.get("properties").is_some() {
            return Kind::Table(name, s);
        }
        let types: Vec<&str> = match s.get("type") {
            Some(Value::String(t)) => vec![t.as_str()],
            Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        let words = match types.iter().find(|&&t| t != "null") {
            Some(&"array") => {
                let items = s.get("items").unwrap_or(&Value::Null);
                match self.kind(items) {
                    Kind::Table(n, t) | Kind::Tables(n, t) => return Kind::Tables(n, t),
                    Kind::Value(words) => format!("list of {words}s"),
                }
            }
            Some(&"boolean") => "true or false".into(),
            Some(&"integer") | Some(&"number") => "number".into(),
            Some(&"string") => "string".into(),
            _ => "value".into(),
        };
        Kind::Value(words)
    }

    /// `schema` with a `$ref` to `#/$defs/Name` followed: the name and the definition.
    fn resolve<'s>(&self, schema: &'s Value) -> (Option<&'s str>, &'s Value)
    where
        'a: 's,
    {
        let target = schema
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix("#/$defs/"));
        match target.and_then(|name| Some((name, self.defs?.get(name)?))) {
            Some((name, def)) => (Some(name), def),
            None => (None, schema),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_table_and_key_is_documented_once_with_whether_it_is_required() {
        let doc = markdown();
        for header in [
            "### `[scenario]`",
            "### `[[battery]]`",
            "### `[pv.model]`",
            "### `[[datacenter.job]]`",
            "### `[vpp]`",
            "### `[[vpp.event]]`",
            "### `[[site]]`",
        ] {
            assert_eq!(doc.matches(header).count(), 1, "{header}");
        }
        assert!(doc.contains(
            "| `soc_initial` | required | quantity | State of charge at the start, a fraction of the energy capacity. |"
        ));
        assert!(doc.contains("| `soc_final` | optional | quantity |"));
        // A VPP site's tables refer to the scenario format's.
        assert!(doc.contains("| `battery` | optional | tables, as `[[battery]]` |"));
        assert!(!doc.contains("### `[[site.battery]]`"));
    }
}
