//! Events between Kefu services (PRODUCT.md §4): the envelope and catalogue, the
//! transactional outbox and its relay, the `EventBus` with an embedded log and Kafka
//! behind it, and idempotent consumers with a dead-letter topic.

pub mod bus;
pub mod catalogue;
pub mod consumer;
pub mod direct;
pub mod embedded;
pub mod envelope;
pub mod kafka;
pub mod outbox;
pub mod relay;
pub mod settings;

pub use bus::{BusError, Delivery, EventBus, Record, Subscription};
pub use consumer::{Consumers, RetryPolicy};
pub use embedded::EmbeddedLog;
pub use envelope::{dead_letter_topic_of, topic_of, Envelope, Event};
pub use outbox::{append, Outbox};
pub use relay::{EventsRuntime, Relay, RelayHealth, RelaySettings};
pub use settings::{BusKind, BusReady, BusSettings};
