//! The pod template shared by all six workload kinds: containers, probes, resources and the
//! volumes derived from the mounts.

use super::meta::{non_empty, non_empty_vec};
use crate::refs::Refs;
use crate::spec::{
    ContainerSpec, EnvVarSpec, MountSource, PortRef, ProbeSpec, ResourceSpec, RestartPolicy,
    SecurityContextSpec, WorkloadSpec,
};
use k8s_openapi::api::core::v1 as core;
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use std::collections::BTreeMap;

/// The pod template of a workload, with `restart_policy` as the kind requires.
pub(super) fn template(
    refs: &Refs,
    workload: &WorkloadSpec,
    restart_policy: RestartPolicy,
) -> core::PodTemplateSpec {
    core::PodTemplateSpec {
        metadata: Some(ObjectMeta {
            labels: Some(refs.pod_labels(workload)),
            annotations: non_empty(workload.pod_annotations.clone()),
            ..ObjectMeta::default()
        }),
        spec: Some(pod_spec(refs, workload, restart_policy)),
    }
}

pub(super) fn pod_spec(
    refs: &Refs,
    workload: &WorkloadSpec,
    restart_policy: RestartPolicy,
) -> core::PodSpec {
    let pull_secrets: Vec<_> = refs
        .pull_secrets()
        .into_iter()
        .map(|name| core::LocalObjectReference { name })
        .collect();
    core::PodSpec {
        containers: workload.containers.iter().map(container).collect(),
        init_containers: non_empty_vec(workload.init_containers.iter().map(container).collect()),
        restart_policy: Some(restart_policy.as_str().to_owned()),
        service_account_name: workload.service_account.clone(),
        node_selector: non_empty(workload.node_selector.clone()),
        tolerations: non_empty_vec(workload.tolerations.iter().map(toleration).collect()),
        image_pull_secrets: non_empty_vec(pull_secrets),
        volumes: non_empty_vec(volumes(workload)),
        ..core::PodSpec::default()
    }
}

/// One volume per distinct mount source; claim templates are provided by the StatefulSet itself.
fn volumes(workload: &WorkloadSpec) -> Vec<core::Volume> {
    let mut volumes: BTreeMap<String, core::Volume> = BTreeMap::new();
    for mount in workload.all_containers().flat_map(|c| &c.volume_mounts) {
        let name = mount.volume_name();
        let volume = core::Volume {
            name: name.clone(),
            ..core::Volume::default()
        };
        let volume = match mount.source {
            MountSource::ClaimTemplate => continue,
            MountSource::PersistentVolumeClaim => core::Volume {
                persistent_volume_claim: Some(core::PersistentVolumeClaimVolumeSource {
                    claim_name: mount.name.clone(),
                    read_only: None,
                }),
                ..volume
            },
            MountSource::ConfigMap => core::Volume {
                config_map: Some(core::ConfigMapVolumeSource {
                    name: mount.name.clone(),
                    ..Default::default()
                }),
                ..volume
            },
            MountSource::Secret => core::Volume {
                secret: Some(core::SecretVolumeSource {
                    secret_name: Some(mount.name.clone()),
                    ..Default::default()
                }),
                ..volume
            },
            MountSource::EmptyDir => core::Volume {
                empty_dir: Some(core::EmptyDirVolumeSource::default()),
                ..volume
            },
        };
        volumes.entry(name).or_insert(volume);
    }
    volumes.into_values().collect()
}

fn container(spec: &ContainerSpec) -> core::Container {
    core::Container {
        name: spec.name.clone(),
        image: Some(spec.image.clone()),
        image_pull_policy: spec.image_pull_policy.map(|p| p.as_str().to_owned()),
        command: non_empty_vec(spec.command.clone()),
        args: non_empty_vec(spec.args.clone()),
        working_dir: spec.working_dir.clone(),
        ports: non_empty_vec(
            spec.ports
                .iter()
                .map(|p| core::ContainerPort {
                    name: p.name.clone(),
                    container_port: p.container_port as i32,
                    protocol: Some(p.protocol.as_str().to_owned()),
                    ..Default::default()
                })
                .collect(),
        ),
        env: non_empty_vec(spec.env.iter().map(env_var).collect()),
        env_from: non_empty_vec(
            spec.env_from
                .iter()
                .map(|from| core::EnvFromSource {
                    config_map_ref: from
                        .config_map
                        .clone()
                        .map(|name| core::ConfigMapEnvSource {
                            name,
                            optional: None,
                        }),
                    secret_ref: from.secret.clone().map(|name| core::SecretEnvSource {
                        name,
                        optional: None,
                    }),
                    prefix: from.prefix.clone(),
                })
                .collect(),
        ),
        resources: resources(spec),
        liveness_probe: spec.liveness_probe.as_ref().map(probe),
        readiness_probe: spec.readiness_probe.as_ref().map(probe),
        startup_probe: spec.startup_probe.as_ref().map(probe),
        security_context: spec.security_context.as_ref().map(security_context),
        volume_mounts: non_empty_vec(
            spec.volume_mounts
                .iter()
                .map(|m| core::VolumeMount {
                    name: m.volume_name(),
                    mount_path: m.mount_path.clone(),
                    sub_path: m.sub_path.clone(),
                    read_only: m.read_only.then_some(true),
                    ..Default::default()
                })
                .collect(),
        ),
        ..core::Container::default()
    }
}

fn env_var(env: &EnvVarSpec) -> core::EnvVar {
    let optional = |o: bool| o.then_some(true);
    let value_from = if let Some(key) = &env.config_map_key {
        Some(core::EnvVarSource {
            config_map_key_ref: Some(core::ConfigMapKeySelector {
                name: key.name.clone(),
                key: key.key.clone(),
                optional: optional(key.optional),
            }),
            ..Default::default()
        })
    } else if let Some(key) = &env.secret_key {
        Some(core::EnvVarSource {
            secret_key_ref: Some(core::SecretKeySelector {
                name: key.name.clone(),
                key: key.key.clone(),
                optional: optional(key.optional),
            }),
            ..Default::default()
        })
    } else {
        env.field_path.as_ref().map(|path| core::EnvVarSource {
            field_ref: Some(core::ObjectFieldSelector {
                field_path: path.clone(),
                api_version: None,
            }),
            ..Default::default()
        })
    };
    let value = if value_from.is_some() {
        None
    } else {
        Some(env.value.clone().unwrap_or_default())
    };
    core::EnvVar {
        name: env.name.clone(),
        value,
        value_from,
    }
}

fn resource_list(spec: &ResourceSpec) -> Option<BTreeMap<String, Quantity>> {
    let list: BTreeMap<_, _> = spec
        .entries()
        .into_iter()
        .map(|(name, _, value)| (name.to_owned(), Quantity(value.to_owned())))
        .collect();
    if list.is_empty() { None } else { Some(list) }
}

fn resources(spec: &ContainerSpec) -> Option<core::ResourceRequirements> {
    if spec.resources.is_empty() {
        return None;
    }
    Some(core::ResourceRequirements {
        requests: resource_list(&spec.resources.requests),
        limits: resource_list(&spec.resources.limits),
        ..Default::default()
    })
}

pub(super) fn int_or_string(port: &PortRef) -> IntOrString {
    match port {
        PortRef::Number(n) => IntOrString::Int(*n as i32),
        PortRef::Name(name) => IntOrString::String(name.clone()),
    }
}

fn probe(spec: &ProbeSpec) -> core::Probe {
    core::Probe {
        http_get: spec.http_get.as_ref().map(|http| core::HTTPGetAction {
            path: Some(http.path.clone()),
            port: int_or_string(&http.port),
            scheme: http.https.then(|| "HTTPS".to_owned()),
            ..Default::default()
        }),
        tcp_socket: spec.tcp_socket.as_ref().map(|port| core::TCPSocketAction {
            port: int_or_string(port),
            host: None,
        }),
        exec: spec.exec.as_ref().map(|command| core::ExecAction {
            command: Some(command.clone()),
        }),
        initial_delay_seconds: spec.initial_delay_seconds,
        period_seconds: spec.period_seconds,
        timeout_seconds: spec.timeout_seconds,
        failure_threshold: spec.failure_threshold,
        success_threshold: spec.success_threshold,
        ..Default::default()
    }
}

fn security_context(spec: &SecurityContextSpec) -> core::SecurityContext {
    let capabilities = if spec.capabilities_add.is_empty() && spec.capabilities_drop.is_empty() {
        None
    } else {
        Some(core::Capabilities {
            add: non_empty_vec(spec.capabilities_add.clone()),
            drop: non_empty_vec(spec.capabilities_drop.clone()),
        })
    };
    core::SecurityContext {
        run_as_non_root: spec.run_as_non_root,
        run_as_user: spec.run_as_user,
        run_as_group: spec.run_as_group,
        read_only_root_filesystem: spec.read_only_root_filesystem,
        allow_privilege_escalation: spec.allow_privilege_escalation,
        privileged: spec.privileged,
        capabilities,
        ..Default::default()
    }
}

fn toleration(spec: &crate::spec::TolerationSpec) -> core::Toleration {
    core::Toleration {
        key: spec.key.clone(),
        operator: spec.operator.map(|o| o.as_str().to_owned()),
        value: spec.value.clone(),
        effect: spec.effect.map(|e| e.as_str().to_owned()),
        toleration_seconds: spec.toleration_seconds,
    }
}
