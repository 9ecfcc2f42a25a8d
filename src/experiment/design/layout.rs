//! A design's points computed on demand, point `i` from its index: a sweep holds its design
//! (the varied keys' levels and, for a Latin hypercube, its strata), never the list of points,
//! so memory does not grow with the number of points.
//!
//! The points are the very ones the design always laid out (the same bytes in every file):
//! - factorial: the index's mixed-radix digits, the first key slowest;
//! - zip: the i-th value of every list;
//! - random: the design generator (ChaCha8) drew one `f64` per key, point after point, so the
//!   draw of point `i`, key `k` is the `f64` at word `2 (i K + k)` of its stream, read there
//!   directly (ChaCha8 is seekable);
//! - lhs: each key first drew a permutation of the strata (Fisher-Yates), then one `f64` per
//!   point inside its stratum. The permutations are drawn once, in order, and held (4 bytes
//!   per point and key: 40 MB for a million samples of ten keys, counted by the budget); the
//!   in-stratum draws are read at their word positions like random's.
//! - listed: points laid out whole by a sensitivity analysis (whose estimators need them).

use rand::RngExt;
use rand::SeedableRng;

use super::{Design, Levels, Point, Vary, at};
use crate::scenario::value::RawValue;
use crate::world::rng::{ModelRng, mix64};

/// A design's points, each computed from its index.
#[derive(Debug, Clone)]
pub struct Layout {
    vary: Vec<Vary>,
    count: u64,
    kind: Kind,
}

#[derive(Debug, Clone)]
enum Kind {
    Factorial,
    Zip,
    Random {
        seed: u64,
    },
    Lhs {
        seed: u64,
        /// Per key, the stratum of each point.
        strata: Vec<Vec<u32>>,
        /// Per key, the word position of point 0's draw inside its stratum.
        starts: Vec<u128>,
    },
    Listed(Vec<Point>),
}

/// The seed of a sampled design's generator, from the master seed ("design").
fn design_seed(master: u64) -> u64 {
    mix64(master ^ 0x6465_7369_676e)
}

impl Layout {
    /// The layout of a checked design (`vary` non-empty, lists where the design needs lists,
    /// zip's lists of equal length, `samples` >= 1 for sampled designs, `count` its points).
    pub(super) fn new(
        vary: &[Vary],
        design: Design,
        samples: u32,
        count: u64,
        master: u64,
    ) -> Self {
        let seed = design_seed(master);
        let kind = match design {
            Design::Factorial => Kind::Factorial,
            Design::Zip => Kind::Zip,
            Design::Random => Kind::Random { seed },
            Design::Lhs => {
                let n = samples as usize;
                let mut rng = ModelRng::seed_from_u64(seed);
                let mut strata = Vec::with_capacity(vary.len());
                let mut starts = Vec::with_capacity(vary.len());
                for _ in vary {
                    // The same draws, in the same order, as when the points were laid out
                    // whole: a shuffle of the strata, then `n` draws inside them (skipped).
                    let mut perm: Vec<u32> = (0..n as u32).collect();
                    for i in (1..n).rev() {
                        let j = rng.random_range(0..=i);
                        perm.swap(i, j);
                    }
                    let start = rng.get_word_pos();
                    rng.set_word_pos(start + 2 * n as u128);
                    strata.push(perm);
                    starts.push(start);
                }
                Kind::Lhs {
                    seed,
                    strata,
                    starts,
                }
            }
        };
        Layout {
            vary: vary.to_vec(),
            count,
            kind,
        }
    }

    /// Points given whole (a sensitivity analysis's design), for `vary`'s keys.
    pub fn listed(vary: &[Vary], points: Vec<Point>) -> Self {
        Layout {
            vary: vary.to_vec(),
            count: points.len() as u64,
            kind: Kind::Listed(points),
        }
    }

    /// The number of points.
    pub fn len(&self) -> u64 {
        self.count
    }

    /// True when there are no points (never, for a checked design).
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// The varied keys, in the order of a point's values.
    pub fn vary(&self) -> &[Vary] {
        &self.vary
    }

    /// Point `i` (< `len()`).
    pub fn point(&self, i: u64) -> Point {
        debug_assert!(i < self.count);
        match &self.kind {
            Kind::Listed(points) => points[i as usize].clone(),
            Kind::Zip => self
                .vary
                .iter()
                .map(|v| list(v)[i as usize].clone())
                .collect(),
            Kind::Factorial => {
                let mut rest = i;
                let mut point: Point = vec![RawValue::Bool(false); self.vary.len()];
                for (k, v) in self.vary.iter().enumerate().rev() {
                    let vals = list(v);
                    point[k] = vals[(rest % vals.len() as u64) as usize].clone();
                    rest /= vals.len() as u64;
                }
                point
            }
            Kind::Random { seed } => {
                let mut rng = ModelRng::seed_from_u64(*seed);
                rng.set_word_pos(2 * u128::from(i) * self.vary.len() as u128);
                self.vary
                    .iter()
                    .map(|v| at(v, rng.random::<f64>()))
                    .collect()
            }
            Kind::Lhs {
                seed,
                strata,
                starts,
            } => {
                let n = self.count as f64;
                let mut rng = ModelRng::seed_from_u64(*seed);
                self.vary
                    .iter()
                    .enumerate()
                    .map(|(k, v)| {
                        rng.set_word_pos(starts[k] + 2 * u128::from(i));
                        let s = strata[k][i as usize] as f64;
                        at(v, (s + rng.random::<f64>()) / n)
                    })
                    .collect()
            }
        }
    }

    /// Every point in order (for small designs and tests).
    pub fn iter(&self) -> impl Iterator<Item = Point> + '_ {
        (0..self.count).map(|i| self.point(i))
    }
}

fn list(v: &Vary) -> &[RawValue] {
    match &v.levels {
        Levels::Values(vals) => vals,
        Levels::Range { .. } => unreachable!("checked: factorial and zip take lists"),
    }
}

/// Bytes a layout holds while a sweep runs: a Latin hypercube's strata (4 bytes per point
/// and key); nothing per point otherwise.
pub fn held_bytes(design: Design, points: u64, keys: usize) -> u64 {
    match design {
        Design::Lhs => points.saturating_mul(4 * keys as u64),
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    //! The layout against the designs as they were laid out whole before (kept here as the
    //! reference): the same points, bit for bit.
    use super::*;

    fn eager_lhs(vary: &[Vary], n: usize, rng: &mut ModelRng) -> Vec<Point> {
        let mut columns: Vec<Vec<RawValue>> = Vec::with_capacity(vary.len());
        for v in vary {
            let mut strata: Vec<usize> = (0..n).collect();
            for i in (1..n).rev() {
                let j = rng.random_range(0..=i);
                strata.swap(i, j);
            }
            columns.push(
                strata
                    .iter()
                    .map(|&s| at(v, (s as f64 + rng.random::<f64>()) / n as f64))
                    .collect(),
            );
        }
        (0..n)
            .map(|i| columns.iter().map(|c| c[i].clone()).collect())
            .collect()
    }

    fn eager_random(vary: &[Vary], n: usize, rng: &mut ModelRng) -> Vec<Point> {
        (0..n)
            .map(|_| vary.iter().map(|v| at(v, rng.random::<f64>())).collect())
            .collect()
    }

    fn keys(texts: &[&str]) -> Vec<Vary> {
        texts.iter().map(|t| Vary::parse(t).unwrap()).collect()
    }

    #[test]
    fn sampled_points_are_the_ones_laid_out_whole() {
        let sets = [
            keys(&["funding.coordination_share=0..1"]),
            keys(&[
                "funding.coordination_share=0..0.5",
                "run.ticks=10..300",
                "governance.cells=false,true",
            ]),
            keys(&[
                "trust.half_life_ticks=5..40",
                "funding.policy=direct_service,coordination_share,quadratic",
                "governance.centralization=0.1..0.9",
                "run.ticks=1..9",
                "population.communities=10..5000",
            ]),
        ];
        for vary in &sets {
            for n in [1usize, 2, 3, 7, 16, 33, 250, 1001] {
                for master in [0u64, 1, 42, u64::MAX >> 11] {
                    let mut rng = ModelRng::seed_from_u64(design_seed(master));
                    let want = eager_lhs(vary, n, &mut rng);
                    let got: Vec<Point> =
                        Layout::new(vary, Design::Lhs, n as u32, n as u64, master)
                            .iter()
                            .collect();
                    assert_eq!(got, want, "lhs, n = {n}, seed {master}");
                    let mut rng = ModelRng::seed_from_u64(design_seed(master));
                    let want = eager_random(vary, n, &mut rng);
                    let layout = Layout::new(vary, Design::Random, n as u32, n as u64, master);
                    assert_eq!(layout.iter().collect::<Vec<_>>(), want, "random, n = {n}");
                    // Any point alone, in any order.
                    assert_eq!(layout.point(n as u64 - 1), want[n - 1]);
                }
            }
        }
    }

    #[test]
    fn factorial_points_count_in_mixed_radix_first_key_slowest() {
        let vary = keys(&[
            "run.ticks=1,2,3",
            "governance.cells=false,true",
            "run.seed=7,8",
        ]);
        let layout = Layout::new(&vary, Design::Factorial, 0, 12, 0);
        let text: Vec<String> = layout
            .iter()
            .map(|p| {
                p.iter()
                    .map(super::super::display)
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect();
        assert_eq!(text[0], "1 false 7");
        assert_eq!(text[1], "1 false 8");
        assert_eq!(text[2], "1 true 7");
        assert_eq!(text[11], "3 true 8");
        // A huge factorial design is a formula: its last point is computed directly.
        let wide: Vec<Vary> = (0..12)
            .map(|_| Vary::parse("run.ticks=1,2,3,4,5,6,7,8,9,10").unwrap())
            .collect();
        let mut huge = wide.clone();
        for (k, v) in huge.iter_mut().enumerate() {
            v.key = format!("k{k}");
        }
        let layout = Layout::new(&huge, Design::Factorial, 0, 10u64.pow(12), 0);
        assert!(
            layout
                .point(10u64.pow(12) - 1)
                .iter()
                .all(|x| *x == RawValue::Integer(10))
        );
        assert_eq!(layout.point(0)[0], RawValue::Integer(1));
    }
}
