//! The JSON Schemas of scenario and VPP files: shipped in docs/schema equal to what
//! `vppsim schema` prints (and docs/scenario-keys.md to `vppsim schema --markdown`), and,
//! checked by an independent validator (the `jsonschema` crate), met by every shipped
//! scenario and VPP file and failed by the misspelt ones.

use std::path::Path;

use crate::support::{root, text, vppsim};

/// `vppsim schema ARGS…`'s output equals `file` (rewritten with VPPSIM_BLESS=1).
fn shipped_equals_printed(file: &str, args: &[&str]) {
    let o = vppsim(args);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let path = root().join(file);
    if std::env::var_os("VPPSIM_BLESS").is_some() {
        std::fs::write(&path, &o.stdout).unwrap();
    }
    let shipped = std::fs::read(&path).unwrap();
    assert!(
        shipped == o.stdout,
        "{file} differs from `vppsim {}`: regenerate it (VPPSIM_BLESS=1 cargo test schema)",
        args.join(" ")
    );
}

#[test]
fn shipped_schemas_and_key_reference_are_current() {
    shipped_equals_printed("docs/schema/scenario.schema.json", &["schema"]);
    shipped_equals_printed("docs/schema/vpp.schema.json", &["schema", "vpp"]);
    shipped_equals_printed("docs/schema/sweep.schema.json", &["schema", "sweep"]);
    shipped_equals_printed("docs/scenario-keys.md", &["schema", "--markdown"]);
}

fn validator(file: &str) -> jsonschema::Validator {
    let text = std::fs::read_to_string(root().join(file)).unwrap();
    let schema: serde_json::Value = serde_json::from_str(&text).unwrap();
    jsonschema::validator_for(&schema).expect("a valid JSON Schema")
}

/// The TOML file at `path` as JSON.
fn as_json(path: &Path) -> serde_json::Value {
    let source = std::fs::read_to_string(path).unwrap();
    let value: toml::Value = toml::from_str(&source).unwrap();
    serde_json::to_value(value).unwrap()
}

/// The schema's errors on a document given as TOML text, each with where it is.
fn errors_of(schema: &jsonschema::Validator, toml_text: &str) -> Vec<String> {
    let doc: toml::Value = toml::from_str(toml_text).unwrap();
    schema
        .iter_errors(&serde_json::to_value(doc).unwrap())
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect()
}

#[test]
fn every_shipped_file_meets_its_schema_and_misspelt_keys_do_not() {
    let scenario = validator("docs/schema/scenario.schema.json");
    let vpp = validator("docs/schema/vpp.schema.json");
    let sweep = validator("docs/schema/sweep.schema.json");
    let mut checked = (0, 0, 0);
    for entry in std::fs::read_dir(root().join("scenarios")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "toml") {
            continue;
        }
        let doc = as_json(&path);
        // .taplo.toml associates the schemas by file name.
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        assert_eq!(
            doc.get("vpp").is_some(),
            name.ends_with("-vpp.toml"),
            "{name}"
        );
        assert_eq!(
            doc.get("sweep").is_some(),
            name.ends_with("-sweep.toml"),
            "{name}"
        );
        let (schema, count) = if doc.get("sweep").is_some() {
            (&sweep, &mut checked.2)
        } else if doc.get("vpp").is_some() {
            (&vpp, &mut checked.1)
        } else {
            (&scenario, &mut checked.0)
        };
        let errors: Vec<String> = schema
            .iter_errors(&doc)
            .map(|e| format!("{} at {}", e, e.instance_path))
            .collect();
        assert!(errors.is_empty(), "{}: {errors:?}", path.display());
        *count += 1;
    }
    assert!(
        checked.0 >= 8 && checked.1 >= 2 && checked.2 >= 1,
        "scenario, VPP and sweep files checked: {checked:?}"
    );
    let bench_sweep = as_json(&root().join("benches/park-sweep-40.toml"));
    let errors: Vec<String> = sweep
        .iter_errors(&bench_sweep)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "benches/park-sweep-40.toml: {errors:?}");
    let misspelt = as_json(&root().join("scenarios/invalid/misspelt-and-missing-keys.toml"));
    assert!(!scenario.is_valid(&misspelt));
    let misspelt = as_json(&root().join("scenarios/invalid/vpp-misspelt-keys.toml"));
    assert!(!vpp.is_valid(&misspelt));
    // A sweep with an unknown `keep`, a misspelt key, seeds of the wrong shape and a range
    // without steps.
    let errors = errors_of(
        &sweep,
        "[sweep]\nscenario = \"base.toml\"\nkeep = \"all\"\n[[study]]\nname = \"a\"\n\
         seeds = { first = 1 }\n[[study.parameter]]\npath = \"grid.demand_charge\"\n\
         range = { from = \"1 CNY/kW\", to = \"2 CNY/kW\" }\nvalue = [1]\n",
    );
    for expected in [
        "'value' was unexpected) at /study/0/parameter/0",
        "at /study/0/seeds",
        "at /study/0/parameter/0/range",
        "at /sweep/keep",
    ] {
        assert!(
            errors.iter().any(|e| e.contains(expected)),
            "no error '{expected}' in {errors:?}"
        );
    }
    assert_eq!(errors.len(), 4, "{errors:?}");
    // A parameter takes `values` or `range`, not both nor neither; a range's ends are single
    // quantities, not tables.
    let errors = errors_of(
        &sweep,
        "[sweep]\nscenario = \"base.toml\"\n[[study]]\nname = \"a\"\n\
         [[study.parameter]]\npath = \"grid.demand_charge\"\nvalues = [\"1 CNY/kW\"]\n\
         range = { from = \"1 CNY/kW\", to = \"2 CNY/kW\", steps = 3 }\n\
         [[study.parameter]]\npath = \"grid.import_limit\"\n\
         [[study.parameter]]\npath = \"grid.export_limit\"\n\
         range = { from = { file = \"a.csv\" }, to = \"2 MW\", steps = 3 }\n",
    );
    for expected in [
        "at /study/0/parameter/0",
        "at /study/0/parameter/1",
        "at /study/0/parameter/2/range",
    ] {
        assert!(
            errors.iter().any(|e| e.ends_with(expected)),
            "no error '{expected}' in {errors:?}"
        );
    }
    assert_eq!(errors.len(), 3, "{errors:?}");
    // A sweep needs a study, as the parser says.
    for studies in ["", "study = []\n"] {
        let bare = format!("{studies}[sweep]\nscenario = \"base.toml\"\n");
        assert!(!errors_of(&sweep, &bare).is_empty(), "{studies:?}");
    }
}
