//! Errors starting or controlling the test cluster (request-level errors are `status::ApiError`).

/// Why the test cluster could not start or be reached.
#[derive(Debug, thiserror::Error)]
pub enum ClusterError {
    /// Certificate generation failed.
    #[error("generating certificates: {0}")]
    Certificate(#[from] rcgen::Error),
    /// The TLS configuration was rejected.
    #[error("configuring TLS: {0}")]
    Tls(#[from] rustls::Error),
    /// Binding, writing the kubeconfig, or another I/O step failed.
    #[error("I/O: {0}")]
    Io(#[from] std::io::Error),
    /// The kubeconfig could not be serialised.
    #[error("writing kubeconfig: {0}")]
    Kubeconfig(String),
    /// kube-rs rejected the generated configuration.
    #[error("building kube client: {0}")]
    Client(String),
}
