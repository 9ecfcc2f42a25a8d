//! The `[meta]` table: what a scenario is and what to look for, read with its positions.

use serde::Serialize;
use toml::Spanned;
use toml::de::DeValue;

use super::error::nearest;

/// The `[meta]` table: what a scenario is and what to look for (NetLogo Info-tab style).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Meta {
    pub name: Option<String>,
    /// Heading under which `coordsim scenarios` lists it (e.g. "case studies").
    pub group: Option<String>,
    pub description: Option<String>,
    pub what_it_shows: Option<String>,
    pub things_to_notice: Option<String>,
    pub things_to_try: Option<String>,
    pub sources: Vec<String>,
}

pub const META_KEYS: &[&str] = &[
    "name",
    "group",
    "description",
    "what_it_shows",
    "things_to_notice",
    "things_to_try",
    "sources",
];

pub(super) type MetaError = (std::ops::Range<usize>, Option<String>, String);

pub(super) fn read_meta(value: &Spanned<DeValue<'_>>, meta: &mut Meta) -> Result<(), MetaError> {
    let DeValue::Table(table) = value.get_ref() else {
        return Err((value.span(), Some("meta".into()), "expected a table".into()));
    };
    for (k, v) in table {
        let key = k.get_ref().as_ref();
        let full = format!("meta.{key}");
        let as_string = |v: &Spanned<DeValue<'_>>| -> Result<String, MetaError> {
            v.get_ref().as_str().map(str::to_string).ok_or_else(|| {
                let found = v.get_ref().type_str();
                (
                    v.span(),
                    Some(full.clone()),
                    format!("expected a string, found {found}"),
                )
            })
        };
        match key {
            "name" => meta.name = Some(as_string(v)?),
            "group" => meta.group = Some(as_string(v)?),
            "description" => meta.description = Some(as_string(v)?),
            "what_it_shows" => meta.what_it_shows = Some(as_string(v)?),
            "things_to_notice" => meta.things_to_notice = Some(as_string(v)?),
            "things_to_try" => meta.things_to_try = Some(as_string(v)?),
            "sources" => match v.get_ref() {
                DeValue::Array(items) => {
                    meta.sources = items.iter().map(as_string).collect::<Result<_, _>>()?;
                }
                _ => meta.sources = vec![as_string(v)?],
            },
            _ => {
                let msg = match nearest(key, META_KEYS.iter().copied()) {
                    Some(n) => format!("unknown key `{full}` (did you mean `meta.{n}`?)"),
                    None => format!("unknown key `{full}`"),
                };
                return Err((k.span(), Some(full), msg));
            }
        }
    }
    Ok(())
}
