//! The custom fields of one tenant.

use kefu_platform::concurrency::IfMatch;
use kefu_platform::ids::TenantId;
use kefu_platform::store::TenantStore;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use super::decode_list;
use super::entities::custom_field;
use crate::domain::custom_fields::{FieldSpec, FieldType};

/// The custom fields of one tenant.
pub struct CustomFieldStore<'a, C> {
    conn: &'a C,
    tenant: TenantId,
}

impl<'a, C: ConnectionTrait> CustomFieldStore<'a, C> {
    /// A store scoped to `tenant`.
    pub fn new(conn: &'a C, tenant: TenantId) -> Self {
        Self { conn, tenant }
    }

    /// Every field in display order.
    pub async fn all(&self) -> Result<Vec<custom_field::Model>, DbErr> {
        TenantStore::<_, custom_field::Entity>::new(self.conn, self.tenant)
            .find()
            .order_by_asc(custom_field::Column::Position)
            .order_by_asc(custom_field::Column::Id)
            .all(self.conn)
            .await
    }

    /// What ticket values are checked against.
    pub async fn specs(&self) -> Result<Vec<FieldSpec>, DbErr> {
        Ok(self
            .all()
            .await?
            .into_iter()
            .filter_map(|f| {
                Some(FieldSpec {
                    field_type: FieldType::parse(&f.field_type)?,
                    options: decode_list(&f.options),
                    required: f.required,
                    key: f.key,
                })
            })
            .collect())
    }

    /// One field.
    pub async fn get(&self, id: Uuid) -> Result<Option<custom_field::Model>, DbErr> {
        TenantStore::<_, custom_field::Entity>::new(self.conn, self.tenant)
            .find()
            .filter(custom_field::Column::Id.eq(id))
            .one(self.conn)
            .await
    }

    /// Adds a field.
    pub async fn insert(
        &self,
        mut model: custom_field::Model,
    ) -> Result<custom_field::Model, DbErr> {
        model.tenant_id = self.tenant.uuid();
        custom_field::Entity::insert(custom_field::ActiveModel::from(model.clone()))
            .exec_without_returning(self.conn)
            .await?;
        Ok(model)
    }

    /// Saves a field, bumping its version (412 if it changed since it was read).
    pub async fn save(
        &self,
        mut model: custom_field::Model,
        if_match: &IfMatch,
    ) -> Result<custom_field::Model, DbErr> {
        model.updated_at = chrono::Utc::now();
        let model = TenantStore::<_, custom_field::Entity>::new(self.conn, self.tenant)
            .save(model, if_match)
            .await?;
        Ok(model)
    }

    /// Deletes a field (values on tickets stay, unchecked, until edited).
    pub async fn delete(&self, id: Uuid) -> Result<(), DbErr> {
        TenantStore::<_, custom_field::Entity>::new(self.conn, self.tenant)
            .delete_many()
            .filter(custom_field::Column::Id.eq(id))
            .exec(self.conn)
            .await?;
        Ok(())
    }
}
