//! Uploaded kubeconfigs are untrusted: kube-client would run their `exec` and `auth-provider`
//! commands and read the local files their path fields name. The text is parsed as a plain YAML
//! value and checked here before kube's `Kubeconfig` ever sees it; only inline data is accepted.

use kube::config::{KubeConfigOptions, Kubeconfig};
use serde::Serialize;
use serde_json::Value;
use std::fmt;

use super::error::{ConnectError, FieldProblem};

/// Cluster fields that are refused, with why and what to use instead.
const CLUSTER_FIELDS: &[(&str, &str)] = &[
    (
        "certificate-authority",
        "names a file on the server; paste the certificate as certificate-authority-data",
    ),
    (
        "proxy-url",
        "proxies are not supported for uploaded kubeconfigs",
    ),
];

/// User fields that are refused, with why and what to use instead.
const USER_FIELDS: &[(&str, &str)] = &[
    (
        "exec",
        "runs a command on the server; use a token or client-certificate-data instead",
    ),
    (
        "auth-provider",
        "runs an authentication plugin on the server; use a token instead",
    ),
    (
        "client-certificate",
        "names a file on the server; paste the certificate as client-certificate-data",
    ),
    (
        "client-key",
        "names a file on the server; paste the key as client-key-data",
    ),
    (
        "tokenFile",
        "names a file on the server; paste the token as token",
    ),
];

/// The largest kubeconfig accepted; real ones are a few kilobytes.
const MAX_BYTES: usize = 512 * 1024;

/// A kubeconfig that passed validation: inline credentials only.
#[derive(Clone)]
pub struct UploadedKubeconfig {
    value: Value,
}

// The kubeconfig holds tokens and keys: never print it.
impl fmt::Debug for UploadedKubeconfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UploadedKubeconfig")
            .field("contexts", &self.contexts())
            .finish_non_exhaustive()
    }
}

/// One context of a kubeconfig, without credentials.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct KubeconfigContext {
    pub name: String,
    pub cluster: String,
    pub user: Option<String>,
    pub namespace: Option<String>,
    /// The server URL of the context's cluster, when the cluster entry exists.
    pub server: Option<String>,
}

impl UploadedKubeconfig {
    /// Parses and validates an uploaded kubeconfig, and checks that `context` (or the current
    /// context when `None`) exists and names a cluster with a server. Every problem is reported
    /// with its path inside the kubeconfig.
    pub fn parse(text: &str, context: Option<&str>) -> Result<Self, ConnectError> {
        let invalid = |path: &str, message: &str| {
            ConnectError::Invalid(vec![FieldProblem::new(path, message)])
        };
        if text.len() > MAX_BYTES {
            return Err(invalid("", "is larger than 512 KiB"));
        }
        // The parser's message quotes the input, which holds secrets: report only where.
        let value: Value = serde_saphyr::from_str(text).map_err(|error| {
            let at = error
                .location()
                .map(|at| format!(" (line {}, column {})", at.line(), at.column()))
                .unwrap_or_default();
            invalid("", &format!("is not valid YAML{at}"))
        })?;
        if !value.is_object() {
            return Err(invalid("", "must be a kubeconfig (a YAML mapping)"));
        }
        let mut problems = forbidden_fields(&value);
        if problems.is_empty() {
            let uploaded = Self { value };
            match uploaded.select(context) {
                Ok(_) => return Ok(uploaded),
                Err(problem) => problems.push(problem),
            }
        }
        Err(ConnectError::Invalid(problems))
    }

    /// The contexts, in file order.
    pub fn contexts(&self) -> Vec<KubeconfigContext> {
        entries(&self.value, "contexts")
            .map(|(_, entry)| {
                let context = &entry["context"];
                let cluster = text(&context["cluster"]).unwrap_or_default();
                KubeconfigContext {
                    name: text(&entry["name"]).unwrap_or_default(),
                    server: self.server_of(&cluster),
                    cluster,
                    user: text(&context["user"]),
                    namespace: text(&context["namespace"]),
                }
            })
            .collect()
    }

    /// `current-context`, if set.
    pub fn current_context(&self) -> Option<String> {
        text(&self.value["current-context"])
    }

    /// The context `name` (the current context when `None`), checked to exist with a server.
    pub fn select(&self, name: Option<&str>) -> Result<KubeconfigContext, FieldProblem> {
        let wanted = match name {
            Some(name) => name.to_string(),
            None => self.current_context().ok_or_else(|| {
                FieldProblem::new("current-context", "is not set; pick one of the contexts")
            })?,
        };
        let path = if name.is_some() {
            "context"
        } else {
            "current-context"
        };
        let found = self
            .contexts()
            .into_iter()
            .find(|context| context.name == wanted)
            .ok_or_else(|| {
                FieldProblem::new(path, format!("the kubeconfig has no context `{wanted}`"))
            })?;
        if found.server.is_none() {
            return Err(FieldProblem::new(
                path,
                format!(
                    "context `{wanted}` names cluster `{}`, which has no server",
                    found.cluster
                ),
            ));
        }
        Ok(found)
    }

    /// kube's typed kubeconfig, for the client. Safe: the fields kube would act on were refused.
    pub(crate) fn kubeconfig(&self) -> Result<Kubeconfig, ConnectError> {
        serde_json::from_value(self.value.clone()).map_err(|error| {
            ConnectError::Invalid(vec![FieldProblem::new(
                "",
                format!("is not a valid kubeconfig: {error}"),
            )])
        })
    }

    /// Options selecting `context` (the current context when `None`).
    pub(crate) fn options(context: Option<&str>) -> KubeConfigOptions {
        KubeConfigOptions {
            context: context.map(str::to_string),
            ..KubeConfigOptions::default()
        }
    }

    /// The stable serialisation, for fingerprints and sealing.
    pub fn to_json(&self) -> String {
        self.value.to_string()
    }

    fn server_of(&self, cluster: &str) -> Option<String> {
        entries(&self.value, "clusters")
            .find(|(_, entry)| text(&entry["name"]).as_deref() == Some(cluster))
            .and_then(|(_, entry)| text(&entry["cluster"]["server"]))
    }
}

/// The entries of a top-level list (`clusters`, `users`, `contexts`) with their index.
fn entries<'a>(value: &'a Value, list: &str) -> impl Iterator<Item = (usize, &'a Value)> {
    value[list]
        .as_array()
        .map(|items| items.iter().enumerate())
        .into_iter()
        .flatten()
}

fn text(value: &Value) -> Option<String> {
    value
        .as_str()
        .filter(|text| !text.is_empty())
        .map(str::to_string)
}

/// Every refused field, in file order.
fn forbidden_fields(value: &Value) -> Vec<FieldProblem> {
    let mut problems = Vec::new();
    for (index, entry) in entries(value, "clusters") {
        let cluster = &entry["cluster"];
        for (field, why) in CLUSTER_FIELDS {
            if present(&cluster[field]) {
                problems.push(FieldProblem::new(
                    format!("clusters[{index}].cluster.{field}"),
                    *why,
                ));
            }
        }
        if cluster["insecure-skip-tls-verify"] == Value::Bool(true) {
            problems.push(FieldProblem::new(
                format!("clusters[{index}].cluster.insecure-skip-tls-verify"),
                "turns off certificate checks; add certificate-authority-data instead",
            ));
        }
    }
    for (index, entry) in entries(value, "users") {
        let user = &entry["user"];
        for (field, why) in USER_FIELDS {
            if present(&user[field]) {
                problems.push(FieldProblem::new(
                    format!("users[{index}].user.{field}"),
                    *why,
                ));
            }
        }
    }
    problems
}

/// Set to something: an empty string or null is as good as absent for kube.
fn present(value: &Value) -> bool {
    !(value.is_null() || value.as_str() == Some(""))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    const BASE: &str = "apiVersion: v1
kind: Config
clusters:
- name: prod
  cluster:
    server: https://prod.example.com:6443
    certificate-authority-data: LS0tLS1CRUdJTg==
users:
- name: ops
  user:
    token: abc
contexts:
- name: prod
  context:
    cluster: prod
    user: ops
    namespace: shop
current-context: prod
";

    /// BASE with `extra` appended to the first cluster's or user's fields.
    fn with_cluster_field(extra: &str) -> String {
        BASE.replace(
            "    certificate-authority-data: LS0tLS1CRUdJTg==\n",
            &format!("    certificate-authority-data: LS0tLS1CRUdJTg==\n    {extra}\n"),
        )
    }

    fn with_user_field(extra: &str) -> String {
        BASE.replace(
            "    token: abc\n",
            &format!("    token: abc\n    {extra}\n"),
        )
    }

    fn rejected_paths(text: &str) -> Vec<String> {
        match UploadedKubeconfig::parse(text, None) {
            Err(ConnectError::Invalid(problems)) => {
                problems.into_iter().map(|problem| problem.path).collect()
            }
            other => panic!("expected a rejection, got {other:?}"),
        }
    }

    #[test]
    fn inline_credentials_are_accepted() {
        let uploaded = UploadedKubeconfig::parse(BASE, None).unwrap();
        let contexts = uploaded.contexts();
        assert_eq!(contexts.len(), 1);
        assert_eq!(
            contexts[0].server.as_deref(),
            Some("https://prod.example.com:6443")
        );
        assert_eq!(contexts[0].namespace.as_deref(), Some("shop"));
        assert!(uploaded.kubeconfig().is_ok());
        assert!(
            !format!("{uploaded:?}").contains("abc"),
            "Debug must not show the token"
        );
    }

    #[test]
    fn basic_auth_and_client_certificate_data_are_accepted() {
        let text = BASE.replace(
            "    token: abc\n",
            "    username: admin\n    password: secret\n    client-certificate-data: QQ==\n    client-key-data: QQ==\n",
        );
        assert!(UploadedKubeconfig::parse(&text, Some("prod")).is_ok());
    }

    #[test]
    fn exec_is_rejected() {
        let text = with_user_field(
            "exec: {apiVersion: client.authentication.k8s.io/v1, command: /bin/sh}",
        );
        assert_eq!(rejected_paths(&text), ["users[0].user.exec"]);
    }

    #[test]
    fn auth_provider_is_rejected() {
        let text = with_user_field("auth-provider: {name: oidc, config: {}}");
        assert_eq!(rejected_paths(&text), ["users[0].user.auth-provider"]);
    }

    #[test]
    fn client_certificate_path_is_rejected() {
        let text = with_user_field("client-certificate: /etc/passwd");
        assert_eq!(rejected_paths(&text), ["users[0].user.client-certificate"]);
    }

    #[test]
    fn client_key_path_is_rejected() {
        let text = with_user_field("client-key: /root/.ssh/id_rsa");
        assert_eq!(rejected_paths(&text), ["users[0].user.client-key"]);
    }

    #[test]
    fn token_file_is_rejected() {
        let text =
            with_user_field("tokenFile: /var/run/secrets/kubernetes.io/serviceaccount/token");
        assert_eq!(rejected_paths(&text), ["users[0].user.tokenFile"]);
    }

    #[test]
    fn certificate_authority_path_is_rejected() {
        let text = with_cluster_field("certificate-authority: /etc/kubernetes/pki/ca.crt");
        assert_eq!(
            rejected_paths(&text),
            ["clusters[0].cluster.certificate-authority"]
        );
    }

    #[test]
    fn insecure_skip_tls_verify_is_rejected() {
        let text = with_cluster_field("insecure-skip-tls-verify: true");
        assert_eq!(
            rejected_paths(&text),
            ["clusters[0].cluster.insecure-skip-tls-verify"]
        );
        let off = with_cluster_field("insecure-skip-tls-verify: false");
        assert!(UploadedKubeconfig::parse(&off, None).is_ok());
    }

    #[test]
    fn proxy_url_is_rejected() {
        let text = with_cluster_field("proxy-url: http://10.0.0.1:3128");
        assert_eq!(rejected_paths(&text), ["clusters[0].cluster.proxy-url"]);
    }

    #[test]
    fn every_problem_is_listed_with_its_index() {
        let text = format!(
            "{}- name: ci\n  user:\n    exec: {{command: id}}\n    tokenFile: /tmp/t\n",
            with_cluster_field("insecure-skip-tls-verify: true")
                .replace("contexts:\n", "")
                .replace("- name: prod\n  context:\n    cluster: prod\n    user: ops\n    namespace: shop\ncurrent-context: prod\n", "")
        );
        assert_eq!(
            rejected_paths(&text),
            [
                "clusters[0].cluster.insecure-skip-tls-verify",
                "users[1].user.exec",
                "users[1].user.tokenFile",
            ]
        );
    }

    #[test]
    fn the_context_must_exist_and_have_a_server() {
        assert!(matches!(
            UploadedKubeconfig::parse(BASE, Some("staging")),
            Err(ConnectError::Invalid(problems)) if problems[0].path == "context"
        ));
        let no_current = BASE.replace("current-context: prod\n", "");
        assert!(matches!(
            UploadedKubeconfig::parse(&no_current, None),
            Err(ConnectError::Invalid(problems)) if problems[0].path == "current-context"
        ));
        let no_server = BASE.replace("    server: https://prod.example.com:6443\n", "");
        assert!(UploadedKubeconfig::parse(&no_server, None).is_err());
    }

    #[test]
    fn malformed_input_is_rejected_without_echoing_it() {
        assert_eq!(rejected_paths("just a string"), [""]);
        assert_eq!(rejected_paths("clusters: [unclosed"), [""]);
    }
}
