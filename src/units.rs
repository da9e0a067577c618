//! Physical quantities written with their units, and the one sign convention.
//!
//! Scenario files write every quantity as a string with its unit (`"6 MW"`, `"120 kW"`,
//! `"0.35 CNY/kWh"`). Parsing converts it to the engine's canonical unit of its
//! [`Dimension`]; from then on the engine works in plain `f64` whose field names end in the
//! canonical unit (`_mw`, `_mwh`, `_cny_per_mwh`, `_kg_per_mwh`). Money is in the scenario's
//! [`Currency`] (CNY unless `[scenario] currency` says otherwise): engine names keep `cny`
//! for "the scenario's currency", and a price written in another currency is an error.
//!
//! **Sign convention.** Every power is a non-negative magnitude whose direction is in its
//! name: grid *import* and *export*, battery *charge* and *discharge*, PV *output*, load
//! *consumption*. The site bus balance is, for every step,
//! `pv + discharge + import = load + flexible + charge + export`.

use std::fmt;

use crate::currency::Currency;

/// What a quantity measures, with the canonical unit the engine stores it in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dimension {
    /// Canonical unit MW.
    Power,
    /// Canonical unit MWh.
    Energy,
    /// Price of energy; canonical unit (currency)/MWh.
    EnergyPrice,
    /// Emitted CO2 mass per energy; canonical unit kg/MWh.
    CarbonIntensity,
    /// Price of peak power (a demand charge per month); canonical unit (currency)/MW.
    PowerPrice,
    /// Canonical unit m.
    Length,
    /// Canonical unit °C.
    Temperature,
}

impl Dimension {
    /// The canonical unit the engine stores this dimension in, money in `currency`.
    pub fn canonical(self, currency: Currency) -> String {
        match self {
            Dimension::Power => "MW".into(),
            Dimension::Energy => "MWh".into(),
            Dimension::EnergyPrice => format!("{currency}/MWh"),
            Dimension::CarbonIntensity => "kg/MWh".into(),
            Dimension::PowerPrice => format!("{currency}/MW"),
            Dimension::Length => "m".into(),
            Dimension::Temperature => "°C".into(),
        }
    }

    /// Units accepted for this dimension, as written in scenario files and CSV headers,
    /// money in `currency`.
    pub fn examples(self, currency: Currency) -> String {
        match self {
            Dimension::Power => "W, kW, MW or GW, e.g. \"6 MW\"".into(),
            Dimension::Energy => "Wh, kWh, MWh or GWh, e.g. \"6 MWh\"".into(),
            Dimension::EnergyPrice => {
                format!("{currency}/kWh or {currency}/MWh, e.g. \"0.35 {currency}/kWh\"")
            }
            Dimension::CarbonIntensity => {
                "g/kWh, kg/kWh, kg/MWh or t/MWh, e.g. \"570 g/kWh\"".into()
            }
            Dimension::PowerPrice => {
                format!("{currency}/kW or {currency}/MW, e.g. \"40 {currency}/kW\"")
            }
            Dimension::Length => "m or km, e.g. \"2275 m\"".into(),
            Dimension::Temperature => "degC, e.g. \"10 degC\"".into(),
        }
    }
}

impl fmt::Display for Dimension {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Dimension::Power => "a power",
            Dimension::Energy => "an energy",
            Dimension::EnergyPrice => "an energy price",
            Dimension::CarbonIntensity => "a carbon intensity",
            Dimension::PowerPrice => "a power price",
            Dimension::Length => "a length",
            Dimension::Temperature => "a temperature",
        })
    }
}

/// A unit symbol with its dimension and factor to the canonical unit.
const UNITS: &[(&str, Dimension, f64)] = &[
    ("W", Dimension::Power, 1e-6),
    ("kW", Dimension::Power, 1e-3),
    ("MW", Dimension::Power, 1.0),
    ("GW", Dimension::Power, 1e3),
    ("Wh", Dimension::Energy, 1e-6),
    ("kWh", Dimension::Energy, 1e-3),
    ("MWh", Dimension::Energy, 1.0),
    ("GWh", Dimension::Energy, 1e3),
    ("g/kWh", Dimension::CarbonIntensity, 1.0),
    ("kg/kWh", Dimension::CarbonIntensity, 1e3),
    ("kg/MWh", Dimension::CarbonIntensity, 1.0),
    ("t/MWh", Dimension::CarbonIntensity, 1e3),
    ("gCO2/kWh", Dimension::CarbonIntensity, 1.0),
    ("kgCO2/kWh", Dimension::CarbonIntensity, 1e3),
    ("kgCO2/MWh", Dimension::CarbonIntensity, 1.0),
    ("tCO2/MWh", Dimension::CarbonIntensity, 1e3),
    ("m", Dimension::Length, 1.0),
    ("km", Dimension::Length, 1e3),
    ("degC", Dimension::Temperature, 1.0),
    ("°C", Dimension::Temperature, 1.0),
];

/// Money units: a three-letter currency code followed by one of these (`"EUR/kWh"`).
const PER: &[(&str, Dimension, f64)] = &[
    ("/Wh", Dimension::EnergyPrice, 1e6),
    ("/kWh", Dimension::EnergyPrice, 1e3),
    ("/MWh", Dimension::EnergyPrice, 1.0),
    ("/kW", Dimension::PowerPrice, 1e3),
    ("/MW", Dimension::PowerPrice, 1.0),
];

/// Why a quantity could not be read.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum UnitError {
    #[error("{0} is a bare number, but {1} needs a unit")]
    MissingUnit(String, Dimension),
    #[error("'{0}' is not a number followed by a unit")]
    Malformed(String),
    #[error("unknown unit '{0}'")]
    UnknownUnit(String),
    #[error("'{text}' is {found}, but {expected} is expected here")]
    WrongDimension {
        text: String,
        found: Dimension,
        expected: Dimension,
    },
    #[error("'{0}' is not a finite number")]
    NotFinite(String),
    #[error("'{text}' is beyond the largest value vppsim accepts, {LARGEST:e} {unit}")]
    TooLarge { text: String, unit: String },
    #[error("'{text}' is in {written}, but this scenario's prices are in {scenario}")]
    OtherCurrency {
        text: String,
        written: Currency,
        scenario: Currency,
    },
}

/// Largest magnitude of any quantity in its canonical unit (1e9 MW is a petawatt): far
/// above any real site, far below where sums, objective terms or chart axes overflow.
pub const LARGEST: f64 = 1e9;

/// Whether `value` (in a canonical unit) is finite and at most [`LARGEST`] in magnitude.
pub fn in_range(value: f64) -> bool {
    value.is_finite() && value.abs() <= LARGEST
}

/// Looks up a unit symbol (`"kW"`, `"EUR/kWh"`) and returns its dimension and factor to
/// canonical units; money must be in `currency`.
pub fn unit(symbol: &str, currency: Currency) -> Result<(Dimension, f64), UnitError> {
    let symbol = symbol.trim();
    if let Some(&(_, d, f)) = UNITS.iter().find(|(s, _, _)| *s == symbol) {
        return Ok((d, f));
    }
    let money = symbol
        .get(..3)
        .zip(symbol.get(3..))
        .and_then(|(code, per)| {
            let (_, d, f) = PER.iter().find(|(p, _, _)| *p == per)?;
            Some((Currency::parse(code)?, *d, *f))
        });
    match money {
        Some((c, d, f)) if c == currency => Ok((d, f)),
        Some((c, _, _)) => Err(UnitError::OtherCurrency {
            text: symbol.to_string(),
            written: c,
            scenario: currency,
        }),
        None => Err(UnitError::UnknownUnit(symbol.to_string())),
    }
}

/// Factor that converts values written in `symbol` to the canonical unit of `expected`.
pub fn factor(symbol: &str, expected: Dimension, currency: Currency) -> Result<f64, UnitError> {
    let (found, factor) = unit(symbol, currency)?;
    if found != expected {
        return Err(UnitError::WrongDimension {
            text: symbol.to_string(),
            found,
            expected,
        });
    }
    Ok(factor)
}

/// Parses `"<number> <unit>"` (the space is optional) into the canonical unit of `expected`,
/// money in `currency`.
pub fn parse(text: &str, expected: Dimension, currency: Currency) -> Result<f64, UnitError> {
    let trimmed = text.trim();
    // The number is the longest prefix that parses as one ("1e3kW" is 1e3 kW).
    let (value, symbol) = trimmed
        .char_indices()
        .map(|(i, _)| i)
        .chain([trimmed.len()])
        .rev()
        .find_map(|i| {
            let value = trimmed[..i].trim().parse::<f64>().ok()?;
            Some((value, trimmed[i..].trim()))
        })
        .ok_or_else(|| UnitError::Malformed(trimmed.to_string()))?;
    if !value.is_finite() {
        return Err(UnitError::NotFinite(trimmed.to_string()));
    }
    if symbol.is_empty() {
        return Err(UnitError::MissingUnit(trimmed.to_string(), expected));
    }
    let (found, factor) = unit(symbol, currency).map_err(|e| match e {
        UnitError::OtherCurrency {
            written, scenario, ..
        } => UnitError::OtherCurrency {
            text: trimmed.to_string(),
            written,
            scenario,
        },
        e => e,
    })?;
    if found != expected {
        return Err(UnitError::WrongDimension {
            text: trimmed.to_string(),
            found,
            expected,
        });
    }
    let value = value * factor;
    if !in_range(value) {
        return Err(UnitError::TooLarge {
            text: trimmed.to_string(),
            unit: expected.canonical(currency),
        });
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    const CNY: Currency = Currency::CNY;

    #[test]
    fn converts_to_canonical_units() {
        assert_eq!(parse("6 MW", Dimension::Power, CNY), Ok(6.0));
        assert_eq!(parse("120 kW", Dimension::Power, CNY), Ok(0.12));
        assert_eq!(parse("6MWh", Dimension::Energy, CNY), Ok(6.0));
        assert_eq!(
            parse("0.35 CNY/kWh", Dimension::EnergyPrice, CNY),
            Ok(350.0)
        );
        assert_eq!(
            parse("570 g/kWh", Dimension::CarbonIntensity, CNY),
            Ok(570.0)
        );
        assert_eq!(parse("1e3 kW", Dimension::Power, CNY), Ok(1.0));
    }

    #[test]
    fn rejects_wrong_dimension_missing_unit_and_nan() {
        assert!(matches!(
            parse("6 MWh", Dimension::Power, CNY),
            Err(UnitError::WrongDimension { .. })
        ));
        assert!(matches!(
            parse("6", Dimension::Power, CNY),
            Err(UnitError::MissingUnit(..))
        ));
        assert!(matches!(
            parse("6 furlongs", Dimension::Power, CNY),
            Err(UnitError::UnknownUnit(_))
        ));
        assert!(matches!(
            parse("NaN MW", Dimension::Power, CNY),
            Err(UnitError::NotFinite(_))
        ));
        assert!(matches!(
            parse("MW", Dimension::Power, CNY),
            Err(UnitError::Malformed(_))
        ));
        // A value whose unit factor overflows, or beyond any real site, is an error.
        for text in ["1e308 GW", "1.72e308 MW", "2e9 MW"] {
            assert!(
                matches!(
                    parse(text, Dimension::Power, CNY),
                    Err(UnitError::TooLarge { .. })
                ),
                "{text}"
            );
        }
        assert!(matches!(
            parse("1e306 CNY/Wh", Dimension::EnergyPrice, CNY),
            Err(UnitError::TooLarge { .. })
        ));
        assert_eq!(parse("1e9 MW", Dimension::Power, CNY), Ok(1e9));
    }

    #[test]
    fn prices_are_in_the_scenario_currency() {
        let eur = Currency::parse("EUR").unwrap();
        assert_eq!(
            parse("0.20 EUR/kWh", Dimension::EnergyPrice, eur),
            Ok(200.0)
        );
        assert_eq!(parse("12 EUR/kW", Dimension::PowerPrice, eur), Ok(12_000.0));
        assert_eq!(
            parse("0.20 CNY/kWh", Dimension::EnergyPrice, eur),
            Err(UnitError::OtherCurrency {
                text: "0.20 CNY/kWh".into(),
                written: Currency::CNY,
                scenario: eur,
            })
        );
        assert!(matches!(
            parse("1 EUR/kWh", Dimension::EnergyPrice, CNY),
            Err(UnitError::OtherCurrency { .. })
        ));
        // Not an active code, or not a money unit: unknown.
        for text in ["1 DEM/kWh", "1 EUR/kWhx", "1 EU/kWh"] {
            assert!(
                matches!(
                    parse(text, Dimension::EnergyPrice, eur),
                    Err(UnitError::UnknownUnit(_))
                ),
                "{text}"
            );
        }
        assert!(matches!(
            parse("1 EUR/kW", Dimension::EnergyPrice, eur),
            Err(UnitError::WrongDimension { .. })
        ));
    }
}
