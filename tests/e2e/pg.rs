//! A real PostgreSQL server for a test: `initdb` into a temporary folder,
//! started on a free loopback port, stopped when dropped. Run as the
//! `postgres` user when the tests run as root (as in CI): PostgreSQL
//! refuses to run as root.
//!
//! Without PostgreSQL installed the tests that need it are skipped with a
//! message, except under `CI=true`, where they fail: `.ci/run` installs it.

#![allow(dead_code)]

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A running PostgreSQL cluster of one test.
pub struct PgCluster {
    dir: tempfile::TempDir,
    bin: PathBuf,
    run_as: Option<String>,
    /// Its port on 127.0.0.1.
    pub port: u16,
}

/// Where PostgreSQL's server programs are: `GOVSCAN_PG_BIN`, Debian's
/// `/usr/lib/postgresql/<version>/bin` (newest), or `PATH`.
fn find_bin() -> Option<PathBuf> {
    if let Ok(dir) = std::env::var("GOVSCAN_PG_BIN") {
        return Some(PathBuf::from(dir));
    }
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .flatten()
        .filter_map(|e| {
            let v: u32 = e.file_name().to_str()?.parse().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").exists().then_some((v, bin))
        })
        .collect();
    versions.sort();
    versions.pop().map(|(_, b)| b)
}

fn is_root() -> bool {
    std::fs::metadata("/proc/self")
        .map(|m| std::os::unix::fs::MetadataExt::uid(&m) == 0)
        .unwrap_or(false)
}

impl PgCluster {
    /// Starts a cluster, or `None` (skipped) when PostgreSQL is not
    /// installed outside CI.
    pub fn start() -> Option<PgCluster> {
        let Some(bin) = find_bin() else {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "PostgreSQL is not installed (apt-get install postgresql): .ci/run installs it"
            );
            eprintln!("skipped: PostgreSQL is not installed (apt-get install postgresql)");
            return None;
        };
        let dir = tempfile::Builder::new()
            .prefix("govscan-pg")
            .tempdir()
            .unwrap();
        let run_as = is_root().then(|| "postgres".to_string());
        if run_as.is_some() {
            // The server's user must own its folder.
            let status = Command::new("chown")
                .args(["-R", "postgres"])
                .arg(dir.path())
                .status()
                .unwrap();
            assert!(status.success(), "chown to postgres");
            std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        let port = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap().port()
        };
        let cluster = PgCluster {
            dir,
            bin,
            run_as,
            port,
        };
        let data = cluster.data();
        cluster.pg(
            "initdb",
            &[
                "-D",
                data.to_str().unwrap(),
                "-A",
                "trust",
                "-U",
                "govscan",
                "--no-sync",
            ],
        );
        cluster.ctl(&["start"]);
        Some(cluster)
    }

    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    fn pg(&self, program: &str, args: &[&str]) {
        let exe = self.bin.join(program);
        let mut cmd = match &self.run_as {
            Some(user) => {
                let mut c = Command::new("runuser");
                c.args(["-u", user, "--"]).arg(&exe);
                c
            }
            None => Command::new(&exe),
        };
        let out = cmd
            .args(args)
            .current_dir(self.dir.path())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{program} {args:?} failed: {}{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr),
            std::fs::read_to_string(self.dir.path().join("log")).unwrap_or_default()
        );
    }

    /// `pg_ctl <action>`, waiting until it is done (`-w`).
    fn ctl(&self, action: &[&str]) {
        let opts = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200",
            self.port,
            self.dir.path().display()
        );
        let data = self.data();
        let log = self.dir.path().join("log");
        let mut args = vec![
            "-D",
            data.to_str().unwrap(),
            "-l",
            log.to_str().unwrap(),
            "-w",
            "-o",
            &opts,
        ];
        args.extend_from_slice(action);
        self.pg("pg_ctl", &args);
    }

    /// Stops the server and starts it again (`pg_ctl restart -m fast`):
    /// every connection is cut.
    pub fn restart(&self) {
        self.ctl(&["-m", "fast", "restart"]);
    }

    /// A URL of a new, empty database on this server.
    pub fn new_database(&self, name: &str) -> String {
        let admin = format!("postgres://govscan@127.0.0.1:{}/postgres", self.port);
        let create = format!("CREATE DATABASE \"{name}\"");
        // The sync client blocks on its own runtime: never on an async worker.
        std::thread::spawn(move || {
            let mut c = postgres::Client::connect(&admin, postgres::NoTls).unwrap();
            c.batch_execute(&create).unwrap();
        })
        .join()
        .unwrap();
        format!("postgres://govscan@127.0.0.1:{}/{name}", self.port)
    }

    /// Where the cluster lives (for messages).
    pub fn path(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for PgCluster {
    fn drop(&mut self) {
        let data = self.data();
        let exe = self.bin.join("pg_ctl");
        let mut cmd = match &self.run_as {
            Some(user) => {
                let mut c = Command::new("runuser");
                c.args(["-u", user, "--"]).arg(&exe);
                c
            }
            None => Command::new(&exe),
        };
        let _ = cmd
            .args([
                "-D",
                data.to_str().unwrap_or(""),
                "-m",
                "immediate",
                "-w",
                "stop",
            ])
            .output();
    }
}

/// Runs a blocking closure (the sync PostgreSQL client) off the async workers.
pub async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    tokio::task::spawn_blocking(f).await.unwrap()
}

/// One query's rows as text, for assertions.
pub async fn query(url: &str, sql: &str) -> Vec<Vec<Option<String>>> {
    let (url, sql) = (url.to_string(), sql.to_string());
    blocking(move || {
        let mut c = postgres::Client::connect(&url, postgres::NoTls).unwrap();
        let rows = c.simple_query(&sql).unwrap();
        rows.into_iter()
            .filter_map(|m| match m {
                postgres::SimpleQueryMessage::Row(r) => {
                    Some((0..r.len()).map(|i| r.get(i).map(String::from)).collect())
                }
                _ => None,
            })
            .collect()
    })
    .await
}
