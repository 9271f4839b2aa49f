//! Pain points of customers.

use kefu_platform::schema::*;
use sea_orm_migration::prelude::*;

/// Creates `pain_points`.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261125_000004_customers_pain_points"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(table(
            "pain_points",
            vec![
                id("id"),
                uuid("tenant_id"),
                uuid("customer_id"),
                text("title"),
                text("description"),
                int("impact"),
                int("urgency"),
                int("difficulty"),
                ColumnDef::new(Alias::new("priority"))
                    .double()
                    .not_null()
                    .default(0.0)
                    .to_owned(),
                text("status"),
                text("ticket_ids"),
                int("version"),
                time("created_at"),
                time("updated_at"),
            ],
        ))
        .await?;
        m.create_index(index(
            "ix_pain_points_customer",
            "pain_points",
            &["tenant_id", "customer_id", "status"],
            false,
        ))
        .await?;
        m.create_index(index(
            "ix_pain_points_status",
            "pain_points",
            &["tenant_id", "status", "id"],
            false,
        ))
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(Alias::new("pain_points")).to_owned())
            .await
    }
}
