//! Schema migrations owned by accounts.

use sea_orm_migration::prelude::*;

mod m20261123_000001_schema;
mod m20261123_000002_password_resets;

/// Every accounts migration, in order.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(kefu_platform::idempotency::Migration),
            Box::new(m20261123_000001_schema::Migration),
            Box::new(kefu_platform::mail::Migration),
            Box::new(m20261123_000002_password_resets::Migration),
            Box::new(kefu_events::outbox::Migration),
        ]
    }
}
