//! Care and follow-up plans and their occurrences.

use kefu_platform::schema::*;
use sea_orm_migration::prelude::*;

/// Creates `care_plans` and `follow_ups`.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261125_000005_customers_care_plans"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(table(
            "care_plans",
            vec![
                id("id"),
                uuid("tenant_id"),
                uuid("customer_id"),
                uuid_null("contact_id"),
                text("name"),
                text("rule"),
                text("starts_at"),
                text("time_zone"),
                text("channel"),
                text("kind"),
                uuid_null("template_id"),
                text_null("task"),
                flag("active"),
                time("materialized_until"),
                int("version"),
                time("created_at"),
                time("updated_at"),
            ],
        ))
        .await?;
        m.create_table(table(
            "follow_ups",
            vec![
                id("id"),
                uuid("tenant_id"),
                uuid("plan_id"),
                uuid("customer_id"),
                time("due_at"),
                text("status"),
                time_null("announced_at"),
                text_null("outcome"),
                uuid_null("completed_by"),
                time_null("completed_at"),
                int("version"),
            ],
        ))
        .await?;
        for statement in [
            index(
                "ix_care_plans_customer",
                "care_plans",
                &["tenant_id", "customer_id", "id"],
                false,
            ),
            index(
                "ux_follow_ups_plan_due",
                "follow_ups",
                &["plan_id", "due_at"],
                true,
            ),
            index(
                "ix_follow_ups_tenant",
                "follow_ups",
                &["tenant_id", "status", "due_at"],
                false,
            ),
            index(
                "ix_follow_ups_due",
                "follow_ups",
                &["status", "due_at"],
                false,
            ),
        ] {
            m.create_index(statement).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for name in ["follow_ups", "care_plans"] {
            m.drop_table(Table::drop().table(Alias::new(name)).to_owned())
                .await?;
        }
        Ok(())
    }
}
