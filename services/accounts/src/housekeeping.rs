//! Periodic clean-up of rows that have served their purpose.

use std::time::Duration;

use chrono::Utc;
use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QuerySelect};

use crate::store::entities::{refresh_token, session};

/// How often the clean-up runs.
const EVERY: Duration = Duration::from_secs(600);
/// Expired sessions keep their refresh tokens this long, so a late reuse is still recognised.
const SESSION_GRACE_DAYS: i64 = 7;
/// Delivered mail is kept this long for support questions.
const MAIL_RETENTION_DAYS: i64 = 7;

/// Starts the clean-up loop.
pub fn start(db: DatabaseConnection) {
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(EVERY).await;
            if let Err(err) = run_once(&db).await {
                tracing::warn!(error = %err, "housekeeping failed");
            }
        }
    });
}

/// One clean-up pass; returns how many rows went.
pub async fn run_once(db: &DatabaseConnection) -> Result<u64, DbErr> {
    let mut removed = kefu_platform::idempotency::purge_expired(db).await?;
    let cutoff = Utc::now() - chrono::Duration::days(SESSION_GRACE_DAYS);
    let dead_sessions: Vec<uuid::Uuid> = session::Entity::find()
        .select_only()
        .column(session::Column::Id)
        .filter(session::Column::ExpiresAt.lt(cutoff))
        .into_tuple()
        .all(db)
        .await?;
    for chunk in dead_sessions.chunks(500) {
        removed += refresh_token::Entity::delete_many()
            .filter(refresh_token::Column::SessionId.is_in(chunk.to_vec()))
            .exec(db)
            .await?
            .rows_affected;
    }
    let mail_cutoff = Utc::now() - chrono::Duration::days(MAIL_RETENTION_DAYS);
    removed += kefu_platform::mail::outbox::Entity::delete_many()
        .filter(kefu_platform::mail::outbox::Column::SentAt.lt(mail_cutoff))
        .exec(db)
        .await?
        .rows_affected;
    if removed > 0 {
        tracing::info!(removed, "housekeeping removed expired rows");
    }
    Ok(removed)
}
