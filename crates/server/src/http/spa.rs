//! The web app, embedded in the binary: hashed assets are cached forever, `index.html` never, and any
//! path that is not an API path gets `index.html` so the app's own router can take it.

use crate::error::ApiError;
use axum::http::{HeaderValue, Uri, header};
use axum::response::{IntoResponse, Response};
use rust_embed::RustEmbed;

#[derive(RustEmbed)]
#[folder = "$CARGO_MANIFEST_DIR/../../web/dist"]
#[allow_missing = true]
struct WebApp;

const INDEX: &str = "index.html";
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
const NO_CACHE: &str = "no-cache";

/// The fallback for every non-API path.
pub async fn serve(uri: Uri) -> Response {
    let path = uri.path().trim_start_matches('/');
    if let Some(response) = (!path.is_empty()).then(|| asset(path)).flatten() {
        return response;
    }
    asset(INDEX).unwrap_or_else(|| {
        ApiError::Unavailable(anyhow::anyhow!(
            "the web app is not part of this build: run `npm run build` in web/ and rebuild"
        ))
        .into_response()
    })
}

fn asset(path: &str) -> Option<Response> {
    let file = WebApp::get(path)?;
    let mime = mime_guess::from_path(path).first_or_octet_stream();
    // Vite names everything under assets/ by content hash, so those bytes never change.
    let cache = if path.starts_with("assets/") {
        IMMUTABLE
    } else {
        NO_CACHE
    };
    let mut response = file.data.into_owned().into_response();
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(mime.as_ref()) {
        headers.insert(header::CONTENT_TYPE, value);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    Some(response)
}
