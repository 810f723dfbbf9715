//! Bearer-token authentication: who is calling.

use axum::http::HeaderMap;
use rand::Rng;

use crate::status::ApiError;

/// The caller, as authenticated from the bearer token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Identity {
    /// The cluster administrator (`system:masters`): may do everything.
    Admin,
    /// A user bound to the `edit` role in some namespaces only.
    Restricted,
}

/// The user names kube-apiserver would report for each identity.
pub const ADMIN_USER: &str = "kubechart-admin";
/// The restricted user's name, as it appears in Forbidden messages.
pub const RESTRICTED_USER: &str = "kubechart-limited";

impl Identity {
    /// The user name.
    pub fn user(&self) -> &'static str {
        match self {
            Identity::Admin => ADMIN_USER,
            Identity::Restricted => RESTRICTED_USER,
        }
    }
}

/// The two tokens the server accepts.
#[derive(Debug, Clone)]
pub struct Tokens {
    /// The administrator token (written into the kubeconfig).
    pub admin: String,
    /// The restricted user's token.
    pub restricted: String,
}

fn random_token() -> String {
    let bytes: [u8; 24] = rand::rng().random();
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl Tokens {
    /// Fresh random tokens, or the given admin token.
    pub fn new(admin: Option<String>) -> Self {
        Self {
            admin: admin.unwrap_or_else(random_token),
            restricted: random_token(),
        }
    }

    /// Authenticates a request from its `Authorization: Bearer` header.
    pub fn authenticate(&self, headers: &HeaderMap) -> Result<Identity, ApiError> {
        let token = headers
            .get(http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .ok_or_else(ApiError::unauthorized)?;
        if token == self.admin {
            Ok(Identity::Admin)
        } else if token == self.restricted {
            Ok(Identity::Restricted)
        } else {
            Err(ApiError::unauthorized())
        }
    }
}
