//! `POST /api/v1/tickets/bulk-update`: one change applied to up to 100 tickets, each in
//! its own transaction, with a result per ticket.

use actix_web::{post, web, HttpResponse};
use kefu_platform::auth::scopes::TicketsWrite;
use kefu_platform::concurrency::IfMatch;
use kefu_platform::error::Problem;
use kefu_platform::http::ErrorResponses;
use kefu_platform::json::Json;
use kefu_platform::validation::{Checks, Validate};
use kefu_platform::{ApiError, Authz};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use super::tickets::{check_patch_allowed, TicketPatch};
use super::views::TicketView;
use crate::app::access::Caller;
use crate::app::tickets::change_ticket;
use crate::domain::ids::TicketId;
use crate::state::AppState;

/// Most tickets one bulk update may touch.
pub const MAX_BULK: usize = 100;

/// The tickets and the change.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"ticket_ids": ["0193a0c5-0a1b-7c3d-8e4f-5a6b7c8d9e0f"], "changes": {"status": "solved", "tags": ["outage-2026-11"]}}))]
pub struct BulkUpdateBody {
    /// Up to 100 tickets.
    #[schema(min_items = 1, max_items = 100)]
    pub ticket_ids: Vec<Uuid>,
    /// The change, as for `PATCH /api/v1/tickets/{id}`.
    pub changes: TicketPatch,
}

impl Validate for BulkUpdateBody {
    fn validate(&self) -> Result<(), ApiError> {
        let mut checks = Checks::new();
        checks.ensure(
            !self.ticket_ids.is_empty(),
            "ticket_ids",
            "must name at least one ticket",
        );
        checks.ensure(
            self.ticket_ids.len() <= MAX_BULK,
            "ticket_ids",
            "must name at most 100 tickets",
        );
        checks.finish()?;
        self.changes.validate()
    }
}

/// What happened to one ticket.
#[derive(Debug, Serialize, ToSchema)]
pub struct BulkResult {
    /// The ticket.
    pub ticket_id: Uuid,
    /// The HTTP status the single update would have had.
    pub status: u16,
    /// The ticket after the change (when it succeeded).
    pub ticket: Option<TicketView>,
    /// Why it failed (when it did).
    #[schema(value_type = Option<Object>)]
    pub error: Option<Problem>,
}

/// The results, in the order of `ticket_ids`.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"results": [{"ticket_id": "0193a0c5-0a1b-7c3d-8e4f-5a6b7c8d9e0f", "status": 409, "ticket": null, "error": {"type": "https://kefu.dev/problems/illegal_transition", "title": "Illegal transition", "status": 409, "detail": "a closed ticket cannot become solved", "code": "illegal_transition", "allowed": []}}]}))]
pub struct BulkUpdateResults {
    /// One per ticket.
    pub results: Vec<BulkResult>,
}

/// Applies one change to many tickets, ticket by ticket; one failing does not stop the rest.
#[utoipa::path(tag = "tickets", request_body = BulkUpdateBody, responses((status = 200, description = "A result per ticket", body = BulkUpdateResults), ErrorResponses), security(("bearer" = ["tickets:write"])))]
#[post("/api/v1/tickets/bulk-update")]
pub async fn bulk_update(
    state: web::Data<AppState>,
    auth: Authz<TicketsWrite>,
    body: Json<BulkUpdateBody>,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    let body = body.into_inner();
    let caller = Caller::writer(&auth)?;
    check_patch_allowed(caller, &body.changes)?;
    let mut ids = body.ticket_ids.clone();
    let mut seen = std::collections::HashSet::new();
    ids.retain(|id| seen.insert(*id));
    let mut results = Vec::with_capacity(ids.len());
    for id in ids {
        let patch = body.changes.clone();
        let ctx = auth.ctx.clone();
        let outcome = state
            .outbox
            .transaction::<_, _, ApiError>(&state.db, move |txn| {
                Box::pin(async move {
                    change_ticket(
                        txn,
                        &ctx,
                        caller,
                        TicketId::from(id),
                        patch,
                        IfMatch::Absent,
                        now,
                    )
                    .await
                })
            })
            .await
            .map_err(ApiError::from);
        results.push(match outcome {
            Ok(ticket) => BulkResult {
                ticket_id: id,
                status: 200,
                ticket: Some(TicketView::from(ticket)),
                error: None,
            },
            Err(error) => {
                let problem = error.problem();
                if problem.status >= 500 {
                    return Err(error);
                }
                BulkResult {
                    ticket_id: id,
                    status: problem.status,
                    ticket: None,
                    error: Some(problem),
                }
            }
        });
    }
    Ok(HttpResponse::Ok().json(BulkUpdateResults { results }))
}

/// Registers the bulk route (before `/api/v1/tickets/{id}` routes).
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(bulk_update);
}
