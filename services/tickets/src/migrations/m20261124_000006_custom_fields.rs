//! Tenant-defined custom fields and their values on tickets; queue indexes that keep
//! the id order (the list bench showed `assignee + status IN (…)` sorting 10 000s of rows).

use kefu_platform::schema::*;
use sea_orm_migration::prelude::*;

/// Creates `custom_fields` and adds `tickets.custom_fields`.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261124_000006_tickets_custom_fields"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(table(
            "custom_fields",
            vec![
                id("id"),
                uuid("tenant_id"),
                text("key"),
                text("label"),
                text("field_type"),
                text("options"),
                flag("required"),
                int("position"),
                int("version"),
                time("created_at"),
                time("updated_at"),
            ],
        ))
        .await?;
        m.create_index(index(
            "ux_custom_fields_key",
            "custom_fields",
            &["tenant_id", "key"],
            true,
        ))
        .await?;
        m.alter_table(
            Table::alter()
                .table(Alias::new("tickets"))
                .add_column(
                    ColumnDef::new(Alias::new("custom_fields"))
                        .text()
                        .not_null()
                        .default("{}"),
                )
                .to_owned(),
        )
        .await?;
        // (tenant, assignee, id) walks one agent's tickets newest first and filters the
        // status on the way, so a queue page stops after its 50 rows; with the status
        // before the id, a list of statuses had to be sorted in full.
        for (old, new, column) in [
            (
                "ix_tickets_assignee",
                "ix_tickets_assignee_id",
                "assignee_id",
            ),
            ("ix_tickets_team", "ix_tickets_team_id", "team_id"),
        ] {
            m.drop_index(
                Index::drop()
                    .name(old)
                    .table(Alias::new("tickets"))
                    .to_owned(),
            )
            .await?;
            m.create_index(index(new, "tickets", &["tenant_id", column, "id"], false))
                .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(Alias::new("custom_fields")).to_owned())
            .await
    }
}
