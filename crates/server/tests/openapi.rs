//! The web app's TypeScript types are generated from `web/openapi.json`; this keeps that file equal
//! to what the server actually serves, so the two can never drift apart.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[test]
fn the_web_apps_api_description_is_current() {
    let served = serde_json::to_value(kubechart_server::routes::openapi()).unwrap();
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../web/openapi.json");
    let committed: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    assert!(
        served == committed,
        "web/openapi.json is stale: run `kubechart openapi > web/openapi.json` and `npm run gen:api` in web/"
    );
}
