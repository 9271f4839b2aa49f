//! The events customers emits (PRODUCT.md §4), always through the outbox of the change.

use kefu_events::catalogue::customers::{
    CustomerCreated, CustomerData, CustomerLifecycleChanged, CustomerUpdated,
};
use kefu_platform::ApiError;
use sea_orm::DatabaseTransaction;
use uuid::Uuid;

use crate::store::entities::customer;

/// Appends `event` of `tenant_id`, caused by `actor`, to the change's transaction.
pub async fn emit<E: kefu_events::Event>(
    txn: &DatabaseTransaction,
    tenant_id: Uuid,
    actor: Option<Uuid>,
    event: E,
) -> Result<(), ApiError> {
    kefu_events::append(txn, tenant_id, actor, &event).await?;
    Ok(())
}

/// A customer as events carry it.
pub fn customer_data(c: &customer::Model) -> CustomerData {
    CustomerData {
        customer_id: c.id,
        name: c.name.clone(),
        tier: c.tier.clone(),
        abc_class: c.abc_class.clone(),
        owner_id: c.owner_id,
        lifecycle: c.lifecycle.clone(),
        service_level: c.service_level.clone(),
    }
}

/// Which one event a customer's change is: a lifecycle move is the specific one,
/// any other change a consumer can see is an update; `None` if none is visible.
pub fn change_kind(before: &customer::Model, after: &customer::Model) -> Option<CustomerChange> {
    if before.lifecycle != after.lifecycle {
        Some(CustomerChange::Lifecycle)
    } else if customer_data(before) != customer_data(after) {
        Some(CustomerChange::Updated)
    } else {
        None
    }
}

/// The kinds of customer change events carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CustomerChange {
    /// `customer.lifecycle_changed`.
    Lifecycle,
    /// `customer.updated`.
    Updated,
}

/// Emits `customer.created`.
pub async fn emit_created(
    txn: &DatabaseTransaction,
    actor: Option<Uuid>,
    c: &customer::Model,
) -> Result<(), ApiError> {
    emit(txn, c.tenant_id, actor, CustomerCreated(customer_data(c))).await
}

/// Emits the one event of a customer's change, if consumers can see one.
pub async fn emit_change(
    txn: &DatabaseTransaction,
    actor: Option<Uuid>,
    before: &customer::Model,
    after: &customer::Model,
) -> Result<(), ApiError> {
    let data = customer_data(after);
    match change_kind(before, after) {
        Some(CustomerChange::Lifecycle) => {
            emit(txn, after.tenant_id, actor, CustomerLifecycleChanged(data)).await
        }
        Some(CustomerChange::Updated) => {
            emit(txn, after.tenant_id, actor, CustomerUpdated(data)).await
        }
        None => Ok(()),
    }
}
