//! HTTPRoute → an HTTPRoute entry; backends become Services of the app.

use super::identity::Known;
use super::value::{choice, int, items, name, strings, text};
use crate::spec::{BackendSpec, HttpRouteRuleSpec, HttpRouteSpec, ParentGatewaySpec};
use serde_json::Value;

pub(super) fn http_route(object: &Value, known: &Known) -> HttpRouteSpec {
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
                        .map(|backend| {
                            let service = text(backend, "/name");
                            let port = int(backend, "/port").and_then(|number| {
                                known.service_port_name(service.as_deref()?, number)
                            });
                            BackendSpec {
                                service,
                                port,
                                weight: int(backend, "/weight"),
                            }
                        })
                        .collect(),
                }
            })
            .collect(),
        certificate: None,
    }
}
