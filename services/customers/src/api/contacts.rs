//! `/api/v1/customers/{id}/contacts`: the people to talk to at a customer.

use actix_web::{delete, get, patch, post, web, HttpResponse};
use chrono::{DateTime, Utc};
use kefu_platform::auth::scopes::{CustomersRead, CustomersWrite};
use kefu_platform::concurrency::IfMatch;
use kefu_platform::http::{created, with_etag, ErrorResponses};
use kefu_platform::json::Json;
use kefu_platform::validation::{Checks, Validate};
use kefu_platform::{ApiError, Authz};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::app::customers::live_customer;
use crate::domain::fields::ContactChannel;
use crate::domain::ids::CustomerId;
use crate::state::AppState;
use crate::store::contacts::ContactStore;
use crate::store::entities::contact;

/// A new contact.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Chen Jie", "role": "Head of facilities", "phone": "+86 10 5555 0199", "email": "chen.jie@acme-hospital.example", "emergency": true, "preferred_channel": "phone"}))]
pub struct NewContactBody {
    /// Name (1–200 characters).
    #[schema(max_length = 200)]
    pub name: String,
    /// Role at the customer (1–100 characters).
    #[schema(max_length = 100)]
    pub role: Option<String>,
    /// Phone number (3–40 characters).
    #[schema(max_length = 40)]
    pub phone: Option<String>,
    /// Email.
    #[schema(max_length = 254)]
    pub email: Option<String>,
    /// Whom to call in an emergency.
    #[serde(default)]
    pub emergency: bool,
    /// How they like to be reached.
    pub preferred_channel: Option<ContactChannel>,
}

fn check_contact(
    checks: &mut Checks,
    name: Option<&str>,
    role: Option<&str>,
    phone: Option<&str>,
    email: Option<&str>,
) {
    if let Some(name) = name {
        checks.length("name", name.trim(), 1, 200);
    }
    checks.length_opt("role", role, 1, 100);
    checks.length_opt("phone", phone, 3, 40);
    if let Some(email) = email {
        checks.email("email", email);
    }
}

impl Validate for NewContactBody {
    fn validate(&self) -> Result<(), ApiError> {
        let mut checks = Checks::new();
        check_contact(
            &mut checks,
            Some(&self.name),
            self.role.as_deref(),
            self.phone.as_deref(),
            self.email.as_deref(),
        );
        checks.finish()
    }
}

/// Changes to a contact; `null` clears an optional field.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"phone": "+86 10 5555 0100", "emergency": false}))]
pub struct ContactPatch {
    /// Name (1–200 characters).
    #[schema(max_length = 200)]
    pub name: Option<String>,
    /// Role at the customer (1–100 characters).
    #[serde(default, deserialize_with = "kefu_platform::json::nullable")]
    #[schema(value_type = Option<String>, max_length = 100)]
    pub role: Option<Option<String>>,
    /// Phone number (3–40 characters).
    #[serde(default, deserialize_with = "kefu_platform::json::nullable")]
    #[schema(value_type = Option<String>, max_length = 40)]
    pub phone: Option<Option<String>>,
    /// Email.
    #[serde(default, deserialize_with = "kefu_platform::json::nullable")]
    #[schema(value_type = Option<String>, max_length = 254)]
    pub email: Option<Option<String>>,
    /// Whom to call in an emergency.
    pub emergency: Option<bool>,
    /// How they like to be reached.
    #[serde(default, deserialize_with = "kefu_platform::json::nullable")]
    #[schema(value_type = Option<ContactChannel>)]
    pub preferred_channel: Option<Option<ContactChannel>>,
}

impl Validate for ContactPatch {
    fn validate(&self) -> Result<(), ApiError> {
        let mut checks = Checks::new();
        check_contact(
            &mut checks,
            self.name.as_deref(),
            self.role.clone().flatten().as_deref(),
            self.phone.clone().flatten().as_deref(),
            self.email.clone().flatten().as_deref(),
        );
        checks.finish()
    }
}

/// A contact.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "0193a0c4-f177-7f28-a85c-2cce39263059", "customer_id": "0193a0c4-6c1e-7b3a-9f00-3d5c2b1a0e01", "name": "Chen Jie", "role": "Head of facilities", "phone": "+86 10 5555 0199", "email": "chen.jie@acme-hospital.example", "emergency": true, "preferred_channel": "phone", "version": 1, "created_at": "2026-11-02T02:15:00Z", "updated_at": "2026-11-02T02:15:00Z"}))]
pub struct ContactView {
    /// Id.
    pub id: Uuid,
    /// The customer.
    pub customer_id: Uuid,
    /// Name.
    pub name: String,
    /// Role at the customer.
    pub role: Option<String>,
    /// Phone number.
    pub phone: Option<String>,
    /// Email.
    pub email: Option<String>,
    /// Whom to call in an emergency.
    pub emergency: bool,
    /// How they like to be reached.
    pub preferred_channel: Option<String>,
    /// Version (also the ETag).
    pub version: i64,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

impl From<contact::Model> for ContactView {
    fn from(c: contact::Model) -> Self {
        Self {
            id: c.id,
            customer_id: c.customer_id,
            name: c.name,
            role: c.role,
            phone: c.phone,
            email: c.email,
            emergency: c.emergency,
            preferred_channel: c.preferred_channel,
            version: c.version,
            created_at: c.created_at,
            updated_at: c.updated_at,
        }
    }
}

/// A customer's contacts.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"items": []}))]
pub struct ContactList {
    /// Contacts, oldest first.
    pub items: Vec<ContactView>,
}

/// Adds a contact to a customer.
#[utoipa::path(
    tag = "customers",
    params(("id" = Uuid, Path, description = "Customer id"), ("Idempotency-Key" = Option<String>, Header, description = "Retry-safe key (≤ 255 chars)")),
    request_body = NewContactBody,
    responses((status = 201, description = "Contact added", body = ContactView), ErrorResponses),
    security(("bearer" = ["customers:write"]))
)]
#[post("/api/v1/customers/{id}/contacts")]
pub async fn create_contact(
    state: web::Data<AppState>,
    auth: Authz<CustomersWrite>,
    id: web::Path<Uuid>,
    body: Json<NewContactBody>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let customer = live_customer(&state.db, auth.tenant_id, CustomerId::from(*id)).await?;
    let now = state.clock.now();
    let saved = ContactStore::new(&state.db, auth.tenant_id)
        .insert(contact::Model {
            id: Uuid::now_v7(),
            tenant_id: customer.tenant_id,
            customer_id: customer.id,
            name: body.name.trim().to_string(),
            role: body.role,
            phone: body.phone,
            email: body.email,
            emergency: body.emergency,
            preferred_channel: body.preferred_channel.map(|c| c.as_str().into()),
            version: 1,
            created_at: now,
            updated_at: now,
        })
        .await?;
    Ok(created(
        format!("/api/v1/customers/{}/contacts/{}", customer.id, saved.id),
        saved.version,
        &ContactView::from(saved),
    ))
}

/// A customer's contacts.
#[utoipa::path(
    tag = "customers",
    params(("id" = Uuid, Path, description = "Customer id")),
    responses((status = 200, description = "Contacts", body = ContactList), ErrorResponses),
    security(("bearer" = ["customers:read"]))
)]
#[get("/api/v1/customers/{id}/contacts")]
pub async fn list_contacts(
    state: web::Data<AppState>,
    auth: Authz<CustomersRead>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let customer = live_customer(&state.db, auth.tenant_id, CustomerId::from(*id)).await?;
    let items = ContactStore::new(&state.db, auth.tenant_id)
        .of_customer(customer.id)
        .await?;
    Ok(HttpResponse::Ok().json(ContactList {
        items: items.into_iter().map(ContactView::from).collect(),
    }))
}

async fn found_contact(
    state: &AppState,
    tenant: kefu_platform::ids::TenantId,
    customer: Uuid,
    id: Uuid,
) -> Result<contact::Model, ApiError> {
    let customer = live_customer(&state.db, tenant, CustomerId::from(customer)).await?;
    ContactStore::new(&state.db, tenant)
        .get(customer.id, id)
        .await?
        .ok_or(ApiError::NotFound)
}

/// One contact.
#[utoipa::path(
    tag = "customers",
    params(("id" = Uuid, Path, description = "Customer id"), ("contact_id" = Uuid, Path, description = "Contact id")),
    responses((status = 200, description = "The contact", body = ContactView), ErrorResponses),
    security(("bearer" = ["customers:read"]))
)]
#[get("/api/v1/customers/{id}/contacts/{contact_id}")]
pub async fn get_contact(
    state: web::Data<AppState>,
    auth: Authz<CustomersRead>,
    path: web::Path<(Uuid, Uuid)>,
) -> Result<HttpResponse, ApiError> {
    let (customer, id) = path.into_inner();
    let found = found_contact(&state, auth.tenant_id, customer, id).await?;
    Ok(with_etag(found.version, &ContactView::from(found)))
}

/// Changes a contact (`If-Match` guards against lost updates).
#[utoipa::path(
    tag = "customers",
    params(("id" = Uuid, Path, description = "Customer id"), ("contact_id" = Uuid, Path, description = "Contact id"), ("If-Match" = Option<String>, Header, description = "ETag of the version you read")),
    request_body = ContactPatch,
    responses((status = 200, description = "The contact", body = ContactView), ErrorResponses),
    security(("bearer" = ["customers:write"]))
)]
#[patch("/api/v1/customers/{id}/contacts/{contact_id}")]
pub async fn update_contact(
    state: web::Data<AppState>,
    auth: Authz<CustomersWrite>,
    path: web::Path<(Uuid, Uuid)>,
    if_match: IfMatch,
    body: Json<ContactPatch>,
) -> Result<HttpResponse, ApiError> {
    let (customer, id) = path.into_inner();
    let patch = body.into_inner();
    let mut found = found_contact(&state, auth.tenant_id, customer, id).await?;
    if let Some(name) = patch.name {
        found.name = name.trim().to_string();
    }
    for (slot, value) in [
        (&mut found.role, patch.role),
        (&mut found.phone, patch.phone),
        (&mut found.email, patch.email),
    ] {
        if let Some(value) = value {
            *slot = value;
        }
    }
    if let Some(emergency) = patch.emergency {
        found.emergency = emergency;
    }
    if let Some(channel) = patch.preferred_channel {
        found.preferred_channel = channel.map(|c| c.as_str().into());
    }
    found.updated_at = state.clock.now();
    let saved = ContactStore::new(&state.db, auth.tenant_id)
        .save(found, &if_match)
        .await?;
    Ok(with_etag(saved.version, &ContactView::from(saved)))
}

/// Removes a contact.
#[utoipa::path(
    tag = "customers",
    params(("id" = Uuid, Path, description = "Customer id"), ("contact_id" = Uuid, Path, description = "Contact id")),
    responses((status = 204, description = "Removed"), ErrorResponses),
    security(("bearer" = ["customers:write"]))
)]
#[delete("/api/v1/customers/{id}/contacts/{contact_id}")]
pub async fn delete_contact(
    state: web::Data<AppState>,
    auth: Authz<CustomersWrite>,
    path: web::Path<(Uuid, Uuid)>,
) -> Result<HttpResponse, ApiError> {
    let (customer, id) = path.into_inner();
    let found = found_contact(&state, auth.tenant_id, customer, id).await?;
    ContactStore::new(&state.db, auth.tenant_id)
        .delete(found.id)
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Registers the contact routes.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(create_contact)
        .service(list_contacts)
        .service(get_contact)
        .service(update_contact)
        .service(delete_contact);
}
