//! The SLA scanner: finds the clocks due or at risk, and checks each for its tenant.

use chrono::{DateTime, Utc};
use kefu_platform::{ApiError, TenantScope};
use sea_orm::DatabaseConnection;

use crate::app::clocks::check_clock;
use crate::store::all_tenants;

/// Checks every clock due or at risk by `now`; returns how many events it emitted.
/// Each clock is re-read and updated under its own transaction, and only a clock not
/// yet marked is marked, so a target is reported once even with several replicas.
pub async fn run_once(
    db: &DatabaseConnection,
    outbox: &kefu_events::Outbox,
    now: DateTime<Utc>,
) -> Result<usize, ApiError> {
    let mut emitted = 0;
    for candidate in all_tenants::clocks_to_check(db, now, 500).await? {
        let scope = TenantScope::for_worker(candidate.tenant_id, "SLA clock scanner");
        let check = outbox.transaction::<_, usize, ApiError>(db, move |txn| {
            Box::pin(async move { check_clock(txn, scope.tenant(), candidate.id, now).await })
        });
        emitted += scope.enter(check).await?;
    }
    Ok(emitted)
}
