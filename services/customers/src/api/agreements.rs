//! `/api/v1/agreements`: service agreements and the service level they grant.

use actix_web::{get, patch, post, web, HttpResponse};
use chrono::{DateTime, NaiveDate, Utc};
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

use crate::app::agreements::{self, check_level, AgreementPatch};
use crate::app::customers::live_customer;
use crate::domain::agreements::AgreementStatus;
use crate::domain::ids::CustomerId;
use crate::state::AppState;
use crate::store::agreements::AgreementStore;
use crate::store::entities::agreement;

/// A new agreement (a draft).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"customer_id": "0193a0c4-6c1e-7b3a-9f00-3d5c2b1a0e01", "name": "Gold care 2027", "service_level": "gold", "starts_on": "2027-01-01", "ends_on": "2027-12-31", "terms": "24/7 phone support, 4 h on-site response"}))]
pub struct NewAgreementBody {
    /// The customer it covers.
    pub customer_id: Uuid,
    /// Name (1–200 characters).
    #[schema(max_length = 200)]
    pub name: String,
    /// The service level it grants (what SLA policies match on), e.g. `gold`: 1–50
    /// lower-case letters, digits, `_` or `-`.
    #[schema(max_length = 50)]
    pub service_level: String,
    /// First day it applies.
    pub starts_on: NaiveDate,
    /// Last day it applies (none: until terminated).
    pub ends_on: Option<NaiveDate>,
    /// The terms (up to 20 000 characters).
    #[serde(default)]
    #[schema(max_length = 20000)]
    pub terms: String,
}

fn check_dates(checks: &mut Checks, starts_on: NaiveDate, ends_on: Option<NaiveDate>) {
    checks.ensure(
        ends_on.is_none_or(|end| end >= starts_on),
        "ends_on",
        "must not be before starts_on",
    );
}

impl Validate for NewAgreementBody {
    fn validate(&self) -> Result<(), ApiError> {
        let mut checks = Checks::new();
        checks.length("name", self.name.trim(), 1, 200);
        check_level(&mut checks, &self.service_level);
        check_dates(&mut checks, self.starts_on, self.ends_on);
        checks.length("terms", &self.terms, 0, 20_000);
        checks.finish()
    }
}

/// An agreement.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "0193a0c4-f177-7f28-a85c-2cce39263059", "customer_id": "0193a0c4-6c1e-7b3a-9f00-3d5c2b1a0e01", "name": "Gold care 2027", "service_level": "gold", "status": "active", "starts_on": "2027-01-01", "ends_on": "2027-12-31", "terms": "", "activated_at": "2027-01-01T00:10:00Z", "ended_at": null, "version": 4, "created_at": "2026-11-02T02:15:00Z", "updated_at": "2027-01-01T00:10:00Z"}))]
pub struct AgreementView {
    /// Id.
    pub id: Uuid,
    /// The customer.
    pub customer_id: Uuid,
    /// Name.
    pub name: String,
    /// The service level it grants.
    pub service_level: String,
    /// Where it stands.
    #[schema(value_type = AgreementStatus)]
    pub status: String,
    /// First day it applies.
    pub starts_on: String,
    /// Last day it applies.
    pub ends_on: Option<String>,
    /// The terms.
    pub terms: String,
    /// When it became active.
    pub activated_at: Option<DateTime<Utc>>,
    /// When it expired or was terminated.
    pub ended_at: Option<DateTime<Utc>>,
    /// Version (also the ETag).
    pub version: i64,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

impl From<agreement::Model> for AgreementView {
    fn from(a: agreement::Model) -> Self {
        Self {
            id: a.id,
            customer_id: a.customer_id,
            name: a.name,
            service_level: a.service_level,
            status: a.status,
            starts_on: a.starts_on,
            ends_on: a.ends_on,
            terms: a.terms,
            activated_at: a.activated_at,
            ended_at: a.ended_at,
            version: a.version,
            created_at: a.created_at,
            updated_at: a.updated_at,
        }
    }
}

/// A page of agreements.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"items": [], "next_cursor": null}))]
pub struct AgreementPage {
    /// Agreements, newest first.
    pub items: Vec<AgreementView>,
    /// Cursor of the next page, if any.
    pub next_cursor: Option<String>,
}

/// Filters of the agreement list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AgreementQuery {
    /// Page size (1–200, default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u64>,
    /// Cursor from the previous page.
    pub cursor: Option<String>,
    /// One customer's.
    pub customer_id: Option<Uuid>,
    /// In one status.
    pub status: Option<AgreementStatus>,
}

/// Drafts an agreement for a customer.
#[utoipa::path(
    tag = "customers",
    params(("Idempotency-Key" = Option<String>, Header, description = "Retry-safe key (≤ 255 chars)")),
    request_body = NewAgreementBody,
    responses((status = 201, description = "Drafted", body = AgreementView), ErrorResponses),
    security(("bearer" = ["customers:write"]))
)]
#[post("/api/v1/agreements")]
pub async fn create_agreement(
    state: web::Data<AppState>,
    auth: Authz<CustomersWrite>,
    body: Json<NewAgreementBody>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let customer = live_customer(
        &state.db,
        auth.tenant_id,
        CustomerId::from(body.customer_id),
    )
    .await
    .map_err(|_| ApiError::field("customer_id", "is not a customer of this tenant"))?;
    let now = state.clock.now();
    let saved = AgreementStore::new(&state.db, auth.tenant_id)
        .insert(agreement::Model {
            id: Uuid::now_v7(),
            tenant_id: customer.tenant_id,
            customer_id: customer.id,
            name: body.name.trim().to_string(),
            service_level: body.service_level,
            status: AgreementStatus::Draft.as_str().into(),
            starts_on: body.starts_on.to_string(),
            ends_on: body.ends_on.map(|d| d.to_string()),
            terms: body.terms,
            activated_at: None,
            ended_at: None,
            version: 1,
            created_at: now,
            updated_at: now,
        })
        .await?;
    Ok(created(
        format!("/api/v1/agreements/{}", saved.id),
        saved.version,
        &AgreementView::from(saved),
    ))
}

/// Lists agreements, newest first.
#[utoipa::path(
    tag = "customers",
    params(AgreementQuery),
    responses((status = 200, description = "A page of agreements", body = AgreementPage), ErrorResponses),
    security(("bearer" = ["customers:read"]))
)]
#[get("/api/v1/agreements")]
pub async fn list_agreements(
    state: web::Data<AppState>,
    auth: Authz<CustomersRead>,
    query: Query<AgreementQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.0;
    let page = PageQuery {
        limit: query.limit,
        cursor: query.cursor.clone(),
    }
    .parse()?;
    let rows = AgreementStore::new(&state.db, auth.tenant_id)
        .list(query.customer_id, query.status.map(|s| s.as_str()), page)
        .await?;
    let page = Page::from_rows(rows, page, |a| a.id).map(AgreementView::from);
    Ok(HttpResponse::Ok().json(AgreementPage {
        items: page.items,
        next_cursor: page.next_cursor,
    }))
}

/// One agreement.
#[utoipa::path(
    tag = "customers",
    params(("id" = Uuid, Path, description = "Agreement id")),
    responses((status = 200, description = "The agreement", body = AgreementView), ErrorResponses),
    security(("bearer" = ["customers:read"]))
)]
#[get("/api/v1/agreements/{id}")]
pub async fn get_agreement(
    state: web::Data<AppState>,
    auth: Authz<CustomersRead>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let found = AgreementStore::new(&state.db, auth.tenant_id)
        .get(*id)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(with_etag(found.version, &AgreementView::from(found)))
}

/// Changes an agreement's terms (while a draft or sent) or moves it along its flow
/// (409 with the allowed states otherwise); activation grants its service level.
#[utoipa::path(
    tag = "customers",
    params(("id" = Uuid, Path, description = "Agreement id"), ("If-Match" = Option<String>, Header, description = "ETag of the version you read")),
    request_body = AgreementPatch,
    responses((status = 200, description = "The agreement", body = AgreementView), ErrorResponses),
    security(("bearer" = ["customers:write"]))
)]
#[patch("/api/v1/agreements/{id}")]
pub async fn update_agreement(
    state: web::Data<AppState>,
    auth: Authz<CustomersWrite>,
    id: web::Path<Uuid>,
    if_match: IfMatch,
    body: Json<AgreementPatch>,
) -> Result<HttpResponse, ApiError> {
    let patch = body.into_inner();
    let ctx = auth.ctx.clone();
    let (id, now) = (*id, state.clock.now());
    let saved = state
        .outbox
        .transaction(&state.db, move |txn| {
            Box::pin(async move { agreements::change(txn, &ctx, id, &if_match, patch, now).await })
        })
        .await?;
    Ok(with_etag(saved.version, &AgreementView::from(saved)))
}

/// Registers the agreement routes.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(create_agreement)
        .service(list_agreements)
        .service(get_agreement)
        .service(update_agreement);
}
