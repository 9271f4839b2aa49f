//! Business-hours calendars, SLA policies and the SLA clocks of tickets.

use kefu_platform::schema::*;
use sea_orm_migration::prelude::*;

/// Creates the SLA tables.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261124_000002_tickets_sla"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let tables = vec![
            table(
                "calendars",
                vec![
                    id("id"),
                    uuid("tenant_id"),
                    text("name"),
                    text("time_zone"),
                    text("weekly"),
                    text("holidays"),
                    flag("is_default"),
                    int("version"),
                    time("created_at"),
                    time("updated_at"),
                ],
            ),
            table(
                "sla_policies",
                vec![
                    id("id"),
                    uuid("tenant_id"),
                    text("name"),
                    int("position"),
                    text("conditions"),
                    text("targets"),
                    uuid("calendar_id"),
                    text("pause_statuses"),
                    int("at_risk_percent"),
                    int("version"),
                    time("created_at"),
                    time("updated_at"),
                ],
            ),
            // One clock per (ticket, metric); the scanner reads the open ones by due time.
            table(
                "ticket_slas",
                vec![
                    id("id"),
                    uuid("tenant_id"),
                    uuid("ticket_id"),
                    text("metric"),
                    uuid("policy_id"),
                    int("policy_version"),
                    uuid("calendar_id"),
                    int("target_minutes"),
                    flag("business_hours"),
                    int("at_risk_percent"),
                    time("started_at"),
                    text("pauses"),
                    time_null("stopped_at"),
                    time_null("due_at"),
                    time_null("at_risk_at"),
                    time_null("at_risk_sent_at"),
                    time_null("breached_at"),
                ],
            ),
            table(
                "ticket_sla_log",
                vec![
                    id("id"),
                    uuid("tenant_id"),
                    uuid("ticket_id"),
                    text("metric"),
                    text("kind"),
                    text("detail"),
                    time("at"),
                ],
            ),
        ];
        for t in tables {
            m.create_table(t).await?;
        }
        let indexes = vec![
            index(
                "ux_calendars_name",
                "calendars",
                &["tenant_id", "name"],
                true,
            ),
            index(
                "ix_sla_policies_position",
                "sla_policies",
                &["tenant_id", "position"],
                false,
            ),
            index(
                "ux_ticket_slas",
                "ticket_slas",
                &["tenant_id", "ticket_id", "metric"],
                true,
            ),
            index("ix_ticket_slas_due", "ticket_slas", &["due_at"], false),
            index(
                "ix_ticket_slas_at_risk",
                "ticket_slas",
                &["at_risk_at"],
                false,
            ),
            index(
                "ix_ticket_sla_log",
                "ticket_sla_log",
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
        for name in ["ticket_sla_log", "ticket_slas", "sla_policies", "calendars"] {
            m.drop_table(Table::drop().table(Alias::new(name)).to_owned())
                .await?;
        }
        Ok(())
    }
}
