//! HTTP plumbing shared by all routes: JSON extraction, metrics, security headers, the web app.

pub mod json;
pub mod metrics;
pub mod security;
pub mod spa;
