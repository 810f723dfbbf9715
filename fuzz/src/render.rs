//! Any text given as an AppSpec: parsing and rendering never panic, and whatever renders is YAML
//! that parses back to the very objects that were rendered.

/// Checks the property on one input; panics (the fuzzer's finding) when it does not hold.
pub fn render_round_trip(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(spec) = kubechart_manifest::parse_spec(text) else {
        return;
    };
    let Ok(rendered) = kubechart_manifest::render(&spec, &Default::default()) else {
        return;
    };
    let documents = kubechart_manifest::import::parse_documents(&rendered.yaml)
        .unwrap_or_else(|error| panic!("the rendered YAML does not parse: {error:?}"));
    let reparsed: Vec<serde_json::Value> = documents.into_iter().map(|d| d.object).collect();
    assert_eq!(
        reparsed, rendered.manifests,
        "the rendered YAML parses back to other objects"
    );
}
