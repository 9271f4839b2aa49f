//! Invitations of one tenant, and the token lookup of their public acceptance.

use chrono::{DateTime, Utc};
use kefu_platform::ids::TenantId;
use kefu_platform::pagination::PageRequest;
use kefu_platform::store::TenantStore;
use kefu_platform::TenantScope;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

use super::entities::invitation;

/// The invitations of one tenant.
pub struct InvitationStore<'a, C> {
    table: TenantStore<'a, C, invitation::Entity>,
}

impl<'a, C: ConnectionTrait> InvitationStore<'a, C> {
    /// A store scoped to `tenant`.
    pub fn new(conn: &'a C, tenant: TenantId) -> Self {
        Self {
            table: TenantStore::new(conn, tenant),
        }
    }

    /// Adds an invitation.
    pub async fn insert(&self, model: invitation::Model) -> Result<invitation::Model, DbErr> {
        self.table.insert(model).await
    }

    /// A page (`limit + 1` rows), oldest first, of the invitations neither accepted nor
    /// expired at `now`.
    pub async fn pending(
        &self,
        page: PageRequest,
        now: DateTime<Utc>,
    ) -> Result<Vec<invitation::Model>, DbErr> {
        let mut select = self
            .table
            .find()
            .filter(invitation::Column::AcceptedAt.is_null())
            .filter(invitation::Column::ExpiresAt.gt(now));
        if let Some(after) = page.after {
            select = select.filter(invitation::Column::Id.gt(after));
        }
        select
            .order_by_asc(invitation::Column::Id)
            .limit(page.limit + 1)
            .all(self.table.conn())
            .await
    }
}

/// The invitation whose token has `digest`, whichever tenant's: accepting one is public,
/// and the secret token is what proves the tenant.
pub async fn by_token_digest(
    conn: &impl ConnectionTrait,
    digest: &str,
) -> Result<Option<invitation::Model>, DbErr> {
    invitation::Entity::find()
        .filter(invitation::Column::TokenHash.eq(digest))
        .one(conn)
        .await
}

/// Marks an invitation found by its token accepted at `at`.
pub async fn mark_accepted(
    conn: &impl ConnectionTrait,
    found: &invitation::Model,
    at: DateTime<Utc>,
) -> Result<(), DbErr> {
    TenantStore::<_, invitation::Entity>::new(
        conn,
        TenantScope::by_credential(found.tenant_id, "invitation token").tenant(),
    )
    .update_many()
    .col_expr(invitation::Column::AcceptedAt, Expr::value(Some(at)))
    .filter(invitation::Column::Id.eq(found.id))
    .exec(conn)
    .await?;
    Ok(())
}

/// A new invitation's row: `token_digest` of its secret, for `user` of `tenant`.
pub fn new_row(
    tenant: Uuid,
    user: Uuid,
    token_digest: String,
    expires_at: DateTime<Utc>,
) -> invitation::Model {
    invitation::Model {
        id: Uuid::now_v7(),
        tenant_id: tenant,
        user_id: user,
        token_hash: token_digest,
        expires_at,
        accepted_at: None,
        created_at: Utc::now(),
    }
}
