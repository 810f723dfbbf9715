//! The one-shot subcommands: `migrate`, `user create`, `render`, `schema`, `openapi`, and the
//! cluster commands `apply`, `diff`, `delete`, `status`. Each returns an error whose message the
//! binary prints before exiting with status 1.

mod apply;
mod import;
mod status;
mod target;

pub use apply::{DiffResult, apply, delete, diff};
pub use import::import;
pub use status::status;

use crate::accounts::validation;
use crate::auth::password::PasswordHasher;
use crate::cli::{DataArgs, RenderArgs, UserCreateArgs};
use crate::database;
use anyhow::{Context as _, bail};
use kubechart_manifest::{RenderError, RenderOptions};
use kubechart_store::{ConnectOptions, NewAuditEvent, NewUser, Role, StoreError, audit, users};
use secrecy::SecretString;
use std::io::{BufRead as _, Read as _, Write as _};

/// A failure whose explanation has already been printed, one problem per line; the binary only
/// exits with status 1.
#[derive(Debug, thiserror::Error)]
#[error("invalid input")]
pub struct AlreadyReported;

pub async fn migrate(data: DataArgs) -> anyhow::Result<()> {
    let store = database::open(&data, ConnectOptions::default()).await?;
    store.close().await;
    eprintln!("database is up to date");
    Ok(())
}

/// Creates an account with the password read from the first line of stdin.
pub async fn create_user(args: UserCreateArgs) -> anyhow::Result<()> {
    let mut password = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut password)
        .context("cannot read the password from stdin")?;
    let password = password.trim_end_matches(['\r', '\n']).to_string();
    let email = args.email.trim().to_lowercase();
    let mut errors = Vec::new();
    validation::username(&args.username, &mut errors);
    validation::email(&email, &mut errors);
    validation::new_password("password", &password, &args.username, &mut errors);
    if !errors.is_empty() {
        let lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
        bail!("{}", lines.join("\n"));
    }
    let store = database::open(&args.data, ConnectOptions::default()).await?;
    let password_hash = PasswordHasher::new()
        .await?
        .hash(SecretString::from(password))
        .await?;
    let role = if args.admin {
        Role::Admin
    } else {
        Role::Member
    };
    let new = NewUser {
        username: args.username,
        email,
        password_hash,
        display_name: None,
    };
    // The account and its audit row commit together; no one is signed in to be the actor.
    let user = store
        .transaction(async |tx| {
            let user = users::create(tx, new, role).await?;
            let detail = serde_json::json!({"role": role.as_str(), "via": "cli"});
            audit::record(
                tx,
                NewAuditEvent::user(None, "user.create", user.id, detail),
            )
            .await?;
            Ok::<_, StoreError>(user)
        })
        .await?;
    store.close().await;
    eprintln!("created {} {} ({})", role.as_str(), user.username, user.id);
    Ok(())
}

/// Renders an AppSpec; invalid input is reported one `path: message` line per problem.
pub fn render(args: RenderArgs) -> anyhow::Result<()> {
    let text = read_input(&args.file)?;
    let options = RenderOptions {
        redact_secrets: args.redact_secrets,
    };
    let rendered = kubechart_manifest::parse_spec(&text)
        .and_then(|spec| kubechart_manifest::render(&spec, &options))
        .map_err(report_render_error)?;
    for warning in &rendered.warnings {
        eprintln!("warning: {warning}");
    }
    std::io::stdout()
        .write_all(rendered.yaml.as_bytes())
        .context("cannot write to stdout")
}

/// The text of a file argument, or of stdin for `-`.
fn read_input(file: &std::path::Path) -> anyhow::Result<String> {
    if file.as_os_str() == "-" {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .context("cannot read stdin")?;
        Ok(text)
    } else {
        std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))
    }
}

/// Prints each problem of an AppSpec on its own `path: message` line.
fn report_render_error(error: RenderError) -> anyhow::Error {
    match error {
        RenderError::Internal(message) => anyhow::anyhow!(message),
        input => {
            for problem in input.field_errors() {
                eprintln!("{problem}");
            }
            AlreadyReported.into()
        }
    }
}

pub fn print_json(value: &serde_json::Value) -> anyhow::Result<()> {
    let text = serde_json::to_string_pretty(value)?;
    writeln!(std::io::stdout(), "{text}").context("cannot write to stdout")
}
