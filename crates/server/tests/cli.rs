//! The `kubechart` binary itself: help, bootstrap of an admin, start-up errors, graceful shutdown.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::{BufRead as _, BufReader, Write as _};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

fn kubechart() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_kubechart"));
    for variable in [
        "KUBECHART_ADDR",
        "KUBECHART_DATABASE_URL",
        "KUBECHART_DATA_DIR",
        "KUBECHART_JWT_SECRET",
        "KUBECHART_SECRET_KEY",
    ] {
        command.env_remove(variable);
    }
    command
}

#[test]
fn help_documents_every_setting_and_its_environment_variable() {
    let output = kubechart().args(["serve", "--help"]).output().unwrap();
    assert!(output.status.success());
    let help = String::from_utf8(output.stdout).unwrap();
    for variable in [
        "KUBECHART_ADDR",
        "KUBECHART_DATABASE_URL",
        "KUBECHART_DATA_DIR",
        "KUBECHART_JWT_SECRET",
        "KUBECHART_SECRET_KEY",
        "KUBECHART_LOG_FORMAT",
    ] {
        assert!(help.contains(variable), "{variable} missing from:\n{help}");
    }
    let output = kubechart().arg("--help").output().unwrap();
    let help = String::from_utf8(output.stdout).unwrap();
    for command in ["serve", "migrate", "user", "render", "schema"] {
        assert!(help.contains(command), "{command}");
    }
}

#[test]
fn an_unknown_database_scheme_is_a_clear_start_up_error() {
    let data = tempfile::tempdir().unwrap();
    let output = kubechart()
        .args(["migrate", "--database-url", "mysql://root@localhost/db"])
        .arg("--data-dir")
        .arg(data.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("mysql"), "{stderr}");
}

#[test]
fn user_create_reads_the_password_from_stdin_and_validates_it() {
    let data = tempfile::tempdir().unwrap();
    let create = |username: &str, password: &str| {
        let mut child = kubechart()
            .args(["user", "create", "--username", username, "--email"])
            .arg(format!("{username}@example.com"))
            .arg("--admin")
            .arg("--data-dir")
            .arg(data.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        writeln!(child.stdin.take().unwrap(), "{password}").unwrap();
        child.wait_with_output().unwrap()
    };
    let output = create("root", "short");
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains("password: must be at least 10 characters"),
        "{stderr}"
    );

    let output = create("root", "a long admin password");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("created admin root"), "{stderr}");
    assert!(
        !stderr.contains("a long admin password"),
        "never echo the password"
    );

    let output = create("root", "a long admin password");
    assert_eq!(output.status.code(), Some(1), "duplicate username");
}

struct ServerProcess {
    child: Child,
    base: String,
    /// Collects everything the server logs, until it exits.
    log: std::thread::JoinHandle<Vec<String>>,
}

impl ServerProcess {
    /// Kills the server and returns its whole log.
    fn kill(mut self) -> String {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
        self.log.join().unwrap().join("\n")
    }
}

/// Starts `kubechart serve` on a free port and waits until it says where it listens.
fn spawn_server(data: &std::path::Path) -> ServerProcess {
    spawn_server_with(data, &[])
}

/// [`spawn_server`] with more options for `serve`.
fn spawn_server_with(data: &std::path::Path, options: &[&str]) -> ServerProcess {
    let mut child = kubechart()
        .args(["serve", "--addr", "127.0.0.1:0", "--log-format", "json"])
        .args(options)
        .env("RUST_LOG", "debug")
        .arg("--data-dir")
        .arg(data)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = BufReader::new(child.stderr.take().unwrap());
    let mut lines = stderr.lines();
    let base = loop {
        let line = lines
            .next()
            .expect("server exited before listening")
            .unwrap();
        let event: serde_json::Value = serde_json::from_str(&line).unwrap_or_default();
        if let Some(url) = event["url"].as_str() {
            break url.to_string();
        }
    };
    let log = std::thread::spawn(move || lines.map_while(Result::ok).collect());
    ServerProcess { child, base, log }
}

/// SIGTERM: the server stops accepting, cancels its background tasks and exits 0 within the
/// shutdown grace, even with a request that would otherwise hold it open much longer.
#[tokio::test]
async fn sigterm_stops_the_server_gracefully_and_secrets_are_kept_private() {
    use tokio::io::AsyncWriteExt as _;
    const GRACE: Duration = Duration::from_secs(2);
    let data = tempfile::tempdir().unwrap();
    let server = spawn_server_with(data.path(), &["--shutdown-grace", "2s"]);
    let response = reqwest::get(format!("{}/healthz", server.base))
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    // A request whose body never finishes stays in flight until the 30 s request timeout.
    let mut in_flight = tokio::net::TcpStream::connect(server.base.trim_start_matches("http://"))
        .await
        .unwrap();
    in_flight
        .write_all(
            b"POST /api/v1/auth/login HTTP/1.1\r\nhost: localhost\r\n\
            content-type: application/json\r\ncontent-length: 100\r\n\r\n{",
        )
        .await
        .unwrap();
    // Connections are accepted in order: once a later one is answered, that request is being served.
    let response = reqwest::get(format!("{}/healthz", server.base))
        .await
        .unwrap();
    assert_eq!(response.status(), 200);

    let killed = Command::new("kill")
        .args(["-TERM", &server.child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let signalled = std::time::Instant::now();
    let mut child = server.child;
    let status = tokio::time::timeout(
        GRACE + Duration::from_secs(5),
        tokio::task::spawn_blocking(move || child.wait()),
    )
    .await
    .expect("the server stops within the grace period")
    .unwrap()
    .unwrap();
    assert!(status.success(), "{status:?}");
    assert!(
        signalled.elapsed() < GRACE + Duration::from_secs(2),
        "stopped after {:?}",
        signalled.elapsed()
    );
    let log = server.log.join().unwrap().join("\n");
    assert!(
        log.contains("in-flight requests did not finish in time"),
        "{log}"
    );
    assert!(
        !log.contains("background task did not finish"),
        "every background task stops when asked: {log}"
    );
    assert!(log.contains("server stopped"), "{log}");
    drop(in_flight);
    assert!(
        reqwest::get(format!("{}/healthz", server.base))
            .await
            .is_err()
    );

    use std::os::unix::fs::PermissionsExt as _;
    for file in ["jwt-secret", "secret-key"] {
        let mode = std::fs::metadata(data.path().join(file))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "{file}");
    }
    assert!(
        data.path().join("kubechart.db").exists(),
        "the default database is SQLite in the data dir"
    );
}

#[tokio::test]
async fn sessions_survive_a_restart_and_no_secret_is_ever_logged() {
    const PASSWORD: &str = "long enough password";
    let data = tempfile::tempdir().unwrap();
    let first = spawn_server(data.path());
    let http = reqwest::Client::new();
    let body: serde_json::Value = http
        .post(format!("{}/api/v1/auth/register", first.base))
        .json(&serde_json::json!({"username": "alice", "email": "a@example.com", "password": PASSWORD}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = body["token"].as_str().unwrap().to_string();
    let login = http
        .post(format!("{}/api/v1/auth/login", first.base))
        .json(&serde_json::json!({"username": "alice", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), 200);
    let me = http
        .get(format!("{}/api/v1/auth/me", first.base))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), 200);
    let log = first.kill();
    assert!(
        log.contains("/api/v1/auth/login"),
        "requests are logged at debug level"
    );
    let jwt_secret = std::fs::read_to_string(data.path().join("jwt-secret")).unwrap();
    let signature = token.rsplit('.').next().unwrap();
    for secret in [
        PASSWORD,
        token.as_str(),
        signature,
        jwt_secret.trim(),
        "$argon2id$",
    ] {
        assert!(!log.contains(secret), "{secret} appears in the log");
    }

    let second = spawn_server(data.path());
    let response = http
        .get(format!("{}/api/v1/auth/me", second.base))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    second.kill();
}
