//! The accounts schema: tenants, users, roles, teams, sessions, clients, keys, audit.

use kefu_platform::schema::*;
use sea_orm_migration::prelude::*;

/// Creates every accounts table.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261123_000001_accounts_schema"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let tables = vec![
            table(
                "tenants",
                vec![
                    id("id"),
                    text("slug"),
                    text("name"),
                    text("status"),
                    text("plan"),
                    text("time_zone"),
                    text("locale"),
                    text_null("business_hours_calendar"),
                    int("version"),
                    time("created_at"),
                    time("updated_at"),
                    time_null("deleted_at"),
                ],
            ),
            table(
                "users",
                vec![
                    id("id"),
                    uuid("tenant_id"),
                    text("email"),
                    text("email_normalized"),
                    text("name"),
                    text_null("phone"),
                    text_null("password_hash"),
                    text("status"),
                    text("roles"),
                    uuid_null("customer_id"),
                    uuid_null("contact_id"),
                    int("failed_logins"),
                    time_null("failed_window_start"),
                    time_null("locked_until"),
                    time_null("last_login_at"),
                    int("version"),
                    time("created_at"),
                    time("updated_at"),
                ],
            ),
            table(
                "operators",
                vec![
                    id("id"),
                    text("email"),
                    text("name"),
                    text("password_hash"),
                    int("failed_logins"),
                    time_null("failed_window_start"),
                    time_null("locked_until"),
                    time_null("last_login_at"),
                    time("created_at"),
                ],
            ),
            table(
                "roles",
                vec![
                    id("id"),
                    uuid("tenant_id"),
                    text("key"),
                    text("name"),
                    text_null("description"),
                    text("scopes"),
                    ColumnDef::new(Alias::new("builtin"))
                        .boolean()
                        .not_null()
                        .default(false)
                        .to_owned(),
                    int("version"),
                    time("created_at"),
                    time("updated_at"),
                ],
            ),
            table(
                "teams",
                vec![
                    id("id"),
                    uuid("tenant_id"),
                    text("name"),
                    text_null("description"),
                    int("version"),
                    time("created_at"),
                    time("updated_at"),
                ],
            ),
            table(
                "team_members",
                vec![
                    uuid("team_id"),
                    uuid("user_id"),
                    uuid("tenant_id"),
                    time("created_at"),
                ],
            ),
            table(
                "invitations",
                vec![
                    id("id"),
                    uuid("tenant_id"),
                    uuid("user_id"),
                    text("token_hash"),
                    time("expires_at"),
                    time_null("accepted_at"),
                    time("created_at"),
                ],
            ),
            table(
                "sessions",
                vec![
                    id("id"),
                    uuid_null("tenant_id"),
                    uuid("subject_id"),
                    text_null("user_agent"),
                    time("created_at"),
                    time("last_used_at"),
                    time("expires_at"),
                    time_null("revoked_at"),
                    text_null("revoked_reason"),
                ],
            ),
            table(
                "refresh_tokens",
                vec![
                    id("id"),
                    uuid("session_id"),
                    text("token_hash"),
                    time("expires_at"),
                    time_null("used_at"),
                    time("created_at"),
                ],
            ),
            table(
                "api_clients",
                vec![
                    id("id"),
                    uuid("tenant_id"),
                    text("name"),
                    text("client_id"),
                    text("secret_hash"),
                    text("scopes"),
                    text("status"),
                    time_null("last_used_at"),
                    int("version"),
                    time("created_at"),
                    time("updated_at"),
                ],
            ),
            table(
                "signing_keys",
                vec![
                    ColumnDef::new(Alias::new("kid"))
                        .string_len(64)
                        .not_null()
                        .primary_key()
                        .to_owned(),
                    bytes("private_key_sealed"),
                    text("public_x"),
                    text("status"),
                    time("created_at"),
                    time_null("retired_at"),
                ],
            ),
            table(
                "audit_log",
                vec![
                    id("id"),
                    uuid_null("tenant_id"),
                    uuid_null("actor_id"),
                    text("action"),
                    text_null("target_type"),
                    uuid_null("target_id"),
                    text_null("ip"),
                    text("details"),
                    time("created_at"),
                ],
            ),
        ];
        for t in tables {
            m.create_table(t).await?;
        }
        let indexes = [
            index("ux_tenants_slug", "tenants", &["slug"], true),
            index(
                "ux_users_tenant_email",
                "users",
                &["tenant_id", "email_normalized"],
                true,
            ),
            index("ix_users_tenant_id", "users", &["tenant_id", "id"], false),
            index("ux_operators_email", "operators", &["email"], true),
            index("ux_roles_tenant_key", "roles", &["tenant_id", "key"], true),
            index(
                "ux_teams_tenant_name",
                "teams",
                &["tenant_id", "name"],
                true,
            ),
            index(
                "ux_team_members",
                "team_members",
                &["team_id", "user_id"],
                true,
            ),
            index(
                "ix_team_members_user",
                "team_members",
                &["tenant_id", "user_id"],
                false,
            ),
            index("ux_invitations_token", "invitations", &["token_hash"], true),
            index(
                "ux_refresh_tokens_hash",
                "refresh_tokens",
                &["token_hash"],
                true,
            ),
            index(
                "ix_refresh_tokens_session",
                "refresh_tokens",
                &["session_id"],
                false,
            ),
            index(
                "ix_sessions_subject",
                "sessions",
                &["tenant_id", "subject_id"],
                false,
            ),
            index(
                "ux_api_clients_client_id",
                "api_clients",
                &["client_id"],
                true,
            ),
            index(
                "ix_api_clients_tenant",
                "api_clients",
                &["tenant_id", "id"],
                false,
            ),
            index("ix_audit_tenant", "audit_log", &["tenant_id", "id"], false),
        ];
        for i in indexes {
            m.create_index(i).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for name in [
            "audit_log",
            "signing_keys",
            "api_clients",
            "refresh_tokens",
            "sessions",
            "invitations",
            "team_members",
            "teams",
            "roles",
            "operators",
            "users",
            "tenants",
        ] {
            m.drop_table(Table::drop().table(Alias::new(name)).if_exists().to_owned())
                .await?;
        }
        Ok(())
    }
}
