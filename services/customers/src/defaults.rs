//! A tenant's start and end in customers: settings seeded on `tenant.created`, every
//! row erased on `tenant.deleted`.

use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use uuid::Uuid;

use crate::store::entities::{
    agreement, care_plan, contact, customer, customer_score, customer_settings, customer_tag,
    customer_ticket, follow_up, interaction, lifecycle_change, pain_point, value_record,
};

/// Erases every row of `tenant`.
pub async fn purge<C: ConnectionTrait>(conn: &C, tenant: Uuid) -> Result<(), DbErr> {
    contact::Entity::delete_many()
        .filter(contact::Column::TenantId.eq(tenant))
        .exec(conn)
        .await?;
    value_record::Entity::delete_many()
        .filter(value_record::Column::TenantId.eq(tenant))
        .exec(conn)
        .await?;
    lifecycle_change::Entity::delete_many()
        .filter(lifecycle_change::Column::TenantId.eq(tenant))
        .exec(conn)
        .await?;
    customer_tag::Entity::delete_many()
        .filter(customer_tag::Column::TenantId.eq(tenant))
        .exec(conn)
        .await?;
    interaction::Entity::delete_many()
        .filter(interaction::Column::TenantId.eq(tenant))
        .exec(conn)
        .await?;
    customer_ticket::Entity::delete_many()
        .filter(customer_ticket::Column::TenantId.eq(tenant))
        .exec(conn)
        .await?;
    customer_score::Entity::delete_many()
        .filter(customer_score::Column::TenantId.eq(tenant))
        .exec(conn)
        .await?;
    follow_up::Entity::delete_many()
        .filter(follow_up::Column::TenantId.eq(tenant))
        .exec(conn)
        .await?;
    care_plan::Entity::delete_many()
        .filter(care_plan::Column::TenantId.eq(tenant))
        .exec(conn)
        .await?;
    agreement::Entity::delete_many()
        .filter(agreement::Column::TenantId.eq(tenant))
        .exec(conn)
        .await?;
    pain_point::Entity::delete_many()
        .filter(pain_point::Column::TenantId.eq(tenant))
        .exec(conn)
        .await?;
    customer::Entity::delete_many()
        .filter(customer::Column::TenantId.eq(tenant))
        .exec(conn)
        .await?;
    customer_settings::Entity::delete_many()
        .filter(customer_settings::Column::TenantId.eq(tenant))
        .exec(conn)
        .await?;
    Ok(())
}
