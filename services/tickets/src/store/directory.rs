//! The tenants and users tickets knows of, kept current by accounts' events.

use chrono::Utc;
use kefu_events::catalogue::accounts::{TenantData, UserData};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::encode_list;
use super::entities::{directory_tenant, directory_user};

/// Records a tenant as an event describes it.
pub async fn upsert_tenant<C: ConnectionTrait>(conn: &C, data: &TenantData) -> Result<(), DbErr> {
    let row = directory_tenant::ActiveModel::from(directory_tenant::Model {
        id: data.tenant_id,
        slug: data.slug.clone(),
        name: data.name.clone(),
        time_zone: data.time_zone.clone(),
        status: data.status.clone(),
        updated_at: Utc::now(),
    });
    directory_tenant::Entity::insert(row)
        .on_conflict(
            OnConflict::column(directory_tenant::Column::Id)
                .update_columns([
                    directory_tenant::Column::Slug,
                    directory_tenant::Column::Name,
                    directory_tenant::Column::TimeZone,
                    directory_tenant::Column::Status,
                    directory_tenant::Column::UpdatedAt,
                ])
                .to_owned(),
        )
        .exec_without_returning(conn)
        .await?;
    Ok(())
}

/// Records a user of `tenant` as an event describes it.
pub async fn upsert_user<C: ConnectionTrait>(
    conn: &C,
    tenant: Uuid,
    data: &UserData,
) -> Result<(), DbErr> {
    let row = directory_user::ActiveModel::from(directory_user::Model {
        id: data.user_id,
        tenant_id: tenant,
        name: data.name.clone(),
        email: data.email.clone(),
        roles: encode_list(&data.roles),
        team_ids: encode_list(&data.team_ids),
        status: data.status.clone(),
        customer_id: data.customer_id,
        updated_at: Utc::now(),
    });
    directory_user::Entity::insert(row)
        .on_conflict(
            OnConflict::column(directory_user::Column::Id)
                .update_columns([
                    directory_user::Column::Name,
                    directory_user::Column::Email,
                    directory_user::Column::Roles,
                    directory_user::Column::TeamIds,
                    directory_user::Column::Status,
                    directory_user::Column::CustomerId,
                    directory_user::Column::UpdatedAt,
                ])
                .to_owned(),
        )
        .exec_without_returning(conn)
        .await?;
    Ok(())
}

/// A tenant's status as last announced, if tickets has heard of it.
pub async fn tenant_status<C: ConnectionTrait>(
    conn: &C,
    tenant: Uuid,
) -> Result<Option<String>, DbErr> {
    Ok(directory_tenant::Entity::find_by_id(tenant)
        .one(conn)
        .await?
        .map(|t| t.status))
}

/// A user of `tenant`, if tickets has heard of them.
pub async fn user<C: ConnectionTrait>(
    conn: &C,
    tenant: Uuid,
    id: Uuid,
) -> Result<Option<directory_user::Model>, DbErr> {
    directory_user::Entity::find_by_id(id)
        .filter(directory_user::Column::TenantId.eq(tenant))
        .one(conn)
        .await
}

/// Records a customer as an event describes it; returns the row it replaced, if any.
pub async fn upsert_customer<C: ConnectionTrait>(
    conn: &C,
    tenant: Uuid,
    data: &kefu_events::catalogue::customers::CustomerData,
) -> Result<Option<super::entities::directory_customer::Model>, DbErr> {
    use super::entities::directory_customer;
    let before = customer(conn, tenant, data.customer_id).await?;
    let row = directory_customer::ActiveModel::from(directory_customer::Model {
        id: data.customer_id,
        tenant_id: tenant,
        name: data.name.clone(),
        tier: data.tier.clone(),
        service_level: data.service_level.clone(),
        owner_id: data.owner_id,
        updated_at: Utc::now(),
    });
    directory_customer::Entity::insert(row)
        .on_conflict(
            OnConflict::column(directory_customer::Column::Id)
                .update_columns([
                    directory_customer::Column::Name,
                    directory_customer::Column::Tier,
                    directory_customer::Column::ServiceLevel,
                    directory_customer::Column::OwnerId,
                    directory_customer::Column::UpdatedAt,
                ])
                .to_owned(),
        )
        .exec_without_returning(conn)
        .await?;
    Ok(before)
}

/// Drops a customer that no longer exists (merged into another).
pub async fn forget_customer<C: ConnectionTrait>(
    conn: &C,
    tenant: Uuid,
    id: Uuid,
) -> Result<(), DbErr> {
    use super::entities::directory_customer;
    directory_customer::Entity::delete_many()
        .filter(directory_customer::Column::TenantId.eq(tenant))
        .filter(directory_customer::Column::Id.eq(id))
        .exec(conn)
        .await?;
    Ok(())
}

/// A customer of `tenant`, if tickets has heard of them.
pub async fn customer<C: ConnectionTrait>(
    conn: &C,
    tenant: Uuid,
    id: Uuid,
) -> Result<Option<super::entities::directory_customer::Model>, DbErr> {
    use super::entities::directory_customer;
    directory_customer::Entity::find_by_id(id)
        .filter(directory_customer::Column::TenantId.eq(tenant))
        .one(conn)
        .await
}
