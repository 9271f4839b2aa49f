//! `/api/v1/kb/categories`: the categories articles are filed under.

use actix_web::{delete, get, patch, post, web, HttpResponse};
use kefu_platform::auth::scopes::{AnyScope, KbRead, KbWrite};
use kefu_platform::concurrency::IfMatch;
use kefu_platform::error::ErrorCode;
use kefu_platform::http::{created, with_etag, ErrorResponses};
use kefu_platform::json::Json;
use kefu_platform::validation::{Checks, Validate};
use kefu_platform::{ApiError, Authz};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::error_codes;
use crate::state::AppState;
use crate::store::entities::kb_category;
use crate::store::kb::KbStore;

use super::staff_reader;

/// A category.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "0193a0c4-f177-7f28-a85c-2cce39263059", "name": "Printers", "position": 0, "version": 1}))]
pub struct CategoryView {
    /// Id.
    pub id: Uuid,
    /// Name.
    pub name: String,
    /// Order.
    pub position: i64,
    /// Version.
    pub version: i64,
}

impl From<kb_category::Model> for CategoryView {
    fn from(c: kb_category::Model) -> Self {
        Self {
            id: c.id,
            name: c.name,
            position: c.position,
            version: c.version,
        }
    }
}

/// Categories.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"items": []}))]
pub struct CategoryList {
    /// In order.
    pub items: Vec<CategoryView>,
}

/// A category to create or rename.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Printers", "position": 0}))]
pub struct CategoryBody {
    /// Name (1–100 characters), unique in the tenant.
    #[schema(max_length = 100)]
    pub name: String,
    /// Order.
    pub position: Option<i64>,
}

impl Validate for CategoryBody {
    fn validate(&self) -> Result<(), ApiError> {
        let mut checks = Checks::new();
        checks.length("name", self.name.trim(), 1, 100);
        checks.finish()
    }
}

/// A 409 when a save collides with another's name (a rename included).
const NAME_TAKEN: (ErrorCode, &str) = (
    error_codes::CATEGORY_NAME_TAKEN,
    "a category with this name exists",
);

/// Lists the categories.
#[utoipa::path(tag = "kb", responses((status = 200, description = "Categories", body = CategoryList), ErrorResponses), security(("bearer" = ["kb:read"]), ("bearer" = ["portal"])))]
#[get("/api/v1/kb/categories")]
pub async fn list_categories(
    state: web::Data<AppState>,
    auth: Authz<AnyScope>,
) -> Result<HttpResponse, ApiError> {
    staff_reader(&auth)?;
    let items = KbStore::new(&state.db, auth.tenant_id).categories().await?;
    Ok(HttpResponse::Ok().json(CategoryList {
        items: items.into_iter().map(CategoryView::from).collect(),
    }))
}

/// Creates a category.
#[utoipa::path(tag = "kb", request_body = CategoryBody, responses((status = 201, description = "Category created", body = CategoryView), ErrorResponses), security(("bearer" = ["kb:write"])))]
#[post("/api/v1/kb/categories")]
pub async fn create_category(
    state: web::Data<AppState>,
    auth: Authz<KbWrite>,
    body: Json<CategoryBody>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let now = state.clock.now();
    let store = KbStore::new(&state.db, auth.tenant_id);
    let position = body
        .position
        .unwrap_or(store.categories().await?.len() as i64);
    let model = kb_category::Model {
        id: Uuid::now_v7(),
        tenant_id: auth.tenant_id.uuid(),
        name: body.name.trim().to_string(),
        position,
        version: 1,
        created_at: now,
        updated_at: now,
    };
    let saved = store
        .insert_category(model)
        .await
        .map_err(|e| ApiError::taken_or(e, NAME_TAKEN))?;
    Ok(created(
        format!("/api/v1/kb/categories/{}", saved.id),
        saved.version,
        &CategoryView::from(saved),
    ))
}

/// One category.
#[utoipa::path(tag = "kb", params(("id" = Uuid, Path, description = "Category id")), responses((status = 200, description = "The category", body = CategoryView, headers(("ETag" = String, description = "The category's version"))), ErrorResponses), security(("bearer" = ["kb:read"])))]
#[get("/api/v1/kb/categories/{id}")]
pub async fn get_category(
    state: web::Data<AppState>,
    auth: Authz<KbRead>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let category = KbStore::new(&state.db, auth.tenant_id)
        .category(*id)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(with_etag(category.version, &CategoryView::from(category)))
}

/// Renames or moves a category.
#[utoipa::path(tag = "kb", params(("id" = Uuid, Path, description = "Category id"), ("If-Match" = Option<String>, Header, description = "ETag of the version you read")), request_body = CategoryBody, responses((status = 200, description = "The category", body = CategoryView), ErrorResponses), security(("bearer" = ["kb:write"])))]
#[patch("/api/v1/kb/categories/{id}")]
pub async fn update_category(
    state: web::Data<AppState>,
    auth: Authz<KbWrite>,
    id: web::Path<Uuid>,
    if_match: IfMatch,
    body: Json<CategoryBody>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let store = KbStore::new(&state.db, auth.tenant_id);
    let mut category = store.category(*id).await?.ok_or(ApiError::NotFound)?;
    category.name = body.name.trim().to_string();
    if let Some(position) = body.position {
        category.position = position;
    }
    category.updated_at = state.clock.now();
    let saved = store
        .save_category(category, &if_match)
        .await
        .map_err(|e| ApiError::taken_or(e, NAME_TAKEN))?;
    Ok(with_etag(saved.version, &CategoryView::from(saved)))
}

/// Deletes a category; its articles stay, without a category.
#[utoipa::path(tag = "kb", params(("id" = Uuid, Path, description = "Category id")), responses((status = 204, description = "Deleted"), ErrorResponses), security(("bearer" = ["kb:write"])))]
#[delete("/api/v1/kb/categories/{id}")]
pub async fn delete_category(
    state: web::Data<AppState>,
    auth: Authz<KbWrite>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let store = KbStore::new(&state.db, auth.tenant_id);
    let found = store.category(*id).await?.ok_or(ApiError::NotFound)?;
    store.delete_category(found.id).await?;
    Ok(HttpResponse::NoContent().finish())
}
