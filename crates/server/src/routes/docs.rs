//! `/api/docs`: the OpenAPI document and a viewer for it, both served from the binary itself (no CDN,
//! so it works offline and under the strict content security policy).

use axum::Router;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use std::sync::Arc;

const VIEWER_HTML: &str = include_str!("../../assets/docs/index.html");
const VIEWER_JS: &str = include_str!("../../assets/docs/viewer.js");
const VIEWER_CSS: &str = include_str!("../../assets/docs/viewer.css");

pub fn router<S: Clone + Send + Sync + 'static>(openapi_json: String) -> Router<S> {
    let document: Arc<str> = openapi_json.into();
    Router::new()
        .route("/api/docs", get(|| async { html(VIEWER_HTML) }))
        .route(
            "/api/docs/openapi.json",
            get(move || {
                let document = Arc::clone(&document);
                async move {
                    (
                        [(header::CONTENT_TYPE, "application/json")],
                        document.to_string(),
                    )
                }
            }),
        )
        .route(
            "/api/docs/viewer.js",
            get(|| async {
                (
                    [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
                    VIEWER_JS,
                )
            }),
        )
        .route(
            "/api/docs/viewer.css",
            get(|| async {
                (
                    [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
                    VIEWER_CSS,
                )
            }),
        )
}

fn html(body: &'static str) -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], body)
}
