//! Resolution of the weather: a CSV file (GHI split by BRL where DNI and DHI are not
//! given), an EPW file, or the synthetic generator calibrated to a climate file. Like the
//! rest of `resolve`, every problem is recorded and checking goes on. Weather that comes
//! from far from the site (the synthetic climate is Xining's; an EPW file names its
//! station) or an EPW file in another time zone than the scenario's is warned of.

use std::ops::Range;
use std::path::Path;

use toml::Spanned;

use super::file;
use super::resolve::stream;
use super::values::{Checker, ColumnRef};
use crate::diagnostic::{Location, Problem};
use crate::solar::climate::MonthClimate;
use crate::solar::daily_sky::DailySky;
use crate::solar::decomposition::brl;
use crate::solar::epw::{self, Epw, EpwError};
use crate::solar::spa::Site;
use crate::solar::station::Station;
use crate::solar::weather::{Weather, sun_steps, synthetic};
use crate::time::TimeGrid;

pub fn weather(
    c: &mut Checker,
    w: &Spanned<file::WeatherTable>,
    site: Option<&Site>,
    time: &TimeGrid,
    seed: u64,
) -> Option<Weather> {
    let hint = "give [weather] one of file = { ... }, epw = { file = \"....epw\" } or synthetic = { climate = \"...\" }";
    let table = w.get_ref();
    match (&table.file, &table.epw, &table.synthetic) {
        (Some(f), None, None) => weather_file(c, f, site, time),
        (None, Some(e), None) => weather_epw(c, e, site, time),
        (None, None, Some(s)) => {
            let Some(site) = site else {
                c.report(
                    "missing-key",
                    "synthetic weather needs a [site] with latitude, longitude and elevation"
                        .into(),
                    w.span(),
                    "add [site]",
                );
                return None;
            };
            let spec = s.get_ref();
            let station = match &spec.station {
                Some(st) => super::location::station(c, st),
                None => Some(Station::xining()),
            };
            let climate = climate(c, &spec.climate);
            let annual = match &spec.annual {
                Some(path) => Some(annual_sd(c, path)?),
                None => None,
            };
            let climate = climate?;
            let sky = match DailySky::new(&climate, annual) {
                Ok(sky) => sky,
                Err(e) => {
                    c.report(
                        "climate-statistics",
                        format!("weather climate {}: {e}", spec.climate.get_ref()),
                        spec.climate.span(),
                        "the kc quantiles must increase with p, and share_overcast and 1 − share_clear must fall where kc crosses 0.55 and 0.80",
                    );
                    return None;
                }
            };
            if let Some(why) = station?.too_far(site) {
                c.warn(
                    "weather-far",
                    format!("synthetic weather: {why}; the synthetic climate is calibrated on that station's record"),
                    s.span(),
                    "give an EPW file for your site: [weather] epw = { file = \"....epw\" } (typical years for most places: climate.onebuilding.org, PVGIS, energyplus.net), or a weather CSV with file = { ... }; a climate file of your own says where it was observed with station = { name, latitude, longitude, elevation }",
                );
            }
            Some(synthetic(
                time,
                site,
                &climate,
                &sky,
                stream(seed, 1).next_u64(),
            ))
        }
        _ => {
            c.report(
                "weather-source",
                "weather needs exactly one of file, epw and synthetic".into(),
                w.span(),
                hint,
            );
            None
        }
    }
}

/// Most problems of one EPW file listed one by one; the rest are counted.
const EPW_PROBLEMS_LISTED: usize = 20;

/// Weather from an EPW file: parsed, checked against the site's place and the scenario's
/// time zone, and placed on the grid (see `solar::epw_grid`).
fn weather_epw(
    c: &mut Checker,
    e: &Spanned<file::EpwWeatherTable>,
    site: Option<&Site>,
    time: &TimeGrid,
) -> Option<Weather> {
    let table = e.get_ref();
    let rows_zone = table.time_zone.as_ref().map(|raw| {
        c.number_in(
            raw,
            "weather.epw.time_zone",
            -12.0,
            14.0,
            "hours east of UTC of the file's rows, e.g. 0 for a PVGIS file",
        )
    });
    let (path, text) = c.text_file(table.file.get_ref(), table.file.span(), "weather epw")?;
    let mut parsed = match epw::parse(&text) {
        Ok(parsed) => parsed,
        Err(errors) => {
            epw_problems(c, &path, &text, &errors);
            return None;
        }
    };
    match rows_zone {
        // The rows' zone stated in the scenario: the file's LOCATION line is not relied on.
        Some(hours) => parsed.location.time_zone_hours = hours?,
        None => epw_time_zone_warning(c, &parsed, time, e.span()),
    }
    epw_far_warning(c, &parsed, site, e.span());
    Some(parsed.weather(time))
}

/// The problems of an EPW file, located by line (and field, where one is concerned).
fn epw_problems(c: &mut Checker, path: &Path, text: &str, errors: &[EpwError]) {
    let hint = "an EPW data row is year,month,day,hour,minute,flags and 29 values; vppsim reads fields 7 (°C), 14–16 (Wh/m²) and 22 (m/s) and fills nothing: correct the row, or take a complete file for the site";
    for err in errors.iter().take(EPW_PROBLEMS_LISTED) {
        let location = match (err.line, err.field) {
            (0, _) => Location::File(path.to_path_buf()),
            (line, Some(field)) => Location::Csv {
                file: path.to_path_buf(),
                row: line,
                column: epw::field_name(field),
            },
            (line, None) => Location::in_text(path, text, line_span(text, line)),
        };
        let message = format!("weather epw: line {}: {}", err.line, err.message);
        let message = if err.line == 0 {
            format!("weather epw: {}", err.message)
        } else {
            message
        };
        c.problems
            .push(Problem::new("epw-value", message, location).hint(hint));
    }
    if errors.len() > EPW_PROBLEMS_LISTED {
        c.problems.push(Problem::new(
            "epw-value",
            format!(
                "weather epw: {} more problems in this file",
                errors.len() - EPW_PROBLEMS_LISTED
            ),
            Location::File(path.to_path_buf()),
        ));
    }
}

/// Byte span of line `line` (1-based) of `text`.
fn line_span(text: &str, line: usize) -> Range<usize> {
    let start: usize = text
        .split_inclusive('\n')
        .take(line - 1)
        .map(str::len)
        .sum();
    start..start + text[start..].find('\n').unwrap_or(text.len() - start)
}

/// Warns when the EPW file's station is far from the site.
fn epw_far_warning(c: &mut Checker, parsed: &Epw, site: Option<&Site>, span: Range<usize>) {
    let l = &parsed.location;
    // Files from PVGIS and others say `unknown` (or `-`) where they have no name.
    let known = |field: &str| !matches!(field.trim(), "" | "-" | "unknown");
    let mut name = String::from("EPW station");
    for part in [&l.city, &l.country].into_iter().filter(|f| known(f)) {
        name.push(' ');
        name.push_str(part.trim());
    }
    if known(&l.wmo) {
        name.push_str(&format!(", WMO {}", l.wmo.trim()));
    }
    let station = Station {
        name,
        latitude: l.latitude,
        longitude: l.longitude,
        elevation: l.elevation,
    };
    if let Some(why) = site.and_then(|s| station.too_far(s)) {
        c.warn(
            "weather-far",
            format!("weather epw: {why}"),
            span,
            "give an EPW file for a station near your site (typical years for most places: climate.onebuilding.org, PVGIS, energyplus.net)",
        );
    }
}

/// Warns when the time zone of the EPW file's LOCATION line is not the scenario's.
fn epw_time_zone_warning(c: &mut Checker, parsed: &Epw, time: &TimeGrid, span: Range<usize>) {
    let file_offset = (parsed.location.time_zone_hours * 3600.0).round() as i32;
    let scenario_offset = time.start.offset().local_minus_utc();
    if file_offset != scenario_offset {
        c.warn(
            "weather-time-zone",
            format!(
                "weather epw: the file's hours are in UTC{} standard time, the scenario's time.start in UTC{}; the file's hours are placed by the instant they stand for, so its days start {} h from the scenario's",
                hours(file_offset),
                hours(scenario_offset),
                hours(scenario_offset - file_offset).trim_start_matches('+'),
            ),
            span,
            "if the file is for your site, write time.start in the site's standard time (or, if its rows are in another zone than its LOCATION line says, as PVGIS's are in UTC, give it: epw = { file, time_zone = 0 }); otherwise take an EPW file for your site",
        );
    }
}

/// A UTC offset in seconds as signed hours, e.g. `+1`, `-5`, `+5.5`.
fn hours(seconds: i32) -> String {
    format!("{:+}", f64::from(seconds) / 3600.0)
}

fn weather_file(
    c: &mut Checker,
    f: &Spanned<file::WeatherFileTable>,
    site: Option<&Site>,
    time: &TimeGrid,
) -> Option<Weather> {
    let spec = f.get_ref();
    // Irradiance (W/m²), temperature (°C) and wind (m/s) have fixed units: no scaling.
    let mut column = |name: &str| {
        let at = ColumnRef {
            file: spec.file.get_ref(),
            column: name,
            time_column: spec.time_column.as_deref(),
        };
        c.csv_column(at, 1.0, f.span(), &format!("weather column '{name}'"), time)
    };
    let ghi = column(&spec.ghi);
    let temp = column(&spec.temperature);
    let wind = column(&spec.wind);
    let (dni, dhi) = match (&spec.dni, &spec.dhi) {
        (Some(a), Some(b)) => (Some(column(a)?), Some(column(b)?)),
        (None, None) => (None, None),
        _ => {
            c.report(
                "weather-source",
                "give both dni and dhi columns, or neither (then the BRL decomposition is used)"
                    .into(),
                f.span(),
                "",
            );
            return None;
        }
    };
    let ghi = ghi?;
    let (dni, dhi) = match (dni, dhi, site) {
        (Some(dni), Some(dhi), _) => (dni, dhi),
        (_, _, Some(site)) => decompose(&ghi, site, time),
        _ => {
            c.report(
                "missing-key",
                "splitting GHI into DNI and DHI needs the sun's position: add [site]".into(),
                f.span(),
                "add [site], or give dni and dhi columns",
            );
            return None;
        }
    };
    Some(Weather {
        ghi,
        dni,
        dhi,
        temp_air: temp?,
        wind: wind?,
        synthetic: false,
    })
}

/// DNI and DHI from GHI by the BRL decomposition, the sun at the middle of each step.
fn decompose(ghi: &[f64], site: &Site, time: &TimeGrid) -> (Vec<f64>, Vec<f64>) {
    brl(ghi, &sun_steps(time, site))
}

/// Columns of the climate CSV: the observed daily-sky statistics (named as in
/// data/solar/xining_52866_daily_kc_stats.csv), then the site's turbidity and weather normals.
const CLIMATE_COLUMNS: [&str; 21] = [
    "kc_p05",
    "kc_p10",
    "kc_p20",
    "kc_p30",
    "kc_p40",
    "kc_p50",
    "kc_p60",
    "kc_p70",
    "kc_p80",
    "kc_p90",
    "kc_p95",
    "kc_p98",
    "share_clear",
    "share_overcast",
    "kc_lag1",
    "ghi_clearsky_kwh_m2_day",
    "linke_turbidity",
    "temp_mean_c",
    "temp_half_range_c",
    "wind_ms",
    "month",
];

/// Monthly climate statistics from a CSV with one row per month (January first).
fn climate(c: &mut Checker, path: &Spanned<String>) -> Option<[MonthClimate; 12]> {
    let file = c.csv_file(path.get_ref(), path.span(), "weather climate")?;
    let table = c.csv.get(&file).ok()?;
    let mut columns = Vec::new();
    let mut problems = Vec::new();
    for name in CLIMATE_COLUMNS {
        match table.numbers(name) {
            Ok(v) if v.len() == 12 => columns.push(v),
            Ok(v) => problems.push(Problem::new(
                "csv-length",
                format!("climate file has {} rows, one per month is needed", v.len()),
                Location::File(file.clone()),
            )),
            Err(ps) => problems.extend(ps.into_iter().map(|p| {
                if p.code == "csv-column-missing" {
                    let message = format!("weather climate: {} ({})", p.message, meaning(name));
                    Problem { message, ..p }.hint(format!(
                        "add column '{name}' with one value per month; the daily clear-sky statistics are columns of the same name in data/solar/xining_52866_daily_kc_stats.csv, and data/solar/xining_climate.csv shows the whole format"
                    ))
                } else {
                    p
                }
            })),
        }
    }
    if !problems.is_empty() {
        c.problems.extend(problems);
        return None;
    }
    let months: Vec<f64> = (1..=12).map(f64::from).collect();
    if columns[20] != months {
        c.report(
            "climate-statistics",
            format!(
                "weather climate {}: the months must be 1 to 12 in order",
                path.get_ref()
            ),
            path.span(),
            "one row per calendar month, January first",
        );
        return None;
    }
    let bad = (0..12).find(|&m| {
        let fractions = [columns[12][m], columns[13][m], columns[14][m].abs()];
        fractions.iter().any(|f| !(0.0..=1.0).contains(f))
            || columns[12][m] + columns[13][m] > 1.0
            || columns[..12].iter().any(|q| q[m] < 0.0)
            || columns[15][m] <= 0.0
            || columns[16][m] < 1.0
    });
    if let Some(m) = bad {
        c.report(
            "climate-statistics",
            format!(
                "weather climate {}: month {} has a value out of range",
                path.get_ref(),
                m + 1
            ),
            path.span(),
            "shares and kc_lag1 lie in 0..1 (the shares summing to at most 1), kc quantiles are non-negative, the clear-sky sum is positive and the Linke turbidity at least 1",
        );
        return None;
    }
    Some(std::array::from_fn(|m| MonthClimate {
        kc_quantiles: std::array::from_fn(|i| columns[i][m]),
        share_clear: columns[12][m],
        share_overcast: columns[13][m],
        kc_lag1: columns[14][m],
        ghi_clearsky_kwh_m2_day: columns[15][m],
        linke_turbidity: columns[16][m],
        temp_mean_c: columns[17][m],
        temp_half_range_c: columns[18][m],
        wind_ms: columns[19][m],
    }))
}

/// What a climate column holds, for the message when it is missing.
fn meaning(column: &str) -> String {
    match column {
        "share_clear" => "share of days with daily clear-sky index kc ≥ 0.80".into(),
        "share_overcast" => "share of days with kc < 0.55".into(),
        "kc_lag1" => "lag-1 autocorrelation of daily kc within the month".into(),
        "ghi_clearsky_kwh_m2_day" => "mean daily clear-sky GHI, kWh/m²".into(),
        "linke_turbidity" => "monthly Linke turbidity".into(),
        "temp_mean_c" | "temp_half_range_c" | "wind_ms" => "monthly weather normal".into(),
        "month" => "calendar month, 1–12".into(),
        q => {
            let p = q.trim_start_matches("kc_p").trim_start_matches('0');
            format!("the {p}th percentile of daily kc")
        }
    }
}

/// The observed standard deviation of annual GHI (kWh/m²): column `ghi_sd_detrended_kwh_m2`
/// of a one-row CSV (data/solar/xining_52866_annual_stats.csv).
fn annual_sd(c: &mut Checker, path: &Spanned<String>) -> Option<f64> {
    let file = c.csv_file(path.get_ref(), path.span(), "weather annual statistics")?;
    let table = c.csv.get(&file).ok()?;
    match table.numbers("ghi_sd_detrended_kwh_m2") {
        Ok(v) if v.len() == 1 && v[0] > 0.0 => Some(v[0]),
        Ok(_) => {
            c.report(
                "climate-statistics",
                format!(
                    "weather annual statistics {}: need one row with a positive ghi_sd_detrended_kwh_m2",
                    path.get_ref()
                ),
                path.span(),
                "the standard deviation of annual GHI (kWh/m²) over the observed years, trend removed",
            );
            None
        }
        Err(ps) => {
            c.problems.extend(ps);
            None
        }
    }
}
