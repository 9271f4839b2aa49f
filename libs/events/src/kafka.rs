//! The Kafka back-end of the `EventBus`, on librdkafka (bundled, via `rdkafka`).

use std::collections::{BTreeSet, HashSet};
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::time::Duration;

use async_trait::async_trait;
use rdkafka::admin::{AdminClient, AdminOptions, NewTopic, TopicReplication};
use rdkafka::client::DefaultClientContext;
use rdkafka::config::ClientConfig;
use rdkafka::consumer::{Consumer, StreamConsumer};
use rdkafka::error::{KafkaError, RDKafkaErrorCode};
use rdkafka::message::{Header, Headers, Message, OwnedHeaders};
use rdkafka::metadata::Metadata;
use rdkafka::producer::{FutureProducer, FutureRecord, Producer};

use crate::bus::{BusError, Delivery, EventBus, Record, Subscription};

/// How long a record may wait for its acknowledgement (queueing and retries included)
/// before `publish` gives up: a broker that is down becomes `Unavailable`, not a hang.
const DELIVERY_TIMEOUT: Duration = Duration::from_secs(10);
/// Readiness must answer quickly, whatever the broker does.
const READY_TIMEOUT: Duration = Duration::from_secs(2);

/// The event bus on a Kafka cluster (or any broker speaking its protocol).
pub struct KafkaBus {
    brokers: String,
    partitions: i32,
    /// Replaced when librdkafka reports a fatal (idempotence) error, after which the
    /// old producer refuses every record.
    producer: RwLock<FutureProducer>,
    admin: Arc<AdminClient<DefaultClientContext>>,
    /// Whether topics are left to the broker's auto-creation (see `auto_created_topics`).
    broker_creates_topics: bool,
    /// Topics known to exist, so only the first use of a topic pays a round trip.
    ensured: Mutex<HashSet<String>>,
}

impl KafkaBus {
    /// A bus on `brokers` (`host:port,…`) that creates missing topics with `partitions` partitions.
    pub fn connect(brokers: &str, partitions: i32) -> Result<KafkaBus, BusError> {
        let admin = ClientConfig::new()
            .set("bootstrap.servers", brokers)
            // Its metadata requests only look: a broker's auto-creation would pick its own
            // partition count.
            .set("allow.auto.create.topics", "false")
            .create()
            .map_err(config_error)?;
        Ok(KafkaBus {
            brokers: brokers.to_string(),
            partitions: partitions.max(1),
            producer: RwLock::new(new_producer(brokers)?),
            admin: Arc::new(admin),
            broker_creates_topics: false,
            ensured: Mutex::new(HashSet::new()),
        })
    }

    /// Leaves missing topics to broker auto-creation, for brokers without CreateTopics (the mock).
    pub fn auto_created_topics(mut self) -> Self {
        // The broker's default partition count applies then, not `partitions`.
        self.broker_creates_topics = true;
        self
    }

    fn producer(&self) -> FutureProducer {
        self.producer
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Makes sure the topics exist, creating the missing ones.
    async fn ensure_topics<'a>(
        &self,
        topics: impl IntoIterator<Item = &'a str>,
    ) -> Result<(), BusError> {
        let unknown: BTreeSet<String> = {
            let ensured = self.ensured.lock().unwrap_or_else(PoisonError::into_inner);
            topics
                .into_iter()
                .filter(|topic| !ensured.contains(*topic))
                .map(str::to_string)
                .collect()
        };
        if unknown.is_empty() {
            return Ok(());
        }
        let checked: Vec<String> = unknown.iter().cloned().collect();
        // Looking before creating: a service may use a topic it has no right to create.
        let admin = self.admin.clone();
        let missing = blocking(move || {
            let mut missing = Vec::new();
            for topic in unknown {
                let metadata = admin
                    .inner()
                    .fetch_metadata(Some(&topic), DELIVERY_TIMEOUT)
                    .map_err(|error| {
                        BusError::Unavailable(format!("looking up topic {topic}: {error}"))
                    })?;
                if !exists(&metadata, &topic) {
                    missing.push(topic);
                }
            }
            Ok(missing)
        })
        .await?;
        if self.broker_creates_topics {
            for topic in &missing {
                self.auto_create(topic).await?;
            }
        } else {
            self.create_topics(&missing).await?;
        }
        self.ensured
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .extend(checked);
        Ok(())
    }

    async fn create_topics(&self, topics: &[String]) -> Result<(), BusError> {
        if topics.is_empty() {
            return Ok(());
        }
        // Replication -1 takes the broker's `default.replication.factor` (KIP-464), so one
        // setting fits a single dev broker and a three-broker cluster alike.
        let new_topics: Vec<NewTopic<'_>> = topics
            .iter()
            .map(|topic| NewTopic::new(topic, self.partitions, TopicReplication::Fixed(-1)))
            .collect();
        let options = AdminOptions::new()
            .request_timeout(Some(DELIVERY_TIMEOUT))
            .operation_timeout(Some(DELIVERY_TIMEOUT));
        let results = self
            .admin
            .create_topics(&new_topics, &options)
            .await
            .map_err(|error| BusError::Unavailable(format!("creating topics: {error}")))?;
        for result in results {
            match result {
                // Another instance may have created it meanwhile.
                Ok(_) | Err((_, RDKafkaErrorCode::TopicAlreadyExists)) => {}
                Err((topic, code)) => {
                    return Err(BusError::Unavailable(format!(
                        "creating topic {topic}: {code}"
                    )))
                }
            }
        }
        Ok(())
    }

    /// A producer's metadata request for a topic asks the broker to auto-create it.
    async fn auto_create(&self, topic: &str) -> Result<(), BusError> {
        let producer = self.producer();
        let name = topic.to_string();
        blocking(move || {
            let metadata = producer
                .client()
                .fetch_metadata(Some(&name), DELIVERY_TIMEOUT)
                .map_err(|error| {
                    BusError::Unavailable(format!("creating topic {name}: {error}"))
                })?;
            if exists(&metadata, &name) {
                Ok(())
            } else {
                Err(BusError::Unavailable(format!(
                    "topic {name} was not auto-created"
                )))
            }
        })
        .await
    }

    /// After a fatal error, or once the broker has fenced its producer id, the idempotent
    /// producer is dead for good; a fresh one (with a new producer id) lets the relay's
    /// retry succeed. Seen after a broker outage: tansu answered every retry with
    /// `ProducerFenced` while librdkafka reported no fatal error.
    fn renew_producer(&self, producer: &FutureProducer, fenced: bool) {
        let fatal = producer.client().fatal_error();
        if fenced || fatal.is_some() {
            let (code, reason) = fatal.unwrap_or((RDKafkaErrorCode::ProducerFenced, String::new()));
            tracing::warn!(%code, %reason, "kafka producer is fenced or failed; creating a new one");
            match new_producer(&self.brokers) {
                Ok(fresh) => {
                    *self
                        .producer
                        .write()
                        .unwrap_or_else(PoisonError::into_inner) = fresh;
                }
                Err(error) => tracing::warn!(%error, "creating a new kafka producer failed"),
            }
        }
    }
}

/// Whether a delivery error means the broker no longer accepts this producer id (its
/// epoch or sequence is gone), which no retry with the same producer can mend.
fn fences_the_producer(error: &KafkaError) -> bool {
    matches!(
        error,
        KafkaError::MessageProduction(
            RDKafkaErrorCode::ProducerFenced
                | RDKafkaErrorCode::InvalidProducerEpoch
                | RDKafkaErrorCode::OutOfOrderSequenceNumber
                | RDKafkaErrorCode::UnknownProducerId
        )
    )
}

/// Runs librdkafka's blocking calls off the async worker threads.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, BusError> + Send + 'static,
) -> Result<T, BusError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|error| BusError::Other(error.to_string()))?
}

fn exists(metadata: &Metadata, topic: &str) -> bool {
    metadata
        .topics()
        .iter()
        .any(|t| t.name() == topic && t.error().is_none() && !t.partitions().is_empty())
}

fn new_producer(brokers: &str) -> Result<FutureProducer, BusError> {
    ClientConfig::new()
        .set("bootstrap.servers", brokers)
        // Idempotence keeps retried batches from duplicating or reordering records of a
        // partition, so per-key order holds even across broker failovers.
        .set("enable.idempotence", "true")
        .set("acks", "all")
        .set(
            "message.timeout.ms",
            DELIVERY_TIMEOUT.as_millis().to_string(),
        )
        // The Java client's partitioner, so a key lands on the same partition whichever
        // client produced it.
        .set("partitioner", "murmur2_random")
        .create()
        .map_err(config_error)
}

fn config_error(error: KafkaError) -> BusError {
    BusError::Other(format!("kafka client configuration: {error}"))
}

#[async_trait]
impl EventBus for KafkaBus {
    async fn publish(&self, records: Vec<Record>) -> Result<(), BusError> {
        if records.is_empty() {
            return Ok(());
        }
        self.ensure_topics(records.iter().map(|r| r.topic.as_str()))
            .await?;
        let producer = self.producer();
        // Enqueue everything first, then wait: one round trip for the batch, while the
        // queue order (idempotent producer) keeps each key's records in order.
        let mut pending = Vec::with_capacity(records.len());
        let mut failure = None;
        for record in &records {
            let headers = record.headers.iter().fold(
                OwnedHeaders::new_with_capacity(record.headers.len()),
                |headers, (name, value)| {
                    headers.insert(Header {
                        key: name,
                        value: Some(value.as_str()),
                    })
                },
            );
            let mut message = FutureRecord::to(&record.topic)
                .key(&record.key)
                .payload(&record.payload)
                .headers(headers);
            let enqueued = loop {
                match producer.send_result(message) {
                    Ok(delivery) => break Ok(delivery),
                    // The local queue drains as acknowledgements (or timeouts) come in.
                    Err((KafkaError::MessageProduction(RDKafkaErrorCode::QueueFull), back)) => {
                        message = back;
                        tokio::time::sleep(Duration::from_millis(50)).await;
                    }
                    Err((error, _)) => break Err(error),
                }
            };
            match enqueued {
                Ok(delivery) => pending.push(delivery),
                Err(error) => {
                    failure = Some(format!("enqueueing a record: {error}"));
                    break;
                }
            }
        }
        // Wait for every enqueued record, even after a failure, so a retry by the caller
        // never races records of this call still in flight.
        let mut fenced = false;
        for delivery in pending {
            let outcome = match delivery.await {
                Ok(Ok(_)) => continue,
                Ok(Err((error, _))) => {
                    fenced |= fences_the_producer(&error);
                    format!("delivering a record: {error}")
                }
                Err(_) => "the producer went away".to_string(),
            };
            failure.get_or_insert(outcome);
        }
        match failure {
            None => Ok(()),
            Some(reason) => {
                self.renew_producer(&producer, fenced);
                Err(BusError::Unavailable(reason))
            }
        }
    }

    async fn subscribe(
        &self,
        group: &str,
        topics: &[String],
    ) -> Result<Box<dyn Subscription>, BusError> {
        self.ensure_topics(topics.iter().map(String::as_str))
            .await?;
        // Offsets are stored only in `commit`, after processing, and librdkafka's auto
        // commit sends the stored ones every second and when the consumer closes or a
        // partition is revoked. That is at-least-once without a broker round trip per
        // record (explicit `commit_message` would cost one each); a crash redelivers at
        // most the last second's records, which the idempotent consumers absorb.
        let consumer: StreamConsumer = ClientConfig::new()
            .set("bootstrap.servers", &self.brokers)
            .set("group.id", group)
            .set("enable.auto.commit", "true")
            .set("auto.commit.interval.ms", "1000")
            .set("enable.auto.offset.store", "false")
            .set("auto.offset.reset", "earliest")
            // A member that dies without leaving (killed, OOM) hands its partitions over
            // after 10 s rather than librdkafka's 45 s. librdkafka's mock cluster also
            // holds every rebalance for this long, even after a clean leave.
            .set("session.timeout.ms", "10000")
            // A broker that holds an empty fetch for the whole wait (librdkafka's mock
            // cluster does) adds up to that wait to every event's latency; 100 ms keeps the
            // commit->handled p99 within PRODUCT's lag goal at ten idle fetches a second.
            .set("fetch.wait.max.ms", "100")
            .create()
            .map_err(config_error)?;
        let names: Vec<&str> = topics.iter().map(String::as_str).collect();
        consumer
            .subscribe(&names)
            .map_err(|error| BusError::Unavailable(format!("subscribing: {error}")))?;
        Ok(Box::new(KafkaSubscription {
            consumer: Some(consumer),
        }))
    }

    async fn ready(&self) -> bool {
        let producer = self.producer();
        // `fetch_metadata` blocks its thread for up to the timeout.
        tokio::task::spawn_blocking(move || {
            producer
                .client()
                .fetch_metadata(None, READY_TIMEOUT)
                .is_ok()
        })
        .await
        .unwrap_or(false)
    }

    fn name(&self) -> &'static str {
        "kafka"
    }
}

/// A consumer group member; `None` only while being dropped.
struct KafkaSubscription {
    consumer: Option<StreamConsumer>,
}

impl KafkaSubscription {
    fn consumer(&self) -> Result<&StreamConsumer, BusError> {
        self.consumer
            .as_ref()
            .ok_or_else(|| BusError::Other("subscription closed".into()))
    }
}

#[async_trait]
impl Subscription for KafkaSubscription {
    async fn next(&mut self) -> Result<Delivery, BusError> {
        let consumer = self.consumer()?;
        loop {
            match consumer.recv().await {
                Ok(message) => {
                    let headers = message
                        .headers()
                        .map(|headers| {
                            headers
                                .iter()
                                .map(|h| {
                                    let value = h.value.unwrap_or_default();
                                    (
                                        h.key.to_string(),
                                        String::from_utf8_lossy(value).into_owned(),
                                    )
                                })
                                .collect()
                        })
                        .unwrap_or_default();
                    return Ok(Delivery {
                        record: Record {
                            topic: message.topic().to_string(),
                            key: String::from_utf8_lossy(message.key().unwrap_or_default())
                                .into_owned(),
                            payload: message.payload().unwrap_or_default().to_vec(),
                            headers,
                        },
                        partition: message.partition(),
                        offset: message.offset(),
                    });
                }
                Err(error) => {
                    // librdkafka recovers from everything but a fatal error by itself
                    // (reconnects, rebalances, topics still propagating); those errors
                    // are only news, so keep waiting for the next record.
                    if let Some((code, reason)) = consumer.client().fatal_error() {
                        return Err(BusError::Other(format!("kafka consumer: {code}: {reason}")));
                    }
                    tracing::warn!(%error, "kafka consumer");
                }
            }
        }
    }

    async fn commit(&mut self, delivery: &Delivery) -> Result<(), BusError> {
        let consumer = self.consumer()?;
        // `store_offset` takes the processed record's own offset: librdkafka stores
        // offset + 1 (the next to read) itself.
        match consumer.store_offset(&delivery.record.topic, delivery.partition, delivery.offset) {
            Ok(()) => Ok(()),
            // The partition was revoked meanwhile: its new owner resumes from the last
            // committed offset and sees this record again, which is at-least-once.
            Err(KafkaError::StoreOffset(
                RDKafkaErrorCode::State | RDKafkaErrorCode::UnknownPartition,
            )) => Ok(()),
            Err(error) => Err(BusError::Other(format!("storing the offset: {error}"))),
        }
    }
}

impl Drop for KafkaSubscription {
    fn drop(&mut self) {
        // Closing commits the stored offsets and leaves the group, polling until done:
        // blocking, so off the async worker threads when there is a runtime.
        if let Some(consumer) = self.consumer.take() {
            match tokio::runtime::Handle::try_current() {
                Ok(runtime) => {
                    runtime.spawn_blocking(move || drop(consumer));
                }
                Err(_) => drop(consumer),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fenced_producer_id_is_told_apart_from_a_passing_outage() {
        let fenced = KafkaError::MessageProduction(RDKafkaErrorCode::ProducerFenced);
        let epoch = KafkaError::MessageProduction(RDKafkaErrorCode::InvalidProducerEpoch);
        let timeout = KafkaError::MessageProduction(RDKafkaErrorCode::MessageTimedOut);
        assert!(fences_the_producer(&fenced));
        assert!(fences_the_producer(&epoch));
        assert!(!fences_the_producer(&timeout));
    }
}
