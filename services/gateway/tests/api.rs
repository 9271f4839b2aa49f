//! The gateway through HTTP: a fake upstream on a loopback port behind a real gateway.
// The helpers are test code too: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "api/access.rs"]
mod access;
#[path = "api/documents.rs"]
mod documents;
#[path = "api/limits.rs"]
mod limits;
#[path = "api/proxying.rs"]
mod proxying;
#[path = "api/support.rs"]
mod support;
