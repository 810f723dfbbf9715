//! The resources this server serves, and the discovery documents built from them.

use std::collections::BTreeSet;
use std::sync::RwLock;

use serde_json::{Value, json};

use crate::status::ApiError;

mod kinds;

pub use kinds::*;

/// A group of custom resources that is installed by a CRD bundle and can be switched off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CrdGroup {
    /// Gateway API (`gateway.networking.k8s.io`).
    GatewayApi,
    /// cert-manager (`cert-manager.io`).
    CertManager,
    /// Envoy Gateway (`gateway.envoyproxy.io`).
    EnvoyGateway,
}

impl CrdGroup {
    /// All CRD groups.
    pub const ALL: [CrdGroup; 3] = [
        CrdGroup::GatewayApi,
        CrdGroup::CertManager,
        CrdGroup::EnvoyGateway,
    ];

    /// The name used on the command line (`gateway-api`, `cert-manager`, `envoy-gateway`).
    pub fn cli_name(self) -> &'static str {
        match self {
            CrdGroup::GatewayApi => "gateway-api",
            CrdGroup::CertManager => "cert-manager",
            CrdGroup::EnvoyGateway => "envoy-gateway",
        }
    }

    /// Parses a command-line name.
    pub fn from_cli_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|g| g.cli_name() == name)
    }

    /// The API group the bundle installs.
    pub fn api_group(self) -> &'static str {
        match self {
            CrdGroup::GatewayApi => "gateway.networking.k8s.io",
            CrdGroup::CertManager => "cert-manager.io",
            CrdGroup::EnvoyGateway => "gateway.envoyproxy.io",
        }
    }
}

/// One served resource: what discovery lists and routing resolves.
#[derive(Debug, Clone, PartialEq)]
pub struct ResourceDef {
    /// API group, empty for core.
    pub group: &'static str,
    /// API version within the group.
    pub version: &'static str,
    /// Kind.
    pub kind: &'static str,
    /// Plural resource name (the URL segment).
    pub plural: &'static str,
    /// Singular name.
    pub singular: &'static str,
    /// Short names (`deploy`, `svc`, ...).
    pub short_names: &'static [&'static str],
    /// Whether objects live in a namespace.
    pub namespaced: bool,
    /// Verbs on the main resource.
    pub verbs: &'static [&'static str],
    /// Subresources (`status`, `log`).
    pub subresources: &'static [&'static str],
    /// Discovery categories (`all`).
    pub categories: &'static [&'static str],
    /// The CRD bundle that installs it, if it is a custom resource.
    pub crd: Option<CrdGroup>,
}

impl ResourceDef {
    /// `apps/v1` or `v1`.
    pub fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.to_string()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }

    /// Whether the resource keeps its objects (review resources are answered, never stored).
    pub fn is_stored(&self) -> bool {
        self.verbs.contains(&"get")
    }

    /// The URL path prefix of the group version (`/api/v1` or `/apis/apps/v1`).
    pub fn gv_path(&self) -> String {
        if self.group.is_empty() {
            format!("/api/{}", self.version)
        } else {
            format!("/apis/{}/{}", self.group, self.version)
        }
    }
}

/// Looks a resource up by its version-independent identity (group and plural), as stored objects
/// and ownerReferences name it; an unknown resource is kube-apiserver's 404 for a path it does not
/// serve.
pub fn def_of(group: &str, plural: &str) -> Result<&'static ResourceDef, ApiError> {
    RESOURCES
        .iter()
        .copied()
        .find(|d| d.group == group && d.plural == plural)
        .ok_or_else(ApiError::path_not_found)
}

/// The resource of an API version + kind.
pub fn def_by_kind(api_version: &str, kind: &str) -> Option<&'static ResourceDef> {
    RESOURCES
        .iter()
        .copied()
        .find(|d| d.api_version() == api_version && d.kind == kind)
}

/// Which CRD groups are installed; the rest of the registry is fixed.
#[derive(Debug)]
pub struct Registry {
    enabled: RwLock<BTreeSet<CrdGroup>>,
}

impl Registry {
    /// A registry with the given CRD groups installed.
    pub fn new(enabled: impl IntoIterator<Item = CrdGroup>) -> Self {
        Self {
            enabled: RwLock::new(enabled.into_iter().collect()),
        }
    }

    /// Installs or removes a CRD group.
    pub fn set_enabled(&self, group: CrdGroup, on: bool) {
        let mut set = self.enabled.write().unwrap_or_else(|e| e.into_inner());
        if on {
            set.insert(group);
        } else {
            set.remove(&group);
        }
    }

    fn served(&self, def: &ResourceDef) -> bool {
        match def.crd {
            None => true,
            Some(g) => self
                .enabled
                .read()
                .unwrap_or_else(|e| e.into_inner())
                .contains(&g),
        }
    }

    /// The served resources.
    pub fn resources(&self) -> impl Iterator<Item = &'static ResourceDef> + '_ {
        RESOURCES.iter().copied().filter(|d| self.served(d))
    }

    /// Resolves `group/version/plural` to a served resource.
    pub fn lookup(&self, group: &str, version: &str, plural: &str) -> Option<&'static ResourceDef> {
        self.resources()
            .find(|d| d.group == group && d.version == version && d.plural == plural)
    }

    /// Served group versions, core excluded, in discovery order.
    fn group_versions(&self) -> Vec<(&'static str, &'static str)> {
        let mut out: Vec<(&str, &str)> = Vec::new();
        for d in self.resources().filter(|d| !d.group.is_empty()) {
            if !out.contains(&(d.group, d.version)) {
                out.push((d.group, d.version));
            }
        }
        out
    }

    /// `GET /api`.
    pub fn api_versions(server_address: &str) -> Value {
        json!({
            "kind": "APIVersions",
            "versions": ["v1"],
            "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": server_address}],
        })
    }

    /// `GET /apis`.
    pub fn api_group_list(&self) -> Value {
        let groups: Vec<Value> = self
            .group_versions()
            .into_iter()
            .map(|(g, v)| group_json(g, v))
            .collect();
        json!({"kind": "APIGroupList", "apiVersion": "v1", "groups": groups})
    }

    /// `GET /apis/{group}`.
    pub fn api_group(&self, group: &str) -> Option<Value> {
        self.group_versions()
            .into_iter()
            .find(|(g, _)| *g == group)
            .map(|(g, v)| {
                let mut j = group_json(g, v);
                j["kind"] = json!("APIGroup");
                j["apiVersion"] = json!("v1");
                j
            })
    }

    /// `GET /api/v1` or `GET /apis/{group}/{version}`.
    pub fn resource_list(&self, group: &str, version: &str) -> Option<Value> {
        let defs: Vec<&ResourceDef> = self
            .resources()
            .filter(|d| d.group == group && d.version == version)
            .collect();
        if defs.is_empty() {
            return None;
        }
        let mut resources = Vec::new();
        for d in &defs {
            let mut r = json!({
                "name": d.plural,
                "singularName": d.singular,
                "namespaced": d.namespaced,
                "kind": d.kind,
                "verbs": d.verbs,
            });
            if !d.short_names.is_empty() {
                r["shortNames"] = json!(d.short_names);
            }
            if !d.categories.is_empty() {
                r["categories"] = json!(d.categories);
            }
            resources.push(r);
            for sub in d.subresources {
                let (kind, verbs): (&str, &[&str]) = match *sub {
                    "log" => ("Pod", &["get"]),
                    "scale" => ("Scale", &["get", "patch", "update"]),
                    _ => (d.kind, &["get", "patch", "update"]),
                };
                let mut entry = json!({
                    "name": format!("{}/{sub}", d.plural),
                    "singularName": "",
                    "namespaced": d.namespaced,
                    "kind": kind,
                    "verbs": verbs,
                });
                if *sub == "scale" {
                    // The scale subresource speaks autoscaling/v1 Scale, which clients
                    // (kubectl scale, HPA) learn from these two fields.
                    entry["group"] = json!("autoscaling");
                    entry["version"] = json!("v1");
                }
                resources.push(entry);
            }
        }
        let gv = if group.is_empty() {
            version.to_string()
        } else {
            format!("{group}/{version}")
        };
        Some(
            json!({"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": gv, "resources": resources}),
        )
    }

    /// `GET /openapi/v3`: the index kubectl reads to learn that writes accept `fieldValidation`.
    pub fn openapi_index(&self) -> Value {
        let mut paths = serde_json::Map::new();
        let mut gvs: Vec<(String, String)> = vec![("api/v1".into(), "/openapi/v3/api/v1".into())];
        for (g, v) in self.group_versions() {
            gvs.push((format!("apis/{g}/{v}"), format!("/openapi/v3/apis/{g}/{v}")));
        }
        for (key, url) in gvs {
            paths.insert(key, json!({"serverRelativeURL": url}));
        }
        json!({"paths": paths})
    }

    /// `GET /openapi/v3/{api|apis/g}/{v}`: a minimal document whose PATCH operations declare the
    /// query parameters kubectl probes for (`fieldValidation`, `dryRun`), one per served kind.
    pub fn openapi_group_version(&self, group: &str, version: &str) -> Option<Value> {
        let defs: Vec<&ResourceDef> = self
            .resources()
            .filter(|d| d.group == group && d.version == version && d.is_stored())
            .collect();
        if defs.is_empty() {
            return None;
        }
        let mut paths = serde_json::Map::new();
        for d in defs {
            let path = if d.namespaced {
                format!(
                    "{}/namespaces/{{namespace}}/{}/{{name}}",
                    d.gv_path(),
                    d.plural
                )
            } else {
                format!("{}/{}/{{name}}", d.gv_path(), d.plural)
            };
            let op = json!({
                "x-kubernetes-action": "patch",
                "x-kubernetes-group-version-kind": {"group": d.group, "version": d.version, "kind": d.kind},
                "parameters": [
                    {"name": "dryRun", "in": "query", "schema": {"type": "string"}},
                    {"name": "fieldManager", "in": "query", "schema": {"type": "string"}},
                    {"name": "fieldValidation", "in": "query", "schema": {"type": "string"}},
                    {"name": "force", "in": "query", "schema": {"type": "boolean"}},
                ],
                "responses": {"200": {"description": "OK"}},
            });
            paths.insert(path, json!({"patch": op}));
        }
        Some(json!({
            "openapi": "3.0.0",
            "info": {"title": "Kubernetes", "version": "v1.36.0"},
            "paths": paths,
            "components": {"schemas": {}},
        }))
    }
}

fn group_json(group: &str, version: &str) -> Value {
    let gv = json!({"groupVersion": format!("{group}/{version}"), "version": version});
    json!({"name": group, "versions": [gv.clone()], "preferredVersion": gv})
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn disabled_crd_group_disappears_from_discovery_and_routing() {
        let reg = Registry::new(CrdGroup::ALL);
        assert!(
            reg.lookup("cert-manager.io", "v1", "certificates")
                .is_some()
        );
        reg.set_enabled(CrdGroup::CertManager, false);
        assert!(
            reg.lookup("cert-manager.io", "v1", "certificates")
                .is_none()
        );
        assert!(reg.api_group("cert-manager.io").is_none());
        let groups = reg.api_group_list();
        assert!(!groups.to_string().contains("cert-manager.io"));
        assert!(groups.to_string().contains("gateway.networking.k8s.io"));
    }

    #[test]
    fn an_unknown_resource_is_a_404_not_a_namespace() {
        assert_eq!(def_of("apps", "deployments").unwrap().kind, "Deployment");
        let err = def_of("", "widgets").unwrap_err();
        assert_eq!((err.code, err.reason), (404, "NotFound"));
    }

    #[test]
    fn resource_list_names_subresources() {
        let reg = Registry::new([]);
        let list = reg.resource_list("", "v1").unwrap();
        let names: Vec<&str> = list["resources"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["name"].as_str().unwrap())
            .collect();
        assert!(names.contains(&"pods/log"));
        assert!(!names.contains(&"deployments"));
        assert!(names.contains(&"namespaces"));
    }
}
