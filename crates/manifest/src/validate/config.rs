//! ConfigMaps, Secrets, PersistentVolumeClaims and PersistentVolumes.

use super::{Validator, names};
use crate::dotenv::parse_dotenv;
use crate::spec::{PvSource, SecretType, StringMap};

/// ConfigMaps and Secrets are limited to 1 MiB by etcd.
const MAX_DATA_BYTES: usize = 1024 * 1024;

pub(super) fn check(v: &mut Validator) {
    let spec = v.refs.spec;
    v.unique(
        "configMaps",
        "name",
        spec.config_maps.iter().map(|c| c.name.clone()),
    );
    for (i, config_map) in spec.config_maps.iter().enumerate() {
        let at = format!("configMaps[{i}]");
        v.check(
            format!("{at}.name"),
            names::dns1123_subdomain(&config_map.name),
        );
        key_values(v, &at, &config_map.data, config_map.dotenv.as_deref());
    }
    v.unique(
        "secrets",
        "name",
        spec.secrets.iter().map(|s| s.name.clone()),
    );
    for (i, secret) in spec.secrets.iter().enumerate() {
        let at = format!("secrets[{i}]");
        v.check(format!("{at}.name"), names::dns1123_subdomain(&secret.name));
        let opaque = secret.secret_type == SecretType::Opaque;
        if !opaque && (!secret.data.is_empty() || secret.dotenv.is_some()) {
            v.error(
                format!("{at}.data"),
                "data and dotenv only apply to Opaque secrets",
            );
        }
        if opaque {
            key_values(v, &at, &secret.data, secret.dotenv.as_deref());
        }
        match (secret.secret_type, &secret.tls) {
            (SecretType::Tls, None) => v.error(
                format!("{at}.tls"),
                "a TLS secret needs a certificate and private key",
            ),
            (SecretType::Tls, Some(tls)) => {
                if !tls.certificate.contains("-----BEGIN ") {
                    v.error(
                        format!("{at}.tls.certificate"),
                        "must be a PEM certificate (-----BEGIN CERTIFICATE-----)",
                    );
                }
                if !tls.private_key.contains("-----BEGIN ") {
                    v.error(
                        format!("{at}.tls.privateKey"),
                        "must be a PEM private key (-----BEGIN … PRIVATE KEY-----)",
                    );
                }
            }
            (_, Some(_)) => v.error(format!("{at}.tls"), "only applies to secrets of type tls"),
            (_, None) => {}
        }
        match (secret.secret_type, &secret.registry) {
            (SecretType::DockerConfigJson, None) => v.error(
                format!("{at}.registry"),
                "registry credentials need a server, username and password",
            ),
            (SecretType::DockerConfigJson, Some(registry)) => {
                if registry.server.trim().is_empty()
                    || registry.server.contains(char::is_whitespace)
                {
                    v.error(
                        format!("{at}.registry.server"),
                        "must be a registry host like ghcr.io",
                    );
                }
                if registry.username.is_empty() {
                    v.error(format!("{at}.registry.username"), "must not be empty");
                }
                if registry.password.is_empty() {
                    v.error(format!("{at}.registry.password"), "must not be empty");
                }
            }
            (_, Some(_)) => v.error(
                format!("{at}.registry"),
                "only applies to secrets of type dockerConfigJson",
            ),
            (_, None) => {}
        }
    }
    storage(v);
}

fn key_values(v: &mut Validator, at: &str, data: &StringMap, dotenv: Option<&str>) {
    for key in data.keys() {
        v.check(format!("{at}.data.{key}"), names::config_key(key));
    }
    let mut size: usize = data.iter().map(|(k, v)| k.len() + v.len()).sum();
    if let Some(text) = dotenv {
        match parse_dotenv(text) {
            Ok(values) => {
                for key in values.keys() {
                    v.check(
                        format!("{at}.dotenv"),
                        names::config_key(key).map_err(|e| format!("key {e}")),
                    );
                    if data.contains_key(key) {
                        v.error(
                            format!("{at}.data.{key}"),
                            "is also set by the .env import; keep one",
                        );
                    }
                }
                size += values.iter().map(|(k, v)| k.len() + v.len()).sum::<usize>();
            }
            Err(errors) => {
                for error in errors {
                    v.error(format!("{at}.dotenv"), error.to_string());
                }
            }
        }
    }
    if size > MAX_DATA_BYTES {
        v.error(
            format!("{at}.data"),
            format!("{size} bytes is more than the 1 MiB limit"),
        );
    }
}

/// An empty class means "the cluster default" and is allowed; any other must be a valid name.
fn storage_class(v: &mut Validator, at: &str, class: Option<&str>) {
    if let Some(class) = class.filter(|c| !c.is_empty()) {
        v.check(
            format!("{at}.storageClassName"),
            names::dns1123_subdomain(class),
        );
    }
}

fn storage(v: &mut Validator) {
    let spec = v.refs.spec;
    v.unique(
        "persistentVolumeClaims",
        "name",
        spec.persistent_volume_claims.iter().map(|c| c.name.clone()),
    );
    for (i, claim) in spec.persistent_volume_claims.iter().enumerate() {
        let at = format!("persistentVolumeClaims[{i}]");
        v.check(format!("{at}.name"), names::dns1123_subdomain(&claim.name));
        v.quantity(format!("{at}.size"), &claim.size, true);
        v.access_modes(format!("{at}.accessModes"), &claim.access_modes);
        storage_class(v, &at, claim.storage_class_name.as_deref());
        if let Some(volume) = &claim.volume_name {
            v.check(format!("{at}.volumeName"), names::dns1123_subdomain(volume));
        }
    }
    v.unique(
        "persistentVolumes",
        "name",
        spec.persistent_volumes.iter().map(|p| p.name.clone()),
    );
    for (i, volume) in spec.persistent_volumes.iter().enumerate() {
        let at = format!("persistentVolumes[{i}]");
        v.check(format!("{at}.name"), names::dns1123_subdomain(&volume.name));
        v.quantity(format!("{at}.capacity"), &volume.capacity, true);
        v.access_modes(format!("{at}.accessModes"), &volume.access_modes);
        storage_class(v, &at, volume.storage_class_name.as_deref());
        match &volume.source {
            PvSource::HostPath { path, .. } => {
                absolute(v, format!("{at}.source.hostPath.path"), path)
            }
            PvSource::Nfs { server, path, .. } => {
                if server.trim().is_empty() {
                    v.error(format!("{at}.source.nfs.server"), "must not be empty");
                }
                absolute(v, format!("{at}.source.nfs.path"), path);
            }
            PvSource::Csi {
                driver,
                volume_handle,
                ..
            } => {
                if driver.len() > 63 {
                    v.error(
                        format!("{at}.source.csi.driver"),
                        "must be at most 63 characters",
                    );
                }
                v.check(
                    format!("{at}.source.csi.driver"),
                    names::dns1123_subdomain(&driver.to_ascii_lowercase()),
                );
                if volume_handle.is_empty() {
                    v.error(format!("{at}.source.csi.volumeHandle"), "must not be empty");
                }
            }
        }
        if let Some(claim_name) = &volume.claim {
            match spec
                .persistent_volume_claims
                .iter()
                .find(|c| c.name == *claim_name)
            {
                None => v.error(
                    format!("{at}.claim"),
                    format!("no PersistentVolumeClaim '{claim_name}' in persistentVolumeClaims"),
                ),
                Some(claim)
                    if claim
                        .volume_name
                        .as_deref()
                        .is_some_and(|n| n != volume.name) =>
                {
                    v.error(
                        format!("{at}.claim"),
                        format!(
                            "claim '{claim_name}' asks for volume '{}'",
                            claim.volume_name.as_deref().unwrap_or_default()
                        ),
                    )
                }
                Some(_) => {}
            }
        }
    }
}

fn absolute(v: &mut Validator, path: String, value: &str) {
    if !value.starts_with('/') {
        v.error(path, format!("'{value}' must be an absolute path"));
    }
}
