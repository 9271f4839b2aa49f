//! `/api/v1/tickets/{id}/attachments`: files on tickets and replies. The body is the raw
//! file (`?filename=`); its type is sniffed; its size is capped by the tenant's plan;
//! whoever may read the ticket may download it (portal users: not from internal notes).

use actix_web::{get, post, web, HttpMessage, HttpRequest, HttpResponse};
use bytes::Bytes;
use chrono::{DateTime, Utc};
use kefu_platform::auth::scopes::AnyScope;
use kefu_platform::auth::Claims;
use kefu_platform::http::ErrorResponses;
use kefu_platform::ids::TenantId;
use kefu_platform::query::Query;
use kefu_platform::{ApiError, Authz};
use object_store::{ObjectStoreExt, PutPayload};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::app::access::Caller;
use crate::app::tickets::visible_ticket;
use crate::attachments::{limit_for_plan, object_key, safe_filename, sniff};
use crate::domain::history::changed_fields;
use crate::domain::ids::TicketId;
use crate::error_codes;
use crate::state::AppState;
use crate::store::attachments::AttachmentStore;
use crate::store::comments::CommentStore;
use crate::store::entities::attachment;
use crate::store::history::HistoryStore;

/// An attachment.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "0193a0c5-0a1b-7c3d-8e4f-5a6b7c8d9e0f", "comment_id": null, "filename": "error-page.png", "content_type": "image/png", "size": 48213, "uploaded_by": "0193a0c4-f177-7f28-a85c-2cce39263059", "created_at": "2026-11-02T02:20:00Z"}))]
pub struct AttachmentView {
    /// Id.
    pub id: Uuid,
    /// The reply or note it belongs to, if any.
    pub comment_id: Option<Uuid>,
    /// File name.
    pub filename: String,
    /// Type sniffed from the bytes.
    pub content_type: String,
    /// Size in bytes.
    pub size: i64,
    /// Who uploaded it.
    pub uploaded_by: Option<Uuid>,
    /// When.
    pub created_at: DateTime<Utc>,
}

impl From<attachment::Model> for AttachmentView {
    fn from(a: attachment::Model) -> Self {
        Self {
            id: a.id,
            comment_id: a.comment_id,
            filename: a.filename,
            content_type: a.content_type,
            size: a.size,
            uploaded_by: a.uploaded_by,
            created_at: a.created_at,
        }
    }
}

/// The raw bytes of a file.
#[derive(ToSchema)]
#[schema(value_type = String, format = Binary)]
pub struct FileBytes(pub Vec<u8>);

/// A ticket's attachments.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"items": []}))]
pub struct AttachmentList {
    /// Oldest first.
    pub items: Vec<AttachmentView>,
}

/// Longest `filename` accepted (a file system's limit); names are kept to their first 200.
const MAX_FILENAME_LEN: usize = 255;

/// Where an upload goes.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UploadQuery {
    /// The file's name (default `attachment`; up to 255 characters, kept to its first 200).
    #[param(max_length = 255)]
    pub filename: Option<String>,
    /// Attach to this reply or note of the ticket (else to the ticket).
    pub comment_id: Option<Uuid>,
}

/// The internal notes of a ticket (portal users may not see their files).
async fn internal_notes(
    state: &AppState,
    tenant: TenantId,
    ticket: Uuid,
) -> Result<Vec<Uuid>, ApiError> {
    Ok(CommentStore::new(&state.db, tenant)
        .internal_note_ids(ticket)
        .await?)
}

/// Uploads a file to a ticket (or one of its replies); the body is the file itself.
#[utoipa::path(
    tag = "tickets",
    params(("id" = Uuid, Path, description = "Ticket id"), UploadQuery),
    request_body(content = FileBytes, content_type = "application/octet-stream", description = "The file"),
    responses((status = 201, description = "Attached", body = AttachmentView), ErrorResponses),
    security(("bearer" = ["tickets:write"]), ("bearer" = ["portal"]))
)]
#[post("/api/v1/tickets/{id}/attachments")]
pub async fn upload_attachment(
    state: web::Data<AppState>,
    auth: Authz<AnyScope>,
    req: HttpRequest,
    id: web::Path<Uuid>,
    query: Query<UploadQuery>,
    body: Bytes,
) -> Result<HttpResponse, ApiError> {
    let caller = Caller::writer(&auth)?;
    let query = query.0;
    let ticket = visible_ticket(&state.db, &auth, caller, TicketId::from(*id)).await?;
    let plan = req
        .extensions()
        .get::<Claims>()
        .and_then(|c| c.plan.clone());
    let limit = limit_for_plan(plan.as_deref());
    if body.len() > limit {
        return Err(ApiError::PayloadTooLarge);
    }
    if body.is_empty() {
        return Err(ApiError::bad_request(
            error_codes::EMPTY_FILE,
            "the request body is the file; it was empty",
        ));
    }
    if query
        .filename
        .as_deref()
        .is_some_and(|name| name.chars().count() > MAX_FILENAME_LEN)
    {
        return Err(ApiError::field(
            "filename",
            format!("must be at most {MAX_FILENAME_LEN} characters"),
        ));
    }
    let filename = safe_filename(query.filename.as_deref().unwrap_or("attachment"));
    if let Some(comment) = query.comment_id {
        let known = CommentStore::new(&state.db, auth.tenant_id)
            .of_ticket_by_id(ticket.id, comment)
            .await?
            .filter(|c| c.public || caller.sees_internal());
        if known.is_none() {
            return Err(ApiError::field(
                "comment_id",
                "is not a reply of this ticket",
            ));
        }
    }
    let id = Uuid::now_v7();
    let key = object_key(ticket.tenant_id, ticket.id, id);
    let content_type = sniff(&body);
    let size = body.len() as i64;
    // The bytes first: a row never points at nothing (an orphan object is only space).
    state
        .objects
        .put(&key, PutPayload::from(body))
        .await
        .map_err(|e| ApiError::Unavailable(format!("the attachment store ({e})")))?;
    let row = attachment::Model {
        id,
        tenant_id: ticket.tenant_id,
        ticket_id: ticket.id,
        comment_id: query.comment_id,
        filename: filename.clone(),
        content_type,
        size,
        object_key: key.to_string(),
        uploaded_by: Some(auth.actor),
        created_at: state.clock.now(),
    };
    let row = AttachmentStore::new(&state.db, auth.tenant_id)
        .insert(row)
        .await?;
    let change = changed_fields([("attachment", None, Some(filename))]);
    let via = if caller.sees_internal() {
        "user"
    } else {
        "portal"
    };
    HistoryStore::new(&state.db, auth.tenant_id)
        .record(ticket.id, Some(auth.actor), via, &change, state.clock.now())
        .await?;
    let location = format!("/api/v1/tickets/{}/attachments/{}", ticket.id, row.id);
    Ok(HttpResponse::Created()
        .insert_header(("Location", location))
        .json(AttachmentView::from(row)))
}

/// The files of a ticket that the caller may see.
#[utoipa::path(tag = "tickets", params(("id" = Uuid, Path, description = "Ticket id")), responses((status = 200, description = "Attachments", body = AttachmentList), ErrorResponses), security(("bearer" = ["tickets:read"]), ("bearer" = ["portal"])))]
#[get("/api/v1/tickets/{id}/attachments")]
pub async fn list_attachments(
    state: web::Data<AppState>,
    auth: Authz<AnyScope>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let caller = Caller::reader(&auth)?;
    let ticket = visible_ticket(&state.db, &auth, caller, TicketId::from(*id)).await?;
    let hidden = if caller.sees_internal() {
        Vec::new()
    } else {
        internal_notes(&state, auth.tenant_id, ticket.id).await?
    };
    let items = AttachmentStore::new(&state.db, auth.tenant_id)
        .of_ticket(ticket.id)
        .await?
        .into_iter()
        .filter(|a| a.comment_id.is_none_or(|c| !hidden.contains(&c)))
        .map(AttachmentView::from)
        .collect();
    Ok(HttpResponse::Ok().json(AttachmentList { items }))
}

/// Downloads a file (served as an attachment, never rendered inline).
#[utoipa::path(tag = "tickets", params(("id" = Uuid, Path, description = "Ticket id"), ("attachment_id" = Uuid, Path, description = "Attachment id")), responses((status = 200, description = "The file, with the media type sniffed at upload (`application/octet-stream` when unknown)", content((FileBytes = "application/octet-stream"), (FileBytes = "*/*"))), ErrorResponses), security(("bearer" = ["tickets:read"]), ("bearer" = ["portal"])))]
#[get("/api/v1/tickets/{id}/attachments/{attachment_id}")]
pub async fn download_attachment(
    state: web::Data<AppState>,
    auth: Authz<AnyScope>,
    ids: web::Path<(Uuid, Uuid)>,
) -> Result<HttpResponse, ApiError> {
    let (ticket_id, attachment_id) = ids.into_inner();
    let caller = Caller::reader(&auth)?;
    let ticket = visible_ticket(&state.db, &auth, caller, TicketId::from(ticket_id)).await?;
    let found = AttachmentStore::new(&state.db, auth.tenant_id)
        .of_ticket_by_id(ticket.id, attachment_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    if let Some(comment) = found.comment_id {
        if !caller.sees_internal()
            && internal_notes(&state, auth.tenant_id, ticket.id)
                .await?
                .contains(&comment)
        {
            return Err(ApiError::NotFound);
        }
    }
    let bytes = state
        .objects
        .get(&object_store::path::Path::from(found.object_key.as_str()))
        .await
        .map_err(|e| ApiError::Unavailable(format!("the attachment store ({e})")))?
        .bytes()
        .await
        .map_err(|e| ApiError::Unavailable(format!("the attachment store ({e})")))?;
    Ok(HttpResponse::Ok()
        .content_type(found.content_type)
        .insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"{}\"", found.filename),
        ))
        .insert_header(("X-Content-Type-Options", "nosniff"))
        .body(bytes))
}

/// Registers the attachment routes.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(upload_attachment)
        .service(list_attachments)
        .service(download_attachment);
}
