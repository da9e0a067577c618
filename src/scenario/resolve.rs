//! Checks and resolution: from the file as written to an immutable [`Scenario`], the thin
//! orchestration over the resolvers of each part (time grid, dispatch settings, location,
//! weather, one per asset kind). Every problem in the file is collected before giving up.

use std::collections::BTreeMap;
use std::path::Path;

use super::file::{Raw, ScenarioFile, SiteTables};
use super::values::{Checker, Extras};
use super::{DispatchSettings, Scenario};
use super::{assets, dispatch::dispatch_settings, location, time::time_grid, weather};
use crate::currency::Currency;
use crate::diagnostic::{Location, Problem, Problems};
use crate::rng::Rng;
use crate::time::TimeGrid;
use toml::Spanned;

/// Parses and resolves scenario `source` read from `path`; returns the scenario and the
/// CSV files it read and its warnings.
pub fn resolve(path: &Path, source: &str) -> Result<(Scenario, Extras), Problems> {
    let (raw, unknown_keys) = parse_checked(path, source)?;
    with_unknown_keys(unknown_keys, resolve_parsed(path, source, raw))
}

/// Resolves scenario `raw`, parsed from `source` read from `path`.
fn resolve_parsed(
    path: &Path,
    source: &str,
    raw: ScenarioFile,
) -> Result<(Scenario, Extras), Problems> {
    let mut c = Checker::new(path, source);
    c.plain_name(&raw.scenario.name, "scenario");
    c.currency = currency(&mut c, raw.scenario.currency.as_ref());
    let Some(time) = time_grid(&mut c, &raw.time) else {
        return Err(Problems(c.problems));
    };
    let seed = seed(&mut c, raw.scenario.seed.as_ref());
    let dispatch = dispatch_settings(&mut c, raw.dispatch.as_ref(), &time, seed);
    let header = Header {
        name: raw.scenario.name.get_ref(),
        description: &raw.scenario.description,
        seed,
        weather_seed: seed,
        time: &time,
    };
    let scenario = site_scenario(&mut c, &raw.site_tables(), header, dispatch).map(|mut s| {
        super::finance::annualise(&mut c, &mut s, raw.finance.as_ref(), false);
        s
    });
    match scenario {
        Some(scenario) if c.problems.is_empty() => Ok((scenario, c.extras())),
        _ => Err(Problems(c.problems)),
    }
}

/// The scenario's currency, `[scenario] currency` (an active ISO 4217 code, default CNY);
/// an unknown code is reported with the closest active ones, and CNY assumed so that checks
/// go on.
pub fn currency(c: &mut Checker, written: Option<&Spanned<String>>) -> Currency {
    let Some(code) = written else {
        return Currency::CNY;
    };
    Currency::parse(code.get_ref()).unwrap_or_else(|| {
        let closest = Currency::closest(code.get_ref());
        let hint = if closest.is_empty() {
            "write an active ISO 4217 code in capitals, e.g. \"EUR\", \"USD\", \"CNY\"".to_string()
        } else {
            format!("did you mean {}?", closest.join(", "))
        };
        c.report(
            "currency",
            format!(
                "currency '{}' is not an active ISO 4217 currency code",
                code.get_ref()
            ),
            code.span(),
            &hint,
        );
        Currency::CNY
    })
}

/// `[scenario] seed`: a whole number from 0 to [`i64::MAX`], the largest TOML integer (0
/// when not given). Anything else is reported, and 0 used so that checks go on.
pub fn seed(c: &mut Checker, raw: Option<&Raw>) -> u64 {
    let Some(raw) = raw else {
        return 0;
    };
    if let Some(seed) = raw
        .get_ref()
        .as_integer()
        .and_then(|i| u64::try_from(i).ok())
    {
        return seed;
    }
    c.report(
        "seed",
        format!(
            "seed {} is not a whole number from 0 to {}",
            raw.get_ref(),
            i64::MAX
        ),
        raw.span(),
        "write a whole number without quotes, e.g. seed = 42",
    );
    0
}

/// Parses TOML `source` read from `path` into the serde mirror `T`.
pub fn parse<T: serde::de::DeserializeOwned>(path: &Path, source: &str) -> Result<T, Problems> {
    toml::from_str(source).map_err(|e| Problems(vec![toml_problem(path, source, &e)]))
}

/// Parses TOML `source` read from `path` into `T` after checking its structure against
/// `T`'s schema, so that every unknown and missing key is reported at once. When unknown
/// keys are the only structure problems, the rest of the file is parsed without them and
/// returned with them, for its values to be checked too: the caller reports them with its
/// own problems.
pub fn parse_checked<T>(path: &Path, source: &str) -> Result<(T, Vec<Problem>), Problems>
where
    T: serde::de::DeserializeOwned + schemars::JsonSchema,
{
    let structure = super::structure::check::<T>(path, source);
    if structure.problems.is_empty() {
        return parse(path, source).map(|parsed| (parsed, Vec::new()));
    }
    // The rest must still be TOML (not only free of structure problems: the check finds
    // none in text that is not TOML) with every key it needs.
    let rest = structure.without_unknown_keys().filter(|rest| {
        rest.parse::<toml::Table>().is_ok()
            && super::structure::check::<T>(path, rest).problems.is_empty()
    });
    let mut problems = structure.problems;
    let Some(rest) = rest else {
        return Err(Problems(problems));
    };
    match toml::from_str(&rest) {
        Ok(parsed) => Ok((parsed, problems)),
        Err(e) => {
            // Spans into the rest are spans into the file: show the file's own lines.
            problems.push(toml_problem(path, source, &e));
            Err(Problems(problems))
        }
    }
}

/// What checking a file's values gave, with the unknown keys [`parse_checked`] set aside
/// reported first: problems all the same when the values were right.
pub fn with_unknown_keys<T>(
    unknown_keys: Vec<Problem>,
    checked: Result<T, Problems>,
) -> Result<T, Problems> {
    match checked {
        Ok(checked) if unknown_keys.is_empty() => Ok(checked),
        Ok(_) => Err(Problems(unknown_keys)),
        Err(more) => Err(Problems(unknown_keys.into_iter().chain(more.0).collect())),
    }
}

/// What a site's scenario takes from its file beyond the site's own tables.
#[derive(Clone, Copy)]
pub struct Header<'a> {
    pub name: &'a str,
    pub description: &'a str,
    /// Seed of the site's random draws (jobs, EV sessions).
    pub seed: u64,
    /// Seed of its synthetic weather (sites of one city share one sky).
    pub weather_seed: u64,
    pub time: &'a TimeGrid,
}

/// Independent random streams per component, derived from the scenario seed.
pub fn stream(seed: u64, component: u64) -> Rng {
    Rng::new(seed ^ component.wrapping_mul(0x9E37_79B9_7F4A_7C15))
}

/// Checks and resolves one site's tables into a scenario; `None` once any problem has been
/// reported into `c` (here or before: `dispatch` is `None` when its section had problems).
pub fn site_scenario(
    c: &mut Checker,
    raw: &SiteTables,
    header: Header,
    dispatch: Option<DispatchSettings>,
) -> Option<Scenario> {
    let (time, seed) = (header.time, header.seed);
    let names = check_names(c, raw);
    let site = raw.location.and_then(|s| location::site(c, s));
    let weather = raw
        .weather
        .and_then(|w| weather::weather(c, w, site.as_ref(), time, header.weather_seed));
    let physics = assets::pv::Physics {
        declared: raw.location.is_some() && raw.weather.is_some(),
        site: site.as_ref(),
        weather: weather.as_ref(),
    };
    let pv: Vec<_> = raw
        .pv
        .iter()
        .map(|t| assets::pv::pv(c, t, time, &physics))
        .collect();
    let batteries: Vec<_> = raw
        .battery
        .iter()
        .map(|t| assets::battery::battery(c, t))
        .collect();
    let loads: Vec<_> = raw
        .load
        .iter()
        .map(|t| assets::load::load(c, t, time))
        .collect();
    let flexible: Vec<_> = raw
        .flexible_load
        .iter()
        .map(|t| assets::flexible::flexible_load(c, t, time))
        .collect();
    let datacenters: Vec<_> = raw
        .datacenter
        .iter()
        .enumerate()
        .map(|(i, t)| {
            assets::datacenter::datacenter(
                c,
                t,
                time,
                weather.as_ref(),
                &mut stream(seed, 100 + i as u64),
            )
        })
        .collect();
    let ev_hubs: Vec<_> = raw
        .ev_hub
        .iter()
        .enumerate()
        .map(|(i, t)| assets::ev_hub::ev_hub(c, t, time, &mut stream(seed, 200 + i as u64)))
        .collect();
    let generators: Vec<_> = raw
        .generator
        .iter()
        .map(|t| assets::generator::generator(c, t))
        .collect();
    let grid = assets::grid::grid(c, raw.grid, time);
    let (Some(grid), Some(dispatch), true, true) = (grid, dispatch, names, c.problems.is_empty())
    else {
        return None;
    };
    let datacenters: Vec<_> = datacenters.into_iter().flatten().collect();
    let ev_hubs: Vec<_> = ev_hubs.into_iter().flatten().collect();
    let mut loads: Vec<_> = loads.into_iter().flatten().collect();
    let mut flexible: Vec<_> = flexible.into_iter().flatten().collect();
    let mut curtailable = Vec::new();
    for dc in &datacenters {
        loads.push(dc.facility_load());
        flexible.extend(dc.job_loads());
        curtailable.extend(dc.capping_load());
    }
    for hub in &ev_hubs {
        if hub.managed {
            flexible.extend(hub.charger_loads(time.dt_hours()));
        } else {
            loads.push(hub.uncontrolled_load(time.len, time.dt_hours()));
        }
    }
    Some(Scenario {
        name: header.name.to_string(),
        description: header.description.to_string(),
        seed,
        currency: c.currency,
        time: *time,
        site,
        weather,
        pv: pv.into_iter().flatten().collect(),
        batteries: batteries.into_iter().flatten().collect(),
        loads,
        flexible_loads: flexible,
        curtailable_loads: curtailable,
        generators: generators.into_iter().flatten().collect(),
        datacenters,
        ev_hubs,
        grid,
        dispatch,
        finance: None,
    })
}

/// A TOML syntax or structure error (unknown key, missing key, wrong type) as a problem.
fn toml_problem(path: &Path, source: &str, e: &toml::de::Error) -> Problem {
    let message = e.message().trim().to_string();
    let location = match e.span() {
        Some(span) => Location::in_text(path, source, span),
        None => Location::File(path.to_path_buf()),
    };
    // A number the TOML parser cannot hold is reported as a malformed number: say why.
    if let Some(start) = e.span().map(|s| s.start) {
        let rest = source.get(start..).unwrap_or_default();
        let end = rest
            .find(|ch: char| !(ch.is_ascii_alphanumeric() || "+-._".contains(ch)))
            .unwrap_or(rest.len());
        if let Some(range) = beyond_toml(&rest[..end]) {
            return Problem::new(
                "out-of-range",
                format!("the number {} is out of range: {range}", &rest[..end]),
                Location::in_text(path, source, start..start + end),
            )
            .hint("check its digits and exponent: no value in a scenario comes near this");
        }
    }
    // The toml crate cannot carry a span into a table written with dotted keys
    // (`mpc.forecast = …`) and reports a borrowed-string type error instead; say what it is.
    if message.ends_with("expected a borrowed string") {
        let key = message.split('"').nth(1).unwrap_or("the key");
        return Problem::new(
            "dotted-key",
            format!("'{key}' is set with a dotted key (<table>.{key} = …), which this table does not take"),
            location,
        )
        .hint("write the table inline (<table> = { key = value }) or under its own header ([<parent>.<table>]); with --set, set the whole table as an inline table");
    }
    let (code, hint) = if message.starts_with("unknown field") {
        (
            "unknown-key",
            "check the spelling; the keys of each table are listed in README.md",
        )
    } else if message.starts_with("missing field") {
        ("missing-key", "add the key to this table")
    } else if message.starts_with("invalid type") {
        (
            "value-type",
            "quantities are strings with units (\"6 MW\"); fractions are plain numbers",
        )
    } else {
        ("toml-syntax", "see https://toml.io for the syntax")
    };
    Problem::new(code, message, location).hint(hint)
}

/// When `text` is a decimal number too large in size for TOML, the range it is beyond: an
/// integer needs 64 bits with its sign, a float must be finite (at most [`f64::MAX`]).
pub fn beyond_toml(text: &str) -> Option<String> {
    let plain = text.replace('_', "");
    let unsigned = plain.trim_start_matches(['+', '-']);
    let decimal = unsigned.starts_with(|ch: char| ch.is_ascii_digit())
        && unsigned
            .bytes()
            .all(|b| b.is_ascii_digit() || b"+-.eE".contains(&b));
    let value: f64 = plain.parse().ok().filter(|_| decimal)?;
    if plain.contains(['.', 'e', 'E']) {
        let largest = crate::diagnostic::number(f64::MAX);
        value
            .is_infinite()
            .then(|| format!("a number is at most {largest} in size"))
    } else {
        plain
            .parse::<i64>()
            .is_err()
            .then(|| format!("a whole number is from {} to {}", i64::MIN, i64::MAX))
    }
}

/// Asset names are plain names (see [`super::values::PLAIN_NAME`]) and unique.
fn check_names(c: &mut Checker, raw: &SiteTables) -> bool {
    let names = raw
        .pv
        .iter()
        .map(|a| &a.name)
        .chain(raw.battery.iter().map(|a| &a.name))
        .chain(raw.load.iter().map(|a| &a.name))
        .chain(raw.flexible_load.iter().map(|a| &a.name))
        .chain(raw.datacenter.iter().map(|a| &a.name))
        .chain(raw.ev_hub.iter().map(|a| &a.name))
        .chain(raw.generator.iter().map(|a| &a.name));
    let mut seen: BTreeMap<&str, ()> = BTreeMap::new();
    let before = c.problems.len();
    for name in names {
        let text = name.get_ref().as_str();
        if !c.plain_name(name, "asset") {
            continue;
        }
        if text == "grid" || text == "bus" || text == "site" || seen.insert(text, ()).is_some() {
            c.report(
                "duplicate-name",
                format!("asset name '{text}' is used twice (or is reserved)"),
                name.span(),
                "give every asset a unique name; 'grid', 'bus' and 'site' are reserved",
            );
        }
    }
    c.problems.len() == before
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_beyond_toml_are_told_apart_from_other_text() {
        let float = "a number is at most 1.7976931348623157e308 in size";
        let integer = "a whole number is from -9223372036854775808 to 9223372036854775807";
        assert_eq!(beyond_toml("1e309").as_deref(), Some(float));
        assert_eq!(beyond_toml("-1_000e306").as_deref(), Some(float));
        assert_eq!(beyond_toml("9223372036854775808").as_deref(), Some(integer));
        for fine in [
            "1e308",
            "9223372036854775807",
            "1e-400",
            "inf",
            "8 MWh",
            "e5",
            "",
        ] {
            assert_eq!(beyond_toml(fine), None, "{fine}");
        }
    }

    #[test]
    fn a_seed_is_a_whole_number_from_zero() {
        let path = Path::new("scenarios/small-site.toml");
        let source =
            include_str!("../../scenarios/small-site.toml").replace("seed = 0", "seed = -1");
        let problems = resolve(path, &source).unwrap_err().0;
        let messages: Vec<_> = problems
            .iter()
            .map(|p| (p.code, p.message.as_str()))
            .collect();
        assert_eq!(
            messages,
            [(
                "seed",
                "seed -1 is not a whole number from 0 to 9223372036854775807"
            )]
        );
    }
}
