//! The directory tables, for a service that did not create them in its own schema.

use kefu_platform::schema::*;
use sea_orm_migration::prelude::*;

/// Creates `directory_tenants` and `directory_users`.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "kefu_directory_000001"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(table(
            "directory_tenants",
            vec![
                id("id"),
                text("slug"),
                text("name"),
                text("time_zone"),
                text("status"),
                time("updated_at"),
            ],
        ))
        .await?;
        m.create_table(table(
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
        ))
        .await?;
        m.create_index(index(
            "ux_directory_users_tenant",
            "directory_users",
            &["tenant_id", "id"],
            false,
        ))
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for name in ["directory_users", "directory_tenants"] {
            m.drop_table(Table::drop().table(Alias::new(name)).to_owned())
                .await?;
        }
        Ok(())
    }
}
