//! Sessions (refresh-token families) and their single-use refresh tokens.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
};
use uuid::Uuid;

use super::entities::{refresh_token, session};
use crate::domain::opaque_token;

/// Starts a session for a subject and returns it with its first refresh token.
pub async fn start(
    conn: &impl ConnectionTrait,
    tenant_id: Option<Uuid>,
    subject_id: Uuid,
    user_agent: Option<String>,
    expires_at: DateTime<Utc>,
) -> Result<(session::Model, String), DbErr> {
    let now = Utc::now();
    let model = session::Model {
        id: Uuid::now_v7(),
        tenant_id,
        subject_id,
        user_agent,
        created_at: now,
        last_used_at: now,
        expires_at,
        revoked_at: None,
        revoked_reason: None,
    };
    session::Entity::insert(session::ActiveModel::from(model.clone()))
        .exec(conn)
        .await?;
    let token = issue_refresh_token(conn, model.id, expires_at).await?;
    Ok((model, token))
}

/// Adds a refresh token to a session.
pub async fn issue_refresh_token(
    conn: &impl ConnectionTrait,
    session_id: Uuid,
    expires_at: DateTime<Utc>,
) -> Result<String, DbErr> {
    let token = opaque_token::generate("kr_");
    refresh_token::Entity::insert(refresh_token::ActiveModel {
        id: Set(Uuid::now_v7()),
        session_id: Set(session_id),
        token_hash: Set(opaque_token::digest(&token)),
        expires_at: Set(expires_at),
        used_at: Set(None),
        created_at: Set(Utc::now()),
    })
    .exec(conn)
    .await?;
    Ok(token)
}

/// A refresh token by its secret value.
pub async fn find_refresh_token(
    conn: &impl ConnectionTrait,
    secret: &str,
) -> Result<Option<refresh_token::Model>, DbErr> {
    refresh_token::Entity::find()
        .filter(refresh_token::Column::TokenHash.eq(opaque_token::digest(secret)))
        .one(conn)
        .await
}

/// Marks a refresh token used; `false` if it already was (a concurrent reuse).
pub async fn mark_used(conn: &impl ConnectionTrait, token_id: Uuid) -> Result<bool, DbErr> {
    let result = refresh_token::Entity::update_many()
        .col_expr(refresh_token::Column::UsedAt, Expr::value(Utc::now()))
        .filter(refresh_token::Column::Id.eq(token_id))
        .filter(refresh_token::Column::UsedAt.is_null())
        .exec(conn)
        .await?;
    Ok(result.rows_affected == 1)
}

/// A session of `subject` in `tenant`, by id: what a user may see and revoke of their own.
pub async fn of_subject(
    conn: &impl ConnectionTrait,
    tenant: Uuid,
    subject: Uuid,
    id: Uuid,
) -> Result<Option<session::Model>, DbErr> {
    session::Entity::find_by_id(id)
        .filter(session::Column::TenantId.eq(tenant))
        .filter(session::Column::SubjectId.eq(subject))
        .one(conn)
        .await
}

/// A session by id, whoever's: for the refresh grant, where the refresh token found it.
pub async fn get(conn: &impl ConnectionTrait, id: Uuid) -> Result<Option<session::Model>, DbErr> {
    session::Entity::find_by_id(id).one(conn).await
}

/// Revokes one session (the whole refresh family).
pub async fn revoke(conn: &impl ConnectionTrait, id: Uuid, reason: &str) -> Result<bool, DbErr> {
    let result = session::Entity::update_many()
        .col_expr(session::Column::RevokedAt, Expr::value(Utc::now()))
        .col_expr(
            session::Column::RevokedReason,
            Expr::value(reason.to_string()),
        )
        .filter(session::Column::Id.eq(id))
        .filter(session::Column::RevokedAt.is_null())
        .exec(conn)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Records that a session was used now.
pub async fn touch(conn: &impl ConnectionTrait, id: Uuid) -> Result<(), DbErr> {
    session::Entity::update_many()
        .col_expr(session::Column::LastUsedAt, Expr::value(Utc::now()))
        .filter(session::Column::Id.eq(id))
        .exec(conn)
        .await?;
    Ok(())
}

/// Live sessions of a subject, newest first.
pub async fn list_live(
    conn: &impl ConnectionTrait,
    tenant_id: Uuid,
    subject_id: Uuid,
) -> Result<Vec<session::Model>, DbErr> {
    session::Entity::find()
        .filter(session::Column::TenantId.eq(tenant_id))
        .filter(session::Column::SubjectId.eq(subject_id))
        .filter(session::Column::RevokedAt.is_null())
        .filter(session::Column::ExpiresAt.gt(Utc::now()))
        .order_by_desc(session::Column::Id)
        .all(conn)
        .await
}
