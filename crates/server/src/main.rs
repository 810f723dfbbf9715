use clap::Parser as _;
use kubechart_server::cli::{Cli, Command, LogFormat, UserCommand};
use kubechart_server::{commands, routes, serve, telemetry};
use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Serve(args) => {
            telemetry::init(args.log_format);
            serve::run(args).await
        }
        Command::Migrate(data) => {
            telemetry::init(LogFormat::Pretty);
            commands::migrate(data).await
        }
        Command::User(UserCommand::Create(args)) => commands::create_user(args).await,
        Command::Render(args) => commands::render(args),
        Command::Schema => commands::print_json(&kubechart_manifest::json_schema()),
        Command::Openapi => serde_json::to_value(routes::openapi())
            .map_err(anyhow::Error::from)
            .and_then(|value| commands::print_json(&value)),
        Command::Apply(args) => commands::apply(args).await,
        Command::Diff(args) => {
            // kubectl's convention: 0 no differences, 1 differences, 2 (or more) an error.
            return match commands::diff(args).await {
                Ok(commands::DiffResult::NoChanges) => ExitCode::SUCCESS,
                Ok(commands::DiffResult::Changes) => ExitCode::from(1),
                Err(error) => {
                    if error.downcast_ref::<commands::AlreadyReported>().is_none() {
                        eprintln!("error: {error:#}");
                    }
                    ExitCode::from(2)
                }
            };
        }
        Command::Delete(args) => commands::delete(args).await,
        Command::Status(args) => commands::status(args).await,
        Command::Import(args) => commands::import(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            if error.downcast_ref::<commands::AlreadyReported>().is_none() {
                eprintln!("error: {error:#}");
            }
            ExitCode::FAILURE
        }
    }
}
