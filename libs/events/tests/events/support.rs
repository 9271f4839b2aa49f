//! A rig for the bus suite: a service database with outbox and inbox, a bus, a relay.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use futures_util::future::BoxFuture;
use kefu_events::bus::{BusError, EventBus, Record, Subscription};
use kefu_events::{Consumers, Envelope, Event, Outbox, Relay, RelaySettings, RetryPolicy};
use schemars::JsonSchema;
use sea_orm::{ConnectionTrait, DatabaseConnection, DatabaseTransaction, Statement, Value};
use sea_orm_migration::{MigrationTrait, MigratorTrait};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A test event: the `n`th change of aggregate `id`; `poison` makes every handler fail.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Ping {
    pub id: Uuid,
    pub n: u64,
    pub poison: bool,
}

impl Event for Ping {
    const TYPE: &'static str = "test.ping";
    const VERSION: u32 = 1;
    const SERVICE: &'static str = "eventtest";

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
            // After every migration already applied somewhere, so it runs last.
            Box::new(kefu_events::consumer::DeliveriesMigration),
        ]
    }
}

/// A bus whose broker the test can take down, or whose next acknowledgement it can lose.
pub struct FlakyBus {
    pub inner: Arc<dyn EventBus>,
    pub down: AtomicBool,
    pub lose_next_ack: AtomicBool,
}

impl FlakyBus {
    pub fn new(inner: Arc<dyn EventBus>) -> Arc<Self> {
        Arc::new(Self {
            inner,
            down: AtomicBool::new(false),
            lose_next_ack: AtomicBool::new(false),
        })
    }
}

#[async_trait]
impl EventBus for FlakyBus {
    async fn publish(&self, records: Vec<Record>) -> Result<(), BusError> {
        if self.down.load(Ordering::SeqCst) {
            return Err(BusError::Unavailable("broker down (test)".into()));
        }
        self.inner.publish(records).await?;
        if self.lose_next_ack.swap(false, Ordering::SeqCst) {
            // Published, but the relay never hears so: as if it died before marking.
            return Err(BusError::Unavailable("acknowledgement lost (test)".into()));
        }
        Ok(())
    }

    async fn subscribe(
        &self,
        group: &str,
        topics: &[String],
    ) -> Result<Box<dyn Subscription>, BusError> {
        self.inner.subscribe(group, topics).await
    }

    async fn ready(&self) -> bool {
        !self.down.load(Ordering::SeqCst) && self.inner.ready().await
    }

    fn name(&self) -> &'static str {
        self.inner.name()
    }
}

/// One producing-and-consuming service's database with its outbox, over a bus.
pub struct Rig {
    pub db: DatabaseConnection,
    pub bus: Arc<FlakyBus>,
    pub outbox: Outbox,
    pub tenant: Uuid,
    pub relay: Option<Relay>,
    /// (aggregate, n) in the order the consumer handled them.
    pub handled: Arc<Mutex<Vec<(Uuid, u64)>>>,
}

impl Rig {
    pub async fn new(bus: Arc<dyn EventBus>) -> Rig {
        let url = kefu_testkit::fresh_database_url("events").await.unwrap();
        let db = kefu_platform::db::connect(&url).await.unwrap();
        Migrator::up(&db, None).await.unwrap();
        db.execute_unprepared(
            "CREATE TABLE effects (event_id TEXT NOT NULL, aggregate TEXT NOT NULL, n BIGINT NOT NULL)",
        )
        .await
        .unwrap();
        // As a service does after its migrations: consumers enter row-level security for
        // the event's tenant, so the request role needs its grants on these tables.
        kefu_platform::rls::apply(&db).await.unwrap();
        Rig {
            db,
            bus: FlakyBus::new(bus),
            outbox: Outbox::new(),
            tenant: Uuid::now_v7(),
            relay: None,
            handled: Arc::default(),
        }
    }

    pub fn start_relay(&mut self) {
        let settings = RelaySettings {
            min_backoff: std::time::Duration::from_millis(20),
            max_backoff: std::time::Duration::from_millis(200),
            ..RelaySettings::default()
        };
        self.relay = Some(Relay::spawn(
            self.db.clone(),
            self.bus.clone(),
            self.outbox.waker(),
            settings,
        ));
    }

    /// Writes the pings in one committed transaction each batch.
    pub async fn write(&self, pings: Vec<Ping>) {
        let tenant = self.tenant;
        self.outbox
            .transaction::<_, _, sea_orm::DbErr>(&self.db, move |txn| {
                Box::pin(async move {
                    for ping in &pings {
                        kefu_events::append(txn, tenant, None, ping).await?;
                    }
                    Ok(())
                })
            })
            .await
            .unwrap();
    }

    /// Starts a consumer (group `service`) that records each ping's effect.
    pub async fn consume(&self, service: &str) -> tokio::task::JoinHandle<()> {
        let tenant = self.tenant;
        let handled = self.handled.clone();
        Consumers::new(service)
            .with_retry(RetryPolicy {
                attempts: 3,
                first_backoff: std::time::Duration::from_millis(10),
            })
            .on::<Ping, _>(move |txn, envelope, ping| {
                let handled = handled.clone();
                Box::pin(effect(txn, envelope, ping, tenant, handled))
            })
            .spawn(self.db.clone(), self.bus.clone())
            .await
            .unwrap()
    }

    /// How many effects each event id had, for this rig's tenant.
    pub async fn effects(&self) -> Vec<(String, i64)> {
        let rows = self
            .db
            .query_all(Statement::from_string(
                self.db.get_database_backend(),
                "SELECT event_id, COUNT(*) AS n FROM effects GROUP BY event_id",
            ))
            .await
            .unwrap();
        rows.into_iter()
            .map(|r| {
                (
                    r.try_get("", "event_id").unwrap(),
                    r.try_get("", "n").unwrap(),
                )
            })
            .collect()
    }

    /// Waits until `count` distinct events had their effect (or panics after `secs`).
    pub async fn wait_for_effects(&self, count: usize, secs: u64) -> Vec<(String, i64)> {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(secs);
        loop {
            let effects = self.effects().await;
            if effects.len() >= count {
                return effects;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "only {} of {count} effects after {secs} s",
                effects.len()
            );
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
    }

    /// Waits until the outbox has nothing pending (or panics after `secs`).
    pub async fn wait_until_drained(&self, secs: u64) {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(secs);
        while self.pending().await > 0 {
            assert!(
                std::time::Instant::now() < deadline,
                "outbox not drained after {secs} s"
            );
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
    }

    /// Rows still waiting in the outbox.
    pub async fn pending(&self) -> i64 {
        let row = self
            .db
            .query_one(Statement::from_string(
                self.db.get_database_backend(),
                "SELECT COUNT(*) AS n FROM event_outbox WHERE published_at IS NULL",
            ))
            .await
            .unwrap()
            .unwrap();
        row.try_get("", "n").unwrap()
    }
}

fn effect<'t>(
    txn: &'t DatabaseTransaction,
    envelope: &'t Envelope,
    ping: Ping,
    tenant: Uuid,
    handled: Arc<Mutex<Vec<(Uuid, u64)>>>,
) -> BoxFuture<'t, anyhow::Result<()>> {
    Box::pin(async move {
        // A shared broker carries other tests' events too.
        if envelope.tenant_id != tenant {
            return Ok(());
        }
        anyhow::ensure!(!ping.poison, "poison event {}", ping.n);
        txn.execute(Statement::from_sql_and_values(
            txn.get_database_backend(),
            if txn.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
                "INSERT INTO effects (event_id, aggregate, n) VALUES ($1, $2, $3)"
            } else {
                "INSERT INTO effects (event_id, aggregate, n) VALUES (?, ?, ?)"
            },
            [
                Value::from(envelope.id.to_string()),
                Value::from(ping.id.to_string()),
                Value::from(ping.n as i64),
            ],
        ))
        .await?;
        handled.lock().unwrap().push((ping.id, ping.n));
        Ok(())
    })
}

/// A fresh embedded log in its own file.
pub async fn embedded_bus() -> Arc<dyn EventBus> {
    Arc::new(embedded_log(&format!("events-{}", Uuid::now_v7().simple())).await)
}

/// The embedded log in a named temp file (reopen it by name to test restarts).
pub async fn embedded_log(name: &str) -> kefu_events::EmbeddedLog {
    let dir = std::env::temp_dir().join("kefu-tests");
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite://{}/{name}.db?mode=rwc", dir.display());
    kefu_events::EmbeddedLog::open(&url, 3).await.unwrap()
}
