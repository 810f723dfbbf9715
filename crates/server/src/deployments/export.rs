//! Exporting a revision as a download: its manifests as one YAML file, or a Helm chart that
//! renders the same objects with its default values and exposes images and replica counts as
//! values. Secret values leave the server only for the owner who asks for them; otherwise they
//! are redacted and the file says so.

mod archive;
mod chart;

use super::live::flag;
use super::{DeploymentError, Deployments, invalid};
use kubechart_manifest::{RenderOptions, RenderedObject};
use kubechart_store::{DeploymentId, User};
use serde::Deserialize;
use utoipa::IntoParams;

/// Heads an export whose Secret values were left out.
const REDACTED_NOTE: &str = "Secret values are redacted: set them before applying, or export as the deployment's owner with includeSecrets=true.";

/// `GET /api/v1/deployments/{id}/export` query.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ExportQuery {
    /// `yaml` (default): the manifests as one multi-document file; `helm`: a chart archive.
    pub format: Option<String>,
    /// The revision to export; default: the latest.
    #[param(value_type = Option<i32>)]
    pub revision: Option<String>,
    /// Include Secret values in the clear (the owner only); default: redacted.
    #[param(value_type = Option<bool>)]
    pub include_secrets: Option<String>,
}

/// A file to download.
#[derive(Debug)]
pub struct ExportFile {
    pub file_name: String,
    pub content_type: &'static str,
    pub bytes: Vec<u8>,
}

impl Deployments {
    /// A revision of the deployment as a YAML file or a Helm chart archive.
    pub async fn export(
        &self,
        user: &User,
        id: DeploymentId,
        query: ExportQuery,
    ) -> Result<ExportFile, DeploymentError> {
        let deployment = self.visible(user, id).await?;
        let helm = match query.format.as_deref() {
            None | Some("yaml") => false,
            Some("helm") => true,
            Some(_) => return Err(invalid("format", "must be yaml or helm")),
        };
        let number = match query.revision.as_deref() {
            None => deployment.revision,
            Some(text) => text
                .parse::<i32>()
                .map_err(|_| invalid("revision", "must be a revision number"))?,
        };
        let include_secrets = flag("includeSecrets", query.include_secrets.as_deref())?;
        if include_secrets && deployment.owner_id != user.id {
            return Err(DeploymentError::Forbidden(
                "only the deployment's owner may export its Secret values",
            ));
        }
        let revision = self.find_revision(id, number).await?;
        let spec = kubechart_manifest::spec_from_value(revision.spec)?;
        let options = RenderOptions {
            redact_secrets: !include_secrets,
        };
        let rendered = kubechart_manifest::render(&spec, &options)?;
        let redacted = !include_secrets && has_secret(&rendered.objects);
        if helm {
            let chart = chart::Chart::of(&chart::Source {
                name: &deployment.name,
                namespace: &deployment.namespace,
                revision: number,
                manifests: &rendered.manifests,
                redacted_note: redacted.then_some(REDACTED_NOTE),
            })
            .map_err(internal)?;
            let version = chart.version.clone();
            let bytes = archive::tgz(&deployment.name, &chart.files, revision.created_at)
                .map_err(|error| internal(error.to_string()))?;
            return Ok(ExportFile {
                file_name: format!("{}-{version}.tgz", deployment.name),
                content_type: "application/gzip",
                bytes,
            });
        }
        // With Secret values, the stored manifests themselves; without, rendered redacted.
        let yaml = if include_secrets {
            revision.manifest
        } else if redacted {
            format!("# {REDACTED_NOTE}\n{}", rendered.yaml)
        } else {
            rendered.yaml
        };
        Ok(ExportFile {
            file_name: format!("{}-r{number}.yaml", deployment.name),
            content_type: "application/yaml",
            bytes: yaml.into_bytes(),
        })
    }
}

fn has_secret(objects: &[RenderedObject]) -> bool {
    objects
        .iter()
        .any(|object| object.kind == "Secret" && object.api_version == "v1")
}

fn internal(message: String) -> DeploymentError {
    DeploymentError::Spec(kubechart_manifest::RenderError::Internal(message))
}
