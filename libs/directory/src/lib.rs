//! What a Kefu service knows of accounts' tenants and users: a copy kept current by
//! accounts' events (services never call accounts to read them), and the token guard
//! that refuses suspended tenants and disabled users from that copy.

pub mod entities;
mod migration;

use async_trait::async_trait;
use chrono::Utc;
use kefu_events::catalogue::accounts::{
    TenantData, TenantDeleted, TenantRestored, TenantSuspended, TenantUpdated, UserCreated,
    UserData, UserDisabled, UserEnabled, UserRolesChanged, UserUpdated,
};
use kefu_events::Consumers;
use kefu_platform::auth::{Claims, PrincipalGuard};
use kefu_platform::ApiError;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter};
use uuid::Uuid;

use entities::{directory_tenant, directory_user};
pub use migration::Migration;

fn encode_list<T: serde::Serialize>(items: &[T]) -> String {
    serde_json::to_string(items).unwrap_or_else(|_| "[]".into())
}

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

/// A tenant's time zone as last announced, if it has one the zone database knows.
pub async fn tenant_time_zone<C: ConnectionTrait>(
    conn: &C,
    tenant: Uuid,
) -> Result<Option<String>, DbErr> {
    Ok(directory_tenant::Entity::find_by_id(tenant)
        .one(conn)
        .await?
        .map(|t| t.time_zone)
        .filter(|z| z.parse::<chrono_tz::Tz>().is_ok()))
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

/// Whether `id` is an active staff user of `tenant` (not a portal user, not disabled):
/// who may own, be assigned or follow work.
pub async fn is_active_staff<C: ConnectionTrait>(
    conn: &C,
    tenant: Uuid,
    id: Uuid,
) -> Result<bool, DbErr> {
    Ok(user(conn, tenant, id)
        .await?
        .is_some_and(|u| u.status == "active" && u.customer_id.is_none()))
}

/// Refuses `id`, given as `field`, unless it is an active staff user of `tenant`.
pub async fn require_active_staff<C: ConnectionTrait>(
    conn: &C,
    tenant: Uuid,
    field: &str,
    id: Option<Uuid>,
) -> Result<(), ApiError> {
    match id {
        Some(id) if !is_active_staff(conn, tenant, id).await? => Err(ApiError::field(
            field,
            "is not an active staff user of this tenant",
        )),
        _ => Ok(()),
    }
}

/// Registers handlers recording every tenant and user event of accounts in the
/// directory; a service registers its own handler after this to do more on one of them.
pub fn record_accounts_events(consumers: Consumers) -> Consumers {
    macro_rules! tenant {
        ($consumers:expr, $($event:ty),+) => {{
            let consumers = $consumers;
            $(let consumers = consumers.on::<$event, _>(|txn, _envelope, event| {
                Box::pin(async move { Ok(upsert_tenant(txn, &event.0).await?) })
            });)+
            consumers
        }};
    }
    macro_rules! user {
        ($consumers:expr, $($event:ty),+) => {{
            let consumers = $consumers;
            $(let consumers = consumers.on::<$event, _>(|txn, envelope, event| {
                let tenant = envelope.tenant_id;
                Box::pin(async move { Ok(upsert_user(txn, tenant, &event.0).await?) })
            });)+
            consumers
        }};
    }
    let consumers = tenant!(
        consumers,
        TenantUpdated,
        TenantSuspended,
        TenantRestored,
        TenantDeleted
    );
    user!(
        consumers,
        UserCreated,
        UserUpdated,
        UserDisabled,
        UserEnabled,
        UserRolesChanged
    )
}

/// Refuses tokens of tenants accounts announced as suspended or deleted, and of users
/// it announced as disabled. A service knows them only from events, so a principal it
/// has not heard of yet passes (the signature and expiry still hold).
pub struct DirectoryGuard {
    db: DatabaseConnection,
}

impl DirectoryGuard {
    /// A guard over a service's database holding the directory.
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }
}

#[async_trait]
impl PrincipalGuard for DirectoryGuard {
    async fn check(&self, claims: &Claims) -> Result<(), ApiError> {
        let Some(tenant) = claims.tid else {
            return Ok(());
        };
        if let Some(status) = tenant_status(&self.db, tenant).await? {
            if status != "active" {
                return Err(ApiError::Unauthenticated);
            }
        }
        if let Some(user) = user(&self.db, tenant, claims.sub).await? {
            if user.status == "disabled" {
                return Err(ApiError::Unauthenticated);
            }
        }
        Ok(())
    }
}
