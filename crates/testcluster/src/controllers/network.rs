//! Load balancers, ingress controllers, cert-manager and a Gateway API implementation.

use std::sync::Arc;

use serde_json::{Value, json};

use super::events::{record, reference};
use super::{Logged, condition, describe, meta_str};
use crate::ops;
use crate::registry;
use crate::state::State;
use crate::store::rid;

fn lb_ip(obj: &Value) -> String {
    let uid = meta_str(obj, "uid");
    let n = uid.bytes().fold(0u8, |a, b| a.wrapping_add(b)).max(10);
    format!("172.18.255.{n}")
}

/// LoadBalancer Services get an ingress IP while a load-balancer controller is installed.
pub fn service(st: &Arc<State>, svc: &Value) {
    if svc.pointer("/spec/type").and_then(Value::as_str) != Some("LoadBalancer")
        || !st.sim.load_balancers()
    {
        return;
    }
    let ip = lb_ip(svc);
    ops::write_status(
        st,
        &registry::SERVICES,
        meta_str(svc, "namespace"),
        meta_str(svc, "name"),
        "cloud-controller-manager",
        |_| Some(json!({"loadBalancer": {"ingress": [{"ip": ip, "ipMode": "VIP"}]}})),
    )
    .logged("assign a load-balancer address", &describe(svc));
}

/// A load-balancer controller was installed: it serves the Services that were waiting.
pub fn assign_load_balancers(st: &Arc<State>) {
    for svc in st.store.list(rid(&registry::SERVICES), None).0 {
        service(st, &svc);
    }
}

/// Ingresses get the ingress controller's address.
pub fn ingress(st: &Arc<State>, ing: &Value) {
    let ip = lb_ip(ing);
    ops::write_status(
        st,
        &registry::INGRESSES,
        meta_str(ing, "namespace"),
        meta_str(ing, "name"),
        "ingress-controller",
        |_| Some(json!({"loadBalancer": {"ingress": [{"ip": ip}]}})),
    )
    .logged("update status", &describe(ing));
}

/// Issuers become Ready.
pub fn issuer(st: &Arc<State>, plural: &str, iss: &Value) {
    let def = if plural == "issuers" {
        &registry::ISSUERS
    } else {
        &registry::CLUSTERISSUERS
    };
    ops::write_status(
        st,
        def,
        meta_str(iss, "namespace"),
        meta_str(iss, "name"),
        "cert-manager-issuers",
        |cur| {
            Some(
                json!({"conditions": [condition(cur.get("status"), "Ready", true, "IsReady", "")]}),
            )
        },
    )
    .logged("update status", &describe(iss));
}

/// Certificates are issued: the TLS Secret is written and the Ready condition set.
pub fn certificate(st: &Arc<State>, cert: &Value) {
    let ns = meta_str(cert, "namespace");
    let name = meta_str(cert, "name");
    if cert
        .pointer("/status/conditions")
        .and_then(Value::as_array)
        .is_some_and(|c| {
            c.iter()
                .any(|c| c["type"] == "Ready" && c["status"] == "True")
        })
    {
        return;
    }
    if let Some(secret) = cert.pointer("/spec/secretName").and_then(Value::as_str) {
        let secrets = &registry::SECRETS;
        if st
            .store
            .get(crate::store::rid(secrets), ns, secret)
            .is_none()
        {
            let body = json!({
                "metadata": {"name": secret, "annotations": {"cert-manager.io/certificate-name": name, "cert-manager.io/issuer-name": cert.pointer("/spec/issuerRef/name")}},
                "type": "kubernetes.io/tls",
                "data": {"tls.crt": "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t", "tls.key": "LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0t"},
            });
            ops::create(
                st,
                secrets,
                ns,
                body,
                &ops::WriteOptions::by("cert-manager-certificates-issuing"),
            )
            .logged("create a dependent object", &describe(cert));
        }
    }
    record(
        st,
        ns,
        &reference(cert),
        "Normal",
        "Issuing",
        "The certificate has been successfully issued",
    );
    let now = chrono::Utc::now();
    let fmt =
        |t: chrono::DateTime<chrono::Utc>| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    ops::write_status(
        st,
        &registry::CERTIFICATES,
        ns,
        name,
        "cert-manager-certificates-readiness",
        |cur| {
            Some(json!({
                "conditions": [condition(cur.get("status"), "Ready", true, "Ready", "Certificate is up to date and has not expired")],
                "notBefore": fmt(now),
                "notAfter": fmt(now + chrono::Duration::days(90)),
                "renewalTime": fmt(now + chrono::Duration::days(60)),
                "revision": 1,
            }))
        },
    )
.logged("update status", &describe(cert));
}

/// Gateways are accepted and programmed with an address.
pub fn gateway(st: &Arc<State>, gw: &Value) {
    let ip = lb_ip(gw);
    let generation = gw
        .pointer("/metadata/generation")
        .cloned()
        .unwrap_or(json!(1));
    ops::write_status(
        st,
        &registry::GATEWAYS,
        meta_str(gw, "namespace"),
        meta_str(gw, "name"),
        "envoy-gateway",
        |cur| {
            let prev = cur.get("status");
            let mut accepted = condition(
                prev,
                "Accepted",
                true,
                "Accepted",
                "The Gateway has been scheduled by Envoy Gateway",
            );
            accepted["observedGeneration"] = generation.clone();
            let mut programmed = condition(
                prev,
                "Programmed",
                true,
                "Programmed",
                "Address assigned to the Gateway, 1/1 envoy replicas available",
            );
            programmed["observedGeneration"] = generation.clone();
            Some(
                json!({"addresses": [{"type": "IPAddress", "value": ip}], "conditions": [accepted, programmed]}),
            )
        },
    )
.logged("update status", &describe(gw));
}

/// HTTPRoutes are Accepted by existing parent Gateways; ResolvedRefs reports missing Services.
pub fn httproute(st: &Arc<State>, route: &Value) {
    let ns = meta_str(route, "namespace");
    let generation = route
        .pointer("/metadata/generation")
        .cloned()
        .unwrap_or(json!(1));
    let gateways = &registry::GATEWAYS;
    let services = &registry::SERVICES;
    let missing_backend = route
        .pointer("/spec/rules")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .flat_map(|r| r["backendRefs"].as_array().cloned().unwrap_or_default())
        .find(|b| {
            let kind = b["kind"].as_str().unwrap_or("Service");
            let bns = b["namespace"].as_str().unwrap_or(ns);
            kind == "Service"
                && st
                    .store
                    .get(
                        crate::store::rid(services),
                        bns,
                        b["name"].as_str().unwrap_or_default(),
                    )
                    .is_none()
        })
        .map(|b| {
            format!(
                "Service {}/{} not found",
                b["namespace"].as_str().unwrap_or(ns),
                b["name"].as_str().unwrap_or_default()
            )
        });
    // Looked up before the status write: the store is locked while the write's closure runs.
    let existing_parents: Vec<Value> = route
        .pointer("/spec/parentRefs")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|p| {
            let gns = p["namespace"].as_str().unwrap_or(ns);
            st.store
                .get(
                    crate::store::rid(gateways),
                    gns,
                    p["name"].as_str().unwrap_or_default(),
                )
                .is_some()
        })
        .cloned()
        .collect();
    ops::write_status(
        st,
        &registry::HTTPROUTES,
        ns,
        meta_str(route, "name"),
        "envoy-gateway",
        |cur| {
            let prev_parents = cur
                .pointer("/status/parents")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            let parents: Vec<Value> = route
            .pointer("/spec/parentRefs")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .map(|p| {
                let exists = existing_parents.contains(p);
                let prev = prev_parents.iter().find(|x| x["parentRef"] == *p).cloned();
                let mut accepted = if exists {
                    condition(prev.as_ref(), "Accepted", true, "Accepted", "Route is accepted")
                } else {
                    condition(prev.as_ref(), "Accepted", false, "NoMatchingParent", "No listeners included by this parent ref")
                };
                accepted["observedGeneration"] = generation.clone();
                let mut resolved = match &missing_backend {
                    None => condition(prev.as_ref(), "ResolvedRefs", true, "ResolvedRefs", "Resolved all the Object references for the Route"),
                    Some(m) => condition(prev.as_ref(), "ResolvedRefs", false, "BackendNotFound", m),
                };
                resolved["observedGeneration"] = generation.clone();
                json!({"parentRef": p, "controllerName": "gateway.envoyproxy.io/gatewayclass-controller", "conditions": [accepted, resolved]})
            })
            .collect();
            Some(json!({"parents": parents}))
        },
    )
.logged("update status", &describe(route));
}

/// Envoy Gateway accepts a BackendTrafficPolicy once for each Gateway its target HTTPRoutes attach
/// to. While none of its targets exists it writes nothing: the policy is ignored, as Envoy Gateway
/// ignores a policy whose target it cannot find.
pub fn backend_traffic_policy(st: &Arc<State>, policy: &Value) {
    let ns = meta_str(policy, "namespace");
    let generation = policy
        .pointer("/metadata/generation")
        .cloned()
        .unwrap_or(json!(1));
    let spec = &policy["spec"];
    let targets = spec["targetRefs"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .chain(spec.get("targetRef").cloned());
    let mut gateways: Vec<Value> = Vec::new();
    for target in targets.filter(|t| t["kind"].as_str() == Some("HTTPRoute")) {
        let name = target["name"].as_str().unwrap_or_default();
        let Some(route) = st.store.get(rid(&registry::HTTPROUTES), ns, name) else {
            continue;
        };
        for parent in route
            .pointer("/spec/parentRefs")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let gateway = json!({
                "group": "gateway.networking.k8s.io",
                "kind": "Gateway",
                "name": parent["name"],
                "namespace": parent["namespace"].as_str().unwrap_or(ns),
            });
            if !gateways.contains(&gateway) {
                gateways.push(gateway);
            }
        }
    }
    if gateways.is_empty() {
        return;
    }
    ops::write_status(
        st,
        &registry::BACKENDTRAFFICPOLICIES,
        ns,
        meta_str(policy, "name"),
        "envoy-gateway",
        |cur| {
            let previous = cur
                .pointer("/status/ancestors")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            let ancestors: Vec<Value> = gateways
                .iter()
                .map(|gateway| {
                    let prev = previous.iter().find(|a| a["ancestorRef"] == *gateway);
                    let mut accepted = condition(
                        prev,
                        "Accepted",
                        true,
                        "Accepted",
                        "Policy has been accepted.",
                    );
                    accepted["observedGeneration"] = generation.clone();
                    json!({
                        "ancestorRef": gateway,
                        "controllerName": "gateway.envoyproxy.io/gatewayclass-controller",
                        "conditions": [accepted],
                    })
                })
                .collect();
            Some(json!({"ancestors": ancestors}))
        },
    )
    .logged("update status", &describe(policy));
}
