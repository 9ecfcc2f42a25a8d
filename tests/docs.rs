//! The documentation stays true: docs/model.md's parameter and measure tables are the ones the
//! code generates.

#[test]
fn the_parameter_table_in_docs_model_md_is_up_to_date() {
    let doc =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/model.md")).unwrap();
    let start = doc
        .find("<!-- parameters:start -->\n")
        .expect("start marker")
        + "<!-- parameters:start -->\n".len();
    let end = doc.find("<!-- parameters:end -->").expect("end marker");
    let table = coordsim::scenario::params::markdown_table();
    assert!(
        doc[start..end] == table,
        "docs/model.md's parameter table is out of date: regenerate it with `coordsim explain --markdown`"
    );
}

#[test]
fn the_measures_table_in_docs_model_md_is_up_to_date() {
    let doc =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/model.md")).unwrap();
    let start = doc.find("<!-- measures:start -->\n").expect("start marker")
        + "<!-- measures:start -->\n".len();
    let end = doc.find("<!-- measures:end -->").expect("end marker");
    let table = coordsim::metrics::measures::markdown_table();
    assert!(
        doc[start..end] == table,
        "docs/model.md's measures table is out of date: regenerate it with `coordsim explain measures --markdown`"
    );
}
