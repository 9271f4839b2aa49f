//! Erasing a deleted tenant: every row accounts keeps about its people goes.

use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::entities::{refresh_token, session};

/// Deletes the tenant's rows from every table with a `tenant_id` (users, sessions,
/// roles, teams, clients, invitations, resets, audit log, …), and its refresh tokens,
/// which belong to it through their sessions; returns how many rows went. The tenant
/// row itself stays as a tombstone, so its tokens keep being refused and its slug is
/// not handed out again.
pub async fn purge(conn: &impl ConnectionTrait, tenant_id: Uuid) -> Result<u64, DbErr> {
    let sessions_of_tenant = Query::select()
        .column(session::Column::Id)
        .from(session::Entity)
        .and_where(session::Column::TenantId.eq(tenant_id))
        .to_owned();
    let tokens = refresh_token::Entity::delete_many()
        .filter(refresh_token::Column::SessionId.in_subquery(sessions_of_tenant))
        .exec(conn)
        .await?
        .rows_affected;
    Ok(tokens + kefu_platform::purge::purge_tenant(conn, tenant_id).await?)
}
