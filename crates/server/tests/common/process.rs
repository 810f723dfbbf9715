//! The real `kubechart serve` binary as a child process, for what only a process can show: a
//! SIGKILL in the middle of work, several replicas, what it writes to its log.
#![allow(clippy::unwrap_used, clippy::expect_used, dead_code)]

use super::{Backend, poll_until};
use kubechart_store::testing::TestDatabase;
use reqwest::StatusCode;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// A fresh database for `backend` (SQLite: a file in `data`); its URL.
pub async fn database(backend: Backend, data: &Path) -> (Option<TestDatabase>, String) {
    match backend {
        Backend::Sqlite => (
            None,
            format!("sqlite://{}", data.join("kubechart.db").display()),
        ),
        Backend::Postgres => {
            let database = kubechart_store::testing::fresh_postgres().await.unwrap();
            let url = database.url.clone();
            (Some(database), url)
        }
    }
}

/// The `kubechart serve` child process; killed when dropped, so a failing test leaves none.
pub struct ServerProcess {
    child: Child,
    pub base: String,
    log: PathBuf,
}

impl ServerProcess {
    /// Starts the binary with its data in `data_dir`, JSON logs in `server-{run}.log` there, and
    /// `args` after the address (a `--database-url`, knobs); returns once it is ready.
    pub async fn start(data_dir: &Path, run: usize, args: &[String]) -> Self {
        Self::start_with_env(data_dir, run, args, &[]).await
    }

    /// As [`ServerProcess::start`], with environment variables set for the process.
    pub async fn start_with_env(
        data_dir: &Path,
        run: usize,
        args: &[String],
        env: &[(&str, &str)],
    ) -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let log = data_dir.join(format!("server-{run}.log"));
        let output = std::fs::File::create(&log).unwrap();
        let child = Command::new(env!("CARGO_BIN_EXE_kubechart"))
            .arg("serve")
            .args(["--addr", &format!("127.0.0.1:{port}")])
            .arg("--data-dir")
            .arg(data_dir)
            .args(["--auto-register-cluster", "false"])
            .args(["--log-format", "json"])
            .args(args)
            .envs(env.iter().copied())
            .stdout(Stdio::from(output.try_clone().unwrap()))
            .stderr(Stdio::from(output))
            .spawn()
            .unwrap();
        let server = Self {
            child,
            base: format!("http://127.0.0.1:{port}"),
            log,
        };
        let http = reqwest::Client::new();
        let log = || server.log();
        let waiting = WithLog("the server to become ready", &log);
        poll_until(Duration::from_secs(30), waiting, || async {
            let ready = http.get(format!("{}/readyz", server.base)).send().await;
            ready
                .is_ok_and(|response| response.status() == StatusCode::OK)
                .then_some(())
        })
        .await;
        server
    }

    /// SIGKILL: no shutdown, no cleanup, the operation left as it was.
    pub fn kill(&mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }

    /// Everything the process has written so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What a test waits for, followed when shown by what the server logged: formatted only when the
/// wait fails.
pub struct WithLog<'a>(pub &'a str, pub &'a dyn Fn() -> String);

impl std::fmt::Display for WithLog<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}\n--- server log ---\n{}", self.0, (self.1)())
    }
}
