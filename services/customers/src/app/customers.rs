//! Customers' own use cases: create, change, delete and merge a customer, and the live
//! customer every other resource of a customer hangs from. Handlers, the CSV import
//! and reactions call these.

use chrono::{DateTime, NaiveDate, Utc};
use kefu_platform::concurrency::IfMatch;
use kefu_platform::ids::TenantId;
use kefu_platform::validation::{Checks, MaxChars, Validate};
use kefu_platform::{ApiError, TenantScope};
use sea_orm::{ConnectionTrait, DatabaseTransaction};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::app::announce::{emit_change, emit_created};
use crate::domain::fields::{
    normalize_tag, Kind, Lifecycle, ManagementClass, MarketingType, Position, RelationshipLevel,
};
use crate::domain::ids::CustomerId;
use crate::error_codes;
use crate::store::customers::CustomerStore;
use crate::store::encode_list;
use crate::store::entities::{customer, lifecycle_change};

/// Background: the customer's world, as the relationship manager knows it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Background {
    /// Their industry in their own words (up to 4000 characters).
    #[serde(default)]
    #[schema(max_length = 4000)]
    pub industry: String,
    /// How their business is doing (up to 4000 characters).
    #[serde(default)]
    #[schema(max_length = 4000)]
    pub business_situation: String,
    /// How they work and decide (up to 4000 characters).
    #[serde(default)]
    #[schema(max_length = 4000)]
    pub culture: String,
}

/// Needs: what service they want, when, and how.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Needs {
    /// What service (up to 4000 characters).
    #[serde(default)]
    #[schema(max_length = 4000)]
    pub services: String,
    /// When (up to 4000 characters).
    #[serde(default)]
    #[schema(max_length = 4000)]
    pub timing: String,
    /// How (up to 4000 characters).
    #[serde(default)]
    #[schema(max_length = 4000)]
    pub manner: String,
}

/// A new customer.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"kind": "organisation", "name": "Acme Hospital", "industry": "healthcare", "region": "East", "owner_id": null, "tags": ["hospital"], "lifecycle": "active", "management_class": "key", "relationship_level": "accountable"}))]
pub struct NewCustomerBody {
    /// Organisation or individual.
    pub kind: Kind,
    /// Name (1–200 characters).
    #[schema(max_length = 200)]
    pub name: String,
    /// Industry (1–100 characters).
    #[schema(max_length = 100)]
    pub industry: Option<String>,
    /// Region (1–100 characters).
    #[schema(max_length = 100)]
    pub region: Option<String>,
    /// Size, e.g. `50-249 staff` (1–50 characters).
    #[schema(max_length = 50)]
    pub size: Option<String>,
    /// Postal address (1–500 characters).
    #[schema(max_length = 500)]
    pub address: Option<String>,
    /// Where the customer came from (1–100 characters).
    #[schema(max_length = 100)]
    pub source_channel: Option<String>,
    /// Relationship manager (an active staff user).
    pub owner_id: Option<Uuid>,
    /// Tags (at most 50), each 1–50 characters without commas; stored lower-case.
    #[serde(default)]
    #[schema(value_type = Vec<MaxChars<50>>, inline, max_items = 50)]
    pub tags: Vec<String>,
    /// Free notes (up to 10 000 characters).
    #[serde(default)]
    #[schema(max_length = 10000)]
    pub notes: String,
    /// Background.
    #[serde(default)]
    pub background: Background,
    /// Needs.
    #[serde(default)]
    pub needs: Needs,
    /// Lifecycle stage (default `prospect`).
    pub lifecycle: Option<Lifecycle>,
    /// Marketing type.
    pub marketing_type: Option<MarketingType>,
    /// Management class.
    pub management_class: Option<ManagementClass>,
    /// Position.
    pub position: Option<Position>,
    /// Kotler relationship level.
    pub relationship_level: Option<RelationshipLevel>,
    /// Customer since (default today).
    pub customer_since: Option<NaiveDate>,
    /// The customer's id in another system (1–100 characters), unique in the tenant.
    #[schema(max_length = 100)]
    pub external_id: Option<String>,
}

fn check_text(checks: &mut Checks, field: &str, value: Option<&str>, max: usize) {
    checks.length_opt(field, value, 1, max);
}

fn check_tags(checks: &mut Checks, tags: &[String]) {
    checks.ensure(tags.len() <= 50, "tags", "must list at most 50 tags");
    for (i, tag) in tags.iter().enumerate() {
        checks.ensure(
            normalize_tag(tag).is_some(),
            &format!("tags[{i}]"),
            "must be 1–50 characters without commas",
        );
    }
}

fn check_story(checks: &mut Checks, background: &Background, needs: &Needs) {
    for (field, value) in [
        ("background.industry", &background.industry),
        (
            "background.business_situation",
            &background.business_situation,
        ),
        ("background.culture", &background.culture),
        ("needs.services", &needs.services),
        ("needs.timing", &needs.timing),
        ("needs.manner", &needs.manner),
    ] {
        checks.length(field, value, 0, 4000);
    }
}

impl Validate for NewCustomerBody {
    fn validate(&self) -> Result<(), ApiError> {
        let mut checks = Checks::new();
        checks.length("name", self.name.trim(), 1, 200);
        check_text(&mut checks, "industry", self.industry.as_deref(), 100);
        check_text(&mut checks, "region", self.region.as_deref(), 100);
        check_text(&mut checks, "size", self.size.as_deref(), 50);
        check_text(&mut checks, "address", self.address.as_deref(), 500);
        check_text(
            &mut checks,
            "source_channel",
            self.source_channel.as_deref(),
            100,
        );
        check_text(&mut checks, "external_id", self.external_id.as_deref(), 100);
        checks.length("notes", &self.notes, 0, 10_000);
        check_tags(&mut checks, &self.tags);
        check_story(&mut checks, &self.background, &self.needs);
        checks.finish()
    }
}

/// Changes to a customer; `null` clears an optional field.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"lifecycle": "active", "owner_id": "0193a0c4-f177-7f28-a85c-2cce39263059", "tags": ["hospital", "key-account"]}))]
pub struct CustomerPatch {
    /// Organisation or individual.
    pub kind: Option<Kind>,
    /// Name (1–200 characters).
    #[schema(max_length = 200)]
    pub name: Option<String>,
    /// Industry (1–100 characters).
    #[serde(default, deserialize_with = "kefu_platform::json::nullable")]
    #[schema(value_type = Option<String>, max_length = 100)]
    pub industry: Option<Option<String>>,
    /// Region (1–100 characters).
    #[serde(default, deserialize_with = "kefu_platform::json::nullable")]
    #[schema(value_type = Option<String>, max_length = 100)]
    pub region: Option<Option<String>>,
    /// Size (1–50 characters).
    #[serde(default, deserialize_with = "kefu_platform::json::nullable")]
    #[schema(value_type = Option<String>, max_length = 50)]
    pub size: Option<Option<String>>,
    /// Postal address (1–500 characters).
    #[serde(default, deserialize_with = "kefu_platform::json::nullable")]
    #[schema(value_type = Option<String>, max_length = 500)]
    pub address: Option<Option<String>>,
    /// Where the customer came from (1–100 characters).
    #[serde(default, deserialize_with = "kefu_platform::json::nullable")]
    #[schema(value_type = Option<String>, max_length = 100)]
    pub source_channel: Option<Option<String>>,
    /// Relationship manager.
    #[serde(default, deserialize_with = "kefu_platform::json::nullable")]
    #[schema(value_type = Option<Uuid>)]
    pub owner_id: Option<Option<Uuid>>,
    /// Tags (at most 50, replacing the current ones), each 1–50 characters without
    /// commas; stored lower-case.
    #[schema(value_type = Option<Vec<MaxChars<50>>>, inline, max_items = 50)]
    pub tags: Option<Vec<String>>,
    /// Free notes (up to 10 000 characters).
    #[schema(max_length = 10000)]
    pub notes: Option<String>,
    /// Background (replaces the current one).
    pub background: Option<Background>,
    /// Needs (replace the current ones).
    pub needs: Option<Needs>,
    /// Lifecycle stage; each move is recorded with its date.
    pub lifecycle: Option<Lifecycle>,
    /// Marketing type.
    #[serde(default, deserialize_with = "kefu_platform::json::nullable")]
    #[schema(value_type = Option<MarketingType>)]
    pub marketing_type: Option<Option<MarketingType>>,
    /// Management class.
    #[serde(default, deserialize_with = "kefu_platform::json::nullable")]
    #[schema(value_type = Option<ManagementClass>)]
    pub management_class: Option<Option<ManagementClass>>,
    /// Position.
    #[serde(default, deserialize_with = "kefu_platform::json::nullable")]
    #[schema(value_type = Option<Position>)]
    pub position: Option<Option<Position>>,
    /// Kotler relationship level.
    #[serde(default, deserialize_with = "kefu_platform::json::nullable")]
    #[schema(value_type = Option<RelationshipLevel>)]
    pub relationship_level: Option<Option<RelationshipLevel>>,
    /// Customer since.
    pub customer_since: Option<NaiveDate>,
}

impl Validate for CustomerPatch {
    fn validate(&self) -> Result<(), ApiError> {
        let mut checks = Checks::new();
        if let Some(name) = &self.name {
            checks.length("name", name.trim(), 1, 200);
        }
        for (field, value, max) in [
            ("industry", &self.industry, 100),
            ("region", &self.region, 100),
            ("size", &self.size, 50),
            ("address", &self.address, 500),
            ("source_channel", &self.source_channel, 100),
        ] {
            check_text(&mut checks, field, value.clone().flatten().as_deref(), max);
        }
        if let Some(notes) = &self.notes {
            checks.length("notes", notes, 0, 10_000);
        }
        if let Some(tags) = &self.tags {
            check_tags(&mut checks, tags);
        }
        check_story(
            &mut checks,
            &self.background.clone().unwrap_or_default(),
            &self.needs.clone().unwrap_or_default(),
        );
        checks.finish()
    }
}

/// Refuses an owner who is not an active staff user of the tenant.
async fn check_owner<C: ConnectionTrait>(
    conn: &C,
    tenant: Uuid,
    owner: Option<Uuid>,
) -> Result<(), ApiError> {
    kefu_directory::require_active_staff(conn, tenant, "owner_id", owner).await
}

fn tags_of(tags: &[String]) -> String {
    let mut tags: Vec<String> = tags.iter().filter_map(|t| normalize_tag(t)).collect();
    tags.sort();
    tags.dedup();
    encode_list(&tags)
}

/// A live customer of the tenant: a deleted one is a 404, a merged-away one a 404
/// naming the survivor.
pub async fn live_customer<C: ConnectionTrait>(
    conn: &C,
    tenant: TenantId,
    id: CustomerId,
) -> Result<customer::Model, ApiError> {
    let found = CustomerStore::new(conn, tenant)
        .get(id)
        .await?
        .filter(|c| c.deleted_at.is_none())
        .ok_or(ApiError::NotFound)?;
    match found.merged_into {
        Some(into) => Err(ApiError::MergedInto {
            into,
            location: format!("/api/v1/customers/{into}"),
        }),
        None => Ok(found),
    }
}

fn lifecycle_move(
    c: &customer::Model,
    from: Option<String>,
    actor: Uuid,
    at: DateTime<Utc>,
) -> lifecycle_change::Model {
    lifecycle_change::Model {
        id: Uuid::now_v7(),
        tenant_id: c.tenant_id,
        customer_id: c.id,
        from_stage: from,
        to_stage: c.lifecycle.clone(),
        actor_id: Some(actor),
        at,
    }
}

/// Creates a customer, records its first lifecycle stage and announces it; an
/// external id the tenant already uses is a 409.
pub async fn create(
    txn: &DatabaseTransaction,
    scope: &TenantScope,
    actor: Uuid,
    body: NewCustomerBody,
    now: DateTime<Utc>,
) -> Result<customer::Model, ApiError> {
    let tenant = scope.tenant().uuid();
    check_owner(txn, tenant, body.owner_id).await?;
    let store = CustomerStore::new(txn, scope.tenant());
    if let Some(external) = &body.external_id {
        if store.by_external_id(external).await?.is_some() {
            return Err(ApiError::conflict(
                error_codes::EXTERNAL_ID_TAKEN,
                "a customer with this external id exists",
            ));
        }
    }
    let saved = store
        .insert(customer::Model {
            id: Uuid::now_v7(),
            tenant_id: tenant,
            kind: body.kind.as_str().into(),
            name: body.name.trim().to_string(),
            industry: body.industry,
            region: body.region,
            size: body.size,
            address: body.address,
            source_channel: body.source_channel,
            owner_id: body.owner_id,
            tags: tags_of(&body.tags),
            notes: body.notes,
            background: serde_json::to_string(&body.background).unwrap_or_default(),
            needs: serde_json::to_string(&body.needs).unwrap_or_default(),
            lifecycle: body
                .lifecycle
                .unwrap_or(Lifecycle::Prospect)
                .as_str()
                .into(),
            lifecycle_changed_at: now,
            marketing_type: body.marketing_type.map(|v| v.as_str().into()),
            management_class: body.management_class.map(|v| v.as_str().into()),
            position: body.position.map(|v| v.as_str().into()),
            relationship_level: body.relationship_level.map(|v| v.as_str().into()),
            abc_class: None,
            tier: None,
            service_level: None,
            customer_since: body
                .customer_since
                .unwrap_or_else(|| now.date_naive())
                .to_string(),
            external_id: body.external_id,
            merged_into: None,
            deleted_at: None,
            version: 1,
            created_at: now,
            updated_at: now,
        })
        .await?;
    store
        .log_lifecycle(lifecycle_move(&saved, None, actor, now))
        .await?;
    emit_created(txn, Some(actor), &saved).await?;
    Ok(saved)
}

/// Applies a patch to a customer; the pure part of an update.
pub fn apply(c: &mut customer::Model, patch: CustomerPatch) {
    if let Some(kind) = patch.kind {
        c.kind = kind.as_str().into();
    }
    if let Some(name) = patch.name {
        c.name = name.trim().to_string();
    }
    for (slot, value) in [
        (&mut c.industry, patch.industry),
        (&mut c.region, patch.region),
        (&mut c.size, patch.size),
        (&mut c.address, patch.address),
        (&mut c.source_channel, patch.source_channel),
    ] {
        if let Some(value) = value {
            *slot = value;
        }
    }
    if let Some(owner) = patch.owner_id {
        c.owner_id = owner;
    }
    if let Some(tags) = patch.tags {
        c.tags = tags_of(&tags);
    }
    if let Some(notes) = patch.notes {
        c.notes = notes;
    }
    if let Some(background) = patch.background {
        c.background = serde_json::to_string(&background).unwrap_or_default();
    }
    if let Some(needs) = patch.needs {
        c.needs = serde_json::to_string(&needs).unwrap_or_default();
    }
    if let Some(lifecycle) = patch.lifecycle {
        c.lifecycle = lifecycle.as_str().into();
    }
    if let Some(v) = patch.marketing_type {
        c.marketing_type = v.map(|v| v.as_str().into());
    }
    if let Some(v) = patch.management_class {
        c.management_class = v.map(|v| v.as_str().into());
    }
    if let Some(v) = patch.position {
        c.position = v.map(|v| v.as_str().into());
    }
    if let Some(v) = patch.relationship_level {
        c.relationship_level = v.map(|v| v.as_str().into());
    }
    if let Some(since) = patch.customer_since {
        c.customer_since = since.to_string();
    }
}

/// Changes a customer (a 412 if `if_match` is stale); a lifecycle move is recorded with
/// its date and announced as `customer.lifecycle_changed`. A patch that changes nothing
/// saves nothing.
pub async fn change(
    txn: &DatabaseTransaction,
    scope: &TenantScope,
    actor: Uuid,
    id: CustomerId,
    if_match: &IfMatch,
    patch: CustomerPatch,
    now: DateTime<Utc>,
) -> Result<customer::Model, ApiError> {
    let tenant = scope.tenant();
    let before = live_customer(txn, tenant, id).await?;
    if_match.check(before.version)?;
    if let Some(owner) = patch.owner_id {
        if owner != before.owner_id {
            check_owner(txn, tenant.uuid(), owner).await?;
        }
    }
    let mut after = before.clone();
    apply(&mut after, patch);
    if after == before {
        return Ok(before);
    }
    let store = CustomerStore::new(txn, tenant);
    if after.lifecycle != before.lifecycle {
        after.lifecycle_changed_at = now;
        let from = Some(before.lifecycle.clone());
        store
            .log_lifecycle(lifecycle_move(&after, from, actor, now))
            .await?;
    }
    after.updated_at = now;
    let saved = store.save(after).await?;
    emit_change(txn, Some(actor), &before, &saved).await?;
    Ok(saved)
}

/// Deletes a customer softly: its history stays for reports; it leaves every list.
pub async fn delete(
    txn: &DatabaseTransaction,
    scope: &TenantScope,
    id: CustomerId,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    let mut found = live_customer(txn, scope.tenant(), id).await?;
    found.deleted_at = Some(now);
    found.updated_at = now;
    CustomerStore::new(txn, scope.tenant()).save(found).await?;
    Ok(())
}

/// Merges customer `id` into `into`, another live customer of the tenant; returns the
/// survivor.
pub async fn merge(
    txn: &DatabaseTransaction,
    scope: &TenantScope,
    actor: Uuid,
    id: CustomerId,
    into: CustomerId,
    now: DateTime<Utc>,
) -> Result<customer::Model, ApiError> {
    if id == into {
        return Err(ApiError::field("into", "must be another customer"));
    }
    let tenant = scope.tenant();
    let merged = live_customer(txn, tenant, id).await?;
    let survivor = live_customer(txn, tenant, into)
        .await
        .map_err(|_| ApiError::field("into", "is not a live customer of this tenant"))?;
    super::merge::merge(txn, tenant, merged, survivor, actor, now).await
}
