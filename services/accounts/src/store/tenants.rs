//! Tenants: creation with seeded roles, settings, status.

use chrono::Utc;
use kefu_platform::ids::TenantId;
use kefu_platform::pagination::PageRequest;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

use super::encode_list;
use super::entities::{role, tenant};
use crate::domain::roles::{expand, BUILTIN_ROLES};

/// What a new tenant is made of.
#[derive(Debug, Clone)]
pub struct NewTenant {
    /// Its id, new (`TenantId::new()`): the caller goes on to fill the tenant's stores.
    pub id: TenantId,
    /// Unique slug.
    pub slug: String,
    /// Display name.
    pub name: String,
    /// IANA time zone.
    pub time_zone: String,
    /// BCP 47 locale.
    pub locale: String,
    /// Plan name.
    pub plan: String,
}

/// Whether any tenant exists.
pub async fn any(conn: &impl ConnectionTrait) -> Result<bool, DbErr> {
    Ok(tenant::Entity::find().count(conn).await? > 0)
}

/// Inserts a tenant and seeds the role catalogue; returns the tenant.
pub async fn create(conn: &impl ConnectionTrait, new: NewTenant) -> Result<tenant::Model, DbErr> {
    let now = Utc::now();
    let model = tenant::Model {
        id: new.id.uuid(),
        slug: new.slug,
        name: new.name,
        status: "active".into(),
        plan: new.plan,
        time_zone: new.time_zone,
        locale: new.locale,
        business_hours_calendar: None,
        version: 1,
        created_at: now,
        updated_at: now,
        deleted_at: None,
    };
    tenant::Entity::insert(tenant::ActiveModel::from(model.clone()))
        .exec(conn)
        .await?;
    let roles: Vec<role::ActiveModel> = BUILTIN_ROLES
        .iter()
        .map(|r| role::ActiveModel {
            id: Set(Uuid::now_v7()),
            tenant_id: Set(model.id),
            key: Set(r.key.into()),
            name: Set(r.name.into()),
            description: Set(Some(r.description.into())),
            scopes: Set(encode_list(&expand(r.patterns))),
            builtin: Set(true),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
        })
        .collect();
    role::Entity::insert_many(roles).exec(conn).await?;
    Ok(model)
}

/// The tenant of a token (any status).
pub async fn get(
    conn: &impl ConnectionTrait,
    id: TenantId,
) -> Result<Option<tenant::Model>, DbErr> {
    tenant::Entity::find_by_id(id.uuid()).one(conn).await
}

/// A tenant by slug.
pub async fn find_by_slug(
    conn: &impl ConnectionTrait,
    slug: &str,
) -> Result<Option<tenant::Model>, DbErr> {
    tenant::Entity::find()
        .filter(tenant::Column::Slug.eq(slug))
        .one(conn)
        .await
}

/// Writes changed fields of a tenant, bumping its version.
pub async fn save(
    conn: &impl ConnectionTrait,
    mut model: tenant::Model,
) -> Result<tenant::Model, DbErr> {
    let read_version = model.version;
    model.version += 1;
    model.updated_at = Utc::now();
    let active: tenant::ActiveModel = model.clone().into();
    let active = sea_orm::ActiveModelTrait::reset_all(active);
    // Someone else's save since the read makes this fail (`RecordNotUpdated`, a 412).
    tenant::Entity::update(active)
        .filter(tenant::Column::Version.eq(read_version))
        .exec(conn)
        .await?;
    Ok(model)
}

/// Lists every tenant for operators, optionally by status.
pub async fn list_all(
    conn: &impl ConnectionTrait,
    status: Option<&str>,
    page: PageRequest,
) -> Result<Vec<tenant::Model>, DbErr> {
    let mut query = tenant::Entity::find();
    if let Some(status) = status {
        query = query.filter(tenant::Column::Status.eq(status));
    }
    if let Some(after) = page.after {
        query = query.filter(tenant::Column::Id.gt(after));
    }
    query
        .order_by_asc(tenant::Column::Id)
        .limit(page.limit + 1)
        .all(conn)
        .await
}
