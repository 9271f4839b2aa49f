//! `GET /api/v1/customers/{id}/card`: the customer 360 in one read.

use actix_web::{get, web, HttpResponse};
use chrono::{DateTime, Utc};
use kefu_platform::auth::scopes::CustomersRead;
use kefu_platform::http::ErrorResponses;
use kefu_platform::pagination::PageRequest;
use kefu_platform::{ApiError, Authz};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use super::agreements::AgreementView;
use super::contacts::ContactView;
use super::customers::CustomerView;
use super::interactions::InteractionView;
use super::pain_points::PainPointView;
use super::values::{analysis_of, ValueView};
use crate::app::customers::live_customer;
use crate::domain::ids::CustomerId;
use crate::domain::value::Analysis;
use crate::state::AppState;
use crate::store::activity::ActivityStore;
use crate::store::agreements::AgreementStore;
use crate::store::contacts::ContactStore;
use crate::store::entities::{customer_score, customer_ticket};
use crate::store::pain_points::PainPointStore;
use crate::store::settings;
use crate::store::values::ValueStore;

/// What the customer is worth.
#[derive(Debug, Serialize, ToSchema)]
pub struct CardValue {
    /// ABC class.
    pub abc_class: Option<String>,
    /// Pyramid tier.
    pub tier: Option<String>,
    /// Net profit, relationship length, expected future profit.
    pub analysis: Analysis,
    /// The latest (up to three) years of value records, newest first: the transaction status.
    pub recent_years: Vec<ValueView>,
}

/// How satisfied the customer is, from their survey responses.
#[derive(Debug, Serialize, ToSchema)]
pub struct CardSatisfaction {
    /// Responses received.
    pub responses: usize,
    /// Mean CSAT of the responses that have one.
    pub average_csat: Option<f64>,
    /// Mean NPS of the responses that have one.
    pub average_nps: Option<f64>,
    /// CSAT of the latest response that has one.
    pub latest_csat: Option<f64>,
    /// When the latest response came.
    pub latest_at: Option<DateTime<Utc>>,
}

/// An open ticket of the customer.
#[derive(Debug, Serialize, ToSchema)]
pub struct CardTicket {
    /// Ticket id.
    pub ticket_id: Uuid,
    /// Its number.
    pub number: i64,
    /// Subject.
    pub subject: String,
    /// Type (`complaint`, `incident`, …).
    #[serde(rename = "type")]
    pub kind: String,
    /// Status.
    pub status: String,
    /// When it was opened.
    pub opened_at: DateTime<Utc>,
}

/// The customer's tickets that still need work.
#[derive(Debug, Serialize, ToSchema)]
pub struct CardTickets {
    /// Open tickets.
    pub open: usize,
    /// Open complaints.
    pub open_complaints: usize,
    /// The open tickets, newest first (at most 20).
    pub items: Vec<CardTicket>,
}

/// The customer 360.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "customer": {"id": "0193a0c4-6c1e-7b3a-9f00-3d5c2b1a0e01", "kind": "organisation", "name": "Acme Hospital", "industry": "healthcare", "region": "East", "size": null, "address": null, "source_channel": null, "owner_id": null, "tags": ["hospital"], "notes": "", "background": {"industry": "", "business_situation": "", "culture": ""}, "needs": {"services": "", "timing": "", "manner": ""}, "lifecycle": "active", "lifecycle_changed_at": "2026-11-02T02:15:00Z", "marketing_type": null, "management_class": "key", "position": null, "relationship_level": "accountable", "abc_class": "A", "tier": "vip", "service_level": "gold", "customer_since": "2020-03-01", "external_id": null, "version": 3, "created_at": "2026-11-02T02:15:00Z", "updated_at": "2026-11-02T02:15:00Z"},
    "contacts": [],
    "value": {"abc_class": "A", "tier": "vip", "analysis": {"latest_year": 2026, "revenue": 150000000, "net_profit": 120000000, "lifetime_net_profit": 300000000, "relationship_days": 2458, "expected_future_profit": 330000000}, "recent_years": []},
    "satisfaction": {"responses": 2, "average_csat": 4.5, "average_nps": 8.0, "latest_csat": 5.0, "latest_at": "2026-11-20T03:00:00Z"},
    "tickets": {"open": 1, "open_complaints": 1, "items": [{"ticket_id": "0193a0c4-f177-7f28-a85c-2cce39263059", "number": 1042, "subject": "Scanner down again", "type": "complaint", "status": "open", "opened_at": "2026-11-21T01:00:00Z"}]},
    "interactions": [],
    "agreements": [{"id": "0193a0c4-f177-7f28-a85c-2cce39263060", "customer_id": "0193a0c4-6c1e-7b3a-9f00-3d5c2b1a0e01", "name": "Gold care 2027", "service_level": "gold", "status": "active", "starts_on": "2027-01-01", "ends_on": "2027-12-31", "terms": "", "activated_at": "2027-01-01T00:10:00Z", "ended_at": null, "version": 4, "created_at": "2026-11-02T02:15:00Z", "updated_at": "2027-01-01T00:10:00Z"}],
    "pain_points": [{"id": "0193a0c4-f177-7f28-a85c-2cce39263061", "customer_id": "0193a0c4-6c1e-7b3a-9f00-3d5c2b1a0e01", "title": "Scanner down every Monday", "description": "", "impact": 5, "urgency": 4, "difficulty": 2, "priority": 10.0, "status": "open", "ticket_ids": [], "version": 1, "created_at": "2026-11-02T02:15:00Z", "updated_at": "2026-11-02T02:15:00Z"}]
}))]
pub struct CustomerCard {
    /// Basics and characteristics.
    pub customer: CustomerView,
    /// Contacts.
    pub contacts: Vec<ContactView>,
    /// Value analysis and transaction status.
    pub value: CardValue,
    /// Satisfaction.
    pub satisfaction: CardSatisfaction,
    /// Open tickets and complaints.
    pub tickets: CardTickets,
    /// The latest interactions (at most 10), newest first.
    pub interactions: Vec<InteractionView>,
    /// Agreements in force.
    pub agreements: Vec<AgreementView>,
    /// Pain points not yet resolved, highest priority first.
    pub pain_points: Vec<PainPointView>,
}

fn mean(values: impl Iterator<Item = f64>) -> Option<f64> {
    let (sum, n) = values.fold((0.0, 0u32), |(s, n), v| (s + v, n + 1));
    (n > 0).then(|| (sum / f64::from(n) * 100.0).round() / 100.0)
}

fn satisfaction(scores: &[customer_score::Model]) -> CardSatisfaction {
    CardSatisfaction {
        responses: scores.len(),
        average_csat: mean(scores.iter().filter_map(|s| s.csat)),
        average_nps: mean(scores.iter().filter_map(|s| s.nps)),
        latest_csat: scores.iter().find_map(|s| s.csat),
        latest_at: scores.first().map(|s| s.at),
    }
}

fn tickets(open: Vec<customer_ticket::Model>) -> CardTickets {
    CardTickets {
        open: open.len(),
        open_complaints: open.iter().filter(|t| t.kind == "complaint").count(),
        items: open
            .into_iter()
            .take(20)
            .map(|t| CardTicket {
                ticket_id: t.ticket_id,
                number: t.number,
                subject: t.subject,
                kind: t.kind,
                status: t.status,
                opened_at: t.opened_at,
            })
            .collect(),
    }
}

/// Everything about a customer in one read: basics, characteristics, value, transaction
/// status, satisfaction, open tickets and complaints, latest interactions.
#[utoipa::path(
    tag = "customers",
    params(("id" = Uuid, Path, description = "Customer id")),
    responses((status = 200, description = "The customer card", body = CustomerCard), ErrorResponses),
    security(("bearer" = ["customers:read"]))
)]
#[get("/api/v1/customers/{id}/card")]
pub async fn customer_card(
    state: web::Data<AppState>,
    auth: Authz<CustomersRead>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let tenant = auth.tenant_id;
    let customer = live_customer(&state.db, tenant, CustomerId::from(*id)).await?;
    let now = state.clock.now();
    let config = settings::get(&state.db, tenant.uuid(), now).await?;
    let contacts = ContactStore::new(&state.db, tenant)
        .of_customer(customer.id)
        .await?;
    let records = ValueStore::new(&state.db, tenant)
        .of_customer(customer.id)
        .await?;
    let activity = ActivityStore::new(&state.db, tenant);
    let scores = activity.scores(customer.id).await?;
    let open = activity.open_tickets(customer.id).await?;
    let latest = activity
        .interactions(
            customer.id,
            PageRequest {
                limit: 10,
                after: None,
            },
        )
        .await?;
    let agreements = AgreementStore::new(&state.db, tenant)
        .active_of(customer.id)
        .await?;
    let pains = PainPointStore::new(&state.db, tenant)
        .unresolved_of(customer.id)
        .await?;
    let analysis = analysis_of(
        &records,
        &customer.customer_since,
        now.date_naive(),
        config.projection_years,
    );
    let card = CustomerCard {
        value: CardValue {
            abc_class: customer.abc_class.clone(),
            tier: customer.tier.clone(),
            analysis,
            recent_years: records
                .into_iter()
                .rev()
                .take(3)
                .map(ValueView::from)
                .collect(),
        },
        customer: CustomerView::from(customer),
        contacts: contacts.into_iter().map(ContactView::from).collect(),
        satisfaction: satisfaction(&scores),
        tickets: tickets(open),
        interactions: latest
            .into_iter()
            .take(10)
            .map(InteractionView::from)
            .collect(),
        agreements: agreements.into_iter().map(AgreementView::from).collect(),
        pain_points: pains.into_iter().map(PainPointView::from).collect(),
    };
    Ok(HttpResponse::Ok().json(card))
}

/// Registers the card route.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(customer_card);
}
