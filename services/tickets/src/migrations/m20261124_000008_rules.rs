//! Triggers and automations (business rules), and the record of automation firings.

use kefu_platform::schema::*;
use sea_orm_migration::prelude::*;

/// Creates `business_rules` and `automation_firings`.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261124_000008_tickets_business_rules"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(table(
            "business_rules",
            vec![
                id("id"),
                uuid("tenant_id"),
                text("kind"),
                text("event"),
                text("name"),
                text("conditions"),
                text("actions"),
                int("position"),
                flag("active"),
                int("version"),
                time("created_at"),
                time("updated_at"),
            ],
        ))
        .await?;
        // One row per (automation, ticket, cause): the cause is the ticket's last change,
        // so an automation never fires twice on the same state of a ticket.
        m.create_table(table(
            "automation_firings",
            vec![
                uuid("tenant_id"),
                uuid("rule_id"),
                uuid("ticket_id"),
                text("cause"),
                time("at"),
            ],
        ))
        .await?;
        m.create_index(index(
            "ix_business_rules",
            "business_rules",
            &["tenant_id", "kind", "position"],
            false,
        ))
        .await?;
        m.create_index(index(
            "ux_automation_firings",
            "automation_firings",
            &["tenant_id", "rule_id", "ticket_id", "cause"],
            true,
        ))
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for name in ["automation_firings", "business_rules"] {
            m.drop_table(Table::drop().table(Alias::new(name)).to_owned())
                .await?;
        }
        Ok(())
    }
}
