//! Care-plan follow-ups: plans running short of materialised occurrences get the next
//! ones, and each follow-up that comes due is announced once, each for its tenant.

use chrono::{DateTime, Duration, Utc};
use kefu_platform::{ApiError, TenantScope};
use sea_orm::DatabaseConnection;

use crate::app::care::{announce_due, horizon, materialize};
use crate::store::all_tenants;

/// One run: materialise plans running short, then announce what has come due; how many
/// follow-ups were announced.
pub async fn run_once(
    db: &DatabaseConnection,
    outbox: &kefu_events::Outbox,
    now: DateTime<Utc>,
) -> Result<usize, ApiError> {
    let running_short = now + horizon() - Duration::days(1);
    for plan in all_tenants::plans_materialized_before(db, running_short).await? {
        let scope = TenantScope::for_worker(plan.tenant_id, "care plan materialiser");
        scope
            .enter(materialize(db, scope.tenant(), &plan, now))
            .await?;
    }
    let mut announced = 0;
    for due in all_tenants::follow_ups_due(db, now).await? {
        let scope = TenantScope::for_worker(due.tenant_id, "follow-up announcer");
        let announce = outbox.transaction::<_, bool, ApiError>(db, move |txn| {
            Box::pin(async move { announce_due(txn, scope.tenant(), &due, now).await })
        });
        if scope.enter(announce).await? {
            announced += 1;
        }
    }
    Ok(announced)
}
