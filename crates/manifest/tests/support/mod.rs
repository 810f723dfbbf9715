//! Helpers shared by the integration tests: the example AppSpecs.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

pub fn examples_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples")
}

/// Specs of kinds the repository's examples leave out because the project's test cluster, which
/// applies every example, does not serve them yet (autoscaling/v2, policy/v1).
pub fn specs_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/specs")
}

/// (name, AppSpec text) of every example and test spec, sorted by name.
pub fn examples() -> Vec<(String, String)> {
    let mut out: Vec<_> = [examples_dir(), specs_dir()]
        .iter()
        .flat_map(|dir| yaml_files(dir))
        .map(|p| {
            (
                p.file_stem().unwrap().to_string_lossy().into_owned(),
                std::fs::read_to_string(&p).unwrap(),
            )
        })
        .collect();
    out.sort();
    out
}

/// The golden rendering of the example or test spec `name`, next to where it is kept.
pub fn golden_path(name: &str) -> PathBuf {
    let file = format!("{name}.yaml");
    let dir = if specs_dir().join(&file).is_file() {
        specs_dir()
    } else {
        examples_dir()
    };
    dir.join("golden").join(file)
}

fn yaml_files(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .expect("the folder exists")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect()
}
