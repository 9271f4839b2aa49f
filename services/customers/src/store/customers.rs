//! Customers of one tenant: rows, tags, lifecycle changes, filtered keyset pages.

use kefu_platform::concurrency::IfMatch;
use kefu_platform::ids::TenantId;
use kefu_platform::pagination::PageRequest;
use kefu_platform::store::TenantStore;
use sea_orm::sea_query::{Expr, Func};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    QueryTrait,
};
use uuid::Uuid;

use super::entities::{customer, customer_tag, lifecycle_change};
use crate::domain::ids::CustomerId;

/// What a customer list is narrowed by; every field optional.
#[derive(Debug, Default, Clone)]
pub struct CustomerFilter {
    /// `organisation` or `individual`.
    pub kind: Option<String>,
    /// Lifecycle stage.
    pub lifecycle: Option<String>,
    /// Pyramid tier.
    pub tier: Option<String>,
    /// ABC class.
    pub abc_class: Option<String>,
    /// Marketing type.
    pub marketing_type: Option<String>,
    /// Management class.
    pub management_class: Option<String>,
    /// Position.
    pub position: Option<String>,
    /// Relationship level.
    pub relationship_level: Option<String>,
    /// Relationship manager.
    pub owner_id: Option<Uuid>,
    /// A tag the customer carries.
    pub tag: Option<String>,
    /// Words of the name (case-insensitive substring).
    pub q: Option<String>,
}

/// Customers of one tenant.
pub struct CustomerStore<'c, C> {
    conn: &'c C,
    tenant: TenantId,
}

impl<'c, C: ConnectionTrait> CustomerStore<'c, C> {
    /// The store of `tenant`.
    pub fn new(conn: &'c C, tenant: TenantId) -> Self {
        Self { conn, tenant }
    }

    /// Inserts a customer and its tags.
    pub async fn insert(&self, model: customer::Model) -> Result<customer::Model, DbErr> {
        customer::Entity::insert(customer::ActiveModel::from(model.clone()))
            .exec_without_returning(self.conn)
            .await?;
        self.set_tags(model.id, &super::decode_list(&model.tags))
            .await?;
        Ok(model)
    }

    /// One customer of the tenant, merged-away and deleted ones included.
    pub async fn get(&self, id: CustomerId) -> Result<Option<customer::Model>, DbErr> {
        TenantStore::<_, customer::Entity>::new(self.conn, self.tenant)
            .find()
            .filter(customer::Column::Id.eq(id.uuid()))
            .one(self.conn)
            .await
    }

    /// The customer of the tenant with `external_id`, if any.
    pub async fn by_external_id(&self, external: &str) -> Result<Option<customer::Model>, DbErr> {
        TenantStore::<_, customer::Entity>::new(self.conn, self.tenant)
            .find()
            .filter(customer::Column::ExternalId.eq(external))
            .one(self.conn)
            .await
    }

    /// Writes a changed customer, bumping its version; `RecordNotUpdated` (a 412) if it
    /// was saved by someone else since it was read.
    pub async fn save(&self, model: customer::Model) -> Result<customer::Model, DbErr> {
        let saved: Result<customer::Model, DbErr> =
            TenantStore::<_, customer::Entity>::new(self.conn, self.tenant)
                .save(model, &IfMatch::Absent)
                .await;
        let saved = saved?;
        self.set_tags(saved.id, &super::decode_list(&saved.tags))
            .await?;
        Ok(saved)
    }

    /// Replaces the tags of a customer.
    async fn set_tags(&self, customer: Uuid, tags: &[String]) -> Result<(), DbErr> {
        TenantStore::<_, customer_tag::Entity>::new(self.conn, self.tenant)
            .delete_many()
            .filter(customer_tag::Column::CustomerId.eq(customer))
            .exec(self.conn)
            .await?;
        if tags.is_empty() {
            return Ok(());
        }
        let rows = tags.iter().map(|tag| {
            customer_tag::ActiveModel::from(customer_tag::Model {
                tenant_id: self.tenant.uuid(),
                tag: tag.clone(),
                customer_id: customer,
            })
        });
        customer_tag::Entity::insert_many(rows)
            .exec_without_returning(self.conn)
            .await?;
        Ok(())
    }

    /// A page of live customers matching `filter`, newest first.
    pub async fn list(
        &self,
        filter: &CustomerFilter,
        page: PageRequest,
    ) -> Result<Vec<customer::Model>, DbErr> {
        use customer::Column as C;
        let mut query = TenantStore::<_, customer::Entity>::new(self.conn, self.tenant)
            .find()
            .filter(C::DeletedAt.is_null())
            .filter(C::MergedInto.is_null());
        let exact = [
            (C::Kind, &filter.kind),
            (C::Lifecycle, &filter.lifecycle),
            (C::Tier, &filter.tier),
            (C::AbcClass, &filter.abc_class),
            (C::MarketingType, &filter.marketing_type),
            (C::ManagementClass, &filter.management_class),
            (C::Position, &filter.position),
            (C::RelationshipLevel, &filter.relationship_level),
        ];
        for (column, value) in exact {
            if let Some(value) = value {
                query = query.filter(column.eq(value.clone()));
            }
        }
        if let Some(owner) = filter.owner_id {
            query = query.filter(C::OwnerId.eq(owner));
        }
        if let Some(tag) = &filter.tag {
            let tagged = customer_tag::Entity::find()
                .select_only()
                .column(customer_tag::Column::CustomerId)
                .filter(customer_tag::Column::TenantId.eq(self.tenant))
                .filter(customer_tag::Column::Tag.eq(tag.clone()))
                .into_query();
            query = query.filter(C::Id.in_subquery(tagged));
        }
        if let Some(q) = &filter.q {
            let pattern = format!("%{}%", q.to_lowercase().replace(['%', '_'], ""));
            query = query.filter(
                Expr::expr(Func::lower(Expr::col((customer::Entity, C::Name)))).like(pattern),
            );
        }
        if let Some(after) = page.after {
            query = query.filter(C::Id.lt(after));
        }
        query
            .order_by_desc(C::Id)
            .limit(page.limit + 1)
            .all(self.conn)
            .await
    }

    /// Every live customer of the tenant (classification works on all of them).
    pub async fn all_live(&self) -> Result<Vec<customer::Model>, DbErr> {
        TenantStore::<_, customer::Entity>::new(self.conn, self.tenant)
            .find()
            .filter(customer::Column::DeletedAt.is_null())
            .filter(customer::Column::MergedInto.is_null())
            .order_by_asc(customer::Column::Id)
            .all(self.conn)
            .await
    }

    /// Records a move between lifecycle stages.
    pub async fn log_lifecycle(&self, change: lifecycle_change::Model) -> Result<(), DbErr> {
        lifecycle_change::Entity::insert(lifecycle_change::ActiveModel::from(change))
            .exec_without_returning(self.conn)
            .await?;
        Ok(())
    }

    /// A customer's lifecycle moves, oldest first.
    pub async fn lifecycle_changes(
        &self,
        customer: Uuid,
    ) -> Result<Vec<lifecycle_change::Model>, DbErr> {
        TenantStore::<_, lifecycle_change::Entity>::new(self.conn, self.tenant)
            .find()
            .filter(lifecycle_change::Column::CustomerId.eq(customer))
            .order_by_asc(lifecycle_change::Column::At)
            .order_by_asc(lifecycle_change::Column::Id)
            .all(self.conn)
            .await
    }
}
