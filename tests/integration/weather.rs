//! `vppsim weather`: the weather table of a scenario, the same as the one its run uses.

use crate::support::{root, run_into, temp_dir, text, vppsim};

const WEEK: &str = "scenarios/xining-park-week.toml";

#[test]
fn weather_goes_to_stdout_and_is_the_weather_the_run_uses() {
    let o = vppsim(&["weather", WEEK]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let csv = text(&o.stdout);
    let mut lines = csv.lines();
    assert_eq!(
        lines.next().unwrap(),
        "timestamp,ghi [W/m2],dni [W/m2],dhi [W/m2],temperature [degC],wind [m/s],pv.poa [W/m2]"
    );
    let rows: Vec<Vec<f64>> = lines
        .map(|l| l.split(',').skip(1).map(|x| x.parse().unwrap()).collect())
        .collect();
    assert_eq!(rows.len(), 7 * 96);
    let daily_ghi = rows.iter().map(|r| r[0]).sum::<f64>() * 0.25 / 1000.0 / 7.0;
    // A July week at Xining: clear-sky days give about 9.6 kWh/m², overcast ones 2–5.
    assert!(
        (2.0..9.7).contains(&daily_ghi),
        "{daily_ghi} kWh/m² per day"
    );
    for r in &rows {
        assert!(r[0] >= 0.0 && r[0] < 1361.0, "GHI {}", r[0]);
        assert!(r[2] <= r[0] + 0.011, "DHI {} above GHI {}", r[2], r[0]);
        assert!(r[5] >= 0.0);
    }
    // The run on synthetic weather keeps the same table beside its results.
    let out = temp_dir("weather-run");
    run_into(WEEK, &out.join("run"), &["--no-plots"]);
    assert_eq!(
        std::fs::read_to_string(out.join("run/weather.csv")).unwrap(),
        csv
    );
    assert_eq!(text(&vppsim(&["weather", WEEK]).stdout), csv);
}

#[test]
fn weather_file_is_written_whole_and_replaced_only_with_force_and_only_if_vppsim_wrote_it() {
    let out = temp_dir("weather-file");
    let file = out.join("week.csv");
    let path = file.to_str().unwrap();
    let o = vppsim(&["weather", WEEK, "--out", path]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let first = std::fs::read(&file).unwrap();
    assert!(first.starts_with(b"timestamp,ghi"));
    // A weather table vppsim wrote is replaced with --force only.
    let refused = vppsim(&["weather", WEEK, "--out", path]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(text(&refused.stderr).contains("--force"));
    let forced = vppsim(&["weather", WEEK, "--out", path, "--force"]);
    assert!(forced.status.success(), "{}", text(&forced.stderr));
    assert_eq!(std::fs::read(&file).unwrap(), first);
    // Any other file is never replaced, not even with --force.
    std::fs::write(&file, "keep me").unwrap();
    let refused = vppsim(&["weather", WEEK, "--out", path, "--force"]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(text(&refused.stderr).contains("not a weather table vppsim wrote"));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "keep me");
    // Nothing but the file itself is left in the folder (no temporary file).
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), 1);
}

#[test]
fn a_scenario_without_weather_is_bad_input() {
    let o = vppsim(&["weather", "scenarios/small-site.toml"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("has no weather"),
        "{}",
        text(&o.stderr)
    );
    assert!(o.stdout.is_empty());
    assert!(root().join("scenarios/small-site.toml").exists());
}
