//! cert-manager Certificates.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// # Issuer kind
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
pub enum IssuerKind {
    /// An Issuer in the application's namespace.
    Issuer,
    /// A cluster-wide ClusterIssuer.
    #[default]
    ClusterIssuer,
}

impl IssuerKind {
    /// The cert-manager spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Issuer => "Issuer",
            Self::ClusterIssuer => "ClusterIssuer",
        }
    }
}

/// # Issuer reference
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct IssuerRefSpec {
    /// # Kind
    #[serde(default)]
    pub kind: IssuerKind,
    /// Name, e.g. `letsencrypt-prod`.
    pub name: String,
}

/// # Certificate
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CertificateSpec {
    /// Name (DNS-1123 subdomain).
    pub name: String,
    /// # Issuer
    pub issuer: IssuerRefSpec,
    /// # DNS names
    ///
    /// Defaults to the hosts of the Ingresses and hostnames of the HTTPRoutes that use this certificate.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dns_names: Vec<String>,
    /// Secret name the key pair is stored in; defaults to `<name>-tls`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret_name: Option<String>,
    /// Duration, e.g. `2160h` (90 days).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<String>,
    /// Renew this long before expiry, e.g. `360h`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renew_before: Option<String>,
}

impl CertificateSpec {
    /// The secret the certificate is written to.
    pub fn secret(&self) -> String {
        self.secret_name
            .clone()
            .unwrap_or_else(|| format!("{}-tls", self.name))
    }
}
