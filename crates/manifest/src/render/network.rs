//! Services, Ingresses and NetworkPolicies; backends and selectors come from the workloads.

use super::Object;
use super::meta::{namespaced, non_empty, non_empty_vec, selector, with_annotations};
use super::pod::int_or_string;
use crate::refs::Refs;
use crate::spec::{
    IngressSpec, NetworkPeerSpec, NetworkPolicyRuleSpec, PortRef, ServiceSpec, ServiceType,
};
use k8s_openapi::api::{core::v1 as core, networking::v1 as net};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

pub(super) fn render(refs: &Refs, out: &mut Vec<Object>) {
    out.extend(
        refs.spec
            .services
            .iter()
            .map(|s| Object::Service(service(refs, s))),
    );
    out.extend(
        refs.spec
            .ingresses
            .iter()
            .map(|i| Object::Ingress(ingress(refs, i))),
    );
    for policy in &refs.spec.network_policies {
        let pod_selector = match policy
            .workload
            .as_deref()
            .and_then(|w| refs.workload(Some(w)))
        {
            Some(workload) => selector(refs.selector_labels(workload)),
            None => LabelSelector::default(),
        };
        let mut types = Vec::new();
        if policy.restrict_ingress {
            types.push("Ingress".to_owned());
        }
        if policy.restrict_egress {
            types.push("Egress".to_owned());
        }
        out.push(Object::NetworkPolicy(net::NetworkPolicy {
            metadata: namespaced(refs, &policy.name),
            spec: Some(net::NetworkPolicySpec {
                pod_selector: Some(pod_selector),
                policy_types: Some(types),
                // An empty list (not an absent one) is what "deny all" means for a listed policy type.
                ingress: policy.restrict_ingress.then(|| {
                    policy
                        .ingress
                        .iter()
                        .map(|rule| net::NetworkPolicyIngressRule {
                            from: peers(refs, rule),
                            ports: ports(rule),
                        })
                        .collect()
                }),
                egress: policy.restrict_egress.then(|| {
                    policy
                        .egress
                        .iter()
                        .map(|rule| net::NetworkPolicyEgressRule {
                            to: peers(refs, rule),
                            ports: ports(rule),
                        })
                        .collect()
                }),
            }),
        }));
    }
}

fn service(refs: &Refs, spec: &ServiceSpec) -> core::Service {
    let workload = refs.service_workload(spec);
    let container_ports: Vec<_> = workload
        .iter()
        .flat_map(|w| w.containers.iter().flat_map(|c| &c.ports))
        .collect();
    let ports = spec
        .ports
        .iter()
        .map(|port| {
            let protocol = container_ports
                .iter()
                .find(|p| port.targets(p))
                .map(|p| p.protocol)
                .unwrap_or_default();
            core::ServicePort {
                name: port.port_name().map(str::to_owned),
                port: port.port as i32,
                target_port: Some(match port.target_number() {
                    Some(number) => IntOrString::Int(number as i32),
                    None => IntOrString::String(port.target_port.clone()),
                }),
                protocol: Some(protocol.as_str().to_owned()),
                node_port: port.node_port.map(|n| n as i32),
                ..Default::default()
            }
        })
        .collect();
    let (service_type, cluster_ip) = match spec.service_type {
        ServiceType::ClusterIP => ("ClusterIP", None),
        ServiceType::NodePort => ("NodePort", None),
        ServiceType::LoadBalancer => ("LoadBalancer", None),
        ServiceType::Headless => ("ClusterIP", Some("None".to_owned())),
    };
    core::Service {
        metadata: with_annotations(
            namespaced(refs, &refs.service_name(spec)),
            &spec.annotations,
        ),
        spec: Some(core::ServiceSpec {
            type_: Some(service_type.to_owned()),
            cluster_ip,
            selector: workload.map(|w| refs.selector_labels(w)),
            ports: Some(ports),
            ..Default::default()
        }),
        status: None,
    }
}

/// The Service a path or backend points at (its name, and the port as the reference names it or
/// as the Service's first port), with the defaults applied; the number is the port's when known.
pub(super) fn backend_target(
    refs: &Refs,
    service: Option<&str>,
    port: Option<&PortRef>,
) -> (String, Option<PortRef>, Option<i64>) {
    let Some(spec) = refs.service(service) else {
        let number = match port {
            Some(PortRef::Number(n)) => Some(*n),
            _ => None,
        };
        return (
            service.unwrap_or_default().to_owned(),
            port.cloned(),
            number,
        );
    };
    let chosen = match port {
        Some(port) => spec.ports.iter().find(|p| p.is(port)),
        None => spec.ports.first(),
    };
    // A number stays a number; a name (or the default) is the port's name.
    let reference = match (port, chosen) {
        (Some(PortRef::Number(n)), _) => Some(PortRef::Number(*n)),
        (_, Some(chosen)) => Some(match chosen.port_name() {
            Some(name) => PortRef::Name(name.to_owned()),
            None => PortRef::Number(chosen.port),
        }),
        (other, None) => other.cloned(),
    };
    (refs.service_name(spec), reference, chosen.map(|p| p.port))
}

fn ingress(refs: &Refs, spec: &IngressSpec) -> net::Ingress {
    let rules = spec
        .rules
        .iter()
        .map(|rule| net::IngressRule {
            host: rule.host.clone(),
            http: Some(net::HTTPIngressRuleValue {
                paths: rule
                    .paths
                    .iter()
                    .map(|path| {
                        let (name, port, _) =
                            backend_target(refs, path.service.as_deref(), path.port.as_ref());
                        net::HTTPIngressPath {
                            path: Some(path.path.clone()),
                            path_type: path.path_type.as_str().to_owned(),
                            backend: net::IngressBackend {
                                service: Some(net::IngressServiceBackend {
                                    name,
                                    port: Some(match port {
                                        Some(PortRef::Number(number)) => net::ServiceBackendPort {
                                            name: None,
                                            number: Some(number as i32),
                                        },
                                        Some(PortRef::Name(name)) => net::ServiceBackendPort {
                                            name: Some(name),
                                            number: None,
                                        },
                                        None => net::ServiceBackendPort::default(),
                                    }),
                                }),
                                resource: None,
                            },
                        }
                    })
                    .collect(),
            }),
        })
        .collect();
    let tls = spec.tls.as_ref().map(|tls| {
        let mut hosts: Vec<String> = spec.rules.iter().filter_map(|r| r.host.clone()).collect();
        hosts.dedup();
        let secret_name = tls
            .certificate
            .as_deref()
            .and_then(|c| refs.certificate(c))
            .map(|c| c.secret())
            .or_else(|| tls.secret_name.clone());
        vec![net::IngressTLS {
            hosts: Some(hosts),
            secret_name,
        }]
    });
    net::Ingress {
        metadata: with_annotations(
            namespaced(refs, &refs.ingress_name(spec)),
            &spec.annotations,
        ),
        spec: Some(net::IngressSpec {
            ingress_class_name: spec.class_name.clone(),
            rules: Some(rules),
            tls,
            ..Default::default()
        }),
        status: None,
    }
}

fn peers(refs: &Refs, rule: &NetworkPolicyRuleSpec) -> Option<Vec<net::NetworkPolicyPeer>> {
    non_empty_vec(
        rule.peers
            .iter()
            .map(|peer| policy_peer(refs, peer))
            .collect(),
    )
}

fn policy_peer(refs: &Refs, peer: &NetworkPeerSpec) -> net::NetworkPolicyPeer {
    if let Some(cidr) = &peer.cidr {
        return net::NetworkPolicyPeer {
            ip_block: Some(net::IPBlock {
                cidr: cidr.clone(),
                except: non_empty_vec(peer.except.clone()),
            }),
            ..Default::default()
        };
    }
    let mut pod_labels = peer.pod_labels.clone();
    if let Some(workload) = peer
        .workload
        .as_deref()
        .and_then(|w| refs.workload(Some(w)))
    {
        pod_labels.extend(refs.selector_labels(workload));
    }
    let namespace_selector = if peer.all_namespaces || !peer.namespace_labels.is_empty() {
        Some(LabelSelector {
            match_labels: non_empty(peer.namespace_labels.clone()),
            ..Default::default()
        })
    } else {
        None
    };
    let pod_selector = if pod_labels.is_empty() {
        None
    } else {
        Some(selector(pod_labels))
    };
    net::NetworkPolicyPeer {
        pod_selector,
        namespace_selector,
        ip_block: None,
    }
}

fn ports(rule: &NetworkPolicyRuleSpec) -> Option<Vec<net::NetworkPolicyPort>> {
    non_empty_vec(
        rule.ports
            .iter()
            .map(|p| net::NetworkPolicyPort {
                port: Some(int_or_string(&p.port)),
                protocol: Some(p.protocol.as_str().to_owned()),
                end_port: None,
            })
            .collect(),
    )
}
