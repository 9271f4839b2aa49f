//! Care plans at work: their occurrences are materialised a year ahead as follow-ups,
//! and each one that comes due is announced exactly once (`customer.followup_due`).

use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use kefu_events::catalogue::customers::{CustomerFollowupDue, FollowupDueData};
use kefu_platform::concurrency::IfMatch;
use kefu_platform::ids::TenantId;
use kefu_platform::validation::{Checks, Validate};
use kefu_platform::ApiError;
use sea_orm::{ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbErr, TransactionTrait};
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::app::announce::emit;
use crate::domain::ids::CustomerId;
use crate::domain::recurrence::occurrences;
use crate::store::care::CareStore;
use crate::store::customers::CustomerStore;
use crate::store::entities::{care_plan, follow_up};
use crate::store::id_at;

/// How far ahead occurrences are materialised.
pub fn horizon() -> Duration {
    Duration::days(366)
}

/// The local start of a plan as stored (`YYYY-MM-DDTHH:MM`).
pub fn parse_local(text: &str) -> Option<NaiveDateTime> {
    NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M").ok()
}

/// Materialises the plan's occurrences up to `now` + the horizon; how many were added.
pub async fn materialize<C: ConnectionTrait>(
    conn: &C,
    tenant: TenantId,
    plan: &care_plan::Model,
    now: DateTime<Utc>,
) -> Result<usize, DbErr> {
    let until = now + horizon();
    if !plan.active || plan.materialized_until >= until {
        return Ok(0);
    }
    let zone: chrono_tz::Tz = plan.time_zone.parse().unwrap_or(chrono_tz::UTC);
    let Some(start) = parse_local(&plan.starts_at) else {
        return Ok(0);
    };
    let due = occurrences(&plan.rule, start, zone, plan.materialized_until, until, 400)
        .unwrap_or_default();
    let added = due.len();
    let rows = due
        .into_iter()
        .map(|at| follow_up::Model {
            id: id_at(at),
            tenant_id: plan.tenant_id,
            plan_id: plan.id,
            customer_id: plan.customer_id,
            due_at: at,
            status: "scheduled".into(),
            announced_at: None,
            outcome: None,
            completed_by: None,
            completed_at: None,
            version: 1,
        })
        .collect();
    let store = CareStore::new(conn, tenant);
    store.add_follow_ups(rows).await?;
    store.set_materialized_until(plan.id, until).await?;
    Ok(added)
}

/// Announces one due follow-up unless another run already did; whether this one did.
pub async fn announce_due(
    txn: &DatabaseTransaction,
    tenant: TenantId,
    due: &follow_up::Model,
    now: DateTime<Utc>,
) -> Result<bool, ApiError> {
    let store = CareStore::new(txn, tenant);
    // The status moves once: only the run that moves it announces.
    if !store.mark_due(due.id, now).await? {
        return Ok(false);
    }
    let Some(plan) = store.plan(due.plan_id).await? else {
        return Ok(false);
    };
    let owner = CustomerStore::new(txn, tenant)
        .get(CustomerId::from(due.customer_id))
        .await?
        .and_then(|c| c.owner_id);
    let data = FollowupDueData {
        occurrence_id: due.id,
        plan_id: plan.id,
        customer_id: due.customer_id,
        contact_id: plan.contact_id,
        owner_id: owner,
        channel: plan.channel.clone(),
        kind: plan.kind.clone(),
        template_id: plan.template_id,
        task: plan.task.clone(),
        due_at: due.due_at,
    };
    emit(txn, tenant.into(), None, CustomerFollowupDue(data)).await?;
    Ok(true)
}

/// Starts a plan: saves it and its occurrences of the coming year, in one transaction.
pub async fn start_plan(
    db: &DatabaseConnection,
    tenant: TenantId,
    plan: care_plan::Model,
    now: DateTime<Utc>,
) -> Result<care_plan::Model, ApiError> {
    let txn = db.begin().await?;
    let plan = CareStore::new(&txn, tenant).insert_plan(plan).await?;
    materialize(&txn, tenant, &plan, now).await?;
    txn.commit().await?;
    Ok(plan)
}

/// Saves a changed plan (a 412 if `if_match` is stale): a stopped plan's scheduled
/// follow-ups are cancelled, a running one's are materialised ahead. One transaction, so
/// a 412 leaves the follow-ups as they were.
pub async fn save_plan(
    db: &DatabaseConnection,
    tenant: TenantId,
    plan: care_plan::Model,
    stopped: bool,
    if_match: &IfMatch,
    now: DateTime<Utc>,
) -> Result<care_plan::Model, ApiError> {
    let txn = db.begin().await?;
    let store = CareStore::new(&txn, tenant);
    let plan = store.save_plan(plan, if_match).await?;
    if stopped {
        store.cancel_scheduled(plan.id).await?;
    }
    materialize(&txn, tenant, &plan, now).await?;
    txn.commit().await?;
    Ok(plan)
}

/// Completes a follow-up.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"status": "done", "outcome": "Visited; wants a quote for a second scanner"}))]
pub struct FollowUpPatch {
    /// `done` or `skipped`.
    #[schema(pattern = "^(done|skipped)$")]
    pub status: String,
    /// What came of it (1–4000 characters).
    #[schema(max_length = 4000)]
    pub outcome: Option<String>,
}

impl Validate for FollowUpPatch {
    fn validate(&self) -> Result<(), ApiError> {
        let mut checks = Checks::new();
        checks.ensure(
            matches!(self.status.as_str(), "done" | "skipped"),
            "status",
            "must be `done` or `skipped`",
        );
        checks.length_opt("outcome", self.outcome.as_deref(), 1, 4000);
        checks.finish()
    }
}

/// Completes a follow-up (`done`, with its outcome) or skips it; a finished one is a 409.
pub async fn complete_follow_up<C: ConnectionTrait>(
    conn: &C,
    tenant: TenantId,
    actor: Uuid,
    id: Uuid,
    if_match: &IfMatch,
    patch: FollowUpPatch,
    now: DateTime<Utc>,
) -> Result<follow_up::Model, ApiError> {
    let store = CareStore::new(conn, tenant);
    let mut found = store.follow_up(id).await?.ok_or(ApiError::NotFound)?;
    // A stale read is refused before the state it shows is judged: the client must
    // see 412 and read again, not a verdict on a version it did not send.
    if_match.check(found.version)?;
    if !matches!(found.status.as_str(), "scheduled" | "due") {
        return Err(ApiError::IllegalTransition {
            detail: format!("a {} follow-up is finished", found.status),
            allowed: Vec::new(),
        });
    }
    found.status = patch.status;
    found.outcome = patch.outcome;
    found.completed_by = Some(actor);
    found.completed_at = Some(now);
    Ok(store.save_follow_up(found, if_match).await?)
}
