//! The target file reader on small texts: every field, and every problem with its position.

use super::*;

fn check(text: &str) -> Result<TargetFile, Vec<ScenarioError>> {
    TargetFile::check(text, Origin::File("t.toml".into()))
}

const GOOD: &str = "[calibrate]\npopulation = 50\n[calibrate.priors]\n\
    \"trust.half_life_ticks\" = { prior = \"log-uniform\", low = 5, high = 100 }\n\
    \"gatherings.places\" = { prior = \"normal\", mean = 16, sd = 4, low = 4, high = 40 }\n\
    [[target]]\nmeasure = \"final_networks\"\nlow = 15\n\
    [[target]]\nmeasure = \"networks\"\ntick = 26\nobserved = 10\nscale = 2\n";

#[test]
fn a_good_file_reads_whole() {
    let f = check(GOOD).unwrap();
    assert_eq!(f.settings.population, 50);
    assert_eq!(f.priors.len(), 2);
    assert!(f.priors[1].whole);
    assert_eq!(f.targets[1].label(), "networks@26");
    assert_eq!(f.targets[1].at.1, 10);
    assert_eq!(f.targets[0].deviation(12.0), 0.2);
    assert_eq!(f.targets[0].deviation(20.0), 0.0);
    assert_eq!(f.targets[1].deviation(13.0), 1.5);
}

#[test]
fn problems_name_line_column_and_key() {
    let text = GOOD.replace("low = 5, high = 100", "low = 0, high = 100");
    let e = check(&text).unwrap_err()[0].to_string();
    assert!(e.starts_with("t.toml:4:"), "{e}");
    assert!(e.contains("calibrate.priors.trust.half_life_ticks"), "{e}");
    let e = check(&GOOD.replace("\"gatherings.places\"", "\"gathering.places\"")).unwrap_err()[0]
        .to_string();
    assert!(e.contains("did you mean `gatherings.places`"), "{e}");
    let e = check(&GOOD.replace("low = 15", "low = 15\nobserved = 3")).unwrap_err()[0].to_string();
    assert!(e.contains("not both"), "{e}");
    let e = check(&GOOD.replace("population = 50", "populaton = 50")).unwrap_err()[0].to_string();
    assert!(e.contains("did you mean `calibrate.population`"), "{e}");
    let e = check("[[target]]\nmeasure = \"x\"\nobserved = 1\n").unwrap_err()[0].to_string();
    assert!(e.contains("no priors"), "{e}");
}

#[test]
fn non_numeric_keys_cannot_be_calibrated() {
    let text = GOOD.replace(
        "\"gatherings.places\" = { prior = \"normal\", mean = 16, sd = 4, low = 4, high = 40 }",
        "\"funding.policy\" = { prior = \"uniform\", low = 0, high = 1 }",
    );
    let e = check(&text).unwrap_err()[0].to_string();
    assert!(e.contains("only numeric keys"), "{e}");
}
