//! Tickets through HTTP: one test binary, one module per concern.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod helpers;

mod attachments;
mod directory;
mod dispatch;
mod filters;
mod kb;
mod lifecycle;
mod matrix;
mod portal;
mod purge;
mod queues;
mod reactions;
mod rules;
mod setup;
mod sla;
mod structure;
mod tokens;
