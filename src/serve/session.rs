//! Explore sessions: one replicate of a scenario stepped tick by tick ([`Stepper`]), kept
//! under an id; frames (the tick's metrics, communities and trusted ties) for the charts and
//! the network view; one community's details for the inspector.
//!
//! A session of seed S runs replicate 0 of `coordsim run --seed S` (seed
//! `replicate_seed(S, 0)`), so the numbers shown at tick T are that run's timeseries.csv row.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use serde::Serialize;

use super::{ApiError, ApiResult};
use crate::scenario::Scenario;
use crate::sim::Stepper;
use crate::world::{NO_NETWORK, rng::replicate_seed};

/// One Explore session.
pub struct Session {
    /// The scenario as requested (the name it was asked by, the changes applied).
    pub name: String,
    pub scenario: Scenario,
    /// The changes (`KEY=VALUE`) applied to the named scenario.
    pub set: Vec<String>,
    pub stepper: Stepper,
    /// Last tick whose record was taken.
    pub tick: u32,
    pub used: Instant,
}

/// One tick as the page draws it.
#[derive(Debug, Serialize)]
pub struct Frame {
    pub tick: u32,
    /// The metric columns (`metrics::COLUMNS` order), exactly as timeseries.csv holds them.
    pub values: Vec<f64>,
    /// Each community: [region, network label or -1, members, stage].
    pub nodes: Vec<[f64; 4]>,
    /// Trusted ties: [a, b, trust in thousandths].
    pub ties: Vec<[u32; 3]>,
    /// The last tick of the run.
    pub ticks: u32,
}

impl Session {
    pub fn new(name: String, scenario: Scenario, set: Vec<String>) -> Self {
        let seed = replicate_seed(scenario.params.run.seed, 0);
        let stepper = Stepper::new(&scenario.params, seed);
        Session {
            name,
            scenario,
            set,
            stepper,
            tick: 0,
            used: Instant::now(),
        }
    }

    /// The frame of the current tick.
    pub fn frame(&mut self) -> Frame {
        let values = self.stepper.record().values();
        let world = self.stepper.world();
        let nodes = world
            .communities
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let n = world.network_of(i as u32);
                let label = if n == NO_NETWORK {
                    -1.0
                } else {
                    f64::from(world.networks[n as usize].label)
                };
                [
                    f64::from(c.region),
                    label,
                    f64::from(c.members),
                    f64::from(world.stages[i]),
                ]
            })
            .collect();
        let threshold = self.stepper.params().trust.tie_threshold;
        let ties = world
            .ties
            .live()
            .filter(|t| t.trust() >= threshold)
            .map(|t| {
                [
                    t.a.min(t.b),
                    t.a.max(t.b),
                    (t.trust() * 1000.0).round() as u32,
                ]
            })
            .collect();
        self.used = Instant::now();
        Frame {
            tick: self.tick,
            values,
            nodes,
            ties,
            ticks: self.scenario.params.run.ticks,
        }
    }

    /// Advances one tick and returns its frame; `None` at the last tick.
    pub fn advance(&mut self) -> Option<Frame> {
        if self.tick >= self.scenario.params.run.ticks {
            return None;
        }
        self.stepper.step();
        self.tick += 1;
        Some(self.frame())
    }

    /// One community as the inspector shows it.
    pub fn community(&self, c: u32) -> ApiResult<serde_json::Value> {
        let world = self.stepper.world();
        let Some(community) = world.communities.get(c as usize) else {
            return Err(ApiError::not_found(format!(
                "no community {c}: this world has {} (0 to {})",
                world.communities.len(),
                world.communities.len().saturating_sub(1)
            )));
        };
        let n = world.network_of(c);
        let network = (n != NO_NETWORK).then(|| {
            let net = &world.networks[n as usize];
            serde_json::json!({
                "label": net.label,
                "founded": net.founded,
                "members": net.members.len(),
                "pool": net.pool,
            })
        });
        let mut ties: Vec<(u32, f64)> = world
            .ties
            .live()
            .filter(|t| t.a == c || t.b == c)
            .map(|t| (if t.a == c { t.b } else { t.a }, t.trust()))
            .collect();
        ties.sort_by(|x, y| y.1.total_cmp(&x.1).then(x.0.cmp(&y.0)));
        let threshold = self.stepper.params().trust.tie_threshold;
        Ok(serde_json::json!({
            "community": c,
            "tick": self.tick,
            "region": community.region,
            "members": community.members,
            "stage": world.stages[c as usize],
            "treasury": world.economy.treasury[c as usize],
            "network": network,
            "trusted_threshold": threshold,
            "ties": ties.iter().map(|&(o, t)| serde_json::json!({"other": o, "trust": t})).collect::<Vec<_>>(),
        }))
    }
}

/// The live sessions, by id; the least recently used is dropped when the cap is reached.
#[derive(Default)]
pub struct Sessions {
    next: AtomicU64,
    map: Mutex<HashMap<u64, Arc<Mutex<Session>>>>,
}

impl Sessions {
    /// Keeps a new session and returns its id.
    pub fn insert(&self, session: Session, max: usize) -> u64 {
        let id = self.next.fetch_add(1, Ordering::Relaxed) + 1;
        let mut map = self.map.lock().unwrap_or_else(|e| e.into_inner());
        while map.len() >= max.max(1) {
            let oldest = map
                .iter()
                .min_by_key(|(_, s)| {
                    s.try_lock()
                        .map(|s| s.used)
                        .unwrap_or_else(|_| Instant::now())
                })
                .map(|(&id, _)| id);
            match oldest {
                Some(o) => map.remove(&o),
                None => break,
            };
        }
        map.insert(id, Arc::new(Mutex::new(session)));
        id
    }

    /// The session with this id.
    pub fn get(&self, id: u64) -> ApiResult<Arc<Mutex<Session>>> {
        let map = self.map.lock().unwrap_or_else(|e| e.into_inner());
        map.get(&id).cloned().ok_or_else(|| {
            ApiError::not_found(format!(
                "no session {id} (it may have been closed to make room for newer ones): press Setup"
            ))
        })
    }
}

/// Locks a session; a panic in another request does not make it unusable.
pub fn lock(s: &Mutex<Session>) -> std::sync::MutexGuard<'_, Session> {
    s.lock().unwrap_or_else(|e| e.into_inner())
}
