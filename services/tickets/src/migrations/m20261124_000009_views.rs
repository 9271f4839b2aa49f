//! Saved ticket views: named filters for a user, a team or the whole tenant.

use kefu_platform::schema::*;
use sea_orm_migration::prelude::*;

/// Creates `ticket_views`.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261124_000009_tickets_views"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(table(
            "ticket_views",
            vec![
                id("id"),
                uuid("tenant_id"),
                text("name"),
                text("query"),
                uuid_null("owner_id"),
                uuid_null("team_id"),
                int("position"),
                int("version"),
                time("created_at"),
                time("updated_at"),
            ],
        ))
        .await?;
        m.create_index(index(
            "ix_ticket_views",
            "ticket_views",
            &["tenant_id", "position"],
            false,
        ))
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(Alias::new("ticket_views")).to_owned())
            .await
    }
}
