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

/// Longest `meta.name`: it titles every chart and names the default output folder.
pub const MAX_NAME_CHARS: usize = 200;

/// Reads the `[meta]` table into `meta`, returning every problem found.
pub(super) fn read_meta(value: &Spanned<DeValue<'_>>, meta: &mut Meta) -> Vec<MetaError> {
    let DeValue::Table(table) = value.get_ref() else {
        return vec![(value.span(), Some("meta".into()), "expected a table".into())];
    };
    let mut errors = Vec::new();
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
        let read = match key {
            "name" => as_string(v).and_then(|name| {
                let chars = name.chars().count();
                if chars > MAX_NAME_CHARS {
                    Err((
                        v.span(),
                        Some(full.clone()),
                        format!(
                            "expected a name of at most {MAX_NAME_CHARS} characters, found {chars}"
                        ),
                    ))
                } else {
                    meta.name = Some(name);
                    Ok(())
                }
            }),
            "group" => as_string(v).map(|x| meta.group = Some(x)),
            "description" => as_string(v).map(|x| meta.description = Some(x)),
            "what_it_shows" => as_string(v).map(|x| meta.what_it_shows = Some(x)),
            "things_to_notice" => as_string(v).map(|x| meta.things_to_notice = Some(x)),
            "things_to_try" => as_string(v).map(|x| meta.things_to_try = Some(x)),
            "sources" => match v.get_ref() {
                DeValue::Array(items) => items
                    .iter()
                    .map(as_string)
                    .collect::<Result<_, _>>()
                    .map(|x| meta.sources = x),
                _ => as_string(v).map(|x| meta.sources = vec![x]),
            },
            _ => {
                let msg = match nearest(key, META_KEYS.iter().copied()) {
                    Some(n) => format!("unknown key `{full}` (did you mean `meta.{n}`?)"),
                    None => format!("unknown key `{full}`"),
                };
                Err((k.span(), Some(full.clone()), msg))
            }
        };
        if let Err(e) = read {
            errors.push(e);
        }
    }
    errors
}
