//! The schema of every CSV file: one serde row type per file, written and read with `csv`.
//!
//! A row type's field names are its file's columns, in order ([`header`] reads them off the
//! type). A field holding a list stands for columns named elsewhere: the metric columns of
//! `metrics::COLUMNS`, the summary measures of [`summary_columns`], a sweep's varied keys.
//! Numbers are written as Rust's `Display` writes them (shortest round-trip, never an exponent:
//! `1`, `0.0000001`, `-0`), not as the `csv` serializer would (`1.0`, `1e-7`), so identical
//! runs give identical bytes; `None` is an empty cell. Fields are quoted only when they hold a
//! comma, a quote or a line break.

mod calibrate;
mod compare;
mod read;
mod run;
mod sensitivity;
mod sweep;

pub use calibrate::{CandidateRow, GenerationRow, MarginalRow, ParticleRow, read_candidate_values};
pub use compare::CompareRow;
pub use read::{SchemaError, Table};
pub use run::{
    GAP_MEANING, LedgerRow, NodeRow, SummaryRow, TieRow, TimeseriesRow, summary_columns,
};
pub use sensitivity::{DUMMY, MorrisRow, SobolRow, read_rows};
pub use sweep::{PointsRow, RunsRow, SweepSeriesRow};

use std::io::Write;

use serde::de::{self, Deserialize, Deserializer, Visitor};
use serde::{Serialize, Serializer};

/// A CSV writer with the files' conventions (comma, `\n`, quotes only where needed); the header
/// is written by the caller from [`header`], so a file without rows still has one.
pub fn writer<W: Write>(out: W) -> csv::Writer<W> {
    csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(out)
}

/// A number as every file writes it: `Display`, the shortest string that reads back exactly.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Num(pub f64);

impl Serialize for Num {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&self.0)
    }
}

/// `serialize_with` helpers for `f64` fields and lists.
pub mod num {
    use super::Num;
    use serde::Serializer;

    pub fn one<S: Serializer>(x: &f64, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(x)
    }

    pub fn opt<S: Serializer>(x: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
        match x {
            Some(x) => s.collect_str(x),
            None => s.serialize_none(),
        }
    }

    pub fn list<S: Serializer>(xs: &[f64], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(xs.iter().map(|&x| Num(x)))
    }

    pub fn opt_list<S: Serializer>(xs: &[Option<f64>], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(xs.iter().map(|x| x.map(Num)))
    }
}

/// The field names of a row type, in order: its columns (read off the serde derive).
pub fn fields<'de, T: Deserialize<'de>>() -> &'static [&'static str] {
    let mut found = None;
    let _ = T::deserialize(FieldNames(&mut found));
    found.unwrap_or(&[])
}

/// A row type's header, each list field replaced by the columns it stands for.
pub fn header<'de, T: Deserialize<'de>>(lists: &[(&str, &[&str])]) -> Vec<String> {
    let mut out = Vec::new();
    for &field in fields::<T>() {
        match lists.iter().find(|(name, _)| *name == field) {
            Some((_, columns)) => out.extend(columns.iter().map(|c| c.to_string())),
            None => out.push(field.to_string()),
        }
    }
    out
}

/// A deserializer that only records the field names a derived struct asks for.
struct FieldNames<'a>(&'a mut Option<&'static [&'static str]>);

impl<'de> Deserializer<'de> for FieldNames<'_> {
    type Error = de::value::Error;

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
        Err(de::Error::custom("not a struct"))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        _visitor: V,
    ) -> Result<V::Value, Self::Error> {
        *self.0 = Some(fields);
        Err(de::Error::custom("field names recorded"))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
        ignored_any
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_written_as_display_writes_them() {
        #[derive(Serialize)]
        struct R {
            #[serde(serialize_with = "num::one")]
            a: f64,
            #[serde(serialize_with = "num::opt")]
            b: Option<f64>,
            #[serde(serialize_with = "num::opt")]
            c: Option<f64>,
            #[serde(serialize_with = "num::list")]
            d: Vec<f64>,
            e: &'static str,
        }
        let mut w = writer(Vec::new());
        w.serialize(R {
            a: 1.0,
            b: None,
            c: Some(1e-7),
            d: vec![-0.0, 0.1, 1e21],
            e: "a, \"b\"",
        })
        .unwrap();
        let text = String::from_utf8(w.into_inner().unwrap()).unwrap();
        assert_eq!(
            text,
            "1,,0.0000001,-0,0.1,1000000000000000000000,\"a, \"\"b\"\"\"\n"
        );
    }

    #[test]
    fn headers_come_from_the_row_types() {
        assert_eq!(
            header::<TieRow>(&[]),
            ["replicate", "tick", "source", "target", "trust"]
        );
        let h = header::<TimeseriesRow>(&[("values", &["tick", "x"])]);
        assert_eq!(h, ["scenario", "replicate", "seed", "tick", "x"]);
    }
}
