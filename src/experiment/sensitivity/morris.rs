//! Morris elementary effects (Morris 1991), with the trajectory selection of Campolongo,
//! Cariboni & Saltelli (2007) as an option.
//!
//! Factors live in the unit cube, on a grid of `levels` values `0, 1/(p-1), ..., 1`. A
//! trajectory starts at a random grid point and moves every factor once, in a random order, by
//! `delta = p / (2 (p - 1))` up or down; the elementary effect of the factor moved between two
//! consecutive points is `(y_after - y_before) / (x_after - x_before)` (unit scale, so the
//! effects of factors with different ranges compare). Over `r` trajectories, per factor:
//! `mu` = mean effect, `mu_star` = mean absolute effect, `sigma` = standard deviation of the
//! effects (n - 1), and a bootstrap percentile 95% interval of `mu_star` over trajectories.

use rand::RngExt;

use crate::world::rng::ModelRng;

/// The unit-cube design: `trajectories x (factors + 1)` points, trajectory-major.
#[derive(Debug, Clone, PartialEq)]
pub struct MorrisDesign {
    pub factors: usize,
    pub levels: u32,
    pub trajectories: usize,
    /// Every point's coordinates, trajectory after trajectory.
    pub points: Vec<Vec<f64>>,
}

/// Morris indices of one factor.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MorrisIndex {
    pub mu: f64,
    pub mu_star: f64,
    pub sigma: f64,
    pub mu_star_ci95_low: f64,
    pub mu_star_ci95_high: f64,
    pub n: usize,
}

/// The step between the two values a factor takes in a trajectory.
pub fn delta(levels: u32) -> f64 {
    levels as f64 / (2.0 * (levels as f64 - 1.0))
}

/// One trajectory: `factors + 1` points.
fn trajectory(factors: usize, levels: u32, rng: &mut ModelRng) -> Vec<Vec<f64>> {
    let p = levels as f64;
    let d = delta(levels);
    // Grid values from which a step of `d` up stays in the cube.
    let lows = (levels / 2) as usize;
    let start: Vec<f64> = (0..factors)
        .map(|_| {
            let low = rng.random_range(0..lows) as f64 / (p - 1.0);
            if rng.random::<bool>() { low } else { low + d }
        })
        .collect();
    let mut order: Vec<usize> = (0..factors).collect();
    for i in (1..factors).rev() {
        let j = rng.random_range(0..=i);
        order.swap(i, j);
    }
    let mut points = vec![start];
    for &f in &order {
        let mut next = points.last().expect("a start").clone();
        // The other of the factor's two values: from a low value up, from a high one down.
        next[f] = if next[f] + d <= 1.0 + 1e-12 {
            next[f] + d
        } else {
            next[f] - d
        };
        points.push(next);
    }
    points
}

/// Campolongo's spread of two trajectories: the sum of the distances between all their points.
fn distance(a: &[Vec<f64>], b: &[Vec<f64>]) -> f64 {
    let mut sum = 0.0;
    for x in a {
        for y in b {
            sum += x
                .iter()
                .zip(y)
                .map(|(u, v)| (u - v) * (u - v))
                .sum::<f64>()
                .sqrt();
        }
    }
    sum
}

/// `trajectories` trajectories; with `candidates = Some(M)` (M > trajectories), the
/// `trajectories` of M random ones that are most spread (Campolongo et al. 2007), chosen
/// greedily: the farthest pair first, then each time the candidate whose squared distances to
/// those chosen sum highest. Cost O(M^2 (factors + 1)^2 factors).
pub fn design(
    factors: usize,
    levels: u32,
    trajectories: usize,
    candidates: Option<usize>,
    rng: &mut ModelRng,
) -> MorrisDesign {
    let pool_size = candidates.unwrap_or(trajectories).max(trajectories);
    let pool: Vec<Vec<Vec<f64>>> = (0..pool_size)
        .map(|_| trajectory(factors, levels, rng))
        .collect();
    let chosen: Vec<usize> = if pool_size == trajectories || trajectories < 2 {
        (0..trajectories).collect()
    } else {
        let mut d = vec![0.0; pool_size * pool_size];
        for i in 0..pool_size {
            for j in i + 1..pool_size {
                let x = distance(&pool[i], &pool[j]);
                d[i * pool_size + j] = x;
                d[j * pool_size + i] = x;
            }
        }
        let (mut best, mut pair) = (-1.0, (0, 1));
        for i in 0..pool_size {
            for j in i + 1..pool_size {
                if d[i * pool_size + j] > best {
                    best = d[i * pool_size + j];
                    pair = (i, j);
                }
            }
        }
        let mut chosen = vec![pair.0, pair.1];
        while chosen.len() < trajectories {
            let next = (0..pool_size)
                .filter(|c| !chosen.contains(c))
                .map(|c| {
                    let spread: f64 = chosen.iter().map(|&s| d[c * pool_size + s].powi(2)).sum();
                    (c, spread)
                })
                .fold((usize::MAX, -1.0), |a, b| if b.1 > a.1 { b } else { a })
                .0;
            chosen.push(next);
        }
        chosen
    };
    MorrisDesign {
        factors,
        levels,
        trajectories,
        points: chosen.into_iter().flat_map(|t| pool[t].clone()).collect(),
    }
}

impl MorrisDesign {
    /// Every factor's elementary effects, one per trajectory, from the outputs `y` at the
    /// design's points (same order).
    pub fn effects(&self, y: &[f64]) -> Vec<Vec<f64>> {
        assert_eq!(y.len(), self.points.len(), "one output per design point");
        let mut effects = vec![Vec::with_capacity(self.trajectories); self.factors];
        let step = self.factors + 1;
        for t in 0..self.trajectories {
            for m in 1..step {
                let (before, after) = (&self.points[t * step + m - 1], &self.points[t * step + m]);
                let f = (0..self.factors)
                    .find(|&f| before[f] != after[f])
                    .expect("each step moves one factor");
                let dy = y[t * step + m] - y[t * step + m - 1];
                effects[f].push(dy / (after[f] - before[f]));
            }
        }
        effects
    }

    /// Each factor's indices, with a bootstrap (`resamples` draws of trajectories with
    /// replacement) percentile 95% interval of `mu_star`.
    pub fn analyze(&self, y: &[f64], resamples: usize, rng: &mut ModelRng) -> Vec<MorrisIndex> {
        self.effects(y)
            .iter()
            .map(|ee| index(ee, resamples, rng))
            .collect()
    }
}

fn index(ee: &[f64], resamples: usize, rng: &mut ModelRng) -> MorrisIndex {
    let n = ee.len();
    let mean = |xs: &mut dyn Iterator<Item = f64>| {
        let (s, c) = xs.fold((0.0, 0usize), |(s, c), x| (s + x, c + 1));
        if c == 0 { 0.0 } else { s / c as f64 }
    };
    let mu = mean(&mut ee.iter().copied());
    let mu_star = mean(&mut ee.iter().map(|e| e.abs()));
    let sigma = if n > 1 {
        (ee.iter().map(|e| (e - mu).powi(2)).sum::<f64>() / (n - 1) as f64).sqrt()
    } else {
        0.0
    };
    let mut boot: Vec<f64> = (0..resamples)
        .map(|_| mean(&mut (0..n).map(|_| ee[rng.random_range(0..n)].abs())))
        .collect();
    let (low, high) = percentile_interval(&mut boot, mu_star);
    MorrisIndex {
        mu,
        mu_star,
        sigma,
        mu_star_ci95_low: low,
        mu_star_ci95_high: high,
        n,
    }
}

/// The 2.5th and 97.5th percentiles of `draws` (`fallback` twice when there are none).
pub fn percentile_interval(draws: &mut [f64], fallback: f64) -> (f64, f64) {
    if draws.is_empty() {
        return (fallback, fallback);
    }
    draws.sort_by(f64::total_cmp);
    let at = |q: f64| {
        let pos = q * (draws.len() - 1) as f64;
        let (i, frac) = (pos.floor() as usize, pos - pos.floor());
        let next = draws[(i + 1).min(draws.len() - 1)];
        draws[i] + frac * (next - draws[i])
    };
    (at(0.025), at(0.975))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    fn rng() -> ModelRng {
        ModelRng::seed_from_u64(7)
    }

    #[test]
    fn each_trajectory_moves_every_factor_once_by_delta_inside_the_grid() {
        let d = design(5, 4, 10, None, &mut rng());
        assert_eq!(d.points.len(), 10 * 6);
        for t in d.points.chunks(6) {
            let mut moved = vec![0; 5];
            for w in t.windows(2) {
                let diff: Vec<usize> = (0..5).filter(|&f| w[0][f] != w[1][f]).collect();
                assert_eq!(diff.len(), 1);
                moved[diff[0]] += 1;
                assert!(((w[1][diff[0]] - w[0][diff[0]]).abs() - 2.0 / 3.0).abs() < 1e-12);
            }
            assert_eq!(moved, vec![1; 5]);
            for x in t.iter().flatten() {
                let level = x * 3.0;
                assert!((level - level.round()).abs() < 1e-9 && (0.0..=1.0).contains(x));
            }
        }
    }

    #[test]
    fn a_linear_function_has_its_coefficients_as_mu_and_mu_star_and_no_sigma() {
        let c = [3.0, -2.0, 0.5, 0.0];
        let d = design(4, 6, 20, None, &mut rng());
        let y: Vec<f64> = d
            .points
            .iter()
            .map(|x| x.iter().zip(&c).map(|(x, c)| x * c).sum())
            .collect();
        for (i, ix) in d.analyze(&y, 200, &mut rng()).iter().enumerate() {
            assert!((ix.mu - c[i]).abs() < 1e-9, "{ix:?}");
            assert!((ix.mu_star - c[i].abs()).abs() < 1e-9);
            assert!(ix.sigma < 1e-9);
            assert_eq!(ix.n, 20);
        }
    }

    #[test]
    fn campolongo_selection_spreads_the_trajectories_more_than_random_ones() {
        let spread = |d: &MorrisDesign| {
            let t: Vec<&[Vec<f64>]> = d.points.chunks(d.factors + 1).collect();
            let mut s = 0.0;
            for i in 0..t.len() {
                for j in i + 1..t.len() {
                    s += distance(t[i], t[j]).powi(2);
                }
            }
            s.sqrt()
        };
        let random = design(6, 4, 10, None, &mut rng());
        let chosen = design(6, 4, 10, Some(100), &mut rng());
        assert!(
            spread(&chosen) > spread(&random),
            "{} vs {}",
            spread(&chosen),
            spread(&random)
        );
    }
}
