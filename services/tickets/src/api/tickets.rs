//! `/api/v1/tickets`: create, list, read and change tickets.

use std::collections::BTreeMap;

use actix_web::{get, patch, post, web, HttpResponse};
use chrono::{DateTime, Utc};
use kefu_platform::auth::scopes::AnyScope;
use kefu_platform::concurrency::IfMatch;
use kefu_platform::http::{created, with_etag, ErrorResponses};
use kefu_platform::json::Json;
use kefu_platform::pagination::{Page, PageQuery};
use kefu_platform::query::Query;
use kefu_platform::validation::{Checks, MaxChars, Validate};
use kefu_platform::{ApiError, Authz};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use super::views::{TicketPage, TicketView};
use crate::app;
use crate::app::access::Caller;
use crate::app::changes::Cause;
pub use crate::app::tickets::TicketPatch;
use crate::app::tickets::{change_ticket, via, visible_ticket};
use crate::domain::fields::{normalize_tags, Channel, Priority, TicketType, MAX_TAGS};
use crate::domain::ids::TicketId;
use crate::domain::status::Status;
use crate::state::AppState;
use crate::store::encode_list;
use crate::store::entities::ticket;
use crate::store::tickets::{TicketFilter, TicketStore};

/// A new ticket. Portal users give only subject, description, type and tags.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"subject": "Printer prints blank pages", "description": "Since this morning, all three printers.", "type": "incident", "priority": "high", "channel": "phone", "tags": ["printer"]}))]
pub struct NewTicketBody {
    /// Subject, 1–250 characters.
    #[schema(max_length = 250)]
    pub subject: String,
    /// What the customer needs, up to 20 000 characters.
    #[serde(default)]
    #[schema(max_length = 20000)]
    pub description: String,
    /// Type (default `question`).
    #[serde(rename = "type")]
    pub kind: Option<TicketType>,
    /// Priority (default `normal`).
    pub priority: Option<Priority>,
    /// Channel (default `web`; `portal` for portal users).
    pub channel: Option<Channel>,
    /// Customer.
    pub customer_id: Option<Uuid>,
    /// Contact at the customer.
    pub contact_id: Option<Uuid>,
    /// Who asked (default: the caller when a user).
    pub requester_id: Option<Uuid>,
    /// Team.
    pub team_id: Option<Uuid>,
    /// Assignee (needs `tickets:assign`).
    pub assignee_id: Option<Uuid>,
    /// Tags: at most 20, each 1–50 letters, digits, `_`, `-`, `:` or `.`; stored lower-case.
    #[serde(default)]
    #[schema(value_type = Vec<MaxChars<50>>, inline, max_items = 20)]
    pub tags: Vec<String>,
    /// Values of the tenant's custom fields, by key.
    #[serde(default)]
    #[schema(value_type = Object)]
    pub custom_fields: BTreeMap<String, serde_json::Value>,
}

fn check_text(checks: &mut Checks, subject: Option<&str>, description: Option<&str>) {
    if let Some(subject) = subject {
        checks.length("subject", subject.trim(), 1, 250);
    }
    if let Some(description) = description {
        checks.length("description", description, 0, 20_000);
    }
}

fn check_tags(checks: &mut Checks, tags: Option<&[String]>) {
    if let Some(tags) = tags {
        checks.ensure(tags.len() <= MAX_TAGS, "tags", "must hold at most 20 tags");
        if let Err(i) = normalize_tags(tags) {
            checks.fail(
                &format!("tags[{i}]"),
                "must be 1–50 letters, digits, `_`, `-`, `:` or `.`",
            );
        }
    }
}

impl Validate for NewTicketBody {
    fn validate(&self) -> Result<(), ApiError> {
        let mut checks = Checks::new();
        check_text(&mut checks, Some(&self.subject), Some(&self.description));
        check_tags(&mut checks, Some(&self.tags));
        checks.finish()
    }
}

/// Changes to a ticket; absent fields stay, `null` clears team, assignee or customer.
impl Validate for TicketPatch {
    fn validate(&self) -> Result<(), ApiError> {
        let mut checks = Checks::new();
        checks.length_opt("root_cause", self.root_cause.as_deref(), 0, 5_000);
        checks.length_opt("remedy", self.remedy.as_deref(), 0, 5_000);
        check_text(
            &mut checks,
            self.subject.as_deref(),
            self.description.as_deref(),
        );
        check_tags(&mut checks, self.tags.as_deref());
        checks.finish()
    }
}

/// A portal user may not set any of `fields` (name, whether the request sets it).
fn refuse_staff_fields(fields: &[(&'static str, bool)]) -> Result<(), ApiError> {
    match fields.iter().find(|(_, given)| *given) {
        Some((field, _)) => Err(ApiError::field(
            *field,
            "is set by staff, not in the portal",
        )),
        None => Ok(()),
    }
}

/// Creates a ticket; it gets the tenant's next number.
#[utoipa::path(
    tag = "tickets",
    request_body = NewTicketBody,
    responses((status = 201, description = "Ticket created", body = TicketView), ErrorResponses),
    security(("bearer" = ["tickets:write"]), ("bearer" = ["portal"]))
)]
#[post("/api/v1/tickets")]
pub async fn create_ticket(
    state: web::Data<AppState>,
    auth: Authz<AnyScope>,
    body: Json<NewTicketBody>,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    let caller = Caller::writer(&auth)?;
    let body = body.into_inner();
    let ctx = auth.ctx.clone();
    let tenant = ctx.tenant_id;
    let actor = ctx.actor;
    let staff_only = [
        ("priority", body.priority.is_some()),
        ("channel", body.channel.is_some()),
        ("customer_id", body.customer_id.is_some()),
        ("contact_id", body.contact_id.is_some()),
        ("requester_id", body.requester_id.is_some()),
        ("team_id", body.team_id.is_some()),
        ("assignee_id", body.assignee_id.is_some()),
    ];
    let (channel, customer_id, requester_id) = match caller {
        Caller::Portal { user, customer } => {
            refuse_staff_fields(&staff_only)?;
            (Channel::Portal, customer, Some(user))
        }
        Caller::Staff { can_assign } => {
            if body.assignee_id.is_some() && !can_assign {
                return Err(ApiError::Forbidden("tickets:assign".into()));
            }
            let default_channel = if ctx.is_user {
                Channel::Web
            } else {
                Channel::Api
            };
            let requester = body.requester_id.or(ctx.is_user.then_some(actor));
            (
                body.channel.unwrap_or(default_channel),
                body.customer_id,
                requester,
            )
        }
    };
    let tags = normalize_tags(&body.tags)
        .map_err(|i| ApiError::field(format!("tags[{i}]"), "is not a valid tag"))?;
    let created = state
        .outbox
        .transaction::<_, ticket::Model, ApiError>(&state.db, move |txn| {
            Box::pin(async move {
                let mut ticket = app::tickets::draft(body.subject.trim().to_string(), now);
                ticket.description = body.description;
                ticket.priority = body.priority.unwrap_or(Priority::Normal).as_str().into();
                ticket.kind = body.kind.unwrap_or(TicketType::Question).as_str().into();
                ticket.channel = channel.as_str().into();
                ticket.customer_id = customer_id;
                ticket.contact_id = body.contact_id;
                ticket.requester_id = requester_id;
                ticket.team_id = body.team_id;
                ticket.assignee_id = body.assignee_id;
                ticket.tags = encode_list(&tags);
                ticket.created_by = Some(actor);
                let cause = Cause::by(Some(actor), via(caller));
                app::tickets::create(txn, tenant, ticket, &body.custom_fields, cause, now).await
            })
        })
        .await?;
    let location = format!("/api/v1/tickets/{}", created.id);
    state.mailer.wake();
    Ok(created_response(location, created))
}

fn created_response(location: String, ticket: ticket::Model) -> HttpResponse {
    let version = ticket.version;
    created(location, version, &TicketView::from(ticket))
}

/// Filters of the ticket list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TicketListQuery {
    /// Only these statuses, comma-separated (e.g. `new,open`; up to 200 characters).
    #[param(max_length = 200)]
    pub status: Option<String>,
    /// Only this priority.
    pub priority: Option<Priority>,
    /// Only this type.
    #[serde(rename = "type")]
    #[param(rename = "type")]
    pub kind: Option<TicketType>,
    /// Only tickets of this assignee.
    pub assignee_id: Option<Uuid>,
    /// Only unassigned tickets.
    pub unassigned: Option<bool>,
    /// Only tickets of this team.
    pub team_id: Option<Uuid>,
    /// Only tickets of this customer.
    pub customer_id: Option<Uuid>,
    /// Only tickets with this tag.
    #[param(max_length = 50)]
    pub tag: Option<String>,
    /// Created at or after.
    pub created_from: Option<DateTime<Utc>>,
    /// Created before.
    pub created_to: Option<DateTime<Utc>>,
    /// Updated at or after.
    pub updated_from: Option<DateTime<Utc>>,
    /// Updated before.
    pub updated_to: Option<DateTime<Utc>>,
    /// Words that must all appear in the subject or description (up to 200 characters).
    #[param(max_length = 200)]
    pub q: Option<String>,
    /// Only tickets with a service step that is past due and not done.
    pub step_overdue: Option<bool>,
    /// Page size, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u64>,
    /// Cursor from the previous page.
    pub cursor: Option<String>,
}

impl TicketListQuery {
    pub(crate) fn filter(self, now: DateTime<Utc>) -> Result<TicketFilter, ApiError> {
        let statuses = match &self.status {
            None => Vec::new(),
            Some(list) => list
                .split(',')
                .map(|s| {
                    Status::parse(s.trim())
                        .map(|s| s.as_str().to_string())
                        .ok_or_else(|| {
                            ApiError::field("status", format!("`{s}` is not a ticket status"))
                        })
                })
                .collect::<Result<_, _>>()?,
        };
        let tag = match &self.tag {
            None => None,
            Some(tag) => Some(
                crate::domain::fields::normalize_tag(tag)
                    .ok_or_else(|| ApiError::field("tag", "is not a valid tag"))?,
            ),
        };
        Ok(TicketFilter {
            statuses,
            priority: self.priority.map(|p| p.as_str().into()),
            kind: self.kind.map(|k| k.as_str().into()),
            assignee_id: self.assignee_id,
            unassigned: self.unassigned.unwrap_or(false),
            team_id: self.team_id,
            customer_id: self.customer_id,
            requester_id: None,
            tag,
            created_from: self.created_from,
            created_to: self.created_to,
            updated_from: self.updated_from,
            updated_to: self.updated_to,
            text: self.q.filter(|q| !q.trim().is_empty()),
            steps_overdue_at: self.step_overdue.unwrap_or(false).then_some(now),
        })
    }
}

/// Lists tickets, newest first; portal users get only their own.
#[utoipa::path(
    tag = "tickets",
    params(TicketListQuery),
    responses((status = 200, description = "A page of tickets", body = TicketPage), ErrorResponses),
    security(("bearer" = ["tickets:read"]), ("bearer" = ["portal"]))
)]
#[get("/api/v1/tickets")]
pub async fn list_tickets(
    state: web::Data<AppState>,
    auth: Authz<AnyScope>,
    query: Query<TicketListQuery>,
) -> Result<HttpResponse, ApiError> {
    let caller = Caller::reader(&auth)?;
    let query = query.0;
    let page = PageQuery {
        limit: query.limit,
        cursor: query.cursor.clone(),
    }
    .parse()?;
    // Bounds of the request only: a saved view's query is bounded as a whole.
    Checks::new()
        .length_opt("status", query.status.as_deref(), 0, 200)
        .length_opt("q", query.q.as_deref(), 0, 200)
        .finish()?;
    let mut filter = query.filter(state.clock.now())?;
    if let Caller::Portal { user, .. } = caller {
        filter.requester_id = Some(user);
    }
    let rows = TicketStore::new(&state.db, auth.tenant_id)
        .list(&filter, page)
        .await?;
    let page = Page::from_rows(rows, page, |t| t.id).map(TicketView::from);
    Ok(HttpResponse::Ok().json(TicketPage {
        items: page.items,
        next_cursor: page.next_cursor,
    }))
}

/// One ticket.
#[utoipa::path(
    tag = "tickets",
    params(("id" = Uuid, Path, description = "Ticket id")),
    responses((status = 200, description = "The ticket", body = TicketView), ErrorResponses),
    security(("bearer" = ["tickets:read"]), ("bearer" = ["portal"]))
)]
#[get("/api/v1/tickets/{id}")]
pub async fn get_ticket(
    state: web::Data<AppState>,
    auth: Authz<AnyScope>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let caller = Caller::reader(&auth)?;
    let found = visible_ticket(&state.db, &auth, caller, TicketId::from(*id)).await?;
    Ok(with_etag(found.version, &TicketView::from(found)))
}

/// Refuses the fields a caller may not set: staff-only ones for portal users, an
/// assignee without `tickets:assign`.
pub fn check_patch_allowed(caller: Caller, patch: &TicketPatch) -> Result<(), ApiError> {
    match caller {
        Caller::Portal { .. } => {
            let staff_only = [
                ("type", patch.kind.is_some()),
                ("priority", patch.priority.is_some()),
                ("status", patch.status.is_some()),
                ("customer_id", patch.customer_id.is_some()),
                ("team_id", patch.team_id.is_some()),
                ("assignee_id", patch.assignee_id.is_some()),
                ("tags", patch.tags.is_some()),
                ("root_cause", patch.root_cause.is_some()),
                ("remedy", patch.remedy.is_some()),
                ("custom_fields", patch.custom_fields.is_some()),
            ];
            refuse_staff_fields(&staff_only)?;
        }
        Caller::Staff { can_assign } => {
            if patch.assignee_id.is_some() && !can_assign {
                return Err(ApiError::Forbidden("tickets:assign".into()));
            }
        }
    }
    Ok(())
}

/// Changes a ticket (`If-Match` guards against lost updates). Portal users may only
/// change the subject and description of their own tickets.
#[utoipa::path(
    tag = "tickets",
    params(("id" = Uuid, Path, description = "Ticket id"), ("If-Match" = Option<String>, Header, description = "ETag of the version you read")),
    request_body = TicketPatch,
    responses((status = 200, description = "The changed ticket", body = TicketView), ErrorResponses),
    security(("bearer" = ["tickets:write"]), ("bearer" = ["portal"]))
)]
#[patch("/api/v1/tickets/{id}")]
pub async fn update_ticket(
    state: web::Data<AppState>,
    auth: Authz<AnyScope>,
    id: web::Path<Uuid>,
    if_match: IfMatch,
    body: Json<TicketPatch>,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    let caller = Caller::writer(&auth)?;
    let patch = body.into_inner();
    check_patch_allowed(caller, &patch)?;
    let ctx = auth.ctx.clone();
    let id = *id;
    let saved = state
        .outbox
        .transaction::<_, ticket::Model, ApiError>(&state.db, move |txn| {
            Box::pin(async move {
                change_ticket(txn, &ctx, caller, TicketId::from(id), patch, if_match, now).await
            })
        })
        .await?;
    state.mailer.wake();
    Ok(with_etag(saved.version, &TicketView::from(saved)))
}

/// Registers the ticket routes.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_tickets)
        .service(create_ticket)
        .service(get_ticket)
        .service(update_ticket);
}
