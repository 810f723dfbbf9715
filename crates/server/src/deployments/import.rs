//! Import from a cluster: the objects running in a namespace (made with kubectl, Helm or anything
//! else) become a draft deployment whose first deploy takes them over in place. The objects are
//! read as they are, selectors and other immutable fields included, so adopting them changes no
//! field the API server would refuse and recreates nothing.

use super::operation_views::ObjectRefView;
use super::views::DeploymentView;
use super::{DeploymentError, Deployments, Draft, render};
use crate::error::FieldError;
use kubechart_kube::namespace::{self, NamespaceError, NamespaceObjects};
use kubechart_manifest::import::{ImportOptions, ImportSummary, ObjectReport, import};
use kubechart_store::{ClusterId, User};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

/// `POST /api/v1/clusters/{id}/import`.
#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ClusterImportRequest {
    /// The namespace whose objects become the app (and the app's namespace).
    pub namespace: String,
    /// Only the objects matching this label selector (`app=shop,tier in (web,api)`).
    #[serde(default)]
    pub selector: Option<String>,
    /// Name of the app. Default: from the objects' labels.
    #[serde(default)]
    pub name: Option<String>,
}

/// What became of each object read from the namespace.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ClusterImportReportView {
    /// Per imported object, as `POST /api/v1/import` reports it (`kind`, `name`, `outcome`,
    /// `entry`, `formFields`, `overrideFields`, `reason`, …).
    #[schema(value_type = Vec<std::collections::HashMap<String, serde_json::Value>>)]
    pub objects: Vec<ObjectReport>,
    /// Totals over the imported objects.
    #[schema(value_type = std::collections::HashMap<String, serde_json::Value>)]
    pub summary: ImportSummary,
    /// Objects read but left out: made by a controller, another app's, or made by Kubernetes.
    pub skipped: Vec<SkippedObjectView>,
    /// Kinds the cluster credentials may not list: the import may be missing objects of these.
    pub unlisted: Vec<UnlistedKindView>,
}

/// An object left in the cluster as it is, and why.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SkippedObjectView {
    pub object: ObjectRefView,
    pub reason: String,
}

/// A kind that could not be listed, and why.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UnlistedKindView {
    pub api_version: String,
    pub kind: String,
    pub reason: String,
}

/// The draft made from a namespace and the report of the import.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ClusterImportView {
    /// The new draft; `adoptsOnDeploy` is true.
    pub deployment: DeploymentView,
    pub report: ClusterImportReportView,
}

impl Deployments {
    /// Imports the objects of a namespace of a cluster `user` may use into a new draft bound to
    /// that cluster and namespace, whose first deploy adopts them.
    pub async fn import_from_cluster(
        &self,
        user: &User,
        cluster: ClusterId,
        request: ClusterImportRequest,
    ) -> Result<ClusterImportView, DeploymentError> {
        let selector = request.selector.filter(|s| !s.trim().is_empty());
        validate(&request.namespace, selector.as_deref())?;
        let cluster = self.clusters.usable(user, cluster).await?;
        let connection = self.clusters.connection(&cluster).await?;
        let read = namespace::read_for_import(&connection, &request.namespace, selector.as_deref())
            .await
            .map_err(|error| match error {
                NamespaceError::Missing(_) => invalid_namespace(error.to_string()),
                NamespaceError::Unreachable(unreachable) => {
                    crate::clusters::ClusterError::Unreachable(unreachable).into()
                }
            })?;
        let NamespaceObjects {
            objects,
            skipped,
            unlisted,
        } = read;
        if objects.is_empty() {
            return Err(nothing_to_import(
                &request.namespace,
                selector.as_deref(),
                skipped.len(),
            ));
        }
        let options = ImportOptions {
            namespace: Some(request.namespace.clone()),
            name: request.name,
        };
        let imported = import(objects, &options)?;
        let spec = serde_json::to_value(&imported.spec).map_err(|error| {
            DeploymentError::Spec(kubechart_manifest::RenderError::Internal(error.to_string()))
        })?;
        let (spec, rendered) = render(spec)?;
        let summary = &imported.report.summary;
        let draft = Draft {
            action: "deployment.import",
            adopt_existing: true,
            detail: json!({
                "selector": selector,
                "imported": summary.objects - summary.refused,
                "skipped": skipped.len(),
            })
            .as_object()
            .cloned()
            .unwrap_or_default(),
        };
        let created = self
            .insert_draft(user, Some(cluster.id), &spec, rendered, draft)
            .await?;
        Ok(ClusterImportView {
            deployment: self.view(created).await?,
            report: ClusterImportReportView {
                objects: imported.report.objects,
                summary: imported.report.summary,
                skipped: skipped
                    .iter()
                    .map(|s| SkippedObjectView {
                        object: (&s.reference).into(),
                        reason: s.reason.clone(),
                    })
                    .collect(),
                unlisted: unlisted
                    .into_iter()
                    .map(|u| UnlistedKindView {
                        api_version: u.api_version,
                        kind: u.kind,
                        reason: u.reason,
                    })
                    .collect(),
            },
        })
    }
}

/// The namespace is a DNS label and the selector a label selector, each problem at its field.
fn validate(namespace: &str, selector: Option<&str>) -> Result<(), DeploymentError> {
    let mut problems = Vec::new();
    if let Err(problem) = kubechart_manifest::validate_namespace_name(namespace) {
        problems.push(FieldError::new("namespace", problem));
    }
    if let Some(Err(problem)) = selector.map(kubechart_manifest::validate_label_selector) {
        problems.push(FieldError::new("selector", problem));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(DeploymentError::Invalid(problems))
    }
}

fn invalid_namespace(message: String) -> DeploymentError {
    DeploymentError::Invalid(vec![FieldError::new("namespace", message)])
}

/// A 422 naming what was searched, and how much was left out, so the user knows what to change.
fn nothing_to_import(namespace: &str, selector: Option<&str>, skipped: usize) -> DeploymentError {
    let left_out = match skipped {
        0 => String::new(),
        n => format!(
            "; {n} object(s) there are left out (made by a controller, another app's, or made by Kubernetes)"
        ),
    };
    let mut problems = vec![FieldError::new(
        "namespace",
        format!("namespace {namespace} holds nothing to import{left_out}"),
    )];
    if let Some(selector) = selector {
        problems.push(FieldError::new(
            "selector",
            format!("no object to import matches {selector}"),
        ));
    }
    DeploymentError::Invalid(problems)
}
