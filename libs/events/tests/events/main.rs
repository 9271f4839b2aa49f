//! The events library: the bus suite on every back-end, the embedded log, schemas.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod embedded_log;
mod schemas;
mod suite;
mod support;

bus_suite!(embedded, Some(crate::support::embedded_bus().await));
