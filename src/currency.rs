//! The currency of a scenario: an active ISO 4217 code (`[scenario] currency = "EUR"`, default
//! `CNY`). Every price in a scenario is written in it (`"0.20 EUR/kWh"`, `"12 EUR/kW"`), the
//! engine's money figures are in it, and output names carry its code lowercased
//! (`cost_eur`, `import_cost_eur`), so a CNY scenario keeps the names it always had.

use std::fmt;

use serde::{Serialize, Serializer};

/// Active ISO 4217 currency codes (list of 2025, without precious metals, SDR and test
/// codes), sorted.
const ACTIVE: &[&str] = &[
    "AED", "AFN", "ALL", "AMD", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD", "BDT", "BGN",
    "BHD", "BIF", "BMD", "BND", "BOB", "BOV", "BRL", "BSD", "BTN", "BWP", "BYN", "BZD", "CAD",
    "CDF", "CHE", "CHF", "CHW", "CLF", "CLP", "CNY", "COP", "COU", "CRC", "CUP", "CVE", "CZK",
    "DJF", "DKK", "DOP", "DZD", "EGP", "ERN", "ETB", "EUR", "FJD", "FKP", "GBP", "GEL", "GHS",
    "GIP", "GMD", "GNF", "GTQ", "GYD", "HKD", "HNL", "HTG", "HUF", "IDR", "ILS", "INR", "IQD",
    "IRR", "ISK", "JMD", "JOD", "JPY", "KES", "KGS", "KHR", "KMF", "KPW", "KRW", "KWD", "KYD",
    "KZT", "LAK", "LBP", "LKR", "LRD", "LSL", "LYD", "MAD", "MDL", "MGA", "MKD", "MMK", "MNT",
    "MOP", "MRU", "MUR", "MVR", "MWK", "MXN", "MXV", "MYR", "MZN", "NAD", "NGN", "NIO", "NOK",
    "NPR", "NZD", "OMR", "PAB", "PEN", "PGK", "PHP", "PKR", "PLN", "PYG", "QAR", "RON", "RSD",
    "RUB", "RWF", "SAR", "SBD", "SCR", "SDG", "SEK", "SGD", "SHP", "SLE", "SOS", "SRD", "SSP",
    "STN", "SVC", "SYP", "SZL", "THB", "TJS", "TMT", "TND", "TOP", "TRY", "TTD", "TWD", "TZS",
    "UAH", "UGX", "USD", "USN", "UYI", "UYU", "UYW", "UZS", "VED", "VES", "VND", "VUV", "WST",
    "XAF", "XCD", "XCG", "XOF", "XPF", "YER", "ZAR", "ZMW", "ZWG",
];

/// An active ISO 4217 currency, e.g. `EUR`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Currency(&'static str);

impl Currency {
    /// The default currency, in which every scenario written before currencies were
    /// introduced is priced.
    pub const CNY: Currency = Currency("CNY");

    /// The active currency with three-letter code `code` (upper case, as ISO writes it).
    pub fn parse(code: &str) -> Option<Currency> {
        ACTIVE
            .binary_search(&code)
            .ok()
            .map(|i| Currency(ACTIVE[i]))
    }

    /// The code, e.g. `"EUR"`.
    pub fn code(self) -> &'static str {
        self.0
    }

    /// The code lowercased, as output names carry it (`cost_eur`).
    pub fn suffix(self) -> String {
        self.0.to_ascii_lowercase()
    }

    /// The currency whose lowercased code ends `name` after an underscore
    /// (`"total_cost_eur"` → EUR), for labelling output figures.
    pub fn of_name(name: &str) -> Option<Currency> {
        let (_, last) = name.rsplit_once('_')?;
        (last.len() == 3 && last.bytes().all(|b| b.is_ascii_lowercase()))
            .then(|| Currency::parse(&last.to_ascii_uppercase()))
            .flatten()
    }

    /// `name` as written for this currency: the `_cny` of a name written for the default
    /// currency (`import_cost_cny`, `payment_cny`, `lcoe_pv_cny_per_kwh`) becomes this
    /// currency's suffix; the same name for CNY.
    pub fn rename(self, name: &str) -> String {
        if self == Currency::CNY {
            return name.to_string();
        }
        swap(name, "_cny", &format!("_{}", self.suffix()))
    }

    /// `text` with every `CNY` unit (`[CNY/kWh]`, `CNY`) written in this currency instead.
    pub fn relabel(self, text: &str) -> String {
        if self == Currency::CNY {
            text.to_string()
        } else {
            text.replace("CNY", self.0)
        }
    }

    /// Every key of `value` (recursively) renamed with [`Currency::rename`], and the value
    /// of every `"unit"` key relabelled with [`Currency::relabel`] (an asset's figures).
    pub fn rename_keys(self, value: serde_json::Value) -> serde_json::Value {
        use serde_json::Value;
        if self == Currency::CNY {
            return value;
        }
        match value {
            Value::Object(map) => Value::Object(
                map.into_iter()
                    .map(|(k, v)| match v {
                        Value::String(unit) if k == "unit" => {
                            (k, Value::String(self.relabel(&unit)))
                        }
                        v => (self.rename(&k), self.rename_keys(v)),
                    })
                    .collect(),
            ),
            Value::Array(items) => {
                Value::Array(items.into_iter().map(|v| self.rename_keys(v)).collect())
            }
            other => other,
        }
    }

    /// `value` with the names [`Currency::rename_keys`] gave it turned back into CNY names
    /// (`capex_eur` → `capex_cny`), for code that reads figures by their engine names.
    pub fn cny_keys(self, value: &serde_json::Value) -> serde_json::Value {
        use serde_json::Value;
        match value {
            Value::Object(map) => Value::Object(
                map.iter()
                    .map(|(k, v)| {
                        (
                            swap(k, &format!("_{}", self.suffix()), "_cny"),
                            self.cny_keys(v),
                        )
                    })
                    .collect(),
            ),
            Value::Array(items) => Value::Array(items.iter().map(|v| self.cny_keys(v)).collect()),
            other => other.clone(),
        }
    }

    /// Up to three active codes closest to `written`, for a hint.
    pub fn closest(written: &str) -> Vec<&'static str> {
        crate::spelling::closest(written.trim(), ACTIVE.iter().copied(), 3)
    }
}

/// `name` with every `from` (`_cny`) that ends a word (followed by `_`, or the end) replaced
/// by `to`.
fn swap(name: &str, from: &str, to: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut rest = name;
    while let Some(i) = rest.find(from) {
        let end = i + from.len();
        let whole = rest[end..]
            .chars()
            .next()
            .is_none_or(|c| !c.is_ascii_alphanumeric());
        out.push_str(&rest[..i]);
        out.push_str(if whole { to } else { from });
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

impl Default for Currency {
    fn default() -> Currency {
        Currency::CNY
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl Serialize for Currency {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn active_codes_are_sorted_and_checked() {
        assert!(ACTIVE.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(Currency::parse("EUR").map(Currency::code), Some("EUR"));
        assert_eq!(Currency::parse("eur"), None);
        assert_eq!(Currency::parse("XAU"), None, "a metal, not a currency");
        assert_eq!(Currency::parse("DEM"), None, "withdrawn in 2002");
        assert_eq!(Currency::closest("EUE")[0], "EUR");
    }

    #[test]
    fn names_follow_the_currency_and_cny_keeps_its_names() {
        let eur = Currency::parse("EUR").unwrap();
        assert_eq!(eur.rename("import_cost_cny"), "import_cost_eur");
        assert_eq!(eur.rename("lcoe_pv_cny_per_kwh"), "lcoe_pv_eur_per_kwh");
        assert_eq!(eur.rename("cnyx_cnyz"), "cnyx_cnyz");
        assert_eq!(Currency::CNY.rename("import_cost_cny"), "import_cost_cny");
        let v = serde_json::json!({"capex_eur": 1, "lcos_eur_per_kwh": 2, "euro": 3});
        assert_eq!(
            eur.cny_keys(&v),
            serde_json::json!({"capex_cny": 1, "lcos_cny_per_kwh": 2, "euro": 3})
        );
        assert_eq!(
            eur.relabel("grid.import_price [CNY/kWh]"),
            "grid.import_price [EUR/kWh]"
        );
        assert_eq!(Currency::of_name("total_cost_eur"), Some(eur));
        assert_eq!(Currency::of_name("grid_import_mwh"), None);
        let v = serde_json::json!({"a_cny": [{"b_cny": 1, "unit": "CNY"}], "c": 2});
        assert_eq!(
            eur.rename_keys(v),
            serde_json::json!({"a_eur": [{"b_eur": 1, "unit": "EUR"}], "c": 2})
        );
    }
}
