//! The document the hunt writes keeps the schema of the one the Python hunt wrote
//! (`fixtures/bughunt-python.json`: six cells of a `scripts/bughunt --quick` of 2026-12-02, one
//! of each shape: detected by a fuzzer and by Miri, missed by a fuzzer and by a replay,
//! prevented).

use rawcheck_hunt::HuntDoc;
use serde_json::Value;

/// `v` without the object members whose value is null.
fn without_nulls(v: Value) -> Value {
    match v {
        Value::Object(o) => Value::Object(
            o.into_iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k, without_nulls(v)))
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.into_iter().map(without_nulls).collect()),
        other => other,
    }
}

#[test]
fn a_python_document_reads_and_writes_back_with_every_field() {
    let text = include_str!("fixtures/bughunt-python.json");
    let doc: HuntDoc = serde_json::from_str(text).unwrap();
    assert_eq!(doc.results.len(), 6);
    assert_eq!(doc.budget, 30);
    assert_eq!(doc.results[0].logs.as_ref().map(Vec::len), Some(1));
    let written: Value = serde_json::from_str(&doc.to_json()).unwrap();
    let original: Value = serde_json::from_str(text).unwrap();
    assert_eq!(written, without_nulls(original));
    assert_eq!(
        serde_json::from_str::<HuntDoc>(&doc.to_json()).unwrap(),
        doc
    );
    assert!(doc.to_json().starts_with("{\n \"machine\": {\n  \"cpu\""));
}
