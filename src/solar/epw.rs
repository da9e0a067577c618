//! EnergyPlus weather files (EPW): the hourly typical-year format building and PV planners
//! already have (TMY, IWEC, PVGIS, climate.onebuilding.org).
//!
//! Format (EnergyPlus *Auxiliary Programs*, "Weather Converter Program", §2.9): eight header
//! lines, the first `LOCATION,city,state,country,source,WMO,latitude,longitude,time zone
//! (hours from UTC, standard time),elevation (m)` and the eighth `DATA PERIODS,n,records per
//! hour,…`; then one comma-separated row per hour, 8,760 (or 8,784 with February 29) of
//! them. vppsim reads fields 1–4 (year, month, day, hour) and, counting from 1:
//!
//! | field | what | unit | missing |
//! |---|---|---|---|
//! | 7 | dry-bulb air temperature at the hour's end | °C | 99.9 |
//! | 14 | global horizontal irradiation over the hour | Wh/m² | 9999 |
//! | 15 | direct normal irradiation over the hour | Wh/m² | 9999 |
//! | 16 | diffuse horizontal irradiation over the hour | Wh/m² | 9999 |
//! | 22 | wind speed at the hour's end | m/s | 999 |
//!
//! Hour `h` (1–24) is the hour *ending* at `h`:00 local **standard** time (the LOCATION
//! line's UTC offset; EPW files never carry daylight saving time). Irradiation in Wh/m² over
//! that hour is its mean irradiance in W/m² over `[h−1, h)`; temperature and wind are
//! readings at the instant `h`. This is pvlib's reading (`pvlib.iotools.read_epw` labels the
//! row `h−1`:00, the start of the interval the irradiance covers, its temperature with it).
//! A missing-value code, a value outside EnergyPlus's documented range (temperature
//! −70…70 °C, wind 0…40 m/s) or above the solar constant, a malformed or short row, a
//! duplicate or absent hour is an error naming the line; nothing is filled.
//!
//! The rows of a typical year come from different years, so they are kept by calendar
//! date and hour, not by year; [`Epw::weather`](super::epw_grid) places them on any
//! scenario year.

use chrono::{Datelike, NaiveDate};

/// The file's LOCATION line.
#[derive(Debug, Clone, PartialEq)]
pub struct EpwLocation {
    pub city: String,
    pub country: String,
    /// Data source, e.g. `IWEC Data`, `TMY3`.
    pub source: String,
    /// WMO station number.
    pub wmo: String,
    /// Degrees north.
    pub latitude: f64,
    /// Degrees east.
    pub longitude: f64,
    /// Local standard time of the rows, hours east of UTC (e.g. 1.0, 5.5, −5.0).
    pub time_zone_hours: f64,
    /// Metres above sea level.
    pub elevation: f64,
}

/// One hour of an EPW file, as read.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct EpwHour {
    /// Dry-bulb air temperature at the hour's end (°C).
    pub temperature: f64,
    /// Mean global horizontal, direct normal and diffuse horizontal irradiance over the
    /// hour (W/m², numerically the file's Wh/m²).
    pub ghi: f64,
    pub dni: f64,
    pub dhi: f64,
    /// Wind speed at the hour's end (m/s).
    pub wind: f64,
}

/// A parsed EPW file: its location and one [`EpwHour`] per hour of a leap-year calendar.
#[derive(Debug, Clone, PartialEq)]
pub struct Epw {
    pub location: EpwLocation,
    /// 366 × 24 hours, January 1 hour 1 first; slot `day·24 + h − 1` holds hour `h` of day
    /// `day` of a leap year (February 29 is day 59).
    hours: Vec<EpwHour>,
    /// Whether the file has February 29; without it, February 28 stands in for it.
    pub has_leap_day: bool,
}

/// A problem in an EPW file: its line (1-based; 0 for the file as a whole), the field
/// concerned if any (1-based) and what is wrong.
#[derive(Debug, Clone, PartialEq)]
pub struct EpwError {
    pub line: usize,
    pub field: Option<usize>,
    pub message: String,
}

/// A field vppsim reads from each data row.
struct Field {
    /// Index from 0.
    index: usize,
    name: &'static str,
    unit: &'static str,
    /// This value or more marks a missing reading.
    missing: f64,
    range: (f64, f64),
}

/// Hourly irradiation above this (Wh/m²) exceeds the extraterrestrial irradiance, 1,412 W/m²
/// at perihelion: impossible.
const MAX_IRRADIANCE: f64 = 1_420.0;

const FIELDS: [Field; 5] = [
    Field {
        index: 6,
        name: "dry-bulb temperature",
        unit: "°C",
        missing: 99.9,
        range: (-70.0, 70.0),
    },
    Field {
        index: 13,
        name: "global horizontal irradiation",
        unit: "Wh/m²",
        missing: 9999.0,
        range: (0.0, MAX_IRRADIANCE),
    },
    Field {
        index: 14,
        name: "direct normal irradiation",
        unit: "Wh/m²",
        missing: 9999.0,
        range: (0.0, MAX_IRRADIANCE),
    },
    Field {
        index: 15,
        name: "diffuse horizontal irradiation",
        unit: "Wh/m²",
        missing: 9999.0,
        range: (0.0, MAX_IRRADIANCE),
    },
    Field {
        index: 21,
        name: "wind speed",
        unit: "m/s",
        missing: 999.0,
        range: (0.0, 40.0),
    },
];

/// Fields a data row needs at least (up to the wind speed).
const MIN_FIELDS: usize = 22;

/// Number of header lines before the first data row.
const HEADER_LINES: usize = 8;

/// Name of field `field` (1-based) for messages.
pub fn field_name(field: usize) -> String {
    match field {
        1 => "field 1 (year)".into(),
        2 => "field 2 (month)".into(),
        3 => "field 3 (day)".into(),
        4 => "field 4 (hour)".into(),
        f => match FIELDS.iter().find(|x| x.index + 1 == f) {
            Some(x) => format!("field {f} ({}, {})", x.name, x.unit),
            None => format!("field {f}"),
        },
    }
}

/// Parses the text of an EPW file; every problem is returned, in line order.
pub fn parse(text: &str) -> Result<Epw, Vec<EpwError>> {
    let mut errors = Vec::new();
    let lines: Vec<&str> = text.lines().map(|l| l.trim_end_matches('\r')).collect();
    let location = location(lines.first().copied().unwrap_or(""), &mut errors);
    match lines.get(HEADER_LINES - 1) {
        Some(l) if l.starts_with("DATA PERIODS") => {
            let per_hour = l.split(',').nth(2).map(str::trim);
            if per_hour != Some("1") {
                errors.push(EpwError {
                    line: HEADER_LINES,
                    field: Some(3),
                    message: format!(
                        "DATA PERIODS gives {} records per hour; vppsim reads hourly EPW files (1 record per hour)",
                        per_hour.unwrap_or("no number of")
                    ),
                });
            }
        }
        _ => errors.push(EpwError {
            line: HEADER_LINES.min(lines.len().max(1)),
            field: None,
            message: format!(
                "line {HEADER_LINES} must be the DATA PERIODS header (an EPW file has {HEADER_LINES} header lines, LOCATION first)"
            ),
        }),
    }
    let mut hours = vec![EpwHour::default(); 366 * 24];
    let mut bad_rows = 0;
    let mut seen: Vec<Option<usize>> = vec![None; 366 * 24];
    for (i, line) in lines.iter().enumerate().skip(HEADER_LINES) {
        if line.trim().is_empty() {
            continue;
        }
        let before = errors.len();
        let read = row(line, i + 1, &mut errors);
        bad_rows += usize::from(errors.len() > before);
        if let Some((slot, hour)) = read {
            match seen[slot] {
                Some(first) => errors.push(EpwError {
                    line: i + 1,
                    field: Some(4),
                    message: format!(
                        "{} is given twice (first on line {first})",
                        describe_slot(slot)
                    ),
                }),
                None => {
                    seen[slot] = Some(i + 1);
                    hours[slot] = hour;
                }
            }
        }
    }
    let leap = 59 * 24..60 * 24;
    let has_leap_day = seen[leap.clone()].iter().any(Option::is_some);
    let missing: Vec<usize> = (0..366 * 24)
        .filter(|&s| seen[s].is_none() && (has_leap_day || !leap.contains(&s)))
        .collect();
    // Hours absent only because their rows were reported above are not reported again.
    if missing.len() > bad_rows {
        let rows = seen.iter().filter(|s| s.is_some()).count();
        errors.push(EpwError {
            line: 0,
            field: None,
            message: format!(
                "the file has {rows} readable hourly rows, {} hours short of a year (8,760 rows, or 8,784 with February 29){}; the first missing is {}",
                missing.len(),
                if bad_rows > 0 { ", counting the rows reported" } else { "" },
                describe_slot(missing[0])
            ),
        });
    }
    if !errors.is_empty() {
        // In line order; what concerns the file as a whole last.
        errors.sort_by_key(|e| if e.line == 0 { usize::MAX } else { e.line });
        return Err(errors);
    }
    if !has_leap_day {
        let feb28: Vec<EpwHour> = hours[58 * 24..59 * 24].to_vec();
        hours[leap].copy_from_slice(&feb28);
    }
    Ok(Epw {
        location: location.expect("no errors, so the location parsed"),
        hours,
        has_leap_day,
    })
}

impl Epw {
    /// The hour ending at `hour` (1–24) on `month`/`day`; February 29 is February 28's
    /// when the file has no leap day.
    pub fn hour(&self, month: u32, day: u32, hour: u32) -> Option<&EpwHour> {
        let date = NaiveDate::from_ymd_opt(2000, month, day)?;
        if !(1..=24).contains(&hour) {
            return None;
        }
        self.hours
            .get(date.ordinal0() as usize * 24 + hour as usize - 1)
    }
}

/// The LOCATION line (line 1).
fn location(line: &str, errors: &mut Vec<EpwError>) -> Option<EpwLocation> {
    let f: Vec<&str> = line.split(',').map(str::trim).collect();
    if f.first() != Some(&"LOCATION") || f.len() < 10 {
        errors.push(EpwError {
            line: 1,
            field: None,
            message: "line 1 must be LOCATION,city,state,country,source,WMO,latitude,longitude,time zone,elevation".into(),
        });
        return None;
    }
    let mut number = |i: usize, what: &str, lo: f64, hi: f64| {
        let v = f[i].parse::<f64>().ok().filter(|v| (lo..=hi).contains(v));
        if v.is_none() {
            errors.push(EpwError {
                line: 1,
                field: Some(i + 1),
                message: format!("LOCATION {what} '{}' is not a number in {lo}..{hi}", f[i]),
            });
        }
        v
    };
    let latitude = number(6, "latitude", -90.0, 90.0);
    let longitude = number(7, "longitude", -180.0, 180.0);
    let time_zone_hours = number(8, "time zone (hours from UTC)", -12.0, 14.0);
    let elevation = number(9, "elevation (m)", -1000.0, 9999.9);
    Some(EpwLocation {
        city: f[1].to_string(),
        country: f[3].to_string(),
        source: f[4].to_string(),
        wmo: f[5].to_string(),
        latitude: latitude?,
        longitude: longitude?,
        time_zone_hours: time_zone_hours?,
        elevation: elevation?,
    })
}

/// One data row: its slot in the leap-year calendar and its values.
fn row(line: &str, n: usize, errors: &mut Vec<EpwError>) -> Option<(usize, EpwHour)> {
    let f: Vec<&str> = line.split(',').map(str::trim).collect();
    if f.len() < MIN_FIELDS {
        errors.push(EpwError {
            line: n,
            field: None,
            message: format!(
                "data row has {} fields; an EPW data row has 35 (vppsim reads fields 1–4, 7, 14–16 and 22)",
                f.len()
            ),
        });
        return None;
    }
    let before = errors.len();
    let mut int = |i: usize, lo: u32, hi: u32| {
        let v = f[i].parse::<u32>().ok().filter(|v| (lo..=hi).contains(v));
        if v.is_none() {
            errors.push(EpwError {
                line: n,
                field: Some(i + 1),
                message: format!(
                    "{} is '{}', not a whole number in {lo}..{hi}",
                    field_name(i + 1),
                    f[i]
                ),
            });
        }
        v
    };
    let (month, day, hour) = (int(1, 1, 12), int(2, 1, 31), int(3, 1, 24));
    let mut values = [0.0; 5];
    for (k, field) in FIELDS.iter().enumerate() {
        let text = f[field.index];
        let problem = match text.parse::<f64>() {
            Err(_) => format!("is '{text}', not a number"),
            Ok(v) if v.is_finite() && v >= field.missing => {
                format!("is {text}, the code for a missing value; vppsim does not fill gaps")
            }
            Ok(v) if v.is_finite() && v >= field.range.0 && v <= field.range.1 => {
                values[k] = v;
                continue;
            }
            Ok(_) => format!(
                "is {text}, outside {}..{} {}",
                field.range.0, field.range.1, field.unit
            ),
        };
        errors.push(EpwError {
            line: n,
            field: Some(field.index + 1),
            message: format!("{} {problem}", field_name(field.index + 1)),
        });
    }
    let (month, day, hour) = (month?, day?, hour?);
    let Some(date) = NaiveDate::from_ymd_opt(2000, month, day) else {
        errors.push(EpwError {
            line: n,
            field: Some(3),
            message: format!("month {month} has no day {day}"),
        });
        return None;
    };
    if errors.len() > before {
        return None;
    }
    let [temperature, ghi, dni, dhi, wind] = values;
    let slot = date.ordinal0() as usize * 24 + hour as usize - 1;
    let hour = EpwHour {
        temperature,
        ghi,
        dni,
        dhi,
        wind,
    };
    Some((slot, hour))
}

/// "month/day hour h" of a slot of the leap-year calendar.
fn describe_slot(slot: usize) -> String {
    let date = NaiveDate::from_yo_opt(2000, (slot / 24) as u32 + 1).expect("slot within 366 days");
    format!(
        "{:02}/{:02} hour {}",
        date.month(),
        date.day(),
        slot % 24 + 1
    )
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// The shipped file, pvlib-python's test copy of the PVGIS typical year at 45 N, 8 E.
    pub(crate) fn shipped() -> String {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/data/weather/tmy_45.000_8.000_2005_2023.epw"
        );
        std::fs::read_to_string(path).unwrap()
    }

    /// A small valid file: the shipped one's header and rows, for editing.
    fn lines() -> Vec<String> {
        shipped().lines().map(String::from).collect()
    }

    #[test]
    fn reads_the_location_and_hand_read_rows_of_the_shipped_file() {
        let epw = parse(&shipped()).unwrap();
        let l = &epw.location;
        assert_eq!(
            (l.city.as_str(), l.source.as_str(), l.wmo.as_str()),
            ("unknown", "ECMWF/ERA", "unknown")
        );
        assert_eq!(
            (l.latitude, l.longitude, l.time_zone_hours, l.elevation),
            (45.0, 8.0, 1.0, 250.0)
        );
        assert!(!epw.has_leap_day);
        // Values read with `sed -n` from data/weather/tmy_45.000_8.000_2005_2023.epw:
        // line 9 (01/01 hour 1): 2018,1,1,1,0,…,2.04,…,0.00,-0.00,0.00,…,257,0.7,…
        let h = epw.hour(1, 1, 1).unwrap();
        assert_eq!(
            (h.temperature, h.ghi, h.dni, h.dhi, h.wind),
            (2.04, 0.0, 0.0, 0.0, 0.7)
        );
        // line 4,268 (06/27 hour 12): 2006,6,27,12,0,…,31.52,…,933.00,821.13,172.00,…,0.3,…
        let h = epw.hour(6, 27, 12).unwrap();
        assert_eq!(
            (h.temperature, h.ghi, h.dni, h.dhi, h.wind),
            (31.52, 933.0, 821.13, 172.0, 0.3)
        );
        // line 8,768 (12/31 hour 24), the last row: 2016,12,31,24,0,…,2.10,…,0.00,-0.00,0.00,…,0.7,…
        let h = epw.hour(12, 31, 24).unwrap();
        assert_eq!(
            (h.temperature, h.ghi, h.dni, h.dhi, h.wind),
            (2.10, 0.0, 0.0, 0.0, 0.7)
        );
        // February 29 is February 28's.
        assert_eq!(epw.hour(2, 29, 13), epw.hour(2, 28, 13));
    }

    fn errors(lines: &[String]) -> Vec<EpwError> {
        parse(&lines.join("\n")).unwrap_err()
    }

    #[test]
    fn every_bad_row_is_reported_with_its_line_and_field() {
        let mut l = lines();
        // line 20: cut after field 10; line 30: text for the temperature; line 40: GHI 9999.
        l[19] = l[19].split(',').take(10).collect::<Vec<_>>().join(",");
        let mut f: Vec<String> = l[29].split(',').map(String::from).collect();
        f[6] = "warm".into();
        l[29] = f.join(",");
        let mut f: Vec<String> = l[39].split(',').map(String::from).collect();
        f[13] = "9999".into();
        l[39] = f.join(",");
        let e = errors(&l);
        assert_eq!(e.len(), 3, "{e:?}");
        assert_eq!((e[0].line, e[0].field), (20, None));
        assert!(e[0].message.contains("has 10 fields"), "{}", e[0].message);
        assert_eq!((e[1].line, e[1].field), (30, Some(7)));
        assert!(e[1].message.contains("'warm'"), "{}", e[1].message);
        assert_eq!((e[2].line, e[2].field), (40, Some(14)));
        assert!(e[2].message.contains("missing value"), "{}", e[2].message);
    }

    #[test]
    fn a_short_file_a_duplicate_hour_and_a_bad_header_are_reported() {
        let mut l = lines();
        l.truncate(100);
        let e = errors(&l);
        assert_eq!(e.len(), 1);
        assert!(
            e[0].message.contains("92 readable hourly rows")
                && e[0].message.contains("01/04 hour 21"),
            "{}",
            e[0].message
        );
        let mut l = lines();
        l[9] = l[8].clone();
        let e = errors(&l);
        assert_eq!((e[0].line, e[0].field), (10, Some(4)));
        assert!(e[0].message.contains("first on line 9"), "{}", e[0].message);
        let mut l = lines();
        l[0] = l[0].replace("45.000000", "north");
        l[7] = "COMMENTS 3".into();
        let e = errors(&l);
        assert_eq!(e.len(), 2, "{e:?}");
        assert_eq!((e[0].line, e[0].field), (1, Some(7)));
        assert_eq!(e[1].line, 8);
    }
}
