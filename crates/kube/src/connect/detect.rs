//! Host detection: the in-cluster service account and the kubeconfig files on this machine, with
//! their contexts. The environment is passed in ([`HostEnv`]) so tests can point it anywhere.

use kube::config::Kubeconfig;
use serde::Serialize;
use std::ffi::OsString;
use std::path::PathBuf;

use super::source::InClusterEnv;

/// Where a pod's service account files live.
pub const SERVICE_ACCOUNT_DIR: &str = "/var/run/secrets/kubernetes.io/serviceaccount";

/// Kubeconfig files that cluster installers leave on a node, looked at after the user's own.
const SYSTEM_KUBECONFIGS: [&str; 2] = ["/etc/rancher/rke2/rke2.yaml", "/etc/kubernetes/admin.conf"];

/// What detection looks at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostEnv {
    /// `$KUBECONFIG`: a list of paths, separated as `PATH` is.
    pub kubeconfig: Option<OsString>,
    /// The home directory (`~/.kube/config`).
    pub home: Option<PathBuf>,
    /// `KUBERNETES_SERVICE_HOST`.
    pub service_host: Option<String>,
    /// `KUBERNETES_SERVICE_PORT`.
    pub service_port: Option<String>,
    /// Where the service account files are ([`SERVICE_ACCOUNT_DIR`] in a pod).
    pub service_account_dir: PathBuf,
    /// Installer files looked at last (rke2, kubeadm).
    pub system_files: Vec<PathBuf>,
}

impl HostEnv {
    /// This process's environment and the standard locations.
    pub fn from_process() -> Self {
        Self {
            kubeconfig: std::env::var_os("KUBECONFIG"),
            home: std::env::var_os("HOME").map(PathBuf::from),
            service_host: std::env::var("KUBERNETES_SERVICE_HOST").ok(),
            service_port: std::env::var("KUBERNETES_SERVICE_PORT").ok(),
            service_account_dir: PathBuf::from(SERVICE_ACCOUNT_DIR),
            system_files: SYSTEM_KUBECONFIGS.iter().map(PathBuf::from).collect(),
        }
    }

    /// Nothing to find: no variables, no home, no system files (tests fill in what they need).
    pub fn isolated() -> Self {
        Self {
            kubeconfig: None,
            home: None,
            service_host: None,
            service_port: None,
            service_account_dir: PathBuf::from("/nonexistent"),
            system_files: Vec::new(),
        }
    }

    /// Candidate kubeconfig files in order, without duplicates: every `$KUBECONFIG` entry,
    /// `~/.kube/config`, then the installer files. They may not exist.
    pub fn kubeconfig_files(&self) -> Vec<PathBuf> {
        let mut files: Vec<PathBuf> = Vec::new();
        let from_var = self
            .kubeconfig
            .iter()
            .flat_map(std::env::split_paths)
            .filter(|path| !path.as_os_str().is_empty());
        let home = self
            .home
            .iter()
            .map(|home| home.join(".kube").join("config"));
        for path in from_var
            .chain(home)
            .chain(self.system_files.iter().cloned())
        {
            if !files.contains(&path) {
                files.push(path);
            }
        }
        files
    }
}

/// Everything found on the host.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Detection {
    /// The pod's service account, when running in a cluster.
    pub in_cluster: Option<DetectedInCluster>,
    /// The kubeconfig files that exist, in detection order.
    pub files: Vec<DetectedFile>,
}

/// The in-cluster source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DetectedInCluster {
    pub server: String,
    pub namespace: Option<String>,
    #[serde(skip)]
    pub env: InClusterEnv,
}

/// One kubeconfig file and its contexts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DetectedFile {
    pub path: PathBuf,
    pub current_context: Option<String>,
    pub contexts: Vec<DetectedContext>,
    /// Why the file could not be read, when it could not.
    pub problem: Option<String>,
}

/// One context of a detected file (no credentials).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DetectedContext {
    pub name: String,
    pub cluster: String,
    pub user: Option<String>,
    pub namespace: Option<String>,
    pub server: Option<String>,
}

impl Detection {
    /// The source to register on a fresh installation: the service account, else the current
    /// context of the first file that has one. Returns the name to give it and the source.
    pub fn first(&self) -> Option<(String, super::Source)> {
        if let Some(in_cluster) = &self.in_cluster {
            return Some((
                "in-cluster".to_string(),
                super::Source::InCluster(in_cluster.env.clone()),
            ));
        }
        self.files.iter().find_map(|file| {
            let current = file.current_context.as_ref()?;
            file.contexts.iter().any(|c| &c.name == current).then(|| {
                (
                    current.clone(),
                    super::Source::KubeconfigFile {
                        path: file.path.clone(),
                        context: Some(current.clone()),
                    },
                )
            })
        })
    }

    /// The detected file at `path` that has `context`, if any; the only way a path from a request
    /// becomes a source.
    pub fn file_context(&self, path: &std::path::Path, context: &str) -> Option<&DetectedFile> {
        self.files
            .iter()
            .find(|file| file.path == path && file.contexts.iter().any(|c| c.name == context))
    }
}

/// Looks at the host. Reads a few small local files; cheap enough to call per request.
pub fn detect(host: &HostEnv) -> Detection {
    let in_cluster = InClusterEnv::of(host).map(|env| DetectedInCluster {
        server: env.server(),
        namespace: env.namespace(),
        env,
    });
    let files = host
        .kubeconfig_files()
        .into_iter()
        .filter(|path| path.is_file())
        .map(read_file)
        .collect();
    Detection { in_cluster, files }
}

fn read_file(path: PathBuf) -> DetectedFile {
    match Kubeconfig::read_from(&path) {
        Ok(config) => {
            let server_of = |cluster: &str| {
                config
                    .clusters
                    .iter()
                    .find(|c| c.name == cluster)
                    .and_then(|c| c.cluster.as_ref())
                    .and_then(|c| c.server.clone())
            };
            let contexts = config
                .contexts
                .iter()
                .map(|named| {
                    let context = named.context.clone().unwrap_or_default();
                    DetectedContext {
                        name: named.name.clone(),
                        server: server_of(&context.cluster),
                        cluster: context.cluster,
                        user: context.user,
                        namespace: context.namespace,
                    }
                })
                .collect();
            DetectedFile {
                path,
                current_context: config.current_context.clone().filter(|c| !c.is_empty()),
                contexts,
                problem: None,
            }
        }
        Err(error) => DetectedFile {
            path,
            current_context: None,
            contexts: Vec::new(),
            problem: Some(error.to_string()),
        },
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    const CONFIG: &str = "apiVersion: v1
kind: Config
clusters:
- {name: a, cluster: {server: 'https://a:6443'}}
users:
- {name: u, user: {token: t}}
contexts:
- {name: one, context: {cluster: a, user: u, namespace: shop}}
- {name: two, context: {cluster: a, user: u}}
current-context: two
";

    #[test]
    fn files_come_in_order_without_duplicates() {
        let mut host = HostEnv::isolated();
        host.kubeconfig = Some(std::env::join_paths(["/x/one", "/x/two", "/x/one"]).unwrap());
        host.home = Some(PathBuf::from("/home/me"));
        host.system_files = vec![PathBuf::from("/etc/kubernetes/admin.conf")];
        assert_eq!(
            host.kubeconfig_files(),
            [
                PathBuf::from("/x/one"),
                PathBuf::from("/x/two"),
                PathBuf::from("/home/me/.kube/config"),
                PathBuf::from("/etc/kubernetes/admin.conf"),
            ]
        );
    }

    #[test]
    fn contexts_are_listed_and_the_current_one_is_picked() {
        let dir = tempfile::tempdir().unwrap();
        let good = dir.path().join("good");
        let bad = dir.path().join("bad");
        std::fs::write(&good, CONFIG).unwrap();
        std::fs::write(&bad, "clusters: [").unwrap();
        let mut host = HostEnv::isolated();
        host.kubeconfig = Some(
            std::env::join_paths([bad.clone(), good.clone(), dir.path().join("missing")]).unwrap(),
        );
        let detection = detect(&host);
        assert_eq!(detection.in_cluster, None);
        assert_eq!(detection.files.len(), 2, "missing files are left out");
        assert!(detection.files[0].problem.is_some());
        let names: Vec<_> = detection.files[1]
            .contexts
            .iter()
            .map(|c| &c.name)
            .collect();
        assert_eq!(names, ["one", "two"]);
        assert_eq!(
            detection.files[1].contexts[0].server.as_deref(),
            Some("https://a:6443")
        );
        let (name, source) = detection.first().unwrap();
        assert_eq!(name, "two");
        assert!(
            matches!(source, crate::connect::Source::KubeconfigFile { path, .. } if path == good)
        );
        assert!(detection.file_context(&good, "one").is_some());
        assert!(detection.file_context(&good, "three").is_none());
        assert!(detection.file_context(&bad, "one").is_none());
    }

    #[test]
    fn the_service_account_comes_first() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("token"), "t").unwrap();
        std::fs::write(dir.path().join("ca.crt"), "ca").unwrap();
        let config = dir.path().join("config");
        std::fs::write(&config, CONFIG).unwrap();
        let mut host = HostEnv::isolated();
        host.kubeconfig = Some(config.into_os_string());
        host.service_host = Some("fd00::1".into());
        host.service_port = Some("443".into());
        host.service_account_dir = dir.path().to_path_buf();
        let detection = detect(&host);
        assert_eq!(
            detection.in_cluster.as_ref().unwrap().server,
            "https://[fd00::1]:443"
        );
        assert_eq!(detection.first().unwrap().0, "in-cluster");
    }
}
