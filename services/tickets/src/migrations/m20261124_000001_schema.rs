//! The tickets schema: directories fed by events, tickets, tags, conversation, history.
//!
//! `tenant_id` leads every index: every query is tenant-scoped.

use kefu_platform::schema::*;
use sea_orm_migration::prelude::*;

/// Creates the first tickets tables.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261124_000001_tickets_schema"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let tables = vec![
            // What tickets knows of tenants, from accounts' events.
            table(
                "directory_tenants",
                vec![
                    id("id"),
                    text("slug"),
                    text("name"),
                    text("time_zone"),
                    text("status"),
                    time("updated_at"),
                ],
            ),
            // What tickets knows of users (the assignee directory), from accounts' events.
            table(
                "directory_users",
                vec![
                    id("id"),
                    uuid("tenant_id"),
                    text("name"),
                    text("email"),
                    text("roles"),
                    text("team_ids"),
                    text("status"),
                    uuid_null("customer_id"),
                    time("updated_at"),
                ],
            ),
            table("ticket_counters", vec![id("tenant_id"), int("last_number")]),
            table(
                "tickets",
                vec![
                    id("id"),
                    uuid("tenant_id"),
                    int("number"),
                    text("subject"),
                    text("description"),
                    text("status"),
                    text("priority"),
                    text("kind"),
                    text("channel"),
                    uuid_null("customer_id"),
                    uuid_null("contact_id"),
                    uuid_null("requester_id"),
                    uuid_null("team_id"),
                    uuid_null("assignee_id"),
                    text("tags"),
                    int("reopen_count"),
                    uuid_null("created_by"),
                    time_null("first_response_at"),
                    time_null("solved_at"),
                    time_null("closed_at"),
                    int("version"),
                    time("created_at"),
                    time("updated_at"),
                ],
            ),
            table(
                "ticket_tags",
                vec![uuid("tenant_id"), text("tag"), uuid("ticket_id")],
            ),
            table(
                "ticket_comments",
                vec![
                    id("id"),
                    uuid("tenant_id"),
                    uuid("ticket_id"),
                    uuid_null("author_id"),
                    text("author_kind"),
                    flag("public"),
                    text("body"),
                    time("created_at"),
                ],
            ),
            table(
                "ticket_history",
                vec![
                    id("id"),
                    uuid("tenant_id"),
                    uuid("ticket_id"),
                    text("field"),
                    text_null("old_value"),
                    text_null("new_value"),
                    uuid_null("actor_id"),
                    text("via"),
                    time("at"),
                ],
            ),
        ];
        for t in tables {
            m.create_table(t).await?;
        }
        let indexes = vec![
            index(
                "ux_directory_users_tenant",
                "directory_users",
                &["tenant_id", "id"],
                false,
            ),
            index(
                "ux_tickets_number",
                "tickets",
                &["tenant_id", "number"],
                true,
            ),
            index(
                "ix_tickets_status",
                "tickets",
                &["tenant_id", "status", "id"],
                false,
            ),
            index(
                "ix_tickets_assignee",
                "tickets",
                &["tenant_id", "assignee_id", "status", "id"],
                false,
            ),
            index(
                "ix_tickets_team",
                "tickets",
                &["tenant_id", "team_id", "status", "id"],
                false,
            ),
            index(
                "ix_tickets_customer",
                "tickets",
                &["tenant_id", "customer_id", "id"],
                false,
            ),
            index(
                "ix_tickets_requester",
                "tickets",
                &["tenant_id", "requester_id", "id"],
                false,
            ),
            index(
                "ix_tickets_updated",
                "tickets",
                &["tenant_id", "updated_at"],
                false,
            ),
            index(
                "ux_ticket_tags",
                "ticket_tags",
                &["tenant_id", "tag", "ticket_id"],
                true,
            ),
            index(
                "ix_ticket_tags_ticket",
                "ticket_tags",
                &["tenant_id", "ticket_id"],
                false,
            ),
            index(
                "ix_ticket_comments",
                "ticket_comments",
                &["tenant_id", "ticket_id", "id"],
                false,
            ),
            index(
                "ix_ticket_history",
                "ticket_history",
                &["tenant_id", "ticket_id", "id"],
                false,
            ),
        ];
        for i in indexes {
            m.create_index(i).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for name in [
            "ticket_history",
            "ticket_comments",
            "ticket_tags",
            "tickets",
            "ticket_counters",
            "directory_users",
            "directory_tenants",
        ] {
            m.drop_table(Table::drop().table(Alias::new(name)).to_owned())
                .await?;
        }
        Ok(())
    }
}
