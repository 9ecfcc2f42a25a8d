//! A reusable buffer that sorts amounts in linear time (the Gini coefficient's sort).

/// Amounts to sort in ascending [`f64::total_cmp`] order, in linear time: an LSD radix sort on
/// the bit patterns (mapped so that unsigned order is `total_cmp` order). It gives exactly the
/// order a comparison sort gives (values with equal bits cannot be told apart), so sums over
/// the sorted amounts are the same to the bit. The buffers are reused across ticks.
#[derive(Debug, Default, Clone)]
pub struct SortBuffer {
    keys: Vec<u64>,
    spare: Vec<u64>,
    /// One histogram of digits per pass.
    counts: Vec<[u32; RADIX_BUCKETS]>,
}

/// Bits of one radix digit: 6 passes over the keys, 2,048 counters each.
const RADIX_BITS: u32 = 11;
const RADIX_PASSES: u32 = 64_u32.div_ceil(RADIX_BITS);
const RADIX_BUCKETS: usize = 1 << RADIX_BITS;
/// Below this many amounts a comparison sort is as fast; both give the same order.
const RADIX_MIN: usize = 512;

impl SortBuffer {
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    pub fn clear(&mut self) {
        self.keys.clear();
    }

    pub fn push(&mut self, x: f64) {
        self.keys.push(to_key(x));
    }

    /// The amounts in the order they were pushed, until [`SortBuffer::sort`].
    pub fn amounts(&self) -> impl Iterator<Item = f64> + '_ {
        self.keys.iter().map(|&k| from_key(k))
    }

    /// Sorts the amounts in ascending `total_cmp` order across the threads of the current
    /// rayon pool (a comparison sort of the keys: the same sorted amounts as [`Self::sort`]).
    pub fn sort_on_pool(&mut self) {
        use rayon::slice::ParallelSliceMut;
        self.keys.par_sort_unstable();
    }

    /// Sorts the amounts in ascending `total_cmp` order.
    pub fn sort(&mut self) {
        let n = self.keys.len();
        if n < RADIX_MIN {
            self.keys.sort_unstable();
            return;
        }
        let counts = &mut self.counts;
        counts.clear();
        counts.resize(RADIX_PASSES as usize, [0; RADIX_BUCKETS]);
        for &k in &self.keys {
            for (pass, count) in counts.iter_mut().enumerate() {
                count[digit(k, pass as u32)] += 1;
            }
        }
        self.spare.resize(n, 0);
        for (pass, count) in counts.iter_mut().enumerate() {
            // A digit all keys share leaves the order as it is.
            if count.iter().any(|&c| c as usize == n) {
                continue;
            }
            let mut start = 0u32;
            for c in count.iter_mut() {
                let here = *c;
                *c = start;
                start += here;
            }
            for &k in &self.keys {
                let slot = &mut count[digit(k, pass as u32)];
                self.spare[*slot as usize] = k;
                *slot += 1;
            }
            std::mem::swap(&mut self.keys, &mut self.spare);
        }
    }
}

/// Maps an `f64` to a `u64` whose unsigned order is [`f64::total_cmp`] order.
fn to_key(x: f64) -> u64 {
    let bits = x.to_bits();
    if bits >> 63 == 1 {
        !bits
    } else {
        bits | 1 << 63
    }
}

fn from_key(k: u64) -> f64 {
    f64::from_bits(if k >> 63 == 1 { k & !(1 << 63) } else { !k })
}

fn digit(k: u64, pass: u32) -> usize {
    ((k >> (pass * RADIX_BITS)) as usize) & (RADIX_BUCKETS - 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn radix_order_is_total_cmp_order() {
        let mut state = 7u64;
        let mut amounts: Vec<f64> = (0..5000)
            .map(|i| {
                state = state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                match i % 5 {
                    0 => 0.0,
                    1 => -0.0,
                    2 => (state >> 11) as f64 * 1e-9,
                    3 => f64::from_bits(state >> 2),
                    _ => -((state >> 20) as f64),
                }
            })
            .collect();
        let mut b = SortBuffer::default();
        amounts.iter().for_each(|&x| b.push(x));
        b.sort();
        amounts.sort_unstable_by(f64::total_cmp);
        let sorted: Vec<u64> = b.amounts().map(f64::to_bits).collect();
        let expected: Vec<u64> = amounts.iter().map(|x| x.to_bits()).collect();
        assert_eq!(sorted, expected);
        // Across a pool: the same order.
        let mut c = SortBuffer::default();
        amounts.iter().rev().for_each(|&x| c.push(x));
        rayon::ThreadPoolBuilder::new()
            .num_threads(3)
            .build()
            .unwrap()
            .install(|| c.sort_on_pool());
        let on_pool: Vec<u64> = c.amounts().map(f64::to_bits).collect();
        assert_eq!(on_pool, expected);
    }
}
