//! Pain points' use cases: changing one (its status along open → … → resolved, its
//! rating and so its priority), with its event.

use chrono::{DateTime, Utc};
use kefu_events::catalogue::customers::{PainPointData, PainPointUpdated};
use kefu_platform::auth::TenantContext;
use kefu_platform::concurrency::IfMatch;
use kefu_platform::validation::{Checks, Validate};
use kefu_platform::ApiError;
use sea_orm::DatabaseTransaction;
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::app::announce::emit;
use crate::domain::pain_points::{priority, PainStatus};
use crate::store::encode_list;
use crate::store::entities::pain_point;
use crate::store::pain_points::PainPointStore;

/// Checks a rating on the 1–5 scale, naming `field`.
pub fn check_scale(checks: &mut Checks, field: &str, value: Option<u8>) {
    if let Some(value) = value {
        checks.ensure((1..=5).contains(&value), field, "must be 1–5");
    }
}

/// The pain point as its events carry it.
pub fn data(p: &pain_point::Model) -> PainPointData {
    PainPointData {
        pain_point_id: p.id,
        customer_id: p.customer_id,
        title: p.title.clone(),
        priority: p.priority,
        status: p.status.clone(),
    }
}

/// Recomputes the priority from the rating.
pub fn rated(p: &mut pain_point::Model) {
    let scale = |v: i64| u8::try_from(v).unwrap_or(1);
    p.priority = priority(scale(p.impact), scale(p.urgency), scale(p.difficulty));
}

/// Changes to a pain point; a new rating recomputes its priority.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"status": "addressing", "urgency": 5}))]
pub struct PainPointPatch {
    /// What hurts (1–200 characters).
    #[schema(max_length = 200)]
    pub title: Option<String>,
    /// More about it (up to 10 000 characters).
    #[schema(max_length = 10000)]
    pub description: Option<String>,
    /// How much it hurts, 1–5.
    pub impact: Option<u8>,
    /// How soon it must be dealt with, 1–5.
    pub urgency: Option<u8>,
    /// How hard it is to deal with, 1–5.
    pub difficulty: Option<u8>,
    /// open → addressing → resolved (or back to open).
    pub status: Option<PainStatus>,
    /// Tickets about it (replace the current ones).
    pub ticket_ids: Option<Vec<Uuid>>,
}

impl Validate for PainPointPatch {
    fn validate(&self) -> Result<(), ApiError> {
        let mut checks = Checks::new();
        if let Some(title) = &self.title {
            checks.length("title", title.trim(), 1, 200);
        }
        if let Some(description) = &self.description {
            checks.length("description", description, 0, 10_000);
        }
        check_scale(&mut checks, "impact", self.impact);
        check_scale(&mut checks, "urgency", self.urgency);
        check_scale(&mut checks, "difficulty", self.difficulty);
        if let Some(tickets) = &self.ticket_ids {
            checks.ensure(
                tickets.len() <= 100,
                "ticket_ids",
                "must list at most 100 tickets",
            );
        }
        checks.finish()
    }
}

/// Changes a pain point; a stale `If-Match` is refused before its status move is judged.
pub async fn change(
    txn: &DatabaseTransaction,
    ctx: &TenantContext,
    id: Uuid,
    if_match: &IfMatch,
    patch: PainPointPatch,
    now: DateTime<Utc>,
) -> Result<pain_point::Model, ApiError> {
    let store = PainPointStore::new(txn, ctx.tenant_id);
    let before = store.get(id).await?.ok_or(ApiError::NotFound)?;
    if_match.check(before.version)?;
    let mut after = before.clone();
    if let Some(to) = patch.status {
        let from = PainStatus::parse(&before.status).unwrap_or(PainStatus::Open);
        if to != from && !from.next().contains(&to) {
            return Err(ApiError::IllegalTransition {
                detail: format!(
                    "a pain point {} cannot become {}",
                    from.as_str(),
                    to.as_str()
                ),
                allowed: from.next().iter().map(|s| s.as_str().to_string()).collect(),
            });
        }
        after.status = to.as_str().into();
    }
    if let Some(title) = patch.title {
        after.title = title.trim().to_string();
    }
    if let Some(description) = patch.description {
        after.description = description;
    }
    for (slot, value) in [
        (&mut after.impact, patch.impact),
        (&mut after.urgency, patch.urgency),
        (&mut after.difficulty, patch.difficulty),
    ] {
        if let Some(value) = value {
            *slot = i64::from(value);
        }
    }
    if let Some(tickets) = patch.ticket_ids {
        after.ticket_ids = encode_list(&tickets);
    }
    rated(&mut after);
    if after == before {
        return Ok(before);
    }
    after.updated_at = now;
    let saved = store.save(after).await?;
    emit(
        txn,
        saved.tenant_id,
        Some(ctx.actor),
        PainPointUpdated(data(&saved)),
    )
    .await?;
    Ok(saved)
}
