//! The health rule table: one YAML file per case under `tests/fixtures/health/<kind>/<case>.yaml`,
//! holding a live object as kube-apiserver returns it, the Warning events recorded about it, and
//! the health expected with no failure grace. Every mismatch is listed, not only the first.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use kubechart_kube::health::{FailureGrace, HealthState, Warning, assess};
use serde::Deserialize;
use serde_json::Value;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Fixture {
    /// Why the case exists, when the object alone does not say; shown with a mismatch.
    #[serde(default)]
    description: Option<String>,
    expect: Expect,
    #[serde(default)]
    warnings: Vec<Warning>,
    object: Value,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Expect {
    state: HealthState,
    reason: String,
    /// Checked when given: whether a failure may still clear by itself.
    #[serde(default)]
    recoverable: Option<bool>,
}

fn fixture_files() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/health");
    let mut files = Vec::new();
    for kind in std::fs::read_dir(&root).unwrap() {
        let kind = kind.unwrap().path();
        for case in std::fs::read_dir(&kind).unwrap() {
            let case = case.unwrap().path();
            if case.extension().is_some_and(|ext| ext == "yaml") {
                files.push(case);
            }
        }
    }
    files.sort();
    files
}

fn case_name(path: &Path) -> String {
    let kind = path
        .parent()
        .and_then(Path::file_name)
        .unwrap()
        .to_string_lossy();
    let case = path.file_stem().unwrap().to_string_lossy();
    format!("{kind}/{case}")
}

#[test]
fn every_fixture_gets_its_expected_health() {
    let files = fixture_files();
    assert!(files.len() >= 40, "only {} fixtures", files.len());
    let mut grace = FailureGrace::new(Duration::ZERO);
    let mut mismatches = Vec::new();
    for path in &files {
        let name = case_name(path);
        let text = std::fs::read_to_string(path).unwrap();
        let fixture: Fixture = match serde_saphyr::from_str(&text) {
            Ok(fixture) => fixture,
            Err(e) => {
                mismatches.push(format!("{name}: unreadable fixture: {e}"));
                continue;
            }
        };
        let assessment = assess(&fixture.object, &fixture.warnings);
        let health = grace.settle(&name, &assessment, Instant::now());
        if health.state != fixture.expect.state || health.reason != fixture.expect.reason {
            let why = fixture
                .description
                .as_deref()
                .map(|d| format!(" ({d})"))
                .unwrap_or_default();
            mismatches.push(format!(
                "{name}{why}:\n    expected {} {:?}\n    got      {} {:?}",
                fixture.expect.state, fixture.expect.reason, health.state, health.reason
            ));
        }
        if let Some(recoverable) = fixture.expect.recoverable
            && assessment.recoverable != recoverable
        {
            mismatches.push(format!(
                "{name}: expected recoverable {recoverable}, got {}",
                assessment.recoverable
            ));
        }
    }
    assert!(
        mismatches.is_empty(),
        "{} of {} health fixtures disagree:\n{}",
        mismatches.len(),
        files.len(),
        mismatches.join("\n")
    );
}

#[test]
fn every_kind_has_a_current_case() {
    let mut missing = Vec::new();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/health");
    for kind in std::fs::read_dir(&root).unwrap() {
        let kind = kind.unwrap().path();
        let has_current = std::fs::read_dir(&kind).unwrap().any(|case| {
            let text = std::fs::read_to_string(case.unwrap().path()).unwrap();
            let fixture: Fixture = serde_saphyr::from_str(&text).unwrap();
            fixture.expect.state == HealthState::Current
        });
        if !has_current {
            missing.push(kind.file_name().unwrap().to_string_lossy().into_owned());
        }
    }
    assert!(
        missing.is_empty(),
        "kinds without a healthy case: {missing:?}"
    );
}
