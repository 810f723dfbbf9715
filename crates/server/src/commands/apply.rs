//! `kubechart apply`, `diff` and `delete`: the apply engine for scripts and CI, with kubectl's
//! habits (one line per object, `-o yaml|json` for data, exit 1 with one line per problem).

use super::AlreadyReported;
use super::target::{self, report_apply_error};
use crate::cli::{ApplyArgs, DeleteArgs, DryRun, OutputFormat, TargetArgs};
use anyhow::Context as _;
use kubechart_kube::ObjectRef;
use kubechart_kube::apply::{
    Action, ApplyOptions, DeleteOptions, DeletionOutcome, Engine, Inventory as _, Outcome,
    ParentSecretInventory, Progress, ProgressSink, no_progress,
};
use serde::Serialize;
use std::io::Write as _;
use std::sync::Arc;

/// Applies the app; with `--dry-run=server` only plans it.
pub async fn apply(args: ApplyArgs) -> anyhow::Result<()> {
    let spec = target::spec(&args.target)?;
    let desired = target::desired(&spec)?;
    let connection = target::connect(&args.target).await?;
    let engine = Engine::for_connection(&connection);
    let inventory = ParentSecretInventory::new(connection.client().clone(), desired.set.clone());
    if args.dry_run == DryRun::Server {
        let recorded = inventory.load().await.map_err(report_apply_error)?;
        let plan = engine
            .plan(&desired, &recorded)
            .await
            .map_err(report_apply_error)?;
        if args.output != OutputFormat::Text {
            return print_data(&plan, args.output);
        }
        for object in &plan.objects {
            println!(
                "{} {} (server dry run)",
                object.reference,
                action_word(object.action)
            );
        }
        let failures = plan.failures();
        for failure in &failures {
            eprintln!("{failure}");
        }
        return if failures.is_empty() {
            Ok(())
        } else {
            Err(AlreadyReported.into())
        };
    }
    let options = ApplyOptions {
        adopt: args.adopt,
        recreate: args.recreate,
    };
    let report = engine
        .apply(&desired, &inventory, options, failures_as_they_happen())
        .await
        .map_err(report_apply_error)?;
    if args.output == OutputFormat::Text {
        for object in &report.objects {
            println!("{} {}", object.reference, outcome_word(&object.outcome));
        }
    } else {
        print_data(&report, args.output)?;
    }
    for failure in report.failures() {
        eprintln!("{failure}");
    }
    if !report.succeeded() {
        return Err(AlreadyReported.into());
    }
    if let Some(timeout) = args.wait {
        let members: Vec<ObjectRef> = desired
            .objects
            .iter()
            .map(|o| o.reference.clone())
            .collect();
        super::status::wait_until_healthy(&connection, &members, timeout, args.output).await?;
    }
    Ok(())
}

/// Prints the plan's diffs; exit 0 when nothing would change, 1 when something would, 2 on error.
pub async fn diff(args: TargetArgs) -> anyhow::Result<DiffResult> {
    let spec = target::spec(&args)?;
    let desired = target::desired(&spec)?;
    let connection = target::connect(&args).await?;
    let engine = Engine::for_connection(&connection);
    let inventory = ParentSecretInventory::new(connection.client().clone(), desired.set.clone());
    let recorded = inventory.load().await.map_err(report_apply_error)?;
    let plan = engine
        .plan(&desired, &recorded)
        .await
        .map_err(report_apply_error)?;
    let mut out = std::io::stdout().lock();
    for object in plan.objects.iter().filter(|o| !o.diff.is_empty()) {
        writeln!(out, "# {} {}", object.reference, action_word(object.action))?;
        if let Some(pods) = &object.pods {
            writeln!(out, "# {}", pods.reason)?;
        }
        for conflict in &object.conflicts {
            writeln!(
                out,
                "# `{}` is owned by {}",
                conflict.field, conflict.manager
            )?;
        }
        out.write_all(object.diff.as_bytes())?;
    }
    for failure in plan.failures() {
        eprintln!("{failure}");
    }
    if !plan.failures().is_empty() {
        return Err(AlreadyReported.into());
    }
    Ok(if plan.has_changes() {
        DiffResult::Changes
    } else {
        DiffResult::NoChanges
    })
}

/// Whether `diff` found anything to change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiffResult {
    NoChanges,
    Changes,
}

/// Deletes every object of the app.
pub async fn delete(args: DeleteArgs) -> anyhow::Result<()> {
    let spec = target::spec(&args.target)?;
    let desired = target::desired(&spec)?;
    let connection = target::connect(&args.target).await?;
    let engine = Engine::for_connection(&connection);
    let inventory = ParentSecretInventory::new(connection.client().clone(), desired.set.clone());
    let report = engine
        .delete(
            &desired.set,
            Some(&desired),
            &inventory,
            DeleteOptions { wait: args.wait },
            no_progress(),
        )
        .await
        .map_err(report_apply_error)?;
    for object in &report.objects {
        let word = match &object.outcome {
            DeletionOutcome::Deleted => "deleted".to_owned(),
            DeletionOutcome::Requested => "deletion requested".to_owned(),
            DeletionOutcome::LeftAlone => "left alone (not a member of this app)".to_owned(),
            DeletionOutcome::Stuck(why) => why.clone(),
            DeletionOutcome::Failed(failure) => format!("failed: {}", failure.message),
        };
        println!("{} {word}", object.reference);
    }
    if report.succeeded() {
        Ok(())
    } else {
        Err(AlreadyReported.into())
    }
}

/// Failures are printed the moment they happen, so a long apply is never silent about them.
fn failures_as_they_happen() -> ProgressSink {
    Arc::new(|reference: &ObjectRef, progress: &Progress| {
        if let Progress::Failed(reason) = progress {
            eprintln!("{reference}: {reason}");
        }
    })
}

fn action_word(action: Action) -> &'static str {
    match action {
        Action::Create => "create",
        Action::Update => "update",
        Action::Unchanged => "unchanged",
        Action::Adopt => "adopt",
        Action::Prune => "prune",
        Action::Release => "release (left alone)",
    }
}

fn outcome_word(outcome: &Outcome) -> String {
    match outcome {
        Outcome::Created => "created".into(),
        Outcome::Updated => "configured".into(),
        Outcome::Unchanged => "unchanged".into(),
        Outcome::Recreated => "recreated".into(),
        Outcome::Pruned => "pruned".into(),
        Outcome::LeftAlone => "left alone (no longer a member)".into(),
        Outcome::Failed(failure) => format!("failed: {}", failure.message),
        Outcome::NotAttempted(why) => why.clone(),
    }
}

pub(crate) fn print_data(value: &impl Serialize, format: OutputFormat) -> anyhow::Result<()> {
    let text = match format {
        OutputFormat::Yaml => serde_saphyr::to_string(value).context("cannot encode YAML")?,
        _ => serde_json::to_string_pretty(value).context("cannot encode JSON")? + "\n",
    };
    std::io::stdout()
        .write_all(text.as_bytes())
        .context("cannot write to stdout")
}
