//! Customers through HTTP: one test binary, one module per concern.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod helpers;

mod activity;
mod agreements;
mod care_plans;
mod customers;
mod import;
mod matrix;
mod merge;
mod pain_points;
mod purge;
mod values;
