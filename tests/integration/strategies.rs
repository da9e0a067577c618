//! Strategies side by side: MPC against perfect foresight and the rules; `vppsim compare`.

use crate::support::{read_json, root, run_into, temp_dir, text, vppsim};

/// The reference week with `[dispatch]` replaced by `dispatch` (TOML lines).
fn reference_week_with(dir: &std::path::Path, dispatch: &str) -> String {
    let original = std::fs::read_to_string(root().join("scenarios/reference-672.toml")).unwrap();
    let data = root().join("data").display().to_string();
    let body = original
        .split("[dispatch]")
        .next()
        .unwrap()
        .replace("../data", &data);
    let path = dir.join("week.toml");
    std::fs::write(
        &path,
        format!("{body}[dispatch]\nobjective = {{ import = 1.0, cost = 1e-6 }}\n{dispatch}\n"),
    )
    .unwrap();
    path.to_str().unwrap().to_string()
}

fn kpis(scenario: &str, strategy: &str, out: &std::path::Path) -> serde_json::Value {
    run_into(scenario, out, &["--strategy", strategy, "--no-plots"]);
    read_json(&out.join("summary.json"))
}

#[test]
fn daily_mpc_with_perfect_forecasts_reproduces_perfect_foresight_on_the_reference() {
    let dir = temp_dir("mpc-daily");
    let scenario = reference_week_with(
        &dir,
        "mpc = { horizon = \"1d\", replan = \"1d\", forecast = \"perfect\" }",
    );
    let lp = kpis(&scenario, "lp", &dir.join("lp"));
    let mpc = kpis(&scenario, "mpc", &dir.join("mpc"));
    let rule = kpis(&scenario, "rule", &dir.join("rule"));
    let (a, b) = (
        lp["kpis"]["objective"].as_f64().unwrap(),
        mpc["kpis"]["objective"].as_f64().unwrap(),
    );
    assert!(((a - b) / a).abs() < 1e-6, "lp {a} vs mpc {b}");
    assert!((a - 470.8655985329375).abs() / a < 1e-6);
    let import = |k: &serde_json::Value| k["kpis"]["grid_import_mwh"].as_f64().unwrap();
    assert!(
        import(&mpc) <= import(&rule) + 1e-9,
        "mpc {} vs rule {}",
        import(&mpc),
        import(&rule)
    );
    assert_eq!(mpc["forecast_errors"][0]["rmse_mw"], 0.0);
}

#[test]
fn noisy_mpc_pays_for_its_errors_reports_them_and_repeats_with_the_seed() {
    let dir = temp_dir("mpc-noisy");
    let scenario = reference_week_with(
        &dir,
        "mpc = { horizon = \"1d\", replan = \"6h\", forecast = \"noisy\", noise_sigma = \"0.3 MW\", noise_autocorrelation = 0.9 }",
    );
    let lp = kpis(&scenario, "lp", &dir.join("lp"));
    let first = kpis(&scenario, "mpc", &dir.join("a"));
    let again = kpis(&scenario, "mpc", &dir.join("b"));
    assert_eq!(first["kpis"], again["kpis"]);
    let objective = |k: &serde_json::Value| k["kpis"]["objective"].as_f64().unwrap();
    assert!(
        objective(&first) >= objective(&lp) - 1e-9,
        "forecast errors cannot beat perfect foresight"
    );
    let load_error = &first["forecast_errors"][1];
    assert_eq!(load_error["series"], "site_load.power");
    let rmse = load_error["rmse_mw"].as_f64().unwrap();
    assert!(
        (0.2..0.4).contains(&rmse),
        "load forecast RMSE {rmse} for σ = 0.3 MW"
    );
}

#[test]
fn compare_runs_every_strategy_and_measures_regret_against_perfect_foresight() {
    let out = temp_dir("compare");
    let o = vppsim(&[
        "compare",
        "scenarios/xining-park-week.toml",
        "--out",
        out.to_str().unwrap(),
        "--force",
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let csv = std::fs::read_to_string(out.join("comparison.csv")).unwrap();
    let rows: Vec<Vec<&str>> = csv.lines().map(|l| l.split(',').collect()).collect();
    let header = &rows[0];
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let names: Vec<&str> = rows[1..].iter().map(|r| r[0]).collect();
    assert_eq!(names, ["none", "rule", "tou", "peak", "lp", "mpc"]);
    let regret: Vec<f64> = rows[1..]
        .iter()
        .map(|r| r[col("regret_import_mwh")].parse().unwrap())
        .collect();
    assert_eq!(regret[4], 0.0);
    assert!(
        regret.iter().all(|r| *r >= -1e-6),
        "nothing beats perfect foresight on import: {regret:?}"
    );
    assert!(String::from_utf8_lossy(&o.stdout).contains("regret MWh"));
    let bars = std::fs::read_to_string(out.join("kpi_bars.svg")).unwrap();
    for label in [
        "grid import [MWh]",
        "total cost [CNY]",
        "CO2 [t]",
        "peak",
        "mpc",
    ] {
        assert!(bars.contains(label), "kpi_bars.svg lacks '{label}'");
    }
    assert!(out.join("kpi_bars.png").is_file());
}

#[test]
fn the_persistent_model_gives_the_rebuilt_model_s_runs_on_the_reference() {
    // Where a window's plan is not unique (e.g. a 12 h plan inside a day-long energy window),
    // equally good plans can lead whole runs apart; src/dispatch/window.rs therefore also
    // compares the two window by window, on the same state and noisy forecasts.
    let dir = temp_dir("mpc-persistent");
    let objective = |mpc: &str, name: &str| {
        let scenario = reference_week_with(&dir.join(name), mpc);
        kpis(&scenario, "mpc", &dir.join(name).join("out"))["kpis"]["objective"]
            .as_f64()
            .unwrap()
    };
    for (name, settings) in [
        ("every-step", "horizon = \"1d\", replan = \"15min\""),
        ("daily", "horizon = \"1d\", replan = \"1d\""),
    ] {
        std::fs::create_dir_all(dir.join(format!("{name}-a"))).unwrap();
        std::fs::create_dir_all(dir.join(format!("{name}-b"))).unwrap();
        let kept = objective(&format!("mpc = {{ {settings} }}"), &format!("{name}-a"));
        let rebuilt = objective(
            &format!("mpc = {{ {settings}, persistent = false }}"),
            &format!("{name}-b"),
        );
        assert!(
            ((kept - rebuilt) / rebuilt).abs() < 1e-7,
            "{name}: persistent {kept} vs rebuilt {rebuilt}"
        );
    }
}
