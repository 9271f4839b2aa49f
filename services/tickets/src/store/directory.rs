//! The tenants and users tickets knows of, kept current by accounts' events.

use chrono::Utc;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use uuid::Uuid;

pub use kefu_directory::{tenant_status, upsert_tenant, upsert_user, user};

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

/// The active staff users (not portal customers) of `tenant`.
pub async fn active_staff<C: ConnectionTrait>(
    conn: &C,
    tenant: Uuid,
) -> Result<Vec<super::entities::directory_user::Model>, DbErr> {
    use super::entities::directory_user;
    directory_user::Entity::find()
        .filter(directory_user::Column::TenantId.eq(tenant))
        .filter(directory_user::Column::Status.eq("active"))
        .filter(directory_user::Column::CustomerId.is_null())
        .all(conn)
        .await
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
