//! Triggers and automations (business rules) of one tenant, and automations' firings.

use chrono::{DateTime, Utc};
use kefu_platform::concurrency::IfMatch;
use kefu_platform::ids::TenantId;
use kefu_platform::store::TenantStore;
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

use super::entities::{automation_firing, business_rule, ticket};

/// The rules of one tenant.
pub struct RuleStore<'a, C> {
    conn: &'a C,
    tenant: TenantId,
}

impl<'a, C: ConnectionTrait> RuleStore<'a, C> {
    /// A store scoped to `tenant`.
    pub fn new(conn: &'a C, tenant: TenantId) -> Self {
        Self { conn, tenant }
    }

    /// The active rules of `kind` (`trigger`, `automation`) for `event`, in order.
    pub async fn active(
        &self,
        kind: &str,
        event: Option<&str>,
    ) -> Result<Vec<business_rule::Model>, DbErr> {
        let mut query = TenantStore::<_, business_rule::Entity>::new(self.conn, self.tenant)
            .find()
            .filter(business_rule::Column::Kind.eq(kind))
            .filter(business_rule::Column::Active.eq(true));
        if let Some(event) = event {
            query = query.filter(business_rule::Column::Event.eq(event));
        }
        query
            .order_by_asc(business_rule::Column::Position)
            .order_by_asc(business_rule::Column::Id)
            .all(self.conn)
            .await
    }

    /// Every rule of `kind`, in order.
    pub async fn of_kind(&self, kind: &str) -> Result<Vec<business_rule::Model>, DbErr> {
        self.table()
            .find()
            .filter(business_rule::Column::Kind.eq(kind))
            .order_by_asc(business_rule::Column::Position)
            .order_by_asc(business_rule::Column::Id)
            .all(self.conn)
            .await
    }

    /// One rule of `kind`.
    pub async fn get(&self, kind: &str, id: Uuid) -> Result<Option<business_rule::Model>, DbErr> {
        self.table()
            .find()
            .filter(business_rule::Column::Id.eq(id))
            .filter(business_rule::Column::Kind.eq(kind))
            .one(self.conn)
            .await
    }

    /// Adds a rule.
    pub async fn insert(&self, model: business_rule::Model) -> Result<business_rule::Model, DbErr> {
        self.table().insert(model).await
    }

    /// Writes a changed rule, bumping its version (412 when `if_match` or the stored
    /// version says someone saved it since it was read).
    pub async fn save(
        &self,
        model: business_rule::Model,
        if_match: &IfMatch,
    ) -> Result<business_rule::Model, DbErr> {
        self.table().save(model, if_match).await
    }

    /// Deletes a rule.
    pub async fn delete(&self, id: Uuid) -> Result<(), DbErr> {
        self.table().delete(id).await.map(|_| ())
    }

    fn table(&self) -> TenantStore<'a, C, business_rule::Entity> {
        TenantStore::new(self.conn, self.tenant)
    }

    /// Up to `limit` tickets an automation may apply to: in `statuses`, untouched since
    /// `updated_before` and created before `created_before` when given, oldest change first.
    pub async fn automation_candidates(
        &self,
        statuses: Vec<String>,
        updated_before: Option<DateTime<Utc>>,
        created_before: Option<DateTime<Utc>>,
        limit: u64,
    ) -> Result<Vec<ticket::Model>, DbErr> {
        let mut query = TenantStore::<_, ticket::Entity>::new(self.conn, self.tenant)
            .find()
            .filter(ticket::Column::Status.is_in(statuses));
        if let Some(at) = updated_before {
            query = query.filter(ticket::Column::UpdatedAt.lte(at));
        }
        if let Some(at) = created_before {
            query = query.filter(ticket::Column::CreatedAt.lte(at));
        }
        query
            .order_by_asc(ticket::Column::UpdatedAt)
            .limit(limit)
            .all(self.conn)
            .await
    }

    /// Records that `rule` fired on `ticket` in the state `cause`; false when it already
    /// had (an automation fires once per state of a ticket).
    pub async fn record_firing(
        &self,
        rule: Uuid,
        ticket: Uuid,
        cause: String,
        at: DateTime<Utc>,
    ) -> Result<bool, DbErr> {
        let firing = automation_firing::ActiveModel::from(automation_firing::Model {
            tenant_id: self.tenant.uuid(),
            rule_id: rule,
            ticket_id: ticket,
            cause,
            at,
        });
        let inserted = automation_firing::Entity::insert(firing)
            .on_conflict(
                OnConflict::columns([
                    automation_firing::Column::TenantId,
                    automation_firing::Column::RuleId,
                    automation_firing::Column::TicketId,
                    automation_firing::Column::Cause,
                ])
                .do_nothing()
                .to_owned(),
            )
            .exec_without_returning(self.conn)
            .await?;
        Ok(inserted > 0)
    }
}
