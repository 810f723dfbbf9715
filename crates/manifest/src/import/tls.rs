//! cert-manager Certificate → a certificate entry.

use super::value::{choice, name, strings, text};
use crate::spec::{CertificateSpec, IssuerRefSpec};
use serde_json::Value;

pub(super) fn certificate(object: &Value) -> CertificateSpec {
    CertificateSpec {
        name: name(object),
        issuer: IssuerRefSpec {
            kind: choice(object, "/spec/issuerRef/kind").unwrap_or_default(),
            name: text(object, "/spec/issuerRef/name").unwrap_or_default(),
        },
        dns_names: strings(object, "/spec/dnsNames"),
        secret_name: text(object, "/spec/secretName"),
        duration: text(object, "/spec/duration"),
        renew_before: text(object, "/spec/renewBefore"),
    }
}
