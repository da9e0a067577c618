//! EPW weather end to end: the Amsterdam IWEC year through `vppsim run` and `vppsim
//! weather`, checked against independent estimates; the warnings for weather from far away
//! or another time zone.

use crate::support::{read_json, root, run_into, temp_dir, text, vppsim};

const SCENARIO: &str = "scenarios/amsterdam-epw.toml";

/// The `vppsim weather` table of `scenario` as (header, rows of numbers after the timestamp).
fn weather_table(scenario: &str) -> (String, Vec<(String, Vec<f64>)>) {
    let o = vppsim(&["weather", scenario]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let csv = text(&o.stdout);
    let mut lines = csv.lines();
    let header = lines.next().unwrap().to_string();
    let rows = lines
        .map(|l| {
            let mut cells = l.split(',');
            let t = cells.next().unwrap().to_string();
            (t, cells.map(|x| x.parse().unwrap()).collect())
        })
        .collect();
    (header, rows)
}

#[test]
fn a_year_on_the_amsterdam_epw_yields_what_its_plane_of_array_irradiation_predicts() {
    let (header, rows) = weather_table(SCENARIO);
    assert!(header.ends_with("pv.poa [W/m2]"), "{header}");
    assert_eq!(rows.len(), 8760);
    // GHI is the file's: field 14 summed over the 8,760 rows with awk is 982,481 Wh/m².
    let ghi: f64 = rows.iter().map(|r| r.1[0]).sum();
    assert!((ghi - 982_481.0).abs() < 0.01, "{ghi}");
    let poa_kwh_m2: f64 = rows.iter().map(|r| r.1[5]).sum::<f64>() / 1000.0;
    // A 35° south plane at 52° N gains 10–20 % over the horizontal in a typical year.
    let gain = poa_kwh_m2 / (ghi / 1000.0);
    assert!((1.10..1.20).contains(&gain), "{gain}");

    let out = temp_dir("epw-year");
    run_into(SCENARIO, &out, &["--no-plots"]);
    let kpis = &read_json(&out.join("summary.json"))["kpis"];
    let pv_mwh = kpis["pv_generation_mwh"].as_f64().unwrap();
    // Independent estimate (PVWatts-style, no incidence-angle or temperature effects):
    // plane irradiation × 1 MWp / 1 kW/m² × (1 − 0.14 losses) × 0.97 inverter.
    let estimate = poa_kwh_m2 * 1.0 * (1.0 - 0.14) * 0.97;
    let ratio = pv_mwh / estimate;
    // Incidence-angle losses cost 2–5 %; cool Dutch cells gain 0–3 %; clipping at 0.85 MW
    // AC is rare here.
    assert!(
        (0.94..1.03).contains(&ratio),
        "PV {pv_mwh:.1} MWh vs estimate {estimate:.1} MWh ({ratio:.3})"
    );
    // Dutch rooftop PV yields 800–1,000 kWh/kWp a year.
    assert!((800.0..1000.0).contains(&pv_mwh), "{pv_mwh} kWh/kWp");

    // timeseries.csv carries the weather beside the powers: the same GHI, temperature and
    // plane-of-array irradiance as `vppsim weather`.
    let csv = std::fs::read_to_string(out.join("timeseries.csv")).unwrap();
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let at = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let (g, temp, poa) = (
        at("site.ghi [W/m2]"),
        at("site.temperature [degC]"),
        at("pv.poa [W/m2]"),
    );
    for (line, (_, w)) in lines.zip(&rows) {
        let cells: Vec<f64> = line
            .split(',')
            .skip(1)
            .map(|x| x.parse().unwrap())
            .collect();
        assert_eq!(
            (cells[g - 1], cells[temp - 1], cells[poa - 1]),
            (w[0], w[3], w[5])
        );
    }
}

/// Sun position by NOAA's general solar position equations (fractional-year series of
/// Spencer 1971), independent of the SPA vppsim uses: (zenith, azimuth) in degrees.
fn noaa_sun(day_of_year: f64, utc_hours: f64, lat: f64, lon: f64) -> (f64, f64) {
    let g = 2.0 * std::f64::consts::PI / 365.0 * (day_of_year - 1.0 + (utc_hours - 12.0) / 24.0);
    let decl = 0.006918 - 0.399912 * g.cos() + 0.070257 * g.sin() - 0.006758 * (2.0 * g).cos()
        + 0.000907 * (2.0 * g).sin()
        - 0.002697 * (3.0 * g).cos()
        + 0.00148 * (3.0 * g).sin();
    let eqtime = 229.18
        * (0.000075 + 0.001868 * g.cos()
            - 0.032077 * g.sin()
            - 0.014615 * (2.0 * g).cos()
            - 0.040849 * (2.0 * g).sin());
    let ha = ((utc_hours * 60.0 + eqtime + 4.0 * lon) / 4.0 - 180.0).to_radians();
    let phi = lat.to_radians();
    let cos_z = phi.sin() * decl.sin() + phi.cos() * decl.cos() * ha.cos();
    let azimuth = ha
        .sin()
        .atan2(ha.cos() * phi.sin() - decl.tan() * phi.cos())
        .to_degrees()
        + 180.0;
    (cos_z.acos().to_degrees(), azimuth)
}

#[test]
fn plane_of_array_matches_the_isotropic_model_by_hand_for_a_clear_hour() {
    // The scenario with isotropic transposition, the EPW path made absolute.
    let dir = temp_dir("epw-isotropic");
    let source = std::fs::read_to_string(root().join(SCENARIO))
        .unwrap()
        .replace("transposition = \"perez\"", "transposition = \"isotropic\"")
        .replace(
            "../data/weather/",
            &format!("{}/data/weather/", root().display()),
        );
    let file = dir.join("iso.toml");
    std::fs::write(&file, source).unwrap();
    let (_, rows) = weather_table(file.to_str().unwrap());
    // 2025-06-07 12:00–13:00 +01:00 is the file's 06/07 hour 13 (line 3,789:
    // GHI 856, DNI 847, DHI 119 Wh/m²); the sun at its middle, 11:30 UTC, day 158.
    let (t, r) = rows
        .iter()
        .find(|r| r.0 == "2025-06-07T12:00:00+01:00")
        .unwrap();
    assert_eq!((r[0], r[1], r[2]), (856.0, 847.0, 119.0), "{t}");
    let (zenith, azimuth) = noaa_sun(158.0, 11.5, 52.30, 4.77);
    let (b, z) = (35f64.to_radians(), zenith.to_radians());
    let cos_aoi = z.cos() * b.cos() + z.sin() * b.sin() * (azimuth - 180.0).to_radians().cos();
    let poa = 847.0 * cos_aoi.max(0.0)
        + 119.0 * (1.0 + b.cos()) / 2.0
        + 856.0 * 0.2 * (1.0 - b.cos()) / 2.0;
    // By hand: zenith 29.67°, azimuth 175.6°, cos θ 0.9949, POA 966.4 W/m² (vppsim: 966.1).
    assert!((poa - 966.4).abs() < 0.1, "{poa}");
    assert!(
        (r[5] - poa).abs() < 0.005 * poa,
        "vppsim {} W/m² vs by hand {poa:.1}",
        r[5]
    );
}

/// `vppsim validate` of `scenario` text written into a temporary folder: its stderr.
fn validate_text(name: &str, scenario: &str) -> String {
    let dir = temp_dir(name);
    let file = dir.join(format!("{name}.toml"));
    std::fs::write(&file, scenario).unwrap();
    let o = vppsim(&["validate", file.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    text(&o.stderr)
}

#[test]
fn weather_from_far_away_or_another_time_zone_is_warned_of() {
    let park = std::fs::read_to_string(root().join("scenarios/xining-park-week.toml"))
        .unwrap()
        .replace("../data/", &format!("{}/data/", root().display()));
    // The park on its own synthetic climate: nothing to warn of.
    let home = validate_text("epw-near", &park);
    assert!(!home.contains("weather-far"), "{home}");
    // The same synthetic Xining climate for a site in Berlin.
    let berlin = park
        .replace("latitude = 36.62", "latitude = 52.52")
        .replace("longitude = 101.78", "longitude = 13.40")
        .replace("elevation = \"2275 m\"", "elevation = \"34 m\"");
    let warned = validate_text("epw-berlin", &berlin);
    assert!(warned.contains("warning[weather-far]"), "{warned}");
    assert!(
        warned.contains("(52.52 N, 13.40 E, 34 m) is 6766 km from Xining station 52866 (36.62 N, 101.78 E, 2275 m)"),
        "{warned}"
    );
    assert!(
        warned.contains("give an EPW file for your site"),
        "{warned}"
    );
    // A climate file said to be observed in Berlin is not warned of there.
    let own = berlin.replace(
        "annual_stats.csv\" }",
        "annual_stats.csv\", station = { name = \"Berlin\", latitude = 52.47, longitude = 13.40, elevation = \"48 m\" } }",
    );
    assert!(own.contains("station = {"));
    let quiet = validate_text("epw-own-station", &own);
    assert!(!quiet.contains("weather-far"), "{quiet}");
    // The Amsterdam EPW for a site in Berlin (586 km), with the scenario in UTC+8.
    let amsterdam = std::fs::read_to_string(root().join(SCENARIO))
        .unwrap()
        .replace("../data/", &format!("{}/data/", root().display()));
    assert!(!validate_text("epw-home", &amsterdam).contains("warning"));
    let elsewhere = amsterdam
        .replace("latitude = 52.30", "latitude = 52.52")
        .replace("longitude = 4.77", "longitude = 13.40")
        .replace("+01:00", "+08:00");
    let warned = validate_text("epw-elsewhere", &elsewhere);
    assert!(
        warned.contains(
            "is 586 km from EPW station AMSTERDAM NLD, WMO 062400 (52.30 N, 4.77 E, -2 m)"
        ),
        "{warned}"
    );
    assert!(warned.contains("warning[weather-time-zone]"), "{warned}");
    assert!(
        warned.contains("UTC+1 standard time, the scenario's time.start in UTC+8"),
        "{warned}"
    );
}
