//! Solved tickets close on their own after a while (PRODUCT.md §3.3: default 4 days).

use chrono::{DateTime, Duration, Utc};
use kefu_platform::ids::TenantId;
use kefu_platform::ApiError;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::domain::history::changed_fields;
use crate::events::emit_ticket_change;
use crate::store::entities::ticket;
use crate::store::history::HistoryStore;
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
        closed += outbox
            .transaction::<_, usize, ApiError>(db, move |txn| {
                Box::pin(async move {
                    let tenant = TenantId(candidate.tenant_id);
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
                    let saved = store.save(after, now).await?;
                    let changes = changed_fields([(
                        "status",
                        Some(before.status.clone()),
                        Some(saved.status.clone()),
                    )]);
                    HistoryStore::new(txn, tenant)
                        .record(saved.id, None, "system:auto_close", &changes, now)
                        .await?;
                    crate::clocks::on_changed(txn, &before, &saved, now).await?;
                    emit_ticket_change(txn, None, &before, &saved).await?;
                    Ok(1)
                })
            })
            .await?;
    }
    Ok(closed)
}
