//! `/api/v1/customers/{id}/interactions`: the communication record, written by staff
//! and appended from tickets' events.

use actix_web::{get, post, web, HttpResponse};
use chrono::{DateTime, Utc};
use kefu_platform::auth::scopes::{CustomersRead, CustomersWrite};
use kefu_platform::http::{created, ErrorResponses};
use kefu_platform::json::Json;
use kefu_platform::pagination::{Page, PageQuery};
use kefu_platform::query::Query;
use kefu_platform::validation::{Checks, Validate};
use kefu_platform::{ApiError, Authz};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::app::customers::live_customer;
use crate::domain::fields::{ContactChannel, Direction};
use crate::domain::ids::CustomerId;
use crate::state::AppState;
use crate::store::activity::ActivityStore;
use crate::store::entities::interaction;

/// A contact with the customer, recorded by staff.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"channel": "visit", "direction": "outbound", "summary": "Quarterly visit: walked the scanner room", "outcome": "Wants a second scanner quoted", "at": "2026-11-20T03:00:00Z"}))]
pub struct NewInteractionBody {
    /// How.
    pub channel: ContactChannel,
    /// Who reached out.
    pub direction: Direction,
    /// What was said or done (1–2000 characters).
    #[schema(max_length = 2000)]
    pub summary: String,
    /// What came of it (1–2000 characters).
    #[schema(max_length = 2000)]
    pub outcome: Option<String>,
    /// When (default now; not in the future).
    pub at: Option<DateTime<Utc>>,
}

impl Validate for NewInteractionBody {
    fn validate(&self) -> Result<(), ApiError> {
        let mut checks = Checks::new();
        checks.length("summary", self.summary.trim(), 1, 2000);
        checks.length_opt("outcome", self.outcome.as_deref(), 1, 2000);
        checks.finish()
    }
}

/// An interaction.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "0193a0c4-f177-7f28-a85c-2cce39263059", "customer_id": "0193a0c4-6c1e-7b3a-9f00-3d5c2b1a0e01", "at": "2026-11-20T03:00:00Z", "channel": "visit", "direction": "outbound", "summary": "Quarterly visit", "outcome": null, "user_id": "0193a0c4-70d9-7f2a-9944-c9c3269e0d37", "source": "staff", "ticket_id": null}))]
pub struct InteractionView {
    /// Id.
    pub id: Uuid,
    /// The customer.
    pub customer_id: Uuid,
    /// When.
    pub at: DateTime<Utc>,
    /// How.
    pub channel: String,
    /// Who reached out.
    pub direction: String,
    /// What was said or done.
    pub summary: String,
    /// What came of it.
    pub outcome: Option<String>,
    /// The staff member.
    pub user_id: Option<Uuid>,
    /// `staff` (written by hand) or `ticket` (from a ticket's events).
    pub source: String,
    /// The ticket it came from.
    pub ticket_id: Option<Uuid>,
}

impl From<interaction::Model> for InteractionView {
    fn from(i: interaction::Model) -> Self {
        Self {
            id: i.id,
            customer_id: i.customer_id,
            at: i.at,
            channel: i.channel,
            direction: i.direction,
            summary: i.summary,
            outcome: i.outcome,
            user_id: i.user_id,
            source: i.source,
            ticket_id: i.ticket_id,
        }
    }
}

/// A page of interactions.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"items": [], "next_cursor": null}))]
pub struct InteractionPage {
    /// Interactions, newest first.
    pub items: Vec<InteractionView>,
    /// Cursor of the next page, if any.
    pub next_cursor: Option<String>,
}

/// Paging of the interaction list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct InteractionQuery {
    /// Page size (1–200, default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u64>,
    /// Cursor from the previous page.
    pub cursor: Option<String>,
}

/// Records an interaction with a customer.
#[utoipa::path(
    tag = "customers",
    params(("id" = Uuid, Path, description = "Customer id"), ("Idempotency-Key" = Option<String>, Header, description = "Retry-safe key (≤ 255 chars)")),
    request_body = NewInteractionBody,
    responses((status = 201, description = "Recorded", body = InteractionView), ErrorResponses),
    security(("bearer" = ["customers:write"]))
)]
#[post("/api/v1/customers/{id}/interactions")]
pub async fn create_interaction(
    state: web::Data<AppState>,
    auth: Authz<CustomersWrite>,
    id: web::Path<Uuid>,
    body: Json<NewInteractionBody>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let customer = live_customer(&state.db, auth.tenant_id, CustomerId::from(*id)).await?;
    let now = state.clock.now();
    let at = body.at.unwrap_or(now);
    if at > now {
        return Err(ApiError::field("at", "must not be in the future"));
    }
    let saved = ActivityStore::new(&state.db, auth.tenant_id)
        .append(interaction::Model {
            id: crate::store::id_at(at),
            tenant_id: customer.tenant_id,
            customer_id: customer.id,
            at,
            channel: body.channel.as_str().into(),
            direction: body.direction.as_str().into(),
            summary: body.summary.trim().to_string(),
            outcome: body.outcome,
            user_id: Some(auth.actor),
            source: "staff".into(),
            ticket_id: None,
            created_at: now,
        })
        .await?;
    Ok(created(
        format!("/api/v1/customers/{}/interactions", customer.id),
        1,
        &InteractionView::from(saved),
    ))
}

/// A customer's interactions, newest first.
#[utoipa::path(
    tag = "customers",
    params(("id" = Uuid, Path, description = "Customer id"), InteractionQuery),
    responses((status = 200, description = "A page of interactions", body = InteractionPage), ErrorResponses),
    security(("bearer" = ["customers:read"]))
)]
#[get("/api/v1/customers/{id}/interactions")]
pub async fn list_interactions(
    state: web::Data<AppState>,
    auth: Authz<CustomersRead>,
    id: web::Path<Uuid>,
    query: Query<InteractionQuery>,
) -> Result<HttpResponse, ApiError> {
    let customer = live_customer(&state.db, auth.tenant_id, CustomerId::from(*id)).await?;
    let page = PageQuery {
        limit: query.0.limit,
        cursor: query.0.cursor.clone(),
    }
    .parse()?;
    let rows = ActivityStore::new(&state.db, auth.tenant_id)
        .interactions(customer.id, page)
        .await?;
    let page = Page::from_rows(rows, page, |i| i.id).map(InteractionView::from);
    Ok(HttpResponse::Ok().json(InteractionPage {
        items: page.items,
        next_cursor: page.next_cursor,
    }))
}

/// Registers the interaction routes.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(create_interaction).service(list_interactions);
}
