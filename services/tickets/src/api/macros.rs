//! `/api/v1/macros`: named sets of field changes plus a canned reply, applied in one go.

use actix_web::{delete, get, patch, post, web, HttpResponse};
use kefu_platform::auth::scopes::{TicketsAdmin, TicketsRead, TicketsWrite};
use kefu_platform::concurrency::IfMatch;
use kefu_platform::error::ErrorCode;
use kefu_platform::http::{created, with_etag, ErrorResponses};
use kefu_platform::ids::TenantId;
use kefu_platform::json::Json;
use kefu_platform::validation::{Checks, MaxChars, Validate};
use kefu_platform::{ApiError, Authz};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use super::tickets::{check_patch_allowed, TicketPatch};
use super::views::TicketView;
use crate::app::access::Caller;
use crate::app::conversation::{reply, NewCommentBody};
use crate::app::tickets::change_ticket;
use crate::domain::fields::{normalize_tags, Priority, TicketType};
use crate::domain::ids::TicketId;
use crate::domain::status::Status;
use crate::error_codes;
use crate::state::AppState;
use crate::store::decode_list;
use crate::store::entities::ticket_macro;
use crate::store::macros::MacroStore;

/// A canned reply.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CannedReply {
    /// Text, 1–20 000 characters.
    #[schema(max_length = 20000)]
    pub body: String,
    /// Public reply (default) or internal note.
    #[serde(default = "kefu_platform::json::default_true")]
    pub public: bool,
}

/// What a macro does to a ticket.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MacroActions {
    /// New status.
    pub status: Option<Status>,
    /// New priority.
    pub priority: Option<Priority>,
    /// New type.
    #[serde(rename = "type")]
    pub kind: Option<TicketType>,
    /// Tags to add (each 1–50 letters, digits, `_`, `-`, `:` or `.`).
    #[serde(default)]
    #[schema(value_type = Vec<MaxChars<50>>, inline)]
    pub add_tags: Vec<String>,
    /// Tags to remove (each at most 50 characters).
    #[serde(default)]
    #[schema(value_type = Vec<MaxChars<50>>, inline)]
    pub remove_tags: Vec<String>,
    /// A reply or note to add.
    pub reply: Option<CannedReply>,
}

/// A new macro.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Waiting for photo", "actions": {"status": "pending", "add_tags": ["needs-photo"], "reply": {"body": "Could you send a photo of the printed page?", "public": true}}}))]
pub struct NewMacroBody {
    /// Name (1–100 characters), unique in the tenant.
    #[schema(max_length = 100)]
    pub name: String,
    /// What it does.
    pub actions: MacroActions,
}

fn check_actions(checks: &mut Checks, actions: &MacroActions) {
    let does_something = actions.status.is_some()
        || actions.priority.is_some()
        || actions.kind.is_some()
        || !actions.add_tags.is_empty()
        || !actions.remove_tags.is_empty()
        || actions.reply.is_some();
    checks.ensure(does_something, "actions", "must change something or reply");
    if let Err(i) = normalize_tags(&actions.add_tags) {
        checks.fail(&format!("actions.add_tags[{i}]"), "is not a valid tag");
    }
    for (i, tag) in actions.remove_tags.iter().enumerate() {
        checks.length(&format!("actions.remove_tags[{i}]"), tag, 0, 50);
    }
    if let Some(reply) = &actions.reply {
        checks.length("actions.reply.body", reply.body.trim(), 1, 20_000);
    }
}

impl Validate for NewMacroBody {
    fn validate(&self) -> Result<(), ApiError> {
        let mut checks = Checks::new();
        checks.length("name", self.name.trim(), 1, 100);
        check_actions(&mut checks, &self.actions);
        checks.finish()
    }
}

/// Changes to a macro.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Waiting for a photo"}))]
pub struct MacroPatch {
    /// Name (1–100 characters).
    #[schema(max_length = 100)]
    pub name: Option<String>,
    /// What it does (replaces the current actions).
    pub actions: Option<MacroActions>,
}

impl Validate for MacroPatch {
    fn validate(&self) -> Result<(), ApiError> {
        let mut checks = Checks::new();
        checks.length_opt("name", self.name.as_deref().map(str::trim), 1, 100);
        if let Some(actions) = &self.actions {
            check_actions(&mut checks, actions);
        }
        checks.finish()
    }
}

/// A macro.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "0193a0c4-f177-7f28-a85c-2cce39263059", "name": "Waiting for photo", "actions": {"status": "pending", "priority": null, "type": null, "add_tags": ["needs-photo"], "remove_tags": [], "reply": {"body": "Could you send a photo?", "public": true}}, "version": 1}))]
pub struct MacroView {
    /// Id.
    pub id: Uuid,
    /// Name.
    pub name: String,
    /// What it does.
    pub actions: MacroActions,
    /// Version, for `If-Match`.
    pub version: i64,
}

impl From<ticket_macro::Model> for MacroView {
    fn from(m: ticket_macro::Model) -> Self {
        Self {
            id: m.id,
            name: m.name,
            actions: serde_json::from_str(&m.actions).unwrap_or_default(),
            version: m.version,
        }
    }
}

/// The tenant's macros.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"items": []}))]
pub struct MacroList {
    /// By name.
    pub items: Vec<MacroView>,
}

/// The ticket a macro is applied to.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"ticket_id": "0193a0c5-0a1b-7c3d-8e4f-5a6b7c8d9e0f"}))]
pub struct ApplyMacroBody {
    /// The ticket.
    pub ticket_id: Uuid,
}

impl Validate for ApplyMacroBody {}

async fn find(
    state: &AppState,
    tenant: TenantId,
    id: Uuid,
) -> Result<ticket_macro::Model, ApiError> {
    MacroStore::new(&state.db, tenant)
        .get(id)
        .await?
        .ok_or(ApiError::NotFound)
}

/// A 409 when a save collides with another's name (a rename included).
const NAME_TAKEN: (ErrorCode, &str) = (
    error_codes::MACRO_NAME_TAKEN,
    "a macro with this name exists",
);

/// Lists the macros by name.
#[utoipa::path(tag = "tickets", responses((status = 200, description = "Macros", body = MacroList), ErrorResponses), security(("bearer" = ["tickets:read"])))]
#[get("/api/v1/macros")]
pub async fn list_macros(
    state: web::Data<AppState>,
    auth: Authz<TicketsRead>,
) -> Result<HttpResponse, ApiError> {
    let items = MacroStore::new(&state.db, auth.tenant_id).by_name().await?;
    Ok(HttpResponse::Ok().json(MacroList {
        items: items.into_iter().map(MacroView::from).collect(),
    }))
}

/// Creates a macro.
#[utoipa::path(tag = "tickets", request_body = NewMacroBody, responses((status = 201, description = "Macro created", body = MacroView), ErrorResponses), security(("bearer" = ["tickets:admin"])))]
#[post("/api/v1/macros")]
pub async fn create_macro(
    state: web::Data<AppState>,
    auth: Authz<TicketsAdmin>,
    body: Json<NewMacroBody>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let now = state.clock.now();
    let model = ticket_macro::Model {
        id: Uuid::now_v7(),
        tenant_id: auth.tenant_id.uuid(),
        name: body.name.trim().to_string(),
        actions: serde_json::to_string(&body.actions).map_err(ApiError::internal)?,
        version: 1,
        created_at: now,
        updated_at: now,
    };
    let model = MacroStore::new(&state.db, auth.tenant_id)
        .insert(model)
        .await
        .map_err(|e| ApiError::taken_or(e, NAME_TAKEN))?;
    Ok(created(
        format!("/api/v1/macros/{}", model.id),
        model.version,
        &MacroView::from(model),
    ))
}

/// One macro.
#[utoipa::path(tag = "tickets", params(("id" = Uuid, Path, description = "Macro id")), responses((status = 200, description = "The macro", body = MacroView), ErrorResponses), security(("bearer" = ["tickets:read"])))]
#[get("/api/v1/macros/{id}")]
pub async fn get_macro(
    state: web::Data<AppState>,
    auth: Authz<TicketsRead>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let found = find(&state, auth.tenant_id, *id).await?;
    Ok(with_etag(found.version, &MacroView::from(found)))
}

/// Changes a macro.
#[utoipa::path(tag = "tickets", params(("id" = Uuid, Path, description = "Macro id"), ("If-Match" = Option<String>, Header, description = "ETag of the version you read")), request_body = MacroPatch, responses((status = 200, description = "The macro", body = MacroView), ErrorResponses), security(("bearer" = ["tickets:admin"])))]
#[patch("/api/v1/macros/{id}")]
pub async fn update_macro(
    state: web::Data<AppState>,
    auth: Authz<TicketsAdmin>,
    id: web::Path<Uuid>,
    if_match: IfMatch,
    body: Json<MacroPatch>,
) -> Result<HttpResponse, ApiError> {
    let patch = body.into_inner();
    let mut found = find(&state, auth.tenant_id, *id).await?;
    if let Some(name) = patch.name {
        found.name = name.trim().to_string();
    }
    if let Some(actions) = patch.actions {
        found.actions = serde_json::to_string(&actions).map_err(ApiError::internal)?;
    }
    found.updated_at = state.clock.now();
    let found = MacroStore::new(&state.db, auth.tenant_id)
        .save(found, &if_match)
        .await
        .map_err(|e| ApiError::taken_or(e, NAME_TAKEN))?;
    Ok(with_etag(found.version, &MacroView::from(found)))
}

/// Deletes a macro.
#[utoipa::path(tag = "tickets", params(("id" = Uuid, Path, description = "Macro id")), responses((status = 204, description = "Deleted"), ErrorResponses), security(("bearer" = ["tickets:admin"])))]
#[delete("/api/v1/macros/{id}")]
pub async fn delete_macro(
    state: web::Data<AppState>,
    auth: Authz<TicketsAdmin>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let found = find(&state, auth.tenant_id, *id).await?;
    MacroStore::new(&state.db, auth.tenant_id)
        .delete(found.id)
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Applies a macro to a ticket: its changes, then its reply, in one transaction, as the caller.
#[utoipa::path(tag = "tickets", params(("id" = Uuid, Path, description = "Macro id")), request_body = ApplyMacroBody, responses((status = 200, description = "The ticket after the macro", body = TicketView), ErrorResponses), security(("bearer" = ["tickets:write"])))]
#[post("/api/v1/macros/{id}/apply")]
pub async fn apply_macro(
    state: web::Data<AppState>,
    auth: Authz<TicketsWrite>,
    id: web::Path<Uuid>,
    body: Json<ApplyMacroBody>,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    let found = find(&state, auth.tenant_id, *id).await?;
    let actions: MacroActions = serde_json::from_str(&found.actions).unwrap_or_default();
    let caller = Caller::writer(&auth)?;
    let ctx = auth.ctx.clone();
    let ticket_id = body.into_inner().ticket_id;
    let saved = state
        .outbox
        .transaction::<_, _, ApiError>(&state.db, move |txn| {
            Box::pin(async move {
                // The ticket is named in the body, so a stranger's id is bad input, not a 404.
                let current = crate::app::tickets::visible_ticket(
                    txn,
                    &ctx,
                    caller,
                    TicketId::from(ticket_id),
                )
                .await
                .map_err(|e| match e {
                    ApiError::NotFound => {
                        ApiError::field("ticket_id", "is not a ticket of this tenant")
                    }
                    other => other,
                })?;
                let mut tags: Vec<String> = decode_list(&current.tags);
                tags.extend(actions.add_tags.iter().cloned());
                let remove = normalize_tags(&actions.remove_tags).unwrap_or_default();
                let mut tags = normalize_tags(&tags).map_err(|i| {
                    ApiError::field(format!("actions.add_tags[{i}]"), "is not a valid tag")
                })?;
                tags.retain(|t| !remove.contains(t));
                let patch = TicketPatch {
                    status: actions.status,
                    priority: actions.priority,
                    kind: actions.kind,
                    tags: Some(tags),
                    ..TicketPatch::default()
                };
                check_patch_allowed(caller, &patch)?;
                let via_ticket = change_ticket(
                    txn,
                    &ctx,
                    caller,
                    TicketId::from(ticket_id),
                    patch,
                    IfMatch::Absent,
                    now,
                )
                .await?;
                if let Some(canned) = actions.reply {
                    reply(
                        txn,
                        &ctx,
                        caller,
                        TicketId::from(ticket_id),
                        NewCommentBody {
                            body: canned.body,
                            public: canned.public,
                        },
                        now,
                    )
                    .await?;
                    let tickets = crate::store::tickets::TicketStore::new(txn, ctx.tenant_id);
                    return tickets
                        .get(TicketId::from(ticket_id))
                        .await?
                        .ok_or(ApiError::NotFound);
                }
                Ok(via_ticket)
            })
        })
        .await?;
    state.mailer.wake();
    Ok(with_etag(saved.version, &TicketView::from(saved)))
}

/// Registers the macro routes.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_macros)
        .service(create_macro)
        .service(get_macro)
        .service(update_macro)
        .service(delete_macro)
        .service(apply_macro);
}
