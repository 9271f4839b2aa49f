//! The `EventBus` trait both back-ends implement: the embedded log and Kafka.

use async_trait::async_trait;

/// A header name of a record, e.g. `traceparent`.
pub const TRACEPARENT: &str = "traceparent";

/// One record to append to a topic.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    /// Topic, e.g. `kefu.accounts`.
    pub topic: String,
    /// Partition key, `tenant_id:aggregate_id`.
    pub key: String,
    /// The envelope as JSON.
    pub payload: Vec<u8>,
    /// Headers, e.g. the W3C trace context.
    pub headers: Vec<(String, String)>,
}

/// A record read from a topic, with where it was.
#[derive(Debug, Clone, PartialEq)]
pub struct Delivery {
    /// The record.
    pub record: Record,
    /// Partition it was read from.
    pub partition: i32,
    /// Its offset in that partition.
    pub offset: i64,
}

impl Delivery {
    /// A header's value, if present.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.record
            .headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// What went wrong talking to the bus.
#[derive(Debug, thiserror::Error)]
pub enum BusError {
    /// The broker (or log file) cannot be reached now; retry later.
    #[error("event bus unavailable: {0}")]
    Unavailable(String),
    /// Anything else.
    #[error("event bus error: {0}")]
    Other(String),
}

/// A durable, partitioned log of records with consumer groups.
///
/// Services never hold one: the outbox relay publishes and the consumer framework
/// reads, so every event of a change goes through the change's own transaction.
#[async_trait]
pub trait EventBus: Send + Sync + 'static {
    /// Appends records in order; returns once the bus acknowledged all of them.
    async fn publish(&self, records: Vec<Record>) -> Result<(), BusError>;

    /// Joins consumer group `group` on `topics`, starting from its committed offsets
    /// (the earliest offset for a new group).
    async fn subscribe(
        &self,
        group: &str,
        topics: &[String],
    ) -> Result<Box<dyn Subscription>, BusError>;

    /// Whether the bus answers now (readiness).
    async fn ready(&self) -> bool;

    /// The back-end's name for logs and readiness: `embedded` or `kafka`.
    fn name(&self) -> &'static str;
}

/// A consumer group member's stream of records.
#[async_trait]
pub trait Subscription: Send {
    /// The next record, waiting until one arrives; records of one partition come in order.
    async fn next(&mut self) -> Result<Delivery, BusError>;

    /// Marks `delivery` processed: the group resumes after it, also after a restart.
    async fn commit(&mut self, delivery: &Delivery) -> Result<(), BusError>;
}
