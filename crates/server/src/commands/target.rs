//! What the cluster commands share: reading the AppSpec and reaching the cluster the way kubectl
//! does (a kubeconfig file and context, else $KUBECONFIG / ~/.kube/config, else the pod's
//! ServiceAccount).

use super::AlreadyReported;
use crate::cli::TargetArgs;
use anyhow::Context as _;
use kube::config::{KubeConfigOptions, Kubeconfig};
use kubechart_kube::apply::Desired;
use kubechart_manifest::AppSpec;
use std::io::Read as _;

/// The AppSpec of `-f`, with `-n` applied; problems printed one `path: message` line each.
pub fn spec(target: &TargetArgs) -> anyhow::Result<AppSpec> {
    let text = if target.file.as_os_str() == "-" {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .context("cannot read stdin")?;
        text
    } else {
        std::fs::read_to_string(&target.file)
            .with_context(|| format!("cannot read {}", target.file.display()))?
    };
    let mut spec = kubechart_manifest::parse_spec(&text).map_err(super::report_render_error)?;
    if let Some(namespace) = &target.namespace {
        spec.namespace.clone_from(namespace);
    }
    Ok(spec)
}

/// The desired state of the app, validated and rendered.
pub fn desired(spec: &AppSpec) -> anyhow::Result<Desired> {
    Desired::from_spec(spec).map_err(super::report_render_error)
}

/// A client for the chosen cluster.
pub async fn client(target: &TargetArgs) -> anyhow::Result<kube::Client> {
    let options = KubeConfigOptions {
        context: target.context.clone(),
        ..KubeConfigOptions::default()
    };
    let mut config = match (&target.kubeconfig, &target.context) {
        (Some(path), _) => {
            let kubeconfig = Kubeconfig::read_from(path)
                .with_context(|| format!("cannot read kubeconfig {}", path.display()))?;
            kube::Config::from_custom_kubeconfig(kubeconfig, &options)
                .await
                .with_context(|| format!("cannot use kubeconfig {}", path.display()))?
        }
        (None, Some(_)) => kube::Config::from_kubeconfig(&options)
            .await
            .context("cannot use the kubeconfig")?,
        (None, None) => kube::Config::infer()
            .await
            .context("no cluster configured: pass --kubeconfig, set KUBECONFIG or run in a pod")?,
    };
    // The engine retries transient failures itself, within a bound; kube's own retry layer
    // would back off for minutes on a cluster that keeps answering 503.
    config.default_retry = false;
    kube::Client::try_from(config).context("cannot build a client for the cluster")
}

/// Prints an engine error, one line per problem, and marks it reported.
pub fn report_apply_error(error: kubechart_kube::apply::ApplyError) -> anyhow::Error {
    use kubechart_kube::apply::ApplyError;
    match error {
        ApplyError::Rejected(failures) => {
            for failure in failures {
                eprintln!("{failure}");
            }
        }
        ApplyError::Adoption(objects) => {
            for object in objects {
                eprintln!(
                    "{}: exists and {}; pass --adopt to take it over",
                    object.reference,
                    object.owner.as_deref().unwrap_or("is not part of this app")
                );
            }
        }
        other => eprintln!("error: {other}"),
    }
    AlreadyReported.into()
}
