//! Sobol indices: first-order and total, with the sampling of Saltelli et al. (2010) and the
//! estimators of their Table 2: Saltelli's (b) for first order and Jansen's (f) for total.
//!
//! Two matrices `A` and `B` of `n` rows in the unit cube, from one `2k`-dimensional
//! Owen-scrambled Sobol sequence (quasi-random, as Saltelli et al. 2010 advise: `A` its first
//! `k` coordinates, `B` the next `k`; scrambled with a seed drawn from the design's generator,
//! so another master seed gives another, equally even, design). The sequence has 2^16 points
//! and 256 dimensions: row blocks and dimension blocks beyond those use further independent
//! scrambles. For each group `g` of factors (each factor its own group unless grouped)
//! `AB_g` is `A` with the columns of `g` taken from `B`. The design is, row by row,
//! `A_i, AB_1,i, ..., AB_G,i, B_i`: `n (G + 2)` points. With `V` the variance of all outputs
//! at `A` and `B`:
//!   S_g  = mean( f(B) (f(AB_g) - f(A)) ) / V
//!   ST_g = mean( (f(A) - f(AB_g))^2 ) / (2 V)
//! Intervals are bootstrap percentile 95% intervals over rows.

use rand::RngExt;

use super::morris::percentile_interval;
use crate::world::rng::ModelRng;

/// The unit-cube design of a Sobol analysis.
#[derive(Debug, Clone, PartialEq)]
pub struct SobolDesign {
    pub factors: usize,
    /// The group of each factor (0..groups).
    pub group_of: Vec<usize>,
    pub groups: usize,
    pub rows: usize,
    /// `rows x (groups + 2)` points, row-major: A, AB_1..AB_G, B.
    pub points: Vec<Vec<f64>>,
}

/// Indices of one group, with bootstrap 95% intervals.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SobolIndex {
    pub s1: f64,
    pub s1_ci95_low: f64,
    pub s1_ci95_high: f64,
    pub st: f64,
    pub st_ci95_low: f64,
    pub st_ci95_high: f64,
    pub n: usize,
}

/// The design of `rows` rows for factors in the given groups (`group_of[f]` in 0..G).
pub fn design(group_of: Vec<usize>, rows: usize, rng: &mut ModelRng) -> SobolDesign {
    let factors = group_of.len();
    let groups = group_of.iter().max().map_or(0, |g| g + 1);
    let mut points = Vec::with_capacity(rows * (groups + 2));
    let seed: u32 = rng.random();
    for i in 0..rows {
        let a: Vec<f64> = (0..factors).map(|f| quasi_random(i, f, seed)).collect();
        let b: Vec<f64> = (0..factors)
            .map(|f| quasi_random(i, factors + f, seed))
            .collect();
        points.push(a.clone());
        for g in 0..groups {
            points.push(
                (0..factors)
                    .map(|f| if group_of[f] == g { b[f] } else { a[f] })
                    .collect(),
            );
        }
        points.push(b);
    }
    SobolDesign {
        factors,
        group_of,
        groups,
        rows,
        points,
    }
}

/// Coordinate `dim` of point `index` of the scrambled Sobol sequence `seed`. The sequence
/// holds 2^16 points of 256 dimensions; each further block of points or dimensions is another
/// independent scramble (a different seed), as the sequence's author suggests.
fn quasi_random(index: usize, dim: usize, seed: u32) -> f64 {
    const POINTS: usize = 1 << 16;
    let dims = sobol_burley::NUM_DIMENSIONS as usize;
    let block = (index / POINTS) as u32 ^ (((dim / dims) as u32) << 16);
    let block_seed = seed ^ block.wrapping_mul(0x9E37_79B9);
    f64::from(sobol_burley::sample(
        (index % POINTS) as u32,
        (dim % dims) as u32,
        block_seed,
    ))
}

/// First-order and total variance shares of group `g` over the rows `rows`.
fn estimate(y: &[f64], stride: usize, g: usize, rows: &[usize]) -> (f64, f64) {
    let n = rows.len() as f64;
    let (mut sum, mut sum_sq) = (0.0, 0.0);
    for &i in rows {
        for v in [y[i * stride], y[i * stride + stride - 1]] {
            sum += v;
            sum_sq += v * v;
        }
    }
    let mean = sum / (2.0 * n);
    let variance = sum_sq / (2.0 * n) - mean * mean;
    if variance <= 0.0 {
        return (0.0, 0.0);
    }
    let (mut first, mut total) = (0.0, 0.0);
    for &i in rows {
        let (fa, fab, fb) = (
            y[i * stride],
            y[i * stride + 1 + g],
            y[i * stride + stride - 1],
        );
        first += fb * (fab - fa);
        total += (fa - fab) * (fa - fab);
    }
    (first / n / variance, total / (2.0 * n) / variance)
}

impl SobolDesign {
    /// Each group's indices from the outputs `y` at the design's points (same order).
    pub fn analyze(&self, y: &[f64], resamples: usize, rng: &mut ModelRng) -> Vec<SobolIndex> {
        assert_eq!(y.len(), self.points.len(), "one output per design point");
        let stride = self.groups + 2;
        let all: Vec<usize> = (0..self.rows).collect();
        let samples: Vec<Vec<usize>> = (0..resamples)
            .map(|_| {
                (0..self.rows)
                    .map(|_| rng.random_range(0..self.rows))
                    .collect()
            })
            .collect();
        (0..self.groups)
            .map(|g| {
                let (s1, st) = estimate(y, stride, g, &all);
                let (mut b1, mut bt): (Vec<f64>, Vec<f64>) = samples
                    .iter()
                    .map(|rows| estimate(y, stride, g, rows))
                    .unzip();
                let (s1_low, s1_high) = percentile_interval(&mut b1, s1);
                let (st_low, st_high) = percentile_interval(&mut bt, st);
                SobolIndex {
                    s1,
                    s1_ci95_low: s1_low,
                    s1_ci95_high: s1_high,
                    st,
                    st_ci95_low: st_low,
                    st_ci95_high: st_high,
                    n: self.rows,
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    /// The first 2^m rows of a scrambled Sobol sequence put exactly one point in each of the
    /// 2^m equal slices of every coordinate (of `A` and of `B`); pseudo-random rows do not.
    #[test]
    fn base_samples_stratify_every_coordinate() {
        let rows = 256;
        let d = design(vec![0, 1, 2], rows, &mut ModelRng::seed_from_u64(3));
        let stride = d.groups + 2;
        for (matrix, offset) in [("A", 0), ("B", stride - 1)] {
            for f in 0..d.factors {
                let mut slices = vec![0u32; rows];
                for i in 0..rows {
                    let x = d.points[i * stride + offset][f];
                    slices[(x * rows as f64) as usize] += 1;
                }
                assert!(slices.iter().all(|&c| c == 1), "{matrix} column {f}");
            }
        }
        // Another seed, another design.
        let other = design(vec![0, 1, 2], rows, &mut ModelRng::seed_from_u64(4));
        assert_ne!(d.points, other.points);
    }
}
