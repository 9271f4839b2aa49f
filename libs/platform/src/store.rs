//! The tenant-scoped store every service's stores are built on: reads, inserts,
//! deletes and the one versioned save, each with the tenant filter added here rather
//! than by each caller (ARCHITECTURE.md "tenant scoping is impossible to forget").
//!
//! An entity opts in with [`tenant_table!`](crate::tenant_table), which names its
//! `tenant_id`, `id` and `version` columns once.

use std::marker::PhantomData;

use sea_orm::{
    ActiveModelBehavior, ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, DeleteMany,
    EntityTrait, IntoActiveModel, QueryFilter, Select, UpdateMany,
};
use uuid::Uuid;

use crate::concurrency::IfMatch;
use crate::ids::TenantId;

/// The id of a row (and of its tenant): a UUID.
pub type RowId = Uuid;

/// A table whose rows each belong to one tenant (a `tenant_id` column).
pub trait TenantTable: EntityTrait {
    /// The entity's active model.
    type Active: ActiveModelTrait<Entity = Self> + ActiveModelBehavior + From<Self::Model> + Send;
    /// The `tenant_id` column.
    fn tenant_column() -> Self::Column;
    /// Makes `model` belong to `tenant`, whatever it said before.
    fn set_tenant(model: &mut Self::Model, tenant: Uuid);
}

/// A tenant table whose rows have a UUID `id`.
pub trait KeyedTable: TenantTable {
    /// The `id` column.
    fn id_column() -> Self::Column;
    /// The row's id.
    fn id_of(model: &Self::Model) -> Uuid;
}

/// A keyed table whose rows carry an optimistic-concurrency `version`.
pub trait VersionedTable: KeyedTable {
    /// The `version` column.
    fn version_column() -> Self::Column;
    /// The row's version.
    fn version_of(model: &Self::Model) -> i64;
    /// Sets the row's version.
    fn set_version(model: &mut Self::Model, version: i64);
}

/// Implements the store traits for an entity module whose columns are named `tenant_id`,
/// `id` and `version`: `tenant_table!(ticket, versioned)`, `tenant_table!(team, keyed)`,
/// or `tenant_table!(ticket_tag)` for a table without an `id`.
#[macro_export]
macro_rules! tenant_table {
    ($module:ident) => {
        impl $crate::store::TenantTable for $module::Entity {
            type Active = $module::ActiveModel;
            fn tenant_column() -> $module::Column {
                $module::Column::TenantId
            }
            fn set_tenant(model: &mut $module::Model, tenant: $crate::store::RowId) {
                model.tenant_id = tenant;
            }
        }
    };
    ($module:ident, keyed) => {
        $crate::tenant_table!($module);
        impl $crate::store::KeyedTable for $module::Entity {
            fn id_column() -> $module::Column {
                $module::Column::Id
            }
            fn id_of(model: &$module::Model) -> $crate::store::RowId {
                model.id
            }
        }
    };
    ($module:ident, versioned) => {
        $crate::tenant_table!($module, keyed);
        impl $crate::store::VersionedTable for $module::Entity {
            fn version_column() -> $module::Column {
                $module::Column::Version
            }
            fn version_of(model: &$module::Model) -> i64 {
                model.version
            }
            fn set_version(model: &mut $module::Model, version: i64) {
                model.version = version;
            }
        }
    };
}

/// The rows of table `E` that belong to one tenant, on connection or transaction `C`.
pub struct TenantStore<'c, C, E> {
    conn: &'c C,
    tenant: Uuid,
    _table: PhantomData<E>,
}

impl<'c, C, E> TenantStore<'c, C, E>
where
    C: ConnectionTrait,
    E: TenantTable,
{
    /// The rows of `tenant`.
    pub fn new(conn: &'c C, tenant: TenantId) -> Self {
        Self {
            conn,
            tenant: tenant.uuid(),
            _table: PhantomData,
        }
    }

    /// The connection, for the caller's own tenant-filtered queries.
    pub fn conn(&self) -> &'c C {
        self.conn
    }

    /// The tenant.
    pub fn tenant(&self) -> Uuid {
        self.tenant
    }

    /// A query over the tenant's rows, to narrow and order further.
    pub fn find(&self) -> Select<E> {
        E::find().filter(E::tenant_column().eq(self.tenant))
    }

    /// An update of the tenant's rows, to narrow further.
    pub fn update_many(&self) -> UpdateMany<E> {
        E::update_many().filter(E::tenant_column().eq(self.tenant))
    }

    /// A delete of the tenant's rows, to narrow further.
    pub fn delete_many(&self) -> DeleteMany<E> {
        E::delete_many().filter(E::tenant_column().eq(self.tenant))
    }

    /// Inserts a row of this tenant: the tenant is set here, never taken from the model.
    pub async fn insert(&self, mut model: E::Model) -> Result<E::Model, DbErr>
    where
        E::Model: Clone + IntoActiveModel<E::Active>,
    {
        E::set_tenant(&mut model, self.tenant);
        E::insert(E::Active::from(model.clone()))
            .exec_without_returning(self.conn)
            .await?;
        Ok(model)
    }

    /// Inserts rows of this tenant (none is a no-op).
    pub async fn insert_many(&self, models: Vec<E::Model>) -> Result<(), DbErr>
    where
        E::Model: IntoActiveModel<E::Active>,
    {
        if models.is_empty() {
            return Ok(());
        }
        let rows = models.into_iter().map(|mut model| {
            E::set_tenant(&mut model, self.tenant);
            E::Active::from(model)
        });
        E::insert_many(rows)
            .exec_without_returning(self.conn)
            .await?;
        Ok(())
    }
}

impl<'c, C, E> TenantStore<'c, C, E>
where
    C: ConnectionTrait,
    E: KeyedTable,
{
    /// One row of the tenant.
    pub async fn get(&self, id: Uuid) -> Result<Option<E::Model>, DbErr> {
        self.find()
            .filter(E::id_column().eq(id))
            .one(self.conn)
            .await
    }

    /// Deletes one row of the tenant; whether there was one.
    pub async fn delete(&self, id: Uuid) -> Result<bool, DbErr> {
        let result = self
            .delete_many()
            .filter(E::id_column().eq(id))
            .exec(self.conn)
            .await?;
        Ok(result.rows_affected > 0)
    }
}

impl<'c, C, E> TenantStore<'c, C, E>
where
    C: ConnectionTrait,
    E: VersionedTable,
{
    /// The one versioned save: writes `model` (as read, then changed) with its version
    /// bumped, only if the stored row still has the version it was read at and
    /// `if_match` allows that version. Otherwise `DbErr::RecordNotUpdated`, which
    /// callers answer as 412: the row changed since the client (or this request) read it.
    pub async fn save(&self, mut model: E::Model, if_match: &IfMatch) -> Result<E::Model, DbErr>
    where
        E::Model: Clone,
    {
        let read = E::version_of(&model);
        if !if_match.allows(read) {
            return Err(DbErr::RecordNotUpdated);
        }
        E::set_version(&mut model, read + 1);
        E::set_tenant(&mut model, self.tenant);
        let id = E::id_of(&model);
        let active = E::Active::from(model.clone()).reset_all();
        let result = self
            .update_many()
            .set(active)
            .filter(E::id_column().eq(id))
            .filter(E::version_column().eq(read))
            .exec(self.conn)
            .await?;
        if result.rows_affected == 0 {
            return Err(DbErr::RecordNotUpdated);
        }
        Ok(model)
    }
}
