//! Statistics across replicates: mean, sample standard deviation and Student-t confidence
//! intervals, computed in a fixed order so results are reproducible to the bit.

use serde::Serialize;

/// Mean, spread and 95% confidence interval of a sample.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Summary {
    pub n: usize,
    pub mean: f64,
    /// Sample standard deviation (n - 1 in the denominator); 0 for n < 2.
    pub sd: f64,
    pub ci95_low: f64,
    pub ci95_high: f64,
}

/// Summarises a sample with a t-based 95% interval for the mean (half-width t_{0.975,n-1} sd / sqrt n).
/// With one value the interval is that value; with none, every field is 0.
pub fn summarize(xs: &[f64]) -> Summary {
    let sum = xs.iter().sum::<f64>();
    let mean = mean_of(xs.len(), sum);
    let squares = xs.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>();
    summarize_sums(xs.len(), sum, squares)
}

/// Where `Iterator::sum` of `f64` starts, so a sum kept by hand (`start`, then `+= x` in
/// order) has the same bits as `xs.iter().sum()`.
pub fn sum_start() -> f64 {
    std::iter::empty::<f64>().sum()
}

/// The mean of `n` values summing to `sum`, as [`summarize`] computes it.
pub fn mean_of(n: usize, sum: f64) -> f64 {
    sum / n as f64
}

/// [`summarize`] from the count, the sum and the sum of squared deviations about
/// [`mean_of`]`(n, sum)`, each kept by hand in the values' order from [`sum_start`] (two passes
/// over a file that does not fit in memory): the same bits as `summarize` of the values.
pub fn summarize_sums(n: usize, sum: f64, squares: f64) -> Summary {
    if n == 0 {
        return Summary {
            n,
            mean: 0.0,
            sd: 0.0,
            ci95_low: 0.0,
            ci95_high: 0.0,
        };
    }
    let mean = mean_of(n, sum);
    if n == 1 {
        return Summary {
            n,
            mean,
            sd: 0.0,
            ci95_low: mean,
            ci95_high: mean,
        };
    }
    let var = squares / (n - 1) as f64;
    let sd = var.sqrt();
    let half = t_quantile(0.975, (n - 1) as f64) * sd / (n as f64).sqrt();
    Summary {
        n,
        mean,
        sd,
        ci95_low: mean - half,
        ci95_high: mean + half,
    }
}

/// Paired differences `b[i] - a[i]` over the pairs where both values exist, summarised.
/// With common random numbers the pairs share a seed, which removes shared noise.
pub fn paired_difference(a: &[Option<f64>], b: &[Option<f64>]) -> Summary {
    let d: Vec<f64> = a
        .iter()
        .zip(b)
        .filter_map(|(x, y)| Some((*y)? - (*x)?))
        .collect();
    summarize(&d)
}

/// Quantile of Student's t distribution with `df` degrees of freedom, for p in (0.5, 1).
/// Found by bisection on the CDF, so it is exact to about 1e-12 and deterministic.
pub fn t_quantile(p: f64, df: f64) -> f64 {
    let (mut lo, mut hi) = (0.0, 1.0e4);
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if t_cdf(mid, df) < p {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    0.5 * (lo + hi)
}

/// CDF of Student's t at t >= 0: 1 - I_{df/(df+t^2)}(df/2, 1/2) / 2.
pub fn t_cdf(t: f64, df: f64) -> f64 {
    let x = df / (df + t * t);
    let tail = 0.5 * incomplete_beta(x, 0.5 * df, 0.5);
    if t >= 0.0 { 1.0 - tail } else { tail }
}

/// Regularised incomplete beta I_x(a, b) (continued fraction, Numerical Recipes 6.4).
pub fn incomplete_beta(x: f64, a: f64, b: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    if x >= 1.0 {
        return 1.0;
    }
    let ln_front = ln_gamma(a + b) - ln_gamma(a) - ln_gamma(b) + a * x.ln() + b * (1.0 - x).ln();
    let front = ln_front.exp();
    if x < (a + 1.0) / (a + b + 2.0) {
        front * beta_fraction(x, a, b) / a
    } else {
        1.0 - front * beta_fraction(1.0 - x, b, a) / b
    }
}

fn beta_fraction(x: f64, a: f64, b: f64) -> f64 {
    const TINY: f64 = 1e-300;
    let (qab, qap, qam) = (a + b, a + 1.0, a - 1.0);
    let mut c = 1.0;
    let mut d = 1.0 - qab * x / qap;
    if d.abs() < TINY {
        d = TINY;
    }
    d = 1.0 / d;
    let mut h = d;
    for m in 1..300 {
        let m = m as f64;
        let m2 = 2.0 * m;
        let aa = m * (b - m) * x / ((qam + m2) * (a + m2));
        d = 1.0 + aa * d;
        d = if d.abs() < TINY { TINY } else { d };
        c = 1.0 + aa / c;
        c = if c.abs() < TINY { TINY } else { c };
        d = 1.0 / d;
        h *= d * c;
        let aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
        d = 1.0 + aa * d;
        d = if d.abs() < TINY { TINY } else { d };
        c = 1.0 + aa / c;
        c = if c.abs() < TINY { TINY } else { c };
        d = 1.0 / d;
        let delta = d * c;
        h *= delta;
        if (delta - 1.0).abs() < 1e-15 {
            break;
        }
    }
    h
}

/// ln Gamma(x) for x > 0 (Lanczos approximation, g = 7, n = 9).
pub fn ln_gamma(x: f64) -> f64 {
    const G: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        let pi = std::f64::consts::PI;
        return (pi / (pi * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let mut a = G[0];
    let t = x + 7.5;
    for (i, g) in G.iter().enumerate().skip(1) {
        a += g / (x + i as f64);
    }
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + a.ln()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn t_quantiles_match_tables() {
        // Standard table values of t_{0.975, df}.
        for (df, expected) in [
            (1.0, 12.706_204_7),
            (4.0, 2.776_445_1),
            (9.0, 2.262_157_2),
            (29.0, 2.045_229_6),
            (1000.0, 1.962_339_0),
        ] {
            let got = t_quantile(0.975, df);
            assert!(
                (got - expected).abs() < 1e-6,
                "df {df}: {got} vs {expected}"
            );
        }
    }

    #[test]
    fn ci_of_a_known_sample_matches_a_hand_computation() {
        // 2, 4, 4, 4, 5, 5, 7, 9: mean 5, sd sqrt(32/7); half-width t_{.975,7} sd / sqrt 8.
        let s = summarize(&[2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0]);
        assert_eq!(s.mean, 5.0);
        assert!((s.sd - (32.0f64 / 7.0).sqrt()).abs() < 1e-12);
        let half = 2.364_624_251_6 * s.sd / 8f64.sqrt();
        assert!((s.ci95_high - 5.0 - half).abs() < 1e-6);
        assert!((5.0 - s.ci95_low - half).abs() < 1e-6);
    }

    #[test]
    fn paired_differences_skip_missing_pairs() {
        let a = [Some(1.0), Some(2.0), None, Some(4.0)];
        let b = [Some(2.0), Some(4.0), Some(9.0), Some(7.0)];
        let d = paired_difference(&a, &b);
        assert_eq!(d.n, 3);
        assert_eq!(d.mean, 2.0);
        assert_eq!(paired_difference(&a, &a).mean, 0.0);
        assert_eq!(paired_difference(&a, &a).sd, 0.0);
    }

    #[test]
    fn degenerate_samples_are_finite() {
        assert_eq!(summarize(&[]).mean, 0.0);
        let one = summarize(&[3.0]);
        assert_eq!((one.ci95_low, one.ci95_high), (3.0, 3.0));
        let same = summarize(&[2.0, 2.0, 2.0]);
        assert_eq!((same.sd, same.ci95_low, same.ci95_high), (0.0, 2.0, 2.0));
    }
}
