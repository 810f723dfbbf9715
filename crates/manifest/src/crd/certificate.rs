//! cert-manager `Certificate` (cert-manager.io/v1).

use super::{Extra, HasSpec, custom_resource};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use serde::{Deserialize, Serialize};

/// A Certificate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Certificate {
    /// Always `cert-manager.io/v1`.
    pub api_version: String,
    /// Always `Certificate`.
    pub kind: String,
    /// Object metadata.
    pub metadata: ObjectMeta,
    /// The certificate request.
    pub spec: CertificateSpec,
    /// Fields not modelled here.
    #[serde(flatten)]
    pub extra: Extra,
}

impl HasSpec for Certificate {
    type Spec = CertificateSpec;
}
custom_resource!(
    Certificate,
    "cert-manager.io",
    "v1",
    "Certificate",
    "certificates"
);

/// `spec` of a Certificate.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CertificateSpec {
    /// Secret the signed key pair is stored in.
    pub secret_name: String,
    /// Issuer that signs the certificate.
    pub issuer_ref: IssuerReference,
    /// Subject alternative DNS names.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dns_names: Vec<String>,
    /// Requested lifetime (Go duration).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<String>,
    /// Renew this long before expiry (Go duration).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renew_before: Option<String>,
    /// Fields not modelled here.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `spec.issuerRef`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IssuerReference {
    /// Issuer name.
    pub name: String,
    /// `Issuer` or `ClusterIssuer`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Issuer API group (`cert-manager.io`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
}
