//! The command line: every option is also an environment variable, and `--help` documents each.

use clap::builder::BoolishValueParser;
use clap::{ArgAction, Args, Parser, Subcommand, ValueEnum};
use std::net::SocketAddr;
use std::num::NonZeroU32;
use std::path::PathBuf;
use std::time::Duration;

/// KubeChart: describe an application in forms, get correct Kubernetes manifests, apply them.
#[derive(Debug, Parser)]
#[command(name = "kubechart", version, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the web server (API, live status and the web app).
    Serve(ServeArgs),
    /// Apply pending database migrations and exit.
    Migrate(DataArgs),
    /// Manage user accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Render an AppSpec (YAML or JSON, `-` for stdin) to multi-document Kubernetes YAML on stdout.
    Render(RenderArgs),
    /// Print the JSON Schema of the AppSpec.
    Schema,
    /// Print the OpenAPI document of the HTTP API.
    Openapi,
    /// Apply an AppSpec to a cluster: server-side apply in dependency order, then prune what the
    /// app no longer has. The app's inventory lives in the cluster (an ApplySet parent Secret).
    Apply(ApplyArgs),
    /// Show what `apply` would change, object by object. Exit 0: no changes, 1: changes, 2: error.
    Diff(TargetArgs),
    /// Delete every object of an app, namespace last when the app created it.
    Delete(DeleteArgs),
    /// Show the health of every object of an app.
    Status(StatusArgs),
    /// Turn existing manifests (files, `helm template` output, `kubectl get -o yaml`) into an
    /// AppSpec that renders them back: the AppSpec on stdout, what became of each object on stderr.
    Import(ImportArgs),
}

/// Which app and which cluster, as kubectl takes them.
#[derive(Debug, Clone, Args)]
pub struct TargetArgs {
    /// AppSpec file (YAML or JSON), or `-` to read stdin.
    #[arg(short = 'f', long = "filename", value_name = "FILE")]
    pub file: PathBuf,
    /// Kubeconfig file. Default: the files in $KUBECONFIG, ~/.kube/config, or the pod's
    /// ServiceAccount.
    #[arg(long, value_name = "FILE")]
    pub kubeconfig: Option<PathBuf>,
    /// Context of the kubeconfig to use. Default: its current context.
    #[arg(long)]
    pub context: Option<String>,
    /// Namespace of the app, replacing the AppSpec's.
    #[arg(short = 'n', long)]
    pub namespace: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// One line per object (the default).
    Text,
    Yaml,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DryRun {
    /// Apply for real.
    None,
    /// Ask the API server what it would do, and change nothing.
    Server,
}

#[derive(Debug, Clone, Args)]
pub struct ApplyArgs {
    #[command(flatten)]
    pub target: TargetArgs,
    /// `server`: plan with server-side dry-run only and change nothing.
    #[arg(long, value_enum, default_value_t = DryRun::None, default_missing_value = "server", num_args = 0..=1, require_equals = true)]
    pub dry_run: DryRun,
    /// Take over objects that exist but belong to another app or to none.
    #[arg(long)]
    pub adopt: bool,
    /// Delete and re-create objects whose immutable fields changed.
    #[arg(long)]
    pub recreate: bool,
    /// Wait until every object is healthy, or one failed (exit 1), up to this long.
    #[arg(long, value_name = "TIMEOUT", num_args = 0..=1, require_equals = true, default_missing_value = "5m", value_parser = parse_duration)]
    pub wait: Option<Duration>,
    /// Output format of the result.
    #[arg(short = 'o', long, value_enum, default_value_t = OutputFormat::Text)]
    pub output: OutputFormat,
}

#[derive(Debug, Clone, Args)]
pub struct DeleteArgs {
    #[command(flatten)]
    pub target: TargetArgs,
    /// Wait until every object is gone (`--wait=false` only asks for the deletes).
    #[arg(long, default_value_t = true, num_args = 0..=1, require_equals = true, default_missing_value = "true", action = clap::ArgAction::Set)]
    pub wait: bool,
}

#[derive(Debug, Clone, Args)]
pub struct StatusArgs {
    #[command(flatten)]
    pub target: TargetArgs,
    /// Keep watching and print each change until interrupted.
    #[arg(short = 'w', long)]
    pub watch: bool,
    /// Output format.
    #[arg(short = 'o', long, value_enum, default_value_t = OutputFormat::Text)]
    pub output: OutputFormat,
}

#[derive(Debug, Clone, Args)]
pub struct ImportArgs {
    /// Manifests: multi-document YAML or JSON (a `List` too), or `-` to read stdin.
    #[arg(short = 'f', long = "filename", value_name = "FILE")]
    pub file: PathBuf,
    /// Namespace of the app; objects in other namespaces are refused. Default: the objects' own.
    #[arg(short = 'n', long)]
    pub namespace: Option<String>,
    /// Name of the app. Default: from the objects' `app.kubernetes.io/name` (or `app`) labels.
    #[arg(long)]
    pub name: Option<String>,
    /// Output format of the AppSpec.
    #[arg(short = 'o', long, value_enum, default_value_t = SpecFormat::Yaml)]
    pub output: SpecFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SpecFormat {
    Yaml,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create an account; the password is read from stdin (one line).
    Create(UserCreateArgs),
}

#[derive(Debug, Args)]
pub struct UserCreateArgs {
    /// Login name: 3–32 characters of a-z, 0-9, '-' and '_'.
    #[arg(long)]
    pub username: String,
    /// Email address.
    #[arg(long)]
    pub email: String,
    /// Make the account an administrator.
    #[arg(long)]
    pub admin: bool,
    #[command(flatten)]
    pub data: DataArgs,
}

#[derive(Debug, Args)]
pub struct RenderArgs {
    /// AppSpec file (YAML or JSON), or `-` to read stdin.
    pub file: PathBuf,
    /// Replace Secret values with a placeholder, as the live preview does.
    #[arg(long)]
    pub redact_secrets: bool,
}

/// Where the data lives.
#[derive(Debug, Clone, Args)]
pub struct DataArgs {
    /// Directory for the embedded database and generated secrets.
    #[arg(long, env = "KUBECHART_DATA_DIR", default_value = "./data")]
    pub data_dir: PathBuf,
    /// Database URL: `sqlite://PATH` or `postgres://USER@HOST:PORT/DB?sslmode=…`.
    /// Default: an SQLite file `kubechart.db` in the data directory.
    #[arg(long, env = "KUBECHART_DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<String>,
}

impl DataArgs {
    pub fn database_url(&self) -> String {
        self.database_url
            .clone()
            .unwrap_or_else(|| format!("sqlite://{}", self.data_dir.join("kubechart.db").display()))
    }
}

#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Address and port to listen on.
    #[arg(long, env = "KUBECHART_ADDR", default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    #[command(flatten)]
    pub data: DataArgs,
    /// Secret for signing session tokens (HS256, at least 32 bytes).
    /// Default: generated once and kept in the data directory (mode 0600).
    #[arg(long, env = "KUBECHART_JWT_SECRET", hide_env_values = true)]
    pub jwt_secret: Option<String>,
    /// Key that encrypts stored cluster credentials: base64 of 32 bytes.
    /// Default: generated once and kept in the data directory (mode 0600).
    #[arg(long, env = "KUBECHART_SECRET_KEY", hide_env_values = true)]
    pub secret_key: Option<String>,
    /// Log output format.
    #[arg(long, env = "KUBECHART_LOG_FORMAT", value_enum, default_value_t = LogFormat::Pretty)]
    pub log_format: LogFormat,
    /// How long a session token stays valid, e.g. `12h`, `30m`, `3600s`.
    #[arg(long, env = "KUBECHART_TOKEN_TTL", default_value = "12h", value_parser = parse_duration)]
    pub token_ttl: Duration,
    /// Login attempts one client address may make in a burst before it is slowed down.
    #[arg(long, env = "KUBECHART_LOGIN_BURST_PER_ADDRESS", default_value = "20")]
    pub login_burst_per_address: NonZeroU32,
    /// Login attempts one account name may receive in a burst before it is slowed down.
    #[arg(long, env = "KUBECHART_LOGIN_BURST_PER_USERNAME", default_value = "10")]
    pub login_burst_per_username: NonZeroU32,
    /// After a burst, one more login attempt is allowed per this period.
    #[arg(long, env = "KUBECHART_LOGIN_REFILL", default_value = "30s", value_parser = parse_duration)]
    pub login_refill: Duration,
    /// Maximum database connections in the pool.
    #[arg(long, env = "KUBECHART_DB_MAX_CONNECTIONS", default_value = "10")]
    pub db_max_connections: u32,
    /// How long in-flight requests and background work may take to finish after a shutdown signal.
    #[arg(long, env = "KUBECHART_SHUTDOWN_GRACE", default_value = "10s", value_parser = parse_duration)]
    pub shutdown_grace: Duration,
    /// How long a request may take before it is answered with 408 Request Timeout. Streamed
    /// answers (logs, live status) count only until they start.
    #[arg(long, env = "KUBECHART_REQUEST_TIMEOUT", default_value = "30s", value_parser = parse_duration)]
    pub request_timeout: Duration,
    /// On a fresh installation, register the host's cluster (the in-cluster service account, else
    /// the current context of the first kubeconfig found) as a shared cluster.
    #[arg(long, env = "KUBECHART_AUTO_REGISTER_CLUSTER", default_value_t = true, action = ArgAction::Set, value_parser = BoolishValueParser::new())]
    pub auto_register_cluster: bool,
    /// How long a replica's claim on a deploy or delete operation, or on writing a cluster's
    /// statuses, stands without renewal: what a replica that died held is taken over by another
    /// one after about this long.
    #[arg(long, env = "KUBECHART_OPERATION_LEASE", default_value = "60s", value_parser = parse_duration, hide = true)]
    pub operation_lease: Duration,
    /// Origins besides the server's own whose pages may open the live-status WebSocket, comma
    /// separated, e.g. `https://console.example.com`.
    #[arg(long, env = "KUBECHART_ALLOWED_ORIGINS", value_delimiter = ',')]
    pub allowed_origins: Vec<String>,
    /// How long a recoverable failure (image pull, crash loop) must last before a deployment
    /// shows it as failed.
    #[arg(long, env = "KUBECHART_WATCH_FAILURE_GRACE", value_parser = parse_duration, hide = true)]
    pub watch_failure_grace: Option<Duration>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Json,
    Pretty,
}

/// Parses `90s`, `15m`, `12h` or `1d`; a bare number is seconds.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: u64 = number
        .parse()
        .map_err(|_| format!("`{text}` is not a duration such as 90s, 15m or 12h"))?;
    let seconds = match unit {
        "" | "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        other => return Err(format!("unknown unit `{other}`: use s, m, h or d")),
    };
    if number == 0 {
        return Err("the duration must be greater than zero".into());
    }
    Ok(Duration::from_secs(number.saturating_mul(seconds)))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use clap::CommandFactory as _;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("12h").unwrap(), Duration::from_secs(43_200));
        assert_eq!(parse_duration("90").unwrap(), Duration::from_secs(90));
        assert_eq!(parse_duration("15m").unwrap(), Duration::from_secs(900));
        assert!(parse_duration("0s").is_err());
        assert!(parse_duration("12 parsecs").is_err());
        assert!(parse_duration("h").is_err());
    }
}
