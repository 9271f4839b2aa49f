//! The customer directory (from customers' events) and the CSAT of tickets (from surveys').

use kefu_platform::schema::*;
use sea_orm_migration::prelude::*;

/// Adds the customer directory and `tickets.csat_score`.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261124_000004_tickets_customers"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(table(
            "directory_customers",
            vec![
                id("id"),
                uuid("tenant_id"),
                text("name"),
                text_null("tier"),
                text_null("service_level"),
                uuid_null("owner_id"),
                time("updated_at"),
            ],
        ))
        .await?;
        m.create_index(index(
            "ix_directory_customers",
            "directory_customers",
            &["tenant_id", "id"],
            false,
        ))
        .await?;
        m.alter_table(
            Table::alter()
                .table(Alias::new("tickets"))
                .add_column(
                    ColumnDef::new(Alias::new("csat_score"))
                        .big_integer()
                        .null(),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(
            Table::drop()
                .table(Alias::new("directory_customers"))
                .to_owned(),
        )
        .await
    }
}
