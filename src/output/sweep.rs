//! A sweep's files: the rows of `runs.csv` and `timeseries.csv` (formatted per run, appended
//! to the part files by `experiment::sweep`), `points.csv` computed from `runs.csv`, and the
//! concatenation of shards' files.

use std::borrow::Cow;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Write};
use std::path::PathBuf;

use super::schema::{self, PointsRow, RunsRow, SweepSeriesRow, Table, summary_columns};
use super::summary_values;
use crate::metrics::COLUMN_COUNT;
use crate::sim::{Measured, ReplicateOutput};
use crate::stats::summarize;

/// A header as the bytes of one CSV line.
fn header_line(header: &[String]) -> io::Result<Vec<u8>> {
    let mut w = schema::writer(Vec::new());
    w.write_record(header)?;
    w.into_inner().map_err(|e| e.into_error())
}

/// The header line of `runs.csv` for these varied keys.
pub fn runs_header(varied: &[String]) -> io::Result<Vec<u8>> {
    header_line(&RunsRow::header(varied, &summary_columns()))
}

/// The header line of a sweep's `timeseries.csv`.
pub fn series_header() -> io::Result<Vec<u8>> {
    header_line(&SweepSeriesRow::header())
}

/// One run's row of `runs.csv` and its rows of `timeseries.csv`: every `series_every`-th tick
/// and the last (only the last when `series_every` is 0).
pub fn run_rows(
    scenario: &str,
    run: u64,
    point: usize,
    point_values: &[String],
    out: &ReplicateOutput,
    series_every: u32,
) -> io::Result<(Vec<u8>, Vec<u8>)> {
    let mut runs = schema::writer(Vec::with_capacity(512));
    runs.serialize(RunsRow {
        run,
        point,
        replicate: out.replicate,
        seed: out.seed,
        point_values: point_values
            .iter()
            .map(|v| Cow::Borrowed(v.as_str()))
            .collect(),
        measures: summary_values(out),
    })?;
    // The key columns are the same on every row of a run: the csv writer formats them once
    // (quoting a scenario name that needs it), as a row without values, and each row copies
    // them. The values then go straight into the buffer as `num::list` writes them
    // (`Display`, which never needs quoting), without a String per value nor serde's
    // per-field work: the series is most of a sweep's writing.
    let mut keys = schema::writer(Vec::with_capacity(64));
    keys.serialize(SweepSeriesRow {
        scenario: Cow::Borrowed(scenario),
        run,
        point,
        replicate: out.replicate,
        seed: out.seed,
        values: Vec::new(),
    })?;
    let mut keys = keys.into_inner().map_err(|e| e.into_error())?;
    keys.pop(); // the record's b'\n'
    let last = out.records.len().saturating_sub(1);
    let kept_rows = if series_every == 0 {
        1
    } else {
        last / series_every as usize + 2
    };
    let mut series = Vec::with_capacity(kept_rows * (keys.len() + 16 * COLUMN_COUNT));
    let mut digits = ryu::Buffer::new();
    // The ticks the run measured when it ran with the same rule (`sweep` does).
    let kept = Measured::Every(series_every);
    for (tick, record) in out.records.iter().enumerate() {
        if kept.keeps(tick as u32, last as u32) {
            series.extend_from_slice(&keys);
            for value in record.array() {
                series.push(b',');
                push_display(&mut series, value, &mut digits);
            }
            series.push(b'\n');
        }
    }
    Ok((runs.into_inner().map_err(|e| e.into_error())?, series))
}

/// Appends `x` exactly as `Display` writes it (the files' number format: shortest round-trip
/// digits, never an exponent), from the digits `ryu` finds: the same shortest, closest
/// digits (a test holds the two equal over random bit patterns), found faster than
/// `Display`'s Grisu; only the layout is redone. Not finite: `Display` itself.
fn push_display(out: &mut Vec<u8>, x: f64, buffer: &mut ryu::Buffer) {
    if !x.is_finite() {
        // Not reached by metrics (finite by construction); kept exact all the same.
        let _ = write!(out, "{x}");
        return;
    }
    // ryu writes [-]int[.frac][e[-]exp], e.g. `1.0`, `0.001`, `1e-7`, `1.5e21`.
    let text = buffer.format_finite(x).as_bytes();
    let (negative, text) = match text.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, text),
    };
    let (mantissa, exponent) = match text.iter().position(|&c| c == b'e') {
        Some(e) => {
            let exp = std::str::from_utf8(&text[e + 1..])
                .ok()
                .and_then(|s| s.parse::<i32>().ok())
                .expect("ryu writes a decimal exponent");
            (&text[..e], exp)
        }
        None => (text, 0),
    };
    let (int, frac) = match mantissa.iter().position(|&c| c == b'.') {
        Some(p) => (&mantissa[..p], &mantissa[p + 1..]),
        None => (mantissa, &[][..]),
    };
    // The significant digits and where the decimal point falls after the first of them.
    let mut point = int.len() as i32 + exponent;
    let all = int.iter().chain(frac).copied();
    let mut digits = [0u8; 32];
    let mut len = 0;
    for d in all {
        if len == 0 && d == b'0' {
            point -= 1;
            continue;
        }
        digits[len] = d;
        len += 1;
    }
    while len > 0 && digits[len - 1] == b'0' {
        len -= 1;
    }
    match halfway_rounded_up(x, &digits[..len]) {
        Some(true) => digits[len - 1] += 1,
        Some(false) => {}
        None => {
            let _ = write!(out, "{x}");
            return;
        }
    }
    if negative {
        out.push(b'-');
    }
    let digits = &digits[..len];
    if digits.is_empty() {
        out.push(b'0');
    } else if point <= 0 {
        out.extend_from_slice(b"0.");
        out.extend(std::iter::repeat_n(b'0', (-point) as usize));
        out.extend_from_slice(digits);
    } else if point as usize >= digits.len() {
        out.extend_from_slice(digits);
        out.extend(std::iter::repeat_n(b'0', point as usize - digits.len()));
    } else {
        out.extend_from_slice(&digits[..point as usize]);
        out.push(b'.');
        out.extend_from_slice(&digits[point as usize..]);
    }
}

/// Whether the exact value of `x` lies halfway between `digits` (ryu's shortest digits,
/// leading and trailing zeros dropped) and the next number of as many digits: ryu then
/// picks the even one, `Display` the one further from zero, so the caller adds one to the
/// last digit (ryu's digit is even there: no carry). Such ties are common among f32 values
/// widened to f64 (exact binary fractions with few digits). `None` for an integer of 2^53 or
/// more, where the caller lets `Display` write it.
///
/// A tie needs the exact decimal expansion of `x` to be one digit longer than `digits` and
/// to end in 5. With x = m / 2^k (m odd), that expansion is the digits of m x 5^k: at most
/// 18 digits only if k <= 27, so longer ones (no tie) are not computed.
fn halfway_rounded_up(x: f64, digits: &[u8]) -> Option<bool> {
    let bits = x.abs().to_bits();
    let (biased, fraction) = ((bits >> 52) as i32, bits & ((1 << 52) - 1));
    let (mut m, mut e) = if biased == 0 {
        (fraction, -1074)
    } else {
        (fraction | 1 << 52, biased - 1075)
    };
    if m == 0 {
        return Some(false);
    }
    e += m.trailing_zeros() as i32;
    m >>= m.trailing_zeros();
    if e >= 0 {
        // An integer: below 2^53 its shortest digits are all of its digits (no tie).
        return (x.abs() < 9_007_199_254_740_992.0).then_some(false);
    }
    let k = (-e) as u32;
    if k > 27 || digits.is_empty() || digits.len() > 18 {
        return Some(false);
    }
    let exact = u128::from(m) * 5u128.pow(k);
    let shortest = digits
        .iter()
        .fold(0u128, |n, &d| n * 10 + u128::from(d - b'0'));
    Some(exact == shortest * 10 + 5)
}

/// `points.csv` from the `runs.csv` files (in run order; their rows point-major): per point,
/// its values (as its runs.csv rows give them) and each summary measure's n, mean, sd and 95%
/// CI. One pass; memory holds one point.
pub fn write_points(
    out: &mut impl Write,
    runs_files: &[PathBuf],
    varied: &[String],
) -> io::Result<()> {
    let mut w = schema::writer(out);
    w.write_record(PointsRow::header(varied))?;
    let mut measures: Vec<String> = Vec::new();
    let mut current: Option<(usize, Vec<String>)> = None;
    let mut values: Vec<Vec<f64>> = Vec::new();
    let flush = |w: &mut csv::Writer<_>,
                 (point, point_values): &(usize, Vec<String>),
                 measures: &[String],
                 values: &mut Vec<Vec<f64>>|
     -> io::Result<()> {
        for (m, xs) in measures.iter().zip(values.iter_mut()) {
            let s = summarize(xs);
            w.serialize(PointsRow {
                point: *point,
                point_values: point_values
                    .iter()
                    .map(|v| Cow::Borrowed(v.as_str()))
                    .collect(),
                metric: Cow::Borrowed(m),
                n: s.n,
                mean: s.mean,
                sd: s.sd,
                ci95_low: s.ci95_low,
                ci95_high: s.ci95_high,
            })?;
            xs.clear();
        }
        Ok(())
    };
    for (i, path) in runs_files.iter().enumerate() {
        let mut table = Table::open(path).map_err(io::Error::other)?;
        if i == 0 {
            measures = table
                .header
                .iter()
                .skip(4 + varied.len())
                .map(str::to_string)
                .collect();
            values = vec![Vec::new(); measures.len()];
        }
        let (shown, header) = (table.path.clone(), table.header.clone());
        let mut failed: io::Result<()> = Ok(());
        table
            .records(|record, _| {
                let row = RunsRow::from_record(record, varied.len(), &shown, &header)?;
                if current.as_ref().is_none_or(|(p, _)| *p != row.point) {
                    if let Some(c) = &current {
                        // The writer's errors are io errors: keep the first and stop adding.
                        if failed.is_ok() {
                            failed = flush(&mut w, c, &measures, &mut values);
                        }
                    }
                    let values = row.point_values.iter().map(|v| v.to_string()).collect();
                    current = Some((row.point, values));
                }
                for (xs, x) in values.iter_mut().zip(&row.measures) {
                    xs.extend(*x);
                }
                Ok(())
            })
            .map_err(io::Error::other)?;
        failed?;
    }
    if let Some(c) = &current {
        flush(&mut w, c, &measures, &mut values)?;
    }
    w.flush()
}

/// Concatenates CSV files that share a header, keeping the first header only (bytes copied
/// as they are).
pub fn concat_csv(out: &mut impl Write, files: &[PathBuf]) -> io::Result<()> {
    for (i, path) in files.iter().enumerate() {
        let f = File::open(path)
            .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", path.display())))?;
        let mut reader = BufReader::new(f);
        let mut header = String::new();
        reader.read_line(&mut header)?;
        if i == 0 {
            out.write_all(header.as_bytes())?;
        }
        io::copy(&mut reader, out)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::Record;

    /// The series rows as the csv writer and serde write them (what `run_rows` wrote before
    /// it formatted the values itself).
    fn by_serde(scenario: &str, out: &ReplicateOutput, kept: &[usize]) -> Vec<u8> {
        let mut w = schema::writer(Vec::new());
        for &tick in kept {
            w.serialize(SweepSeriesRow {
                scenario: Cow::Borrowed(scenario),
                run: 7,
                point: 2,
                replicate: out.replicate,
                seed: out.seed,
                values: out.records[tick].values(),
            })
            .unwrap();
        }
        w.into_inner().unwrap()
    }

    fn displayed(x: f64) -> String {
        let mut out = Vec::new();
        push_display(&mut out, x, &mut ryu::Buffer::new());
        String::from_utf8(out).unwrap()
    }

    #[test]
    #[allow(clippy::excessive_precision)] // a halfway value, written exactly
    fn numbers_are_written_as_display_writes_them() {
        let special = [
            0.0,
            -0.0,
            1.0,
            -1.0,
            10.0,
            0.1,
            1e-7,
            1e21,
            1e22,
            1.5e300,
            123456789012345680.0,
            0.30000000000000004,
            // Halfway between two shortest candidates: Display rounds up, ryu to even.
            0.73346710205078125,
            0.5000000000000001,
            2.5,
            9007199254740993.0,
            1.8446744073709552e19,
            f64::MIN_POSITIVE,
            5e-324,
            f64::MAX,
            f64::MIN,
            f64::EPSILON,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ];
        for x in special {
            assert_eq!(displayed(x), x.to_string(), "{x:e}");
        }
        // Random bit patterns (every exponent), and values in the metrics' ranges: shares,
        // counts, sums of f32s.
        use rand::{RngExt, SeedableRng};
        let mut rng = crate::world::rng::ModelRng::seed_from_u64(17);
        for _ in 0..200_000 {
            let bits = f64::from_bits(rng.random::<u64>());
            let share: f64 = rng.random();
            let count = f64::from(rng.random_range(0..100_000u32));
            let small = f64::from(rng.random::<f32>()) * 1e-3;
            // f32 values widened (trust, fit): exact short binary fractions, where two
            // shortest candidates can be equally near.
            let widened = f64::from(rng.random::<f32>());
            let widened_big = f64::from(rng.random::<f32>() * 1e4);
            for x in [bits, share, count, small, share * 1e6, widened, widened_big] {
                assert_eq!(displayed(x), x.to_string(), "{x:e}");
            }
        }
    }

    #[test]
    fn series_rows_are_the_bytes_serde_writes() {
        let awkward = [
            0.0,
            -0.0,
            1.0,
            -2.5,
            1e-7,
            1e21,
            0.1 + 0.2,
            f64::MIN_POSITIVE,
            f64::MAX,
            123456789.125,
        ];
        let records: Vec<Record> = (0..5)
            .map(|t| {
                let mut r = Record {
                    tick: t as f64,
                    ..Record::default()
                };
                r.mean_trust = awkward[t * 2];
                r.transitivity = awkward[t * 2 + 1];
                r.resource_gini = 1.0 / (t as f64 + 3.0);
                r
            })
            .collect();
        let out = ReplicateOutput {
            replicate: 3,
            seed: u64::MAX,
            records,
            ties: Vec::new(),
            nodes: Vec::new(),
            networks: Vec::new(),
            first_full_stage_tick: None,
            max_ledger_error: 0.0,
            ledger: Vec::new(),
        };
        // A scenario name the csv writer must quote, and a plain one; every tick, every
        // second tick and the last, the last only.
        for scenario in ["baseline", "a \"b\", c"] {
            for (every, kept) in [(1, vec![0, 1, 2, 3, 4]), (3, vec![0, 3, 4]), (0, vec![4])] {
                let (_, series) = run_rows(scenario, 7, 2, &[], &out, every).unwrap();
                assert_eq!(
                    String::from_utf8(series).unwrap(),
                    String::from_utf8(by_serde(scenario, &out, &kept)).unwrap(),
                    "{scenario}, every {every}"
                );
            }
        }
    }
}
