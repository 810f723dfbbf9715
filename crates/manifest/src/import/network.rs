//! Service, Ingress and NetworkPolicy → their entries; selectors become workload references.

use super::identity::{AppLabels, Known};
use super::value::{int, items, name, string_map, strings, text};
use crate::spec::{
    IngressPathSpec, IngressRuleSpec, IngressSpec, IngressTlsSpec, NetworkPeerSpec,
    NetworkPolicyRuleSpec, NetworkPolicySpec, PolicyPortSpec, PortRef, ServicePortSpec,
    ServiceSpec, ServiceType, StringMap,
};
use serde_json::Value;

/// A Service; `None` for an ExternalName Service, which the form does not model.
pub(super) fn service(object: &Value, known: &Known) -> Option<ServiceSpec> {
    let service_type = match (
        text(object, "/spec/type").as_deref(),
        text(object, "/spec/clusterIP").as_deref(),
    ) {
        (None | Some("ClusterIP"), Some("None")) => ServiceType::Headless,
        (None | Some("ClusterIP"), _) => ServiceType::ClusterIP,
        (Some("NodePort"), _) => ServiceType::NodePort,
        (Some("LoadBalancer"), _) => ServiceType::LoadBalancer,
        _ => return None,
    };
    let selector = string_map(object, "/spec/selector");
    let workload = known.workload_selected_by(&selector);
    let ports = items(object, "/spec/ports")
        .iter()
        .map(|port| {
            let number = int(port, "/port").unwrap_or_default();
            // As written: a container port's name, or a number (the Service port's own when
            // absent), which renders as a number again.
            let target = match port.get("targetPort") {
                Some(Value::String(name)) => name.clone(),
                Some(Value::Number(n)) => n.to_string(),
                _ => number.to_string(),
            };
            ServicePortSpec {
                name: text(port, "/name"),
                port: number,
                target_port: target,
                node_port: int(port, "/nodePort"),
            }
        })
        .collect();
    Some(ServiceSpec {
        name: Some(name(object)),
        service_type,
        workload: workload.map(|w| w.name.clone()),
        ports,
        annotations: string_map(object, "/metadata/annotations"),
    })
}

pub(super) fn ingress(object: &Value, known: &Known) -> IngressSpec {
    let rules: Vec<IngressRuleSpec> = items(object, "/spec/rules")
        .iter()
        .map(|rule| IngressRuleSpec {
            host: text(rule, "/host"),
            paths: items(rule, "/http/paths")
                .iter()
                .map(|path| {
                    let service = text(path, "/backend/service/name");
                    let port = text(path, "/backend/service/port/name")
                        .map(PortRef::Name)
                        .or_else(|| int(path, "/backend/service/port/number").map(PortRef::Number));
                    IngressPathSpec {
                        path: text(path, "/path").unwrap_or_else(|| "/".to_owned()),
                        path_type: super::value::choice(path, "/pathType").unwrap_or_default(),
                        service,
                        port,
                    }
                })
                .collect(),
        })
        .collect();
    let tls = items(object, "/spec/tls").first().map(|tls| {
        let secret = text(tls, "/secretName");
        match secret
            .as_deref()
            .and_then(|s| known.certificate_for_secret(s))
        {
            Some(certificate) => IngressTlsSpec {
                certificate: Some(certificate),
                secret_name: None,
            },
            None => IngressTlsSpec {
                certificate: None,
                secret_name: secret,
            },
        }
    });
    IngressSpec {
        name: Some(name(object)),
        class_name: text(object, "/spec/ingressClassName"),
        rules,
        tls,
        annotations: string_map(object, "/metadata/annotations"),
    }
}

pub(super) fn network_policy(object: &Value, known: &Known, app: &AppLabels) -> NetworkPolicySpec {
    let types = strings(object, "/spec/policyTypes");
    let restrict_egress = types.iter().any(|t| t == "Egress");
    // Without policyTypes the API server restricts ingress always.
    let restrict_ingress = types.is_empty() || types.iter().any(|t| t == "Ingress");
    let pod_selector = string_map(object, "/spec/podSelector/matchLabels");
    let rules = |direction: &str, peers: &str| -> Vec<NetworkPolicyRuleSpec> {
        items(object, &format!("/spec/{direction}"))
            .iter()
            .map(|rule| NetworkPolicyRuleSpec {
                peers: items(rule, &format!("/{peers}"))
                    .iter()
                    .map(|peer| self::peer(peer, known, app))
                    .collect(),
                ports: items(rule, "/ports")
                    .iter()
                    .filter_map(|port| {
                        Some(PolicyPortSpec {
                            port: match port.get("port")? {
                                Value::Number(n) => PortRef::Number(n.as_i64()?),
                                Value::String(name) => PortRef::Name(name.clone()),
                                _ => return None,
                            },
                            protocol: super::value::choice(port, "/protocol").unwrap_or_default(),
                        })
                    })
                    .collect(),
            })
            .collect()
    };
    NetworkPolicySpec {
        name: name(object),
        workload: if pod_selector.is_empty() {
            None
        } else {
            known
                .workload_selected_by(&pod_selector)
                .map(|w| w.name.clone())
        },
        restrict_ingress,
        restrict_egress,
        ingress: rules("ingress", "from"),
        egress: rules("egress", "to"),
    }
}

fn peer(peer: &Value, known: &Known, app: &AppLabels) -> NetworkPeerSpec {
    let pod_labels: StringMap = string_map(peer, "/podSelector/matchLabels");
    let workload = known
        .workloads
        .iter()
        .find(|w| !pod_labels.is_empty() && app.selector_of(w) == pod_labels)
        .map(|w| w.name.clone());
    NetworkPeerSpec {
        pod_labels: if workload.is_some() {
            StringMap::new()
        } else {
            pod_labels
        },
        workload,
        namespace_labels: string_map(peer, "/namespaceSelector/matchLabels"),
        all_namespaces: peer
            .get("namespaceSelector")
            .is_some_and(|s| s.as_object().is_some_and(|s| s.is_empty())),
        cidr: text(peer, "/ipBlock/cidr"),
        except: strings(peer, "/ipBlock/except"),
    }
}
