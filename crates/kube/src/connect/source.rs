//! The four credential sources and how each becomes a `kube::Config`.
//!
//! Each source is turned into a kubeconfig value and handed to
//! `kube::Config::from_custom_kubeconfig`, so CA bundles, tokens and client certificates are
//! parsed by one code path.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use kube::config::{KubeConfigOptions, Kubeconfig};
use secrecy::{ExposeSecret as _, SecretString};
use serde_json::json;
use sha2::{Digest as _, Sha256};
use std::fmt;
use std::path::{Path, PathBuf};

use super::detect::{HostEnv, SERVICE_ACCOUNT_DIR};
use super::error::{ConnectError, FieldProblem};
use super::upload::UploadedKubeconfig;

/// Where a cluster's credentials come from.
#[derive(Clone)]
pub enum Source {
    /// The pod's ServiceAccount: `KUBERNETES_SERVICE_HOST`/`PORT` and the token, CA and namespace
    /// files (the token file is re-read by the client, so rotated tokens keep working).
    InCluster(InClusterEnv),
    /// A kubeconfig file on this host (trusted: chosen by an administrator from the detected
    /// files, or given on the command line), read at every connect so changes are picked up.
    KubeconfigFile {
        path: PathBuf,
        /// `None`: the file's current context.
        context: Option<String>,
    },
    /// A kubeconfig a user uploaded, already validated (inline credentials only).
    Uploaded {
        kubeconfig: UploadedKubeconfig,
        /// `None`: the kubeconfig's current context.
        context: Option<String>,
    },
    /// A server URL with a bearer token and, optionally, the CA bundle to trust.
    Token(TokenSource),
}

// Tokens and kubeconfigs hold secrets: only the shape is printed.
impl fmt::Debug for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::InCluster(env) => f.debug_tuple("InCluster").field(env).finish(),
            Source::KubeconfigFile { path, context } => f
                .debug_struct("KubeconfigFile")
                .field("path", path)
                .field("context", context)
                .finish(),
            Source::Uploaded { context, .. } => f
                .debug_struct("Uploaded")
                .field("context", context)
                .finish_non_exhaustive(),
            Source::Token(token) => f
                .debug_struct("Token")
                .field("server", &token.server)
                .finish_non_exhaustive(),
        }
    }
}

/// A bearer token for a server.
#[derive(Clone)]
pub struct TokenSource {
    /// `https://host:port`.
    pub server: String,
    pub token: SecretString,
    /// PEM bundle of the CAs to trust; `None` trusts the system roots.
    pub certificate_authority: Option<String>,
}

impl TokenSource {
    /// Checks the fields a user typed; problems carry the request field names (`server`, `token`,
    /// `certificateAuthorityData`).
    pub fn validate(&self) -> Result<(), ConnectError> {
        let mut problems = Vec::new();
        match self.server.parse::<http::Uri>() {
            Ok(uri) if uri.scheme_str() == Some("https") && uri.host().is_some() => {}
            Ok(_) => problems.push(FieldProblem::new(
                "server",
                "must be an https:// URL such as https://10.0.0.1:6443",
            )),
            Err(_) => problems.push(FieldProblem::new("server", "is not a URL")),
        }
        let token = self.token.expose_secret();
        if token.trim().is_empty() {
            problems.push(FieldProblem::new("token", "must not be empty"));
        } else if token.chars().any(|c| c.is_whitespace() || c.is_control()) {
            problems.push(FieldProblem::new(
                "token",
                "must be one line without spaces",
            ));
        }
        if let Some(pem) = &self.certificate_authority
            && !pem.contains("-----BEGIN CERTIFICATE-----")
        {
            problems.push(FieldProblem::new(
                "certificateAuthorityData",
                "must be a PEM bundle (-----BEGIN CERTIFICATE-----)",
            ));
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(ConnectError::Invalid(problems))
        }
    }
}

/// Where the in-cluster service account is found; injectable for tests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InClusterEnv {
    /// `KUBERNETES_SERVICE_HOST`.
    pub host: String,
    /// `KUBERNETES_SERVICE_PORT`.
    pub port: String,
    /// The directory with `token`, `ca.crt` and `namespace`.
    pub dir: PathBuf,
}

impl InClusterEnv {
    /// From the environment variables and the standard directory; `None` outside a pod.
    pub fn of(host: &HostEnv) -> Option<Self> {
        let env = Self {
            host: host.service_host.clone()?,
            port: host.service_port.clone()?,
            dir: moved_service_account_dir(&host.service_account_dir),
        };
        env.dir.join("token").is_file().then_some(env)
    }

    /// The standard location inside a pod.
    pub fn standard(host: String, port: String) -> Self {
        Self {
            host,
            port,
            dir: PathBuf::from(SERVICE_ACCOUNT_DIR),
        }
    }

    /// `https://host:port`, with brackets around an IPv6 address.
    pub fn server(&self) -> String {
        if self.host.contains(':') {
            format!("https://[{}]:{}", self.host, self.port)
        } else {
            format!("https://{}:{}", self.host, self.port)
        }
    }

    /// The namespace the pod runs in.
    pub fn namespace(&self) -> Option<String> {
        std::fs::read_to_string(self.dir.join("namespace"))
            .ok()
            .map(|text| text.trim().to_string())
            .filter(|text| !text.is_empty())
    }
}

/// Moves the standard service account directory elsewhere (not in `--help`): lets the binary be
/// run outside a pod against a real API server with files that server accepts.
const SERVICE_ACCOUNT_DIR_VAR: &str = "KUBECHART_SERVICE_ACCOUNT_DIR";

/// `dir`, or the directory named by [`SERVICE_ACCOUNT_DIR_VAR`] when `dir` is the standard one.
fn moved_service_account_dir(dir: &Path) -> PathBuf {
    match std::env::var_os(SERVICE_ACCOUNT_DIR_VAR) {
        Some(moved) if dir == Path::new(SERVICE_ACCOUNT_DIR) && !moved.is_empty() => moved.into(),
        _ => dir.to_path_buf(),
    }
}

impl Source {
    /// What a kubectl-style command line selects: the `--kubeconfig` file, else the first
    /// kubeconfig found on the host (`$KUBECONFIG`, `~/.kube/config`, …), else the in-cluster
    /// service account; `--context` picks the context (default: the file's current context).
    pub fn from_kubectl_flags(
        kubeconfig: Option<&Path>,
        context: Option<&str>,
        host: &HostEnv,
    ) -> Result<Self, ConnectError> {
        let file = match kubeconfig {
            Some(path) => Some(path.to_path_buf()),
            None => first_file_with(host, context),
        };
        match (file, InClusterEnv::of(host)) {
            (Some(path), _) => Ok(Source::KubeconfigFile {
                path,
                context: context.map(str::to_string),
            }),
            (None, Some(env)) if context.is_none() => Ok(Source::InCluster(env)),
            _ => Err(ConnectError::Unavailable(
                "no kubeconfig found: pass --kubeconfig, set KUBECONFIG or create ~/.kube/config"
                    .into(),
            )),
        }
    }

    /// The source type as stored and shown: `in_cluster`, `kubeconfig_path`, `kubeconfig`,
    /// `token`.
    pub fn kind(&self) -> &'static str {
        match self {
            Source::InCluster(_) => "in_cluster",
            Source::KubeconfigFile { .. } => "kubeconfig_path",
            Source::Uploaded { .. } => "kubeconfig",
            Source::Token(_) => "token",
        }
    }

    /// The kubeconfig and options this source stands for. Host files are read here.
    fn kubeconfig(&self) -> Result<(Kubeconfig, KubeConfigOptions), ConnectError> {
        match self {
            Source::InCluster(env) => {
                let ca = std::fs::read(env.dir.join("ca.crt")).map_err(|error| {
                    ConnectError::Unavailable(format!(
                        "cannot read the service account CA {}: {error}",
                        env.dir.join("ca.crt").display()
                    ))
                })?;
                let value = single_context(
                    "in-cluster",
                    &env.server(),
                    Some(&STANDARD.encode(ca)),
                    json!({"tokenFile": env.dir.join("token")}),
                    env.namespace(),
                );
                typed(value).map(|config| (config, KubeConfigOptions::default()))
            }
            Source::KubeconfigFile { path, context } => {
                let config = Kubeconfig::read_from(path).map_err(|error| {
                    ConnectError::Unavailable(format!("cannot load {}: {error}", path.display()))
                })?;
                Ok((config, UploadedKubeconfig::options(context.as_deref())))
            }
            Source::Uploaded {
                kubeconfig,
                context,
            } => Ok((
                kubeconfig.kubeconfig()?,
                UploadedKubeconfig::options(context.as_deref()),
            )),
            Source::Token(token) => {
                let ca = token
                    .certificate_authority
                    .as_ref()
                    .map(|pem| STANDARD.encode(pem));
                let value = single_context(
                    "token",
                    &token.server,
                    ca.as_deref(),
                    json!({"token": token.token.expose_secret()}),
                    None,
                );
                typed(value).map(|config| (config, KubeConfigOptions::default()))
            }
        }
    }

    /// The client configuration, without timeouts (see [`super::Timeouts`]).
    pub async fn config(&self) -> Result<kube::Config, ConnectError> {
        let (kubeconfig, options) = self.kubeconfig()?;
        kube::Config::from_custom_kubeconfig(kubeconfig, &options)
            .await
            .map_err(|error| match self {
                // Validation already vetted the content; what remains is e.g. bad base64 data.
                Source::Uploaded { .. } => ConnectError::Invalid(vec![FieldProblem::new(
                    "",
                    format!("is not a usable kubeconfig: {error}"),
                )]),
                _ => ConnectError::Unavailable(format!("cannot use the kubeconfig: {error}")),
            })
    }

    /// A digest of everything the client is built from (host files included), so a cached client
    /// is rebuilt exactly when its credentials change. Only the digest is kept.
    pub fn fingerprint(&self) -> String {
        let mut hash = Sha256::new();
        hash.update(self.kind());
        match self {
            Source::InCluster(env) => {
                hash.update(env.server());
                hash.update(env.dir.as_os_str().as_encoded_bytes());
                hash.update(std::fs::read(env.dir.join("ca.crt")).unwrap_or_default());
            }
            Source::KubeconfigFile { path, context } => {
                hash.update(path.as_os_str().as_encoded_bytes());
                hash.update(context.as_deref().unwrap_or_default());
                hash.update(std::fs::read(path).unwrap_or_default());
            }
            Source::Uploaded {
                kubeconfig,
                context,
            } => {
                hash.update(kubeconfig.to_json());
                hash.update([0]);
                hash.update(context.as_deref().unwrap_or_default());
            }
            Source::Token(token) => {
                hash.update(&token.server);
                hash.update([0]);
                hash.update(token.token.expose_secret());
                hash.update([0]);
                hash.update(token.certificate_authority.as_deref().unwrap_or_default());
            }
        }
        hash.finalize()
            .iter()
            .map(|byte| format!("{byte:02x}"))
            .collect()
    }
}

/// The first kubeconfig file on the host that has `context` (any existing file when `None`), as
/// kubectl finds a context across the files of `$KUBECONFIG`.
fn first_file_with(host: &HostEnv, context: Option<&str>) -> Option<PathBuf> {
    let mut existing = host
        .kubeconfig_files()
        .into_iter()
        .filter(|path| path.is_file())
        .peekable();
    let first = existing.peek().cloned();
    let Some(context) = context else {
        return first;
    };
    existing
        .find(|path| {
            Kubeconfig::read_from(path)
                .is_ok_and(|config| config.contexts.iter().any(|c| c.name == context))
        })
        .or(first)
}

/// A kubeconfig with one cluster, one user and one (current) context.
fn single_context(
    name: &str,
    server: &str,
    ca_data: Option<&str>,
    user: serde_json::Value,
    namespace: Option<String>,
) -> serde_json::Value {
    let mut cluster = json!({"server": server});
    if let Some(ca) = ca_data {
        cluster["certificate-authority-data"] = json!(ca);
    }
    let mut context = json!({"cluster": name, "user": name});
    if let Some(namespace) = namespace {
        context["namespace"] = json!(namespace);
    }
    json!({
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"name": name, "cluster": cluster}],
        "users": [{"name": name, "user": user}],
        "contexts": [{"name": name, "context": context}],
        "current-context": name,
    })
}

fn typed(value: serde_json::Value) -> Result<Kubeconfig, ConnectError> {
    serde_json::from_value(value)
        .map_err(|error| ConnectError::Unavailable(format!("cannot build a kubeconfig: {error}")))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    fn token(server: &str, token: &str, ca: Option<&str>) -> TokenSource {
        TokenSource {
            server: server.into(),
            token: SecretString::from(token.to_string()),
            certificate_authority: ca.map(str::to_string),
        }
    }

    #[test]
    fn token_input_is_checked_per_field() {
        assert!(
            token("https://10.0.0.1:6443", "abc", None)
                .validate()
                .is_ok()
        );
        let Err(ConnectError::Invalid(problems)) =
            token("http://10.0.0.1", " ", Some("not pem")).validate()
        else {
            panic!("expected problems");
        };
        let paths: Vec<_> = problems.iter().map(|p| p.path.as_str()).collect();
        assert_eq!(paths, ["server", "token", "certificateAuthorityData"]);
    }

    #[test]
    fn fingerprints_follow_the_credentials_and_hide_them() {
        let a = Source::Token(token("https://a:6443", "one", None));
        let b = Source::Token(token("https://a:6443", "two", None));
        assert_ne!(a.fingerprint(), b.fingerprint());
        assert_eq!(a.fingerprint(), a.clone().fingerprint());
        assert!(!a.fingerprint().contains("one"));
        assert!(!format!("{a:?}").contains("one"));
    }

    #[test]
    fn in_cluster_needs_the_token_file() {
        let dir = tempfile::tempdir().unwrap();
        let mut host = HostEnv::isolated();
        host.service_host = Some("10.96.0.1".into());
        host.service_port = Some("443".into());
        host.service_account_dir = dir.path().to_path_buf();
        assert_eq!(InClusterEnv::of(&host), None);
        std::fs::write(dir.path().join("token"), "t").unwrap();
        std::fs::write(dir.path().join("namespace"), "kubechart\n").unwrap();
        let env = InClusterEnv::of(&host).unwrap();
        assert_eq!(env.server(), "https://10.96.0.1:443");
        assert_eq!(env.namespace().as_deref(), Some("kubechart"));
    }
}
