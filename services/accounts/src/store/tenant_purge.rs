//! Erasing a deleted tenant: every row accounts keeps about its people goes.

use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::entities::{
    api_client, audit_entry, invitation, password_reset, refresh_token, role, session, team,
    team_member, user,
};

/// Deletes the tenant's users, sessions, tokens, roles, teams, clients, invitations,
/// resets and audit log; returns how many rows went. The tenant row itself stays as a
/// tombstone, so its tokens keep being refused and its slug is not handed out again.
pub async fn purge(conn: &impl ConnectionTrait, tenant_id: Uuid) -> Result<u64, DbErr> {
    let sessions_of_tenant = Query::select()
        .column(session::Column::Id)
        .from(session::Entity)
        .and_where(session::Column::TenantId.eq(tenant_id))
        .to_owned();
    let mut removed = refresh_token::Entity::delete_many()
        .filter(refresh_token::Column::SessionId.in_subquery(sessions_of_tenant))
        .exec(conn)
        .await?
        .rows_affected;
    removed += session::Entity::delete_many()
        .filter(session::Column::TenantId.eq(tenant_id))
        .exec(conn)
        .await?
        .rows_affected;
    macro_rules! delete_tenant_rows {
        ($($entity:ident),+) => {$(
            removed += $entity::Entity::delete_many()
                .filter($entity::Column::TenantId.eq(tenant_id))
                .exec(conn)
                .await?
                .rows_affected;
        )+};
    }
    delete_tenant_rows!(
        team_member,
        team,
        invitation,
        password_reset,
        api_client,
        user,
        role,
        audit_entry
    );
    Ok(removed)
}
