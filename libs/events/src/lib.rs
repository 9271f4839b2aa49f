//! Events between Kefu services (PRODUCT.md §4): the envelope and catalogue, the
//! transactional outbox and its relay, the `EventBus` with an embedded log and Kafka
//! behind it, and idempotent consumers with a dead-letter topic.

pub mod bus;
pub mod catalogue;
pub mod envelope;

pub use bus::{BusError, Delivery, EventBus, Record, Subscription};
pub use envelope::{dead_letter_topic_of, topic_of, Envelope, Event};
