//! Auto-close: tickets solved longer ago than `CLOSE_AFTER` close, each for its tenant.

use chrono::{DateTime, Utc};
use kefu_platform::{ApiError, TenantScope};
use sea_orm::DatabaseConnection;

use crate::app::auto_close::{close_if_still_solved, CLOSE_AFTER};
use crate::domain::ids::TicketId;
use crate::store::all_tenants;

/// Closes tickets solved before `now - CLOSE_AFTER`; returns how many it closed.
pub async fn run_once(
    db: &DatabaseConnection,
    outbox: &kefu_events::Outbox,
    now: DateTime<Utc>,
) -> Result<usize, ApiError> {
    let mut closed = 0;
    for candidate in all_tenants::solved_before(db, now - CLOSE_AFTER, 500).await? {
        let scope = TenantScope::for_worker(candidate.tenant_id, "auto-close");
        let close = outbox.transaction::<_, usize, ApiError>(db, move |txn| {
            Box::pin(async move {
                close_if_still_solved(txn, scope.tenant(), TicketId::from(candidate.id), now).await
            })
        });
        closed += scope.enter(close).await?;
    }
    Ok(closed)
}
