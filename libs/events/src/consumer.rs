//! Idempotent consumers: a handler per event type runs in a transaction with an inbox
//! row of the event id, so a redelivered event has no second effect; a handler that
//! keeps failing sends the event to the service's dead-letter topic.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use futures_util::future::BoxFuture;
use opentelemetry::propagation::TextMapPropagator;
use opentelemetry_sdk::propagation::TraceContextPropagator;
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, DatabaseConnection, DatabaseTransaction, EntityTrait,
    QueryFilter, TransactionTrait,
};
use tracing::Instrument;
use tracing_opentelemetry::OpenTelemetrySpanExt;

use crate::bus::{Delivery, EventBus, Record, Subscription};
use crate::envelope::{dead_letter_topic_of, topic_of, Envelope, Event};

pub use migration::{DeliveriesMigration, Migration};

/// Events a consumer has handled, in the consuming service's database.
pub mod entity {
    use sea_orm::entity::prelude::*;

    /// One handled event.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "event_inbox")]
    pub struct Model {
        /// The consumer group (the service).
        #[sea_orm(primary_key, auto_increment = false)]
        pub consumer: String,
        /// The envelope's id.
        #[sea_orm(primary_key, auto_increment = false)]
        pub event_id: Uuid,
        /// Its type, for operators reading the table.
        pub event_type: String,
        /// Handled at.
        pub handled_at: ChronoDateTimeUtc,
        /// How many times it was delivered: more than 1 after a redelivery, which had no
        /// second effect (operators see redeliveries; tests wait for one to be processed).
        pub deliveries: i64,
    }

    /// No relations.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

mod migration {
    use sea_orm_migration::prelude::*;

    /// Creates `event_inbox`; every consuming service lists it in its migrator.
    pub struct Migration;

    impl MigrationName for Migration {
        fn name(&self) -> &str {
            "m20261123_000004_events_inbox"
        }
    }

    #[async_trait::async_trait]
    impl MigrationTrait for Migration {
        async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
            let col = |name: &str| ColumnDef::new(Alias::new(name)).to_owned();
            manager
                .create_table(
                    Table::create()
                        .table(Alias::new("event_inbox"))
                        .if_not_exists()
                        .col(col("consumer").text().not_null())
                        .col(col("event_id").uuid().not_null())
                        .col(col("event_type").text().not_null())
                        .col(col("handled_at").timestamp_with_time_zone().not_null())
                        .primary_key(
                            Index::create()
                                .col(Alias::new("consumer"))
                                .col(Alias::new("event_id")),
                        )
                        .to_owned(),
                )
                .await
        }

        async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
            manager
                .drop_table(Table::drop().table(Alias::new("event_inbox")).to_owned())
                .await
        }
    }

    /// Adds `event_inbox.deliveries`; listed after [`Migration`].
    pub struct DeliveriesMigration;

    impl MigrationName for DeliveriesMigration {
        fn name(&self) -> &str {
            "m20261203_000001_events_inbox_deliveries"
        }
    }

    #[async_trait::async_trait]
    impl MigrationTrait for DeliveriesMigration {
        async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
            manager
                .alter_table(
                    Table::alter()
                        .table(Alias::new("event_inbox"))
                        .add_column(
                            ColumnDef::new(Alias::new("deliveries"))
                                .big_integer()
                                .not_null()
                                .default(1),
                        )
                        .to_owned(),
                )
                .await
        }

        async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
            manager
                .alter_table(
                    Table::alter()
                        .table(Alias::new("event_inbox"))
                        .drop_column(Alias::new("deliveries"))
                        .to_owned(),
                )
                .await
        }
    }
}

/// A handler: the decoded envelope, inside the transaction that also records it handled.
type Handler = Arc<
    dyn for<'t> Fn(&'t DatabaseTransaction, &'t Envelope) -> BoxFuture<'t, anyhow::Result<()>>
        + Send
        + Sync,
>;

/// How often a failing handler is retried before the event goes to the dead-letter topic.
#[derive(Debug, Clone)]
pub struct RetryPolicy {
    /// Attempts in all (the first one included).
    pub attempts: u32,
    /// Wait after the first failure; doubles each time.
    pub first_backoff: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            attempts: 5,
            first_backoff: Duration::from_millis(100),
        }
    }
}

/// The handlers of one consuming service.
pub struct Consumers {
    service: String,
    handlers: HashMap<(&'static str, u32), Handler>,
    topics: Vec<String>,
    retry: RetryPolicy,
}

impl Consumers {
    /// Handlers of `service` (its consumer group and dead-letter topic are named after it).
    pub fn new(service: impl Into<String>) -> Self {
        Self {
            service: service.into(),
            handlers: HashMap::new(),
            topics: Vec::new(),
            retry: RetryPolicy::default(),
        }
    }

    /// Changes the retry policy.
    pub fn with_retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// Handles events of type `E` with `handler`, which gets the envelope and the event.
    pub fn on<E, F>(mut self, handler: F) -> Self
    where
        E: Event,
        F: for<'t> Fn(
                &'t DatabaseTransaction,
                &'t Envelope,
                E,
            ) -> BoxFuture<'t, anyhow::Result<()>>
            + Send
            + Sync
            + 'static,
    {
        let handler: Handler = Arc::new(move |txn, envelope| match envelope.decode::<E>() {
            Ok(event) => handler(txn, envelope, event),
            Err(error) => {
                Box::pin(async move { Err(anyhow::anyhow!("undecodable data: {error}")) })
            }
        });
        self.handlers.insert((E::TYPE, E::VERSION), handler);
        let topic = topic_of(E::SERVICE);
        if !self.topics.contains(&topic) {
            self.topics.push(topic);
        }
        self
    }

    /// Subscribes and handles events until the task is aborted.
    pub async fn spawn(
        self,
        db: DatabaseConnection,
        bus: Arc<dyn EventBus>,
    ) -> Result<tokio::task::JoinHandle<()>, crate::bus::BusError> {
        let subscription = bus.subscribe(&self.service, &self.topics).await?;
        Ok(tokio::spawn(self.run(db, bus, subscription)))
    }

    async fn run(
        self,
        db: DatabaseConnection,
        bus: Arc<dyn EventBus>,
        mut subscription: Box<dyn Subscription>,
    ) {
        let mut backoff = Duration::from_millis(100);
        loop {
            let delivery = match subscription.next().await {
                Ok(delivery) => delivery,
                Err(error) => {
                    tracing::warn!(%error, consumer = %self.service, "reading events failed");
                    tokio::time::sleep(backoff).await;
                    backoff = (backoff * 2).min(Duration::from_secs(10));
                    continue;
                }
            };
            backoff = Duration::from_millis(100);
            self.process(&db, bus.as_ref(), &delivery).await;
            // The offset moves only after the effect (or the dead letter) is stored.
            while let Err(error) = subscription.commit(&delivery).await {
                tracing::warn!(%error, consumer = %self.service, "committing the offset failed");
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
        }
    }

    /// Handles one delivery: its effect once, or its dead letter.
    async fn process(&self, db: &DatabaseConnection, bus: &dyn EventBus, delivery: &Delivery) {
        let envelope: Envelope = match serde_json::from_slice(&delivery.record.payload) {
            Ok(envelope) => envelope,
            Err(error) => {
                self.dead_letter(bus, delivery, &format!("not an event envelope: {error}"))
                    .await;
                return;
            }
        };
        let Some(handler) = self
            .handlers
            .get(&(envelope.event_type.as_str(), envelope.version))
        else {
            return;
        };
        let span = tracing::info_span!(
            "event.consume",
            otel.kind = "consumer",
            consumer = %self.service,
            event_type = %envelope.event_type,
            event_id = %envelope.id,
            tenant_id = %envelope.tenant_id,
        );
        let headers: HashMap<String, String> = delivery.record.headers.iter().cloned().collect();
        let _ = span.set_parent(TraceContextPropagator::new().extract(&headers));
        let mut wait = self.retry.first_backoff;
        let mut last_error = String::new();
        for attempt in 1..=self.retry.attempts.max(1) {
            // The handler acts for the event's tenant: under row-level security (on
            // PostgreSQL) its transaction sees and writes that tenant's rows only.
            match envelope
                .scope()
                .enter(self.handle_once(db, handler, &envelope))
                .instrument(span.clone())
                .await
            {
                Ok(()) => {
                    metrics::counter!("kefu_events_consumed_total", "consumer" => self.service.clone()).increment(1);
                    return;
                }
                Err(error) => {
                    last_error = format!("{error:#}");
                    tracing::warn!(parent: &span, attempt, error = %last_error, "event handler failed");
                    if attempt < self.retry.attempts {
                        tokio::time::sleep(wait).await;
                        wait *= 2;
                    }
                }
            }
        }
        self.dead_letter(bus, delivery, &last_error).await;
    }

    async fn handle_once(
        &self,
        db: &DatabaseConnection,
        handler: &Handler,
        envelope: &Envelope,
    ) -> anyhow::Result<()> {
        let txn = db.begin().await?;
        let inserted = entity::Entity::insert(entity::ActiveModel {
            consumer: Set(self.service.clone()),
            event_id: Set(envelope.id),
            event_type: Set(envelope.event_type.clone()),
            handled_at: Set(Utc::now()),
            deliveries: Set(1),
        })
        .on_conflict(
            OnConflict::columns([entity::Column::Consumer, entity::Column::EventId])
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(&txn)
        .await?;
        if inserted == 0 {
            // Delivered before and handled: at-least-once delivery, exactly-once effect.
            // Only the count moves.
            entity::Entity::update_many()
                .col_expr(
                    entity::Column::Deliveries,
                    Expr::col(entity::Column::Deliveries).add(1),
                )
                .filter(entity::Column::Consumer.eq(self.service.clone()))
                .filter(entity::Column::EventId.eq(envelope.id))
                .exec(&txn)
                .await?;
            txn.commit().await?;
            return Ok(());
        }
        handler(&txn, envelope).await?;
        txn.commit().await?;
        Ok(())
    }

    /// Sends the delivery to `kefu.<service>.dlq` with the reason, retrying until it is taken:
    /// moving past it without a dead letter would lose it.
    async fn dead_letter(&self, bus: &dyn EventBus, delivery: &Delivery, reason: &str) {
        tracing::error!(consumer = %self.service, topic = %delivery.record.topic, offset = delivery.offset, %reason, "event sent to the dead-letter topic");
        let mut headers = delivery.record.headers.clone();
        headers.push(("kefu-error".into(), reason.chars().take(1000).collect()));
        headers.push((
            "kefu-source".into(),
            format!(
                "{}/{}/{}",
                delivery.record.topic, delivery.partition, delivery.offset
            ),
        ));
        let record = Record {
            topic: dead_letter_topic_of(&self.service),
            key: delivery.record.key.clone(),
            payload: delivery.record.payload.clone(),
            headers,
        };
        let mut wait = Duration::from_millis(100);
        while let Err(error) = bus.publish(vec![record.clone()]).await {
            tracing::warn!(%error, "dead-letter publish failed");
            tokio::time::sleep(wait).await;
            wait = (wait * 2).min(Duration::from_secs(10));
        }
        metrics::counter!("kefu_events_dead_lettered_total", "consumer" => self.service.clone())
            .increment(1);
    }
}
