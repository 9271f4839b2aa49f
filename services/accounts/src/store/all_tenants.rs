//! The queries that work across tenants, for the jobs only.

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QuerySelect};

use super::entities::{refresh_token, session};

/// Deletes the refresh tokens of every session that expired before `cutoff`; how many.
pub async fn delete_refresh_tokens_of_sessions_expired_before<C: ConnectionTrait>(
    conn: &C,
    cutoff: DateTime<Utc>,
) -> Result<u64, DbErr> {
    let dead_sessions: Vec<uuid::Uuid> = session::Entity::find()
        .select_only()
        .column(session::Column::Id)
        .filter(session::Column::ExpiresAt.lt(cutoff))
        .into_tuple()
        .all(conn)
        .await?;
    let mut removed = 0;
    for chunk in dead_sessions.chunks(500) {
        removed += refresh_token::Entity::delete_many()
            .filter(refresh_token::Column::SessionId.is_in(chunk.to_vec()))
            .exec(conn)
            .await?
            .rows_affected;
    }
    Ok(removed)
}

/// Deletes mail delivered before `cutoff`; how many.
pub async fn delete_mail_sent_before<C: ConnectionTrait>(
    conn: &C,
    cutoff: DateTime<Utc>,
) -> Result<u64, DbErr> {
    use kefu_platform::mail::outbox;
    Ok(outbox::Entity::delete_many()
        .filter(outbox::Column::SentAt.lt(cutoff))
        .exec(conn)
        .await?
        .rows_affected)
}
