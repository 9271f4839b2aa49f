//! Complaint resolution fields, dispatch rules, agent skills and escalation rules.

use kefu_platform::schema::*;
use sea_orm_migration::prelude::*;

/// Adds the tables and columns of dispatch and escalation.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261124_000003_tickets_rules"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per statement.
        for column in ["root_cause", "remedy"] {
            m.alter_table(
                Table::alter()
                    .table(Alias::new("tickets"))
                    .add_column(text_null(column))
                    .to_owned(),
            )
            .await?;
        }
        let tables = vec![
            table(
                "dispatch_rules",
                vec![
                    id("id"),
                    uuid("tenant_id"),
                    uuid("team_id"),
                    text("strategy"),
                    text_null("skill"),
                    uuid_null("last_assignee_id"),
                    int("version"),
                    time("created_at"),
                    time("updated_at"),
                ],
            ),
            table(
                "agent_skills",
                vec![
                    uuid("tenant_id"),
                    uuid("user_id"),
                    text("skill"),
                    time_null("expires_at"),
                ],
            ),
            table(
                "escalation_rules",
                vec![
                    id("id"),
                    uuid("tenant_id"),
                    text("name"),
                    text("trigger"),
                    text("metrics"),
                    text("priorities"),
                    text_null("notify_role"),
                    flag("raise_priority"),
                    uuid_null("reassign_team_id"),
                    int("position"),
                    int("version"),
                    time("created_at"),
                    time("updated_at"),
                ],
            ),
        ];
        for t in tables {
            m.create_table(t).await?;
        }
        for i in [
            index(
                "ux_dispatch_rules_team",
                "dispatch_rules",
                &["tenant_id", "team_id"],
                true,
            ),
            index(
                "ux_agent_skills",
                "agent_skills",
                &["tenant_id", "user_id", "skill"],
                true,
            ),
            index(
                "ix_escalation_rules",
                "escalation_rules",
                &["tenant_id", "position"],
                false,
            ),
        ] {
            m.create_index(i).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for name in ["escalation_rules", "agent_skills", "dispatch_rules"] {
            m.drop_table(Table::drop().table(Alias::new(name)).to_owned())
                .await?;
        }
        Ok(())
    }
}
