//! A tenant's classification settings: ABC shares, tier bands, projection years.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::entities::customer_settings;
use crate::domain::tiers::Bands;

/// The defaults a tenant starts with.
pub fn defaults(tenant: Uuid, now: DateTime<Utc>) -> customer_settings::Model {
    let bands = Bands::default();
    customer_settings::Model {
        tenant_id: tenant,
        abc_a_percent: 80,
        abc_b_percent: 15,
        tier_basis: bands.basis.as_str().into(),
        vip_min: bands.vip_min,
        major_min: bands.major_min,
        ordinary_min: bands.ordinary_min,
        projection_years: 3,
        currency: "CNY".into(),
        version: 1,
        updated_at: now,
    }
}

/// The tenant's settings, or the defaults if it has none stored yet.
pub async fn get<C: ConnectionTrait>(
    conn: &C,
    tenant: Uuid,
    now: DateTime<Utc>,
) -> Result<customer_settings::Model, DbErr> {
    Ok(customer_settings::Entity::find_by_id(tenant)
        .one(conn)
        .await?
        .unwrap_or_else(|| defaults(tenant, now)))
}

/// Stores the defaults unless the tenant has settings (a redelivered `tenant.created`).
pub async fn seed<C: ConnectionTrait>(
    conn: &C,
    tenant: Uuid,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    customer_settings::Entity::insert(customer_settings::ActiveModel::from(defaults(tenant, now)))
        .on_conflict(
            OnConflict::column(customer_settings::Column::TenantId)
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(conn)
        .await?;
    Ok(())
}

/// Writes changed settings (a 412 if someone saved them since they were read).
pub async fn save<C: ConnectionTrait>(
    conn: &C,
    mut model: customer_settings::Model,
) -> Result<customer_settings::Model, DbErr> {
    let read_version = model.version;
    model.version += 1;
    let exists = customer_settings::Entity::find_by_id(model.tenant_id)
        .one(conn)
        .await?
        .is_some();
    if !exists {
        // Two first saves at once: the second finds the row the first inserted, which is
        // a save since it read the defaults (412), not a duplicate.
        return match customer_settings::Entity::insert(customer_settings::ActiveModel::from(
            model.clone(),
        ))
        .exec_without_returning(conn)
        .await
        {
            Ok(_) => Ok(model),
            Err(error) if kefu_platform::db::is_unique_violation(&error) => {
                Err(DbErr::RecordNotUpdated)
            }
            Err(error) => Err(error),
        };
    }
    let active =
        sea_orm::ActiveModelTrait::reset_all(customer_settings::ActiveModel::from(model.clone()));
    let result = customer_settings::Entity::update_many()
        .set(active)
        .filter(customer_settings::Column::TenantId.eq(model.tenant_id))
        .filter(customer_settings::Column::Version.eq(read_version))
        .exec(conn)
        .await?;
    if result.rows_affected == 0 {
        return Err(DbErr::RecordNotUpdated);
    }
    Ok(model)
}
