//! EPW weather end to end: the shipped PVGIS typical year of a Piedmont site (45 N, 8 E) through
//! `vppsim run` and `vppsim weather`, checked against independent estimates and hand
//! calculations; its rows in UTC placed by `time_zone = 0`; the warnings for weather from
//! far away or another time zone.

use crate::support::{read_json, root, run_into, temp_dir, text, vppsim};

const SCENARIO: &str = "scenarios/piedmont-epw.toml";

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
fn a_year_on_the_shipped_epw_yields_what_its_plane_of_array_irradiation_predicts() {
    let (header, rows) = weather_table(SCENARIO);
    assert!(header.ends_with("pv.poa [W/m2]"), "{header}");
    assert_eq!(rows.len(), 8760);
    // GHI is the file's: field 14 summed over the 8,760 rows with awk is 1,435,861 Wh/m².
    let ghi: f64 = rows.iter().map(|r| r.1[0]).sum();
    assert!((ghi - 1_435_861.0).abs() < 0.01, "{ghi}");
    let poa_kwh_m2: f64 = rows.iter().map(|r| r.1[5]).sum::<f64>() / 1000.0;
    // A 35° south plane at 45° N gains 10–25 % over the horizontal in a typical year (the
    // more of the light is direct, the more; PVGIS gives about 1.2 for sunny northern Italy).
    let gain = poa_kwh_m2 / (ghi / 1000.0);
    assert!((1.10..1.25).contains(&gain), "{gain}");

    let out = temp_dir("epw-year");
    run_into(SCENARIO, &out, &["--no-plots"]);
    let kpis = &read_json(&out.join("summary.json"))["kpis"];
    let pv_mwh = kpis["pv_generation_mwh"].as_f64().unwrap();
    // Independent estimate (PVWatts-style, no incidence-angle or temperature effects):
    // plane irradiation × 1 MWp / 1 kW/m² × (1 − 0.14 losses) × 0.97 inverter.
    let estimate = poa_kwh_m2 * 1.0 * (1.0 - 0.14) * 0.97;
    let ratio = pv_mwh / estimate;
    // Incidence-angle losses cost 2–5 %; warm cells in an Italian summer 2–6 % over the
    // year; clipping at 0.85 MW AC is rare (1 kW/m² on 1 MWp gives 0.83 MW after losses).
    assert!(
        (0.89..1.00).contains(&ratio),
        "PV {pv_mwh:.1} MWh vs estimate {estimate:.1} MWh ({ratio:.3})"
    );
    // Well-oriented PV in the north Italian plain yields 1,200–1,500 kWh/kWp a year.
    assert!((1200.0..1500.0).contains(&pv_mwh), "{pv_mwh} kWh/kWp");

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
    // 2025-06-27 13:00–14:00 +02:00 (summer time in Europe/Rome) is 11:00–12:00 UTC, the
    // file's 06/27 hour 12 since its rows are in UTC (line 4,268: GHI 933, DNI 821.13,
    // DHI 172 Wh/m²; read as UTC+1, as its LOCATION line says, it would be hour 13's
    // 792/464.08/368 of line 4,269... not these); the sun at its middle, 11:30 UTC, day 178.
    let (t, r) = rows
        .iter()
        .find(|r| r.0 == "2025-06-27T13:00:00+02:00")
        .unwrap();
    assert_eq!((r[0], r[2]), (933.0, 172.0), "{t}");
    assert!((r[1] - 821.13).abs() < 0.005, "{t}: DNI {}", r[1]);
    let (zenith, azimuth) = noaa_sun(178.0, 11.5, 45.0, 8.0);
    let (b, z) = (35f64.to_radians(), zenith.to_radians());
    let cos_aoi = z.cos() * b.cos() + z.sin() * b.sin() * (azimuth - 180.0).to_radians().cos();
    let poa = 821.13 * cos_aoi.max(0.0)
        + 172.0 * (1.0 + b.cos()) / 2.0
        + 933.0 * 0.2 * (1.0 - b.cos()) / 2.0;
    // By hand: zenith 21.63°, azimuth 179.6°, cos θ 0.9729, POA 972.2 W/m².
    assert!((poa - 972.2).abs() < 0.1, "{poa}");
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
    // The shipped EPW at its own site: no warning (its rows' zone is given).
    let shipped = std::fs::read_to_string(root().join(SCENARIO))
        .unwrap()
        .replace("../data/", &format!("{}/data/", root().display()));
    assert!(!validate_text("epw-home", &shipped).contains("warning"));
    // The same file for a site in Berlin (925 km by the haversine formula on a 6,371 km
    // sphere), with the scenario in UTC+8 and the file's LOCATION line trusted for its zone.
    let elsewhere = shipped
        .replace("latitude = 45.0", "latitude = 52.52")
        .replace("longitude = 8.0", "longitude = 13.40")
        .replace("timezone = \"Europe/Rome\"\n", "")
        .replace(", time_zone = 0", "")
        .replace("+01:00", "+08:00");
    let warned = validate_text("epw-elsewhere", &elsewhere);
    assert!(
        warned.contains("is 925 km from EPW station (45.00 N, 8.00 E, 250 m)"),
        "{warned}"
    );
    assert!(warned.contains("warning[weather-time-zone]"), "{warned}");
    assert!(
        warned.contains("UTC+1 standard time, the scenario's time.start in UTC+8"),
        "{warned}"
    );
}
