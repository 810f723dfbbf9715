//! What the cluster commands share: reading the AppSpec and reaching the cluster the way kubectl
//! does (a kubeconfig file and context, else $KUBECONFIG / ~/.kube/config, else the pod's
//! ServiceAccount).

use super::AlreadyReported;
use crate::cli::TargetArgs;
use kubechart_kube::apply::Desired;
use kubechart_kube::connect::{Connection, HostEnv, Source, Timeouts};
use kubechart_manifest::AppSpec;

/// The AppSpec of `-f`, with `-n` applied; problems printed one `path: message` line each.
pub fn spec(target: &TargetArgs) -> anyhow::Result<AppSpec> {
    let text = super::read_input(&target.file)?;
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

/// A connection to the chosen cluster, found the way kubectl finds it.
pub async fn connect(target: &TargetArgs) -> anyhow::Result<Connection> {
    let source = Source::from_kubectl_flags(
        target.kubeconfig.as_deref(),
        target.context.as_deref(),
        &HostEnv::from_process(),
    )?;
    Ok(Connection::open(&source, Timeouts::default()).await?)
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
