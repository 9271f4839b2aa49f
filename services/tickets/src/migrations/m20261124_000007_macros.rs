//! Macros (named sets of ticket changes and a canned reply), and partial indexes of the
//! unsolved tickets per assignee and team: an agent's open queue stays a short index walk
//! however many closed tickets they have.

use kefu_platform::schema::*;
use sea_orm_migration::prelude::*;

/// Creates `macros`.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261124_000007_tickets_macros"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(table(
            "macros",
            vec![
                id("id"),
                uuid("tenant_id"),
                text("name"),
                text("actions"),
                int("version"),
                time("created_at"),
                time("updated_at"),
            ],
        ))
        .await?;
        m.create_index(index(
            "ux_macros_name",
            "macros",
            &["tenant_id", "name"],
            true,
        ))
        .await?;
        for (name, column) in [
            ("ix_tickets_assignee_unsolved", "assignee_id"),
            ("ix_tickets_team_unsolved", "team_id"),
        ] {
            let mut unsolved = index(name, "tickets", &["tenant_id", column, "id"], false);
            unsolved.and_where(
                Expr::col(Alias::new("status")).is_in(["new", "open", "pending", "on_hold"]),
            );
            m.create_index(unsolved).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(Alias::new("macros")).to_owned())
            .await
    }
}
