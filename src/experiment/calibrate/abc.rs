//! ABC-SMC (Toni et al. 2009; Beaumont et al. 2009) over declared priors, with the model behind
//! the [`Simulator`] trait so the analytic test runs the same code as `coordsim calibrate`.
//!
//! Generation 0 keeps the first `population` draws of the prior (epsilon infinite). Generation
//! t proposes a candidate by drawing an ancestor from generation t-1 by weight and moving it by
//! a Gaussian kernel whose variance is twice the weighted variance of the previous population
//! (Beaumont et al. 2009), redrawn until it lies inside the prior's bounds; it is accepted when
//! its distance is at most epsilon_t, the weighted `quantile` of generation t-1's distances
//! (the adaptive schedule of pyabc's default). Accepted particles are weighted
//! prior / sum_j W_j K(theta | theta_j). Sampling stops at `population` acceptances.
//!
//! Determinism: candidate i of generation t draws its proposal from its own generator seeded
//! by (master seed, t, i), and its runs from seeds derived the same way; candidates are
//! simulated in parallel batches but examined in index order, and the ones after the
//! population is full are dropped. So the candidates, and every number after them, do not
//! depend on the thread count or the batch size. Log-uniform keys move in the logarithm.

use rand::{RngExt, SeedableRng};
use rand_distr::{Distribution, StandardNormal};
use rayon::prelude::*;

use crate::scenario::calibrate::{Prior, PriorShape, Settings, Target};
use crate::world::rng::{ModelRng, mix64, replicate_seed};

/// A model the calibration runs: the target values of one run at parameter values `theta`.
pub trait Simulator: Sync {
    fn simulate(&self, theta: &[f64], seed: u64) -> Vec<f64>;
}

/// One simulated candidate.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub generation: u32,
    pub index: u32,
    /// The parameter values used (whole-number keys rounded).
    pub theta: Vec<f64>,
    /// Each target's value: the mean over the candidate's runs.
    pub values: Vec<f64>,
    pub distance: f64,
    pub accepted: bool,
}

/// An accepted candidate with its importance weight (the weights of a generation sum to 1).
#[derive(Debug, Clone, PartialEq)]
pub struct Particle {
    pub candidate: u32,
    pub theta: Vec<f64>,
    /// The position the kernel works in (the logarithm for log-uniform keys).
    z: Vec<f64>,
    pub values: Vec<f64>,
    pub distance: f64,
    pub weight: f64,
}

/// One generation's population and how it was reached.
#[derive(Debug, Clone, PartialEq)]
pub struct Generation {
    pub index: u32,
    pub epsilon: f64,
    pub candidates: u32,
    pub particles: Vec<Particle>,
    /// Effective sample size of the weights, 1 / sum w^2.
    pub ess: f64,
}

/// Why the calibration stopped.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Stop {
    Generations,
    /// Epsilon reached the tolerance.
    Tolerance,
    /// A generation used `max_candidates` without filling its population; the previous
    /// generation is the result.
    Acceptance,
}

/// The generations run (the last complete one is the posterior) and why it stopped.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub generations: Vec<Generation>,
    pub stop: Stop,
    /// Candidates examined in all, including a last generation that did not fill.
    pub candidates: u64,
}

impl Outcome {
    pub fn posterior(&self) -> &Generation {
        self.generations
            .last()
            .expect("generation 0 always completes")
    }
}

/// A calibration problem: what to vary, what to match, how.
pub struct Problem<'a> {
    pub priors: &'a [Prior],
    pub targets: &'a [Target],
    pub settings: &'a Settings,
    pub master_seed: u64,
}

impl Problem<'_> {
    /// Distance of a candidate's values to the observations: the root of the summed squared
    /// deviations, each in its target's scale.
    pub fn distance(&self, values: &[f64]) -> f64 {
        let sum: f64 = self
            .targets
            .iter()
            .zip(values)
            .map(|(t, &v)| t.deviation(v).powi(2))
            .sum();
        if sum.is_finite() {
            sum.sqrt()
        } else {
            f64::INFINITY
        }
    }

    /// The seed of run `replicate` of candidate `index` of `generation`.
    pub fn run_seed(&self, generation: u32, index: u32, replicate: u32) -> u64 {
        let candidate = mix64(
            self.master_seed
                ^ mix64(0x6361_6c69 ^ (u64::from(generation) << 32 | u64::from(index))),
        );
        replicate_seed(candidate, u64::from(replicate))
    }

    fn rng(&self, generation: u32, index: u32) -> ModelRng {
        ModelRng::seed_from_u64(mix64(
            mix64(self.master_seed ^ 0x7072_6f70)
                ^ (u64::from(generation) << 32 | u64::from(index)),
        ))
    }
}

/// A prior's bounds and density in the kernel's space.
fn bounds(p: &Prior) -> (f64, f64) {
    match p.shape {
        PriorShape::LogUniform => (p.low.ln(), p.high.ln()),
        _ => (p.low, p.high),
    }
}

fn to_theta(p: &Prior, z: f64) -> f64 {
    let x = match p.shape {
        PriorShape::LogUniform => z.exp().clamp(p.low, p.high),
        _ => z,
    };
    if p.whole { x.round() } else { x }
}

/// Unnormalised prior density at `z` (constant factors cancel in the weights).
fn density(priors: &[Prior], z: &[f64]) -> f64 {
    priors
        .iter()
        .zip(z)
        .map(|(p, &z)| {
            let (lo, hi) = bounds(p);
            if !(lo..=hi).contains(&z) {
                return 0.0;
            }
            match p.shape {
                PriorShape::Normal { mean, sd } => (-0.5 * ((z - mean) / sd).powi(2)).exp(),
                _ => 1.0,
            }
        })
        .product()
}

fn draw_prior(p: &Prior, rng: &mut ModelRng) -> f64 {
    let (lo, hi) = bounds(p);
    if let PriorShape::Normal { mean, sd } = p.shape {
        for _ in 0..10_000 {
            let n: f64 = StandardNormal.sample(rng);
            let z = mean + sd * n;
            if (lo..=hi).contains(&z) {
                return z;
            }
        }
    }
    lo + rng.random::<f64>() * (hi - lo)
}

/// The kernel's standard deviation per key: twice the weighted variance, square-rooted, never
/// zero (a population that collapsed on one value still moves a little).
fn kernel_sd(priors: &[Prior], previous: &[Particle]) -> Vec<f64> {
    (0..priors.len())
        .map(|k| {
            let mean: f64 = previous.iter().map(|p| p.weight * p.z[k]).sum();
            let var: f64 = previous
                .iter()
                .map(|p| p.weight * (p.z[k] - mean).powi(2))
                .sum();
            let (lo, hi) = bounds(&priors[k]);
            (2.0 * var).sqrt().max(1e-6 * (hi - lo))
        })
        .collect()
}

/// The weighted `q`-quantile of the population's distances.
pub fn weighted_quantile(particles: &[Particle], q: f64) -> f64 {
    let mut order: Vec<(f64, f64)> = particles.iter().map(|p| (p.distance, p.weight)).collect();
    order.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut cumulative = 0.0;
    for (d, w) in &order {
        cumulative += w;
        if cumulative >= q - 1e-12 {
            return *d;
        }
    }
    order.last().map_or(f64::INFINITY, |x| x.0)
}

impl Problem<'_> {
    /// Candidate `index` of `generation`'s proposal, in kernel space.
    fn propose(
        &self,
        generation: u32,
        index: u32,
        previous: Option<(&[Particle], &[f64])>,
    ) -> Vec<f64> {
        let mut rng = self.rng(generation, index);
        let prior_draw =
            |rng: &mut ModelRng| self.priors.iter().map(|p| draw_prior(p, rng)).collect();
        let Some((parents, sd)) = previous else {
            return prior_draw(&mut rng);
        };
        let total: f64 = parents.iter().map(|p| p.weight).sum();
        for _ in 0..1000 {
            let mut u = rng.random::<f64>() * total;
            let parent = parents
                .iter()
                .find(|p| {
                    u -= p.weight;
                    u < 0.0
                })
                .unwrap_or(&parents[parents.len() - 1]);
            let z: Vec<f64> = parent
                .z
                .iter()
                .zip(sd)
                .map(|(&m, &s)| {
                    let n: f64 = StandardNormal.sample(&mut rng);
                    m + s * n
                })
                .collect();
            if density(self.priors, &z) > 0.0 {
                return z;
            }
        }
        prior_draw(&mut rng)
    }

    /// Runs the calibration. `recorded` holds the values of candidates computed before, in the
    /// order the algorithm examines them (a resumed calibration); they are not run again.
    /// `on_batch` receives each batch of newly computed candidates in order, before the
    /// algorithm goes on; `progress` the number of candidates examined so far.
    pub fn run<E>(
        &self,
        model: &dyn Simulator,
        recorded: &[Vec<f64>],
        pool: &rayon::ThreadPool,
        mut on_batch: impl FnMut(&[Candidate]) -> Result<(), E>,
        progress: impl Fn(u64),
    ) -> Result<Outcome, E> {
        let s = self.settings;
        let batch = (pool.current_num_threads() as u32 * 4).max(8);
        let mut generations: Vec<Generation> = Vec::new();
        let mut examined: u64 = 0;
        for t in 0..s.generations {
            let previous = generations.last();
            let epsilon = previous.map_or(f64::INFINITY, |g| {
                weighted_quantile(&g.particles, s.quantile)
            });
            let sd = previous.map(|g| kernel_sd(self.priors, &g.particles));
            let parents = previous.map(|g| g.particles.as_slice()).zip(sd.as_deref());
            let mut particles: Vec<Particle> = Vec::new();
            let mut next = 0u32;
            while particles.len() < s.population as usize && next < s.max_candidates {
                let stop = next.saturating_add(batch).min(s.max_candidates);
                let zs: Vec<Vec<f64>> = (next..stop).map(|i| self.propose(t, i, parents)).collect();
                let thetas: Vec<Vec<f64>> = zs
                    .iter()
                    .map(|z| {
                        self.priors
                            .iter()
                            .zip(z)
                            .map(|(p, &z)| to_theta(p, z))
                            .collect()
                    })
                    .collect();
                let first = examined as usize;
                let values: Vec<Vec<f64>> = pool.install(|| {
                    thetas
                        .par_iter()
                        .enumerate()
                        .map(|(k, theta)| match recorded.get(first + k) {
                            Some(v) => v.clone(),
                            None => self.simulate_mean(model, theta, t, next + k as u32),
                        })
                        .collect()
                });
                let mut fresh = Vec::new();
                let first_index = next;
                for (k, ((z, theta), values)) in zs.into_iter().zip(thetas).zip(values).enumerate()
                {
                    let index = first_index + k as u32;
                    next = index + 1;
                    let distance = self.distance(&values);
                    let accepted = distance <= epsilon;
                    let slot = examined as usize;
                    examined += 1;
                    if slot >= recorded.len() {
                        fresh.push(Candidate {
                            generation: t,
                            index,
                            theta: theta.clone(),
                            values: values.clone(),
                            distance,
                            accepted,
                        });
                    }
                    if accepted {
                        particles.push(Particle {
                            candidate: index,
                            theta,
                            z,
                            values,
                            distance,
                            weight: 0.0,
                        });
                        if particles.len() == s.population as usize {
                            break;
                        }
                    }
                }
                on_batch(&fresh)?;
                progress(examined);
            }
            if particles.len() < s.population as usize {
                return Ok(Outcome {
                    generations,
                    stop: Stop::Acceptance,
                    candidates: examined,
                });
            }
            self.weigh(
                &mut particles,
                previous.map(|g| g.particles.as_slice()).zip(sd.as_deref()),
            );
            let ess = 1.0 / particles.iter().map(|p| p.weight * p.weight).sum::<f64>();
            generations.push(Generation {
                index: t,
                epsilon,
                candidates: next,
                particles,
                ess,
            });
            if t > 0 && epsilon <= s.tolerance {
                return Ok(Outcome {
                    generations,
                    stop: Stop::Tolerance,
                    candidates: examined,
                });
            }
        }
        Ok(Outcome {
            generations,
            stop: Stop::Generations,
            candidates: examined,
        })
    }

    fn simulate_mean(&self, model: &dyn Simulator, theta: &[f64], t: u32, index: u32) -> Vec<f64> {
        let reps = self.settings.replicates;
        let mut sum = vec![0.0; self.targets.len()];
        for r in 0..reps {
            for (s, v) in sum
                .iter_mut()
                .zip(model.simulate(theta, self.run_seed(t, index, r)))
            {
                *s += v;
            }
        }
        sum.into_iter().map(|s| s / f64::from(reps)).collect()
    }

    /// Importance weights: prior / proposal density (1 for generation 0), normalised.
    fn weigh(&self, particles: &mut [Particle], previous: Option<(&[Particle], &[f64])>) {
        for p in particles.iter_mut() {
            p.weight = match previous {
                None => 1.0,
                Some((parents, sd)) => {
                    let proposal: f64 = parents
                        .iter()
                        .map(|q| {
                            q.weight
                                * p.z
                                    .iter()
                                    .zip(&q.z)
                                    .zip(sd)
                                    .map(|((a, b), s)| (-0.5 * ((a - b) / s).powi(2)).exp() / s)
                                    .product::<f64>()
                        })
                        .sum();
                    density(self.priors, &p.z) / proposal
                }
            };
        }
        let total: f64 = particles.iter().map(|p| p.weight).sum();
        for p in particles.iter_mut() {
            p.weight /= total;
        }
    }
}

/// Weighted median and 95% interval (2.5% and 97.5% weighted quantiles) of key `k`.
pub fn marginal(g: &Generation, k: usize) -> (f64, f64, f64, f64, f64) {
    let mut xs: Vec<(f64, f64)> = g.particles.iter().map(|p| (p.theta[k], p.weight)).collect();
    xs.sort_by(|a, b| a.0.total_cmp(&b.0));
    let at = |q: f64| {
        let mut c = 0.0;
        for (x, w) in &xs {
            c += w;
            if c >= q - 1e-12 {
                return *x;
            }
        }
        xs.last().map_or(f64::NAN, |x| x.0)
    };
    let mean: f64 = xs.iter().map(|(x, w)| x * w).sum();
    let sd = xs
        .iter()
        .map(|(x, w)| w * (x - mean).powi(2))
        .sum::<f64>()
        .sqrt();
    (at(0.5), mean, sd, at(0.025), at(0.975))
}
