//! The envelope every event travels in (PRODUCT.md §4) and the trait of event types.

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// An event type of the catalogue: its `type` string, schema version and topic.
pub trait Event: Serialize + DeserializeOwned + JsonSchema + Send + Sync + 'static {
    /// The `type` of the envelope, e.g. `tenant.created`.
    const TYPE: &'static str;
    /// The schema version of `data`; a breaking change is a new version.
    const VERSION: u32;
    /// The producing service; its topic is `kefu.<service>`.
    const SERVICE: &'static str;

    /// The aggregate the event is about (the tenant, user, team, …).
    fn aggregate_id(&self) -> Uuid;
}

/// The topic a service produces to.
pub fn topic_of(service: &str) -> String {
    format!("kefu.{service}")
}

/// The dead-letter topic of a consuming service.
pub fn dead_letter_topic_of(service: &str) -> String {
    format!("kefu.{service}.dlq")
}

/// An event as it travels: ids, type, version, who and when, and its `data`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Envelope {
    /// Unique id (UUIDv7); consumers deduplicate on it.
    pub id: Uuid,
    /// Event type, e.g. `ticket.solved`.
    #[serde(rename = "type")]
    pub event_type: String,
    /// Schema version of `data`.
    pub version: u32,
    /// The tenant the change belongs to.
    pub tenant_id: Uuid,
    /// The aggregate the change is about; with the tenant it is the partition key.
    pub aggregate_id: Uuid,
    /// When the change happened.
    pub occurred_at: DateTime<Utc>,
    /// The user or API client that caused it, if any.
    pub actor: Option<Uuid>,
    /// The event's own fields.
    pub data: serde_json::Value,
}

impl Envelope {
    /// The tenant whose change this is, as the scope its consumers act in: a consumed
    /// event is one of the three proofs of a tenant (kefu_platform::tenancy).
    pub fn scope(&self) -> kefu_platform::TenantScope {
        kefu_platform::TenantScope::for_worker(self.tenant_id, "consumed event")
    }

    /// Wraps `event` of `tenant_id`, caused by `actor`, happening now.
    pub fn new<E: Event>(
        tenant_id: Uuid,
        actor: Option<Uuid>,
        event: &E,
    ) -> serde_json::Result<Self> {
        Ok(Self {
            id: Uuid::now_v7(),
            event_type: E::TYPE.to_string(),
            version: E::VERSION,
            tenant_id,
            aggregate_id: event.aggregate_id(),
            occurred_at: Utc::now(),
            actor,
            data: serde_json::to_value(event)?,
        })
    }

    /// The partition key: one aggregate's events stay in order.
    pub fn key(&self) -> String {
        format!("{}:{}", self.tenant_id, self.aggregate_id)
    }

    /// Whether this envelope carries `E` (same type and version).
    pub fn is<E: Event>(&self) -> bool {
        self.event_type == E::TYPE && self.version == E::VERSION
    }

    /// The `data` as `E`.
    pub fn decode<E: Event>(&self) -> serde_json::Result<E> {
        serde_json::from_value(self.data.clone())
    }
}
