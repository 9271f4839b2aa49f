//! Saved ticket views of one tenant.

use kefu_platform::concurrency::IfMatch;
use kefu_platform::ids::TenantId;
use kefu_platform::store::TenantStore;
use sea_orm::{ConnectionTrait, DbErr, QueryOrder};
use uuid::Uuid;

use super::entities::ticket_view;

/// The saved views of one tenant.
pub struct ViewStore<'a, C> {
    table: TenantStore<'a, C, ticket_view::Entity>,
}

impl<'a, C: ConnectionTrait> ViewStore<'a, C> {
    /// A store scoped to `tenant`.
    pub fn new(conn: &'a C, tenant: TenantId) -> Self {
        Self {
            table: TenantStore::new(conn, tenant),
        }
    }

    /// Every view of the tenant, in position order (who may see which is the caller's rule).
    pub async fn all(&self) -> Result<Vec<ticket_view::Model>, DbErr> {
        self.table
            .find()
            .order_by_asc(ticket_view::Column::Position)
            .order_by_asc(ticket_view::Column::Id)
            .all(self.table.conn())
            .await
    }

    /// Adds a view.
    pub async fn insert(&self, model: ticket_view::Model) -> Result<ticket_view::Model, DbErr> {
        self.table.insert(model).await
    }

    /// Writes a changed view, bumping its version (412 when `if_match` or the stored
    /// version says someone saved it since it was read).
    pub async fn save(
        &self,
        model: ticket_view::Model,
        if_match: &IfMatch,
    ) -> Result<ticket_view::Model, DbErr> {
        self.table.save(model, if_match).await
    }

    /// Deletes a view.
    pub async fn delete(&self, id: Uuid) -> Result<(), DbErr> {
        self.table.delete(id).await.map(|_| ())
    }
}
