//! Charts and reports: content, not just existence.

use crate::support::{read_json, run_into, temp_dir, text, vppsim};

fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert_eq!(&bytes[1..4], b"PNG", "not a PNG");
    let be = |i: usize| u32::from_be_bytes(bytes[i..i + 4].try_into().unwrap());
    (be(16), be(20))
}

#[test]
fn a_run_writes_charts_with_their_series_and_a_report_that_shows_them() {
    let out = temp_dir("report");
    run_into("scenarios/xining-park-week.toml", &out, &[]);
    let svg = |name: &str| std::fs::read_to_string(out.join(format!("{name}.svg"))).unwrap();
    let dispatch = svg("dispatch_week");
    for label in [
        "PV output",
        "battery discharge",
        "grid import",
        "battery charge",
        "grid export",
        "PV curtailed",
        "consumption",
        "power [MW]",
    ] {
        assert!(dispatch.contains(label), "dispatch chart lacks '{label}'");
    }
    assert!(svg("state_of_charge").contains("stored energy [MWh]"));
    assert!(svg("import_carpet").contains("local hour"));
    assert!(svg("duration_curves").contains("net load"));
    assert!(svg("daily_balance").contains("PV used on site"));
    // A week's axis shows days, its bars one group per day.
    assert!(dispatch.contains(">\nMon 14 Jul\n<") && dispatch.contains(">\nSun 20 Jul\n<"));
    for name in [
        "dispatch_week",
        "state_of_charge",
        "import_carpet",
        "duration_curves",
        "daily_balance",
    ] {
        let png = std::fs::read(out.join(format!("{name}.png"))).unwrap();
        // At a device pixel ratio of 2, for print.
        assert_eq!(png_size(&png), (2000, 1000), "{name}.png");
        // Not blank: a blank 2000×1000 PNG compresses to well under 10 kB.
        assert!(png.len() > 10_000, "{name}.png is only {} bytes", png.len());
    }
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    for id in [
        "dispatch_week",
        "state_of_charge",
        "import_carpet",
        "duration_curves",
        "daily_balance",
    ] {
        assert!(
            html.contains(&format!("<figure id=\"{id}\">")),
            "report lacks chart {id}"
        );
    }
    for kpi in [
        "grid import",
        "peak import",
        "self-sufficiency",
        "dc: PUE",
        "ev_hub: unmet",
        "demand charge",
    ] {
        assert!(html.contains(kpi), "report lacks KPI '{kpi}'");
    }
    // The manifest in the report is the written one: hashes and timings included.
    assert!(html.contains("resolved_scenario_sha256") && html.contains("stage_seconds"));
    for remote in ["<script", "src=\"http", "href=\"http", "@import"] {
        assert!(
            !html.contains(remote),
            "report.html must load nothing ({remote})"
        );
    }
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(md.contains("![") && md.contains("dispatch_week.png"));
}

#[test]
fn report_rebuilds_from_the_folder_and_no_plots_skips_them() {
    let out = temp_dir("rebuild");
    run_into("scenarios/small-site.toml", &out, &["--no-plots"]);
    assert!(!out.join("report.html").exists());
    let o = vppsim(&["report", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(out.join("report.html").is_file() && out.join("dispatch_week.png").is_file());
    let missing = vppsim(&["report", "/nonexistent/results"]);
    assert_eq!(missing.status.code(), Some(2));
}

#[test]
fn a_run_with_overrides_names_them_in_its_report_title() {
    let out = temp_dir("report-overrides");
    let set = "battery.battery.energy_capacity=\"8 MWh\"";
    run_into("scenarios/small-site.toml", &out, &["--set", set]);
    let title = "vppsim report: small-site with battery.battery.energy_capacity=\"8 MWh\"";
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    let escaped = title.replace('"', "&quot;");
    assert!(html.contains(&format!("<h1>{escaped}</h1>")), "HTML title");
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    let code = "# vppsim report: small-site with `battery.battery.energy_capacity=\"8 MWh\"`\n";
    assert!(md.starts_with(code), "Markdown title");
    // A strategy other than the file's is named as `--set` would name it.
    let rule = temp_dir("report-strategy");
    run_into("scenarios/small-site.toml", &rule, &["--strategy", "rule"]);
    let md = std::fs::read_to_string(rule.join("report.md")).unwrap();
    let code = "# vppsim report: small-site with `dispatch.strategy=\"rule\"`\n";
    assert!(md.starts_with(code), "strategy title");
    // Without overrides (the file's own strategy given changes nothing), the scenario's
    // name alone.
    let plain = temp_dir("report-no-overrides");
    run_into("scenarios/small-site.toml", &plain, &["--strategy", "lp"]);
    let md = std::fs::read_to_string(plain.join("report.md")).unwrap();
    assert!(
        md.starts_with("# vppsim report: small-site\n"),
        "plain title"
    );
}

#[test]
fn report_on_a_vpp_folder_rebuilds_the_aggregate_page_too() {
    let dir = temp_dir("report-vpp-aggregate");
    let out = dir.join("v");
    run_into("scenarios/small-vpp.toml", &out, &[]);
    let page = out.join("report.html");
    let written = std::fs::read_to_string(&page).unwrap();
    std::fs::write(&page, "stale").unwrap();
    let o = vppsim(&["report", out.to_str().unwrap()]);
    let said = text(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{said}");
    assert_eq!(
        std::fs::read_to_string(&page).unwrap(),
        written,
        "the aggregate report.html is rebuilt as the run wrote it"
    );
    assert!(text(&o.stdout).contains("report.html and"));
}

#[test]
fn a_do_nothing_baseline_that_breaks_a_limit_is_left_out_with_a_note() {
    // Strategy none imports 3.08 MW at 08:00 on the first day: above a 2 MW limit the
    // battery keeps to under lp. The run is written; the report has no baseline.
    let plain = temp_dir("baseline-plain");
    run_into("scenarios/small-site.toml", &plain, &["--no-plots"]);
    let baseline = &read_json(&plain.join("summary.json"))["baseline"];
    assert_eq!(baseline["strategy"], "none");
    assert!(baseline["kpis"]["peak_import_mw"].as_f64().unwrap() > 3.0);
    let limited = temp_dir("baseline-limited");
    let set = ["--no-plots", "--set", "grid.import_limit=\"2 MW\""];
    let o = run_into("scenarios/small-site.toml", &limited, &set);
    let said = text(&o.stderr);
    assert!(
        said.contains("note: no do-nothing baseline in the report: strategy none fails")
            && said.contains("exceeds the import limit of 2 MW"),
        "{said}"
    );
    let summary = read_json(&limited.join("summary.json"));
    assert!(summary.get("baseline").is_none());
    assert!(summary["kpis"]["peak_import_mw"].as_f64().unwrap() <= 2.0 + 1e-9);
}
