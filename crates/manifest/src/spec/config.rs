//! ConfigMaps and Secrets.

use super::StringMap;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// # ConfigMap
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ConfigMapSpec {
    /// Name (DNS-1123 subdomain).
    pub name: String,
    /// # Data
    ///
    /// Keys (letters, digits, '-', '_', '.') to values; multi-line values are file contents when mounted.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub data: StringMap,
    /// # .env import
    ///
    /// `KEY=value` lines merged into `data`; a key in both is an error.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dotenv: Option<String>,
}

/// # Secret type
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum SecretType {
    /// `Opaque`: arbitrary key/values from `data` and `dotenv`.
    #[default]
    Opaque,
    /// `kubernetes.io/tls`: a certificate and key from `tls`.
    Tls,
    /// `kubernetes.io/dockerconfigjson`: registry credentials from `registry`, used as the pull secret of every workload.
    DockerConfigJson,
}

impl SecretType {
    /// The Kubernetes secret type.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Opaque => "Opaque",
            Self::Tls => "kubernetes.io/tls",
            Self::DockerConfigJson => "kubernetes.io/dockerconfigjson",
        }
    }
}

/// # Secret
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SecretSpec {
    /// Name (DNS-1123 subdomain).
    pub name: String,
    /// # Type
    #[serde(default, rename = "type")]
    pub secret_type: SecretType,
    /// Data (Opaque)
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub data: StringMap,
    /// .env import (Opaque)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dotenv: Option<String>,
    /// TLS key pair (tls)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tls: Option<TlsKeyPair>,
    /// Registry credentials (dockerConfigJson)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registry: Option<RegistryCredentials>,
}

/// # TLS key pair
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TlsKeyPair {
    /// PEM certificate chain.
    pub certificate: String,
    /// PEM private key.
    pub private_key: String,
}

/// # Registry credentials
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RegistryCredentials {
    /// Registry host, e.g. `ghcr.io`.
    pub server: String,
    /// # User name
    pub username: String,
    /// # Password or access token
    pub password: String,
    /// E-mail (some registries want one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}
