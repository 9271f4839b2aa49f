//! Password-reset tokens: issued for one user of a tenant, found by their digest (the
//! public confirmation holds only the token), used once.

use chrono::{DateTime, Utc};
use kefu_platform::store::TenantStore;
use kefu_platform::TenantScope;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter};
use uuid::Uuid;

use super::entities::password_reset;

/// Issues a reset token (its `token_digest`) for `user` of `tenant`, usable until
/// `expires_at`; the user's earlier tokens stop working, so only the newest mail counts.
pub async fn issue(
    conn: &impl ConnectionTrait,
    scope: &TenantScope,
    user: Uuid,
    token_digest: String,
    expires_at: DateTime<Utc>,
) -> Result<(), DbErr> {
    let resets = TenantStore::<_, password_reset::Entity>::new(conn, scope.tenant());
    resets
        .update_many()
        .col_expr(
            password_reset::Column::UsedAt,
            Expr::value(Some(Utc::now())),
        )
        .filter(password_reset::Column::UserId.eq(user))
        .filter(password_reset::Column::UsedAt.is_null())
        .exec(conn)
        .await?;
    resets
        .insert(password_reset::Model {
            id: Uuid::now_v7(),
            tenant_id: scope.tenant().uuid(),
            user_id: user,
            token_hash: token_digest,
            expires_at,
            used_at: None,
            created_at: Utc::now(),
        })
        .await?;
    Ok(())
}

/// How many reset tokens `user` was issued since `since`.
pub async fn issued_since(
    conn: &impl ConnectionTrait,
    scope: &TenantScope,
    user: Uuid,
    since: DateTime<Utc>,
) -> Result<u64, DbErr> {
    TenantStore::<_, password_reset::Entity>::new(conn, scope.tenant())
        .find()
        .filter(password_reset::Column::UserId.eq(user))
        .filter(password_reset::Column::CreatedAt.gt(since))
        .count(conn)
        .await
}

/// The reset whose token has `digest` and is neither used nor expired at `now`,
/// whichever tenant's: the secret token is what proves the tenant.
pub async fn usable_by_digest(
    conn: &impl ConnectionTrait,
    digest: &str,
    now: DateTime<Utc>,
) -> Result<Option<password_reset::Model>, DbErr> {
    Ok(password_reset::Entity::find()
        .filter(password_reset::Column::TokenHash.eq(digest))
        .one(conn)
        .await?
        .filter(|r| r.used_at.is_none() && r.expires_at > now))
}

/// Marks `reset` used at `at`; false when a concurrent confirmation used it first, so
/// only one request may set the password.
pub async fn claim(
    conn: &impl ConnectionTrait,
    reset: &password_reset::Model,
    at: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let claimed = TenantStore::<_, password_reset::Entity>::new(
        conn,
        TenantScope::by_credential(reset.tenant_id, "password reset token").tenant(),
    )
    .update_many()
    .col_expr(password_reset::Column::UsedAt, Expr::value(Some(at)))
    .filter(password_reset::Column::Id.eq(reset.id))
    .filter(password_reset::Column::UsedAt.is_null())
    .exec(conn)
    .await?;
    Ok(claimed.rows_affected == 1)
}
