//! `kubechart-testcluster`: serves the Kubernetes API test server until SIGTERM/SIGINT, writing a
//! kubeconfig that kubectl and kube-rs accept. A development tool, never a real cluster.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;
use kubechart_testcluster::{CrdGroup, Options, TestCluster};

/// Kubernetes API test server for KubeChart development and tests.
#[derive(Debug, Parser)]
#[command(name = "kubechart-testcluster", version)]
struct Cli {
    /// Address to listen on (port 0 picks a free port).
    #[arg(
        long,
        env = "KUBECHART_TESTCLUSTER_LISTEN",
        default_value = "127.0.0.1:6443"
    )]
    listen: SocketAddr,
    /// Where to write the kubeconfig (CA data + bearer token).
    #[arg(long, env = "KUBECHART_TESTCLUSTER_KUBECONFIG")]
    kubeconfig: PathBuf,
    /// CRD groups to leave uninstalled: gateway-api, cert-manager, envoy-gateway (comma-separated).
    #[arg(
        long = "no-crds",
        value_delimiter = ',',
        env = "KUBECHART_TESTCLUSTER_NO_CRDS"
    )]
    no_crds: Vec<String>,
    /// Milliseconds from pod creation to Ready.
    #[arg(
        long,
        env = "KUBECHART_TESTCLUSTER_READY_DELAY_MS",
        default_value_t = 1000
    )]
    ready_delay_ms: u64,
    /// Namespaces the restricted user (context kubechart-test-limited) may act in.
    #[arg(long, value_delimiter = ',', default_value = "team-a")]
    restricted_namespaces: Vec<String>,
    /// Images whose pulls fail (pods wait in ImagePullBackOff), comma-separated.
    #[arg(long, value_delimiter = ',', env = "KUBECHART_TESTCLUSTER_FAIL_IMAGES")]
    fail_images: Vec<String>,
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .init();
    let cli = Cli::parse();
    let mut disabled = Vec::new();
    for name in &cli.no_crds {
        match CrdGroup::from_cli_name(name.trim()) {
            Some(g) => disabled.push(g),
            None => {
                eprintln!(
                    "unknown CRD group {name:?}: expected gateway-api, cert-manager or envoy-gateway"
                );
                return std::process::ExitCode::from(2);
            }
        }
    }
    let options = Options {
        listen: cli.listen,
        crd_groups: CrdGroup::ALL
            .into_iter()
            .filter(|g| !disabled.contains(g))
            .collect(),
        ready_delay: Duration::from_millis(cli.ready_delay_ms),
        restricted_namespaces: cli.restricted_namespaces.clone(),
        kubeconfig_path: Some(cli.kubeconfig.clone()),
        ..Options::default()
    };
    let cluster = match TestCluster::start(options).await {
        Ok(c) => c,
        Err(e) => {
            eprintln!("kubechart-testcluster: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    for image in &cli.fail_images {
        cluster.knobs().fail_image(image);
    }
    println!(
        "kubechart-testcluster listening on https://{}; kubeconfig written to {}",
        cluster.addr(),
        cli.kubeconfig.display()
    );
    wait_for_signal().await;
    cluster.shutdown();
    std::process::ExitCode::SUCCESS
}

async fn wait_for_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = term.recv() => {}
                    _ = tokio::signal::ctrl_c() => {}
                }
            }
            Err(error) => {
                tracing::warn!(%error, "SIGTERM handler unavailable; stopping on Ctrl-C only");
                ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    ctrl_c().await;
}

async fn ctrl_c() {
    if let Err(error) = tokio::signal::ctrl_c().await {
        tracing::warn!(%error, "Ctrl-C handler unavailable; stopping now");
    }
}
