//! Solved tickets close on their own after a while (PRODUCT.md §3.3: default 4 days).

use chrono::{DateTime, Duration, Utc};
use kefu_platform::ids::TenantId;
use kefu_platform::ApiError;
use sea_orm::DatabaseTransaction;

use crate::app::changes::{record_change, Cause, Change};
use crate::domain::ids::TicketId;
use crate::store::tickets::TicketStore;

/// How long a solved ticket stays open to a reopen before it closes.
pub const CLOSE_AFTER: Duration = Duration::days(4);

/// Closes the ticket if it is still solved (a reopen may have won the race since the
/// scan found it); returns how many it closed, 0 or 1.
pub async fn close_if_still_solved(
    txn: &DatabaseTransaction,
    tenant: TenantId,
    id: TicketId,
    now: DateTime<Utc>,
) -> Result<usize, ApiError> {
    let Some(before) = TicketStore::new(txn, tenant).get(id).await? else {
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
}
