//! Golden tests: every example (and test spec) renders byte for byte to its checked-in YAML
//! (regenerate with `KUBECHART_UPDATE_GOLDEN=1 cargo test -p kubechart-manifest --test golden`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use kubechart_manifest::{Object, RenderOptions, parse_spec, render};
use std::collections::BTreeSet;

#[test]
fn examples_match_their_golden_yaml() {
    let examples = support::examples();
    assert!(
        examples.len() >= 8,
        "expected at least 8 examples, found {}",
        examples.len()
    );
    let update = std::env::var_os("KUBECHART_UPDATE_GOLDEN").is_some();
    let mut mismatches = Vec::new();
    for (name, text) in &examples {
        let spec = parse_spec(text).unwrap_or_else(|e| panic!("{name}: {e}"));
        let rendered =
            render(&spec, &RenderOptions::default()).unwrap_or_else(|e| panic!("{name}: {e}"));
        let golden_path = support::golden_path(name);
        if update {
            std::fs::write(&golden_path, &rendered.yaml).unwrap();
            continue;
        }
        let golden = std::fs::read_to_string(&golden_path)
            .unwrap_or_else(|_| panic!("missing {}", golden_path.display()));
        if golden != rendered.yaml {
            mismatches.push(name.clone());
        }
    }
    assert!(
        mismatches.is_empty(),
        "rendered YAML differs from examples/golden for: {mismatches:?}"
    );
}

#[test]
fn examples_together_produce_every_kind() {
    let mut kinds = BTreeSet::new();
    for (name, text) in support::examples() {
        let rendered = render(&parse_spec(&text).unwrap(), &RenderOptions::default())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        kinds.extend(rendered.objects.iter().map(|o| o.kind.clone()));
    }
    let all: BTreeSet<String> = Object::KINDS.iter().map(|k| (*k).to_owned()).collect();
    let missing: Vec<_> = all.difference(&kinds).collect();
    assert!(missing.is_empty(), "no example renders {missing:?}");
    assert_eq!(all.len(), 26);
}

#[test]
fn rendering_is_deterministic_and_listed_in_yaml_order() {
    for (name, text) in support::examples() {
        let spec = parse_spec(&text).unwrap();
        let first = render(&spec, &RenderOptions::default()).unwrap();
        let second = render(&spec.clone(), &RenderOptions::default()).unwrap();
        assert_eq!(first, second, "{name}");
        assert_eq!(first.resource_count, first.objects.len());
        assert_eq!(
            first.yaml.matches("---\n").count(),
            first.resource_count,
            "{name}"
        );
        let documents: Vec<serde_json::Value> = serde_saphyr::from_multiple(&first.yaml).unwrap();
        assert_eq!(
            documents, first.manifests,
            "{name}: YAML does not read back as the manifests"
        );
        for (document, object) in documents.iter().zip(&first.objects) {
            assert_eq!(document["kind"], object.kind.as_str());
            assert_eq!(document["metadata"]["name"], object.name.as_str());
        }
    }
}
