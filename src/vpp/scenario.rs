//! Checks and resolution of a VPP file into a [`VppScenario`]: every site resolved as a
//! single-site scenario on the shared time grid and dispatch settings, the aggregator's
//! events on whole steps. Every problem in the file is reported at once.

use std::collections::BTreeSet;
use std::path::Path;

use chrono::DateTime;
use serde::Serialize;
use toml::Spanned;

use super::file::{EventTable, VppFile, VppTable};
use crate::diagnostic::{Problem, Problems};
use crate::options::Named;
use crate::scenario::dispatch::dispatch_settings;
use crate::scenario::resolve::{Header, parse_checked, site_scenario, with_unknown_keys};
use crate::scenario::time::time_grid;
use crate::scenario::values::{Checker, Extras};
use crate::scenario::{DispatchSettings, InputFile, Scenario, Source, Strategy, input_files};
use crate::time::TimeGrid;
use crate::units::Dimension;

crate::options::named_enum! {
    /// How the sites are coordinated.
    pub enum Coordination {
        /// One joint LP over all sites with the coupling rows.
        Central = "central",
        /// ADMM: each site an agent solving its own problem, the aggregator pricing coupling.
        Admm = "admm",
    }
}

crate::options::named_enum! {
    /// What demand response is measured against.
    pub enum Baseline {
        /// The VPP's own optimal dispatch with no event (solved centrally).
        Dispatch = "dispatch",
        /// Every site with storage and flexibility idle (the `none` strategy).
        Idle = "idle",
    }
}

/// What the grid operator asks for during an event.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Request {
    /// Aggregate import at most this (MW).
    ImportLimitMw(f64),
    /// Aggregate import at least this much below the baseline (MW).
    ReductionMw(f64),
}

/// A demand-response event over steps `start..end`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Event {
    pub name: String,
    pub start: usize,
    pub end: usize,
    pub request: Request,
    /// Paid per MWh of reduction against the baseline, up to the request (CNY/MWh).
    pub compensation_cny_per_mwh: f64,
    /// Charged per MWh of aggregate import above the requested level (CNY/MWh).
    pub penalty_cny_per_mwh: f64,
}

impl Event {
    /// Highest aggregate import the event allows at step `t`, given the baseline (MW).
    pub fn cap_mw(&self, baseline_mw: f64) -> f64 {
        match self.request {
            Request::ImportLimitMw(limit) => limit,
            Request::ReductionMw(reduction) => (baseline_mw - reduction).max(0.0),
        }
    }
}

/// ADMM parameters.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct AdmmSettings {
    /// Initial penalty parameter ρ (objective units per MW²), adapted by residual balancing.
    pub rho: f64,
    pub max_iterations: usize,
    /// Stop when both residuals (root mean square over coupled values) are below (MW).
    pub tolerance_mw: f64,
}

/// A resolved VPP: sites and the aggregator's settings.
#[derive(Debug, Clone, Serialize)]
pub struct VppScenario {
    pub name: String,
    pub description: String,
    pub seed: u64,
    /// Currency of every price of the VPP and its sites.
    pub currency: crate::currency::Currency,
    pub time: TimeGrid,
    pub dispatch: DispatchSettings,
    pub coordination: Coordination,
    pub baseline: Baseline,
    pub admm: AdmmSettings,
    /// Migration cost of AI compute run away from its home site (CNY/MWh of IT energy),
    /// when compute may move between data-centre sites.
    pub migration_cny_per_mwh: Option<f64>,
    /// In time order, not overlapping.
    pub events: Vec<Event>,
    /// Each site as a single-site scenario named after it.
    pub sites: Vec<Scenario>,
}

impl VppScenario {
    /// The event covering step `t`, if any.
    pub fn event_at(&self, t: usize) -> Option<&Event> {
        self.events.iter().find(|e| (e.start..e.end).contains(&t))
    }
}

/// A VPP scenario with the files it was read from.
pub struct LoadedVpp {
    pub vpp: VppScenario,
    /// The VPP file first, then every CSV file in path order.
    pub inputs: Vec<InputFile>,
    /// Valid input that may not mean what was intended.
    pub warnings: Vec<Problem>,
}

/// Reads, checks and resolves the VPP file at `path`.
pub fn load(path: &Path) -> Result<LoadedVpp, Problems> {
    load_source(Source::read(path)?)
}

/// Checks and resolves a VPP file already read.
pub fn load_source(source: Source) -> Result<LoadedVpp, Problems> {
    let (vpp, extras) = resolve(&source.path, &source.text)?;
    Ok(LoadedVpp {
        vpp,
        inputs: input_files(source.file, extras.csv),
        warnings: extras.warnings,
    })
}

/// Checks and resolves VPP text as if read from `path`.
pub fn from_str(path: &Path, source: &str) -> Result<VppScenario, Problems> {
    resolve(path, source).map(|(vpp, _)| vpp)
}

/// Seed of site `index`'s AI jobs and EV sessions: the VPP seed mixed with the site's
/// position. Synthetic weather uses the VPP seed itself: the sites share one sky (each
/// sees it from its own location), as sites of one city do.
pub fn site_seed(seed: u64, index: usize) -> u64 {
    seed ^ (index as u64 + 1).wrapping_mul(0xD1B5_4A32_D192_ED03)
}

type Resolved = (VppScenario, Extras);

fn resolve(path: &Path, source: &str) -> Result<Resolved, Problems> {
    let (raw, unknown_keys) = parse_checked(path, source)?;
    with_unknown_keys(unknown_keys, resolve_parsed(path, source, raw))
}

/// Resolves VPP file `raw`, parsed from `source` read from `path`.
fn resolve_parsed(path: &Path, source: &str, raw: VppFile) -> Result<Resolved, Problems> {
    let mut c = Checker::new(path, source);
    c.plain_name(&raw.scenario.name, "scenario");
    c.currency = crate::scenario::resolve::currency(&mut c, raw.scenario.currency.as_ref());
    let Some(time) = time_grid(&mut c, &raw.time) else {
        return Err(Problems(c.problems));
    };
    let seed = crate::scenario::resolve::seed(&mut c, raw.scenario.seed.as_ref());
    let dispatch = dispatch_settings(&mut c, raw.dispatch.as_ref(), &time, seed);
    if let (Some(d), Some(table)) = (&dispatch, &raw.dispatch)
        && d.strategy != Strategy::Lp
    {
        let span = table
            .get_ref()
            .strategy
            .as_ref()
            .map_or(table.span(), Spanned::span);
        c.report(
            "vpp-strategy",
            format!(
                "a VPP is dispatched by its joint LP, not by strategy '{}'",
                d.strategy.name()
            ),
            span,
            "remove `strategy` from [dispatch]; choose the coordination in [vpp]",
        );
    }
    let vpp = raw.vpp.get_ref();
    let coordination = choice(&mut c, vpp.coordination.as_ref(), "vpp.coordination");
    let baseline = choice(&mut c, vpp.baseline.as_ref(), "vpp.baseline");
    let admm = admm_settings(&mut c, vpp);
    let migration = vpp.compute_shifting.as_ref().map(|s| {
        s.get_ref()
            .migration_cost
            .as_ref()
            .map_or(Some(0.0), |raw| {
                c.nonnegative(
                    raw,
                    Dimension::EnergyPrice,
                    "compute_shifting.migration_cost",
                )
            })
    });
    let events: Vec<_> = vpp.event.iter().map(|e| event(&mut c, e, &time)).collect();
    check_events(&mut c, vpp, &time, dispatch.as_ref());

    let mut names = BTreeSet::new();
    let mut sites = Vec::new();
    for (i, entry) in raw.site.iter().enumerate() {
        let name = entry.name.get_ref();
        if c.plain_name(&entry.name, "site") && !names.insert(name.as_str()) {
            c.report(
                "site-name",
                format!("site name '{name}' is used twice"),
                entry.name.span(),
                "give every site a unique name",
            );
        }
        let header = Header {
            name,
            description: "",
            seed: site_seed(seed, i),
            weather_seed: seed,
            time: &time,
        };
        let site = site_scenario(&mut c, &entry.tables(), header, dispatch.clone()).map(|mut s| {
            crate::scenario::finance::annualise(&mut c, &mut s, None, true);
            s
        });
        sites.push(site);
    }
    if raw.site.is_empty() {
        c.report(
            "vpp-no-site",
            "the VPP has no [[site]]".into(),
            raw.vpp.span(),
            "add one [[site]] table per site, each with its assets and [site.grid]",
        );
    }
    if let Some(Some(_)) = migration {
        let with_dc = sites
            .iter()
            .flatten()
            .filter(|s| !s.datacenters.is_empty())
            .count();
        let jobs = sites
            .iter()
            .flatten()
            .flat_map(|s| &s.datacenters)
            .any(|d| !d.jobs.is_empty());
        if c.problems.is_empty() && (with_dc < 2 || !jobs) {
            let span = vpp.compute_shifting.as_ref().map_or(0..0, Spanned::span);
            c.report(
                "vpp-shifting-needs-datacenters",
                format!(
                    "compute_shifting needs AI jobs and at least two sites with a data centre; {with_dc} site(s) have one"
                ),
                span,
                "add [[site.datacenter]] with ai_jobs to more sites, or remove compute_shifting",
            );
        }
    }
    let (Some(dispatch), Some(coordination), Some(baseline), Some(admm), true) = (
        dispatch,
        coordination,
        baseline,
        admm,
        c.problems.is_empty(),
    ) else {
        return Err(Problems(c.problems));
    };
    let scenario = VppScenario {
        name: raw.scenario.name.into_inner(),
        description: raw.scenario.description,
        seed,
        currency: c.currency,
        time,
        dispatch,
        coordination: coordination.unwrap_or(Coordination::Central),
        baseline: baseline.unwrap_or(Baseline::Dispatch),
        admm,
        migration_cny_per_mwh: migration.flatten(),
        events: events.into_iter().flatten().collect(),
        sites: sites.into_iter().flatten().collect(),
    };
    Ok((scenario, c.extras()))
}

/// One of the options `T` by name: `Some(None)` when absent, `None` after a reported problem.
fn choice<T: Named>(
    c: &mut Checker,
    value: Option<&Spanned<String>>,
    field: &str,
) -> Option<Option<T>> {
    match value {
        None => Some(None),
        Some(v) => c
            .choice(v, "vpp-option", |w| format!("{field} '{w}' is not known"))
            .map(Some),
    }
}

fn admm_settings(c: &mut Checker, vpp: &VppTable) -> Option<AdmmSettings> {
    let mut settings = AdmmSettings {
        rho: 1.0,
        max_iterations: 500,
        tolerance_mw: 1e-3,
    };
    let Some(table) = &vpp.admm else {
        return Some(settings);
    };
    let table = table.get_ref();
    let mut ok = true;
    if let Some(raw) = &table.rho {
        match c.number_in(raw, "admm.rho", 1e-9, 1e9, "ρ is a plain number > 0") {
            Some(v) => settings.rho = v,
            None => ok = false,
        }
    }
    if let Some(raw) = &table.max_iterations {
        match c.number_in(raw, "admm.max_iterations", 1.0, 1e6, "a whole number ≥ 1") {
            Some(v) => settings.max_iterations = v as usize,
            None => ok = false,
        }
    }
    if let Some(raw) = &table.tolerance {
        match c.nonnegative(raw, Dimension::Power, "admm.tolerance") {
            Some(v) if v > 0.0 => settings.tolerance_mw = v,
            Some(_) => {
                c.report(
                    "out-of-range",
                    "admm.tolerance must be above zero".into(),
                    raw.span(),
                    "e.g. tolerance = \"1 kW\"",
                );
                ok = false;
            }
            None => ok = false,
        }
    }
    ok.then_some(settings)
}

/// The grid step at RFC 3339 time `text`, which must fall on a step boundary of `time`.
fn step_at(c: &mut Checker, text: &Spanned<String>, time: &TimeGrid, field: &str) -> Option<usize> {
    let Ok(at) = DateTime::parse_from_rfc3339(text.get_ref()) else {
        c.report(
            "time-start",
            format!(
                "{field} '{}' is not an RFC 3339 time with UTC offset",
                text.get_ref()
            ),
            text.span(),
            "e.g. \"2025-07-15T18:00:00+08:00\"",
        );
        return None;
    };
    let seconds = (at - time.start).num_seconds();
    let len = time.len as i64;
    if seconds % time.step_seconds != 0 || seconds < 0 || seconds / time.step_seconds > len {
        c.report(
            "event-time",
            format!(
                "{field} {} is not a step boundary inside the horizon {} to {}",
                text.get_ref(),
                time.timestamp(0),
                time.timestamp(time.len)
            ),
            text.span(),
            "events start and end on whole steps of [time]",
        );
        return None;
    }
    Some((seconds / time.step_seconds) as usize)
}

fn event(c: &mut Checker, e: &EventTable, time: &TimeGrid) -> Option<Event> {
    let start = step_at(c, &e.from, time, "event.from");
    let end = step_at(c, &e.to, time, "event.to");
    let request = match (&e.import_limit, &e.reduction) {
        (Some(raw), None) => c
            .nonnegative(raw, Dimension::Power, "event.import_limit")
            .map(Request::ImportLimitMw),
        (None, Some(raw)) => c
            .nonnegative(raw, Dimension::Power, "event.reduction")
            .map(Request::ReductionMw),
        _ => {
            c.report(
                "event-request",
                format!(
                    "event '{}' must give exactly one of import_limit and reduction",
                    e.name.get_ref()
                ),
                e.name.span(),
                "e.g. import_limit = \"40 MW\" (a cap) or reduction = \"5 MW\" (against the baseline)",
            );
            None
        }
    };
    let compensation = c.nonnegative(
        &e.compensation,
        Dimension::EnergyPrice,
        "event.compensation",
    );
    let penalty = c.nonnegative(
        &e.shortfall_penalty,
        Dimension::EnergyPrice,
        "event.shortfall_penalty",
    );
    let (start, end) = (start?, end?);
    if end <= start {
        c.report(
            "event-time",
            format!("event '{}' ends before it starts", e.name.get_ref()),
            e.to.span(),
            "`to` must be after `from`",
        );
        return None;
    }
    Some(Event {
        name: e.name.get_ref().clone(),
        start,
        end,
        request: request?,
        compensation_cny_per_mwh: compensation?,
        penalty_cny_per_mwh: penalty?,
    })
}

/// Events must not overlap (judged on every event whose times are valid, whatever else is
/// wrong with it), and their penalty must weigh in the objective.
fn check_events(
    c: &mut Checker,
    vpp: &VppTable,
    time: &TimeGrid,
    dispatch: Option<&DispatchSettings>,
) {
    let step = |text: &Spanned<String>| {
        let at = DateTime::parse_from_rfc3339(text.get_ref()).ok()?;
        let seconds = (at - time.start).num_seconds();
        (seconds >= 0 && seconds % time.step_seconds == 0)
            .then_some((seconds / time.step_seconds) as usize)
    };
    let mut names = BTreeSet::new();
    for e in &vpp.event {
        if c.plain_name(&e.name, "event") && !names.insert(e.name.get_ref().as_str()) {
            c.report(
                "event-name",
                format!("event name '{}' is used twice", e.name.get_ref()),
                e.name.span(),
                "give every event a unique name: payments and shortfalls are reported by name",
            );
        }
    }
    let mut spans: Vec<(usize, usize, usize)> = vpp
        .event
        .iter()
        .enumerate()
        .filter_map(|(i, e)| Some((step(&e.from)?, step(&e.to)?, i)))
        .collect();
    spans.sort();
    for pair in spans.windows(2) {
        if pair[1].0 < pair[0].1 {
            let table = &vpp.event[pair[1].2];
            c.report(
                "event-overlap",
                format!(
                    "event '{}' overlaps event '{}'",
                    table.name.get_ref(),
                    vpp.event[pair[0].2].name.get_ref()
                ),
                table.from.span(),
                "merge the events or move one so they do not overlap",
            );
        }
    }
    if let (Some(d), Some(first)) = (dispatch, vpp.event.first())
        && d.objective.weights.cost <= 0.0
    {
        c.report(
            "event-needs-cost",
            "events are priced in CNY, but objective.cost is 0, so a shortfall would cost nothing"
                .into(),
            first.shortfall_penalty.span(),
            "give [dispatch] objective = { cost = ... } above zero, e.g. 1e-5 per CNY",
        );
    }
}
