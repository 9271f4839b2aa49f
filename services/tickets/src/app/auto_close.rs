//! Solved tickets close on their own after a while (PRODUCT.md §3.3: default 4 days).

use crate::app::changes::{record_change, Cause, Change};
use chrono::{DateTime, Duration, Utc};
use kefu_platform::ApiError;
use kefu_platform::TenantScope;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::store::entities::ticket;
use crate::store::tickets::TicketStore;

/// How long a solved ticket stays open to a reopen before it closes.
pub const CLOSE_AFTER: Duration = Duration::days(4);

/// Closes tickets solved before `now - CLOSE_AFTER`; returns how many it closed.
pub async fn close_solved_once(
    db: &DatabaseConnection,
    outbox: &kefu_events::Outbox,
    now: DateTime<Utc>,
) -> Result<usize, ApiError> {
    let due: Vec<ticket::Model> = ticket::Entity::find()
        .filter(ticket::Column::Status.eq("solved"))
        .filter(ticket::Column::SolvedAt.lte(now - CLOSE_AFTER))
        .order_by_asc(ticket::Column::SolvedAt)
        .limit(500)
        .all(db)
        .await?;
    let mut closed = 0;
    for candidate in due {
        let scope = TenantScope::for_worker(candidate.tenant_id, "auto-close");
        let close = outbox.transaction::<_, usize, ApiError>(db, move |txn| {
            Box::pin(async move {
                let tenant = scope.tenant();
                let store = TicketStore::new(txn, tenant);
                // Re-read: a reopen may have won the race since the scan.
                let Some(before) = store.get(candidate.id).await? else {
                    return Ok(0);
                };
                if before.status != "solved" {
                    return Ok(0);
                }
                let mut after = before.clone();
                after.status = "closed".into();
                after.closed_at = Some(now);
                let cause = Cause::by(None, "system:auto_close");
                record_change(txn, tenant, Change::updated(&before, after, cause), now).await?;
                Ok(1)
            })
        });
        closed += scope.enter(close).await?;
    }
    Ok(closed)
}
