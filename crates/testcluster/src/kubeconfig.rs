//! The kubeconfig the server writes for kubectl and kube-rs: inline CA data and bearer tokens.

use base64::Engine;

/// Renders a kubeconfig with an admin context (current) and a restricted-user context.
pub fn render(
    server: &str,
    ca_pem: &str,
    admin_token: &str,
    restricted_token: &str,
    restricted_ns: &str,
) -> String {
    let ca = base64::engine::general_purpose::STANDARD.encode(ca_pem);
    format!(
        "apiVersion: v1
kind: Config
clusters:
- name: kubechart-test
  cluster:
    server: {server}
    certificate-authority-data: {ca}
users:
- name: kubechart-admin
  user:
    token: {admin_token}
- name: kubechart-limited
  user:
    token: {restricted_token}
contexts:
- name: kubechart-test
  context:
    cluster: kubechart-test
    user: kubechart-admin
    namespace: default
- name: kubechart-test-limited
  context:
    cluster: kubechart-test
    user: kubechart-limited
    namespace: {restricted_ns}
current-context: kubechart-test
preferences: {{}}
"
    )
}
