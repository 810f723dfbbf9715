//! `kubechart status` and `apply --wait`: health from watches (never polling), one line per
//! object, the app's health last.

use super::AlreadyReported;
use super::apply::print_data;
use super::target;
use crate::cli::{OutputFormat, StatusArgs};
use kubechart_kube::ObjectRef;
use kubechart_kube::connect::Connection;
use kubechart_kube::health::{Health, HealthState};
use kubechart_kube::watch::{AppEvent, AppUpdate, ClusterWatch, WaitOutcome, WatchConfig};
use std::time::Duration;
use tokio_util::sync::CancellationToken;

/// Prints the health of every object of the app; with `--watch`, every change until interrupted.
pub async fn status(args: StatusArgs) -> anyhow::Result<()> {
    let spec = target::spec(&args.target)?;
    let desired = target::desired(&spec)?;
    let connection = target::connect(&args.target).await?;
    let cancel = CancellationToken::new();
    let watch = ClusterWatch::new(
        connection.stream_client().clone(),
        WatchConfig::default(),
        &cancel,
    );
    let mut subscription = watch.subscribe_app(&desired.set.id);
    loop {
        let event = tokio::select! {
            event = subscription.recv() => event,
            _ = tokio::signal::ctrl_c() => None,
        };
        match event {
            Some(AppEvent::Snapshot(snapshot)) => {
                if args.output != OutputFormat::Text {
                    print_data(&snapshot, args.output)?;
                } else {
                    for object in &snapshot.objects {
                        print_health(&object.object, &object.health);
                    }
                    println!("app {}: {}", spec.name, line(&snapshot.health));
                }
                if !args.watch {
                    let failed = snapshot.health.state == HealthState::Failed;
                    watch.shutdown().await;
                    return if failed {
                        Err(AlreadyReported.into())
                    } else {
                        Ok(())
                    };
                }
            }
            Some(AppEvent::Change(change)) => match change.update {
                AppUpdate::Object(object) => print_health(&object.object, &object.health),
                AppUpdate::Gone(reference) => println!("{reference} gone"),
                AppUpdate::App(health) => println!("app {}: {}", spec.name, line(&health)),
            },
            None => {
                watch.shutdown().await;
                return Ok(());
            }
        }
    }
}

/// Waits, printing each object's health as it changes (on stderr when stdout carries data),
/// until everything is Current (Ok) or one object failed or the timeout passed (the reason
/// printed, exit 1).
pub async fn wait_until_healthy(
    connection: &Connection,
    members: &[ObjectRef],
    timeout: Duration,
    output: OutputFormat,
) -> anyhow::Result<()> {
    let cancel = CancellationToken::new();
    let watch = ClusterWatch::new(
        connection.stream_client().clone(),
        WatchConfig::default(),
        &cancel,
    );
    let deadline = tokio::time::Instant::now() + timeout;
    let progress = |reference: &ObjectRef, health: &Health| {
        if output == OutputFormat::Text {
            print_health(reference, health);
        } else {
            eprintln!("{reference} {}", line(health));
        }
    };
    let outcome = watch.wait_for(members, deadline, progress).await;
    watch.shutdown().await;
    match outcome? {
        WaitOutcome::Current => Ok(()),
        WaitOutcome::Failed(object) => {
            eprintln!("{} failed: {}", object.object, object.health.reason);
            Err(AlreadyReported.into())
        }
        WaitOutcome::TimedOut(pending) => {
            for object in pending {
                eprintln!(
                    "{} not ready after {}s: {}",
                    object.object,
                    timeout.as_secs(),
                    line(&object.health)
                );
            }
            Err(AlreadyReported.into())
        }
    }
}

fn print_health(reference: &ObjectRef, health: &Health) {
    println!("{reference} {}", line(health));
}

fn line(health: &Health) -> String {
    if health.reason.is_empty() {
        health.state.to_string()
    } else {
        format!("{}: {}", health.state, health.reason)
    }
}
