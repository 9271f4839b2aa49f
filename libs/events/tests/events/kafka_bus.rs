//! The Kafka bus on librdkafka's mock cluster and, when `KEFU_TEST_KAFKA_BROKERS` names
//! one, on a real broker.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;
use std::time::Duration;

use kefu_events::bus::{BusError, Delivery, EventBus, Record, Subscription, TRACEPARENT};
use kefu_events::kafka::KafkaBus;
use rdkafka::mocking::MockCluster;
use rdkafka::producer::DefaultProducerContext;
use uuid::Uuid;

/// A broker for the Kafka tests: an in-process mock cluster or a real one.
pub struct KafkaUnderTest {
    /// `bootstrap.servers` of the broker.
    pub brokers: String,
    _mock: Option<MockCluster<'static, DefaultProducerContext>>,
}

impl KafkaUnderTest {
    /// librdkafka's mock cluster of three brokers, running as long as this value lives.
    pub fn mock() -> KafkaUnderTest {
        let mock = MockCluster::new(3).expect("a librdkafka mock cluster");
        KafkaUnderTest {
            brokers: mock.bootstrap_servers(),
            _mock: Some(mock),
        }
    }

    /// The broker named by `KEFU_TEST_KAFKA_BROKERS`, if set.
    pub fn real() -> Option<KafkaUnderTest> {
        let Some(brokers) = std::env::var("KEFU_TEST_KAFKA_BROKERS").ok() else {
            kefu_testkit::skipped(
                "a Kafka bus test on a real broker",
                "set KEFU_TEST_KAFKA_BROKERS",
            );
            return None;
        };
        let brokers = brokers.trim();
        (!brokers.is_empty()).then(|| KafkaUnderTest {
            brokers: brokers.to_string(),
            _mock: None,
        })
    }

    /// A bus on this broker; topics get three partitions (four on the mock, which auto-creates).
    pub fn bus(&self) -> KafkaBus {
        let bus = KafkaBus::connect(&self.brokers, 3).expect("a kafka bus");
        if self._mock.is_some() {
            bus.auto_created_topics()
        } else {
            bus
        }
    }

    /// The bus for the shared suite, leaking a mock cluster so it outlives this value.
    pub fn into_bus(mut self) -> Arc<dyn EventBus> {
        let bus = Arc::new(self.bus());
        std::mem::forget(self._mock.take());
        bus
    }
}

const WAIT: Duration = Duration::from_secs(30);

fn fresh_topic() -> String {
    format!("kefu.test-{}", Uuid::now_v7().simple())
}

fn fresh_group() -> String {
    format!("test-{}", Uuid::now_v7().simple())
}

fn traceparent(i: usize) -> String {
    format!("00-{:032x}-{:016x}-01", i + 1, i + 1)
}

/// 100 records over 5 keys; the payload is the record's number.
fn hundred_records(topic: &str) -> Vec<Record> {
    (0..100)
        .map(|i| Record {
            topic: topic.to_string(),
            key: format!("tenant:aggregate-{}", i % 5),
            payload: i.to_string().into_bytes(),
            headers: vec![(TRACEPARENT.to_string(), traceparent(i))],
        })
        .collect()
}

fn number(delivery: &Delivery) -> usize {
    std::str::from_utf8(&delivery.record.payload)
        .unwrap()
        .parse()
        .unwrap()
}

async fn next(subscription: &mut Box<dyn Subscription>) -> Delivery {
    tokio::time::timeout(WAIT, subscription.next())
        .await
        .expect("a record within 30 s")
        .unwrap()
}

async fn every_record_arrives_in_order_per_key(bus: &KafkaBus) {
    let topic = fresh_topic();
    let records = hundred_records(&topic);
    bus.publish(records[..50].to_vec()).await.unwrap();
    bus.publish(records[50..].to_vec()).await.unwrap();

    let mut subscription = bus
        .subscribe(&fresh_group(), std::slice::from_ref(&topic))
        .await
        .unwrap();
    let mut last: HashMap<String, (usize, i32)> = HashMap::new();
    for _ in 0..100 {
        let delivery = next(&mut subscription).await;
        let n = number(&delivery);
        assert_eq!(delivery.record, records[n]);
        if let Some((previous, partition)) = last.get(&delivery.record.key) {
            assert!(
                n > *previous,
                "{}: {n} after {previous}",
                delivery.record.key
            );
            assert_eq!(delivery.partition, *partition, "one key, one partition");
        }
        last.insert(delivery.record.key.clone(), (n, delivery.partition));
        subscription.commit(&delivery).await.unwrap();
    }
    let finals: BTreeSet<usize> = last.values().map(|(n, _)| *n).collect();
    assert_eq!(
        finals,
        (95..100).collect(),
        "each key's last record came last"
    );
}

async fn a_resubscribed_group_resumes_after_its_last_commit(kafka: &KafkaUnderTest) {
    let bus = &kafka.bus();
    let topic = fresh_topic();
    if kafka._mock.is_some() {
        bus.publish(hundred_records(&topic)).await.unwrap();
    } else {
        // One record per batch on a real broker: tansu 0.6 fetches only the batches whose
        // base offset is at or after the fetch offset, so a group resuming in the middle
        // of a batch never gets the rest of it (Kafka returns the whole batch).
        for record in hundred_records(&topic) {
            bus.publish(vec![record]).await.unwrap();
        }
    }
    let group = fresh_group();

    let mut first = bus
        .subscribe(&group, std::slice::from_ref(&topic))
        .await
        .unwrap();
    let mut seen = BTreeSet::new();
    // Read 40 but commit only the first 30: the other 10 may come again, nothing else may.
    let mut committed: HashMap<i32, i64> = HashMap::new();
    for i in 0..40 {
        let delivery = next(&mut first).await;
        seen.insert(number(&delivery));
        if i < 30 {
            first.commit(&delivery).await.unwrap();
            committed.insert(delivery.partition, delivery.offset);
        }
    }
    drop(first);

    let mut second = bus
        .subscribe(&group, std::slice::from_ref(&topic))
        .await
        .unwrap();
    let mut resumed_at: HashMap<i32, i64> = HashMap::new();
    while seen.len() < 100 {
        let delivery = next(&mut second).await;
        if let Some(offset) = committed.get(&delivery.partition) {
            assert!(
                delivery.offset > *offset,
                "partition {} redelivered offset {} at or before its commit {offset}",
                delivery.partition,
                delivery.offset
            );
        }
        resumed_at
            .entry(delivery.partition)
            .or_insert(delivery.offset);
        seen.insert(number(&delivery));
        second.commit(&delivery).await.unwrap();
    }
    // (A partition read to its end in the first session has nothing left to resume.)
    for (partition, offset) in &committed {
        if let Some(first) = resumed_at.get(partition) {
            assert_eq!(
                *first,
                offset + 1,
                "partition {partition} resumes right after its commit"
            );
        }
    }
}

async fn headers_survive_the_round_trip(bus: &KafkaBus) {
    let topic = fresh_topic();
    let records = vec![
        Record {
            topic: topic.clone(),
            key: "t1:a1".into(),
            payload: br#"{"type":"test"}"#.to_vec(),
            headers: vec![
                (TRACEPARENT.into(), traceparent(7)),
                ("tracestate".into(), "kefu=1,vendor=x".into()),
                ("empty".into(), String::new()),
                ("unicode".into(), "客服 ✓".into()),
            ],
        },
        Record {
            topic: topic.clone(),
            key: "t1:a1".into(),
            payload: b"no headers".to_vec(),
            headers: Vec::new(),
        },
    ];
    bus.publish(records.clone()).await.unwrap();

    let mut subscription = bus
        .subscribe(&fresh_group(), std::slice::from_ref(&topic))
        .await
        .unwrap();
    let first = next(&mut subscription).await;
    let second = next(&mut subscription).await;
    assert_eq!(first.record, records[0]);
    assert_eq!(first.header(TRACEPARENT), Some(traceparent(7).as_str()));
    assert_eq!(second.record, records[1]);
    assert_eq!(second.offset, first.offset + 1);
}

async fn it_is_ready_and_named_kafka(bus: &KafkaBus) {
    assert!(bus.ready().await);
    assert_eq!(bus.name(), "kafka");
}

/// Runs each scenario on a broker; `$kafka` gives an `Option<KafkaUnderTest>`.
macro_rules! kafka_tests {
    ($broker:ident, $kafka:expr) => {
        mod $broker {
            use super::KafkaUnderTest;

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn every_record_arrives_in_order_per_key() {
                if let Some(kafka) = $kafka {
                    super::every_record_arrives_in_order_per_key(&kafka.bus()).await;
                }
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn a_resubscribed_group_resumes_after_its_last_commit() {
                if let Some(kafka) = $kafka {
                    super::a_resubscribed_group_resumes_after_its_last_commit(&kafka).await;
                }
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn headers_survive_the_round_trip() {
                if let Some(kafka) = $kafka {
                    super::headers_survive_the_round_trip(&kafka.bus()).await;
                }
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn it_is_ready_and_named_kafka() {
                if let Some(kafka) = $kafka {
                    super::it_is_ready_and_named_kafka(&kafka.bus()).await;
                }
            }
        }
    };
}

kafka_tests!(mock, Some(KafkaUnderTest::mock()));
kafka_tests!(real, KafkaUnderTest::real());

/// A broker that is not there makes publishing fail in bounded time, and readiness false.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_down_broker_is_unavailable_rather_than_a_hang() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let bus = KafkaBus::connect(&format!("127.0.0.1:{port}"), 3).unwrap();

    let ready = tokio::time::timeout(Duration::from_secs(5), bus.ready()).await;
    assert_eq!(ready.ok(), Some(false));
    let published = tokio::time::timeout(WAIT, bus.publish(hundred_records(&fresh_topic())))
        .await
        .expect("publish gives up within its delivery timeout");
    assert!(
        matches!(published, Err(BusError::Unavailable(_))),
        "{published:?}"
    );
}
