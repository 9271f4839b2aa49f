//! `relay`: what the outbox path costs over the bare bus, on every back-end.
//!
//! Throughput: events/s the relay moves from a filled outbox to the bus ÷ events/s of
//! publishing the same records straight to the bus in the same batches.
//! Latency: a change's commit to its handler in another consumer group (outbox, relay,
//! bus, inbox transaction) at a steady rate ÷ a bare publish to a bare subscription.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::Utc;
use kefu_events::bus::{EventBus, Record};
use kefu_events::kafka::KafkaBus;
use kefu_events::{Consumers, EmbeddedLog, Envelope, Event, Outbox, Relay, RelaySettings};
use rdkafka::mocking::MockCluster;
use rdkafka::producer::DefaultProducerContext;
use schemars::JsonSchema;
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};
use sea_orm_migration::{MigrationTrait, MigratorTrait};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::stats::{ms, percentile, rate};

/// Events of the throughput run (topic `kefu.bench`).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
struct Tick {
    id: Uuid,
    n: u64,
    note: String,
}

impl Event for Tick {
    const TYPE: &'static str = "bench.tick";
    const VERSION: u32 = 1;
    const SERVICE: &'static str = "bench";

    fn aggregate_id(&self) -> Uuid {
        self.id
    }
}

/// Events of the latency run, on their own topic (`kefu.benchlag`) so the consumer
/// does not first wade through the throughput run.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
struct Beat {
    id: Uuid,
    n: u64,
}

impl Event for Beat {
    const TYPE: &'static str = "bench.beat";
    const VERSION: u32 = 1;
    const SERVICE: &'static str = "benchlag";

    fn aggregate_id(&self) -> Uuid {
        self.id
    }
}

struct Migrator;

impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(kefu_events::outbox::Migration),
            Box::new(kefu_events::consumer::Migration),
        ]
    }
}

/// Aggregates the throughput run spreads its events over.
const AGGREGATES: u64 = 50;
/// Events per transaction when filling the outbox, and records per direct publish.
const BATCH: usize = 500;
/// Changes in the latency run, and their rate.
const LATENCY_EVENTS: usize = 1000;
const LATENCY_RATE: f64 = 200.0;
const WAIT: Duration = Duration::from_secs(120);

/// A bus under test, with whatever must live as long as it.
struct Backend {
    name: &'static str,
    bus: Arc<dyn EventBus>,
    _mock: Option<MockCluster<'static, DefaultProducerContext>>,
}

async fn backends() -> anyhow::Result<Vec<Backend>> {
    let dir = std::env::temp_dir().join("kefu-bench");
    std::fs::create_dir_all(&dir)?;
    let log_url = format!(
        "sqlite://{}/events-{}.db?mode=rwc",
        dir.display(),
        Uuid::now_v7().simple()
    );
    let mut backends = vec![Backend {
        name: "embedded",
        bus: Arc::new(EmbeddedLog::open(&log_url, 3).await?),
        _mock: None,
    }];
    let mock = MockCluster::new(3)?;
    backends.push(Backend {
        name: "kafka-mock",
        bus: Arc::new(KafkaBus::connect(&mock.bootstrap_servers(), 3)?.auto_created_topics()),
        _mock: Some(mock),
    });
    if let Some(brokers) = std::env::var("KEFU_BENCH_KAFKA_BROKERS")
        .ok()
        .filter(|b| !b.trim().is_empty())
    {
        backends.push(Backend {
            name: "kafka",
            bus: Arc::new(KafkaBus::connect(brokers.trim(), 3)?),
            _mock: None,
        });
    }
    Ok(backends)
}

/// Runs the scenario on every back-end and prints its figures.
pub async fn run() -> anyhow::Result<()> {
    let events: usize = std::env::var("KEFU_BENCH_EVENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20_000);
    for backend in backends().await? {
        let url = kefu_testkit::fresh_database_url("bench").await?;
        let db = kefu_platform::db::connect(&url).await?;
        Migrator::up(&db, None).await?;
        let database = format!("{:?}", db.get_database_backend()).to_lowercase();
        let name = format!("{} ({database})", backend.name);
        let bus = backend.bus.clone();

        let direct = direct_publish(bus.as_ref(), events).await?;
        let outbox = Outbox::new();
        let (relayed, relay) = relay_throughput(&db, bus.clone(), &outbox, events).await?;
        println!(
            "relay {name}: {:.0} events/s relayed / {:.0} events/s published directly = {:.2} ({events} events)",
            relayed,
            direct,
            relayed / direct
        );

        let bare = bare_latency(bus.as_ref()).await?;
        let full = outbox_latency(&db, bus.clone(), &outbox).await?;
        let (b50, b99) = (percentile(&bare, 50.0), percentile(&bare, 99.0));
        let (f50, f99) = (percentile(&full, 50.0), percentile(&full, 99.0));
        println!(
            "latency {name}: commit->handled p50 {} p99 {} / bare bus p50 {} p99 {} = p50 {:.1}x p99 {:.1}x ({LATENCY_EVENTS} events at {LATENCY_RATE}/s)",
            ms(f50),
            ms(f99),
            ms(b50),
            ms(b99),
            f50.as_secs_f64() / b50.as_secs_f64().max(1e-9),
            f99.as_secs_f64() / b99.as_secs_f64().max(1e-9),
        );
        relay.stop();
        db.close().await?;
        crate::postgres::discard(&url).await?;
    }
    Ok(())
}

fn tick(tenant: Uuid, n: u64) -> Tick {
    Tick {
        id: Uuid::from_u64_pair(tenant.as_u64_pair().0, n % AGGREGATES),
        n,
        note: "a payload about the size of a user event's data".into(),
    }
}

/// Publishes `events` records (real envelopes) straight to the bus, `BATCH` at a time.
async fn direct_publish(bus: &dyn EventBus, events: usize) -> anyhow::Result<f64> {
    let tenant = Uuid::now_v7();
    let records: Vec<Record> = (0..events as u64)
        .map(|n| {
            let envelope = Envelope::new(tenant, None, &tick(tenant, n))?;
            Ok(Record {
                topic: "kefu.benchdirect".into(),
                key: envelope.key(),
                payload: serde_json::to_vec(&envelope)?,
                headers: Vec::new(),
            })
        })
        .collect::<anyhow::Result<_>>()?;
    // One untimed batch first: topic creation and connections are not throughput.
    bus.publish(records[..BATCH.min(records.len())].to_vec())
        .await?;
    let started = Instant::now();
    for chunk in records.chunks(BATCH) {
        bus.publish(chunk.to_vec()).await?;
    }
    Ok(rate(events, started.elapsed()))
}

/// Fills the outbox with `events`, then times a relay emptying it; the relay keeps running.
async fn relay_throughput(
    db: &DatabaseConnection,
    bus: Arc<dyn EventBus>,
    outbox: &Outbox,
    events: usize,
) -> anyhow::Result<(f64, Relay)> {
    let tenant = Uuid::now_v7();
    for start in (0..events as u64).step_by(BATCH) {
        let end = (start + BATCH as u64).min(events as u64);
        outbox
            .transaction::<_, _, sea_orm::DbErr>(db, move |txn| {
                Box::pin(async move {
                    for n in start..end {
                        kefu_events::append(txn, tenant, None, &tick(tenant, n)).await?;
                    }
                    Ok(())
                })
            })
            .await?;
    }
    let started = Instant::now();
    let relay = Relay::spawn(db.clone(), bus, outbox.waker(), RelaySettings::default());
    while pending(db).await? > 0 {
        anyhow::ensure!(
            started.elapsed() < WAIT,
            "the relay did not drain the outbox"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    Ok((rate(events, started.elapsed()), relay))
}

async fn pending(db: &DatabaseConnection) -> anyhow::Result<i64> {
    let row = db
        .query_one(Statement::from_string(
            db.get_database_backend(),
            "SELECT COUNT(*) AS n FROM event_outbox WHERE published_at IS NULL",
        ))
        .await?
        .ok_or_else(|| anyhow::anyhow!("no count"))?;
    Ok(row.try_get("", "n")?)
}

/// Collects samples until `count` arrived, failing after `WAIT`.
async fn wait_for(samples: &Mutex<Vec<Duration>>, count: usize) -> anyhow::Result<()> {
    let started = Instant::now();
    while lock(samples).len() < count {
        anyhow::ensure!(
            started.elapsed() < WAIT,
            "only {} of {count} arrived",
            lock(samples).len()
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    Ok(())
}

fn lock(samples: &Mutex<Vec<Duration>>) -> std::sync::MutexGuard<'_, Vec<Duration>> {
    samples
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Since `sent` (microseconds since the epoch), as a duration.
fn since_micros(sent: i64) -> Duration {
    Duration::from_micros((Utc::now().timestamp_micros() - sent).max(0) as u64)
}

/// Sends `count` items at `LATENCY_RATE`, calling `send(n)` for each.
async fn paced<F, Fut>(count: usize, mut send: F) -> anyhow::Result<()>
where
    F: FnMut(u64) -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<()>>,
{
    let mut interval = tokio::time::interval(Duration::from_secs_f64(1.0 / LATENCY_RATE));
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    for n in 0..count as u64 {
        interval.tick().await;
        send(n).await?;
    }
    Ok(())
}

/// Single-record publishes to a bare subscription: the bus's own produce->consume time.
async fn bare_latency(bus: &dyn EventBus) -> anyhow::Result<Vec<Duration>> {
    let topic = format!("kefu.benchbare{}", Uuid::now_v7().simple());
    let mut subscription = bus
        .subscribe(
            &format!("bare-{}", Uuid::now_v7().simple()),
            std::slice::from_ref(&topic),
        )
        .await?;
    let samples: Arc<Mutex<Vec<Duration>>> = Arc::default();
    let sink = samples.clone();
    let reader = tokio::spawn(async move {
        while let Ok(delivery) = subscription.next().await {
            let sent: i64 = String::from_utf8_lossy(&delivery.record.payload)
                .parse()
                .unwrap_or(0);
            lock(&sink).push(since_micros(sent));
            let _ = subscription.commit(&delivery).await;
        }
    });
    let record = |key: u64| Record {
        topic: topic.clone(),
        key: format!("bench:{}", key % AGGREGATES),
        payload: Utc::now().timestamp_micros().to_string().into_bytes(),
        headers: Vec::new(),
    };
    // Warm up until the subscription sees records (a Kafka group join takes seconds).
    let started = Instant::now();
    while lock(&samples).is_empty() {
        anyhow::ensure!(
            started.elapsed() < WAIT,
            "the bare subscription never received"
        );
        bus.publish(vec![record(0)]).await?;
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    lock(&samples).clear();
    paced(LATENCY_EVENTS, |n| {
        let one = record(n);
        async move { Ok(bus.publish(vec![one]).await?) }
    })
    .await?;
    wait_for(&samples, LATENCY_EVENTS).await?;
    reader.abort();
    let samples = lock(&samples).clone();
    Ok(samples)
}

/// One change per transaction through the outbox to an idempotent consumer's handler.
async fn outbox_latency(
    db: &DatabaseConnection,
    bus: Arc<dyn EventBus>,
    outbox: &Outbox,
) -> anyhow::Result<Vec<Duration>> {
    let tenant = Uuid::now_v7();
    let samples: Arc<Mutex<Vec<Duration>>> = Arc::default();
    let sink = samples.clone();
    let consumer = Consumers::new(format!("lag{}", Uuid::now_v7().simple()))
        .on::<Beat, _>(move |_txn, envelope, _beat| {
            let sink = sink.clone();
            let mine = envelope.tenant_id == tenant;
            let sent = envelope.occurred_at.timestamp_micros();
            Box::pin(async move {
                if mine {
                    lock(&sink).push(since_micros(sent));
                }
                Ok(())
            })
        })
        .spawn(db.clone(), bus)
        .await?;
    let change = |n: u64| {
        let outbox = outbox.clone();
        let db = db.clone();
        async move {
            let beat = Beat {
                id: Uuid::from_u64_pair(tenant.as_u64_pair().0, n % AGGREGATES),
                n,
            };
            outbox
                .transaction::<_, _, sea_orm::DbErr>(&db, move |txn| {
                    Box::pin(async move {
                        kefu_events::append(txn, tenant, None, &beat).await?;
                        Ok(())
                    })
                })
                .await?;
            anyhow::Ok(())
        }
    };
    let started = Instant::now();
    while lock(&samples).is_empty() {
        anyhow::ensure!(started.elapsed() < WAIT, "the consumer never received");
        change(u64::MAX).await?;
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    lock(&samples).clear();
    paced(LATENCY_EVENTS, change).await?;
    wait_for(&samples, LATENCY_EVENTS).await?;
    consumer.abort();
    let samples = lock(&samples).clone();
    Ok(samples)
}
