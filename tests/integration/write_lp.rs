//! `vppsim run --write-lp FILE`: the model HiGHS solved, written with names, read back into a
//! fresh HiGHS (Highs_readModel) solves to the run's own objective.

use crate::support::{run_into, temp_dir, vppsim};

#[test]
fn the_written_mps_solves_to_the_runs_objective() {
    let dir = temp_dir("write-lp");
    for (scenario, file) in [
        ("scenarios/small-site.toml", "small.mps"),
        ("scenarios/xining-park-week.toml", "park.mps"),
        ("scenarios/small-site.toml", "small.lp"),
    ] {
        let model = dir.join(file);
        let out = dir.join(format!("out-{file}"));
        run_into(
            scenario,
            &out,
            &[
                "--strategy",
                "lp",
                "--no-plots",
                "--write-lp",
                model.to_str().unwrap(),
            ],
        );
        let summary: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap())
                .unwrap();
        let run = summary["solver_objective"].as_f64().unwrap();
        // MPS keeps our names; HiGHS's LP writer renames what its format does not allow
        // (`c0`, `r0`, …).
        let text = std::fs::read_to_string(&model).unwrap();
        if file.ends_with(".mps") {
            assert!(
                text.contains("grid.import[0]") && text.contains("bus.balance[0]"),
                "{file} names its columns and rows"
            );
        }
        let resolved = vppsim::model::solve_file(&model).unwrap();
        // The run's plan is the lexicographic optimum: its primary objective is the
        // optimum within the pinning tolerance (1e-9 relative), and summary.json rounds.
        assert!(
            (resolved - run).abs() <= 1e-6 * run.abs().max(1.0),
            "{file}: read back {resolved}, run {run}"
        );
    }
    // An existing file is never overwritten; other strategies have no single LP.
    let o = vppsim(&[
        "run",
        "scenarios/small-site.toml",
        "--out",
        dir.join("again").to_str().unwrap(),
        "--write-lp",
        dir.join("small.mps").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("the file exists"));
    let o = vppsim(&[
        "run",
        "scenarios/small-site.toml",
        "--strategy",
        "rule",
        "--out",
        dir.join("rule").to_str().unwrap(),
        "--write-lp",
        dir.join("rule.mps").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("add --strategy lp"));
    // Refused before anything is solved or claimed: a format HiGHS does not write, a folder
    // that does not exist, a sizing run (its own LP).
    for (scenario, file, said) in [
        (
            "scenarios/small-site.toml",
            "model.txt",
            "neither .mps nor .lp",
        ),
        (
            "scenarios/small-site.toml",
            "nowhere/model.lp",
            "does not exist",
        ),
        (
            "scenarios/xining-park-sizing.toml",
            "sizing.mps",
            "a sizing run solves its own LP",
        ),
    ] {
        let out = dir.join("refused");
        let o = vppsim(&[
            "run",
            scenario,
            "--out",
            out.to_str().unwrap(),
            "--write-lp",
            dir.join(file).to_str().unwrap(),
        ]);
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{stderr}");
        assert!(
            stderr.contains(said) && stderr.contains("= hint:"),
            "{stderr}"
        );
        assert!(!out.exists() && !dir.join(file).exists());
    }
}

/// `--format parquet`: `timeseries.parquet` holds the CSV's columns (units in the Arrow
/// fields' metadata) and exactly its values.
#[test]
fn the_parquet_timeseries_reads_back_equal_to_the_csv() {
    use arrow_array::{Array as _, Float64Array, StringArray};
    use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

    let out = temp_dir("parquet-run");
    run_into(
        "scenarios/xining-park-week.toml",
        &out,
        &["--no-plots", "--format", "parquet"],
    );
    let csv = std::fs::read_to_string(out.join("timeseries.csv")).unwrap();
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    let file = std::fs::File::open(out.join("timeseries.parquet")).unwrap();
    let reader = ParquetRecordBatchReaderBuilder::try_new(file).unwrap();
    let schema = reader.schema().clone();
    assert_eq!(schema.fields().len(), header.len());
    let mut seen = 0;
    for batch in reader.build().unwrap() {
        let batch = batch.unwrap();
        for (j, h) in header.iter().enumerate() {
            let field = schema.field(j);
            let column = batch.column(j);
            if j == 0 {
                assert_eq!(field.name(), "timestamp");
                let stamps = column.as_any().downcast_ref::<StringArray>().unwrap();
                for i in 0..batch.num_rows() {
                    assert_eq!(stamps.value(i), rows[seen + i][0]);
                }
                continue;
            }
            // `grid.import [MW]` → field `grid.import`, unit `MW`; the per-step money and
            // CO2 columns carry the unit in their names.
            let (name, unit) = match h.strip_suffix(']').and_then(|h| h.rsplit_once(" [")) {
                Some(split) => split,
                None if *h == "co2_kg" => (*h, "kg"),
                None => {
                    assert!(h.ends_with("_cny"), "{h} has no unit");
                    (*h, "CNY")
                }
            };
            assert_eq!(field.name(), name);
            assert_eq!(field.metadata().get("unit").map(String::as_str), Some(unit));
            let values = column.as_any().downcast_ref::<Float64Array>().unwrap();
            for i in 0..batch.num_rows() {
                let expected: f64 = rows[seen + i][j].parse().unwrap();
                assert_eq!(values.value(i), expected, "{h} row {}", seen + i);
            }
        }
        seen += batch.num_rows();
    }
    assert_eq!(seen, rows.len());
    assert!(
        std::fs::read_to_string(out.join(".vppsim"))
            .unwrap()
            .contains("timeseries.parquet")
    );
}
