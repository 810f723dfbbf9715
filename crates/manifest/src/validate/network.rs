//! Services, Ingresses, HTTPRoutes, rate limits, NetworkPolicies and Certificates.

use super::{Validator, names, net};
use crate::spec::{PathMatchType, PathType, PortRef, RateLimitKind, ServiceSpec, ServiceType};
use std::collections::{BTreeMap, BTreeSet};

pub(super) fn check(v: &mut Validator) {
    services(v);
    ingresses(v);
    routes(v);
    rate_limits(v);
    network_policies(v);
    certificates(v);
}

/// Resolves "a workload of this app" (by name, or the only one), reporting at `path`.
fn workload_ref(v: &mut Validator, path: String, name: Option<&str>) {
    let count = v.refs.spec.workloads.len();
    if v.refs.workload(name).is_none() {
        let message = match name {
            Some(name) => format!("no workload named '{name}'"),
            None if count == 0 => "there is no workload to send traffic to".to_owned(),
            None => format!("name the workload: this application has {count}"),
        };
        v.error(path, message);
    }
}

/// Resolves "a Service of this app and one of its ports", reporting at `at.service` / `at.port`.
fn service_ref(v: &mut Validator, at: &str, service: Option<&str>, port: Option<&PortRef>) {
    let Some(spec) = v.refs.service(service) else {
        let count = v.refs.spec.services.len();
        let message = match service {
            Some(name) => format!("no Service named '{name}' in services"),
            None if count == 0 => "add a Service for the traffic to go to".to_owned(),
            None => format!("name the Service: this application has {count}"),
        };
        v.error(format!("{at}.service"), message);
        return;
    };
    if let Some(port) = port
        && !spec.ports.iter().any(|p| p.is(port))
    {
        let name = v.refs.service_name(spec);
        let listed: Vec<String> = spec
            .ports
            .iter()
            .map(|p| match p.port_name() {
                Some(name) => format!("{name} ({})", p.port),
                None => p.port.to_string(),
            })
            .collect();
        let wanted = match port {
            PortRef::Number(number) => format!("no port {number}"),
            PortRef::Name(text) => format!("no port named or numbered '{text}'"),
        };
        v.error(
            format!("{at}.port"),
            format!(
                "Service '{name}' has {wanted}; its ports: {}",
                listed.join(", ")
            ),
        );
    }
}

fn services(v: &mut Validator) {
    let spec = v.refs.spec;
    let resolved: Vec<String> = spec
        .services
        .iter()
        .map(|s| v.refs.service_name(s))
        .collect();
    v.unique("services", "name", resolved.iter().cloned());
    for (i, service) in spec.services.iter().enumerate() {
        let at = format!("services[{i}]");
        v.check(format!("{at}.name"), names::dns1035_label(&resolved[i]));
        v.annotations(&format!("{at}.annotations"), &service.annotations);
        workload_ref(v, format!("{at}.workload"), service.workload.as_deref());
        service_ports(v, &at, service);
    }
}

fn service_ports(v: &mut Validator, at: &str, service: &ServiceSpec) {
    if service.ports.is_empty() {
        v.error(format!("{at}.ports"), "add at least one port");
    }
    let workload = v.refs.service_workload(service);
    let mut seen = BTreeSet::new();
    let mut names_seen: BTreeMap<&str, usize> = BTreeMap::new();
    for (p, port) in service.ports.iter().enumerate() {
        let path = format!("{at}.ports[{p}]");
        match port.port_name() {
            Some(name) => {
                v.check(format!("{path}.name"), names::port_name(name));
                if let Some(previous) = names_seen.insert(name, p) {
                    v.error(
                        format!("{path}.name"),
                        format!("'{name}' is already used by {at}.ports[{previous}]"),
                    );
                }
            }
            // Kubernetes names ports only when there are several.
            None if service.ports.len() > 1 => v.error(
                format!("{path}.name"),
                "is required when the Service has several ports",
            ),
            None => {}
        }
        v.port_number(format!("{path}.port"), port.port);
        let target = workload.and_then(|w| {
            w.containers
                .iter()
                .flat_map(|c| &c.ports)
                .find(|cp| port.targets(cp))
        });
        if let Some(number) = port.target_number() {
            // A number need not be declared by the container (Kubernetes does not ask it to be).
            v.port_number(format!("{path}.targetPort"), number);
        } else if let Some(workload) = workload
            && target.is_none()
        {
            v.error(
                format!("{path}.targetPort"),
                format!(
                    "workload '{}' has no container port named '{}'",
                    workload.name, port.target_port
                ),
            );
        }
        let protocol = target.map(|t| t.protocol).unwrap_or_default();
        if !seen.insert((port.port, protocol)) {
            v.error(
                format!("{path}.port"),
                format!("{} {} is listed twice", port.port, protocol.as_str()),
            );
        }
        if let Some(node_port) = port.node_port {
            if !matches!(
                service.service_type,
                ServiceType::NodePort | ServiceType::LoadBalancer
            ) {
                v.error(
                    format!("{path}.nodePort"),
                    "only NodePort and LoadBalancer Services have node ports",
                );
            } else if !(30000..=32767).contains(&node_port) {
                v.error(
                    format!("{path}.nodePort"),
                    format!("{node_port} is outside the node port range 30000-32767"),
                );
            }
        }
    }
}

fn ingresses(v: &mut Validator) {
    let (refs, spec) = (v.refs, v.refs.spec);
    v.unique(
        "ingresses",
        "name",
        spec.ingresses.iter().map(|i| refs.ingress_name(i)),
    );
    for (i, ingress) in spec.ingresses.iter().enumerate() {
        let at = format!("ingresses[{i}]");
        v.check(
            format!("{at}.name"),
            names::dns1123_subdomain(&v.refs.ingress_name(ingress)),
        );
        v.annotations(&format!("{at}.annotations"), &ingress.annotations);
        if let Some(class) = &ingress.class_name {
            v.check(format!("{at}.className"), names::dns1123_subdomain(class));
        }
        if ingress.rules.is_empty() {
            v.error(format!("{at}.rules"), "add at least one rule");
        }
        for (r, rule) in ingress.rules.iter().enumerate() {
            if let Some(host) = &rule.host {
                v.check(format!("{at}.rules[{r}].host"), net::hostname(host));
            }
            if rule.paths.is_empty() {
                v.error(format!("{at}.rules[{r}].paths"), "add at least one path");
            }
            for (p, path) in rule.paths.iter().enumerate() {
                let here = format!("{at}.rules[{r}].paths[{p}]");
                let check = match path.path_type {
                    PathType::Prefix | PathType::Exact => net::http_path(&path.path),
                    PathType::ImplementationSpecific if path.path.starts_with('/') => Ok(()),
                    PathType::ImplementationSpecific => {
                        Err(format!("'{}' must start with '/'", path.path))
                    }
                };
                v.check(format!("{here}.path"), check);
                service_ref(v, &here, path.service.as_deref(), path.port.as_ref());
            }
        }
        if let Some(tls) = &ingress.tls {
            let path = format!("{at}.tls");
            match (&tls.certificate, &tls.secret_name) {
                (Some(name), None) => {
                    if v.refs.certificate(name).is_none() {
                        v.error(
                            format!("{path}.certificate"),
                            format!("no certificate named '{name}' in certificates"),
                        );
                    }
                }
                (None, Some(secret)) => v.check(
                    format!("{path}.secretName"),
                    names::dns1123_subdomain(secret),
                ),
                _ => v.error(path.clone(), "set exactly one of certificate or secretName"),
            }
            if !ingress.rules.iter().any(|r| r.host.is_some()) {
                v.error(path, "TLS needs at least one rule with a host");
            }
        }
    }
}

fn routes(v: &mut Validator) {
    let (refs, spec) = (v.refs, v.refs.spec);
    v.unique(
        "httpRoutes",
        "name",
        spec.http_routes.iter().map(|r| refs.route_name(r)),
    );
    for (i, route) in spec.http_routes.iter().enumerate() {
        let at = format!("httpRoutes[{i}]");
        v.check(
            format!("{at}.name"),
            names::dns1123_subdomain(&v.refs.route_name(route)),
        );
        if route.parents.is_empty() {
            v.error(
                format!("{at}.parents"),
                "attach the route to at least one Gateway",
            );
        }
        if route.parents.len() > 32 {
            v.error(format!("{at}.parents"), "at most 32 parents");
        }
        for (p, parent) in route.parents.iter().enumerate() {
            v.check(
                format!("{at}.parents[{p}].name"),
                names::dns1123_subdomain(&parent.name),
            );
            if let Some(namespace) = &parent.namespace {
                v.check(
                    format!("{at}.parents[{p}].namespace"),
                    names::dns1123_label(namespace),
                );
            }
            if let Some(section) = &parent.section_name {
                v.check(
                    format!("{at}.parents[{p}].sectionName"),
                    names::dns1123_subdomain(section),
                );
            }
        }
        if route.hostnames.len() > 16 {
            v.error(format!("{at}.hostnames"), "at most 16 hostnames");
        }
        for (h, host) in route.hostnames.iter().enumerate() {
            v.check(format!("{at}.hostnames[{h}]"), net::hostname(host));
        }
        if route.rules.is_empty() {
            v.error(format!("{at}.rules"), "add at least one rule");
        }
        if route.rules.len() > 16 {
            v.error(format!("{at}.rules"), "at most 16 rules");
        }
        for (r, rule) in route.rules.iter().enumerate() {
            let here = format!("{at}.rules[{r}]");
            match rule.path_type {
                PathMatchType::PathPrefix | PathMatchType::Exact => {
                    v.check(format!("{here}.path"), net::http_path(&rule.path))
                }
                PathMatchType::RegularExpression if rule.path.is_empty() => {
                    v.error(format!("{here}.path"), "must not be empty")
                }
                PathMatchType::RegularExpression => {}
            }
            if rule.path.len() > 1024 {
                v.error(format!("{here}.path"), "must be at most 1024 characters");
            }
            if rule.backends.is_empty() {
                v.error(format!("{here}.backends"), "add at least one backend");
            }
            for (b, backend) in rule.backends.iter().enumerate() {
                let path = format!("{here}.backends[{b}]");
                service_ref(v, &path, backend.service.as_deref(), backend.port.as_ref());
                if let Some(weight) = backend.weight.filter(|w| !(0..=1_000_000).contains(w)) {
                    v.error(
                        format!("{path}.weight"),
                        format!("{weight} must be between 0 and 1000000"),
                    );
                }
            }
        }
        if let Some(certificate) = &route.certificate {
            if v.refs.certificate(certificate).is_none() {
                v.error(
                    format!("{at}.certificate"),
                    format!("no certificate named '{certificate}' in certificates"),
                );
            }
            if route.hostnames.is_empty() {
                v.error(
                    format!("{at}.certificate"),
                    "TLS needs at least one hostname",
                );
            }
        }
    }
}

fn rate_limits(v: &mut Validator) {
    let (refs, spec) = (v.refs, v.refs.spec);
    v.unique(
        "rateLimits",
        "name",
        spec.rate_limits.iter().map(|l| refs.rate_limit_name(l)),
    );
    for (i, limit) in spec.rate_limits.iter().enumerate() {
        let at = format!("rateLimits[{i}]");
        v.check(
            format!("{at}.name"),
            names::dns1123_subdomain(&v.refs.rate_limit_name(limit)),
        );
        if spec.http_routes.is_empty() {
            v.error(
                format!("{at}.route"),
                "rate limiting needs an HTTPRoute: add one under httpRoutes",
            );
        } else if v.refs.route(limit.route.as_deref()).is_none() {
            let message = match &limit.route {
                Some(name) => format!("no HTTPRoute named '{name}' in httpRoutes"),
                None => format!(
                    "name the route: this application has {} HTTPRoutes",
                    spec.http_routes.len()
                ),
            };
            v.error(format!("{at}.route"), message);
        }
        if !(1..=i64::from(u32::MAX)).contains(&limit.requests) {
            v.error(
                format!("{at}.requests"),
                format!("{} must be between 1 and 4294967295", limit.requests),
            );
        }
        if limit.per_client_ip && limit.kind != RateLimitKind::Global {
            v.error(
                format!("{at}.perClientIp"),
                "per-client budgets need a Global rate limit",
            );
        }
    }
}

fn network_policies(v: &mut Validator) {
    let spec = v.refs.spec;
    v.unique(
        "networkPolicies",
        "name",
        spec.network_policies.iter().map(|p| p.name.clone()),
    );
    for (i, policy) in spec.network_policies.iter().enumerate() {
        let at = format!("networkPolicies[{i}]");
        v.check(format!("{at}.name"), names::dns1123_subdomain(&policy.name));
        if let Some(workload) = &policy.workload {
            workload_ref(v, format!("{at}.workload"), Some(workload));
        }
        if !policy.restrict_ingress && !policy.restrict_egress {
            v.error(at.clone(), "restrict ingress, egress or both");
        }
        for (direction, restricted, rules) in [
            ("ingress", policy.restrict_ingress, &policy.ingress),
            ("egress", policy.restrict_egress, &policy.egress),
        ] {
            if !restricted && !rules.is_empty() {
                v.error(
                    format!("{at}.{direction}"),
                    format!(
                        "rules only apply when restrict{} is on",
                        if direction == "ingress" {
                            "Ingress"
                        } else {
                            "Egress"
                        }
                    ),
                );
            }
            for (r, rule) in rules.iter().enumerate() {
                let here = format!("{at}.{direction}[{r}]");
                for (p, peer) in rule.peers.iter().enumerate() {
                    let path = format!("{here}.peers[{p}]");
                    let selects_pods = peer.workload.is_some() || !peer.pod_labels.is_empty();
                    let selects_namespaces =
                        peer.all_namespaces || !peer.namespace_labels.is_empty();
                    match &peer.cidr {
                        Some(cidr) => {
                            v.check(format!("{path}.cidr"), net::cidr(cidr));
                            if selects_pods || selects_namespaces {
                                v.error(
                                    path.clone(),
                                    "a CIDR peer cannot also select pods or namespaces",
                                );
                            }
                            for (e, except) in peer.except.iter().enumerate() {
                                v.check(format!("{path}.except[{e}]"), net::cidr(except));
                            }
                        }
                        None if !selects_pods && !selects_namespaces => {
                            v.error(path.clone(), "select pods (workload, podLabels), namespaces (namespaceLabels, allNamespaces) or a cidr");
                        }
                        None => {
                            if !peer.except.is_empty() {
                                v.error(format!("{path}.except"), "only applies to a cidr");
                            }
                        }
                    }
                    if let Some(workload) = &peer.workload {
                        workload_ref(v, format!("{path}.workload"), Some(workload));
                    }
                    v.labels(&format!("{path}.podLabels"), &peer.pod_labels);
                    v.labels(&format!("{path}.namespaceLabels"), &peer.namespace_labels);
                }
                for (p, port) in rule.ports.iter().enumerate() {
                    let path = format!("{here}.ports[{p}].port");
                    match &port.port {
                        PortRef::Number(n) => v.port_number(path, *n),
                        PortRef::Name(name) => v.check(path, names::port_name(name)),
                    }
                }
            }
        }
    }
}

fn certificates(v: &mut Validator) {
    let spec = v.refs.spec;
    v.unique(
        "certificates",
        "name",
        spec.certificates.iter().map(|c| c.name.clone()),
    );
    v.unique(
        "certificates",
        "secretName",
        spec.certificates.iter().map(|c| c.secret()),
    );
    for (i, certificate) in spec.certificates.iter().enumerate() {
        let at = format!("certificates[{i}]");
        v.check(
            format!("{at}.name"),
            names::dns1123_subdomain(&certificate.name),
        );
        v.check(
            format!("{at}.secretName"),
            names::dns1123_subdomain(&certificate.secret()),
        );
        v.check(
            format!("{at}.issuer.name"),
            names::dns1123_subdomain(&certificate.issuer.name),
        );
        for (d, name) in certificate.dns_names.iter().enumerate() {
            v.check(format!("{at}.dnsNames[{d}]"), net::hostname(name));
        }
        if v.refs.certificate_dns_names(certificate).is_empty() {
            v.error(format!("{at}.dnsNames"), "no DNS names: list them, or use the certificate from an Ingress TLS or an HTTPRoute with hosts");
        }
        let mut duration_seconds = None;
        if let Some(duration) = &certificate.duration {
            match net::go_duration(duration) {
                Ok(seconds) if seconds < 3600.0 => {
                    v.error(format!("{at}.duration"), "must be at least 1h")
                }
                Ok(seconds) => duration_seconds = Some(seconds),
                Err(message) => v.error(format!("{at}.duration"), message),
            }
        }
        if let Some(renew) = &certificate.renew_before {
            match net::go_duration(renew) {
                Ok(seconds) if seconds < 300.0 => {
                    v.error(format!("{at}.renewBefore"), "must be at least 5m")
                }
                Ok(seconds) if seconds >= duration_seconds.unwrap_or(90.0 * 24.0 * 3600.0) => {
                    v.error(
                        format!("{at}.renewBefore"),
                        "must be shorter than the duration (default 2160h)",
                    );
                }
                Ok(_) => {}
                Err(message) => v.error(format!("{at}.renewBefore"), message),
            }
        }
    }
}
