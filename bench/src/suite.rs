//! The product as deployed: the `kefu` binary started as processes on loopback ports,
//! with a fresh data folder, and fresh PostgreSQL databases or a Kafka bus when asked.
//!
//! Figures of an in-process suite would leave out what a deployment pays: its own
//! process, the JSON log lines on stdout, the loopback hop from the gateway.

use std::fs::File;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use anyhow::Context;
use base64::Engine;

/// Requests per minute the gateway's limiters allow in a bench: far above any rate
/// these machines reach, so the limiter never caps a figure (it still runs).
pub const RATE_LIMIT: u32 = 100_000_000;

/// Says, before a scenario's figures, that the limiter does not cap them.
pub fn announce_rate_limits(scenario: &str) {
    println!(
        "{scenario}: the gateway's rate limits are raised to {RATE_LIMIT} requests/min \
         (KEFU_RATE_LIMIT_PLANS, KEFU_RATE_LIMIT_PER_MINUTE, KEFU_RATE_LIMIT_PUBLIC_PER_MINUTE): \
         the limiter still runs but never caps the load"
    );
}

/// What backs a deployment.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// PostgreSQL server for the services' databases; SQLite files when `None`.
    pub postgres: Option<String>,
    /// Kafka brokers for the bus; the embedded log when `None`.
    pub kafka: Option<String>,
}

impl Options {
    /// PostgreSQL when `KEFU_TEST_DATABASE_URL` names a server (as `relay` does), else SQLite.
    pub fn from_env() -> Self {
        Self {
            postgres: crate::postgres::server(),
            kafka: None,
        }
    }

    /// The embedded defaults of `cargo run`: SQLite and the embedded log.
    pub fn embedded() -> Self {
        Self::default()
    }

    /// `sqlite` or `postgresql`, and `embedded log` or `kafka`, for figure lines.
    pub fn describe(&self) -> String {
        format!(
            "{}, {}",
            if self.postgres.is_some() {
                "postgresql"
            } else {
                "sqlite"
            },
            if self.kafka.is_some() {
                "kafka"
            } else {
                "embedded log"
            }
        )
    }
}

/// One deployment's data folder, databases, ports and settings; it can be started
/// more than once (a restart keeps the data).
pub struct Deployment {
    binary: PathBuf,
    dir: PathBuf,
    env: Vec<(String, String)>,
    databases: Vec<String>,
    starts: usize,
    /// The gateway's base URL.
    pub gateway: String,
    /// The tickets service's own base URL (behind the gateway).
    pub tickets: String,
}

impl Deployment {
    /// A new deployment: nothing runs until [`Deployment::start`].
    pub async fn new(options: &Options) -> anyhow::Result<Self> {
        let binary = binary()?;
        let dir = std::env::temp_dir()
            .join("kefu-bench")
            .join(uuid::Uuid::now_v7().simple().to_string());
        std::fs::create_dir_all(&dir)?;
        // Held together until all are known, so no two services get the same port.
        let services = kefu::registry::SERVICES;
        let listeners = (0..=services.len())
            .map(|_| TcpListener::bind("127.0.0.1:0"))
            .collect::<std::io::Result<Vec<_>>>()?;
        let addrs = listeners
            .iter()
            .map(|l| l.local_addr().map(|a| a.to_string()))
            .collect::<std::io::Result<Vec<_>>>()?;
        drop(listeners);
        let limit = RATE_LIMIT.to_string();
        let mut env: Vec<(String, String)> = [
            ("KEFU_DATA_DIR", dir.display().to_string()),
            ("KEFU_PUBLIC_URL", format!("http://{}", addrs[0])),
            ("KEFU_GATEWAY_ADDR", addrs[0].clone()),
            (
                "KEFU_RATE_LIMIT_PLANS",
                format!("free={limit},standard={limit},enterprise={limit}"),
            ),
            ("KEFU_RATE_LIMIT_PER_MINUTE", limit.clone()),
            ("KEFU_RATE_LIMIT_PUBLIC_PER_MINUTE", limit),
            // One token serves a whole scenario, which can outlast the default 15 minutes.
            ("KEFU_ACCESS_TOKEN_TTL_SECS", "86400".to_string()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        // Service i of the registry listens on addrs[i + 1].
        for (entry, addr) in services.iter().zip(&addrs[1..]) {
            env.push((entry.addr_var(), addr.clone()));
        }
        let tickets = services
            .iter()
            .position(|entry| entry.name == "tickets")
            .map(|i| format!("http://{}", addrs[i + 1]))
            .context("the registry has no tickets service")?;
        let mut databases = Vec::new();
        if options.postgres.is_some() {
            for entry in services {
                let url = crate::postgres::create(entry.name).await?;
                env.push((entry.database_var(), url.clone()));
                databases.push(url);
            }
            env.push(("KEFU_MASTER_KEY".into(), master_key()));
        }
        if let Some(brokers) = &options.kafka {
            env.push(("KEFU_BUS".into(), "kafka".into()));
            env.push(("KEFU_KAFKA_BROKERS".into(), brokers.clone()));
        }
        Ok(Self {
            binary,
            dir,
            env,
            databases,
            starts: 0,
            gateway: format!("http://{}", addrs[0]),
            tickets,
        })
    }

    /// The tickets service's database URL, when it is PostgreSQL.
    pub fn tickets_database(&self) -> Option<&str> {
        self.env
            .iter()
            .find(|(name, _)| name == "KEFU_TICKETS_DATABASE_URL")
            .map(|(_, url)| url.as_str())
    }

    /// `kefu serve` (every service and the gateway), ready when the gateway's `/readyz`
    /// answers 200; `extra` adds settings to this start only.
    pub async fn start(&mut self, extra: &[(&str, &str)]) -> anyhow::Result<Process> {
        let ready = format!("{}/readyz", self.gateway);
        self.spawn(&["serve"], extra, &ready).await
    }

    /// `kefu serve --service <name>`, ready when `ready_url` answers 200.
    pub async fn start_alone(&mut self, service: &str, ready_url: &str) -> anyhow::Result<Process> {
        self.spawn(&["serve", "--service", service], &[], ready_url)
            .await
    }

    async fn spawn(
        &mut self,
        args: &[&str],
        extra: &[(&str, &str)],
        ready_url: &str,
    ) -> anyhow::Result<Process> {
        self.starts += 1;
        let log = self.dir.join(format!("kefu-{}.log", self.starts));
        let out = File::create(&log)?;
        let mut command = Command::new(&self.binary);
        // Only this deployment's settings: none leak in from the shell running the bench.
        for (name, _) in std::env::vars() {
            if name.starts_with("KEFU_") || name.starts_with("OTEL_") {
                command.env_remove(name);
            }
        }
        command
            .args(args)
            .envs(self.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .envs(extra.iter().copied())
            .stdin(Stdio::null())
            .stdout(out.try_clone()?)
            .stderr(out);
        let started = Instant::now();
        let child = command
            .spawn()
            .with_context(|| format!("starting {}", self.binary.display()))?;
        let mut process = Process {
            child,
            log,
            ready_in: Duration::ZERO,
        };
        process.ready_in = process.wait_ready(ready_url, started).await?;
        Ok(process)
    }

    /// Deletes the data folder and drops the databases.
    pub async fn remove(self) -> anyhow::Result<()> {
        for url in &self.databases {
            crate::postgres::drop(url).await?;
        }
        std::fs::remove_dir_all(&self.dir)?;
        Ok(())
    }
}

/// A running `kefu` process; killed if dropped without [`Process::stop`].
pub struct Process {
    child: Child,
    log: PathBuf,
    /// Time from spawning the process to its first 200 on the readiness URL.
    pub ready_in: Duration,
}

/// Resident memory of a process.
#[derive(Debug, Clone, Copy)]
pub struct Memory {
    /// Resident set size now, in bytes.
    pub rss: u64,
    /// The highest resident set size so far, in bytes.
    pub peak: u64,
}

impl Process {
    async fn wait_ready(&mut self, url: &str, started: Instant) -> anyhow::Result<Duration> {
        let client = reqwest::Client::new();
        loop {
            if let Some(status) = self.child.try_wait()? {
                anyhow::bail!("kefu exited ({status}) before ready:\n{}", self.log_tail());
            }
            let answer = client.get(url).timeout(Duration::from_secs(1)).send().await;
            if answer.is_ok_and(|a| a.status().is_success()) {
                return Ok(started.elapsed());
            }
            if started.elapsed() > Duration::from_secs(120) {
                anyhow::bail!("kefu not ready after 120 s:\n{}", self.log_tail());
            }
            // Fine-grained: the cold-start figure is read off this loop.
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }

    /// The process's resident memory, from `/proc`.
    pub fn memory(&self) -> anyhow::Result<Memory> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))?;
        Ok(Memory {
            rss: status_bytes(&status, "VmRSS:")?,
            peak: status_bytes(&status, "VmHWM:")?,
        })
    }

    /// Stops the process gracefully (SIGTERM), killing it after 15 s.
    pub fn stop(mut self) -> anyhow::Result<()> {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let started = Instant::now();
        while self.child.try_wait()?.is_none() {
            if started.elapsed() > Duration::from_secs(15) {
                self.child.kill()?;
                self.child.wait()?;
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        Ok(())
    }

    fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(30)..].join("\n")
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// A `kB` field of `/proc/<pid>/status`, in bytes.
fn status_bytes(status: &str, field: &str) -> anyhow::Result<u64> {
    let kb: u64 = status
        .lines()
        .find_map(|line| line.strip_prefix(field))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .with_context(|| format!("no {field} in /proc status"))?;
    Ok(kb * 1024)
}

/// A master key for a PostgreSQL deployment (required there; random per run).
fn master_key() -> String {
    base64::engine::general_purpose::STANDARD.encode(rand::random::<[u8; 32]>())
}

/// The `kefu` binary the figures are of.
///
/// `KEFU_BENCH_KEFU_BIN` names one; otherwise it is the one next to this bench's, built
/// first when the bench runs under `cargo run` (which builds only the bench), so the
/// figures are always of the tree being measured.
fn binary() -> anyhow::Result<PathBuf> {
    static BINARY: OnceLock<PathBuf> = OnceLock::new();
    if let Some(path) = BINARY.get() {
        return Ok(path.clone());
    }
    if let Some(path) = kefu_platform::config::var("KEFU_BENCH_KEFU_BIN") {
        return Ok(BINARY.get_or_init(|| PathBuf::from(path)).clone());
    }
    let exe = std::env::current_exe()?;
    let dir = exe
        .parent()
        .context("the bench binary has no folder")?
        .to_path_buf();
    if let Some(cargo) = std::env::var_os("CARGO") {
        build(Path::new(&cargo), &dir)?;
    }
    let path = dir.join("kefu");
    anyhow::ensure!(
        path.is_file(),
        "{} is missing: `cargo build --release -p kefu` (or set KEFU_BENCH_KEFU_BIN)",
        path.display()
    );
    Ok(BINARY.get_or_init(|| path).clone())
}

fn build(cargo: &Path, dir: &Path) -> anyhow::Result<()> {
    let mut command = Command::new(cargo);
    command.args(["build", "--quiet", "-p", "kefu"]);
    if dir.file_name().is_some_and(|name| name == "release") {
        command.arg("--release");
    }
    let status = command.status().context("building the kefu binary")?;
    anyhow::ensure!(status.success(), "building the kefu binary failed");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_proc_status_sizes() -> anyhow::Result<()> {
        let status = "Name:\tkefu\nVmHWM:\t  120000 kB\nVmRSS:\t   80000 kB\n";
        assert_eq!(status_bytes(status, "VmRSS:")?, 80_000 * 1024);
        assert_eq!(status_bytes(status, "VmHWM:")?, 120_000 * 1024);
        assert!(status_bytes(status, "VmSwap:").is_err());
        Ok(())
    }
}
