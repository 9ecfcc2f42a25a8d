//! Parameter value types: how a scenario value is read, range-checked and written back.
//!
//! Every parameter has a Rust type implementing [`ParamType`] and a [`Range`]; together they
//! are the single source of what a key accepts, used by validation, `explain` and the docs.

use std::fmt;

/// A scalar read from a scenario file or a `--set` override, before it is typed.
#[derive(Debug, Clone, PartialEq)]
pub enum RawValue {
    Integer(i64),
    Float(f64),
    Bool(bool),
    String(String),
    /// Arrays, tables and datetimes: never valid for a parameter; kept for the message.
    Other(&'static str),
}

impl RawValue {
    pub fn type_name(&self) -> &'static str {
        match self {
            RawValue::Integer(_) => "an integer",
            RawValue::Float(_) => "a float",
            RawValue::Bool(_) => "a boolean",
            RawValue::String(_) => "a string",
            RawValue::Other(t) => t,
        }
    }
}

/// What values a parameter accepts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Range {
    /// A real number in `[lo, hi]`.
    Real { lo: f64, hi: f64 },
    /// A whole number in `[lo, hi]`.
    Whole { lo: u64, hi: u64 },
    /// `true` or `false`.
    Switch,
    /// One of a fixed set of names.
    Choice(&'static [&'static str]),
}

impl Range {
    pub const fn real(lo: f64, hi: f64) -> Self {
        Range::Real { lo, hi }
    }
    pub const fn whole(lo: u64, hi: u64) -> Self {
        Range::Whole { lo, hi }
    }
}

impl fmt::Display for Range {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Range::Real { lo, hi } => write!(f, "a number in [{}, {}]", fmt_num(*lo), fmt_num(*hi)),
            Range::Whole { lo, hi } => write!(f, "a whole number in [{lo}, {hi}]"),
            Range::Switch => write!(f, "true or false"),
            Range::Choice(names) => {
                let quoted: Vec<String> = names.iter().map(|n| format!("\"{n}\"")).collect();
                write!(f, "one of {}", quoted.join(", "))
            }
        }
    }
}

fn fmt_num(x: f64) -> String {
    if x == f64::MAX {
        "inf".to_string()
    } else {
        format!("{x}")
    }
}

/// A number as echoed in an error: as written for ordinary magnitudes, in exponent form for
/// huge or tiny ones (so `1e308` is not echoed as 309 digits).
pub fn short_num(x: f64) -> String {
    let magnitude = x.abs();
    if x.is_finite() && (magnitude >= 1e16 || (magnitude != 0.0 && magnitude < 1e-6)) {
        format!("{x:e}")
    } else {
        format!("{x}")
    }
}

/// A type a parameter can have.
pub trait ParamType: Sized + Clone {
    /// Reads and range-checks a raw value; the error says what was expected.
    fn parse(raw: &RawValue, range: &Range) -> Result<Self, String>;
    /// The value as TOML, for the manifest and `explain`.
    fn to_toml(&self) -> toml::Value;
}

impl ParamType for f64 {
    fn parse(raw: &RawValue, range: &Range) -> Result<Self, String> {
        let x = match raw {
            RawValue::Float(x) => *x,
            RawValue::Integer(i) => *i as f64,
            other => return Err(format!("expected {range}, found {}", other.type_name())),
        };
        match range {
            Range::Real { lo, hi } if x.is_finite() && x >= *lo && x <= *hi => Ok(x),
            _ => Err(format!("expected {range}, found {}", short_num(x))),
        }
    }
    fn to_toml(&self) -> toml::Value {
        toml::Value::Float(*self)
    }
}

macro_rules! whole_param {
    ($t:ty) => {
        impl ParamType for $t {
            fn parse(raw: &RawValue, range: &Range) -> Result<Self, String> {
                let RawValue::Integer(i) = raw else {
                    return Err(format!("expected {range}, found {}", raw.type_name()));
                };
                match range {
                    Range::Whole { lo, hi }
                        if *i >= 0 && (*i as u64) >= *lo && (*i as u64) <= *hi =>
                    {
                        <$t>::try_from(*i).map_err(|_| format!("expected {range}, found {i}"))
                    }
                    _ => Err(format!("expected {range}, found {i}")),
                }
            }
            fn to_toml(&self) -> toml::Value {
                // Seeds above i64::MAX are written as strings so the manifest stays valid TOML/JSON.
                match i64::try_from(*self) {
                    Ok(i) => toml::Value::Integer(i),
                    Err(_) => toml::Value::String(self.to_string()),
                }
            }
        }
    };
}
whole_param!(u32);
whole_param!(u64);

impl ParamType for bool {
    fn parse(raw: &RawValue, range: &Range) -> Result<Self, String> {
        match raw {
            RawValue::Bool(b) => Ok(*b),
            other => Err(format!("expected {range}, found {}", other.type_name())),
        }
    }
    fn to_toml(&self) -> toml::Value {
        toml::Value::Boolean(*self)
    }
}

/// Declares a string-valued choice parameter: an enum whose variants have fixed scenario names.
macro_rules! choice_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
        pub enum $name { $($(#[$vmeta])* #[serde(rename = $text)] $variant),+ }

        impl $name {
            pub const NAMES: &'static [&'static str] = &[$($text),+];
            pub const RANGE: $crate::scenario::value::Range = $crate::scenario::value::Range::Choice(Self::NAMES);
            pub fn name(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl $crate::scenario::value::ParamType for $name {
            fn parse(raw: &$crate::scenario::value::RawValue, range: &$crate::scenario::value::Range) -> Result<Self, String> {
                match raw {
                    $($crate::scenario::value::RawValue::String(s) if s == $text => Ok($name::$variant),)+
                    $crate::scenario::value::RawValue::String(s) => Err(format!("expected {range}, found \"{s}\"")),
                    other => Err(format!("expected {range}, found {}", other.type_name())),
                }
            }
            fn to_toml(&self) -> toml::Value {
                toml::Value::String(self.name().to_string())
            }
        }
    };
}
pub(crate) use choice_enum;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reals_accept_integers_and_reject_out_of_range() {
        let r = Range::real(0.0, 1.0);
        assert_eq!(f64::parse(&RawValue::Integer(1), &r), Ok(1.0));
        let err = f64::parse(&RawValue::Float(1.5), &r).unwrap_err();
        assert_eq!(err, "expected a number in [0, 1], found 1.5");
        assert!(
            f64::parse(&RawValue::String("x".into()), &r)
                .unwrap_err()
                .contains("found a string")
        );
    }

    #[test]
    fn wholes_reject_negative_and_floats() {
        let r = Range::whole(1, 10);
        assert_eq!(u32::parse(&RawValue::Integer(3), &r), Ok(3));
        assert!(u32::parse(&RawValue::Integer(-3), &r).is_err());
        assert!(u32::parse(&RawValue::Integer(0), &r).is_err());
        assert!(
            u32::parse(&RawValue::Float(3.0), &r)
                .unwrap_err()
                .contains("found a float")
        );
    }
}
