//! Schema migrations owned by customers.

use sea_orm_migration::prelude::*;

mod m20261125_000001_schema;
mod m20261125_000002_activity;
mod m20261125_000003_agreements;
mod m20261125_000004_pain_points;
mod m20261125_000005_care_plans;

/// Every customers migration, in order.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(kefu_platform::idempotency::Migration),
            Box::new(kefu_events::outbox::Migration),
            Box::new(kefu_events::consumer::Migration),
            Box::new(kefu_directory::Migration),
            Box::new(m20261125_000001_schema::Migration),
            Box::new(m20261125_000002_activity::Migration),
            Box::new(m20261125_000003_agreements::Migration),
            Box::new(m20261125_000004_pain_points::Migration),
            Box::new(m20261125_000005_care_plans::Migration),
            // After every migration already applied somewhere, so it runs last.
            Box::new(kefu_events::consumer::DeliveriesMigration),
        ]
    }
}
