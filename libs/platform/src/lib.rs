//! The platform every Kefu service is built on: configuration, telemetry,
//! problem+json errors, the verified-token extractor, typed ids, keyset
//! pagination, idempotency, optimistic concurrency, health and metrics, and
//! database connection and migration for SQLite and PostgreSQL.

pub mod auth;
pub mod clock;
pub mod concurrency;
pub mod config;
pub mod db;
pub mod error;
pub mod files;
pub mod health;
pub mod http;
pub mod idempotency;
pub mod ids;
pub mod jobs;
pub mod json;
pub mod mail;
pub mod metrics;
pub mod pagination;
pub mod purge;
pub mod query;
pub mod rls;
pub mod schema;
pub mod store;
pub mod telemetry;
pub mod tenancy;
pub mod validation;

pub use auth::{Authz, TenantContext};
pub use error::{ApiError, FieldError};
pub use tenancy::{TenantId, TenantScope};
