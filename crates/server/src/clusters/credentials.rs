//! From a request's source to a validated connection source, what is sealed for it, and back from
//! a stored row to a source.

use kubechart_kube::connect::{
    ConnectError, Detection, FieldProblem, HostEnv, InClusterEnv, Source, TokenSource,
    UploadedKubeconfig,
};
use kubechart_store::{Cluster, ClusterId, ClusterSource};
use secrecy::{ExposeSecret as _, SecretSlice, SecretString};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

use super::error::ClusterError;
use super::seal;
use super::views::SourceRequest;
use crate::error::FieldError;

/// What is sealed per source type; the server URL and context are kept in clear columns.
#[derive(Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum Sealed {
    Kubeconfig {
        kubeconfig: String,
    },
    Token {
        token: String,
        certificate_authority: Option<String>,
    },
}

/// A validated source with what the row keeps about it.
pub struct Prepared {
    pub kind: ClusterSource,
    pub server_url: Option<String>,
    pub context: Option<String>,
    pub kubeconfig_path: Option<String>,
    /// The context's namespace, used when the request names none.
    pub namespace: Option<String>,
    sealed: Option<Sealed>,
}

impl Prepared {
    /// The sealed credentials for row `id`, when the source keeps any.
    pub fn seal(
        &self,
        key: &SecretSlice<u8>,
        id: ClusterId,
    ) -> Result<Option<Vec<u8>>, ClusterError> {
        let Some(sealed) = &self.sealed else {
            return Ok(None);
        };
        let plaintext = SecretSlice::from(
            serde_json::to_vec(sealed).map_err(|error| ClusterError::Corrupt(error.to_string()))?,
        );
        Ok(Some(seal::seal(key, id, plaintext.expose_secret())?))
    }

    /// A detected kubeconfig file's context (already checked to be one of `detection`'s).
    pub fn kubeconfig_file(path: PathBuf, context: String, detection: &Detection) -> Self {
        let found = detection
            .files
            .iter()
            .find(|file| file.path == path)
            .and_then(|file| file.contexts.iter().find(|c| c.name == context));
        Self {
            kind: ClusterSource::KubeconfigPath,
            server_url: found.and_then(|c| c.server.clone()),
            namespace: found.and_then(|c| c.namespace.clone()),
            kubeconfig_path: Some(path.display().to_string()),
            context: Some(context.clone()),
            sealed: None,
        }
    }

    /// The pod's service account.
    pub fn in_cluster(env: InClusterEnv) -> Self {
        Self {
            kind: ClusterSource::InCluster,
            server_url: Some(env.server()),
            context: None,
            kubeconfig_path: None,
            namespace: env.namespace(),
            sealed: None,
        }
    }
}

/// Validates a request's source. `detected` sources must be one of `detection`'s (never an
/// arbitrary path); the caller checks that only administrators ask for them.
pub fn prepare(request: SourceRequest, detection: &Detection) -> Result<Prepared, ClusterError> {
    match request {
        SourceRequest::Kubeconfig(request) => {
            let context = request.context.filter(|c| !c.is_empty());
            let uploaded = UploadedKubeconfig::parse(&request.kubeconfig, context.as_deref())
                .map_err(|error| invalid(error, kubeconfig_path))?;
            let selected = uploaded
                .select(context.as_deref())
                .map_err(|problem| ClusterError::Invalid(vec![kubeconfig_path(problem)]))?;
            Ok(Prepared {
                kind: ClusterSource::Kubeconfig,
                server_url: selected.server,
                context: Some(selected.name),
                kubeconfig_path: None,
                namespace: selected.namespace,
                sealed: Some(Sealed::Kubeconfig {
                    kubeconfig: request.kubeconfig,
                }),
            })
        }
        SourceRequest::Token(request) => {
            let certificate_authority = request
                .certificate_authority_data
                .filter(|pem| !pem.trim().is_empty());
            let token = TokenSource {
                server: request.server.trim().trim_end_matches('/').to_string(),
                token: SecretString::from(request.token.trim().to_string()),
                certificate_authority: certificate_authority.clone(),
            };
            token.validate().map_err(|error| {
                invalid(error, |problem| {
                    FieldError::new(format!("source.{}", problem.path), problem.message)
                })
            })?;
            Ok(Prepared {
                server_url: Some(token.server.clone()),
                sealed: Some(Sealed::Token {
                    token: token.token.expose_secret().to_string(),
                    certificate_authority,
                }),
                kind: ClusterSource::Token,
                context: None,
                kubeconfig_path: None,
                namespace: None,
            })
        }
        SourceRequest::Detected(request) => {
            let Some(path) = request.path else {
                let in_cluster = detection.in_cluster.as_ref().ok_or_else(|| {
                    ClusterError::Invalid(vec![FieldError::new(
                        "source.path",
                        "KubeChart is not running in a cluster: name a detected kubeconfig file",
                    )])
                })?;
                return Ok(Prepared::in_cluster(in_cluster.env.clone()));
            };
            let context = request.context.unwrap_or_default();
            let path = PathBuf::from(path);
            if detection.file_context(&path, &context).is_none() {
                let field = if detection.files.iter().any(|file| file.path == path) {
                    FieldError::new("source.context", "is not a context of that file")
                } else {
                    FieldError::new("source.path", "is not one of the detected kubeconfig files")
                };
                return Err(ClusterError::Invalid(vec![field]));
            }
            Ok(Prepared::kubeconfig_file(path, context, detection))
        }
    }
}

/// The connection source of a stored cluster.
pub fn source_of(
    key: &SecretSlice<u8>,
    cluster: &Cluster,
    host: &HostEnv,
) -> Result<Source, ClusterError> {
    match cluster.source {
        ClusterSource::InCluster => {
            InClusterEnv::of(host)
                .map(Source::InCluster)
                .ok_or_else(|| {
                    ClusterError::SourceUnavailable(
                "this cluster uses the in-cluster service account, which this server does not have"
                    .into(),
            )
                })
        }
        ClusterSource::KubeconfigPath => {
            let path = cluster
                .kubeconfig_path
                .clone()
                .ok_or_else(|| ClusterError::Corrupt("no kubeconfig path".into()))?;
            Ok(Source::KubeconfigFile {
                path: PathBuf::from(path),
                context: cluster.context.clone(),
            })
        }
        ClusterSource::Kubeconfig | ClusterSource::Token => {
            let sealed = cluster
                .encrypted_credentials
                .as_deref()
                .ok_or_else(|| ClusterError::Corrupt("no stored credentials".into()))?;
            let plaintext = seal::open(key, cluster.id, sealed)?;
            let sealed: Sealed = serde_json::from_slice(plaintext.expose_secret())
                .map_err(|error| ClusterError::Corrupt(error.to_string()))?;
            match sealed {
                Sealed::Kubeconfig { kubeconfig } => {
                    // Validated again: what is stored is trusted no more than what was uploaded.
                    let uploaded =
                        UploadedKubeconfig::parse(&kubeconfig, cluster.context.as_deref())
                            .map_err(|error| ClusterError::Corrupt(error.to_string()))?;
                    Ok(Source::Uploaded {
                        kubeconfig: uploaded,
                        context: cluster.context.clone(),
                    })
                }
                Sealed::Token {
                    token,
                    certificate_authority,
                } => Ok(Source::Token(TokenSource {
                    server: cluster.server_url.clone().unwrap_or_default(),
                    token: SecretString::from(token),
                    certificate_authority,
                })),
            }
        }
    }
}

/// Problems inside an uploaded kubeconfig, addressed from the request body.
fn kubeconfig_path(problem: FieldProblem) -> FieldError {
    let path = match problem.path.as_str() {
        "context" => "source.context".to_string(),
        "" => "source.kubeconfig".to_string(),
        inner => format!("source.kubeconfig.{inner}"),
    };
    FieldError::new(path, problem.message)
}

fn invalid(error: ConnectError, path: impl Fn(FieldProblem) -> FieldError) -> ClusterError {
    match error {
        ConnectError::Invalid(problems) => {
            ClusterError::Invalid(problems.into_iter().map(path).collect())
        }
        ConnectError::Unavailable(message) => ClusterError::SourceUnavailable(message),
        ConnectError::Unreachable(unreachable) => ClusterError::Unreachable(unreachable),
    }
}
