//! The transactional outbox: events are rows written in the change's own transaction.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use opentelemetry::propagation::TextMapPropagator;
use opentelemetry_sdk::propagation::TraceContextPropagator;
use sea_orm::{
    ActiveValue::{NotSet, Set},
    DatabaseConnection, DatabaseTransaction, DbErr, EntityTrait, TransactionError,
    TransactionTrait,
};
use tokio::sync::Notify;
use tracing_opentelemetry::OpenTelemetrySpanExt;
use uuid::Uuid;

use crate::bus::TRACEPARENT;
use crate::envelope::{topic_of, Envelope, Event};

pub use migration::Migration;

/// Rows waiting for (or done with) the relay, in the producing service's database.
pub mod entity {
    use sea_orm::entity::prelude::*;

    /// One event to publish.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "event_outbox")]
    pub struct Model {
        /// Insertion order: the relay publishes in this order.
        #[sea_orm(primary_key)]
        pub seq: i64,
        /// The envelope's id.
        pub event_id: Uuid,
        /// Topic, `kefu.<service>`.
        pub topic: String,
        /// Partition key, `tenant_id:aggregate_id`.
        pub partition_key: String,
        /// Event type (for operators reading the table).
        pub event_type: String,
        /// The envelope as JSON.
        pub payload: String,
        /// Record headers as a JSON object (the W3C trace context).
        pub headers: String,
        /// Written at.
        pub created_at: ChronoDateTimeUtc,
        /// Acknowledged by the bus at.
        pub published_at: Option<ChronoDateTimeUtc>,
    }

    /// No relations.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

mod migration {
    use sea_orm_migration::prelude::*;

    /// Creates `event_outbox`; every producing service lists it in its migrator.
    pub struct Migration;

    impl MigrationName for Migration {
        fn name(&self) -> &str {
            "m20261123_000003_events_outbox"
        }
    }

    #[async_trait::async_trait]
    impl MigrationTrait for Migration {
        async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
            let col = |name: &str| ColumnDef::new(Alias::new(name)).to_owned();
            manager
                .create_table(
                    Table::create()
                        .table(Alias::new("event_outbox"))
                        .if_not_exists()
                        .col(
                            col("seq")
                                .big_integer()
                                .not_null()
                                .auto_increment()
                                .primary_key(),
                        )
                        .col(col("event_id").uuid().not_null().unique_key())
                        .col(col("topic").text().not_null())
                        .col(col("partition_key").text().not_null())
                        .col(col("event_type").text().not_null())
                        .col(col("payload").text().not_null())
                        .col(col("headers").text().not_null())
                        .col(col("created_at").timestamp_with_time_zone().not_null())
                        .col(col("published_at").timestamp_with_time_zone().null())
                        .to_owned(),
                )
                .await?;
            manager
                .create_index(
                    Index::create()
                        .name("ix_event_outbox_pending")
                        .table(Alias::new("event_outbox"))
                        .col(Alias::new("published_at"))
                        .col(Alias::new("seq"))
                        .if_not_exists()
                        .to_owned(),
                )
                .await
        }

        async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
            manager
                .drop_table(Table::drop().table(Alias::new("event_outbox")).to_owned())
                .await
        }
    }
}

/// Writes events into the outbox and wakes the relay after a commit.
///
/// This is the only way a service emits an event: `append` takes the change's
/// transaction, so a rolled-back change leaves no event and a committed one no gap.
#[derive(Clone, Default)]
pub struct Outbox {
    wake: Arc<Notify>,
}

impl Outbox {
    /// A new outbox handle; give its [`Outbox::waker`] to the relay.
    pub fn new() -> Self {
        Self::default()
    }

    /// What the relay waits on.
    pub fn waker(&self) -> Arc<Notify> {
        self.wake.clone()
    }

    /// Tells the relay a transaction holding events committed.
    pub fn committed(&self) {
        self.wake.notify_one();
    }

    /// Runs `work` in a transaction and wakes the relay once it committed.
    pub async fn transaction<F, T, E>(
        &self,
        db: &DatabaseConnection,
        work: F,
    ) -> Result<T, TransactionError<E>>
    where
        F: for<'c> FnOnce(
                &'c DatabaseTransaction,
            ) -> std::pin::Pin<
                Box<dyn std::future::Future<Output = Result<T, E>> + Send + 'c>,
            > + Send,
        T: Send,
        E: std::fmt::Display + std::fmt::Debug + Send,
    {
        let result = db.transaction(work).await;
        if result.is_ok() {
            self.committed();
        }
        result
    }
}

/// Appends `event` of `tenant_id`, caused by `actor`, to the outbox inside `txn`.
pub async fn append<E: Event>(
    txn: &DatabaseTransaction,
    tenant_id: Uuid,
    actor: Option<Uuid>,
    event: &E,
) -> Result<Envelope, DbErr> {
    let envelope =
        Envelope::new(tenant_id, actor, event).map_err(|e| DbErr::Custom(e.to_string()))?;
    let payload = serde_json::to_string(&envelope).map_err(|e| DbErr::Custom(e.to_string()))?;
    let headers = serde_json::to_string(&current_trace_headers())
        .map_err(|e| DbErr::Custom(e.to_string()))?;
    entity::Entity::insert(entity::ActiveModel {
        seq: NotSet,
        event_id: Set(envelope.id),
        topic: Set(topic_of(E::SERVICE)),
        partition_key: Set(envelope.key()),
        event_type: Set(envelope.event_type.clone()),
        payload: Set(payload),
        headers: Set(headers),
        created_at: Set(Utc::now()),
        published_at: Set(None::<DateTime<Utc>>),
    })
    .exec(txn)
    .await?;
    Ok(envelope)
}

/// The W3C trace context of the current span, so the consumer's span joins the request's trace.
pub fn current_trace_headers() -> std::collections::HashMap<String, String> {
    let mut headers = std::collections::HashMap::new();
    let context = tracing::Span::current().context();
    TraceContextPropagator::new().inject_context(&context, &mut headers);
    headers.retain(|name, _| name == TRACEPARENT || name == "tracestate");
    headers
}
