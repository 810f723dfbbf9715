//! The whole HTTP application: routes, the web app fallback, and the middleware every request passes.

use crate::error::ApiError;
use crate::http::{errors, metrics, security, spa};
use crate::routes;
use crate::state::AppState;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, StatusCode, header};
use axum::middleware;
use std::sync::Arc;
use std::time::Duration;
use tower::ServiceBuilder;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::sensitive_headers::SetSensitiveRequestHeadersLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");
/// Form input is small; anything larger than this is a mistake or an attack.
pub(crate) const MAX_BODY_BYTES: usize = 2 * 1024 * 1024;

/// The application; a request that takes longer than `request_timeout` to answer gets a 408.
pub fn build(state: AppState, request_timeout: Duration) -> Router {
    let metrics_state = Arc::clone(&state.metrics);
    // Innermost first: the timeout and the body limit answer without a body of ours, so the JSON
    // rewrite wraps them, and metrics and security headers see every answer, 408 and 413 included.
    let mut app = routes::router()
        .fallback(spa::serve)
        .method_not_allowed_fallback(|| async { ApiError::MethodNotAllowed })
        .with_state(state)
        // axum's extractors have a limit of their own; one constant sets both.
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            request_timeout,
        ))
        .layer(middleware::from_fn(errors::json_bodies))
        .layer(middleware::from_fn_with_state(
            metrics_state,
            metrics::track,
        ));
    for layer in security::headers() {
        app = app.layer(layer);
    }
    app.layer(
        ServiceBuilder::new()
            .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
            .layer(SetSensitiveRequestHeadersLayer::new([
                header::AUTHORIZATION,
                header::COOKIE,
            ]))
            .layer(
                TraceLayer::new_for_http()
                    .make_span_with(|request: &axum::http::Request<_>| {
                        let request_id = request
                            .headers()
                            .get(&REQUEST_ID)
                            .and_then(|value| value.to_str().ok())
                            .unwrap_or_default();
                        tracing::info_span!(
                            "request",
                            method = %request.method(),
                            path = %request.uri().path(),
                            request_id,
                        )
                    })
                    .on_response(DefaultOnResponse::new().level(Level::INFO)),
            )
            .layer(PropagateRequestIdLayer::new(REQUEST_ID)),
    )
}
