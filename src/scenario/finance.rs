//! `[finance]`: what sizing needs to weigh investment against operation, and the checks a
//! sizing scenario must pass (a `[finance]` section, the perfect-foresight LP, a cost weight).

use serde::Serialize;
use toml::Spanned;

use super::Scenario;
use super::Strategy;
use super::file::FinanceTable;
use super::values::Checker;
use crate::assets::capacity::Extension;
use crate::currency::Currency;
use crate::diagnostic::number;

/// Finance settings (fractions per year).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finance {
    /// Every price in the scenario is in this currency.
    pub currency: Currency,
    /// Real discount rate.
    pub discount_rate: f64,
    /// Years of cash flows after the investment.
    pub analysis_years: u32,
    /// Yearly growth of energy prices, applied to the operating savings.
    pub escalation: f64,
    /// Tax on the yearly net savings, less straight-line depreciation of the investment.
    pub tax_rate: f64,
}

/// Resolves the `[finance]` table.
pub fn finance(c: &mut Checker, t: &Spanned<FinanceTable>) -> Option<Finance> {
    let t = t.get_ref();
    let currency = match &t.currency {
        Some(cur) if cur.get_ref() != c.currency.code() => {
            c.report(
                "currency",
                format!(
                    "finance: currency '{}' is not the scenario's currency, {}",
                    cur.get_ref(),
                    c.currency
                ),
                cur.span(),
                "every price in a scenario is in its currency, set once in [scenario] currency: leave currency out of [finance]",
            );
            None
        }
        _ => Some(c.currency),
    };
    let rate = "a rate per year is a plain fraction, e.g. 0.06 for 6 %";
    let discount = c.number_in(&t.discount_rate, "finance: discount_rate", 0.0, 1.0, rate);
    let escalation = match &t.escalation {
        None => Some(0.0),
        Some(raw) => c.number_in(raw, "finance: escalation", -0.5, 1.0, rate),
    };
    let tax = match &t.tax_rate {
        None => Some(0.0),
        Some(raw) => c.number_in(raw, "finance: tax_rate", 0.0, 0.99, rate),
    };
    let period = super::capacity::years(c, &t.analysis_period, "finance: analysis_period");
    let period = match period {
        Some(y) if y.fract() != 0.0 => {
            c.report(
                "out-of-range",
                format!(
                    "finance: analysis_period {} years is not a whole number of years",
                    number(y)
                ),
                t.analysis_period.span(),
                "cash flows are yearly: give whole years, e.g. \"20 years\"",
            );
            None
        }
        other => other,
    };
    Some(Finance {
        currency: currency?,
        discount_rate: discount?,
        analysis_years: period? as u32,
        escalation: escalation?,
        tax_rate: tax?,
    })
}

/// Every extendable capacity of the scenario, in device order, then the grid's.
pub fn extensions_mut(s: &mut Scenario) -> Vec<&mut Extension> {
    let mut out: Vec<&mut Extension> = Vec::new();
    for pv in &mut s.pv {
        if let Some(z) = &mut pv.sizing {
            out.extend(z.dc.as_mut());
            out.extend(z.ac.as_mut());
        }
    }
    for b in &mut s.batteries {
        if let Some(z) = &mut b.sizing {
            out.extend(z.energy.as_mut());
            out.extend(z.power.as_mut());
        }
    }
    for g in &mut s.generators {
        out.extend(g.sizing.as_mut());
    }
    out.extend(s.grid.import_sizing.as_mut());
    out
}

/// Completes a sizing scenario: its `[finance]` (resolved from `table`), each extendable
/// capacity's capital recovery factor, and the checks sizing needs. `in_vpp`: sizing is
/// for single-site scenarios. A scenario without extendable capacities is left as it is.
pub fn annualise(
    c: &mut Checker,
    s: &mut Scenario,
    table: Option<&Spanned<FinanceTable>>,
    in_vpp: bool,
) {
    let finance = table.and_then(|t| finance(c, t));
    let strategy = s.dispatch.strategy;
    let cost_weight = s.dispatch.objective.weights.cost;
    let mut extensions = extensions_mut(s);
    let Some(first) = extensions.first().map(|e| e.span.clone()) else {
        s.finance = finance;
        return;
    };
    if in_vpp {
        c.report(
            "sizing-vpp",
            "extendable capacities are for single-site scenarios".into(),
            first,
            "size each site in a scenario file of its own, then use the sizes in the VPP",
        );
        return;
    }
    if table.is_none() {
        c.report(
            "sizing-finance",
            "an extendable capacity needs a [finance] section (discount rate, analysis period)"
                .into(),
            first.clone(),
            "add [finance] with discount_rate = 0.06 and analysis_period = \"20 years\"",
        );
    }
    if strategy != Strategy::Lp {
        c.report(
            "sizing-strategy",
            format!(
                "sizing plans the whole horizon at once: strategy '{}' cannot size",
                strategy.name()
            ),
            first.clone(),
            "use strategy = \"lp\" in [dispatch] (or give fixed capacities)",
        );
    }
    if cost_weight <= 0.0 {
        c.report(
            "sizing-objective",
            "sizing minimises annualised cost, but the objective weighs cost at 0".into(),
            first,
            "give [dispatch] objective = { cost = 1.0 } (import and carbon weights may stay)",
        );
    }
    let Some(f) = finance else {
        return;
    };
    for e in extensions.iter_mut() {
        e.crf = crate::finance::crf(f.discount_rate, e.lifetime_years);
    }
    s.finance = Some(f);
}
