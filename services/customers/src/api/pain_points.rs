//! `/api/v1/pain-points`: what hurts a customer, how much, and who is on it.

use actix_web::{get, patch, post, web, HttpResponse};
use chrono::{DateTime, Utc};
use kefu_events::catalogue::customers::PainPointCreated;
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

use crate::app::announce::emit;
use crate::app::customers::live_customer;
use crate::app::pain_points::{self, check_scale, data, rated, PainPointPatch};
use crate::domain::ids::CustomerId;
use crate::domain::pain_points::PainStatus;
use crate::state::AppState;
use crate::store::entities::pain_point;
use crate::store::pain_points::PainPointStore;
use crate::store::{decode_list, encode_list};

/// A new pain point.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"customer_id": "0193a0c4-6c1e-7b3a-9f00-3d5c2b1a0e01", "title": "Scanner down every Monday", "description": "Night shift cannot scan", "impact": 5, "urgency": 4, "difficulty": 2, "ticket_ids": []}))]
pub struct NewPainPointBody {
    /// The customer it hurts.
    pub customer_id: Uuid,
    /// What hurts (1–200 characters).
    #[schema(max_length = 200)]
    pub title: String,
    /// More about it (up to 10 000 characters).
    #[serde(default)]
    #[schema(max_length = 10000)]
    pub description: String,
    /// How much it hurts, 1–5.
    pub impact: u8,
    /// How soon it must be dealt with, 1–5.
    pub urgency: u8,
    /// How hard it is to deal with, 1–5.
    pub difficulty: u8,
    /// Tickets about it.
    #[serde(default)]
    pub ticket_ids: Vec<Uuid>,
}

impl Validate for NewPainPointBody {
    fn validate(&self) -> Result<(), ApiError> {
        let mut checks = Checks::new();
        checks.length("title", self.title.trim(), 1, 200);
        checks.length("description", &self.description, 0, 10_000);
        check_scale(&mut checks, "impact", Some(self.impact));
        check_scale(&mut checks, "urgency", Some(self.urgency));
        check_scale(&mut checks, "difficulty", Some(self.difficulty));
        checks.ensure(
            self.ticket_ids.len() <= 100,
            "ticket_ids",
            "must list at most 100 tickets",
        );
        checks.finish()
    }
}

/// A pain point.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "0193a0c4-f177-7f28-a85c-2cce39263059", "customer_id": "0193a0c4-6c1e-7b3a-9f00-3d5c2b1a0e01", "title": "Scanner down every Monday", "description": "", "impact": 5, "urgency": 4, "difficulty": 2, "priority": 10.0, "status": "open", "ticket_ids": [], "version": 1, "created_at": "2026-11-02T02:15:00Z", "updated_at": "2026-11-02T02:15:00Z"}))]
pub struct PainPointView {
    /// Id.
    pub id: Uuid,
    /// The customer it hurts.
    pub customer_id: Uuid,
    /// What hurts.
    pub title: String,
    /// More about it.
    pub description: String,
    /// How much it hurts, 1–5.
    pub impact: i64,
    /// How soon it must be dealt with, 1–5.
    pub urgency: i64,
    /// How hard it is to deal with, 1–5.
    pub difficulty: i64,
    /// Impact × urgency ÷ difficulty: higher first.
    pub priority: f64,
    /// Where its handling stands.
    #[schema(value_type = PainStatus)]
    pub status: String,
    /// Tickets about it.
    pub ticket_ids: Vec<Uuid>,
    /// Version (also the ETag).
    pub version: i64,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

impl From<pain_point::Model> for PainPointView {
    fn from(p: pain_point::Model) -> Self {
        Self {
            id: p.id,
            customer_id: p.customer_id,
            title: p.title,
            description: p.description,
            impact: p.impact,
            urgency: p.urgency,
            difficulty: p.difficulty,
            priority: p.priority,
            status: p.status,
            ticket_ids: decode_list(&p.ticket_ids),
            version: p.version,
            created_at: p.created_at,
            updated_at: p.updated_at,
        }
    }
}

/// A page of pain points.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"items": [], "next_cursor": null}))]
pub struct PainPointPage {
    /// Pain points, newest first.
    pub items: Vec<PainPointView>,
    /// Cursor of the next page, if any.
    pub next_cursor: Option<String>,
}

/// Filters of the pain point list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PainPointQuery {
    /// Page size (1–200, default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u64>,
    /// Cursor from the previous page.
    pub cursor: Option<String>,
    /// One customer's.
    pub customer_id: Option<Uuid>,
    /// In one status.
    pub status: Option<PainStatus>,
}

/// Records a pain point of a customer.
#[utoipa::path(
    tag = "customers",
    params(("Idempotency-Key" = Option<String>, Header, description = "Retry-safe key (≤ 255 chars)")),
    request_body = NewPainPointBody,
    responses((status = 201, description = "Recorded", body = PainPointView), ErrorResponses),
    security(("bearer" = ["customers:write"]))
)]
#[post("/api/v1/pain-points")]
pub async fn create_pain_point(
    state: web::Data<AppState>,
    auth: Authz<CustomersWrite>,
    body: Json<NewPainPointBody>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let ctx = auth.ctx.clone();
    let now = state.clock.now();
    let saved = state
        .outbox
        .transaction::<_, pain_point::Model, ApiError>(&state.db, move |txn| {
            Box::pin(async move {
                let customer =
                    live_customer(txn, ctx.tenant_id, CustomerId::from(body.customer_id))
                        .await
                        .map_err(|_| {
                            ApiError::field("customer_id", "is not a customer of this tenant")
                        })?;
                let mut model = pain_point::Model {
                    id: Uuid::now_v7(),
                    tenant_id: customer.tenant_id,
                    customer_id: customer.id,
                    title: body.title.trim().to_string(),
                    description: body.description,
                    impact: i64::from(body.impact),
                    urgency: i64::from(body.urgency),
                    difficulty: i64::from(body.difficulty),
                    priority: 0.0,
                    status: PainStatus::Open.as_str().into(),
                    ticket_ids: encode_list(&body.ticket_ids),
                    version: 1,
                    created_at: now,
                    updated_at: now,
                };
                rated(&mut model);
                let saved = PainPointStore::new(txn, ctx.tenant_id)
                    .insert(model)
                    .await?;
                emit(
                    txn,
                    saved.tenant_id,
                    Some(ctx.actor),
                    PainPointCreated(data(&saved)),
                )
                .await?;
                Ok(saved)
            })
        })
        .await?;
    Ok(created(
        format!("/api/v1/pain-points/{}", saved.id),
        saved.version,
        &PainPointView::from(saved),
    ))
}

/// Lists pain points, newest first.
#[utoipa::path(
    tag = "customers",
    params(PainPointQuery),
    responses((status = 200, description = "A page of pain points", body = PainPointPage), ErrorResponses),
    security(("bearer" = ["customers:read"]))
)]
#[get("/api/v1/pain-points")]
pub async fn list_pain_points(
    state: web::Data<AppState>,
    auth: Authz<CustomersRead>,
    query: Query<PainPointQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.0;
    let page = PageQuery {
        limit: query.limit,
        cursor: query.cursor.clone(),
    }
    .parse()?;
    let rows = PainPointStore::new(&state.db, auth.tenant_id)
        .list(query.customer_id, query.status.map(|s| s.as_str()), page)
        .await?;
    let page = Page::from_rows(rows, page, |p| p.id).map(PainPointView::from);
    Ok(HttpResponse::Ok().json(PainPointPage {
        items: page.items,
        next_cursor: page.next_cursor,
    }))
}

/// One pain point.
#[utoipa::path(
    tag = "customers",
    params(("id" = Uuid, Path, description = "Pain point id")),
    responses((status = 200, description = "The pain point", body = PainPointView), ErrorResponses),
    security(("bearer" = ["customers:read"]))
)]
#[get("/api/v1/pain-points/{id}")]
pub async fn get_pain_point(
    state: web::Data<AppState>,
    auth: Authz<CustomersRead>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let found = PainPointStore::new(&state.db, auth.tenant_id)
        .get(*id)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(with_etag(found.version, &PainPointView::from(found)))
}

/// Changes a pain point (`If-Match` guards against lost updates); its status moves
/// open → addressing → resolved, or back to open (409 with the allowed states otherwise).
#[utoipa::path(
    tag = "customers",
    params(("id" = Uuid, Path, description = "Pain point id"), ("If-Match" = Option<String>, Header, description = "ETag of the version you read")),
    request_body = PainPointPatch,
    responses((status = 200, description = "The pain point", body = PainPointView), ErrorResponses),
    security(("bearer" = ["customers:write"]))
)]
#[patch("/api/v1/pain-points/{id}")]
pub async fn update_pain_point(
    state: web::Data<AppState>,
    auth: Authz<CustomersWrite>,
    id: web::Path<Uuid>,
    if_match: IfMatch,
    body: Json<PainPointPatch>,
) -> Result<HttpResponse, ApiError> {
    let patch = body.into_inner();
    let ctx = auth.ctx.clone();
    let (id, now) = (*id, state.clock.now());
    let saved = state
        .outbox
        .transaction(&state.db, move |txn| {
            Box::pin(async move { pain_points::change(txn, &ctx, id, &if_match, patch, now).await })
        })
        .await?;
    Ok(with_etag(saved.version, &PainPointView::from(saved)))
}

/// Registers the pain point routes.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(create_pain_point)
        .service(list_pain_points)
        .service(get_pain_point)
        .service(update_pain_point);
}
