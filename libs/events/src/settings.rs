//! Which bus to run on, from the environment (`KEFU_BUS`, `KEFU_KAFKA_BROKERS`, …).

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{bail, Context};
use async_trait::async_trait;

use crate::bus::EventBus;
use crate::relay::RelayHealth;

/// The bus back-end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BusKind {
    /// The embedded log in a SQLite file (single-process mode).
    Embedded {
        /// The log's database URL, `sqlite://<data dir>/events.db?mode=rwc` by default.
        url: String,
    },
    /// A Kafka cluster.
    Kafka {
        /// Bootstrap servers, `host:port[,host:port…]`.
        brokers: String,
    },
}

/// How to reach the bus.
#[derive(Debug, Clone)]
pub struct BusSettings {
    /// Back-end.
    pub kind: BusKind,
    /// Partitions of a topic the bus creates.
    pub partitions: i32,
    /// How long the embedded log keeps records for replay.
    pub retention: Duration,
}

impl BusSettings {
    /// The embedded log under `data_dir`.
    pub fn embedded(data_dir: &Path) -> Self {
        Self {
            kind: BusKind::Embedded {
                url: format!("sqlite://{}/events.db?mode=rwc", data_dir.display()),
            },
            partitions: 3,
            retention: Duration::from_secs(7 * 24 * 3600),
        }
    }

    /// Reads `KEFU_BUS` (`embedded` or `kafka`), `KEFU_KAFKA_BROKERS`,
    /// `KEFU_BUS_PARTITIONS` and `KEFU_EVENT_RETENTION_DAYS`; the embedded log lives in `data_dir`.
    pub fn from_env(data_dir: &Path) -> anyhow::Result<Self> {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        let mut settings = Self::embedded(data_dir);
        match var("KEFU_BUS").as_deref().map(str::trim) {
            None | Some("embedded") => {}
            Some("kafka") => {
                let brokers = var("KEFU_KAFKA_BROKERS")
                    .context("KEFU_BUS=kafka needs KEFU_KAFKA_BROKERS (host:port,…)")?;
                settings.kind = BusKind::Kafka { brokers };
            }
            Some(other) => bail!("KEFU_BUS must be `embedded` or `kafka`, not {other:?}"),
        }
        if let Some(raw) = var("KEFU_BUS_PARTITIONS") {
            settings.partitions = raw
                .trim()
                .parse::<i32>()
                .ok()
                .filter(|n| (1..=1000).contains(n))
                .with_context(|| format!("KEFU_BUS_PARTITIONS must be 1–1000, not {raw:?}"))?;
        }
        if let Some(raw) = var("KEFU_EVENT_RETENTION_DAYS") {
            let days = raw
                .trim()
                .parse::<u64>()
                .ok()
                .filter(|n| *n >= 1)
                .with_context(|| {
                    format!("KEFU_EVENT_RETENTION_DAYS must be a whole number ≥ 1, not {raw:?}")
                })?;
            settings.retention = Duration::from_secs(days * 24 * 3600);
        }
        Ok(settings)
    }

    /// Connects to the configured bus.
    pub async fn connect(&self) -> anyhow::Result<Arc<dyn EventBus>> {
        match &self.kind {
            BusKind::Embedded { url } => {
                let log = crate::embedded::EmbeddedLog::open(url, self.partitions).await?;
                let pruned = log.clone();
                let keep = self.retention;
                tokio::spawn(async move {
                    loop {
                        if let Err(error) = pruned.prune(keep).await {
                            tracing::warn!(%error, "pruning the embedded log failed");
                        }
                        tokio::time::sleep(Duration::from_secs(3600)).await;
                    }
                });
                Ok(Arc::new(log))
            }
            BusKind::Kafka { brokers } => Ok(Arc::new(
                crate::kafka::KafkaBus::connect(brokers, self.partitions)
                    .map_err(|e| anyhow::anyhow!("connecting to Kafka at {brokers}: {e}"))?,
            )),
        }
    }
}

/// The bus part of `/readyz`: the relay publishes and the bus answers. Not critical:
/// while the bus is down, writes go on into the outbox.
pub struct BusReady {
    /// The relay's health.
    pub relay: RelayHealth,
    /// The bus.
    pub bus: Arc<dyn EventBus>,
}

#[async_trait]
impl kefu_platform::health::ReadinessCheck for BusReady {
    fn name(&self) -> &'static str {
        "bus"
    }

    async fn ready(&self) -> bool {
        self.relay.publishing()
            && tokio::time::timeout(Duration::from_secs(2), self.bus.ready())
                .await
                .unwrap_or(false)
    }

    fn critical(&self) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_is_the_default_under_the_data_dir() {
        let settings = BusSettings::embedded(Path::new("data"));
        assert_eq!(
            settings.kind,
            BusKind::Embedded {
                url: "sqlite://data/events.db?mode=rwc".into()
            }
        );
        assert_eq!(settings.partitions, 3);
    }
}
