//! The layer rule of ARCHITECTURE.md, checked on the source: every module of the library imports
//! only modules of lower layers (rust-analyzer keeps its boundaries with tidy tests like this).
//!
//! A reference is any `crate::NAME` path outside comments, in `use` lines or inline. A module
//! that is not in the table fails the test, so a new module must be placed in a layer on
//! purpose.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Each top-level module of the library and its layer, lowest first. `stats` is a leaf
/// utility: anyone may use it, it uses nothing.
const LAYERS: &[(&str, u32)] = &[
    ("stats", 0),
    ("scenario", 0),
    ("world", 1),
    ("model", 2),
    ("metrics", 2),
    ("sim", 3),
    ("output", 4),
    ("experiment", 5),
    ("plot", 5),
    ("report", 6),
    ("serve", 7),
];

fn layer_of(module: &str) -> Option<u32> {
    LAYERS.iter().find(|(m, _)| *m == module).map(|&(_, l)| l)
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("readable src") {
        let path = entry.expect("dir entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level library modules a file refers to with `crate::NAME`, comments left out.
fn crate_references(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for line in text.lines() {
        let code = line.split("//").next().unwrap_or("");
        let mut rest = code;
        while let Some(at) = rest.find("crate::") {
            let after = &rest[at + "crate::".len()..];
            let name: String = after
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            // `crate::{a, b}` lists several modules.
            if name.is_empty() && after.starts_with('{') {
                let inner = after[1..].split('}').next().unwrap_or("");
                for part in inner.split(',') {
                    let head: String = part
                        .trim()
                        .chars()
                        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                        .collect();
                    if !head.is_empty() {
                        found.push(head);
                    }
                }
            } else if !name.is_empty() {
                found.push(name);
            }
            rest = after;
        }
    }
    found
}

/// The library's top-level modules, from `src/lib.rs`'s `pub mod` lines.
fn library_modules(src: &Path) -> Vec<String> {
    let lib = std::fs::read_to_string(src.join("lib.rs")).expect("src/lib.rs");
    lib.lines()
        .filter_map(|l| l.trim().strip_prefix("pub mod "))
        .map(|l| l.trim_end_matches(';').to_string())
        .collect()
}

#[test]
fn every_library_module_has_a_layer() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let unplaced: Vec<String> = library_modules(&src)
        .into_iter()
        .filter(|m| layer_of(m).is_none())
        .collect();
    assert!(
        unplaced.is_empty(),
        "modules with no layer in tests/layers.rs (and ARCHITECTURE.md): {unplaced:?}"
    );
}

#[test]
fn no_module_imports_one_of_its_own_layer_or_above() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut violations = BTreeMap::new();
    for module in library_modules(&src) {
        let Some(layer) = layer_of(&module) else {
            continue;
        };
        let mut files = Vec::new();
        let dir = src.join(&module);
        if dir.is_dir() {
            rust_files(&dir, &mut files);
        }
        let file = src.join(format!("{module}.rs"));
        if file.is_file() {
            files.push(file);
        }
        assert!(!files.is_empty(), "no source for module {module}");
        for path in files {
            let text = std::fs::read_to_string(&path).expect("readable source");
            for used in crate_references(&text) {
                if used == module {
                    continue;
                }
                let allowed = match layer_of(&used) {
                    Some(l) => l < layer || used == "stats",
                    // Crate-root items (`crate::VERSION`) belong to no layer.
                    None => used.chars().all(|c| c.is_ascii_uppercase() || c == '_'),
                };
                if !allowed {
                    violations
                        .entry(format!("{}", path.strip_prefix(&src).unwrap().display()))
                        .or_insert_with(Vec::new)
                        .push(used);
                }
            }
        }
    }
    assert!(
        violations.is_empty(),
        "imports that go sideways or up the layers (see ARCHITECTURE.md): {violations:#?}"
    );
}

#[test]
fn the_checker_sees_what_it_must() {
    let refs = crate_references(
        "use crate::world::World;\nlet x = crate::sim::run(); // crate::plot\nuse crate::{model, metrics::Record};",
    );
    assert_eq!(refs, ["world", "sim", "model", "metrics"]);
}
