//! `/api/v1/tickets/{id}/comments` and `/history`: the conversation and the audit trail.

use actix_web::{get, post, web, HttpResponse};
use kefu_platform::auth::scopes::AnyScope;
use kefu_platform::http::ErrorResponses;
use kefu_platform::json::Json;
use kefu_platform::{ApiError, Authz};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use super::views::{CommentList, CommentView, HistoryEntry, HistoryList};
use crate::app::access::Caller;
use crate::app::conversation::reply;
pub use crate::app::conversation::NewCommentBody;
use crate::app::tickets::visible_ticket;
use crate::domain::ids::TicketId;
use crate::state::AppState;
use crate::store::comments::CommentStore;
use crate::store::entities::ticket_comment;
use crate::store::history::HistoryStore;

/// Adds a public reply or an internal note. The first public staff reply stamps the
/// first response; a customer's reply on a `pending` ticket opens it again.
#[utoipa::path(
    tag = "tickets",
    params(("id" = Uuid, Path, description = "Ticket id")),
    request_body = NewCommentBody,
    responses((status = 201, description = "Reply added", body = CommentView), ErrorResponses),
    security(("bearer" = ["tickets:write"]), ("bearer" = ["portal"]))
)]
#[post("/api/v1/tickets/{id}/comments")]
pub async fn add_comment(
    state: web::Data<AppState>,
    auth: Authz<AnyScope>,
    id: web::Path<Uuid>,
    body: Json<NewCommentBody>,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    let caller = Caller::writer(&auth)?;
    let body = body.into_inner();
    let ctx = auth.ctx.clone();
    let id = *id;
    let comment = state
        .outbox
        .transaction::<_, ticket_comment::Model, ApiError>(&state.db, move |txn| {
            Box::pin(async move { reply(txn, &ctx, caller, TicketId::from(id), body, now).await })
        })
        .await?;
    state.mailer.wake();
    Ok(HttpResponse::Created().json(CommentView::from(comment)))
}

/// The conversation of a ticket, oldest first (portal users see public replies only).
#[utoipa::path(
    tag = "tickets",
    params(("id" = Uuid, Path, description = "Ticket id")),
    responses((status = 200, description = "The conversation", body = CommentList), ErrorResponses),
    security(("bearer" = ["tickets:read"]), ("bearer" = ["portal"]))
)]
#[get("/api/v1/tickets/{id}/comments")]
pub async fn list_comments(
    state: web::Data<AppState>,
    auth: Authz<AnyScope>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let caller = Caller::reader(&auth)?;
    let ticket = visible_ticket(&state.db, &auth, caller, TicketId::from(*id)).await?;
    let items = CommentStore::new(&state.db, auth.tenant_id)
        .of_ticket(ticket.id, !caller.sees_internal())
        .await?
        .into_iter()
        .map(CommentView::from)
        .collect();
    Ok(HttpResponse::Ok().json(CommentList { items }))
}

/// Every change of a ticket: field, old and new value, who, when, via what.
#[utoipa::path(
    tag = "tickets",
    params(("id" = Uuid, Path, description = "Ticket id")),
    responses((status = 200, description = "The history", body = HistoryList), ErrorResponses),
    security(("bearer" = ["tickets:read"]))
)]
#[get("/api/v1/tickets/{id}/history")]
pub async fn ticket_history(
    state: web::Data<AppState>,
    auth: Authz<kefu_platform::auth::scopes::TicketsRead>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let caller = Caller::reader(&auth)?;
    let ticket = visible_ticket(&state.db, &auth, caller, TicketId::from(*id)).await?;
    let items = HistoryStore::new(&state.db, auth.tenant_id)
        .of_ticket(ticket.id)
        .await?
        .into_iter()
        .map(HistoryEntry::from)
        .collect();
    Ok(HttpResponse::Ok().json(HistoryList { items }))
}

/// Registers the conversation routes.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(add_comment)
        .service(list_comments)
        .service(ticket_history);
}
