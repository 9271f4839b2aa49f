//! HTTP load through oha (<https://github.com/hatoo/oha>), the load generator of every
//! scenario that measures requests per second or latency under load.
//!
//! oha is a separate process (`cargo install oha --locked`, or `KEFU_BENCH_OHA` naming
//! the binary): its connection handling, pacing (`-q`) and coordinated-omission
//! correction are a maintained tool's, not a loop of ours.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use anyhow::Context;
use serde::Deserialize;

use crate::stats::rate;

/// Connections the throughput runs keep open (`KEFU_BENCH_CLIENTS`, default 16: the size
/// of a service's PostgreSQL pool).
pub fn clients() -> usize {
    crate::stats::count_from_env("KEFU_BENCH_CLIENTS", 16)
}

/// How long each timed run lasts (`KEFU_BENCH_SECS`, default 10).
pub fn duration() -> Duration {
    crate::stats::seconds_from_env("KEFU_BENCH_SECS", 10)
}

/// One run of requests against one URL.
#[derive(Debug, Clone)]
pub struct Load {
    /// `GET` or `POST`.
    pub method: &'static str,
    /// The full URL.
    pub url: String,
    /// Bearer token sent with every request.
    pub token: String,
    /// JSON body, for `POST`.
    pub body: Option<String>,
    /// Open connections.
    pub clients: usize,
    /// How long to send.
    pub duration: Duration,
    /// Requests per second in all, or as fast as the server answers when `None`.
    pub rate: Option<f64>,
}

impl Load {
    /// As fast as possible with the default connections and duration.
    pub fn flat_out(method: &'static str, url: String, token: &str, body: Option<String>) -> Self {
        Self {
            method,
            url,
            token: token.to_string(),
            body,
            clients: clients(),
            duration: duration(),
            rate: None,
        }
    }

    /// The same requests paced at `per_second`.
    pub fn paced(&self, per_second: f64) -> Self {
        Self {
            rate: Some(per_second),
            ..self.clone()
        }
    }

    /// The same requests for `duration`.
    pub fn lasting(&self, duration: Duration) -> Self {
        Self {
            duration,
            ..self.clone()
        }
    }
}

/// What a run achieved.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// 2xx answers.
    pub ok: u64,
    /// Other answers and connection errors (requests cut by the deadline not counted).
    pub failed: u64,
    /// Wall time of the run.
    pub elapsed: Duration,
    /// Median latency of the 2xx answers.
    pub p50: Duration,
    /// 99th percentile latency of the 2xx answers.
    pub p99: Duration,
    /// Status codes and errors, for a line that must explain failures.
    pub distribution: String,
}

impl Outcome {
    /// 2xx answers per second.
    pub fn per_second(&self) -> f64 {
        rate(self.ok as usize, self.elapsed)
    }

    /// Empty, or ` (N failed: …)` to append to a figure's line.
    pub fn failures(&self) -> String {
        if self.failed == 0 {
            String::new()
        } else {
            format!(" ({} failed: {})", self.failed, self.distribution)
        }
    }
}

/// The oha binary: `KEFU_BENCH_OHA`, else `oha` on the PATH or in `~/.cargo/bin`.
fn oha() -> anyhow::Result<PathBuf> {
    if let Some(path) = kefu_platform::config::var("KEFU_BENCH_OHA") {
        return Ok(PathBuf::from(path));
    }
    let cargo_bin = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cargo")))
        .map(|home| home.join("bin").join("oha"));
    let on_path = std::env::var_os("PATH")
        .map(|paths| std::env::split_paths(&paths).collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .map(|dir| dir.join("oha"));
    on_path
        .chain(cargo_bin)
        .find(|path| path.is_file())
        .context(
        "the load generator oha is missing: `cargo install oha --locked` (or set KEFU_BENCH_OHA)",
    )
}

/// The parts of oha's JSON report the scenarios use.
#[derive(Deserialize)]
struct Report {
    summary: Summary,
    #[serde(rename = "latencyPercentilesSuccessful", default)]
    latency: BTreeMap<String, Option<f64>>,
    #[serde(rename = "statusCodeDistribution", default)]
    statuses: BTreeMap<String, u64>,
    #[serde(rename = "errorDistribution", default)]
    errors: BTreeMap<String, u64>,
}

#[derive(Deserialize)]
struct Summary {
    total: f64,
}

/// Runs `load` through oha and reads its report.
pub async fn run(load: &Load) -> anyhow::Result<Outcome> {
    let oha = oha()?;
    let load = load.clone();
    tokio::task::spawn_blocking(move || run_blocking(&oha, &load)).await?
}

fn run_blocking(oha: &PathBuf, load: &Load) -> anyhow::Result<Outcome> {
    let mut command = Command::new(oha);
    command
        .args([
            "--no-tui",
            "--output-format",
            "json",
            "--stats-success-breakdown",
        ])
        .args(["-m", load.method])
        .args(["-c", &load.clients.to_string()])
        .args(["-z", &format!("{}ms", load.duration.as_millis())])
        .args(["-H", &format!("Authorization: Bearer {}", load.token)]);
    if let Some(per_second) = load.rate {
        // Latencies from each request's scheduled start, so a stall counts in full.
        command
            .args(["-q", &format!("{per_second:.1}")])
            .arg("--latency-correction");
    }
    if let Some(body) = &load.body {
        command.args(["-T", "application/json", "-d", body]);
    }
    command.arg(&load.url);
    let output = command
        .output()
        .with_context(|| format!("running {}", oha.display()))?;
    anyhow::ensure!(
        output.status.success(),
        "oha failed ({}): {}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    let report: Report = serde_json::from_slice(&output.stdout).with_context(|| {
        format!(
            "reading oha's report: {}",
            String::from_utf8_lossy(&output.stdout)
        )
    })?;
    outcome(report)
}

fn outcome(report: Report) -> anyhow::Result<Outcome> {
    let is_ok = |code: &str| code.starts_with('2');
    let ok = report
        .statuses
        .iter()
        .filter(|(code, _)| is_ok(code))
        .map(|(_, n)| n)
        .sum();
    // A request still open at the deadline is cut by oha, not refused by the server.
    let cut = |error: &str| error.contains("deadline");
    let failed = report
        .statuses
        .iter()
        .filter(|(code, _)| !is_ok(code))
        .map(|(_, n)| n)
        .chain(
            report
                .errors
                .iter()
                .filter(|(error, _)| !cut(error))
                .map(|(_, n)| n),
        )
        .sum();
    let distribution = report
        .statuses
        .iter()
        .map(|(code, n)| format!("{code}x{n}"))
        .chain(
            report
                .errors
                .iter()
                .map(|(error, n)| format!("{error}x{n}")),
        )
        .collect::<Vec<_>>()
        .join(", ");
    anyhow::ensure!(ok > 0, "no request succeeded: {distribution}");
    let latency = |key: &str| {
        Duration::from_secs_f64(
            report
                .latency
                .get(key)
                .copied()
                .flatten()
                .unwrap_or_default(),
        )
    };
    Ok(Outcome {
        ok,
        failed,
        elapsed: Duration::from_secs_f64(report.summary.total),
        p50: latency("p50"),
        p99: latency("p99"),
        distribution,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_an_oha_report() -> anyhow::Result<()> {
        let report: Report = serde_json::from_str(
            r#"{"summary": {"successRate": 0.99, "total": 2.0},
                "latencyPercentilesSuccessful": {"p50": 0.001, "p99": 0.004, "p99.9": null},
                "statusCodeDistribution": {"200": 198, "503": 1},
                "errorDistribution": {"aborted due to deadline": 5, "connection closed": 1}}"#,
        )?;
        let outcome = outcome(report)?;
        assert_eq!(outcome.ok, 198);
        assert_eq!(outcome.failed, 2);
        assert_eq!(outcome.per_second(), 99.0);
        assert_eq!(outcome.p50, Duration::from_millis(1));
        assert_eq!(outcome.p99, Duration::from_millis(4));
        assert!(outcome.failures().contains("503x1"));
        Ok(())
    }
}
