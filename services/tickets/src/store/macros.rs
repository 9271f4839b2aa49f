//! Macros of one tenant.

use kefu_platform::concurrency::IfMatch;
use kefu_platform::ids::TenantId;
use kefu_platform::store::TenantStore;
use sea_orm::{ConnectionTrait, DbErr, QueryOrder};
use uuid::Uuid;

use super::entities::ticket_macro;

/// The macros of one tenant.
pub struct MacroStore<'a, C> {
    table: TenantStore<'a, C, ticket_macro::Entity>,
}

impl<'a, C: ConnectionTrait> MacroStore<'a, C> {
    /// A store scoped to `tenant`.
    pub fn new(conn: &'a C, tenant: TenantId) -> Self {
        Self {
            table: TenantStore::new(conn, tenant),
        }
    }

    /// Every macro, by name.
    pub async fn by_name(&self) -> Result<Vec<ticket_macro::Model>, DbErr> {
        self.table
            .find()
            .order_by_asc(ticket_macro::Column::Name)
            .all(self.table.conn())
            .await
    }

    /// One macro.
    pub async fn get(&self, id: Uuid) -> Result<Option<ticket_macro::Model>, DbErr> {
        self.table.get(id).await
    }

    /// Adds a macro.
    pub async fn insert(&self, model: ticket_macro::Model) -> Result<ticket_macro::Model, DbErr> {
        self.table.insert(model).await
    }

    /// Writes a changed macro, bumping its version (412 when `if_match` or the stored
    /// version says someone saved it since it was read).
    pub async fn save(
        &self,
        model: ticket_macro::Model,
        if_match: &IfMatch,
    ) -> Result<ticket_macro::Model, DbErr> {
        self.table.save(model, if_match).await
    }

    /// Deletes a macro.
    pub async fn delete(&self, id: Uuid) -> Result<(), DbErr> {
        self.table.delete(id).await.map(|_| ())
    }
}
