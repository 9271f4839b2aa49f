//! `/api/v1/tickets/{id}/links`, `/merge` and `/followers`: how tickets relate, merging a
//! duplicate into its survivor, and who follows a ticket.

use crate::app::changes::{record_change, Announce, Cause, Change};
use crate::domain::ids::TicketId;
use crate::error_codes;
use actix_web::{delete, get, post, put, web, HttpResponse};
use kefu_events::catalogue::tickets::{TicketMergeData, TicketMerged};
use kefu_platform::auth::scopes::{TicketsRead, TicketsWrite};
use kefu_platform::http::ErrorResponses;
use kefu_platform::json::Json;
use kefu_platform::validation::{Checks, Validate};
use kefu_platform::{ApiError, Authz};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use super::views::TicketView;
use crate::app::access::Caller;
use crate::app::announce::{emit, ticket_data};
use crate::app::tickets::visible_ticket;
use crate::domain::history::changed_fields;
use crate::domain::status::Status;
use crate::state::AppState;
use crate::store::entities::{ticket_comment, ticket_link};
use crate::store::history::HistoryStore;
use crate::store::structure::StructureStore;
use crate::store::tickets::TicketStore;

/// How another ticket relates to this one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum LinkKind {
    /// The other ticket is this one's parent.
    Parent,
    /// The other ticket is this one's child.
    Child,
    /// Related, no order.
    Related,
}

/// A new link from this ticket to another.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"kind": "child", "ticket_id": "0193a0c5-0a1b-7c3d-8e4f-5a6b7c8d9e0f"}))]
pub struct NewLinkBody {
    /// What the other ticket is to this one.
    pub kind: LinkKind,
    /// The other ticket.
    pub ticket_id: Uuid,
}

impl Validate for NewLinkBody {}

/// A link as seen from one ticket.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "0193a0c5-0a1b-7c3d-8e4f-5a6b7c8d9e0f", "kind": "child", "ticket_id": "0193a0c4-f177-7f28-a85c-2cce39263059", "number": 1043, "subject": "Replace the drum", "status": "open"}))]
pub struct LinkView {
    /// The link's id (for removing it).
    pub id: Uuid,
    /// `parent`, `child`, `related`, `merged_into` or `merged_from`.
    pub kind: String,
    /// The other ticket.
    pub ticket_id: Uuid,
    /// Its number.
    pub number: i64,
    /// Its subject.
    pub subject: String,
    /// Its status.
    pub status: String,
}

/// A ticket's links.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"items": []}))]
pub struct LinkList {
    /// Oldest first.
    pub items: Vec<LinkView>,
}

/// The links of a ticket, each from its point of view.
#[utoipa::path(tag = "tickets", params(("id" = Uuid, Path, description = "Ticket id")), responses((status = 200, description = "Links", body = LinkList), ErrorResponses), security(("bearer" = ["tickets:read"])))]
#[get("/api/v1/tickets/{id}/links")]
pub async fn list_links(
    state: web::Data<AppState>,
    auth: Authz<TicketsRead>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let ticket = visible_ticket(
        &state.db,
        &auth,
        Caller::reader(&auth)?,
        TicketId::from(*id),
    )
    .await?;
    let tickets = TicketStore::new(&state.db, auth.tenant_id);
    let mut items = Vec::new();
    for link in StructureStore::new(&state.db, auth.tenant_id)
        .links(ticket.id)
        .await?
    {
        let outgoing = link.source_id == ticket.id;
        let other = if outgoing {
            link.target_id
        } else {
            link.source_id
        };
        let kind = match (link.kind.as_str(), outgoing) {
            ("parent_of", true) => "child",
            ("parent_of", false) => "parent",
            ("merged_into", true) => "merged_into",
            ("merged_into", false) => "merged_from",
            _ => "related",
        };
        if let Some(o) = tickets.get(TicketId::from(other)).await? {
            items.push(LinkView {
                id: link.id,
                kind: kind.into(),
                ticket_id: o.id,
                number: o.number,
                subject: o.subject,
                status: o.status,
            });
        }
    }
    Ok(HttpResponse::Ok().json(LinkList { items }))
}

/// Links another ticket as parent, child or related. A ticket has at most one parent,
/// and a parent cannot be solved while a child is unsolved.
#[utoipa::path(tag = "tickets", params(("id" = Uuid, Path, description = "Ticket id")), request_body = NewLinkBody, responses((status = 201, description = "Linked", body = LinkView), ErrorResponses), security(("bearer" = ["tickets:write"])))]
#[post("/api/v1/tickets/{id}/links")]
pub async fn add_link(
    state: web::Data<AppState>,
    auth: Authz<TicketsWrite>,
    id: web::Path<Uuid>,
    body: Json<NewLinkBody>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let ticket = visible_ticket(
        &state.db,
        &auth,
        Caller::writer(&auth)?,
        TicketId::from(*id),
    )
    .await?;
    let other = TicketStore::new(&state.db, auth.tenant_id)
        .get(TicketId::from(body.ticket_id))
        .await?
        .filter(|o| o.id != ticket.id)
        .ok_or_else(|| ApiError::field("ticket_id", "is not another ticket of this tenant"))?;
    let store = StructureStore::new(&state.db, auth.tenant_id);
    let (source, target, kind) = match body.kind {
        LinkKind::Child => (ticket.id, other.id, "parent_of"),
        LinkKind::Parent => (other.id, ticket.id, "parent_of"),
        LinkKind::Related => (ticket.id, other.id, "related"),
    };
    let existing = store.links(ticket.id).await?;
    if existing
        .iter()
        .any(|l| (l.source_id == other.id || l.target_id == other.id) && l.kind != "merged_into")
    {
        return Err(ApiError::conflict(
            error_codes::ALREADY_LINKED,
            "the tickets are linked already",
        ));
    }
    if kind == "parent_of" {
        let child_links = store.links(target).await?;
        if child_links
            .iter()
            .any(|l| l.kind == "parent_of" && l.target_id == target)
        {
            return Err(ApiError::conflict(
                error_codes::HAS_PARENT,
                "the child ticket has a parent already",
            ));
        }
        let parent_links = store.links(source).await?;
        if parent_links
            .iter()
            .any(|l| l.kind == "parent_of" && l.target_id == source && l.source_id == target)
        {
            return Err(ApiError::conflict(
                error_codes::LINK_CYCLE,
                "a ticket cannot be its own parent's parent",
            ));
        }
    }
    let link = store
        .insert_link(ticket_link::Model {
            id: Uuid::now_v7(),
            tenant_id: ticket.tenant_id,
            source_id: source,
            target_id: target,
            kind: kind.into(),
            created_at: state.clock.now(),
        })
        .await?;
    let label = match body.kind {
        LinkKind::Child => "child",
        LinkKind::Parent => "parent",
        LinkKind::Related => "related",
    };
    let change = changed_fields([("link", None, Some(format!("{label} #{}", other.number)))]);
    HistoryStore::new(&state.db, auth.tenant_id)
        .record(
            ticket.id,
            Some(auth.actor),
            "user",
            &change,
            state.clock.now(),
        )
        .await?;
    Ok(HttpResponse::Created().json(LinkView {
        id: link.id,
        kind: label.into(),
        ticket_id: other.id,
        number: other.number,
        subject: other.subject,
        status: other.status,
    }))
}

/// Removes a link (a merge stays).
#[utoipa::path(tag = "tickets", params(("id" = Uuid, Path, description = "Ticket id"), ("link_id" = Uuid, Path, description = "Link id")), responses((status = 204, description = "Unlinked"), ErrorResponses), security(("bearer" = ["tickets:write"])))]
#[delete("/api/v1/tickets/{id}/links/{link_id}")]
pub async fn remove_link(
    state: web::Data<AppState>,
    auth: Authz<TicketsWrite>,
    ids: web::Path<(Uuid, Uuid)>,
) -> Result<HttpResponse, ApiError> {
    let (ticket_id, link_id) = ids.into_inner();
    let ticket = visible_ticket(
        &state.db,
        &auth,
        Caller::writer(&auth)?,
        TicketId::from(ticket_id),
    )
    .await?;
    let store = StructureStore::new(&state.db, auth.tenant_id);
    let link = store
        .links(ticket.id)
        .await?
        .into_iter()
        .find(|l| l.id == link_id && l.kind != "merged_into")
        .ok_or(ApiError::NotFound)?;
    store.delete_link(link.id).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Which ticket survives a merge.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"into": "0193a0c5-0a1b-7c3d-8e4f-5a6b7c8d9e0f"}))]
pub struct MergeBody {
    /// The survivor.
    pub into: Uuid,
}

impl Validate for MergeBody {}

/// Merges this ticket into another: it closes (from any open state), its conversation
/// and followers move to the survivor, which gets an internal note.
#[utoipa::path(tag = "tickets", params(("id" = Uuid, Path, description = "The duplicate")), request_body = MergeBody, responses((status = 200, description = "The survivor", body = TicketView), ErrorResponses), security(("bearer" = ["tickets:write"])))]
#[post("/api/v1/tickets/{id}/merge")]
pub async fn merge(
    state: web::Data<AppState>,
    auth: Authz<TicketsWrite>,
    id: web::Path<Uuid>,
    body: Json<MergeBody>,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    let into = body.into_inner().into;
    let caller = Caller::writer(&auth)?;
    let ctx = auth.ctx.clone();
    let id = *id;
    let survivor = state
        .outbox
        .transaction::<_, _, ApiError>(&state.db, move |txn| {
            Box::pin(async move {
                let duplicate = visible_ticket(txn, &ctx, caller, TicketId::from(id)).await?;
                let survivor = TicketStore::new(txn, ctx.tenant_id)
                    .get(TicketId::from(into))
                    .await?
                    .filter(|s| s.id != duplicate.id)
                    .ok_or_else(|| {
                        ApiError::field("into", "is not another ticket of this tenant")
                    })?;
                for (field, ticket) in [("id", &duplicate), ("into", &survivor)] {
                    if Status::parse(&ticket.status).is_some_and(Status::is_final) {
                        return Err(ApiError::conflict(
                            error_codes::TICKET_FINAL,
                            format!("ticket `{field}` is {}", ticket.status),
                        ));
                    }
                }
                let structure = StructureStore::new(txn, ctx.tenant_id);
                structure.move_comments(duplicate.id, survivor.id).await?;
                structure
                    .follow(survivor.id, &structure.followers(duplicate.id).await?)
                    .await?;
                structure
                    .insert_link(ticket_link::Model {
                        id: Uuid::now_v7(),
                        tenant_id: duplicate.tenant_id,
                        source_id: duplicate.id,
                        target_id: survivor.id,
                        kind: "merged_into".into(),
                        created_at: now,
                    })
                    .await?;
                crate::store::comments::CommentStore::new(txn, ctx.tenant_id)
                    .insert(ticket_comment::Model {
                        id: Uuid::now_v7(),
                        tenant_id: survivor.tenant_id,
                        ticket_id: survivor.id,
                        author_id: Some(ctx.actor),
                        author_kind: "staff".into(),
                        public: false,
                        body: format!(
                            "Merged #{} ({}) into this ticket.",
                            duplicate.number, duplicate.subject
                        ),
                        created_at: now,
                    })
                    .await?;
                let mut closed = duplicate.clone();
                closed.status = Status::Closed.as_str().into();
                closed.closed_at = Some(now);
                // The one exception to the status machine, recorded as such; the
                // `ticket.merged` below is its one event.
                let change = Change {
                    notes: changed_fields([(
                        "merged_into",
                        None,
                        Some(format!("#{}", survivor.number)),
                    )]),
                    announce: Announce::ByCaller,
                    ..Change::updated(&duplicate, closed, Cause::by(Some(ctx.actor), "user:merge"))
                };
                let closed = record_change(txn, ctx.tenant_id, change, now).await?;
                let history = HistoryStore::new(txn, ctx.tenant_id);
                let note =
                    changed_fields([("merged_from", None, Some(format!("#{}", duplicate.number)))]);
                history
                    .record(survivor.id, Some(ctx.actor), "user:merge", &note, now)
                    .await?;
                let data = TicketMergeData {
                    ticket: ticket_data(&closed),
                    merged_into_id: survivor.id,
                    merged_into_number: survivor.number,
                };
                emit(
                    txn,
                    ctx.tenant_id.uuid(),
                    Some(ctx.actor),
                    TicketMerged(data),
                )
                .await?;
                Ok(survivor)
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(TicketView::from(survivor)))
}

/// The staff following a ticket.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"user_ids": ["0193a0c4-f177-7f28-a85c-2cce39263059"]}))]
pub struct Followers {
    /// Staff user ids.
    pub user_ids: Vec<Uuid>,
}

impl Validate for Followers {
    fn validate(&self) -> Result<(), ApiError> {
        let mut checks = Checks::new();
        checks.ensure(
            self.user_ids.len() <= 100,
            "user_ids",
            "must name at most 100 users",
        );
        checks.finish()
    }
}

/// Who follows a ticket.
#[utoipa::path(tag = "tickets", params(("id" = Uuid, Path, description = "Ticket id")), responses((status = 200, description = "Followers", body = Followers), ErrorResponses), security(("bearer" = ["tickets:read"])))]
#[get("/api/v1/tickets/{id}/followers")]
pub async fn get_followers(
    state: web::Data<AppState>,
    auth: Authz<TicketsRead>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let ticket = visible_ticket(
        &state.db,
        &auth,
        Caller::reader(&auth)?,
        TicketId::from(*id),
    )
    .await?;
    let user_ids = StructureStore::new(&state.db, auth.tenant_id)
        .followers(ticket.id)
        .await?;
    Ok(HttpResponse::Ok().json(Followers { user_ids }))
}

/// Replaces who follows a ticket; each must be an active staff user.
#[utoipa::path(tag = "tickets", params(("id" = Uuid, Path, description = "Ticket id")), request_body = Followers, responses((status = 200, description = "Followers", body = Followers), ErrorResponses), security(("bearer" = ["tickets:write"])))]
#[put("/api/v1/tickets/{id}/followers")]
pub async fn set_followers(
    state: web::Data<AppState>,
    auth: Authz<TicketsWrite>,
    id: web::Path<Uuid>,
    body: Json<Followers>,
) -> Result<HttpResponse, ApiError> {
    let mut wanted = body.into_inner().user_ids;
    wanted.sort();
    wanted.dedup();
    let ticket = visible_ticket(
        &state.db,
        &auth,
        Caller::writer(&auth)?,
        TicketId::from(*id),
    )
    .await?;
    let mut checks = Checks::new();
    for (i, user) in wanted.iter().enumerate() {
        let staff =
            kefu_directory::is_active_staff(&state.db, auth.tenant_id.uuid(), *user).await?;
        checks.ensure(
            staff,
            &format!("user_ids[{i}]"),
            "is not an active staff user of this tenant",
        );
    }
    checks.finish()?;
    let store = StructureStore::new(&state.db, auth.tenant_id);
    store.set_followers(ticket.id, &wanted).await?;
    Ok(HttpResponse::Ok().json(Followers {
        user_ids: store.followers(ticket.id).await?,
    }))
}

/// Registers the link, merge and follower routes.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_links)
        .service(add_link)
        .service(remove_link)
        .service(merge)
        .service(get_followers)
        .service(set_followers);
}
