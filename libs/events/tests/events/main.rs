//! The events library: the bus suite on every back-end, the embedded log, schemas.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod embedded_log;
mod kafka_bus;
mod schemas;
mod suite;
mod support;

bus_suite!(embedded, Some(crate::support::embedded_bus().await));
bus_suite!(
    kafka_mock,
    Some(crate::kafka_bus::KafkaUnderTest::mock().into_bus())
);
bus_suite!(
    kafka_real,
    crate::kafka_bus::KafkaUnderTest::real().map(|kafka| kafka.into_bus())
);
