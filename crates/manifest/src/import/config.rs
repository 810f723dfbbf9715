//! ConfigMap and Secret → their entries. Secret values are decoded into the form's plain text;
//! values that are not UTF-8 stay base64 in the override.

use super::value::{name, string_map, text};
use crate::spec::{ConfigMapSpec, SecretSpec, SecretType, StringMap, TlsKeyPair};
use base64::Engine as _;
use serde_json::Value;

pub(super) fn config_map(object: &Value) -> ConfigMapSpec {
    ConfigMapSpec {
        name: name(object),
        data: string_map(object, "/data"),
        dotenv: None,
    }
}

pub(super) fn secret(object: &Value) -> SecretSpec {
    let data: StringMap = string_map(object, "/data")
        .into_iter()
        .filter_map(|(key, encoded)| {
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(encoded)
                .ok()?;
            Some((key, String::from_utf8(bytes).ok()?))
        })
        .collect();
    let tls = (text(object, "/type").as_deref() == Some("kubernetes.io/tls"))
        .then(|| {
            Some(TlsKeyPair {
                certificate: data.get("tls.crt")?.clone(),
                private_key: data.get("tls.key")?.clone(),
            })
        })
        .flatten();
    match tls {
        Some(tls) => SecretSpec {
            name: name(object),
            secret_type: SecretType::Tls,
            data: StringMap::new(),
            dotenv: None,
            tls: Some(tls),
            registry: None,
        },
        // Other types (registry credentials, basic-auth, …) keep their type in the override.
        None => SecretSpec {
            name: name(object),
            secret_type: SecretType::Opaque,
            data,
            dotenv: None,
            tls: None,
            registry: None,
        },
    }
}
