//! The `render` fuzz target's property (fuzz/src/render.rs), replayed on stable over every example
//! AppSpec, the fuzzing seeds and every input a fuzzing run ever found (fuzz/regressions/render).
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../../../fuzz/src/render.rs"]
mod render;

use std::path::{Path, PathBuf};

fn files_in(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .map(|entries| entries.map(|entry| entry.unwrap().path()).collect())
        .unwrap_or_default()
}

#[test]
fn examples_seeds_and_past_findings_keep_the_render_property() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut inputs: Vec<PathBuf> = files_in(&root.join("examples"))
        .into_iter()
        .filter(|path| path.extension().is_some_and(|ext| ext == "yaml"))
        .collect();
    inputs.extend(files_in(&root.join("fuzz/seeds/render")));
    inputs.extend(files_in(&root.join("fuzz/regressions/render")));
    assert!(inputs.len() > 5, "the examples are found: {inputs:?}");
    for input in inputs {
        let data = std::fs::read(&input).unwrap();
        let outcome = std::panic::catch_unwind(|| render::render_round_trip(&data));
        assert!(outcome.is_ok(), "{} breaks the property", input.display());
    }
}
