//! The producer/consumer suite, run on every back-end (see the `bus_suite!` uses in main.rs).

use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use kefu_events::bus::EventBus;
use kefu_events::dead_letter_topic_of;
use uuid::Uuid;

use crate::support::{Ping, Rig};

fn ping(id: Uuid, n: u64) -> Ping {
    Ping {
        id,
        n,
        poison: false,
    }
}

/// A rolled-back transaction leaves nothing in the outbox and nothing on the bus.
pub async fn a_rolled_back_change_publishes_nothing(bus: Arc<dyn EventBus>) {
    let mut rig = Rig::new(bus).await;
    rig.start_relay();
    let tenant = rig.tenant;
    let result = rig
        .outbox
        .transaction::<_, (), anyhow::Error>(&rig.db, move |txn| {
            Box::pin(async move {
                kefu_events::append(txn, tenant, None, &ping(Uuid::now_v7(), 1)).await?;
                anyhow::bail!("the change failed after its event was appended")
            })
        })
        .await;
    assert!(result.is_err());
    rig.write(vec![ping(Uuid::now_v7(), 2)]).await;
    let consumer = rig.consume(&format!("t{}", Uuid::now_v7().simple())).await;

    rig.wait_for_effects(1, 20).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let handled = rig.handled.lock().unwrap().clone();
    assert_eq!(handled.iter().map(|h| h.1).collect::<Vec<_>>(), vec![2]);
    consumer.abort();
}

/// Published but not marked (the relay died in between): delivered twice, effect once.
pub async fn a_lost_acknowledgement_redelivers_and_the_effect_happens_once(bus: Arc<dyn EventBus>) {
    let mut rig = Rig::new(bus).await;
    rig.bus.lose_next_ack.store(true, Ordering::SeqCst);
    rig.write((1..=3).map(|n| ping(Uuid::now_v7(), n)).collect())
        .await;
    rig.start_relay();
    let consumer = rig.consume(&format!("t{}", Uuid::now_v7().simple())).await;

    let effects = rig.wait_for_effects(3, 20).await;
    // The relay publishes the batch again, and only then marks it.
    rig.wait_until_drained(20).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let effects_after = rig.effects().await;
    assert_eq!(effects, effects_after);
    assert!(
        effects_after.iter().all(|(_, n)| *n == 1),
        "{effects_after:?}"
    );
    assert_eq!(rig.pending().await, 0);
    consumer.abort();
}

/// A poison event goes to the dead-letter topic; the next one on its partition still runs.
pub async fn a_poison_event_is_dead_lettered_and_the_partition_moves_on(bus: Arc<dyn EventBus>) {
    let mut rig = Rig::new(bus.clone()).await;
    let service = format!("t{}", Uuid::now_v7().simple());
    let aggregate = Uuid::now_v7();
    rig.write(vec![
        Ping {
            id: aggregate,
            n: 1,
            poison: true,
        },
        ping(aggregate, 2),
    ])
    .await;
    rig.start_relay();
    let consumer = rig.consume(&service).await;

    rig.wait_for_effects(1, 20).await;
    assert_eq!(rig.handled.lock().unwrap().clone(), vec![(aggregate, 2)]);
    let mut dead = bus
        .subscribe(
            &format!("{service}-dlq-reader"),
            &[dead_letter_topic_of(&service)],
        )
        .await
        .unwrap();
    let letter = tokio::time::timeout(Duration::from_secs(20), dead.next())
        .await
        .expect("a dead letter")
        .unwrap();
    let envelope: kefu_events::Envelope = serde_json::from_slice(&letter.record.payload).unwrap();
    assert_eq!(envelope.decode::<Ping>().unwrap().n, 1);
    assert!(letter.header("kefu-error").unwrap().contains("poison"));
    consumer.abort();
}

/// With the broker down writes still commit; when it returns every event arrives.
pub async fn writes_succeed_while_the_broker_is_down_and_arrive_after(bus: Arc<dyn EventBus>) {
    let mut rig = Rig::new(bus).await;
    rig.bus.down.store(true, Ordering::SeqCst);
    rig.start_relay();
    for n in 1..=20 {
        rig.write(vec![ping(Uuid::now_v7(), n)]).await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(rig.pending().await, 20);
    assert!(!rig.relay.as_ref().unwrap().health.publishing());
    assert!(!rig.bus.ready().await);

    rig.bus.down.store(false, Ordering::SeqCst);
    let consumer = rig.consume(&format!("t{}", Uuid::now_v7().simple())).await;

    // A new group reads the shared test topic from the start: on the real broker that
    // can mean the ten thousand events of the ordering test first, on a loaded machine.
    rig.wait_for_effects(20, 120).await;
    rig.wait_until_drained(20).await;
    assert!(rig.relay.as_ref().unwrap().health.publishing());
    consumer.abort();
}

/// 10 000 events over many aggregates: each aggregate's events are handled in order.
pub async fn order_holds_per_aggregate_across_ten_thousand_events(bus: Arc<dyn EventBus>) {
    let mut rig = Rig::new(bus).await;
    let aggregates: Vec<Uuid> = (0..50).map(|_| Uuid::now_v7()).collect();
    rig.start_relay();
    let consumer = rig.consume(&format!("t{}", Uuid::now_v7().simple())).await;
    for chunk in 0..20u64 {
        let pings = (0..500u64)
            .map(|i| {
                let n = chunk * 500 + i;
                ping(aggregates[(n % 50) as usize], n)
            })
            .collect();
        rig.write(pings).await;
    }

    rig.wait_for_effects(10_000, 120).await;
    let handled = rig.handled.lock().unwrap().clone();
    let mut last: HashMap<Uuid, u64> = HashMap::new();
    for (aggregate, n) in handled {
        if let Some(previous) = last.insert(aggregate, n) {
            assert!(n > previous, "aggregate {aggregate}: {n} after {previous}");
        }
    }
    assert_eq!(last.len(), 50);
    consumer.abort();
}

/// The handler's span belongs to the trace of the change that wrote the event.
pub async fn a_consumer_span_joins_the_trace_of_the_change(bus: Arc<dyn EventBus>) {
    use opentelemetry::trace::{TraceContextExt, TraceId};
    use tracing::Instrument;
    use tracing_opentelemetry::OpenTelemetrySpanExt;

    kefu_testkit::init_test_logging();
    let mut rig = Rig::new(bus).await;
    rig.start_relay();
    let request = tracing::info_span!("request");
    let trace_id = request.context().span().span_context().trace_id();
    assert_ne!(trace_id, TraceId::INVALID, "tracing is on in tests");
    rig.write(vec![ping(Uuid::now_v7(), 1)])
        .instrument(request)
        .await;

    let tenant = rig.tenant;
    let seen: Arc<std::sync::Mutex<Vec<(TraceId, bool)>>> = Arc::default();
    let record = seen.clone();
    let consumer = kefu_events::Consumers::new(format!("t{}", Uuid::now_v7().simple()))
        .on::<crate::support::Ping, _>(move |_txn, envelope, _ping| {
            let record = record.clone();
            let mine = envelope.tenant_id == tenant;
            Box::pin(async move {
                if mine {
                    let span = tracing::Span::current();
                    let context = span.context();
                    let span_context = context.span().span_context().clone();
                    let is_consumer = span.metadata().is_some_and(|m| m.name() == "event.consume");
                    record
                        .lock()
                        .unwrap()
                        .push((span_context.trace_id(), is_consumer));
                }
                Ok(())
            })
        })
        .spawn(rig.db.clone(), rig.bus.clone())
        .await
        .unwrap();

    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while seen.lock().unwrap().is_empty() {
        assert!(
            std::time::Instant::now() < deadline,
            "the event never arrived"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(seen.lock().unwrap()[0], (trace_id, true));
    consumer.abort();
}

/// Generates one test per scenario for a back-end; `$bus` is an async expression.
#[macro_export]
macro_rules! bus_suite {
    ($backend:ident, $bus:expr) => {
        mod $backend {
            #[allow(unused_imports)]
            use super::*;

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn a_rolled_back_change_publishes_nothing() {
                if let Some(bus) = $bus {
                    $crate::suite::a_rolled_back_change_publishes_nothing(bus).await;
                }
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn a_lost_acknowledgement_redelivers_and_the_effect_happens_once() {
                if let Some(bus) = $bus {
                    $crate::suite::a_lost_acknowledgement_redelivers_and_the_effect_happens_once(
                        bus,
                    )
                    .await;
                }
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn a_poison_event_is_dead_lettered_and_the_partition_moves_on() {
                if let Some(bus) = $bus {
                    $crate::suite::a_poison_event_is_dead_lettered_and_the_partition_moves_on(bus)
                        .await;
                }
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn writes_succeed_while_the_broker_is_down_and_arrive_after() {
                if let Some(bus) = $bus {
                    $crate::suite::writes_succeed_while_the_broker_is_down_and_arrive_after(bus)
                        .await;
                }
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn a_consumer_span_joins_the_trace_of_the_change() {
                if let Some(bus) = $bus {
                    $crate::suite::a_consumer_span_joins_the_trace_of_the_change(bus).await;
                }
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn order_holds_per_aggregate_across_ten_thousand_events() {
                if let Some(bus) = $bus {
                    $crate::suite::order_holds_per_aggregate_across_ten_thousand_events(bus).await;
                }
            }
        }
    };
}
