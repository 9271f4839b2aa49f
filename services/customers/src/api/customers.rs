//! `/api/v1/customers`: customers, their lifecycle and classifications.

use actix_web::{delete, get, patch, post, web, HttpResponse};
use chrono::{DateTime, Utc};
use kefu_platform::auth::scopes::{CustomersRead, CustomersWrite};
use kefu_platform::concurrency::IfMatch;
use kefu_platform::http::{created, with_etag, ErrorResponses};
use kefu_platform::json::Json;
use kefu_platform::pagination::{Page, PageQuery};
use kefu_platform::query::Query;
use kefu_platform::validation::{Checks, Validate};
use kefu_platform::{ApiError, Authz};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::app::customers::{
    self, live_customer, Background, CustomerPatch, Needs, NewCustomerBody,
};
use crate::domain::abc::AbcClass;
use crate::domain::fields::{
    normalize_tag, Kind, Lifecycle, ManagementClass, MarketingType, Position, RelationshipLevel,
};
use crate::domain::ids::CustomerId;
use crate::domain::tiers::Tier;
use crate::state::AppState;
use crate::store::customers::{CustomerFilter, CustomerStore};
use crate::store::decode_list;
use crate::store::entities::customer;

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
    let (scope, actor) = (auth.ctx.scope(), auth.actor);
    let (id, now) = (*id, state.clock.now());
    let survivor = state
        .outbox
        .transaction::<_, customer::Model, ApiError>(&state.db, move |txn| {
            Box::pin(async move {
                customers::merge(
                    txn,
                    &scope,
                    actor,
                    CustomerId::from(id),
                    CustomerId::from(into),
                    now,
                )
                .await
            })
        })
        .await?;
    Ok(with_etag(survivor.version, &CustomerView::from(survivor)))
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
    let (scope, actor) = (auth.ctx.scope(), auth.actor);
    let now = state.clock.now();
    let saved = state
        .outbox
        .transaction::<_, customer::Model, ApiError>(&state.db, move |txn| {
            Box::pin(async move { customers::create(txn, &scope, actor, body, now).await })
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
    let found = live_customer(&state.db, auth.tenant_id, CustomerId::from(*id)).await?;
    Ok(with_etag(found.version, &CustomerView::from(found)))
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
    let (scope, actor) = (auth.ctx.scope(), auth.actor);
    let (id, now) = (*id, state.clock.now());
    let saved = state
        .outbox
        .transaction::<_, customer::Model, ApiError>(&state.db, move |txn| {
            Box::pin(async move {
                customers::change(
                    txn,
                    &scope,
                    actor,
                    CustomerId::from(id),
                    &if_match,
                    patch,
                    now,
                )
                .await
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
    let scope = auth.ctx.scope();
    let (id, now) = (*id, state.clock.now());
    state
        .outbox
        .transaction::<_, (), ApiError>(&state.db, move |txn| {
            Box::pin(async move { customers::delete(txn, &scope, CustomerId::from(id), now).await })
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
    let found = live_customer(&state.db, auth.tenant_id, CustomerId::from(*id)).await?;
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
