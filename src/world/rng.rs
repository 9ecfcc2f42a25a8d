//! Random-number streams, derived from the master seed.
//!
//! A replicate has two kinds of stream. The phases that run in order (funding, gatherings,
//! identity, projects, the library, the order of the needy) draw from one sequential
//! generator, ChaCha8, which is specified by its algorithm, so the same seed gives the same
//! stream in every version of the crate and on every machine. The phases that run across
//! threads (encounters, joint work, shocks, context drift) draw from counter-based streams: a
//! [`Stream`] is a pure function of (replicate, tick, purpose, index), so no draw depends on
//! which thread took which community, and results are the same for any number of threads.
//! The replicate's seed is a SplitMix64 mix of the master seed and the replicate index, so
//! replicates never share a stream by accident.

use rand::SeedableRng;
pub use rand::rngs::ChaCha8Rng as ModelRng;

/// SplitMix64 finaliser: a bijective mix of 64 bits.
pub fn mix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

pub use crate::scenario::MAX_SEED;

/// The seed of replicate `index` of a run with master seed `master` (at most [`MAX_SEED`]).
pub fn replicate_seed(master: u64, index: u64) -> u64 {
    mix64(master ^ mix64(index.wrapping_add(0x5851_F42D_4C95_7F2D))) & MAX_SEED
}

/// The generator of one replicate.
pub fn replicate_rng(seed: u64) -> ModelRng {
    ModelRng::seed_from_u64(seed)
}

/// What a counter-based stream is for: streams of different purposes never coincide, even for
/// the same tick and index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u64)]
pub enum Purpose {
    /// A community's encounters (kinship), by community.
    Encounters = 1,
    /// A tie's joint work (resonance), by the tie's lower and higher endpoint.
    JointWork = 2,
    /// A community's shock (mutual support), by community.
    Shock = 3,
    /// A community's context drift (autonomy), by community.
    ContextDrift = 4,
}

/// A replicate's randomness: its sequential generator and the key of its counter-based
/// streams. Phases that run in a fixed order draw from `sequential`; phases that run across
/// threads take [`Randomness::streams`] for the tick and draw from [`Streams::at`].
#[derive(Debug)]
pub struct Randomness {
    pub sequential: ModelRng,
    key: u64,
}

impl Randomness {
    /// Both kinds of stream of the replicate with this seed.
    pub fn new(seed: u64) -> Self {
        Randomness {
            sequential: replicate_rng(seed),
            key: mix64(seed ^ 0xC2B2_AE3D_27D4_EB4F),
        }
    }

    /// The streams of one purpose at one tick.
    pub fn streams(&self, tick: u32, purpose: Purpose) -> Streams {
        Streams {
            key: mix64(self.key ^ mix64((u64::from(tick) << 8) | purpose as u64)),
        }
    }
}

/// The counter-based streams of one (replicate, tick, purpose): one [`Stream`] per index.
/// `Copy` and `Sync`, so a parallel loop hands each item its own stream.
#[derive(Debug, Clone, Copy)]
pub struct Streams {
    key: u64,
}

impl Streams {
    /// The stream of item `index` (a community, or a tie's endpoints packed in 64 bits).
    pub fn at(self, index: u64) -> Stream {
        Stream {
            state: mix64(self.key ^ mix64(index)),
        }
    }
}

/// A counter-based stream: SplitMix64 (Steele, Lea & Flood 2014) started from a state that is a
/// hash of (replicate, tick, purpose, index). It passes BigCrush as a generator; its streams
/// are short (a few draws each), so two of them overlapping would need two 64-bit hashes to
/// fall within a few steps of each other.
#[derive(Debug, Clone)]
pub struct Stream {
    state: u64,
}

impl rand::TryRng for Stream {
    type Error = std::convert::Infallible;

    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        Ok((self.next_word() >> 32) as u32)
    }

    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        Ok(self.next_word())
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
        for chunk in dst.chunks_mut(8) {
            let word = self.next_word().to_le_bytes();
            chunk.copy_from_slice(&word[..chunk.len()]);
        }
        Ok(())
    }
}

impl Stream {
    #[inline]
    fn next_word(&mut self) -> u64 {
        // mix64 adds the SplitMix64 increment before it mixes: the state walks the Weyl
        // sequence and each output is its finalised value.
        let out = mix64(self.state);
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::RngExt;

    #[test]
    fn replicate_seeds_differ_and_are_stable() {
        let seeds: Vec<u64> = (0..100).map(|i| replicate_seed(42, i)).collect();
        let mut unique = seeds.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), 100);
        assert_eq!(seeds[0], replicate_seed(42, 0));
        assert_ne!(replicate_seed(42, 0), replicate_seed(43, 0));
    }

    #[test]
    fn counter_streams_are_pinned_and_independent_of_order() {
        // If these change, every published result changes: they must not.
        let r = Randomness::new(7);
        let s = r.streams(3, Purpose::Encounters);
        let first: Vec<u64> = (0..3).map(|_| s.at(5).random::<u64>()).collect();
        assert_eq!(
            first[0], first[1],
            "a stream is a function of its coordinates"
        );
        let mut stream = s.at(5);
        let words: [u64; 2] = [stream.random(), stream.random()];
        assert_eq!(words, [0x867b_12de_28c7_29ba, 0x868c_87da_c0a6_a42c]);
        // Other coordinates give other streams.
        let other = [
            r.streams(3, Purpose::Encounters).at(6).random::<u64>(),
            r.streams(4, Purpose::Encounters).at(5).random::<u64>(),
            r.streams(3, Purpose::Shock).at(5).random::<u64>(),
            Randomness::new(8)
                .streams(3, Purpose::Encounters)
                .at(5)
                .random::<u64>(),
        ];
        for x in other {
            assert_ne!(x, words[0]);
        }
    }

    #[test]
    fn counter_streams_are_uniform() {
        // Mean and lag-1 correlation of U(0,1) draws across many short streams.
        let r = Randomness::new(11);
        let s = r.streams(1, Purpose::JointWork);
        let n = 200_000u64;
        let (mut sum, mut lag, mut prev) = (0.0, 0.0, 0.5);
        for i in 0..n {
            let x: f64 = s.at(i).random();
            sum += x;
            lag += (x - 0.5) * (prev - 0.5);
            prev = x;
        }
        let mean = sum / n as f64;
        assert!((mean - 0.5).abs() < 0.003, "mean {mean}");
        assert!(
            (lag / n as f64).abs() < 0.001,
            "lag-1 covariance {}",
            lag / n as f64
        );
    }

    #[test]
    fn the_generator_is_pinned() {
        // If this changes, every published result changes: it must not.
        let mut rng = replicate_rng(7);
        let x: u64 = rng.random();
        let mut again = replicate_rng(7);
        assert_eq!(x, again.random::<u64>());
    }
}
