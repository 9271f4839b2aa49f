//! `/api/v1/customers/{id}/values`: a customer's value per year and what follows from
//! it; every change classifies the tenant's customers again.

use actix_web::{delete, get, patch, post, web, HttpResponse};
use chrono::{DateTime, NaiveDate, Utc};
use kefu_platform::auth::scopes::{CustomersRead, CustomersWrite};
use kefu_platform::concurrency::IfMatch;
use kefu_platform::http::{created, with_etag, ErrorResponses};
use kefu_platform::json::Json;
use kefu_platform::validation::{Checks, Validate};
use kefu_platform::{ApiError, Authz};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::app::customers::live_customer;
use crate::domain::ids::CustomerId;
use crate::domain::value::{analyse, Analysis, ValueRecord};
use crate::error_codes;
use crate::state::AppState;
use crate::store::entities::value_record;
use crate::store::settings;
use crate::store::values::ValueStore;

/// A year of a customer's value, in minor currency units.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"year": 2026, "currency": "CNY", "annual_sales": 5000000000i64, "revenue": 120000000, "cost": 30000000}))]
pub struct NewValueBody {
    /// Calendar year.
    #[schema(minimum = 1900, maximum = 2200)]
    pub year: i64,
    /// ISO 4217 currency (default: the tenant's).
    #[schema(pattern = "^[A-Z]{3}$")]
    pub currency: Option<String>,
    /// The customer's own sales that year.
    #[serde(default)]
    #[schema(minimum = 0, maximum = 1e15)]
    pub annual_sales: i64,
    /// What the customer paid that year.
    #[schema(minimum = 0, maximum = 1e15)]
    pub revenue: i64,
    /// What serving and contacting the customer cost that year.
    #[serde(default)]
    #[schema(minimum = 0, maximum = 1e15)]
    pub cost: i64,
}

fn check_currency(checks: &mut Checks, currency: Option<&str>) {
    if let Some(currency) = currency {
        checks.ensure(
            currency.len() == 3 && currency.chars().all(|c| c.is_ascii_uppercase()),
            "currency",
            "must be an ISO 4217 code such as CNY",
        );
    }
}

/// The largest amount a value record holds, in minor units (10^15).
const MAX_AMOUNT: i64 = 1_000_000_000_000_000;

fn check_amounts(checks: &mut Checks, amounts: [(&str, Option<i64>); 3]) {
    for (field, amount) in amounts {
        if let Some(amount) = amount {
            checks.ensure(
                (0..=MAX_AMOUNT).contains(&amount),
                field,
                &format!("must be between 0 and {MAX_AMOUNT} minor units"),
            );
        }
    }
}

impl Validate for NewValueBody {
    fn validate(&self) -> Result<(), ApiError> {
        let mut checks = Checks::new();
        checks.ensure(
            (1900..=2200).contains(&self.year),
            "year",
            "must be a year between 1900 and 2200",
        );
        check_currency(&mut checks, self.currency.as_deref());
        check_amounts(
            &mut checks,
            [
                ("annual_sales", Some(self.annual_sales)),
                ("revenue", Some(self.revenue)),
                ("cost", Some(self.cost)),
            ],
        );
        checks.finish()
    }
}

/// Changes to a value record.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"revenue": 150000000}))]
pub struct ValuePatch {
    /// ISO 4217 currency.
    #[schema(pattern = "^[A-Z]{3}$")]
    pub currency: Option<String>,
    /// The customer's own sales that year.
    #[schema(minimum = 0, maximum = 1e15)]
    pub annual_sales: Option<i64>,
    /// What the customer paid that year.
    #[schema(minimum = 0, maximum = 1e15)]
    pub revenue: Option<i64>,
    /// What serving and contacting the customer cost that year.
    #[schema(minimum = 0, maximum = 1e15)]
    pub cost: Option<i64>,
}

impl Validate for ValuePatch {
    fn validate(&self) -> Result<(), ApiError> {
        let mut checks = Checks::new();
        check_currency(&mut checks, self.currency.as_deref());
        check_amounts(
            &mut checks,
            [
                ("annual_sales", self.annual_sales),
                ("revenue", self.revenue),
                ("cost", self.cost),
            ],
        );
        checks.finish()
    }
}

/// A value record, with its net profit.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "0193a0c4-f177-7f28-a85c-2cce39263059", "customer_id": "0193a0c4-6c1e-7b3a-9f00-3d5c2b1a0e01", "year": 2026, "currency": "CNY", "annual_sales": 5000000000i64, "revenue": 120000000, "cost": 30000000, "net_profit": 90000000, "version": 1, "created_at": "2026-11-02T02:15:00Z", "updated_at": "2026-11-02T02:15:00Z"}))]
pub struct ValueView {
    /// Id.
    pub id: Uuid,
    /// The customer.
    pub customer_id: Uuid,
    /// Calendar year.
    pub year: i64,
    /// ISO 4217 currency.
    pub currency: String,
    /// The customer's own sales that year.
    pub annual_sales: i64,
    /// What the customer paid that year.
    pub revenue: i64,
    /// What serving and contacting the customer cost that year.
    pub cost: i64,
    /// Revenue less cost.
    pub net_profit: i64,
    /// Version (also the ETag).
    pub version: i64,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

impl From<value_record::Model> for ValueView {
    fn from(v: value_record::Model) -> Self {
        Self {
            id: v.id,
            customer_id: v.customer_id,
            year: v.year,
            currency: v.currency,
            annual_sales: v.annual_sales,
            revenue: v.revenue,
            cost: v.cost,
            net_profit: v.revenue.saturating_sub(v.cost),
            version: v.version,
            created_at: v.created_at,
            updated_at: v.updated_at,
        }
    }
}

/// A customer's value records and the analysis derived from them.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"items": [], "analysis": {"latest_year": null, "revenue": 0, "net_profit": 0, "lifetime_net_profit": 0, "relationship_days": 20, "expected_future_profit": 0}}))]
pub struct ValueList {
    /// Records, oldest year first.
    pub items: Vec<ValueView>,
    /// Net profit, relationship length and expected future profit.
    pub analysis: Analysis,
}

/// The value analysis of a customer's records as of `today`.
pub fn analysis_of(
    records: &[value_record::Model],
    customer_since: &str,
    today: NaiveDate,
    projection_years: i64,
) -> Analysis {
    let plain: Vec<ValueRecord> = records
        .iter()
        .map(|r| ValueRecord {
            year: i32::try_from(r.year).unwrap_or_default(),
            annual_sales: r.annual_sales,
            revenue: r.revenue,
            cost: r.cost,
        })
        .collect();
    let since = customer_since.parse().unwrap_or(today);
    analyse(
        &plain,
        since,
        today,
        u32::try_from(projection_years).unwrap_or(3),
    )
}

/// Records a year of a customer's value (one record per year: another is a 409).
#[utoipa::path(
    tag = "value",
    params(("id" = Uuid, Path, description = "Customer id"), ("Idempotency-Key" = Option<String>, Header, description = "Retry-safe key (≤ 255 chars)")),
    request_body = NewValueBody,
    responses((status = 201, description = "Recorded; classes and tiers recomputed", body = ValueView), ErrorResponses),
    security(("bearer" = ["customers:write"]))
)]
#[post("/api/v1/customers/{id}/values")]
pub async fn create_value(
    state: web::Data<AppState>,
    auth: Authz<CustomersWrite>,
    id: web::Path<Uuid>,
    body: Json<NewValueBody>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let ctx = auth.ctx.clone();
    let (id, now) = (*id, state.clock.now());
    let saved = state
        .outbox
        .transaction::<_, value_record::Model, ApiError>(&state.db, move |txn| {
            Box::pin(async move {
                let customer = live_customer(txn, ctx.tenant_id, CustomerId::from(id)).await?;
                let store = ValueStore::new(txn, ctx.tenant_id);
                let taken = || {
                    ApiError::conflict(
                        error_codes::VALUE_YEAR_TAKEN,
                        "the customer has a value record for this year; change that one",
                    )
                };
                if store
                    .of_customer(customer.id)
                    .await?
                    .iter()
                    .any(|r| r.year == body.year)
                {
                    return Err(taken());
                }
                let currency = match body.currency {
                    Some(currency) => currency,
                    None => settings::get(txn, customer.tenant_id, now).await?.currency,
                };
                let saved = store
                    .insert(value_record::Model {
                        id: Uuid::now_v7(),
                        tenant_id: customer.tenant_id,
                        customer_id: customer.id,
                        year: body.year,
                        currency,
                        annual_sales: body.annual_sales,
                        revenue: body.revenue,
                        cost: body.cost,
                        version: 1,
                        created_at: now,
                        updated_at: now,
                    })
                    .await?;
                crate::app::recompute::recompute(txn, ctx.tenant_id, Some(ctx.actor), now).await?;
                Ok(saved)
            })
        })
        .await?;
    Ok(created(
        format!(
            "/api/v1/customers/{}/values/{}",
            saved.customer_id, saved.id
        ),
        saved.version,
        &ValueView::from(saved),
    ))
}

/// A customer's value records, with net profit, relationship length and expected profit.
#[utoipa::path(
    tag = "value",
    params(("id" = Uuid, Path, description = "Customer id")),
    responses((status = 200, description = "Records and analysis", body = ValueList), ErrorResponses),
    security(("bearer" = ["customers:read"]))
)]
#[get("/api/v1/customers/{id}/values")]
pub async fn list_values(
    state: web::Data<AppState>,
    auth: Authz<CustomersRead>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let customer = live_customer(&state.db, auth.tenant_id, CustomerId::from(*id)).await?;
    let records = ValueStore::new(&state.db, auth.tenant_id)
        .of_customer(customer.id)
        .await?;
    let now = state.clock.now();
    let config = settings::get(&state.db, customer.tenant_id, now).await?;
    let analysis = analysis_of(
        &records,
        &customer.customer_since,
        now.date_naive(),
        config.projection_years,
    );
    Ok(HttpResponse::Ok().json(ValueList {
        items: records.into_iter().map(ValueView::from).collect(),
        analysis,
    }))
}

/// Changes a value record (`If-Match` guards against lost updates); classes and tiers
/// are recomputed.
#[utoipa::path(
    tag = "value",
    params(("id" = Uuid, Path, description = "Customer id"), ("value_id" = Uuid, Path, description = "Value record id"), ("If-Match" = Option<String>, Header, description = "ETag of the version you read")),
    request_body = ValuePatch,
    responses((status = 200, description = "The record", body = ValueView), ErrorResponses),
    security(("bearer" = ["customers:write"]))
)]
#[patch("/api/v1/customers/{id}/values/{value_id}")]
pub async fn update_value(
    state: web::Data<AppState>,
    auth: Authz<CustomersWrite>,
    path: web::Path<(Uuid, Uuid)>,
    if_match: IfMatch,
    body: Json<ValuePatch>,
) -> Result<HttpResponse, ApiError> {
    let (customer, id) = path.into_inner();
    let patch = body.into_inner();
    let ctx = auth.ctx.clone();
    let now = state.clock.now();
    let saved = state
        .outbox
        .transaction::<_, value_record::Model, ApiError>(&state.db, move |txn| {
            Box::pin(async move {
                let customer =
                    live_customer(txn, ctx.tenant_id, CustomerId::from(customer)).await?;
                let store = ValueStore::new(txn, ctx.tenant_id);
                let mut found = store
                    .get(customer.id, id)
                    .await?
                    .ok_or(ApiError::NotFound)?;
                if let Some(currency) = patch.currency {
                    found.currency = currency;
                }
                for (slot, value) in [
                    (&mut found.annual_sales, patch.annual_sales),
                    (&mut found.revenue, patch.revenue),
                    (&mut found.cost, patch.cost),
                ] {
                    if let Some(value) = value {
                        *slot = value;
                    }
                }
                found.updated_at = now;
                let saved = store.save(found, &if_match).await?;
                crate::app::recompute::recompute(txn, ctx.tenant_id, Some(ctx.actor), now).await?;
                Ok(saved)
            })
        })
        .await?;
    Ok(with_etag(saved.version, &ValueView::from(saved)))
}

/// Removes a value record; classes and tiers are recomputed.
#[utoipa::path(
    tag = "value",
    params(("id" = Uuid, Path, description = "Customer id"), ("value_id" = Uuid, Path, description = "Value record id")),
    responses((status = 204, description = "Removed"), ErrorResponses),
    security(("bearer" = ["customers:write"]))
)]
#[delete("/api/v1/customers/{id}/values/{value_id}")]
pub async fn delete_value(
    state: web::Data<AppState>,
    auth: Authz<CustomersWrite>,
    path: web::Path<(Uuid, Uuid)>,
) -> Result<HttpResponse, ApiError> {
    let (customer, id) = path.into_inner();
    let ctx = auth.ctx.clone();
    let now = state.clock.now();
    state
        .outbox
        .transaction::<_, (), ApiError>(&state.db, move |txn| {
            Box::pin(async move {
                let customer =
                    live_customer(txn, ctx.tenant_id, CustomerId::from(customer)).await?;
                let store = ValueStore::new(txn, ctx.tenant_id);
                let found = store
                    .get(customer.id, id)
                    .await?
                    .ok_or(ApiError::NotFound)?;
                store.delete(found.id).await?;
                crate::app::recompute::recompute(txn, ctx.tenant_id, Some(ctx.actor), now).await?;
                Ok(())
            })
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Registers the value routes.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(create_value)
        .service(list_values)
        .service(update_value)
        .service(delete_value);
}
