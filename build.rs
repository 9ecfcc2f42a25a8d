//! Embeds every shipped scenario (`scenarios/**/*.toml`) into the binary, so `coordsim run NAME`
//! works from any folder, and the calibration target files (`scenarios/targets/*.toml`, not
//! scenarios) beside them. The lists are generated, so a new file needs no code change.

use std::path::{Path, PathBuf};

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            // Target files are not scenarios: they are embedded on their own list.
            if !path.ends_with("scenarios/targets") {
                collect(&path, out);
            }
        } else if path.extension().is_some_and(|e| e == "toml") {
            out.push(path);
        }
    }
}

/// FNV-1a over the files that determine behaviour, so a sweep can tell two builds apart even
/// when they carry the same version number.
fn build_id(root: &Path) -> String {
    let mut files = Vec::new();
    for dir in ["src", "scenarios"] {
        collect_all(&root.join(dir), &mut files);
    }
    files.push(root.join("Cargo.lock"));
    files.push(root.join("Cargo.toml"));
    files.sort();
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for f in &files {
        println!("cargo:rerun-if-changed={}", f.display());
        let rel = f
            .strip_prefix(root)
            .unwrap_or(f)
            .to_string_lossy()
            .replace('\\', "/");
        for byte in rel.bytes().chain(std::fs::read(f).unwrap_or_default()) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{hash:016x}")
}

fn collect_all(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect_all(&path, out);
        } else {
            out.push(path);
        }
    }
}

fn main() {
    let manifest_dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap());
    println!(
        "cargo:rustc-env=COORDSIM_BUILD_ID={}",
        build_id(&manifest_dir)
    );
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap()).join("scenarios");
    println!("cargo:rerun-if-changed={}", root.display());
    let mut code = String::new();
    let mut scenarios = Vec::new();
    collect(&root, &mut scenarios);
    let mut targets = Vec::new();
    collect(&root.join("targets"), &mut targets);
    for (name, what, mut files) in [
        ("BUILTIN", "Shipped scenarios", scenarios),
        (
            "BUILTIN_TARGETS",
            "Shipped calibration target files",
            targets,
        ),
    ] {
        files.sort();
        code.push_str(&format!(
        "/// {what}: (path under scenarios/, file text), sorted by path.\npub static {name}: &[(&str, &str)] = &[\n",
    ));
        for f in &files {
            println!("cargo:rerun-if-changed={}", f.display());
            let rel = f
                .strip_prefix(&root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            code.push_str(&format!(
                "    ({rel:?}, include_str!({:?})),\n",
                f.display().to_string()
            ));
        }
        code.push_str("];\n");
    }
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap()).join("builtin_scenarios.rs");
    std::fs::write(out, code).unwrap();
}
