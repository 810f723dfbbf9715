//! A pod template → the form's containers, mounts and pod settings.

use super::value::{choice, flag, int, int32, items, string_map, strings, text};
use crate::spec::{
    ContainerSpec, EnvFromSpec, EnvVarSpec, HttpGetSpec, KeyRef, MountSource, PortRef, PortSpec,
    ProbeSpec, ResourceSpec, Resources, SecurityContextSpec, TolerationSpec, VolumeMountSpec,
};
use serde_json::Value;

/// The containers (or init containers) of a pod spec, with their mounts resolved against the
/// pod's volumes; `claim_templates` are the StatefulSet's claim names.
pub(super) fn containers(
    pod: &Value,
    list: &str,
    claim_templates: &[String],
) -> Vec<ContainerSpec> {
    items(pod, &format!("/{list}"))
        .iter()
        .map(|c| container(c, pod, claim_templates))
        .collect()
}

fn container(c: &Value, pod: &Value, claim_templates: &[String]) -> ContainerSpec {
    ContainerSpec {
        name: text(c, "/name").unwrap_or_default(),
        image: text(c, "/image").unwrap_or_default(),
        image_pull_policy: choice(c, "/imagePullPolicy"),
        command: strings(c, "/command"),
        args: strings(c, "/args"),
        working_dir: text(c, "/workingDir"),
        ports: items(c, "/ports")
            .iter()
            .filter_map(|p| {
                Some(PortSpec {
                    name: text(p, "/name"),
                    container_port: int(p, "/containerPort")?,
                    protocol: choice(p, "/protocol").unwrap_or_default(),
                })
            })
            .collect(),
        env: items(c, "/env").iter().map(env_var).collect(),
        env_from: items(c, "/envFrom")
            .iter()
            .map(|from| EnvFromSpec {
                config_map: text(from, "/configMapRef/name"),
                secret: text(from, "/secretRef/name"),
                prefix: text(from, "/prefix"),
            })
            .collect(),
        resources: Resources {
            requests: resource_spec(c, "/resources/requests"),
            limits: resource_spec(c, "/resources/limits"),
        },
        liveness_probe: probe(c, "/livenessProbe"),
        readiness_probe: probe(c, "/readinessProbe"),
        startup_probe: probe(c, "/startupProbe"),
        security_context: c.get("securityContext").map(|s| SecurityContextSpec {
            run_as_non_root: flag(s, "/runAsNonRoot"),
            run_as_user: int(s, "/runAsUser"),
            run_as_group: int(s, "/runAsGroup"),
            read_only_root_filesystem: flag(s, "/readOnlyRootFilesystem"),
            allow_privilege_escalation: flag(s, "/allowPrivilegeEscalation"),
            privileged: flag(s, "/privileged"),
            capabilities_add: strings(s, "/capabilities/add"),
            capabilities_drop: strings(s, "/capabilities/drop"),
        }),
        volume_mounts: items(c, "/volumeMounts")
            .iter()
            .filter_map(|m| mount(m, pod, claim_templates))
            .collect(),
    }
}

fn env_var(env: &Value) -> EnvVarSpec {
    let key = |kind: &str| {
        Some(KeyRef {
            name: text(env, &format!("/valueFrom/{kind}/name"))?,
            key: text(env, &format!("/valueFrom/{kind}/key"))?,
            optional: flag(env, &format!("/valueFrom/{kind}/optional")).unwrap_or_default(),
        })
    };
    EnvVarSpec {
        name: text(env, "/name").unwrap_or_default(),
        value: text(env, "/value"),
        config_map_key: key("configMapKeyRef"),
        secret_key: key("secretKeyRef"),
        field_path: text(env, "/valueFrom/fieldRef/fieldPath"),
    }
}

fn resource_spec(c: &Value, pointer: &str) -> ResourceSpec {
    ResourceSpec {
        cpu: text(c, &format!("{pointer}/cpu")),
        memory: text(c, &format!("{pointer}/memory")),
        ephemeral_storage: text(c, &format!("{pointer}/ephemeral-storage")),
    }
}

fn port_ref(value: &Value, pointer: &str) -> Option<PortRef> {
    match value.pointer(pointer)? {
        Value::Number(n) => n.as_i64().map(PortRef::Number),
        Value::String(name) => Some(PortRef::Name(name.clone())),
        _ => None,
    }
}

fn probe(c: &Value, pointer: &str) -> Option<ProbeSpec> {
    let p = c.pointer(pointer)?;
    Some(ProbeSpec {
        http_get: p.get("httpGet").and_then(|http| {
            Some(HttpGetSpec {
                path: text(http, "/path").unwrap_or_else(|| "/".to_owned()),
                port: port_ref(http, "/port")?,
                https: text(http, "/scheme").as_deref() == Some("HTTPS"),
            })
        }),
        tcp_socket: port_ref(p, "/tcpSocket/port"),
        exec: p
            .pointer("/exec/command")
            .map(|_| strings(p, "/exec/command")),
        initial_delay_seconds: int32(p, "/initialDelaySeconds"),
        period_seconds: int32(p, "/periodSeconds"),
        timeout_seconds: int32(p, "/timeoutSeconds"),
        failure_threshold: int32(p, "/failureThreshold"),
        success_threshold: int32(p, "/successThreshold"),
    })
}

/// A mount whose volume the form can express; others stay in the override.
fn mount(m: &Value, pod: &Value, claim_templates: &[String]) -> Option<VolumeMountSpec> {
    let volume_name = text(m, "/name")?;
    let volume = items(pod, "/volumes")
        .iter()
        .find(|v| text(v, "/name").as_deref() == Some(volume_name.as_str()));
    let (source, name) = match volume {
        Some(v) if v.get("configMap").is_some() => {
            (MountSource::ConfigMap, text(v, "/configMap/name")?)
        }
        Some(v) if v.get("secret").is_some() => {
            (MountSource::Secret, text(v, "/secret/secretName")?)
        }
        Some(v) if v.get("persistentVolumeClaim").is_some() => (
            MountSource::PersistentVolumeClaim,
            text(v, "/persistentVolumeClaim/claimName")?,
        ),
        Some(v) if v.get("emptyDir").is_some() => (MountSource::EmptyDir, volume_name.clone()),
        None if claim_templates.contains(&volume_name) => {
            (MountSource::ClaimTemplate, volume_name.clone())
        }
        _ => return None,
    };
    let mut spec = VolumeMountSpec {
        source,
        name,
        mount_path: text(m, "/mountPath")?,
        sub_path: text(m, "/subPath"),
        read_only: flag(m, "/readOnly").unwrap_or_default(),
        volume: None,
    };
    if spec.volume_name() != volume_name {
        spec.volume = Some(volume_name);
    }
    Some(spec)
}

pub(super) fn tolerations(pod: &Value) -> Vec<TolerationSpec> {
    items(pod, "/tolerations")
        .iter()
        .map(|t| TolerationSpec {
            key: text(t, "/key"),
            operator: choice(t, "/operator"),
            value: text(t, "/value"),
            effect: choice(t, "/effect"),
            toleration_seconds: int(t, "/tolerationSeconds"),
        })
        .collect()
}

pub(super) fn node_selector(pod: &Value) -> crate::spec::StringMap {
    string_map(pod, "/nodeSelector")
}
