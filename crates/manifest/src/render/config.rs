//! ConfigMaps and Secrets (Opaque, TLS, registry credentials).

use super::Object;
use super::meta::namespaced;
use crate::dotenv::parse_dotenv;
use crate::refs::Refs;
use crate::spec::{RegistryCredentials, SecretSpec, SecretType, StringMap};
use base64::Engine;
use k8s_openapi::ByteString;
use k8s_openapi::api::core::v1 as core;
use std::collections::BTreeMap;

pub(super) fn render(refs: &Refs, out: &mut Vec<Object>) {
    for config_map in &refs.spec.config_maps {
        out.push(Object::ConfigMap(core::ConfigMap {
            metadata: namespaced(refs, &config_map.name),
            data: Some(merged(&config_map.data, config_map.dotenv.as_deref())),
            ..Default::default()
        }));
    }
    for secret in &refs.spec.secrets {
        let data = secret_data(secret)
            .into_iter()
            .map(|(k, v)| (k, ByteString(v.into_bytes())))
            .collect();
        out.push(Object::Secret(core::Secret {
            metadata: namespaced(refs, &secret.name),
            type_: Some(secret.secret_type.as_str().to_owned()),
            data: Some(data),
            ..Default::default()
        }));
    }
}

/// Key/values from the `.env` text, then the explicit ones (validation rejects keys in both).
pub(crate) fn merged(data: &StringMap, dotenv: Option<&str>) -> StringMap {
    let mut values = dotenv
        .and_then(|text| parse_dotenv(text).ok())
        .unwrap_or_default();
    values.extend(data.clone());
    values
}

/// The plain-text values of a Secret, keyed as its type requires.
fn secret_data(secret: &SecretSpec) -> BTreeMap<String, String> {
    match secret.secret_type {
        SecretType::Opaque => merged(&secret.data, secret.dotenv.as_deref()),
        SecretType::Tls => secret
            .tls
            .as_ref()
            .map(|tls| {
                BTreeMap::from([
                    ("tls.crt".to_owned(), tls.certificate.clone()),
                    ("tls.key".to_owned(), tls.private_key.clone()),
                ])
            })
            .unwrap_or_default(),
        SecretType::DockerConfigJson => secret
            .registry
            .as_ref()
            .map(|registry| {
                BTreeMap::from([(".dockerconfigjson".to_owned(), docker_config_json(registry))])
            })
            .unwrap_or_default(),
    }
}

/// The `~/.docker/config.json` document the kubelet reads pull credentials from.
fn docker_config_json(registry: &RegistryCredentials) -> String {
    let auth = base64::engine::general_purpose::STANDARD
        .encode(format!("{}:{}", registry.username, registry.password));
    let mut entry = serde_json::json!({
        "username": registry.username,
        "password": registry.password,
        "auth": auth,
    });
    if let (Some(email), Some(map)) = (&registry.email, entry.as_object_mut()) {
        map.insert("email".into(), email.clone().into());
    }
    serde_json::json!({ "auths": { registry.server.clone(): entry } }).to_string()
}
