//! Gateway API HTTPRoutes and the Envoy Gateway BackendTrafficPolicies that rate-limit them.

use super::Object;
use super::meta::namespaced;
use super::network::backend_target;
use crate::crd::backend_traffic_policy::{
    BackendTrafficPolicySpec, PolicyTargetReference, RateLimit, RateLimitRule, RateLimitRules,
    RateLimitSelectCondition, RateLimitValue, SourceMatch,
};
use crate::crd::httproute::{
    HttpBackendRef, HttpPathMatch, HttpRouteMatch, HttpRouteRule, HttpRouteSpec, ParentReference,
};
use crate::crd::{BackendTrafficPolicy, HttpRoute};
use crate::refs::Refs;
use crate::spec::{RateLimitKind, RateLimitSpec};

const GATEWAY_GROUP: &str = "gateway.networking.k8s.io";

pub(super) fn render(refs: &Refs, out: &mut Vec<Object>) {
    for route in &refs.spec.http_routes {
        let spec = HttpRouteSpec {
            parent_refs: route
                .parents
                .iter()
                .map(|parent| ParentReference {
                    name: parent.name.clone(),
                    namespace: parent.namespace.clone(),
                    section_name: parent.section_name.clone(),
                    ..Default::default()
                })
                .collect(),
            hostnames: route.hostnames.clone(),
            rules: route
                .rules
                .iter()
                .map(|rule| HttpRouteRule {
                    matches: vec![HttpRouteMatch {
                        path: Some(HttpPathMatch {
                            match_type: Some(rule.path_type.as_str().to_owned()),
                            value: Some(rule.path.clone()),
                        }),
                        ..Default::default()
                    }],
                    backend_refs: rule
                        .backends
                        .iter()
                        .map(|backend| {
                            // Gateway API backends need the port number; it comes from the generated Service.
                            let (name, _, number) = backend_target(
                                refs,
                                backend.service.as_deref(),
                                backend.port.as_ref(),
                            );
                            HttpBackendRef {
                                name,
                                port: number.map(|n| n as i32),
                                weight: backend.weight.map(|w| w as i32),
                                ..Default::default()
                            }
                        })
                        .collect(),
                    ..Default::default()
                })
                .collect(),
            ..Default::default()
        };
        out.push(Object::HttpRoute(HttpRoute::new(
            namespaced(refs, &refs.route_name(route)),
            spec,
        )));
    }
    for limit in &refs.spec.rate_limits {
        out.push(Object::BackendTrafficPolicy(rate_limit_policy(refs, limit)));
    }
}

fn rate_limit_policy(refs: &Refs, limit: &RateLimitSpec) -> BackendTrafficPolicy {
    let route = refs
        .route(limit.route.as_deref())
        .map(|r| refs.route_name(r))
        .or_else(|| limit.route.clone())
        .unwrap_or_default();
    // Per-client budgets are a Distinct source match over every address.
    let client_selectors = if limit.per_client_ip && limit.kind == RateLimitKind::Global {
        vec![RateLimitSelectCondition {
            source_cidr: Some(SourceMatch {
                match_type: Some("Distinct".into()),
                value: "0.0.0.0/0".into(),
            }),
            ..Default::default()
        }]
    } else {
        Vec::new()
    };
    let rules = RateLimitRules {
        rules: vec![RateLimitRule {
            client_selectors,
            limit: RateLimitValue {
                requests: u32::try_from(limit.requests).unwrap_or(u32::MAX),
                unit: limit.unit.as_str().to_owned(),
            },
            ..Default::default()
        }],
    };
    let (kind, local, global) = match limit.kind {
        RateLimitKind::Local => ("Local", Some(rules), None),
        RateLimitKind::Global => ("Global", None, Some(rules)),
    };
    BackendTrafficPolicy::new(
        namespaced(refs, &refs.rate_limit_name(limit)),
        BackendTrafficPolicySpec {
            target_refs: vec![PolicyTargetReference {
                group: GATEWAY_GROUP.into(),
                kind: "HTTPRoute".into(),
                name: route,
                section_name: None,
            }],
            rate_limit: Some(RateLimit {
                limit_type: Some(kind.into()),
                local,
                global,
                ..Default::default()
            }),
            ..Default::default()
        },
    )
}
