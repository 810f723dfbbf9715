//! The API does what its OpenAPI document says: Schemathesis (PyPI `schemathesis`, installed by
//! scripts/test.sh) generates requests for every operation of the served document from its
//! schemas, valid and invalid, sends them as a signed-in member, and runs every check it has
//! (server errors, undocumented status codes, content types and response schemas, schema-valid
//! requests refused, invalid ones accepted, …). A bounded number of examples per operation keeps
//! the run short; `bash bench/schemathesis.sh` runs a longer one.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{Backend, TestServer};
use std::process::Command;

/// Examples per operation and phase: enough to reach every documented status code.
const EXAMPLES: &str = "15";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_operation_conforms_to_the_served_document() {
    if Command::new("st").arg("--version").output().is_err() {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "schemathesis must be installed in CI"
        );
        eprintln!("schemathesis (`st`) is not installed: skipping");
        return;
    }
    let server = TestServer::start(Backend::Sqlite).await;
    server.register("root").await;
    let (token, _) = server.register("member").await;
    let base = server.base.clone();
    let output = tokio::task::spawn_blocking(move || {
        Command::new("st")
            .arg("--config-file")
            .arg(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../schemathesis.toml"
            ))
            .arg("run")
            .arg(format!("{base}/api/docs/openapi.json"))
            .args(["--checks", "all"])
            .args(["--max-examples", EXAMPLES])
            .args(["--workers", "2"])
            .args(["--seed", "1"])
            .args(["--suppress-health-check", "all"])
            .args(["--header", &format!("Authorization: Bearer {token}")])
            .args(["--request-timeout", "30"])
            .env("NO_COLOR", "1")
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.status.success(), "{report}");
    assert!(report.contains("passed"), "{report}");
    server.stop().await;
}
