//! HTTPRoute → an HTTPRoute entry; backends become Services of the app.

use super::value::{choice, int, items, name, strings, text};
use crate::spec::{
    BackendSpec, HttpRouteRuleSpec, HttpRouteSpec, ParentGatewaySpec, PortRef, RateLimitKind,
    RateLimitSpec,
};
use serde_json::Value;

pub(super) fn http_route(object: &Value) -> HttpRouteSpec {
    HttpRouteSpec {
        name: Some(name(object)),
        parents: items(object, "/spec/parentRefs")
            .iter()
            .map(|parent| ParentGatewaySpec {
                name: text(parent, "/name").unwrap_or_default(),
                namespace: text(parent, "/namespace"),
                section_name: text(parent, "/sectionName"),
            })
            .collect(),
        hostnames: strings(object, "/spec/hostnames"),
        rules: items(object, "/spec/rules")
            .iter()
            .map(|rule| {
                let path = items(rule, "/matches").first().cloned().unwrap_or_default();
                HttpRouteRuleSpec {
                    path: text(&path, "/path/value").unwrap_or_else(|| "/".to_owned()),
                    path_type: choice(&path, "/path/type").unwrap_or_default(),
                    backends: items(rule, "/backendRefs")
                        .iter()
                        .map(|backend| BackendSpec {
                            service: text(backend, "/name"),
                            port: int(backend, "/port").map(PortRef::Number),
                            weight: int(backend, "/weight"),
                        })
                        .collect(),
                }
            })
            .collect(),
        certificate: None,
    }
}

/// An Envoy Gateway BackendTrafficPolicy → a rate limit on one of the app's HTTPRoutes; whatever
/// else the policy says stays in the override.
pub(super) fn rate_limit(object: &Value) -> RateLimitSpec {
    let kind: RateLimitKind = choice(object, "/spec/rateLimit/type").unwrap_or_default();
    let rules = match kind {
        RateLimitKind::Local => "/spec/rateLimit/local/rules/0",
        RateLimitKind::Global => "/spec/rateLimit/global/rules/0",
    };
    let rule = object.pointer(rules).cloned().unwrap_or_default();
    RateLimitSpec {
        name: Some(name(object)),
        route: text(object, "/spec/targetRefs/0/name"),
        kind,
        requests: int(&rule, "/limit/requests").unwrap_or_default(),
        unit: choice(&rule, "/limit/unit").unwrap_or_default(),
        per_client_ip: items(&rule, "/clientSelectors")
            .iter()
            .any(|s| text(s, "/sourceCIDR/type").as_deref() == Some("Distinct")),
    }
}
