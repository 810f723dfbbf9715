//! HTTP plumbing shared by all routes: JSON extraction, JSON error bodies, metrics, security
//! headers, the web app.

pub mod errors;
pub mod json;
pub mod metrics;
pub mod security;
pub mod spa;
