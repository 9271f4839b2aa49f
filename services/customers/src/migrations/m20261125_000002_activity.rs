//! What customers learns from its own staff and from other services: interactions,
//! a copy of each customer's tickets (for the card's counters), survey scores.

use kefu_platform::schema::*;
use sea_orm_migration::prelude::*;

/// Creates `interactions`, `customer_tickets` and `customer_scores`.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261125_000002_customers_activity"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for statement in [
            table(
                "interactions",
                vec![
                    id("id"),
                    uuid("tenant_id"),
                    uuid("customer_id"),
                    time("at"),
                    text("channel"),
                    text("direction"),
                    text("summary"),
                    text_null("outcome"),
                    uuid_null("user_id"),
                    text("source"),
                    uuid_null("ticket_id"),
                    time("created_at"),
                ],
            ),
            table(
                "customer_tickets",
                vec![
                    id("ticket_id"),
                    uuid("tenant_id"),
                    uuid_null("customer_id"),
                    int("number"),
                    text("subject"),
                    text("kind"),
                    text("status"),
                    text("channel"),
                    time("opened_at"),
                    time_null("solved_at"),
                    time("updated_at"),
                ],
            ),
            table(
                "customer_scores",
                vec![
                    id("response_id"),
                    uuid("tenant_id"),
                    uuid("customer_id"),
                    uuid_null("ticket_id"),
                    ColumnDef::new(Alias::new("csat"))
                        .double()
                        .null()
                        .to_owned(),
                    ColumnDef::new(Alias::new("nps")).double().null().to_owned(),
                    ColumnDef::new(Alias::new("ces")).double().null().to_owned(),
                    time("at"),
                ],
            ),
        ] {
            m.create_table(statement).await?;
        }
        for statement in [
            index(
                "ix_interactions_customer",
                "interactions",
                &["tenant_id", "customer_id", "id"],
                false,
            ),
            index(
                "ix_customer_tickets_customer",
                "customer_tickets",
                &["tenant_id", "customer_id", "status"],
                false,
            ),
            index(
                "ix_customer_scores_customer",
                "customer_scores",
                &["tenant_id", "customer_id", "at"],
                false,
            ),
        ] {
            m.create_index(statement).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for name in ["customer_scores", "customer_tickets", "interactions"] {
            m.drop_table(Table::drop().table(Alias::new(name)).to_owned())
                .await?;
        }
        Ok(())
    }
}
