//! Service agreements.

use kefu_platform::schema::*;
use sea_orm_migration::prelude::*;

/// Creates `agreements`.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261125_000003_customers_agreements"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(table(
            "agreements",
            vec![
                id("id"),
                uuid("tenant_id"),
                uuid("customer_id"),
                text("name"),
                text("service_level"),
                text("status"),
                text("starts_on"),
                text_null("ends_on"),
                text("terms"),
                time_null("activated_at"),
                time_null("ended_at"),
                int("version"),
                time("created_at"),
                time("updated_at"),
            ],
        ))
        .await?;
        m.create_index(index(
            "ix_agreements_customer",
            "agreements",
            &["tenant_id", "customer_id", "status"],
            false,
        ))
        .await?;
        m.create_index(index(
            "ix_agreements_status",
            "agreements",
            &["tenant_id", "status", "id"],
            false,
        ))
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(Alias::new("agreements")).to_owned())
            .await
    }
}
