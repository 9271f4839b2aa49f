//! Agreement expiry: active agreements whose end date has passed expire, each for its
//! tenant.

use chrono::{DateTime, Utc};
use kefu_platform::{ApiError, TenantScope};
use sea_orm::DatabaseConnection;

use crate::app::agreements::move_to;
use crate::domain::agreements::{has_expired, AgreementStatus};
use crate::store::all_tenants;

/// Expires every active agreement whose end date has passed (in UTC days); how many.
pub async fn run_once(
    db: &DatabaseConnection,
    outbox: &kefu_events::Outbox,
    now: DateTime<Utc>,
) -> Result<usize, ApiError> {
    let today = now.date_naive();
    let due: Vec<_> = all_tenants::agreements_ended_before(db, &today.to_string())
        .await?
        .into_iter()
        .filter(|a| has_expired(a.ends_on.as_deref().and_then(|d| d.parse().ok()), today))
        .collect();
    let count = due.len();
    for found in due {
        let scope = TenantScope::for_worker(found.tenant_id, "agreement expiry");
        let expire = outbox.transaction::<_, (), ApiError>(db, move |txn| {
            Box::pin(async move {
                let expired = AgreementStatus::Expired;
                move_to(txn, scope.tenant(), found, expired, None, now).await?;
                Ok(())
            })
        });
        scope.enter(expire).await?;
    }
    Ok(count)
}
