//! Response headers that make the browser enforce what the server promises. The session token lives
//! in localStorage, so the content security policy is the XSS defence: scripts only from our own
//! origin, no inline script, no eval, nothing from third parties, and no framing.

use axum::http::{HeaderName, HeaderValue, header};
use tower_http::set_header::SetResponseHeaderLayer;

/// Styles may be inline because the component library sets CSS variables at run time; scripts may not.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; \
object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// The layers that set the security headers on every response (unless a handler set its own).
pub fn headers() -> [SetResponseHeaderLayer<HeaderValue>; 5] {
    let fixed = |name: HeaderName, value: &'static str| {
        SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value))
    };
    [
        fixed(header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY),
        fixed(header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        fixed(header::REFERRER_POLICY, "no-referrer"),
        fixed(header::X_FRAME_OPTIONS, "DENY"),
        fixed(
            HeaderName::from_static("cross-origin-opener-policy"),
            "same-origin",
        ),
    ]
}
