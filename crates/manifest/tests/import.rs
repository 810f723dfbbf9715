//! Import, tested by its law in both directions: a corpus of manifests as people write them (and
//! as clusters return them) renders back to the same objects after import, each file with its
//! expected report; and every example's rendering, imported, renders the same YAML again.
//! Regenerate the expected reports with `KUBECHART_UPDATE_IMPORT_REPORTS=1`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use kubechart_manifest::import::{
    ImportOptions, Outcome, import_text, parse_documents, without_server_fields,
};
use kubechart_manifest::{RenderOptions, parse_spec, render};
use serde_json::Value;
use std::path::PathBuf;
use support::oracle;

fn corpus_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/import_corpus")
}

fn corpus() -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = std::fs::read_dir(corpus_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .map(|p| {
            (
                p.file_stem().unwrap().to_string_lossy().into_owned(),
                std::fs::read_to_string(&p).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

#[test]
fn the_corpus_renders_back_to_what_was_imported() {
    let corpus = corpus();
    assert!(corpus.len() >= 9, "{corpus:?}");
    let update = std::env::var_os("KUBECHART_UPDATE_IMPORT_REPORTS").is_some();
    for (name, text) in corpus {
        let imported =
            import_text(&text, &ImportOptions::default()).unwrap_or_else(|e| panic!("{name}: {e}"));
        let rendered = render(&imported.spec, &RenderOptions::default())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let documents = parse_documents(&text).unwrap();
        assert_eq!(documents.len(), imported.report.objects.len(), "{name}");
        let mut kept = 0;
        for (document, report) in documents.iter().zip(&imported.report.objects) {
            assert_eq!(document.index, report.document, "{name}");
            if report.outcome == Outcome::Refused {
                continue;
            }
            kept += 1;
            let got = rendered
                .manifests
                .iter()
                .find(|m| {
                    m["kind"] == report.kind.as_str()
                        && m["metadata"]["name"] == report.name.as_str()
                })
                .unwrap_or_else(|| {
                    panic!("{name}: {} {} is not rendered", report.kind, report.name)
                });
            let want = oracle(&document.object, report.outcome, &imported);
            assert_eq!(
                without_server_fields(got),
                want,
                "{name}: {} {} does not render back",
                report.kind,
                report.name
            );
        }
        assert_eq!(
            rendered.resource_count, kept,
            "{name}: objects from nowhere"
        );
        // The spec survives being written out as YAML, as the CLI prints it.
        let text = serde_saphyr::to_string(&imported.spec).unwrap();
        assert_eq!(parse_spec(&text).unwrap(), imported.spec, "{name}");
        let report = serde_json::to_value(&imported.report).unwrap();
        let path = corpus_dir().join("reports").join(format!("{name}.yaml"));
        if update {
            std::fs::write(&path, serde_saphyr::to_string(&report).unwrap()).unwrap();
            continue;
        }
        let expected: Value = serde_saphyr::from_str(
            &std::fs::read_to_string(&path)
                .unwrap_or_else(|_| panic!("missing {}", path.display())),
        )
        .unwrap();
        assert_eq!(
            report,
            expected,
            "{name}: the report differs from {}",
            path.display()
        );
    }
}

#[test]
fn every_example_renders_the_same_yaml_after_importing_its_rendering() {
    for (name, text) in support::examples() {
        let spec = parse_spec(&text).unwrap();
        let options = RenderOptions::default();
        let first = render(&spec, &options).unwrap();
        let imported = import_text(&first.yaml, &ImportOptions::default())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let again = render(&imported.spec, &options).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(again.yaml, first.yaml, "{name}");
        let summary = &imported.report.summary;
        assert_eq!(
            (summary.refused, summary.extra_objects),
            (0, 0),
            "{name}: every object of an example has a form entry: {:#?}",
            imported.report.lines()
        );
    }
}

#[test]
fn objects_in_several_namespaces_need_the_namespace_chosen() {
    let text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: one}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: b, namespace: two}\n";
    let error = import_text(text, &ImportOptions::default()).unwrap_err();
    assert_eq!(error.problems.len(), 1);
    assert_eq!(error.problems[0].path, "namespace");
    assert!(error.problems[0].message.contains("one, two"), "{error}");
    let options = ImportOptions {
        namespace: Some("two".into()),
        name: None,
    };
    let imported = import_text(text, &options).unwrap();
    assert_eq!(imported.spec.namespace, "two");
    assert_eq!(imported.spec.config_maps.len(), 1);
    assert_eq!(imported.spec.config_maps[0].name, "b");
    let refused = &imported.report.objects[0];
    assert_eq!(refused.outcome, Outcome::Refused);
    assert!(refused.reason.as_deref().unwrap().contains("'one'"));
}

#[test]
fn nothing_to_import_is_one_problem_per_document() {
    let error = import_text(
        "kind: ConfigMap\nmetadata: {name: a}\n---\n# only a comment\n---\napiVersion: v1\nkind: Secret\nmetadata: {name: Bad_Name}\n",
        &ImportOptions::default(),
    )
    .unwrap_err();
    let paths: Vec<&str> = error.problems.iter().map(|p| p.path.as_str()).collect();
    assert_eq!(
        paths,
        ["documents[0].apiVersion", "documents[2].metadata.name"]
    );
    assert_eq!(error.problems[0].message, "is required");
    assert!(error.problems[1].message.contains("'Bad_Name'"));
    let error = import_text("", &ImportOptions::default()).unwrap_err();
    assert_eq!(error.problems[0].path, "documents");
    let error = import_text("a: [1\n", &ImportOptions::default()).unwrap_err();
    assert_eq!(error.problems[0].path, "documents[0]");
}
