//! Periodic clean-up of rows that have served their purpose, across tenants.

use chrono::Utc;
use sea_orm::{DatabaseConnection, DbErr};

use crate::store::all_tenants;

/// Expired sessions keep their refresh tokens this long, so a late reuse is still recognised.
const SESSION_GRACE_DAYS: i64 = 7;
/// Delivered mail is kept this long for support questions.
const MAIL_RETENTION_DAYS: i64 = 7;

/// One clean-up pass; returns how many rows went.
pub async fn run_once(db: &DatabaseConnection) -> Result<u64, DbErr> {
    let mut removed = kefu_platform::idempotency::purge_expired(db).await?;
    let cutoff = Utc::now() - chrono::Duration::days(SESSION_GRACE_DAYS);
    removed += all_tenants::delete_refresh_tokens_of_sessions_expired_before(db, cutoff).await?;
    let mail_cutoff = Utc::now() - chrono::Duration::days(MAIL_RETENTION_DAYS);
    removed += all_tenants::delete_mail_sent_before(db, mail_cutoff).await?;
    if removed > 0 {
        tracing::info!(removed, "housekeeping removed expired rows");
    }
    Ok(removed)
}
