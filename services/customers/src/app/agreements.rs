//! Moving agreements along their flow: the customer's service level follows the
//! agreements in force, and activation, expiry and termination are announced.

use chrono::{DateTime, NaiveDate, Utc};
use kefu_events::catalogue::customers::{
    AgreementActivated, AgreementData, AgreementExpired, AgreementTerminated,
};
use kefu_platform::auth::TenantContext;
use kefu_platform::concurrency::IfMatch;
use kefu_platform::ids::TenantId;
use kefu_platform::validation::{Checks, Validate};
use kefu_platform::ApiError;
use sea_orm::DatabaseTransaction;
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::app::announce::emit;
use crate::domain::agreements::{granted_level, AgreementStatus, InForce};
use crate::domain::ids::CustomerId;
use crate::error_codes;
use crate::store::agreements::AgreementStore;
use crate::store::customers::CustomerStore;
use crate::store::entities::agreement;

/// The level the customer's active agreements grant now, written on the customer.
pub async fn refresh_level(
    txn: &DatabaseTransaction,
    tenant: TenantId,
    customer: Uuid,
    now: DateTime<Utc>,
) -> Result<Option<String>, ApiError> {
    let active = AgreementStore::new(txn, tenant).active_of(customer).await?;
    let level = granted_level(
        &active
            .iter()
            .map(|a| InForce {
                service_level: a.service_level.clone(),
                activated_at: a.activated_at.unwrap_or(a.updated_at),
            })
            .collect::<Vec<_>>(),
    );
    let store = CustomerStore::new(txn, tenant);
    if let Some(mut found) = store.get(CustomerId::from(customer)).await? {
        if found.service_level != level {
            found.service_level = level.clone();
            found.updated_at = now;
            store.save(found).await?;
        }
    }
    Ok(level)
}

/// What an agreement event carries.
fn data(a: &agreement::Model, level: Option<String>) -> AgreementData {
    AgreementData {
        agreement_id: a.id,
        customer_id: a.customer_id,
        name: a.name.clone(),
        service_level: a.service_level.clone(),
        starts_on: a.starts_on.parse().unwrap_or_default(),
        ends_on: a.ends_on.as_deref().and_then(|d| d.parse().ok()),
        status: a.status.clone(),
        customer_service_level: level,
    }
}

/// Moves `found` to `to` (409 listing the allowed states otherwise; `expired` only by
/// the end date), updates the customer's level and emits the event of the move.
pub async fn move_to(
    txn: &DatabaseTransaction,
    tenant: TenantId,
    mut found: agreement::Model,
    to: AgreementStatus,
    actor: Option<Uuid>,
    now: DateTime<Utc>,
) -> Result<agreement::Model, ApiError> {
    let from = AgreementStatus::parse(&found.status).unwrap_or(AgreementStatus::Draft);
    let by_scanner = to == AgreementStatus::Expired && from == AgreementStatus::Active;
    if !by_scanner && !from.next().contains(&to) {
        return Err(ApiError::IllegalTransition {
            detail: format!(
                "a {} agreement cannot become {}",
                from.as_str(),
                to.as_str()
            ),
            allowed: from.next().iter().map(|s| s.as_str().to_string()).collect(),
        });
    }
    found.status = to.as_str().into();
    found.updated_at = now;
    match to {
        AgreementStatus::Active => found.activated_at = Some(now),
        AgreementStatus::Expired | AgreementStatus::Terminated => found.ended_at = Some(now),
        _ => {}
    }
    let saved = AgreementStore::new(txn, tenant).save(found).await?;
    let level = refresh_level(txn, tenant, saved.customer_id, now).await?;
    let tenant = tenant.uuid();
    match to {
        AgreementStatus::Active => {
            emit(txn, tenant, actor, AgreementActivated(data(&saved, level))).await?
        }
        AgreementStatus::Expired => {
            emit(txn, tenant, actor, AgreementExpired(data(&saved, level))).await?
        }
        AgreementStatus::Terminated => {
            emit(txn, tenant, actor, AgreementTerminated(data(&saved, level))).await?
        }
        _ => {}
    }
    Ok(saved)
}

/// Checks a service level: 1–50 lower-case letters, digits, `_` or `-`.
pub fn check_level(checks: &mut Checks, level: &str) {
    let ok = (1..=50).contains(&level.len())
        && level
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-');
    checks.ensure(
        ok,
        "service_level",
        "must be 1–50 lower-case letters, digits, `_` or `-`",
    );
}

/// Changes to an agreement: its terms while a draft or sent, and its status along
/// draft → sent → signed → active, or terminated (`expired` comes with the end date).
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"status": "active"}))]
pub struct AgreementPatch {
    /// Name (1–200 characters).
    #[schema(max_length = 200)]
    pub name: Option<String>,
    /// The service level it grants (1–50 lower-case letters, digits, `_` or `-`).
    #[schema(max_length = 50)]
    pub service_level: Option<String>,
    /// First day it applies.
    pub starts_on: Option<NaiveDate>,
    /// Last day it applies (`null`: until terminated).
    #[serde(default, deserialize_with = "kefu_platform::json::nullable")]
    #[schema(value_type = Option<NaiveDate>)]
    pub ends_on: Option<Option<NaiveDate>>,
    /// The terms (up to 20 000 characters).
    #[schema(max_length = 20000)]
    pub terms: Option<String>,
    /// The next status.
    pub status: Option<AgreementStatus>,
}

impl Validate for AgreementPatch {
    fn validate(&self) -> Result<(), ApiError> {
        let mut checks = Checks::new();
        if let Some(name) = &self.name {
            checks.length("name", name.trim(), 1, 200);
        }
        if let Some(level) = &self.service_level {
            check_level(&mut checks, level);
        }
        if let Some(terms) = &self.terms {
            checks.length("terms", terms, 0, 20_000);
        }
        checks.finish()
    }
}

/// Changes an agreement's terms (while a draft or sent) and moves it to its next
/// status. A stale `If-Match` is refused before the terms are judged editable.
pub async fn change(
    txn: &DatabaseTransaction,
    ctx: &TenantContext,
    id: Uuid,
    if_match: &IfMatch,
    patch: AgreementPatch,
    now: DateTime<Utc>,
) -> Result<agreement::Model, ApiError> {
    let store = AgreementStore::new(txn, ctx.tenant_id);
    let mut found = store.get(id).await?.ok_or(ApiError::NotFound)?;
    if_match.check(found.version)?;
    let status = AgreementStatus::parse(&found.status).unwrap_or(AgreementStatus::Draft);
    let edits = patch.name.is_some()
        || patch.service_level.is_some()
        || patch.starts_on.is_some()
        || patch.ends_on.is_some()
        || patch.terms.is_some();
    if edits {
        if !status.editable() {
            return Err(ApiError::conflict(
                error_codes::AGREEMENT_NOT_EDITABLE,
                format!("a {} agreement's terms are fixed", status.as_str()),
            ));
        }
        if let Some(name) = patch.name {
            found.name = name.trim().to_string();
        }
        if let Some(level) = patch.service_level {
            found.service_level = level;
        }
        if let Some(starts_on) = patch.starts_on {
            found.starts_on = starts_on.to_string();
        }
        if let Some(ends_on) = patch.ends_on {
            found.ends_on = ends_on.map(|d| d.to_string());
        }
        if let Some(terms) = patch.terms {
            found.terms = terms;
        }
        let starts: NaiveDate = found.starts_on.parse().unwrap_or_default();
        let ends: Option<NaiveDate> = found.ends_on.as_deref().and_then(|d| d.parse().ok());
        if ends.is_some_and(|end| end < starts) {
            return Err(ApiError::field("ends_on", "must not be before starts_on"));
        }
        found.updated_at = now;
        found = store.save(found).await?;
    }
    match patch.status {
        Some(to) if to.as_str() != found.status => {
            move_to(txn, ctx.tenant_id, found, to, Some(ctx.actor), now).await
        }
        _ => Ok(found),
    }
}
