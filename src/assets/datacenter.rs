//! Data centre: general IT load with cooling, and deferrable AI-training jobs.
//!
//! - Facility power = IT power × PUE(T_air), with PUE piecewise linear in the outdoor air
//!   temperature: `pue_min` below `free_cooling_below` (airside economiser: fans, UPS and
//!   distribution losses only), `pue_max` above `mechanical_above` (chillers carry the whole
//!   heat load), linear in between. This is the shape of economiser-hour analyses such as
//!   ASHRAE TC 9.9, "Thermal Guidelines for Data Processing Environments" (5th ed., 2021);
//!   the parameters are the scenario's to state. Xining's cold, dry climate (annual mean
//!   about 6 °C) puts most hours in free cooling.
//! - The general IT load enters the engine as a fixed load of its facility power.
//! - Each AI-training job (release, deadline, IT energy, maximum IT power; preemptible with
//!   checkpoints) enters as a flexible load with one window, counted at the IT level, whose
//!   bus draw is its IT power × PUE.
//! - With power capping, up to a share of the general IT power may be capped in any step, at
//!   a price per IT MWh (the compute lost); it enters as a curtailable load `<name>.capping`
//!   counted at the IT level, each capped MW saving IT × PUE on the bus.

use serde::Serialize;

use super::{CurtailableLoad, EnergyWindow, FixedLoad, FlexibleLoad};
use crate::rng::Rng;
use crate::time::TimeGrid;

/// PUE as a function of outdoor air temperature.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Cooling {
    pub pue_min: f64,
    pub pue_max: f64,
    pub free_cooling_below_c: f64,
    pub mechanical_above_c: f64,
}

impl Cooling {
    /// PUE at air temperature `t_air` (°C).
    pub fn pue(&self, t_air: f64) -> f64 {
        let span = self.mechanical_above_c - self.free_cooling_below_c;
        let x = if span > 0.0 {
            ((t_air - self.free_cooling_below_c) / span).clamp(0.0, 1.0)
        } else {
            f64::from(t_air >= self.mechanical_above_c)
        };
        self.pue_min + (self.pue_max - self.pue_min) * x
    }
}

/// One deferrable training job.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AiJob {
    pub name: String,
    /// Steps `release..deadline` in which it may run.
    pub release: usize,
    pub deadline: usize,
    /// IT energy (MWh) and maximum IT power (MW).
    pub energy_mwh: f64,
    pub max_mw: f64,
}

/// How jobs are generated.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct JobGenerator {
    pub per_week: f64,
    pub energy_min_mwh: f64,
    pub energy_max_mwh: f64,
    pub max_mw: f64,
    pub slack: f64,
}

impl JobGenerator {
    /// Jobs released as a Poisson process at `per_week`, energy uniform in its range, each
    /// allowed `slack ×` its shortest run time; jobs whose deadline would pass the horizon
    /// are not generated.
    pub fn generate(&self, time: &TimeGrid, name: &str, rng: &mut Rng) -> Vec<AiJob> {
        let dt = time.dt_hours();
        let rate_per_step = self.per_week / (7.0 * 24.0 / dt);
        let mut jobs = Vec::new();
        let mut t = 0.0;
        loop {
            t += -(1.0 - rng.uniform()).ln() / rate_per_step;
            // A rate of zero puts the next release at infinity (or NaN): no (more) jobs.
            let release = t.ceil();
            if !release.is_finite() || release >= time.len as f64 {
                break;
            }
            let release = release as usize;
            let energy =
                self.energy_min_mwh + (self.energy_max_mwh - self.energy_min_mwh) * rng.uniform();
            let run_steps = (energy / (self.max_mw * dt)).ceil();
            let deadline = release.saturating_add((run_steps * self.slack).ceil() as usize);
            if deadline > time.len {
                break;
            }
            jobs.push(AiJob {
                name: format!("{name}.job{:04}", jobs.len() + 1),
                release,
                deadline,
                energy_mwh: energy,
                max_mw: self.max_mw,
            });
        }
        jobs
    }
}

/// A data centre, resolved: its series and jobs, and where the engine holds them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Datacenter {
    pub name: String,
    pub it_capacity_mw: f64,
    /// General (non-deferrable) IT power per step (MW).
    pub it_mw: Vec<f64>,
    /// PUE per step.
    pub pue: Vec<f64>,
    pub jobs: Vec<AiJob>,
    pub capping: Option<PowerCapping>,
}

/// Capping of the general IT load.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct PowerCapping {
    /// Fraction of the general IT power that may be capped in any step.
    pub share: f64,
    /// Price of a capped IT MWh (CNY/MWh).
    pub price_cny_per_mwh: f64,
}

impl Datacenter {
    /// The cappable share of the general IT load, as a curtailable load `<name>.capping`.
    pub fn capping_load(&self) -> Option<CurtailableLoad> {
        self.capping.map(|c| CurtailableLoad {
            name: format!("{}.capping", self.name),
            max_mw: self.it_mw.iter().map(|it| c.share * it).collect(),
            overhead: self.pue.clone(),
            price_cny_per_mwh: c.price_cny_per_mwh,
        })
    }

    /// The general IT load's facility power, as a fixed load named `<name>.general`.
    pub fn facility_load(&self) -> FixedLoad {
        FixedLoad {
            name: format!("{}.general", self.name),
            power_mw: self
                .it_mw
                .iter()
                .zip(&self.pue)
                .map(|(it, pue)| it * pue)
                .collect(),
        }
    }

    /// One flexible load per job, grouped as `<name>.ai_jobs`.
    pub fn job_loads(&self) -> Vec<FlexibleLoad> {
        self.jobs
            .iter()
            .map(|j| FlexibleLoad {
                name: j.name.clone(),
                first_step: j.release,
                max_mw: vec![j.max_mw; j.deadline - j.release],
                windows: vec![EnergyWindow {
                    start: j.release,
                    end: j.deadline,
                    energy_mwh: j.energy_mwh,
                }],
                overhead: Some(self.pue[j.release..j.deadline].to_vec()),
                group: Some(format!("{}.ai_jobs", self.name)),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pue_is_piecewise_linear_in_air_temperature() {
        let c = Cooling {
            pue_min: 1.1,
            pue_max: 1.4,
            free_cooling_below_c: 10.0,
            mechanical_above_c: 25.0,
        };
        assert_eq!(c.pue(-20.0), 1.1);
        assert!((c.pue(17.5) - 1.25).abs() < 1e-12);
        assert_eq!(c.pue(30.0), 1.4);
    }

    /// Found by `make fuzz`: `per_week = 0` overflowed the release step.
    #[test]
    fn no_jobs_at_a_rate_of_zero_and_no_overflow_at_a_tiny_power() {
        let time = TimeGrid {
            start: chrono::DateTime::parse_from_rfc3339("2025-01-01T00:00:00+08:00").unwrap(),
            step_seconds: 900,
            len: 96 * 7,
            zone: None,
        };
        let mut g = JobGenerator {
            per_week: 0.0,
            energy_min_mwh: 10.0,
            energy_max_mwh: 40.0,
            max_mw: 1.5,
            slack: 3.0,
        };
        assert!(g.generate(&time, "dc", &mut Rng::new(1)).is_empty());
        g.per_week = 4.0;
        g.max_mw = 1e-300;
        assert!(g.generate(&time, "dc", &mut Rng::new(1)).is_empty());
    }

    #[test]
    fn generated_jobs_fit_the_horizon_and_their_windows() {
        let time = TimeGrid {
            start: chrono::DateTime::parse_from_rfc3339("2025-01-01T00:00:00+08:00").unwrap(),
            step_seconds: 900,
            len: 96 * 28,
            zone: None,
        };
        let g = JobGenerator {
            per_week: 5.0,
            energy_min_mwh: 10.0,
            energy_max_mwh: 40.0,
            max_mw: 2.0,
            slack: 2.0,
        };
        let jobs = g.generate(&time, "dc", &mut Rng::new(1));
        assert!(
            (10..=30).contains(&jobs.len()),
            "{} jobs in 4 weeks at 5 per week",
            jobs.len()
        );
        for j in &jobs {
            assert!(j.deadline <= time.len);
            let room = (j.deadline - j.release) as f64 * 0.25 * j.max_mw;
            assert!(room >= j.energy_mwh * 1.9, "{j:?}");
        }
    }
}
