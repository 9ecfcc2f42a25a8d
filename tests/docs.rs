//! The documentation stays true: docs/model.md's parameter table is the one the code generates.

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
