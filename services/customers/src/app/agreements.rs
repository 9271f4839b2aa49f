//! Moving agreements along their flow: the customer's service level follows the
//! agreements in force, and activation, expiry and termination are announced.

use chrono::{DateTime, Utc};
use kefu_events::catalogue::customers::{
    AgreementActivated, AgreementData, AgreementExpired, AgreementTerminated,
};
use kefu_platform::ids::TenantId;
use kefu_platform::ApiError;
use sea_orm::DatabaseTransaction;
use uuid::Uuid;

use crate::app::announce::emit;
use crate::domain::agreements::{granted_level, AgreementStatus, InForce};
use crate::domain::ids::CustomerId;
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
