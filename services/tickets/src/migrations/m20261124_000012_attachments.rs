//! Attachments of tickets and replies (the bytes live in the object store).

use kefu_platform::schema::*;
use sea_orm_migration::prelude::*;

/// Creates `attachments`.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261124_000012_tickets_attachments"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(table(
            "attachments",
            vec![
                id("id"),
                uuid("tenant_id"),
                uuid("ticket_id"),
                uuid_null("comment_id"),
                text("filename"),
                text("content_type"),
                int("size"),
                text("object_key"),
                uuid_null("uploaded_by"),
                time("created_at"),
            ],
        ))
        .await?;
        m.create_index(index(
            "ix_attachments",
            "attachments",
            &["tenant_id", "ticket_id", "id"],
            false,
        ))
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(Alias::new("attachments")).to_owned())
            .await
    }
}
