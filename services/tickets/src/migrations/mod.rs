//! Schema migrations owned by tickets.

use sea_orm_migration::prelude::*;

mod m20261124_000001_schema;
mod m20261124_000002_sla;
mod m20261124_000003_rules;
mod m20261124_000004_customers;
mod m20261124_000005_structure;
mod m20261124_000006_custom_fields;
mod m20261124_000007_macros;
mod m20261124_000008_rules;
mod m20261124_000009_views;
mod m20261124_000010_kb;
mod m20261124_000011_ticket_search;
mod m20261124_000012_attachments;

/// Every tickets migration, in order.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(kefu_platform::idempotency::Migration),
            Box::new(kefu_events::outbox::Migration),
            Box::new(kefu_events::consumer::Migration),
            Box::new(m20261124_000001_schema::Migration),
            Box::new(m20261124_000002_sla::Migration),
            Box::new(m20261124_000003_rules::Migration),
            Box::new(m20261124_000004_customers::Migration),
            Box::new(m20261124_000005_structure::Migration),
            Box::new(m20261124_000006_custom_fields::Migration),
            Box::new(m20261124_000007_macros::Migration),
            Box::new(m20261124_000008_rules::Migration),
            Box::new(m20261124_000009_views::Migration),
            Box::new(m20261124_000010_kb::Migration),
            Box::new(kefu_platform::mail::Migration),
            Box::new(m20261124_000011_ticket_search::Migration),
            Box::new(m20261124_000012_attachments::Migration),
            // After every migration already applied somewhere, so it runs last.
            Box::new(kefu_events::consumer::DeliveriesMigration),
        ]
    }
}
