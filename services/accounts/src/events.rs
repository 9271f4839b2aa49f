//! The events accounts emits (PRODUCT.md §4), always through the outbox of the change.

use kefu_events::catalogue::accounts::{TeamData, TenantData, UserData};
use kefu_events::Event;
use kefu_platform::ApiError;
use sea_orm::DatabaseTransaction;
use uuid::Uuid;

use crate::store::decode_list;
use crate::store::entities::{team, tenant, user};

/// Appends `event` of `tenant_id`, caused by `actor`, to the change's transaction.
pub async fn emit<E: Event>(
    txn: &DatabaseTransaction,
    tenant_id: Uuid,
    actor: Option<Uuid>,
    event: E,
) -> Result<(), ApiError> {
    kefu_events::append(txn, tenant_id, actor, &event).await?;
    Ok(())
}

/// A tenant as events carry it.
pub fn tenant_data(tenant: &tenant::Model) -> TenantData {
    TenantData {
        tenant_id: tenant.id,
        slug: tenant.slug.clone(),
        name: tenant.name.clone(),
        plan: tenant.plan.clone(),
        time_zone: tenant.time_zone.clone(),
        status: tenant.status.clone(),
    }
}

/// A user as events carry it.
pub fn user_data(user: &user::Model, team_ids: Vec<Uuid>) -> UserData {
    UserData {
        user_id: user.id,
        email: user.email.clone(),
        name: user.name.clone(),
        roles: decode_list(&user.roles),
        team_ids,
        status: user.status.clone(),
        customer_id: user.customer_id,
    }
}

/// A team as events carry it.
pub fn team_data(team: &team::Model, member_ids: Vec<Uuid>) -> TeamData {
    TeamData {
        team_id: team.id,
        name: team.name.clone(),
        member_ids,
    }
}
