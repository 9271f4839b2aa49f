//! Service steps, links between tickets (parent/child, related, merged) and followers.

use kefu_platform::schema::*;
use sea_orm_migration::prelude::*;

/// Creates steps, links and followers.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261124_000005_tickets_structure"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let tables = vec![
            table(
                "ticket_steps",
                vec![
                    id("id"),
                    uuid("tenant_id"),
                    uuid("ticket_id"),
                    int("position"),
                    text("title"),
                    uuid_null("owner_id"),
                    time_null("due_at"),
                    time_null("done_at"),
                    int("version"),
                    time("created_at"),
                ],
            ),
            // `kind` reads from source to target: `parent_of`, `related`, `merged_into`.
            table(
                "ticket_links",
                vec![
                    id("id"),
                    uuid("tenant_id"),
                    uuid("source_id"),
                    uuid("target_id"),
                    text("kind"),
                    time("created_at"),
                ],
            ),
            table(
                "ticket_followers",
                vec![uuid("tenant_id"), uuid("ticket_id"), uuid("user_id")],
            ),
        ];
        for t in tables {
            m.create_table(t).await?;
        }
        for i in [
            index(
                "ix_ticket_steps",
                "ticket_steps",
                &["tenant_id", "ticket_id", "position"],
                false,
            ),
            index(
                "ix_ticket_steps_due",
                "ticket_steps",
                &["tenant_id", "done_at", "due_at"],
                false,
            ),
            index(
                "ux_ticket_links",
                "ticket_links",
                &["tenant_id", "source_id", "target_id", "kind"],
                true,
            ),
            index(
                "ix_ticket_links_target",
                "ticket_links",
                &["tenant_id", "target_id"],
                false,
            ),
            index(
                "ux_ticket_followers",
                "ticket_followers",
                &["tenant_id", "ticket_id", "user_id"],
                true,
            ),
        ] {
            m.create_index(i).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for name in ["ticket_followers", "ticket_links", "ticket_steps"] {
            m.drop_table(Table::drop().table(Alias::new(name)).to_owned())
                .await?;
        }
        Ok(())
    }
}
