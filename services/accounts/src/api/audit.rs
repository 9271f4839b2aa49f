//! `GET /api/v1/audit-log`: the tenant's security-relevant actions, newest first.

use actix_web::{get, web, HttpResponse};
use chrono::{DateTime, Utc};
use kefu_platform::auth::scopes::AccountsAdmin;
use kefu_platform::http::ErrorResponses;
use kefu_platform::pagination::{Page, PageQuery};
use kefu_platform::query::Query;
use kefu_platform::validation::Checks;
use kefu_platform::{ApiError, Authz};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::state::AppState;
use crate::store::audit::{self, AuditFilter};
use crate::store::entities::audit_entry;

/// One audit-log entry as clients see it.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0193a0c5-b64b-75f5-a30e-3eca18f135d2",
    "action": "role.updated",
    "actor_id": "0193a0c4-c6e8-7160-9ac3-55266f03675a",
    "target_type": "role",
    "target_id": "0193a0c4-becc-7181-a54c-66175d9dc9f8",
    "ip": "203.0.113.7",
    "details": {
        "key": "agent",
        "scopes_before": ["accounts:read", "customers:read", "customers:write", "kb:read", "surveys:read", "tickets:read", "tickets:write", "training:read"],
        "scopes_after": ["accounts:read", "customers:read", "customers:write", "kb:read", "surveys:read", "tickets:assign", "tickets:read", "tickets:write", "training:read"]
    },
    "created_at": "2026-11-21T09:30:00Z"
}))]
pub struct AuditEntryView {
    /// Entry id (time-ordered).
    pub id: Uuid,
    /// What happened, e.g. `login.failed`, `role.updated`, `client.created`.
    pub action: String,
    /// Who did it: a user, API client or platform operator; null when anonymous.
    pub actor_id: Option<Uuid>,
    /// Kind of the target, e.g. `user`, `role`, `api_client`, `tenant`.
    pub target_type: Option<String>,
    /// Id of the target.
    pub target_id: Option<Uuid>,
    /// Client address.
    pub ip: Option<String>,
    /// Extra facts of the action (never secrets).
    #[schema(value_type = Object)]
    pub details: serde_json::Value,
    /// When it happened.
    pub created_at: DateTime<Utc>,
}

impl From<audit_entry::Model> for AuditEntryView {
    fn from(e: audit_entry::Model) -> Self {
        Self {
            id: e.id,
            action: e.action,
            actor_id: e.actor_id,
            target_type: e.target_type,
            target_id: e.target_id,
            ip: e.ip,
            details: details_object(&e.details),
            created_at: e.created_at,
        }
    }
}

/// The stored details as a JSON object; anything else (never expected) becomes `{}`
/// so clients can always index into it.
pub fn details_object(text: &str) -> serde_json::Value {
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(value @ serde_json::Value::Object(_)) => value,
        _ => serde_json::json!({}),
    }
}

/// A page of audit-log entries.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "items": [
        {
            "id": "0193a0c5-b64b-75f5-a30e-3eca18f135d2",
            "action": "role.updated",
            "actor_id": "0193a0c4-c6e8-7160-9ac3-55266f03675a",
            "target_type": "role",
            "target_id": "0193a0c4-becc-7181-a54c-66175d9dc9f8",
            "ip": "203.0.113.7",
            "details": {
                "key": "agent",
                "scopes_before": ["accounts:read", "customers:read", "customers:write", "kb:read", "surveys:read", "tickets:read", "tickets:write", "training:read"],
                "scopes_after": ["accounts:read", "customers:read", "customers:write", "kb:read", "surveys:read", "tickets:assign", "tickets:read", "tickets:write", "training:read"]
            },
            "created_at": "2026-11-21T09:30:00Z"
        },
        {
            "id": "0193a0c5-a945-794e-a8e3-f551923a7369",
            "action": "login.failed",
            "actor_id": "0193a0c4-f177-7f28-a85c-2cce39263059",
            "target_type": "user",
            "target_id": "0193a0c4-f177-7f28-a85c-2cce39263059",
            "ip": "198.51.100.24",
            "details": {"reason": "bad_password"},
            "created_at": "2026-11-21T01:12:44Z"
        }
    ],
    "next_cursor": "AZOgxalFeU6o4_VRkjpzaQ"
}))]
pub struct AuditPage {
    /// The entries of this page, newest first.
    pub items: Vec<AuditEntryView>,
    /// Cursor of the next (older) page, or null.
    pub next_cursor: Option<String>,
}

/// Filters and paging of the audit log.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditListQuery {
    /// Only this action, e.g. `login.failed`.
    #[param(max_length = 100)]
    pub action: Option<String>,
    /// Only actions by this actor.
    pub actor_id: Option<Uuid>,
    /// Only actions on this target.
    pub target_id: Option<Uuid>,
    /// Page size, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u64>,
    /// Opaque cursor from a previous page's `next_cursor`.
    pub cursor: Option<String>,
}

/// Lists the tenant's audit log, newest first.
#[utoipa::path(
    tag = "audit",
    params(AuditListQuery),
    responses((status = 200, description = "A page of audit-log entries", body = AuditPage), ErrorResponses),
    security(("bearer" = ["accounts:admin"]))
)]
#[get("/api/v1/audit-log")]
pub async fn list_audit_log(
    state: web::Data<AppState>,
    auth: Authz<AccountsAdmin>,
    query: Query<AuditListQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.0;
    let page = PageQuery {
        limit: query.limit,
        cursor: query.cursor,
    }
    .parse()?;
    Checks::new()
        .length_opt("action", query.action.as_deref(), 0, 100)
        .finish()?;
    let filter = AuditFilter {
        action: query.action.filter(|a| !a.is_empty()),
        actor_id: query.actor_id,
        target_id: query.target_id,
    };
    let rows = audit::list(&state.db, auth.tenant_id, &filter, page).await?;
    let page = Page::from_rows(rows, page, |e| e.id).map(AuditEntryView::from);
    Ok(HttpResponse::Ok().json(AuditPage {
        items: page.items,
        next_cursor: page.next_cursor,
    }))
}

/// Registers the audit-log route.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_audit_log);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn details_are_always_an_object() {
        assert_eq!(details_object(r#"{"key":"agent"}"#)["key"], "agent");
        assert_eq!(details_object("[1,2]"), serde_json::json!({}));
        assert_eq!(details_object("not json"), serde_json::json!({}));
    }
}
