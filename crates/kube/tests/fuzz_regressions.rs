//! The `kubeconfig` fuzz target's property (fuzz/src/kubeconfig.rs), replayed on stable over the
//! fuzzing seeds and every input a fuzzing run ever found (fuzz/regressions/kubeconfig).
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../../../fuzz/src/kubeconfig.rs"]
mod kubeconfig;

use std::path::{Path, PathBuf};

fn files_in(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .map(|entries| entries.map(|entry| entry.unwrap().path()).collect())
        .unwrap_or_default()
}

#[test]
fn seeds_and_past_findings_keep_the_kubeconfig_property() {
    let fuzz = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz");
    let mut inputs = files_in(&fuzz.join("seeds/kubeconfig"));
    inputs.extend(files_in(&fuzz.join("regressions/kubeconfig")));
    assert!(!inputs.is_empty(), "the seeds are found");
    for input in inputs {
        let data = std::fs::read(&input).unwrap();
        let outcome = std::panic::catch_unwind(|| kubeconfig::kubeconfig_upload(&data));
        assert!(outcome.is_ok(), "{} breaks the property", input.display());
    }
}
