//! Single-use password-reset tokens.

use sea_orm_migration::prelude::*;

/// Creates `password_resets`.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261123_000002_accounts_password_resets"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let col = |name: &str| ColumnDef::new(Alias::new(name)).to_owned();
        m.create_table(
            Table::create()
                .table(Alias::new("password_resets"))
                .if_not_exists()
                .col(col("id").uuid().not_null().primary_key())
                .col(col("tenant_id").uuid().not_null())
                .col(col("user_id").uuid().not_null())
                .col(col("token_hash").text().not_null())
                .col(col("expires_at").timestamp_with_time_zone().not_null())
                .col(col("used_at").timestamp_with_time_zone().null())
                .col(col("created_at").timestamp_with_time_zone().not_null())
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_password_resets_token")
                .table(Alias::new("password_resets"))
                .col(Alias::new("token_hash"))
                .unique()
                .if_not_exists()
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(
            Table::drop()
                .table(Alias::new("password_resets"))
                .if_exists()
                .to_owned(),
        )
        .await
    }
}
