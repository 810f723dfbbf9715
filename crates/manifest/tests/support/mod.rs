//! Helpers shared by the integration tests: the example AppSpecs.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

pub fn examples_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples")
}

/// (name, AppSpec text) of every example, sorted by name.
pub fn examples() -> Vec<(String, String)> {
    let mut out: Vec<_> = yaml_files(&examples_dir())
        .into_iter()
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

/// The golden rendering of the example `name`.
pub fn golden_path(name: &str) -> PathBuf {
    examples_dir().join("golden").join(format!("{name}.yaml"))
}

fn yaml_files(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .expect("the folder exists")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect()
}
