//! `/api/v1/custom-fields`: the tenant's own typed ticket fields.

use actix_web::{delete, get, patch, post, web, HttpResponse};
use kefu_platform::auth::scopes::{TicketsAdmin, TicketsRead};
use kefu_platform::concurrency::IfMatch;
use kefu_platform::http::{created, with_etag, ErrorResponses};
use kefu_platform::json::Json;
use kefu_platform::validation::{Checks, MaxChars, Validate};
use kefu_platform::{ApiError, Authz};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::domain::custom_fields::FieldType;
use crate::error_codes;
use crate::state::AppState;
use crate::store::custom_fields::CustomFieldStore;
use crate::store::entities::custom_field;
use crate::store::{decode_list, encode_list};

/// A new custom field.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"key": "device_model", "label": "Device model", "type": "enum", "options": ["X100", "X200"], "required": false}))]
pub struct NewCustomFieldBody {
    /// Key used in `custom_fields` of tickets: 1–50 lower-case letters, digits, `_`.
    #[schema(max_length = 50)]
    pub key: String,
    /// Label shown to agents (1–100 characters).
    #[schema(max_length = 100)]
    pub label: String,
    /// Type.
    #[serde(rename = "type")]
    pub field_type: FieldType,
    /// Allowed values (enums): at most 200, each 1–100 characters.
    #[serde(default)]
    #[schema(value_type = Vec<MaxChars<100>>, inline, max_items = 200)]
    pub options: Vec<String>,
    /// New tickets must have it.
    #[serde(default)]
    pub required: bool,
    /// Display order.
    pub position: Option<i64>,
}

fn check_options(checks: &mut Checks, field_type: Option<FieldType>, options: Option<&[String]>) {
    if let Some(options) = options {
        checks.ensure(
            options.len() <= 200,
            "options",
            "must list at most 200 values",
        );
        for (i, o) in options.iter().enumerate() {
            checks.length(&format!("options[{i}]"), o, 1, 100);
        }
    }
    if field_type == Some(FieldType::Enum) {
        checks.ensure(
            options.is_some_and(|o| !o.is_empty()),
            "options",
            "an enum needs at least one option",
        );
    }
}

impl Validate for NewCustomFieldBody {
    fn validate(&self) -> Result<(), ApiError> {
        let mut checks = Checks::new();
        let key_ok = (1..=50).contains(&self.key.len())
            && self
                .key
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        checks.ensure(
            key_ok,
            "key",
            "must be 1–50 lower-case letters, digits or `_`",
        );
        checks.length("label", self.label.trim(), 1, 100);
        check_options(&mut checks, Some(self.field_type), Some(&self.options));
        checks.finish()
    }
}

/// Changes to a field (its key and type stay).
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"options": ["X100", "X200", "X300"]}))]
pub struct CustomFieldPatch {
    /// Label (1–100 characters).
    #[schema(max_length = 100)]
    pub label: Option<String>,
    /// Allowed values (enums): at most 200, each 1–100 characters.
    #[schema(value_type = Option<Vec<MaxChars<100>>>, inline, max_items = 200)]
    pub options: Option<Vec<String>>,
    /// Required on new tickets.
    pub required: Option<bool>,
    /// Display order.
    pub position: Option<i64>,
}

impl Validate for CustomFieldPatch {
    fn validate(&self) -> Result<(), ApiError> {
        let mut checks = Checks::new();
        checks.length_opt("label", self.label.as_deref().map(str::trim), 1, 100);
        check_options(&mut checks, None, self.options.as_deref());
        checks.finish()
    }
}

/// A custom field.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "0193a0c4-f177-7f28-a85c-2cce39263059", "key": "device_model", "label": "Device model", "type": "enum", "options": ["X100", "X200"], "required": false, "position": 0, "version": 1}))]
pub struct CustomFieldView {
    /// Id.
    pub id: Uuid,
    /// Key.
    pub key: String,
    /// Label.
    pub label: String,
    /// Type.
    #[serde(rename = "type")]
    pub field_type: String,
    /// Allowed values (enums).
    pub options: Vec<String>,
    /// Required on new tickets.
    pub required: bool,
    /// Display order.
    pub position: i64,
    /// Version, for `If-Match`.
    pub version: i64,
}

impl From<custom_field::Model> for CustomFieldView {
    fn from(f: custom_field::Model) -> Self {
        Self {
            id: f.id,
            key: f.key,
            label: f.label,
            field_type: f.field_type,
            options: decode_list(&f.options),
            required: f.required,
            position: f.position,
            version: f.version,
        }
    }
}

/// The tenant's custom fields.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"items": []}))]
pub struct CustomFieldList {
    /// In display order.
    pub items: Vec<CustomFieldView>,
}

/// Lists the custom fields.
#[utoipa::path(tag = "tickets", responses((status = 200, description = "Fields", body = CustomFieldList), ErrorResponses), security(("bearer" = ["tickets:read"])))]
#[get("/api/v1/custom-fields")]
pub async fn list_fields(
    state: web::Data<AppState>,
    auth: Authz<TicketsRead>,
) -> Result<HttpResponse, ApiError> {
    let items = CustomFieldStore::new(&state.db, auth.tenant_id)
        .all()
        .await?;
    Ok(HttpResponse::Ok().json(CustomFieldList {
        items: items.into_iter().map(CustomFieldView::from).collect(),
    }))
}

/// Creates a custom field.
#[utoipa::path(tag = "tickets", request_body = NewCustomFieldBody, responses((status = 201, description = "Field created", body = CustomFieldView), ErrorResponses), security(("bearer" = ["tickets:admin"])))]
#[post("/api/v1/custom-fields")]
pub async fn create_field(
    state: web::Data<AppState>,
    auth: Authz<TicketsAdmin>,
    body: Json<NewCustomFieldBody>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let store = CustomFieldStore::new(&state.db, auth.tenant_id);
    let existing = store.all().await?;
    let taken = || {
        ApiError::conflict(
            error_codes::FIELD_KEY_TAKEN,
            "a custom field with this key exists",
        )
    };
    if existing.iter().any(|f| f.key == body.key) {
        return Err(taken());
    }
    let now = state.clock.now();
    let saved = store
        .insert(custom_field::Model {
            id: Uuid::now_v7(),
            tenant_id: auth.tenant_id.uuid(),
            key: body.key,
            label: body.label.trim().to_string(),
            field_type: body.field_type.as_str().into(),
            options: encode_list(&body.options),
            required: body.required,
            position: body.position.unwrap_or(existing.len() as i64),
            version: 1,
            created_at: now,
            updated_at: now,
        })
        .await
        .map_err(|e| {
            if kefu_platform::db::is_unique_violation(&e) {
                taken()
            } else {
                e.into()
            }
        })?;
    Ok(created(
        format!("/api/v1/custom-fields/{}", saved.id),
        saved.version,
        &CustomFieldView::from(saved),
    ))
}

/// One custom field.
#[utoipa::path(tag = "tickets", params(("id" = Uuid, Path, description = "Field id")), responses((status = 200, description = "The field", body = CustomFieldView), ErrorResponses), security(("bearer" = ["tickets:read"])))]
#[get("/api/v1/custom-fields/{id}")]
pub async fn get_field(
    state: web::Data<AppState>,
    auth: Authz<TicketsRead>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let found = CustomFieldStore::new(&state.db, auth.tenant_id)
        .get(*id)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(with_etag(found.version, &CustomFieldView::from(found)))
}

/// Changes a custom field's label, options, requirement or position.
#[utoipa::path(tag = "tickets", params(("id" = Uuid, Path, description = "Field id"), ("If-Match" = Option<String>, Header, description = "ETag of the version you read")), request_body = CustomFieldPatch, responses((status = 200, description = "The field", body = CustomFieldView), ErrorResponses), security(("bearer" = ["tickets:admin"])))]
#[patch("/api/v1/custom-fields/{id}")]
pub async fn update_field(
    state: web::Data<AppState>,
    auth: Authz<TicketsAdmin>,
    id: web::Path<Uuid>,
    if_match: IfMatch,
    body: Json<CustomFieldPatch>,
) -> Result<HttpResponse, ApiError> {
    let patch = body.into_inner();
    let store = CustomFieldStore::new(&state.db, auth.tenant_id);
    let mut field = store.get(*id).await?.ok_or(ApiError::NotFound)?;
    if let Some(label) = patch.label {
        field.label = label.trim().to_string();
    }
    if let Some(options) = patch.options {
        if field.field_type == FieldType::Enum.as_str() && options.is_empty() {
            return Err(ApiError::field(
                "options",
                "an enum needs at least one option",
            ));
        }
        field.options = encode_list(&options);
    }
    if let Some(required) = patch.required {
        field.required = required;
    }
    if let Some(position) = patch.position {
        field.position = position;
    }
    let saved = store.save(field, &if_match).await?;
    Ok(with_etag(saved.version, &CustomFieldView::from(saved)))
}

/// Deletes a custom field; values already on tickets are kept but no longer checked.
#[utoipa::path(tag = "tickets", params(("id" = Uuid, Path, description = "Field id")), responses((status = 204, description = "Deleted"), ErrorResponses), security(("bearer" = ["tickets:admin"])))]
#[delete("/api/v1/custom-fields/{id}")]
pub async fn delete_field(
    state: web::Data<AppState>,
    auth: Authz<TicketsAdmin>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let store = CustomFieldStore::new(&state.db, auth.tenant_id);
    let found = store.get(*id).await?.ok_or(ApiError::NotFound)?;
    store.delete(found.id).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Registers the custom field routes.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_fields)
        .service(create_field)
        .service(get_field)
        .service(update_field)
        .service(delete_field);
}
