//! EV charging hub: sessions (arrival, departure, energy, maximum power) on chargers that
//! serve one session at a time.
//!
//! **Managed charging** makes each charger a flexible load whose windows are its sessions:
//! the charger's power is free in `[0, P]` while a car is plugged in, zero otherwise, and each
//! session's energy row asks for exactly its energy. This is exact (every session keeps its
//! own energy row) and cheap: columns exist only for plugged-in steps, and a charger's
//! sessions never overlap, so no per-session buffers are needed outside the LP.
//! **Uncontrolled charging** draws full power from arrival until the energy is delivered,
//! as a fixed load.
//!
//! A session asking for more than `P × dwell` gets what the charger can give; the rest is
//! reported as unmet (and `vppsim validate` lists such sessions).
//!
//! **Why sessions with the same window are not merged into one column.** Summing their
//! powers and energies is not exact in general. Sessions i over the same steps, power
//! `0 ≤ p_i ≤ P_i`, energy `E_i`: a total profile q splits among them iff (Gale's theorem,
//! max-flow/min-cut on sessions → steps) for every k the k largest values of q hold at most
//! `Σ_i min(E_i, k·P_i·dt) / dt`, while the merged column only asks
//! `min(Σ E_i, k·Σ P_i·dt) / dt`. The two agree for every k only when all `E_i / (P_i·dt)`
//! lie in one interval `[m, m + 1]`. Counterexample: P = 1 MW, 1-hour steps, a two-step
//! window, energies 1.8 and 0.2 MWh: the merged column may draw 2 MW then 0, which needs
//! both cars at full power first and leaves the second −0.8 MW after. Nor does a split in
//! proportion to the energies respect each `P_i`.

use serde::Serialize;

use super::{EnergyWindow, FixedLoad, FlexibleLoad};
use crate::rng::Rng;
use crate::time::TimeGrid;

/// One charging session, on the grid's steps.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Session {
    /// Plugged in over steps `arrival..departure`.
    pub arrival: usize,
    pub departure: usize,
    pub energy_mwh: f64,
    pub max_mw: f64,
}

impl Session {
    /// Energy the charger can deliver in the dwell time (MWh).
    pub fn deliverable_mwh(&self, dt: f64) -> f64 {
        self.energy_mwh
            .min(self.max_mw * (self.departure - self.arrival) as f64 * dt)
    }
}

/// A class of identical chargers.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ChargerClass {
    pub power_mw: f64,
    pub count: usize,
    pub energy_mean_mwh: f64,
    pub dwell_mean_hours: f64,
    /// Relative share of arrivals that choose this class.
    pub share: f64,
}

/// The hub after sessions are placed on chargers.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EvHub {
    pub name: String,
    pub managed: bool,
    /// Sessions placed on each charger, in time order.
    pub chargers: Vec<(f64, Vec<Session>)>,
    /// Arrivals that found every charger of their class busy.
    pub turned_away: usize,
    /// Sessions from a file with no whole step inside the horizon, left out.
    pub skipped: usize,
}

impl EvHub {
    /// Places sessions on the first free charger of their power class (interval
    /// partitioning in arrival order); a session finding none is turned away.
    pub fn place(
        name: &str,
        managed: bool,
        classes: &[ChargerClass],
        mut sessions: Vec<Session>,
    ) -> EvHub {
        sessions.sort_by(|a, b| {
            a.arrival
                .cmp(&b.arrival)
                .then(a.departure.cmp(&b.departure))
        });
        let mut chargers: Vec<(f64, Vec<Session>)> = classes
            .iter()
            .flat_map(|c| (0..c.count).map(|_| (c.power_mw, Vec::new())))
            .collect();
        let mut turned_away = 0;
        for s in sessions {
            let free = chargers.iter_mut().find(|(p, placed)| {
                (*p - s.max_mw).abs() < 1e-12
                    && placed.last().is_none_or(|last| last.departure <= s.arrival)
            });
            match free {
                Some((_, placed)) => placed.push(s),
                None => turned_away += 1,
            }
        }
        EvHub {
            name: name.to_string(),
            managed,
            chargers,
            turned_away,
            skipped: 0,
        }
    }

    pub fn sessions(&self) -> impl Iterator<Item = &Session> {
        self.chargers.iter().flat_map(|(_, s)| s)
    }

    /// Energy asked for beyond what the chargers can deliver in the dwell time (MWh).
    pub fn unmet_mwh(&self, dt: f64) -> f64 {
        self.sessions()
            .map(|s| s.energy_mwh - s.deliverable_mwh(dt))
            .sum()
    }

    /// Managed: one flexible load per charger that has sessions, grouped under the hub.
    pub fn charger_loads(&self, dt: f64) -> Vec<FlexibleLoad> {
        self.chargers
            .iter()
            .enumerate()
            .filter(|(_, (_, s))| !s.is_empty())
            .map(|(k, (power, sessions))| {
                let first = sessions[0].arrival;
                let last = sessions[sessions.len() - 1].departure;
                let mut max_mw = vec![0.0; last - first];
                for s in sessions {
                    max_mw[s.arrival - first..s.departure - first].fill(*power);
                }
                FlexibleLoad {
                    name: format!("{}.charger{:03}", self.name, k + 1),
                    first_step: first,
                    max_mw,
                    windows: sessions
                        .iter()
                        .map(|s| EnergyWindow {
                            start: s.arrival,
                            end: s.departure,
                            energy_mwh: s.deliverable_mwh(dt),
                        })
                        .collect(),
                    overhead: None,
                    group: Some(self.name.clone()),
                }
            })
            .collect()
    }

    /// Uncontrolled: full power from arrival until the deliverable energy is in.
    pub fn uncontrolled_load(&self, len: usize, dt: f64) -> FixedLoad {
        let mut power = vec![0.0; len];
        for s in self.sessions() {
            let mut left = s.deliverable_mwh(dt);
            for p in &mut power[s.arrival..s.departure] {
                let step = s.max_mw.min(left / dt);
                *p += step;
                left -= step * dt;
            }
        }
        FixedLoad {
            name: self.name.clone(),
            power_mw: power,
        }
    }
}

/// Draws sessions for every day of `time`: a Poisson number of arrivals per day (means for
/// weekdays and weekends), arrival times from an assumed commuter-and-evening mixture
/// (45 % around 08:30 ± 1.5 h, 35 % around 18:00 ± 2 h, 20 % uniform 06:00–23:00), class by
/// share, log-normal dwell and energy (σ of the log 0.5 and 0.4) with the class means.
/// On a fixed offset the days are 24-hour blocks from the start; on a time zone's clock
/// they are local calendar days (23 or 25 hours across a daylight-saving change) and a
/// session arrives when the local clock shows its drawn time, so the same draws arrive at
/// the same clock times either side of a change.
pub fn generate_sessions(
    time: &TimeGrid,
    classes: &[ChargerClass],
    weekday_mean: f64,
    weekend_mean: f64,
    rng: &mut Rng,
) -> Vec<Session> {
    use chrono::Datelike;
    let dt = time.dt_hours();
    let total_share: f64 = classes.iter().map(|c| c.share).sum();
    let mut sessions = Vec::new();
    let day_steps = (86_400 / time.step_seconds) as usize;
    let mut day_start = 0;
    while day_start < time.len {
        // The day's steps end at `day_end` (not cut at the horizon: departures are).
        let day_end = match time.zone {
            None => day_start + day_steps,
            Some(_) => {
                let day = time.window_index(day_start, 86_400);
                (day_start..time.len)
                    .find(|&t| time.window_index(t, 86_400) != day)
                    .unwrap_or(day_start + day_steps)
            }
        };
        let weekend = time.instant(day_start).weekday().number_from_monday() >= 6;
        let mean = if weekend { weekend_mean } else { weekday_mean };
        for _ in 0..poisson(mean, rng) {
            let u = rng.uniform();
            let hour = if u < 0.45 {
                8.5 + 1.5 * rng.normal()
            } else if u < 0.8 {
                18.0 + 2.0 * rng.normal()
            } else {
                6.0 + 17.0 * rng.uniform()
            }
            .clamp(0.0, 23.75);
            let mut pick = rng.uniform() * total_share;
            let class = classes.iter().find(|c| {
                pick -= c.share;
                pick < 0.0
            });
            let Some(class) = class.or(classes.last()) else {
                break;
            };
            let dwell_h = lognormal(class.dwell_mean_hours, 0.5, rng);
            let energy = lognormal(class.energy_mean_mwh, 0.4, rng);
            let arrival = match time.zone {
                None => Some(day_start + (hour / dt) as usize),
                Some(_) => time
                    .step_at_local_time(day_start, (hour * 3600.0) as i64)
                    .filter(|&t| t >= day_start),
            };
            let Some(arrival) = arrival else { continue };
            let departure = (arrival + ((dwell_h / dt).round() as usize).max(1)).min(time.len);
            if arrival < departure && arrival < day_end {
                sessions.push(Session {
                    arrival,
                    departure,
                    energy_mwh: energy,
                    max_mw: class.power_mw,
                });
            }
        }
        day_start = day_end;
    }
    sessions
}

/// Log-normal draw with the given mean and σ of the log.
fn lognormal(mean: f64, sigma: f64, rng: &mut Rng) -> f64 {
    mean * (sigma * rng.normal() - sigma * sigma / 2.0).exp()
}

/// Poisson draw (Knuth's method for small means, normal approximation above 50).
fn poisson(mean: f64, rng: &mut Rng) -> usize {
    if mean > 50.0 {
        return (mean + mean.sqrt() * rng.normal()).round().max(0.0) as usize;
    }
    let limit = (-mean).exp();
    let (mut k, mut p) = (0, 1.0);
    loop {
        p *= rng.uniform();
        if p <= limit {
            return k;
        }
        k += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_sessions_arrive_at_the_same_local_clock_time_across_a_dst_change() {
        // Berlin, 24–28 October 2025 (summer time ends on the 26th: a 25-hour day), hourly,
        // against the same draws on the fixed offset +02:00 of the start.
        let fixed = TimeGrid {
            start: chrono::DateTime::parse_from_rfc3339("2025-10-24T00:00:00+02:00").unwrap(),
            step_seconds: 3600,
            len: 120,
            zone: None,
        };
        let berlin = TimeGrid {
            zone: Some(chrono_tz::Europe::Berlin),
            ..fixed
        };
        let class = ChargerClass {
            power_mw: 0.02,
            count: 4,
            energy_mean_mwh: 0.02,
            dwell_mean_hours: 2.0,
            share: 1.0,
        };
        let draw = |time: &TimeGrid| generate_sessions(time, &[class], 6.0, 6.0, &mut Rng::new(7));
        let (on_fixed, on_berlin) = (draw(&fixed), draw(&berlin));
        let local = |time: &TimeGrid, t: usize| time.instant(t).naive_local();
        let mut shifted = 0;
        for (a, b) in on_fixed.iter().zip(&on_berlin) {
            if a.arrival >= 96 {
                break; // the last day: the horizon cuts the two grids' days differently
            }
            assert_eq!(
                a.energy_mwh, b.energy_mwh,
                "the same draws in the same order"
            );
            // The same local clock time; from 03:00 summer time on the 26th (step 51) the
            // zone's clock is an hour behind +02:00, so that time comes a step later.
            assert_eq!(
                local(&fixed, a.arrival),
                local(&berlin, b.arrival),
                "{a:?} {b:?}"
            );
            let later = usize::from(a.arrival >= 51);
            assert_eq!(b.arrival, a.arrival + later, "{a:?} {b:?}");
            shifted += later;
        }
        assert!(shifted >= 3, "sessions after the change: {shifted}");
    }

    fn session(arrival: usize, departure: usize, energy_mwh: f64) -> Session {
        Session {
            arrival,
            departure,
            energy_mwh,
            max_mw: 0.1,
        }
    }

    #[test]
    fn a_charger_serves_one_session_at_a_time() {
        let class = ChargerClass {
            power_mw: 0.1,
            count: 2,
            energy_mean_mwh: 0.1,
            dwell_mean_hours: 1.0,
            share: 1.0,
        };
        let hub = EvHub::place(
            "hub",
            true,
            &[class],
            vec![
                session(0, 4, 0.1),
                session(1, 3, 0.1),
                session(2, 5, 0.1),
                session(4, 6, 0.1),
            ],
        );
        // Sessions 0 and 1 take both chargers; 2 finds none free; 3 reuses the first.
        assert_eq!(hub.turned_away, 1);
        assert_eq!(hub.chargers[0].1.len(), 2);
        assert_eq!(hub.chargers[1].1.len(), 1);
    }

    #[test]
    fn unmet_energy_and_uncontrolled_profile_by_hand() {
        // 0.1 MW for 2 steps of 1 h can give 0.2 MWh; 0.25 asked → 0.05 unmet.
        let class = ChargerClass {
            power_mw: 0.1,
            count: 1,
            energy_mean_mwh: 0.1,
            dwell_mean_hours: 1.0,
            share: 1.0,
        };
        let hub = EvHub::place("hub", false, &[class], vec![session(1, 3, 0.25)]);
        assert!((hub.unmet_mwh(1.0) - 0.05).abs() < 1e-12);
        assert_eq!(
            hub.uncontrolled_load(4, 1.0).power_mw,
            vec![0.0, 0.1, 0.1, 0.0]
        );
        // 0.15 MWh over 1 h steps: 0.1 then 0.05.
        let hub = EvHub::place("hub", false, &[class], vec![session(0, 3, 0.15)]);
        let p = hub.uncontrolled_load(3, 1.0).power_mw;
        assert!((p[0] - 0.1).abs() < 1e-12 && (p[1] - 0.05).abs() < 1e-12 && p[2].abs() < 1e-12);
        let managed =
            EvHub::place("hub", true, &[class], vec![session(0, 3, 0.15)]).charger_loads(1.0);
        assert_eq!(managed.len(), 1);
        assert_eq!(managed[0].windows[0].energy_mwh, 0.15);
    }
}
