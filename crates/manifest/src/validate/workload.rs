//! Workloads, their pod settings and their containers.

use super::{Validator, cron, names};
use crate::spec::{
    ContainerSpec, EnvVarSpec, MountSource, PortRef, ProbeSpec, RestartPolicy, SecretType,
    StrategyType, TaintEffect, TolerationOperator, WorkloadKind, WorkloadSpec,
};
use std::collections::{BTreeMap, BTreeSet};

const FIELD_PATHS: [&str; 8] = [
    "metadata.name",
    "metadata.namespace",
    "metadata.uid",
    "spec.nodeName",
    "spec.serviceAccountName",
    "status.hostIP",
    "status.podIP",
    "status.podIPs",
];

pub(super) fn check(v: &mut Validator) {
    let spec = v.refs.spec;
    v.unique(
        "workloads",
        "name",
        spec.workloads.iter().map(|w| w.name.clone()),
    );
    for (index, workload) in spec.workloads.iter().enumerate() {
        self::workload(v, &format!("workloads[{index}]"), workload);
    }
}

fn workload(v: &mut Validator, at: &str, w: &WorkloadSpec) {
    v.check(format!("{at}.name"), names::dns1123_label(&w.name));
    // CronJob names get an 11-character suffix for their Jobs.
    if w.kind == WorkloadKind::CronJob && w.name.len() > 52 {
        v.error(
            format!("{at}.name"),
            "a CronJob name must be at most 52 characters",
        );
    }
    if w.containers.is_empty() {
        v.error(format!("{at}.containers"), "add at least one container");
    }
    v.unique(
        &format!("{at}.containers"),
        "name",
        w.containers.iter().map(|c| c.name.clone()),
    );
    let main_names: BTreeSet<_> = w.containers.iter().map(|c| c.name.as_str()).collect();
    for (i, init) in w.init_containers.iter().enumerate() {
        if main_names.contains(init.name.as_str()) {
            v.error(
                format!("{at}.initContainers[{i}].name"),
                format!("'{}' is already used by a container", init.name),
            );
        }
    }
    v.unique(
        &format!("{at}.initContainers"),
        "name",
        w.init_containers.iter().map(|c| c.name.clone()),
    );
    let mut port_names: BTreeMap<String, String> = BTreeMap::new();
    for (list, containers, is_init) in [
        ("containers", &w.containers, false),
        ("initContainers", &w.init_containers, true),
    ] {
        for (i, container) in containers.iter().enumerate() {
            let path = format!("{at}.{list}[{i}]");
            self::container(v, &path, w, container, is_init);
            for (p, port) in container.ports.iter().enumerate() {
                let Some(name) = &port.name else { continue };
                if let Some(previous) = port_names.insert(name.clone(), path.clone()) {
                    v.error(
                        format!("{path}.ports[{p}].name"),
                        format!("'{name}' is already used in {previous}"),
                    );
                }
            }
        }
    }
    volumes(v, at, w);
    kind_settings(v, at, w);
    autoscaling(v, at, w);
    disruption_budget(v, at, w);
    v.labels(&format!("{at}.nodeSelector"), &w.node_selector);
    v.annotations(&format!("{at}.podAnnotations"), &w.pod_annotations);
    v.labels(&format!("{at}.podLabels"), &w.pod_labels);
    v.labels(&format!("{at}.selector"), &w.selector);
    if !w.selector.is_empty() && !w.kind.has_selector() {
        v.error(
            format!("{at}.selector"),
            format!("a {} has no selector to set", w.kind.as_str()),
        );
    }
    if let Some(account) = &w.service_account {
        v.check(
            format!("{at}.serviceAccount"),
            names::dns1123_subdomain(account),
        );
    }
    for (t, toleration) in w.tolerations.iter().enumerate() {
        let path = format!("{at}.tolerations[{t}]");
        if let Some(key) = &toleration.key {
            v.check(format!("{path}.key"), super::labels::qualified_name(key));
        }
        let exists = toleration.operator == Some(TolerationOperator::Exists);
        if exists && !toleration.value.as_deref().unwrap_or_default().is_empty() {
            v.error(
                format!("{path}.value"),
                "must be empty when operator is Exists",
            );
        }
        if toleration.key.as_deref().unwrap_or_default().is_empty() && !exists {
            v.error(
                format!("{path}.operator"),
                "an empty key needs operator Exists",
            );
        }
        if toleration.toleration_seconds.is_some()
            && toleration.effect != Some(TaintEffect::NoExecute)
        {
            v.error(
                format!("{path}.tolerationSeconds"),
                "only allowed with effect NoExecute",
            );
        }
    }
}

fn kind_settings(v: &mut Validator, at: &str, w: &WorkloadSpec) {
    let kind = w.kind.as_str();
    if w.replicas.is_some() && !w.kind.is_replicated() {
        v.error(
            format!("{at}.replicas"),
            format!("a {kind} has no replicas"),
        );
    }
    v.non_negative(format!("{at}.replicas"), w.replicas.map(i64::from));
    if let Some(strategy) = &w.strategy {
        let path = format!("{at}.strategy");
        let allowed = match w.kind {
            WorkloadKind::Deployment => {
                [StrategyType::RollingUpdate, StrategyType::Recreate].as_slice()
            }
            WorkloadKind::StatefulSet | WorkloadKind::DaemonSet => {
                [StrategyType::RollingUpdate, StrategyType::OnDelete].as_slice()
            }
            _ => [].as_slice(),
        };
        if allowed.is_empty() {
            v.error(path.clone(), format!("a {kind} has no update strategy"));
        } else if !allowed.contains(&strategy.strategy_type) {
            v.error(
                format!("{path}.type"),
                format!("a {kind} does not support {:?}", strategy.strategy_type),
            );
        }
        if strategy.strategy_type != StrategyType::RollingUpdate
            && (strategy.max_surge.is_some() || strategy.max_unavailable.is_some())
        {
            v.error(
                path.clone(),
                "maxSurge and maxUnavailable only apply to RollingUpdate",
            );
        }
        if w.kind == WorkloadKind::StatefulSet && strategy.max_surge.is_some() {
            v.error(format!("{path}.maxSurge"), "a StatefulSet has no maxSurge");
        }
        let surge = strategy
            .max_surge
            .as_deref()
            .map(|s| (format!("{path}.maxSurge"), s));
        let unavailable = strategy
            .max_unavailable
            .as_deref()
            .map(|s| (format!("{path}.maxUnavailable"), s));
        let mut zero = 0;
        for (field, value) in surge.iter().chain(unavailable.iter()) {
            match int_or_percent(value) {
                Ok(0) => zero += 1,
                Ok(_) => {}
                Err(message) => v.error(field.clone(), message),
            }
        }
        if zero == 2 {
            v.error(
                format!("{path}.maxUnavailable"),
                "may not be 0 when maxSurge is 0",
            );
        }
    }
    match (w.kind, w.restart_policy) {
        (WorkloadKind::Job | WorkloadKind::CronJob, Some(RestartPolicy::Always)) => {
            v.error(
                format!("{at}.restartPolicy"),
                "a Job's pods must use OnFailure or Never",
            );
        }
        (
            WorkloadKind::Deployment
            | WorkloadKind::StatefulSet
            | WorkloadKind::ReplicaSet
            | WorkloadKind::DaemonSet,
            Some(policy),
        ) if policy != RestartPolicy::Always => {
            v.error(
                format!("{at}.restartPolicy"),
                format!("a {kind} always restarts its pods; only Always is allowed"),
            );
        }
        _ => {}
    }
    if let Some(job) = &w.job {
        if !w.kind.runs_to_completion() {
            v.error(
                format!("{at}.job"),
                format!("Job settings do not apply to a {kind}"),
            );
        }
        for (field, value) in [
            ("completions", job.completions.map(i64::from)),
            ("parallelism", job.parallelism.map(i64::from)),
            ("backoffLimit", job.backoff_limit.map(i64::from)),
            (
                "ttlSecondsAfterFinished",
                job.ttl_seconds_after_finished.map(i64::from),
            ),
        ] {
            v.non_negative(format!("{at}.job.{field}"), value);
        }
        if job.active_deadline_seconds.is_some_and(|s| s <= 0) {
            v.error(
                format!("{at}.job.activeDeadlineSeconds"),
                "must be greater than zero",
            );
        }
    }
    match (&w.cron_job, w.kind) {
        (None, WorkloadKind::CronJob) => v.error(
            format!("{at}.cronJob.schedule"),
            "a CronJob needs a schedule",
        ),
        (Some(_), kind) if kind != WorkloadKind::CronJob => {
            v.error(
                format!("{at}.cronJob"),
                format!("CronJob settings do not apply to a {}", kind.as_str()),
            );
        }
        (Some(cron_job), _) => {
            v.check(
                format!("{at}.cronJob.schedule"),
                cron::schedule(&cron_job.schedule),
            );
            if let Some(zone) = &cron_job.time_zone {
                let valid = !zone.is_empty()
                    && !zone.starts_with('/')
                    && !zone.contains("..")
                    && zone
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || "/_-+".contains(c));
                if !valid {
                    v.error(
                        format!("{at}.cronJob.timeZone"),
                        format!("'{zone}' is not an IANA time zone like Europe/Berlin"),
                    );
                }
            }
            v.non_negative(
                format!("{at}.cronJob.successfulJobsHistoryLimit"),
                cron_job.successful_jobs_history_limit.map(i64::from),
            );
            v.non_negative(
                format!("{at}.cronJob.failedJobsHistoryLimit"),
                cron_job.failed_jobs_history_limit.map(i64::from),
            );
            v.non_negative(
                format!("{at}.cronJob.startingDeadlineSeconds"),
                cron_job.starting_deadline_seconds,
            );
        }
        (None, _) => {}
    }
    stateful_set(v, at, w);
}

fn stateful_set(v: &mut Validator, at: &str, w: &WorkloadSpec) {
    if w.stateful_set.is_some() && w.kind != WorkloadKind::StatefulSet {
        v.error(
            format!("{at}.statefulSet"),
            format!("StatefulSet settings do not apply to a {}", w.kind.as_str()),
        );
        return;
    }
    if w.kind != WorkloadKind::StatefulSet {
        return;
    }
    let named = w.stateful_set.as_ref().and_then(|s| s.service_name.clone());
    match (&named, v.refs.governing_service(w)) {
        (Some(name), _) => {
            v.check(format!("{at}.statefulSet.serviceName"), names::dns1035_label(name));
            let ours = v.refs.spec.services.iter().find(|s| v.refs.service_name(s) == *name);
            if ours.is_some_and(|s| s.service_type != crate::spec::ServiceType::Headless) {
                v.error(format!("{at}.statefulSet.serviceName"), format!("Service '{name}' must be Headless to govern a StatefulSet"));
            }
        }
        (None, None) => v.error(
            format!("{at}.statefulSet.serviceName"),
            "a StatefulSet needs a governing Service: add a Headless Service for this workload or name one",
        ),
        (None, Some(_)) => {}
    }
    let templates = w.volume_claim_templates();
    v.unique(
        &format!("{at}.statefulSet.volumeClaimTemplates"),
        "name",
        templates.iter().map(|t| t.name.clone()),
    );
    for (t, template) in templates.iter().enumerate() {
        let path = format!("{at}.statefulSet.volumeClaimTemplates[{t}]");
        v.check(format!("{path}.name"), names::dns1123_label(&template.name));
        v.quantity(format!("{path}.size"), &template.size, true);
        v.access_modes(format!("{path}.accessModes"), &template.access_modes);
        if let Some(class) = template
            .storage_class_name
            .as_deref()
            .filter(|c| !c.is_empty())
        {
            v.check(
                format!("{path}.storageClassName"),
                names::dns1123_subdomain(class),
            );
        }
    }
}

/// Parses `3` or `25%`, returning the number.
fn int_or_percent(value: &str) -> Result<i64, String> {
    let digits = value.strip_suffix('%').unwrap_or(value);
    match digits.parse::<i64>() {
        Ok(n) if n >= 0 && (!value.ends_with('%') || n <= 100) => Ok(n),
        _ => Err(format!(
            "'{value}' must be a non-negative number or a percentage like 25%"
        )),
    }
}

fn container(v: &mut Validator, at: &str, w: &WorkloadSpec, c: &ContainerSpec, is_init: bool) {
    v.check(format!("{at}.name"), names::dns1123_label(&c.name));
    if c.image.trim().is_empty() {
        v.error(format!("{at}.image"), "must not be empty");
    } else if c.image.chars().any(char::is_whitespace) || c.image != c.image.trim() {
        v.error(
            format!("{at}.image"),
            format!("'{}' must not contain spaces", c.image),
        );
    }
    let mut seen_ports = BTreeSet::new();
    for (p, port) in c.ports.iter().enumerate() {
        if let Some(name) = &port.name {
            v.check(format!("{at}.ports[{p}].name"), names::port_name(name));
        }
        v.port_number(
            format!("{at}.ports[{p}].containerPort"),
            port.container_port,
        );
        if !seen_ports.insert((port.container_port, port.protocol)) {
            v.error(
                format!("{at}.ports[{p}].containerPort"),
                format!(
                    "{} {} is listed twice",
                    port.container_port,
                    port.protocol.as_str()
                ),
            );
        }
    }
    v.unique(
        &format!("{at}.env"),
        "name",
        c.env.iter().map(|e| e.name.clone()),
    );
    for (e, env) in c.env.iter().enumerate() {
        env_var(v, &format!("{at}.env[{e}]"), env);
    }
    for (e, from) in c.env_from.iter().enumerate() {
        let path = format!("{at}.envFrom[{e}]");
        match (&from.config_map, &from.secret) {
            (Some(name), None) | (None, Some(name)) => {
                v.check(path.clone(), names::dns1123_subdomain(name))
            }
            _ => v.error(path.clone(), "set exactly one of configMap or secret"),
        }
        if let Some(prefix) = &from.prefix {
            v.check(format!("{path}.prefix"), names::env_var_name(prefix));
        }
    }
    resources(v, at, c);
    for (field, probe) in [
        ("livenessProbe", &c.liveness_probe),
        ("readinessProbe", &c.readiness_probe),
        ("startupProbe", &c.startup_probe),
    ] {
        let Some(probe) = probe else { continue };
        let path = format!("{at}.{field}");
        if is_init {
            v.error(path, "init containers cannot have probes");
            continue;
        }
        self::probe(v, &path, c, probe, field != "readinessProbe");
    }
    if let Some(sc) = &c.security_context {
        let path = format!("{at}.securityContext");
        v.non_negative(format!("{path}.runAsUser"), sc.run_as_user);
        v.non_negative(format!("{path}.runAsGroup"), sc.run_as_group);
        if sc.privileged == Some(true) && sc.allow_privilege_escalation == Some(false) {
            v.error(
                format!("{path}.allowPrivilegeEscalation"),
                "cannot be false for a privileged container",
            );
        }
        if sc.run_as_non_root == Some(true) && sc.run_as_user == Some(0) {
            v.error(
                format!("{path}.runAsUser"),
                "0 is root, but runAsNonRoot is set",
            );
        }
        for (field, caps) in [
            ("capabilitiesAdd", &sc.capabilities_add),
            ("capabilitiesDrop", &sc.capabilities_drop),
        ] {
            for (i, cap) in caps.iter().enumerate() {
                if cap.is_empty()
                    || !cap
                        .chars()
                        .all(|ch| ch.is_ascii_uppercase() || ch == '_' || ch.is_ascii_digit())
                {
                    v.error(
                        format!("{path}.{field}[{i}]"),
                        format!("'{cap}' is not a capability name like NET_BIND_SERVICE or ALL"),
                    );
                }
            }
        }
    }
    let mut mount_paths = BTreeMap::new();
    for (m, mount) in c.volume_mounts.iter().enumerate() {
        let path = format!("{at}.volumeMounts[{m}]");
        if !mount.mount_path.starts_with('/') {
            v.error(
                format!("{path}.mountPath"),
                format!("'{}' must be an absolute path", mount.mount_path),
            );
        } else if let Some(previous) = mount_paths.insert(mount.mount_path.clone(), m) {
            v.error(
                format!("{path}.mountPath"),
                format!(
                    "'{}' is already used by volumeMounts[{previous}]",
                    mount.mount_path
                ),
            );
        }
        if let Some(sub) = &mount.sub_path
            && (sub.starts_with('/') || sub.split('/').any(|part| part == ".."))
        {
            v.error(
                format!("{path}.subPath"),
                format!("'{sub}' must be a relative path without '..'"),
            );
        }
        mount_source(v, &path, w, mount);
    }
}

fn mount_source(
    v: &mut Validator,
    path: &str,
    w: &WorkloadSpec,
    mount: &crate::spec::VolumeMountSpec,
) {
    let spec = v.refs.spec;
    let name_path = format!("{path}.name");
    match mount.source {
        MountSource::PersistentVolumeClaim => {
            if !spec
                .persistent_volume_claims
                .iter()
                .any(|c| c.name == mount.name)
            {
                v.error(
                    name_path,
                    format!(
                        "no PersistentVolumeClaim '{}' in persistentVolumeClaims",
                        mount.name
                    ),
                );
            }
        }
        MountSource::ClaimTemplate => {
            if w.kind != WorkloadKind::StatefulSet {
                v.error(
                    format!("{path}.source"),
                    "claim templates exist only in StatefulSets",
                );
            } else if !w
                .volume_claim_templates()
                .iter()
                .any(|t| t.name == mount.name)
            {
                v.error(
                    name_path,
                    format!(
                        "no volume claim template '{}' in statefulSet.volumeClaimTemplates",
                        mount.name
                    ),
                );
            }
        }
        MountSource::ConfigMap | MountSource::Secret => {
            v.check(name_path, names::dns1123_subdomain(&mount.name))
        }
        MountSource::EmptyDir => {}
    }
    // The derived pod volume name must itself be valid, which also bounds ConfigMap/Secret names.
    if let Err(message) = names::dns1123_label(&mount.volume_name()) {
        v.error(format!("{path}.name"), format!("volume name {message}"));
    }
}

fn env_var(v: &mut Validator, at: &str, env: &EnvVarSpec) {
    v.check(format!("{at}.name"), names::env_var_name(&env.name));
    let sources = [
        env.value.is_some(),
        env.config_map_key.is_some(),
        env.secret_key.is_some(),
        env.field_path.is_some(),
    ];
    if sources.iter().filter(|s| **s).count() > 1 {
        v.error(
            at.to_owned(),
            "set only one of value, configMapKey, secretKey or fieldPath",
        );
    }
    if let Some(key) = &env.config_map_key {
        v.check(
            format!("{at}.configMapKey.name"),
            names::dns1123_subdomain(&key.name),
        );
        v.check(
            format!("{at}.configMapKey.key"),
            names::config_key(&key.key),
        );
        if let Some(config_map) = v.refs.spec.config_maps.iter().find(|c| c.name == key.name) {
            let data =
                crate::render::config::merged(&config_map.data, config_map.dotenv.as_deref());
            if !data.contains_key(&key.key) && !key.optional {
                v.error(
                    format!("{at}.configMapKey.key"),
                    format!("ConfigMap '{}' has no key '{}'", key.name, key.key),
                );
            }
        }
    }
    if let Some(key) = &env.secret_key {
        v.check(
            format!("{at}.secretKey.name"),
            names::dns1123_subdomain(&key.name),
        );
        v.check(format!("{at}.secretKey.key"), names::config_key(&key.key));
        if let Some(secret) = v
            .refs
            .spec
            .secrets
            .iter()
            .find(|s| s.name == key.name && s.secret_type == SecretType::Opaque)
        {
            let data = crate::render::config::merged(&secret.data, secret.dotenv.as_deref());
            if !data.contains_key(&key.key) && !key.optional {
                v.error(
                    format!("{at}.secretKey.key"),
                    format!("Secret '{}' has no key '{}'", key.name, key.key),
                );
            }
        }
    }
    if let Some(field) = &env.field_path {
        let labelled = ["metadata.labels['", "metadata.annotations['"]
            .iter()
            .any(|p| field.starts_with(p) && field.ends_with("']"));
        if !labelled && !FIELD_PATHS.contains(&field.as_str()) {
            v.error(
                format!("{at}.fieldPath"),
                format!(
                    "'{field}' is not a supported pod field (e.g. {})",
                    FIELD_PATHS.join(", ")
                ),
            );
        }
    }
}

fn resources(v: &mut Validator, at: &str, c: &ContainerSpec) {
    let requests = c.resources.requests.entries();
    let limits = c.resources.limits.entries();
    let mut parsed = BTreeMap::new();
    for (name, field, value) in &limits {
        if let Some(q) = v.quantity(format!("{at}.resources.limits.{field}"), value, false) {
            parsed.insert(*name, q);
        }
    }
    for (name, field, value) in &requests {
        let path = format!("{at}.resources.requests.{field}");
        if let (Some(request), Some(limit)) =
            (v.quantity(path.clone(), value, false), parsed.get(name))
            && request > *limit
        {
            v.error(
                path,
                format!(
                    "request {value} is more than the limit {}",
                    limits
                        .iter()
                        .find(|l| l.0 == *name)
                        .map(|l| l.2)
                        .unwrap_or_default()
                ),
            );
        }
    }
}

fn probe(v: &mut Validator, at: &str, c: &ContainerSpec, p: &ProbeSpec, single_success: bool) {
    let handlers = [
        p.http_get.is_some(),
        p.tcp_socket.is_some(),
        p.exec.is_some(),
    ]
    .iter()
    .filter(|h| **h)
    .count();
    if handlers != 1 {
        v.error(
            at.to_owned(),
            "set exactly one of httpGet, tcpSocket or exec",
        );
    }
    let port = |v: &mut Validator, path: String, port: &PortRef| match port {
        PortRef::Number(n) => v.port_number(path, *n),
        PortRef::Name(name) if !c.ports.iter().any(|p| p.name.as_ref() == Some(name)) => {
            v.error(
                path,
                format!("container '{}' has no port named '{name}'", c.name),
            );
        }
        PortRef::Name(_) => {}
    };
    if let Some(http) = &p.http_get {
        port(v, format!("{at}.httpGet.port"), &http.port);
        if !http.path.starts_with('/') {
            v.error(
                format!("{at}.httpGet.path"),
                format!("'{}' must start with '/'", http.path),
            );
        }
    }
    if let Some(tcp) = &p.tcp_socket {
        port(v, format!("{at}.tcpSocket"), tcp);
    }
    if p.exec.as_ref().is_some_and(Vec::is_empty) {
        v.error(format!("{at}.exec"), "the command must not be empty");
    }
    v.non_negative(
        format!("{at}.initialDelaySeconds"),
        p.initial_delay_seconds.map(i64::from),
    );
    for (field, value) in [
        ("periodSeconds", p.period_seconds),
        ("timeoutSeconds", p.timeout_seconds),
        ("failureThreshold", p.failure_threshold),
        ("successThreshold", p.success_threshold),
    ] {
        if value.is_some_and(|n| n < 1) {
            v.error(format!("{at}.{field}"), "must be at least 1");
        }
    }
    if single_success && p.success_threshold.is_some_and(|n| n != 1) {
        v.error(
            format!("{at}.successThreshold"),
            "must be 1 for liveness and startup probes",
        );
    }
}

fn volumes(v: &mut Validator, at: &str, w: &WorkloadSpec) {
    // The same volume name must always mean the same source across all containers of the pod.
    let mut sources: BTreeMap<String, (MountSource, String)> = BTreeMap::new();
    for (list, containers) in [
        ("containers", &w.containers),
        ("initContainers", &w.init_containers),
    ] {
        for (i, container) in containers.iter().enumerate() {
            for (m, mount) in container.volume_mounts.iter().enumerate() {
                if let Some(volume) = &mount.volume {
                    let path = format!("{at}.{list}[{i}].volumeMounts[{m}].volume");
                    if mount.source == MountSource::ClaimTemplate && *volume != mount.name {
                        v.error(
                            path,
                            "a claim template's volume is named after the template",
                        );
                    } else {
                        v.check(path, names::dns1123_label(volume));
                    }
                }
                let entry = (mount.source, mount.name.clone());
                match sources.get(&mount.volume_name()) {
                    Some(existing) if *existing != entry => v.error(
                        format!("{at}.{list}[{i}].volumeMounts[{m}].name"),
                        format!(
                            "volume '{}' is already a {:?} volume in this pod",
                            mount.volume_name(),
                            existing.0
                        ),
                    ),
                    _ => {
                        sources.insert(mount.volume_name(), entry);
                    }
                }
            }
        }
    }
}

fn autoscaling(v: &mut Validator, at: &str, w: &WorkloadSpec) {
    let Some(spec) = &w.autoscaling else {
        return;
    };
    let path = format!("{at}.autoscaling");
    if !matches!(w.kind, WorkloadKind::Deployment | WorkloadKind::StatefulSet) {
        v.error(
            path.clone(),
            format!(
                "a {} cannot be autoscaled; only Deployments and StatefulSets",
                w.kind.as_str()
            ),
        );
    }
    if w.replicas.is_some() {
        v.error(
            format!("{at}.replicas"),
            "the autoscaler sets the replicas; leave this empty",
        );
    }
    if spec.max_replicas < 1 {
        v.error(format!("{path}.maxReplicas"), "must be at least 1");
    }
    match spec.min_replicas {
        Some(min) if min < 1 => v.error(format!("{path}.minReplicas"), "must be at least 1"),
        Some(min) if min > spec.max_replicas => v.error(
            format!("{path}.minReplicas"),
            format!("{min} is more than maxReplicas ({})", spec.max_replicas),
        ),
        _ => {}
    }
    if spec.cpu_utilization.is_none() && spec.memory_utilization.is_none() {
        v.error(
            path.clone(),
            "set a CPU or memory target for the autoscaler to aim for",
        );
    }
    for (field, target, resource) in [
        ("cpuUtilization", spec.cpu_utilization, "cpu"),
        ("memoryUtilization", spec.memory_utilization, "memory"),
    ] {
        let Some(target) = target else { continue };
        if target < 1 {
            v.error(format!("{path}.{field}"), "must be at least 1 (percent)");
        }
        // Utilization is measured against requests: a container without one cannot be measured.
        if let Some(c) = w.containers.iter().position(|c| {
            !c.resources
                .requests
                .entries()
                .iter()
                .any(|(name, _, _)| *name == resource)
        }) {
            v.error(
                format!("{path}.{field}"),
                format!(
                    "container '{}' has no {resource} request to measure utilization against",
                    w.containers[c].name
                ),
            );
        }
    }
    for (direction, rules) in [("scaleUp", &spec.scale_up), ("scaleDown", &spec.scale_down)] {
        let Some(rules) = rules else { continue };
        let here = format!("{path}.{direction}");
        if let Some(window) = rules
            .stabilization_window_seconds
            .filter(|w| !(0..=3600).contains(w))
        {
            v.error(
                format!("{here}.stabilizationWindowSeconds"),
                format!("{window} must be between 0 and 3600"),
            );
        }
        for (i, policy) in rules.policies.iter().enumerate() {
            if policy.value < 1 {
                v.error(format!("{here}.policies[{i}].value"), "must be at least 1");
            }
            if !(1..=1800).contains(&policy.period_seconds) {
                v.error(
                    format!("{here}.policies[{i}].periodSeconds"),
                    format!("{} must be between 1 and 1800", policy.period_seconds),
                );
            }
        }
    }
}

fn disruption_budget(v: &mut Validator, at: &str, w: &WorkloadSpec) {
    let Some(budget) = &w.disruption_budget else {
        return;
    };
    let path = format!("{at}.disruptionBudget");
    if !w.kind.has_selector() {
        v.error(
            path.clone(),
            format!("a {} has no pods of its own to protect", w.kind.as_str()),
        );
    }
    match (&budget.min_available, &budget.max_unavailable) {
        (Some(_), Some(_)) => v.error(
            format!("{path}.maxUnavailable"),
            "set minAvailable or maxUnavailable, not both",
        ),
        (None, None) => v.error(path.clone(), "set minAvailable or maxUnavailable"),
        _ => {}
    }
    for (field, value) in [
        ("minAvailable", &budget.min_available),
        ("maxUnavailable", &budget.max_unavailable),
    ] {
        if let Some(value) = value
            && let Err(message) = int_or_percent(value)
        {
            v.error(format!("{path}.{field}"), message);
        }
    }
}
