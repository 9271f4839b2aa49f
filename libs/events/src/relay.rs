//! The relay: ships committed outbox rows to the bus in order, marks them published
//! only after the bus acknowledged them, and keeps trying while the bus is down.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use opentelemetry::propagation::TextMapPropagator;
use opentelemetry_sdk::propagation::TraceContextPropagator;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseBackend, DatabaseConnection, DbErr, EntityTrait,
    QueryFilter, QueryOrder, QuerySelect, Statement, TransactionTrait,
};
use tokio::sync::Notify;
use tracing::Instrument;
use tracing_opentelemetry::OpenTelemetrySpanExt;

use crate::bus::{EventBus, Record};
use crate::outbox::entity as outbox;

/// How the relay batches and backs off.
#[derive(Debug, Clone)]
pub struct RelaySettings {
    /// Rows per publish.
    pub batch: u64,
    /// Wait between polls when nothing woke it (covers rows written by other processes).
    pub idle_poll: Duration,
    /// First wait after a failed publish; doubles up to `max_backoff`.
    pub min_backoff: Duration,
    /// Longest wait between retries while the bus is down.
    pub max_backoff: Duration,
    /// Published rows are deleted after this long.
    pub keep_published: Duration,
}

impl Default for RelaySettings {
    fn default() -> Self {
        Self {
            batch: 500,
            idle_poll: Duration::from_secs(1),
            min_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(10),
            keep_published: Duration::from_secs(3600),
        }
    }
}

/// Whether the relay's last publish succeeded: the bus part of `/readyz`.
#[derive(Clone)]
pub struct RelayHealth(Arc<AtomicBool>);

impl RelayHealth {
    /// Whether the bus took the last batch (or nothing was pending).
    pub fn publishing(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

/// A running relay.
pub struct Relay {
    /// The health its readiness check reads.
    pub health: RelayHealth,
    task: tokio::task::JoinHandle<()>,
}

impl Relay {
    /// Starts relaying the outbox of `db` to `bus`, woken by `wake` after commits.
    pub fn spawn(
        db: DatabaseConnection,
        bus: Arc<dyn EventBus>,
        wake: Arc<Notify>,
        settings: RelaySettings,
    ) -> Self {
        let health = RelayHealth(Arc::new(AtomicBool::new(true)));
        let task = tokio::spawn(run(db, bus, wake, settings, health.clone()));
        Self { health, task }
    }

    /// Stops the relay (what it published stays published; the rest waits in the outbox).
    pub fn stop(&self) {
        self.task.abort();
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn run(
    db: DatabaseConnection,
    bus: Arc<dyn EventBus>,
    wake: Arc<Notify>,
    settings: RelaySettings,
    health: RelayHealth,
) {
    let mut backoff = settings.min_backoff;
    let mut last_prune = std::time::Instant::now();
    loop {
        match relay_once(&db, bus.as_ref(), settings.batch).await {
            Ok(sent) => {
                health.0.store(true, Ordering::Relaxed);
                backoff = settings.min_backoff;
                if sent as u64 >= settings.batch {
                    continue;
                }
                if last_prune.elapsed() > Duration::from_secs(60) {
                    last_prune = std::time::Instant::now();
                    if let Err(error) = prune(&db, settings.keep_published).await {
                        tracing::warn!(%error, "pruning the outbox failed");
                    }
                }
                let _ = tokio::time::timeout(settings.idle_poll, wake.notified()).await;
            }
            Err(error) => {
                health.0.store(false, Ordering::Relaxed);
                tracing::warn!(%error, retry_in_ms = backoff.as_millis() as u64, "outbox relay cannot publish");
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(settings.max_backoff);
            }
        }
    }
}

/// What one pass can fail on.
#[derive(Debug, thiserror::Error)]
pub enum RelayError {
    /// Reading or marking the outbox failed.
    #[error(transparent)]
    Database(#[from] DbErr),
    /// The bus did not take the batch.
    #[error(transparent)]
    Bus(#[from] crate::bus::BusError),
}

/// Publishes one batch of pending rows; returns how many were published.
///
/// On PostgreSQL a transaction-scoped advisory lock makes one replica the publisher at
/// a time (two publishing at once would interleave one aggregate's events). SQLite has
/// one process, and a transaction there would hold its only connection during publish.
pub async fn relay_once(
    db: &DatabaseConnection,
    bus: &dyn EventBus,
    batch: u64,
) -> Result<usize, RelayError> {
    if db.get_database_backend() == DatabaseBackend::Postgres {
        let txn = db.begin().await?;
        let locked = txn
            .query_one(Statement::from_string(
                DatabaseBackend::Postgres,
                "SELECT pg_try_advisory_xact_lock(7434121) AS locked",
            ))
            .await?
            .map(|row| row.try_get::<bool>("", "locked"))
            .transpose()?
            .unwrap_or(false);
        if !locked {
            txn.commit().await?;
            return Ok(0);
        }
        let sent = publish_pending(&txn, bus, batch).await?;
        txn.commit().await?;
        Ok(sent)
    } else {
        publish_pending(db, bus, batch).await
    }
}

async fn publish_pending(
    conn: &impl ConnectionTrait,
    bus: &dyn EventBus,
    batch: u64,
) -> Result<usize, RelayError> {
    let rows = outbox::Entity::find()
        .filter(outbox::Column::PublishedAt.is_null())
        .order_by_asc(outbox::Column::Seq)
        .limit(batch)
        .all(conn)
        .await?;
    if rows.is_empty() {
        return Ok(0);
    }
    let span = tracing::info_span!(
        "outbox.publish",
        otel.kind = "producer",
        events = rows.len()
    );
    let records: Vec<Record> = span.in_scope(|| rows.iter().map(record_of).collect());
    bus.publish(records).instrument(span).await?;
    let seqs: Vec<i64> = rows.iter().map(|r| r.seq).collect();
    outbox::Entity::update_many()
        .col_expr(outbox::Column::PublishedAt, Expr::value(Utc::now()))
        .filter(outbox::Column::Seq.is_in(seqs))
        .exec(conn)
        .await?;
    metrics::counter!("kefu_events_published_total").increment(rows.len() as u64);
    Ok(rows.len())
}

/// The record of one row; its trace context is a producer span under the request's.
fn record_of(row: &outbox::Model) -> Record {
    let stored: HashMap<String, String> = serde_json::from_str(&row.headers).unwrap_or_default();
    let parent = TraceContextPropagator::new().extract(&stored);
    let span = tracing::info_span!(
        "event.publish",
        otel.kind = "producer",
        event_type = %row.event_type,
        event_id = %row.event_id,
        topic = %row.topic,
    );
    let _ = span.set_parent(parent);
    let mut headers = HashMap::new();
    TraceContextPropagator::new().inject_context(&span.context(), &mut headers);
    // Without a valid span (telemetry off) the request's own context travels on.
    if headers.is_empty() {
        headers = stored;
    }
    Record {
        topic: row.topic.clone(),
        key: row.partition_key.clone(),
        payload: row.payload.clone().into_bytes(),
        headers: headers.into_iter().collect(),
    }
}

async fn prune(db: &DatabaseConnection, keep: Duration) -> Result<(), DbErr> {
    let cutoff =
        Utc::now() - chrono::Duration::from_std(keep).unwrap_or(chrono::Duration::hours(1));
    outbox::Entity::delete_many()
        .filter(outbox::Column::PublishedAt.lt(cutoff))
        .exec(db)
        .await?;
    Ok(())
}

/// A service's running relay with the bus it publishes to (what `/readyz` reports).
pub struct EventsRuntime {
    /// The running relay.
    pub relay: Relay,
    /// The bus.
    pub bus: Arc<dyn EventBus>,
}

impl EventsRuntime {
    /// Starts relaying the outbox of `db` to `bus`, woken by `outbox`'s commits.
    pub fn start(
        db: DatabaseConnection,
        bus: Arc<dyn EventBus>,
        outbox: &crate::Outbox,
    ) -> Arc<Self> {
        let relay = Relay::spawn(db, bus.clone(), outbox.waker(), RelaySettings::default());
        Arc::new(Self { relay, bus })
    }

    /// The readiness check of this relay and bus.
    pub fn ready_check(&self) -> crate::BusReady {
        crate::BusReady {
            relay: self.relay.health.clone(),
            bus: self.bus.clone(),
        }
    }
}
