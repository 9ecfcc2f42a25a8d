//! Every command's `manifest.json` (run, sweep, sweep shard, merge, compare, calibrate) validates against
//! the shipped JSON Schema, `docs/manifest.schema.json`, and the schema is strict enough to
//! reject a manifest with an unknown key, a missing key or the wrong section.
//!
//! The validator is a small one for the subset of JSON Schema (draft 2020-12) the file uses;
//! it refuses a schema with any other keyword, so it cannot pass by ignoring one. (The
//! `jsonschema` and `boon` crates would do, but each takes minutes to build on two cores.)

use std::path::Path;

use assert_cmd::Command;
use serde_json::{Value, json};

fn coordsim(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("coordsim").unwrap();
    cmd.current_dir(dir);
    cmd
}

fn schema() -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/manifest.schema.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// The keywords the validator knows; annotations are accepted and ignored.
const KEYWORDS: &[&str] = &[
    "type",
    "required",
    "properties",
    "additionalProperties",
    "items",
    "minItems",
    "maxItems",
    "const",
    "enum",
    "oneOf",
    "anyOf",
    "not",
    "$ref",
    "minimum",
    "minLength",
    "pattern",
];
const ANNOTATIONS: &[&str] = &["$schema", "$defs", "title", "description"];

/// Errors of `instance` against `schema` (`root` resolves `#/$defs/...` references).
fn validate(root: &Value, schema: &Value, instance: &Value, at: &str, errors: &mut Vec<String>) {
    let Some(obj) = schema.as_object() else {
        panic!("{at}: a schema must be an object, found {schema}");
    };
    for key in obj.keys() {
        assert!(
            KEYWORDS.contains(&key.as_str()) || ANNOTATIONS.contains(&key.as_str()),
            "the schema uses `{key}`, which this validator does not implement"
        );
    }
    if let Some(r) = obj.get("$ref").and_then(Value::as_str) {
        let target = r
            .strip_prefix("#")
            .and_then(|p| root.pointer(p))
            .unwrap_or_else(|| panic!("unresolved $ref {r}"));
        validate(root, target, instance, at, errors);
    }
    if let Some(t) = obj.get("type").and_then(Value::as_str) {
        let ok = match t {
            "object" => instance.is_object(),
            "array" => instance.is_array(),
            "string" => instance.is_string(),
            "integer" => instance.is_u64() || instance.is_i64(),
            "number" => instance.is_number(),
            "boolean" => instance.is_boolean(),
            "null" => instance.is_null(),
            other => panic!("unknown type {other}"),
        };
        if !ok {
            push(errors, at, format!("expected {t}, found {instance}"));
            return;
        }
    }
    if let Some(c) = obj.get("const")
        && c != instance
    {
        push(errors, at, format!("expected {c}, found {instance}"));
    }
    if let Some(options) = obj.get("enum").and_then(Value::as_array)
        && !options.contains(instance)
    {
        push(errors, at, format!("{instance} is not one of {options:?}"));
    }
    if let Some(min) = obj.get("minimum").and_then(Value::as_f64)
        && instance.as_f64().is_some_and(|x| x < min)
    {
        push(errors, at, format!("{instance} is below {min}"));
    }
    if let Some(s) = instance.as_str() {
        if let Some(min) = obj.get("minLength").and_then(Value::as_u64)
            && (s.chars().count() as u64) < min
        {
            push(errors, at, format!("\"{s}\" is shorter than {min}"));
        }
        if let Some(p) = obj.get("pattern").and_then(Value::as_str)
            && !regex::Regex::new(p).unwrap().is_match(s)
        {
            push(errors, at, format!("\"{s}\" does not match {p}"));
        }
    }
    if let Some(items) = instance.as_array() {
        if let Some(min) = obj.get("minItems").and_then(Value::as_u64)
            && (items.len() as u64) < min
        {
            push(errors, at, format!("fewer than {min} items"));
        }
        if let Some(max) = obj.get("maxItems").and_then(Value::as_u64)
            && (items.len() as u64) > max
        {
            push(errors, at, format!("more than {max} items"));
        }
        if let Some(item_schema) = obj.get("items") {
            for (i, item) in items.iter().enumerate() {
                validate(root, item_schema, item, &format!("{at}/{i}"), errors);
            }
        }
    }
    if let Some(map) = instance.as_object() {
        if let Some(required) = obj.get("required").and_then(Value::as_array) {
            for key in required.iter().filter_map(Value::as_str) {
                if !map.contains_key(key) {
                    errors.push(format!("{at}: missing required `{key}`"));
                }
            }
        }
        let properties = obj.get("properties").and_then(Value::as_object);
        for (key, value) in map {
            let here = format!("{at}/{key}");
            match properties.and_then(|p| p.get(key)) {
                Some(s) => validate(root, s, value, &here, errors),
                None => match obj.get("additionalProperties") {
                    Some(Value::Bool(false)) => errors.push(format!("{here}: not allowed")),
                    Some(s @ Value::Object(_)) => validate(root, s, value, &here, errors),
                    _ => {}
                },
            }
        }
    }
    let passes = |s: &Value| {
        let mut e = Vec::new();
        validate(root, s, instance, at, &mut e);
        e.is_empty()
    };
    if let Some(options) = obj.get("oneOf").and_then(Value::as_array) {
        let n = options.iter().filter(|s| passes(s)).count();
        if n != 1 {
            errors.push(format!("{at}: matches {n} of the oneOf schemas, not 1"));
        }
    }
    if let Some(options) = obj.get("anyOf").and_then(Value::as_array)
        && !options.iter().any(passes)
    {
        errors.push(format!("{at}: matches none of the anyOf schemas"));
    }
    if let Some(s) = obj.get("not")
        && passes(s)
    {
        errors.push(format!("{at}: matches a schema it must not"));
    }
}

fn push(errors: &mut Vec<String>, at: &str, message: String) {
    errors.push(format!("{at}: {message}"));
}

fn errors_of(instance: &Value) -> Vec<String> {
    let root = schema();
    let mut errors = Vec::new();
    validate(&root, &root, instance, "", &mut errors);
    errors
}

fn manifest(dir: &Path, out: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(dir.join(out).join("manifest.json")).unwrap())
        .unwrap()
}

const SMALL: &[&str] = &[
    "--ticks",
    "4",
    "--set",
    "population.communities=20",
    "--set",
    "population.regions=2",
    "--quiet",
    "--no-plots",
];

#[test]
fn every_command_writes_a_manifest_that_validates_against_the_shipped_schema() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    coordsim(d)
        .args(["run", "--replicates", "2", "--out", "run"])
        .args(SMALL)
        .assert()
        .success();
    let sweep = |extra: &[&str]| {
        coordsim(d)
            .args([
                "sweep",
                "baseline",
                "--vary",
                "funding.coordination_share=0,0.2",
            ])
            .args(["--replicates", "2"])
            .args(SMALL)
            .args(extra)
            .assert()
            .success();
    };
    sweep(&["--out", "sweep"]);
    sweep(&["--seeds", "common", "--design", "zip", "--out", "common"]);
    sweep(&["--shard", "0/2", "--out", "s0"]);
    sweep(&["--shard", "1/2", "--out", "s1"]);
    coordsim(d)
        .args(["merge", "s0", "s1", "--out", "merged"])
        .assert()
        .success();
    coordsim(d)
        .args([
            "compare",
            "baseline",
            "--what-if",
            "funding.policy=direct_service",
        ])
        .args(["--replicates", "2", "--out", "compare"])
        .args(SMALL)
        .assert()
        .success();
    std::fs::write(
        d.join("target.toml"),
        "[calibrate]\npopulation = 10\ngenerations = 2\n[calibrate.priors]\n\
         \"trust.cooperation_gain\" = { prior = \"uniform\", low = 0.02, high = 0.3 }\n\
         [[target]]\nmeasure = \"final_mean_trust\"\nobserved = 0.45\n",
    )
    .unwrap();
    coordsim(d)
        .args([
            "calibrate",
            "baseline",
            "--target",
            "target.toml",
            "--out",
            "calibrate",
        ])
        .args(SMALL)
        .assert()
        .success();
    for (out, kind) in [
        ("calibrate", "calibrate"),
        ("run", "run"),
        ("sweep", "sweep"),
        ("common", "sweep"),
        ("s0", "sweep"),
        ("s1", "sweep"),
        ("merged", "sweep"),
        ("compare", "compare"),
    ] {
        let m = manifest(d, out);
        assert_eq!(m["kind"], kind, "{out}");
        assert_eq!(errors_of(&m), Vec::<String>::new(), "{out}/manifest.json");
    }
    // A sweep of more points than a plan lists (10,000): its plan gives the levels instead.
    // Two million points, one shard of twenty runs computed; its points are computed from
    // their index (the first key slowest).
    let values = "1,2,3,4,5,6,7,8,9,10";
    coordsim(d)
        .args([
            "sweep",
            "baseline",
            "--replicates",
            "1",
            "--shard",
            "0/100000",
        ])
        .args(["--vary", &format!("run.seed={values}")])
        .args(["--vary", &format!("trust.half_life_ticks={values}")])
        .args(["--vary", &format!("output.ties_every={values}")])
        .args(["--vary", &format!("run.replicates={values}")])
        .args([
            "--vary",
            "population.initial_trust=0.1,0.2,0.3,0.4,0.5,0.6,0.7,0.8,0.9,1",
        ])
        .args([
            "--vary",
            &format!("run.ticks={values}"),
            "--vary",
            "governance.cells=false,true",
        ])
        .args(["--out", "huge"])
        .args(SMALL)
        .assert()
        .success();
    let huge = manifest(d, "huge");
    assert_eq!(errors_of(&huge), Vec::<String>::new(), "huge/manifest.json");
    let plan = &huge["sweep"]["plan"];
    assert_eq!(plan["total_runs"], 2_000_000);
    assert!(plan.get("points").is_none(), "{plan}");
    assert_eq!(plan["levels"][6], "governance.cells=false,true");
    let runs = std::fs::read_to_string(d.join("huge/runs.csv")).unwrap();
    let last: Vec<&str> = runs.lines().last().unwrap().split(',').collect();
    assert_eq!(
        &last[..11],
        [
            "19", "19", "0", last[3], "1", "1", "1", "1", "0.1", "10", "true"
        ]
    );
    let mut listed = huge.clone();
    listed["sweep"]["plan"]
        .as_object_mut()
        .unwrap()
        .remove("levels");
    assert!(
        errors_of(&listed).iter().any(|e| e.contains("anyOf")),
        "a plan must list its points or give its levels: {:?}",
        errors_of(&listed)
    );
    let shard = manifest(d, "s1");
    assert_eq!(shard["sweep"]["shard"], json!({"index": 1, "count": 2}));
    assert_eq!(
        manifest(d, "merged")["sweep"]["merged_from"],
        json!(["s0", "s1"])
    );
    assert_eq!(manifest(d, "merged")["threads"], 0);
}

#[test]
fn the_schema_rejects_unknown_and_missing_keys_and_the_wrong_section() {
    let dir = tempfile::tempdir().unwrap();
    coordsim(dir.path())
        .args(["run", "--replicates", "1", "--out", "r"])
        .args(SMALL)
        .assert()
        .success();
    let good = manifest(dir.path(), "r");
    assert!(errors_of(&good).is_empty());
    let changed = |f: &dyn Fn(&mut serde_json::Map<String, Value>)| {
        let mut m = good.clone();
        f(m.as_object_mut().unwrap());
        errors_of(&m)
    };
    let unknown = changed(&|m| {
        m.insert("replicate_seeds".into(), json!([1]));
    });
    assert!(
        unknown
            .iter()
            .any(|e| e.contains("/replicate_seeds: not allowed")),
        "{unknown:?}"
    );
    let missing = changed(&|m| {
        m.remove("seed_rule");
    });
    assert!(
        missing
            .iter()
            .any(|e| e.contains("missing required `seed_rule`")),
        "{missing:?}"
    );
    let nested = changed(&|m| {
        m["scenario"]
            .as_object_mut()
            .unwrap()
            .insert("path".into(), json!("x"));
    });
    assert!(
        nested
            .iter()
            .any(|e| e.contains("/scenario/path: not allowed")),
        "{nested:?}"
    );
    let wrong_kind = changed(&|m| {
        m.insert("kind".into(), json!("compare"));
    });
    assert!(
        wrong_kind.iter().any(|e| e.contains("oneOf")),
        "{wrong_kind:?}"
    );
    let bad_time = changed(&|m| {
        m.insert("started_at".into(), json!("yesterday"));
    });
    assert!(
        bad_time.iter().any(|e| e.contains("/started_at")),
        "{bad_time:?}"
    );
}
