//! `/api/v1/customers`: customers, their lifecycle and classifications.

use actix_web::{delete, get, patch, post, web, HttpResponse};
use chrono::{DateTime, NaiveDate, Utc};
use kefu_platform::auth::scopes::{CustomersRead, CustomersWrite};
use kefu_platform::concurrency::IfMatch;
use kefu_platform::http::{created, with_etag, ErrorResponses};
use kefu_platform::json::Json;
use kefu_platform::pagination::{Page, PageQuery};
use kefu_platform::query::Query;
use kefu_platform::validation::{Checks, MaxChars, Validate};
use kefu_platform::{ApiError, Authz};
use sea_orm::{ConnectionTrait, DatabaseTransaction};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::domain::abc::AbcClass;
use crate::domain::fields::{
    normalize_tag, Kind, Lifecycle, ManagementClass, MarketingType, Position, RelationshipLevel,
};
use crate::domain::tiers::Tier;
use crate::events::{emit_change, emit_created};
use crate::state::AppState;
use crate::store::customers::{CustomerFilter, CustomerStore};
use crate::store::entities::{customer, lifecycle_change};
use crate::store::{decode_list, encode_list};

/// Background: the customer's world, as the relationship manager knows it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Background {
    /// Their industry in their own words (up to 4000 characters).
    #[serde(default)]
    #[schema(max_length = 4000)]
    pub industry: String,
    /// How their business is doing (up to 4000 characters).
    #[serde(default)]
    #[schema(max_length = 4000)]
    pub business_situation: String,
    /// How they work and decide (up to 4000 characters).
    #[serde(default)]
    #[schema(max_length = 4000)]
    pub culture: String,
}

/// Needs: what service they want, when, and how.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Needs {
    /// What service (up to 4000 characters).
    #[serde(default)]
    #[schema(max_length = 4000)]
    pub services: String,
    /// When (up to 4000 characters).
    #[serde(default)]
    #[schema(max_length = 4000)]
    pub timing: String,
    /// How (up to 4000 characters).
    #[serde(default)]
    #[schema(max_length = 4000)]
    pub manner: String,
}

/// A new customer.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"kind": "organisation", "name": "Acme Hospital", "industry": "healthcare", "region": "East", "owner_id": null, "tags": ["hospital"], "lifecycle": "active", "management_class": "key", "relationship_level": "accountable"}))]
pub struct NewCustomerBody {
    /// Organisation or individual.
    pub kind: Kind,
    /// Name (1–200 characters).
    #[schema(max_length = 200)]
    pub name: String,
    /// Industry (1–100 characters).
    #[schema(max_length = 100)]
    pub industry: Option<String>,
    /// Region (1–100 characters).
    #[schema(max_length = 100)]
    pub region: Option<String>,
    /// Size, e.g. `50-249 staff` (1–50 characters).
    #[schema(max_length = 50)]
    pub size: Option<String>,
    /// Postal address (1–500 characters).
    #[schema(max_length = 500)]
    pub address: Option<String>,
    /// Where the customer came from (1–100 characters).
    #[schema(max_length = 100)]
    pub source_channel: Option<String>,
    /// Relationship manager (an active staff user).
    pub owner_id: Option<Uuid>,
    /// Tags (at most 50), each 1–50 characters without commas; stored lower-case.
    #[serde(default)]
    #[schema(value_type = Vec<MaxChars<50>>, inline, max_items = 50)]
    pub tags: Vec<String>,
    /// Free notes (up to 10 000 characters).
    #[serde(default)]
    #[schema(max_length = 10000)]
    pub notes: String,
    /// Background.
    #[serde(default)]
    pub background: Background,
    /// Needs.
    #[serde(default)]
    pub needs: Needs,
    /// Lifecycle stage (default `prospect`).
    pub lifecycle: Option<Lifecycle>,
    /// Marketing type.
    pub marketing_type: Option<MarketingType>,
    /// Management class.
    pub management_class: Option<ManagementClass>,
    /// Position.
    pub position: Option<Position>,
    /// Kotler relationship level.
    pub relationship_level: Option<RelationshipLevel>,
    /// Customer since (default today).
    pub customer_since: Option<NaiveDate>,
    /// The customer's id in another system (1–100 characters), unique in the tenant.
    #[schema(max_length = 100)]
    pub external_id: Option<String>,
}

fn check_text(checks: &mut Checks, field: &str, value: Option<&str>, max: usize) {
    checks.length_opt(field, value, 1, max);
}

fn check_tags(checks: &mut Checks, tags: &[String]) {
    checks.ensure(tags.len() <= 50, "tags", "must list at most 50 tags");
    for (i, tag) in tags.iter().enumerate() {
        checks.ensure(
            normalize_tag(tag).is_some(),
            &format!("tags[{i}]"),
            "must be 1–50 characters without commas",
        );
    }
}

fn check_story(checks: &mut Checks, background: &Background, needs: &Needs) {
    for (field, value) in [
        ("background.industry", &background.industry),
        (
            "background.business_situation",
            &background.business_situation,
        ),
        ("background.culture", &background.culture),
        ("needs.services", &needs.services),
        ("needs.timing", &needs.timing),
        ("needs.manner", &needs.manner),
    ] {
        checks.length(field, value, 0, 4000);
    }
}

impl Validate for NewCustomerBody {
    fn validate(&self) -> Result<(), ApiError> {
        let mut checks = Checks::new();
        checks.length("name", self.name.trim(), 1, 200);
        check_text(&mut checks, "industry", self.industry.as_deref(), 100);
        check_text(&mut checks, "region", self.region.as_deref(), 100);
        check_text(&mut checks, "size", self.size.as_deref(), 50);
        check_text(&mut checks, "address", self.address.as_deref(), 500);
        check_text(
            &mut checks,
            "source_channel",
            self.source_channel.as_deref(),
            100,
        );
        check_text(&mut checks, "external_id", self.external_id.as_deref(), 100);
        checks.length("notes", &self.notes, 0, 10_000);
        check_tags(&mut checks, &self.tags);
        check_story(&mut checks, &self.background, &self.needs);
        checks.finish()
    }
}

/// Changes to a customer; `null` clears an optional field.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"lifecycle": "active", "owner_id": "0193a0c4-f177-7f28-a85c-2cce39263059", "tags": ["hospital", "key-account"]}))]
pub struct CustomerPatch {
    /// Organisation or individual.
    pub kind: Option<Kind>,
    /// Name (1–200 characters).
    #[schema(max_length = 200)]
    pub name: Option<String>,
    /// Industry (1–100 characters).
    #[serde(default, deserialize_with = "kefu_platform::json::nullable")]
    #[schema(value_type = Option<String>, max_length = 100)]
    pub industry: Option<Option<String>>,
    /// Region (1–100 characters).
    #[serde(default, deserialize_with = "kefu_platform::json::nullable")]
    #[schema(value_type = Option<String>, max_length = 100)]
    pub region: Option<Option<String>>,
    /// Size (1–50 characters).
    #[serde(default, deserialize_with = "kefu_platform::json::nullable")]
    #[schema(value_type = Option<String>, max_length = 50)]
    pub size: Option<Option<String>>,
    /// Postal address (1–500 characters).
    #[serde(default, deserialize_with = "kefu_platform::json::nullable")]
    #[schema(value_type = Option<String>, max_length = 500)]
    pub address: Option<Option<String>>,
    /// Where the customer came from (1–100 characters).
    #[serde(default, deserialize_with = "kefu_platform::json::nullable")]
    #[schema(value_type = Option<String>, max_length = 100)]
    pub source_channel: Option<Option<String>>,
    /// Relationship manager.
    #[serde(default, deserialize_with = "kefu_platform::json::nullable")]
    #[schema(value_type = Option<Uuid>)]
    pub owner_id: Option<Option<Uuid>>,
    /// Tags (at most 50, replacing the current ones), each 1–50 characters without
    /// commas; stored lower-case.
    #[schema(value_type = Option<Vec<MaxChars<50>>>, inline, max_items = 50)]
    pub tags: Option<Vec<String>>,
    /// Free notes (up to 10 000 characters).
    #[schema(max_length = 10000)]
    pub notes: Option<String>,
    /// Background (replaces the current one).
    pub background: Option<Background>,
    /// Needs (replace the current ones).
    pub needs: Option<Needs>,
    /// Lifecycle stage; each move is recorded with its date.
    pub lifecycle: Option<Lifecycle>,
    /// Marketing type.
    #[serde(default, deserialize_with = "kefu_platform::json::nullable")]
    #[schema(value_type = Option<MarketingType>)]
    pub marketing_type: Option<Option<MarketingType>>,
    /// Management class.
    #[serde(default, deserialize_with = "kefu_platform::json::nullable")]
    #[schema(value_type = Option<ManagementClass>)]
    pub management_class: Option<Option<ManagementClass>>,
    /// Position.
    #[serde(default, deserialize_with = "kefu_platform::json::nullable")]
    #[schema(value_type = Option<Position>)]
    pub position: Option<Option<Position>>,
    /// Kotler relationship level.
    #[serde(default, deserialize_with = "kefu_platform::json::nullable")]
    #[schema(value_type = Option<RelationshipLevel>)]
    pub relationship_level: Option<Option<RelationshipLevel>>,
    /// Customer since.
    pub customer_since: Option<NaiveDate>,
}

impl Validate for CustomerPatch {
    fn validate(&self) -> Result<(), ApiError> {
        let mut checks = Checks::new();
        if let Some(name) = &self.name {
            checks.length("name", name.trim(), 1, 200);
        }
        for (field, value, max) in [
            ("industry", &self.industry, 100),
            ("region", &self.region, 100),
            ("size", &self.size, 50),
            ("address", &self.address, 500),
            ("source_channel", &self.source_channel, 100),
        ] {
            check_text(&mut checks, field, value.clone().flatten().as_deref(), max);
        }
        if let Some(notes) = &self.notes {
            checks.length("notes", notes, 0, 10_000);
        }
        if let Some(tags) = &self.tags {
            check_tags(&mut checks, tags);
        }
        check_story(
            &mut checks,
            &self.background.clone().unwrap_or_default(),
            &self.needs.clone().unwrap_or_default(),
        );
        checks.finish()
    }
}

/// A customer.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "0193a0c4-6c1e-7b3a-9f00-3d5c2b1a0e01", "kind": "organisation", "name": "Acme Hospital", "industry": "healthcare", "region": "East", "size": null, "address": null, "source_channel": null, "owner_id": null, "tags": ["hospital"], "notes": "", "background": {"industry": "", "business_situation": "", "culture": ""}, "needs": {"services": "", "timing": "", "manner": ""}, "lifecycle": "active", "lifecycle_changed_at": "2026-11-02T02:15:00Z", "marketing_type": null, "management_class": "key", "position": null, "relationship_level": "accountable", "abc_class": "A", "tier": "vip", "service_level": null, "customer_since": "2026-11-02", "external_id": null, "version": 1, "created_at": "2026-11-02T02:15:00Z", "updated_at": "2026-11-02T02:15:00Z"}))]
pub struct CustomerView {
    /// Id.
    pub id: Uuid,
    /// Organisation or individual.
    pub kind: String,
    /// Name.
    pub name: String,
    /// Industry.
    pub industry: Option<String>,
    /// Region.
    pub region: Option<String>,
    /// Size.
    pub size: Option<String>,
    /// Postal address.
    pub address: Option<String>,
    /// Where the customer came from.
    pub source_channel: Option<String>,
    /// Relationship manager.
    pub owner_id: Option<Uuid>,
    /// Tags.
    pub tags: Vec<String>,
    /// Free notes.
    pub notes: String,
    /// Background.
    pub background: Background,
    /// Needs.
    pub needs: Needs,
    /// Lifecycle stage.
    pub lifecycle: String,
    /// When it last moved between stages.
    pub lifecycle_changed_at: DateTime<Utc>,
    /// Marketing type.
    pub marketing_type: Option<String>,
    /// Management class.
    pub management_class: Option<String>,
    /// Position.
    pub position: Option<String>,
    /// Kotler relationship level.
    pub relationship_level: Option<String>,
    /// ABC class (computed from value records).
    #[schema(value_type = Option<AbcClass>)]
    pub abc_class: Option<String>,
    /// Pyramid tier (computed from value records).
    #[schema(value_type = Option<Tier>)]
    pub tier: Option<String>,
    /// The service level active agreements grant.
    pub service_level: Option<String>,
    /// Customer since.
    pub customer_since: String,
    /// The customer's id in another system.
    pub external_id: Option<String>,
    /// Version (also the ETag).
    pub version: i64,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

impl From<customer::Model> for CustomerView {
    fn from(c: customer::Model) -> Self {
        Self {
            id: c.id,
            kind: c.kind,
            name: c.name,
            industry: c.industry,
            region: c.region,
            size: c.size,
            address: c.address,
            source_channel: c.source_channel,
            owner_id: c.owner_id,
            tags: decode_list(&c.tags),
            notes: c.notes,
            background: serde_json::from_str(&c.background).unwrap_or_default(),
            needs: serde_json::from_str(&c.needs).unwrap_or_default(),
            lifecycle: c.lifecycle,
            lifecycle_changed_at: c.lifecycle_changed_at,
            marketing_type: c.marketing_type,
            management_class: c.management_class,
            position: c.position,
            relationship_level: c.relationship_level,
            abc_class: c.abc_class,
            tier: c.tier,
            service_level: c.service_level,
            customer_since: c.customer_since,
            external_id: c.external_id,
            version: c.version,
            created_at: c.created_at,
            updated_at: c.updated_at,
        }
    }
}

/// A page of customers.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"items": [], "next_cursor": null}))]
pub struct CustomerPage {
    /// Customers, newest first.
    pub items: Vec<CustomerView>,
    /// Cursor of the next page, if any.
    pub next_cursor: Option<String>,
}

/// Filters of the customer list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CustomerListQuery {
    /// Page size (1–200, default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u64>,
    /// Cursor from the previous page.
    pub cursor: Option<String>,
    /// Organisation or individual.
    pub kind: Option<Kind>,
    /// Lifecycle stage.
    pub lifecycle: Option<Lifecycle>,
    /// Pyramid tier.
    pub tier: Option<Tier>,
    /// ABC class.
    pub abc_class: Option<AbcClass>,
    /// Marketing type.
    pub marketing_type: Option<MarketingType>,
    /// Management class.
    pub management_class: Option<ManagementClass>,
    /// Position.
    pub position: Option<Position>,
    /// Kotler relationship level.
    pub relationship_level: Option<RelationshipLevel>,
    /// Relationship manager.
    pub owner_id: Option<Uuid>,
    /// A tag (1–50 characters).
    #[param(max_length = 50)]
    pub tag: Option<String>,
    /// Part of the name (up to 200 characters).
    #[param(max_length = 200)]
    pub q: Option<String>,
}

/// A move between lifecycle stages.
#[derive(Debug, Serialize, ToSchema)]
pub struct LifecycleChangeView {
    /// Stage before (none for the first).
    pub from: Option<String>,
    /// Stage after.
    pub to: String,
    /// Who moved it.
    pub actor_id: Option<Uuid>,
    /// When.
    pub at: DateTime<Utc>,
}

/// A customer's lifecycle moves, oldest first.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"items": [{"from": null, "to": "prospect", "actor_id": null, "at": "2026-11-02T02:15:00Z"}]}))]
pub struct LifecycleChangeList {
    /// The moves.
    pub items: Vec<LifecycleChangeView>,
}

/// Refuses an owner who is not an active staff user of the tenant.
async fn check_owner<C: ConnectionTrait>(
    conn: &C,
    tenant: Uuid,
    owner: Option<Uuid>,
) -> Result<(), ApiError> {
    kefu_directory::require_active_staff(conn, tenant, "owner_id", owner).await
}

fn tags_of(tags: &[String]) -> String {
    let mut tags: Vec<String> = tags.iter().filter_map(|t| normalize_tag(t)).collect();
    tags.sort();
    tags.dedup();
    encode_list(&tags)
}

/// A live customer of the tenant: a deleted one is a 404, a merged-away one a 404
/// naming the survivor.
pub async fn live_customer<C: ConnectionTrait>(
    conn: &C,
    tenant: kefu_platform::ids::TenantId,
    id: Uuid,
) -> Result<customer::Model, ApiError> {
    let found = CustomerStore::new(conn, tenant)
        .get(id)
        .await?
        .filter(|c| c.deleted_at.is_none())
        .ok_or(ApiError::NotFound)?;
    match found.merged_into {
        Some(into) => Err(ApiError::MergedInto {
            into,
            location: format!("/api/v1/customers/{into}"),
        }),
        None => Ok(found),
    }
}

/// Which customer survives a merge.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"into": "0193a0c5-0a1b-7c3d-8e4f-5a6b7c8d9e0f"}))]
pub struct CustomerMergeBody {
    /// The survivor.
    pub into: Uuid,
}

impl Validate for CustomerMergeBody {}

/// Merges this customer into another record of the same customer: contacts,
/// interactions, value records, agreements, pain points and ticket history move to the
/// survivor; this id then answers 404 naming it; `customer.merged` tells other services.
#[utoipa::path(
    tag = "customers",
    params(("id" = Uuid, Path, description = "The customer merged away")),
    request_body = CustomerMergeBody,
    responses((status = 200, description = "The survivor", body = CustomerView), ErrorResponses),
    security(("bearer" = ["customers:write"]))
)]
#[post("/api/v1/customers/{id}/merge")]
pub async fn merge_customer(
    state: web::Data<AppState>,
    auth: Authz<CustomersWrite>,
    id: web::Path<Uuid>,
    body: Json<CustomerMergeBody>,
) -> Result<HttpResponse, ApiError> {
    let into = body.into_inner().into;
    let ctx = auth.ctx.clone();
    let (id, now) = (*id, state.clock.now());
    if id == into {
        return Err(ApiError::field("into", "must be another customer"));
    }
    let survivor = state
        .outbox
        .transaction::<_, customer::Model, ApiError>(&state.db, move |txn| {
            Box::pin(async move {
                let merged = live_customer(txn, ctx.tenant_id, id).await?;
                let survivor = live_customer(txn, ctx.tenant_id, into).await.map_err(|_| {
                    ApiError::field("into", "is not a live customer of this tenant")
                })?;
                crate::merge::merge(txn, ctx.tenant_id, merged, survivor, ctx.actor, now).await
            })
        })
        .await?;
    Ok(with_etag(survivor.version, &CustomerView::from(survivor)))
}

fn lifecycle_move(
    c: &customer::Model,
    from: Option<String>,
    actor: Uuid,
    at: DateTime<Utc>,
) -> lifecycle_change::Model {
    lifecycle_change::Model {
        id: Uuid::now_v7(),
        tenant_id: c.tenant_id,
        customer_id: c.id,
        from_stage: from,
        to_stage: c.lifecycle.clone(),
        actor_id: Some(actor),
        at,
    }
}

pub(crate) async fn insert_customer(
    txn: &DatabaseTransaction,
    ctx: &kefu_platform::auth::TenantContext,
    body: NewCustomerBody,
    now: DateTime<Utc>,
) -> Result<customer::Model, ApiError> {
    let tenant = ctx.tenant_id.uuid();
    check_owner(txn, tenant, body.owner_id).await?;
    let store = CustomerStore::new(txn, ctx.tenant_id);
    if let Some(external) = &body.external_id {
        if store.by_external_id(external).await?.is_some() {
            return Err(ApiError::conflict(
                "external_id_taken",
                "a customer with this external id exists",
            ));
        }
    }
    let saved = store
        .insert(customer::Model {
            id: Uuid::now_v7(),
            tenant_id: tenant,
            kind: body.kind.as_str().into(),
            name: body.name.trim().to_string(),
            industry: body.industry,
            region: body.region,
            size: body.size,
            address: body.address,
            source_channel: body.source_channel,
            owner_id: body.owner_id,
            tags: tags_of(&body.tags),
            notes: body.notes,
            background: serde_json::to_string(&body.background).unwrap_or_default(),
            needs: serde_json::to_string(&body.needs).unwrap_or_default(),
            lifecycle: body
                .lifecycle
                .unwrap_or(Lifecycle::Prospect)
                .as_str()
                .into(),
            lifecycle_changed_at: now,
            marketing_type: body.marketing_type.map(|v| v.as_str().into()),
            management_class: body.management_class.map(|v| v.as_str().into()),
            position: body.position.map(|v| v.as_str().into()),
            relationship_level: body.relationship_level.map(|v| v.as_str().into()),
            abc_class: None,
            tier: None,
            service_level: None,
            customer_since: body
                .customer_since
                .unwrap_or_else(|| now.date_naive())
                .to_string(),
            external_id: body.external_id,
            merged_into: None,
            deleted_at: None,
            version: 1,
            created_at: now,
            updated_at: now,
        })
        .await?;
    store
        .log_lifecycle(lifecycle_move(&saved, None, ctx.actor, now))
        .await?;
    emit_created(txn, Some(ctx.actor), &saved).await?;
    Ok(saved)
}

/// Creates a customer.
#[utoipa::path(
    tag = "customers",
    request_body = NewCustomerBody,
    params(("Idempotency-Key" = Option<String>, Header, description = "Retry-safe key (≤ 255 chars)")),
    responses((status = 201, description = "Customer created", body = CustomerView), ErrorResponses),
    security(("bearer" = ["customers:write"]))
)]
#[post("/api/v1/customers")]
pub async fn create_customer(
    state: web::Data<AppState>,
    auth: Authz<CustomersWrite>,
    body: Json<NewCustomerBody>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let ctx = auth.ctx.clone();
    let now = state.clock.now();
    let saved = state
        .outbox
        .transaction::<_, customer::Model, ApiError>(&state.db, move |txn| {
            Box::pin(async move { insert_customer(txn, &ctx, body, now).await })
        })
        .await?;
    Ok(created(
        format!("/api/v1/customers/{}", saved.id),
        saved.version,
        &CustomerView::from(saved),
    ))
}

/// Lists customers, newest first.
#[utoipa::path(
    tag = "customers",
    params(CustomerListQuery),
    responses((status = 200, description = "A page of customers", body = CustomerPage), ErrorResponses),
    security(("bearer" = ["customers:read"]))
)]
#[get("/api/v1/customers")]
pub async fn list_customers(
    state: web::Data<AppState>,
    auth: Authz<CustomersRead>,
    query: Query<CustomerListQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.0;
    let page = PageQuery {
        limit: query.limit,
        cursor: query.cursor.clone(),
    }
    .parse()?;
    Checks::new()
        .length_opt("q", query.q.as_deref(), 0, 200)
        .finish()?;
    let tag = match &query.tag {
        Some(tag) => {
            Some(normalize_tag(tag).ok_or_else(|| ApiError::field("tag", "is not a valid tag"))?)
        }
        None => None,
    };
    let filter = CustomerFilter {
        kind: query.kind.map(|v| v.as_str().into()),
        lifecycle: query.lifecycle.map(|v| v.as_str().into()),
        tier: query.tier.map(|v| v.as_str().into()),
        abc_class: query.abc_class.map(|v| v.as_str().into()),
        marketing_type: query.marketing_type.map(|v| v.as_str().into()),
        management_class: query.management_class.map(|v| v.as_str().into()),
        position: query.position.map(|v| v.as_str().into()),
        relationship_level: query.relationship_level.map(|v| v.as_str().into()),
        owner_id: query.owner_id,
        tag,
        q: query.q.filter(|q| !q.trim().is_empty()),
    };
    let rows = CustomerStore::new(&state.db, auth.tenant_id)
        .list(&filter, page)
        .await?;
    let page = Page::from_rows(rows, page, |c| c.id).map(CustomerView::from);
    Ok(HttpResponse::Ok().json(CustomerPage {
        items: page.items,
        next_cursor: page.next_cursor,
    }))
}

/// One customer.
#[utoipa::path(
    tag = "customers",
    params(("id" = Uuid, Path, description = "Customer id")),
    responses((status = 200, description = "The customer", body = CustomerView), ErrorResponses),
    security(("bearer" = ["customers:read"]))
)]
#[get("/api/v1/customers/{id}")]
pub async fn get_customer(
    state: web::Data<AppState>,
    auth: Authz<CustomersRead>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let found = live_customer(&state.db, auth.tenant_id, *id).await?;
    Ok(with_etag(found.version, &CustomerView::from(found)))
}

/// Applies a patch to a customer; the pure part of an update.
fn apply(c: &mut customer::Model, patch: CustomerPatch) {
    if let Some(kind) = patch.kind {
        c.kind = kind.as_str().into();
    }
    if let Some(name) = patch.name {
        c.name = name.trim().to_string();
    }
    for (slot, value) in [
        (&mut c.industry, patch.industry),
        (&mut c.region, patch.region),
        (&mut c.size, patch.size),
        (&mut c.address, patch.address),
        (&mut c.source_channel, patch.source_channel),
    ] {
        if let Some(value) = value {
            *slot = value;
        }
    }
    if let Some(owner) = patch.owner_id {
        c.owner_id = owner;
    }
    if let Some(tags) = patch.tags {
        c.tags = tags_of(&tags);
    }
    if let Some(notes) = patch.notes {
        c.notes = notes;
    }
    if let Some(background) = patch.background {
        c.background = serde_json::to_string(&background).unwrap_or_default();
    }
    if let Some(needs) = patch.needs {
        c.needs = serde_json::to_string(&needs).unwrap_or_default();
    }
    if let Some(lifecycle) = patch.lifecycle {
        c.lifecycle = lifecycle.as_str().into();
    }
    if let Some(v) = patch.marketing_type {
        c.marketing_type = v.map(|v| v.as_str().into());
    }
    if let Some(v) = patch.management_class {
        c.management_class = v.map(|v| v.as_str().into());
    }
    if let Some(v) = patch.position {
        c.position = v.map(|v| v.as_str().into());
    }
    if let Some(v) = patch.relationship_level {
        c.relationship_level = v.map(|v| v.as_str().into());
    }
    if let Some(since) = patch.customer_since {
        c.customer_since = since.to_string();
    }
}

/// Changes a customer (`If-Match` guards against lost updates); a lifecycle move is
/// recorded with its date and announced as `customer.lifecycle_changed`.
#[utoipa::path(
    tag = "customers",
    params(("id" = Uuid, Path, description = "Customer id"), ("If-Match" = Option<String>, Header, description = "ETag of the version you read")),
    request_body = CustomerPatch,
    responses((status = 200, description = "The changed customer", body = CustomerView), ErrorResponses),
    security(("bearer" = ["customers:write"]))
)]
#[patch("/api/v1/customers/{id}")]
pub async fn update_customer(
    state: web::Data<AppState>,
    auth: Authz<CustomersWrite>,
    id: web::Path<Uuid>,
    if_match: IfMatch,
    body: Json<CustomerPatch>,
) -> Result<HttpResponse, ApiError> {
    let patch = body.into_inner();
    let ctx = auth.ctx.clone();
    let (id, now) = (*id, state.clock.now());
    let saved = state
        .outbox
        .transaction::<_, customer::Model, ApiError>(&state.db, move |txn| {
            Box::pin(async move {
                let before = live_customer(txn, ctx.tenant_id, id).await?;
                if_match.check(before.version)?;
                if let Some(owner) = patch.owner_id {
                    if owner != before.owner_id {
                        check_owner(txn, ctx.tenant_id.uuid(), owner).await?;
                    }
                }
                let mut after = before.clone();
                apply(&mut after, patch);
                if after == before {
                    return Ok(before);
                }
                let store = CustomerStore::new(txn, ctx.tenant_id);
                if after.lifecycle != before.lifecycle {
                    after.lifecycle_changed_at = now;
                    store
                        .log_lifecycle(lifecycle_move(
                            &after,
                            Some(before.lifecycle.clone()),
                            ctx.actor,
                            now,
                        ))
                        .await?;
                }
                after.updated_at = now;
                let saved = store.save(after).await?;
                emit_change(txn, Some(ctx.actor), &before, &saved).await?;
                Ok(saved)
            })
        })
        .await?;
    Ok(with_etag(saved.version, &CustomerView::from(saved)))
}

/// Deletes a customer (soft: its history stays for reports; it leaves every list).
#[utoipa::path(
    tag = "customers",
    params(("id" = Uuid, Path, description = "Customer id")),
    responses((status = 204, description = "Deleted"), ErrorResponses),
    security(("bearer" = ["customers:write"]))
)]
#[delete("/api/v1/customers/{id}")]
pub async fn delete_customer(
    state: web::Data<AppState>,
    auth: Authz<CustomersWrite>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let ctx = auth.ctx.clone();
    let (id, now) = (*id, state.clock.now());
    state
        .outbox
        .transaction::<_, (), ApiError>(&state.db, move |txn| {
            Box::pin(async move {
                let mut found = live_customer(txn, ctx.tenant_id, id).await?;
                found.deleted_at = Some(now);
                found.updated_at = now;
                CustomerStore::new(txn, ctx.tenant_id).save(found).await?;
                Ok(())
            })
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// A customer's moves between lifecycle stages, with their dates.
#[utoipa::path(
    tag = "customers",
    params(("id" = Uuid, Path, description = "Customer id")),
    responses((status = 200, description = "The moves, oldest first", body = LifecycleChangeList), ErrorResponses),
    security(("bearer" = ["customers:read"]))
)]
#[get("/api/v1/customers/{id}/lifecycle-changes")]
pub async fn lifecycle_changes(
    state: web::Data<AppState>,
    auth: Authz<CustomersRead>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let found = live_customer(&state.db, auth.tenant_id, *id).await?;
    let items = CustomerStore::new(&state.db, auth.tenant_id)
        .lifecycle_changes(found.id)
        .await?
        .into_iter()
        .map(|m| LifecycleChangeView {
            from: m.from_stage,
            to: m.to_stage,
            actor_id: m.actor_id,
            at: m.at,
        })
        .collect();
    Ok(HttpResponse::Ok().json(LifecycleChangeList { items }))
}

/// Registers the customer routes.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_customers)
        .service(create_customer)
        .service(get_customer)
        .service(update_customer)
        .service(delete_customer)
        .service(lifecycle_changes)
        .service(merge_customer);
}
