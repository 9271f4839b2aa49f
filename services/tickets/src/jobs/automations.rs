//! The automation runner: every tenant's active automations against their tickets.

use chrono::{DateTime, Utc};
use kefu_platform::{ApiError, TenantScope};
use sea_orm::DatabaseConnection;

use crate::app::rules::{automation_candidates, fire_automation};
use crate::domain::ids::TicketId;
use crate::store::all_tenants;

/// Evaluates every active automation against the tickets it may apply to; returns how
/// many firings it made.
pub async fn run_once(
    db: &DatabaseConnection,
    outbox: &kefu_events::Outbox,
    now: DateTime<Utc>,
) -> Result<usize, ApiError> {
    let mut fired = 0;
    for rule in all_tenants::active_automations(db).await? {
        let scope = TenantScope::for_worker(rule.tenant_id, "automation runner");
        let candidates = automation_candidates(db, scope.tenant(), &rule, now);
        for candidate in scope.enter(candidates).await? {
            let rule = rule.clone();
            let firing = outbox.transaction::<_, usize, ApiError>(db, move |txn| {
                Box::pin(async move {
                    fire_automation(
                        txn,
                        scope.tenant(),
                        &rule,
                        TicketId::from(candidate.id),
                        now,
                    )
                    .await
                })
            });
            fired += scope.enter(firing).await?;
        }
    }
    Ok(fired)
}
