//! Roles' use cases: the checks on what a role grants, and creating, changing and
//! deleting a tenant's roles with their audit entries.

use chrono::Utc;
use kefu_platform::concurrency::IfMatch;
use kefu_platform::validation::{Checks, MaxChars, Validate};
use kefu_platform::{ApiError, TenantContext};
use sea_orm::DatabaseTransaction;
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::domain::roles::{invalid_scopes, is_valid_key};
use crate::error_codes;
use crate::store::entities::role;
use crate::store::roles::RoleStore;
use crate::store::{audit, decode_list, encode_list};

/// The role whose scopes are fixed: it must always be able to administer the tenant.
const OWNER_ROLE: &str = "owner";
/// Most scopes a role or client may list (the catalogue is smaller).
const MAX_SCOPES: usize = 100;

/// Longest role key (see `is_valid_key`).
pub const MAX_ROLE_KEY_LEN: usize = 40;

/// Checks a list of role keys given to a user: 1 to 20 keys, each at most 40 characters
/// (whether the tenant has the role is checked when the list is saved). Errors name `field`.
pub fn check_role_keys(checks: &mut Checks, field: &str, roles: &[String]) {
    checks.ensure(
        !roles.is_empty() && roles.len() <= 20,
        field,
        "must name 1 to 20 roles",
    );
    check_role_key_lengths(checks, field, roles);
}

/// Refuses role keys longer than any role key can be, naming `field[i]`.
pub fn check_role_key_lengths(checks: &mut Checks, field: &str, roles: &[String]) {
    for (i, role) in roles.iter().enumerate() {
        if role.chars().count() > MAX_ROLE_KEY_LEN {
            checks.fail(
                &format!("{field}[{i}]"),
                format!("must be at most {MAX_ROLE_KEY_LEN} characters"),
            );
        }
    }
}

/// Checks a list of scopes for a role or API client: known, tenant-grantable,
/// and (for clients) not `portal`. Errors name `field`. The documents give the items a
/// `maxLength` of 64: every scope of the catalogue is shorter, anything else is refused.
pub fn check_scopes(checks: &mut Checks, field: &str, scopes: &[String], allow_portal: bool) {
    if scopes.len() > MAX_SCOPES {
        checks.fail(field, format!("must list at most {MAX_SCOPES} scopes"));
        return;
    }
    let mut bad = invalid_scopes(scopes);
    if !allow_portal {
        bad.extend(scopes.iter().filter(|s| *s == "portal").cloned());
    }
    if !bad.is_empty() {
        checks.fail(field, format!("not grantable here: {}", bad.join(", ")));
    }
}

/// Nobody hands out scopes they do not hold: the first one missing is a 403 naming it.
pub fn ensure_grantable(ctx: &TenantContext, scopes: &[String]) -> Result<(), ApiError> {
    match scopes.iter().find(|s| !ctx.has_scope(s)) {
        Some(missing) => Err(ApiError::Forbidden(missing.clone())),
        None => Ok(()),
    }
}

/// The portal role grants exactly `portal`: staff scopes on it would reach every customer.
const CUSTOMER_ROLE: &str = "customer";

/// Scopes as stored: sorted and without duplicates.
pub fn normalize_scopes(scopes: &[String]) -> Vec<String> {
    let mut out = scopes.to_vec();
    out.sort();
    out.dedup();
    out
}

/// A new tenant-defined role.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"key": "night_shift_lead", "name": "Night-shift lead", "description": "Leads the night shift of the call centre", "scopes": ["tickets:read", "tickets:write", "tickets:assign", "customers:read", "accounts:read"]}))]
pub struct NewRoleBody {
    /// Stable key: 2–40 lowercase letters, digits or `_`, starting with a letter; unique in the tenant.
    #[schema(max_length = 40)]
    pub key: String,
    /// Display name (1–100 characters).
    #[schema(max_length = 100)]
    pub name: String,
    /// What the role is for (up to 500 characters).
    #[schema(max_length = 500)]
    pub description: Option<String>,
    /// Scopes of the catalogue (`area:action`, at most 100); `platform:admin` is never grantable.
    #[schema(value_type = Vec<MaxChars<64>>, inline, max_items = 100)]
    pub scopes: Vec<String>,
}

impl Validate for NewRoleBody {
    fn validate(&self) -> Result<(), ApiError> {
        let mut checks = Checks::new();
        checks
            .ensure(
                is_valid_key(&self.key),
                "key",
                "must be 2-40 lowercase letters, digits or _, starting with a letter",
            )
            .length("name", &self.name, 1, 100)
            .length_opt("description", self.description.as_deref(), 0, 500);
        check_scopes(&mut checks, "scopes", &self.scopes, true);
        checks.finish()
    }
}

/// Changes to a role; absent fields stay as they are. The key cannot change.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Night-shift supervisor", "scopes": ["tickets:read", "tickets:write", "tickets:assign", "accounts:read"]}))]
pub struct RolePatch {
    /// Display name (1–100 characters).
    #[schema(max_length = 100)]
    pub name: Option<String>,
    /// What the role is for (up to 500 characters); an empty string clears it.
    #[schema(max_length = 500)]
    pub description: Option<String>,
    /// The complete new set of scopes (at most 100).
    #[schema(value_type = Option<Vec<MaxChars<64>>>, inline, max_items = 100)]
    pub scopes: Option<Vec<String>>,
}

impl Validate for RolePatch {
    fn validate(&self) -> Result<(), ApiError> {
        let mut checks = Checks::new();
        checks
            .length_opt("name", self.name.as_deref(), 1, 100)
            .length_opt("description", self.description.as_deref(), 0, 500);
        if let Some(scopes) = &self.scopes {
            check_scopes(&mut checks, "scopes", scopes, true);
        }
        checks.finish()
    }
}

/// Records an action of the caller on a role, in the caller's transaction.
async fn audit_role(
    txn: &DatabaseTransaction,
    ctx: &TenantContext,
    action: &'static str,
    role_id: Uuid,
    ip: Option<String>,
    details: serde_json::Value,
) -> Result<(), ApiError> {
    let entry = audit::AuditRecord {
        tenant_id: Some(ctx.tenant_id.uuid()),
        actor_id: Some(ctx.actor),
        action,
        target_type: Some("role"),
        target_id: Some(role_id),
        ip,
        details,
    };
    Ok(audit::record(txn, entry).await?)
}

/// A trimmed description; empty means none.
fn non_empty(text: Option<String>) -> Option<String> {
    text.map(|t| t.trim().to_string()).filter(|t| !t.is_empty())
}

/// Creates a tenant-defined role; the caller must hold every scope it grants.
pub async fn create(
    txn: &DatabaseTransaction,
    ctx: &TenantContext,
    body: NewRoleBody,
    ip: Option<String>,
) -> Result<role::Model, ApiError> {
    ensure_grantable(ctx, &body.scopes)?;
    let store = RoleStore::new(txn, ctx.tenant_id);
    if store.find_by_key(&body.key).await?.is_some() {
        return Err(ApiError::conflict(
            error_codes::ROLE_KEY_TAKEN,
            "a role with this key exists",
        ));
    }
    let now = Utc::now();
    let scopes = normalize_scopes(&body.scopes);
    let new = role::Model {
        id: Uuid::now_v7(),
        tenant_id: ctx.tenant_id.uuid(),
        key: body.key,
        name: body.name.trim().to_string(),
        description: non_empty(body.description),
        scopes: encode_list(&scopes),
        builtin: false,
        version: 1,
        created_at: now,
        updated_at: now,
    };
    let created = store.insert(new).await.map_err(|e| {
        ApiError::taken_or(
            e,
            (error_codes::ROLE_KEY_TAKEN, "a role with this key exists"),
        )
    })?;
    let details = serde_json::json!({"key": created.key, "scopes": scopes});
    audit_role(txn, ctx, "role.created", created.id, ip, details).await?;
    Ok(created)
}

/// Changes a role's name, description or scopes; the `owner` and `customer` roles'
/// scopes are fixed.
pub async fn update(
    txn: &DatabaseTransaction,
    ctx: &TenantContext,
    id: Uuid,
    if_match: &IfMatch,
    patch: RolePatch,
    ip: Option<String>,
) -> Result<role::Model, ApiError> {
    let store = RoleStore::new(txn, ctx.tenant_id);
    let mut found = store.get(id).await?.ok_or(ApiError::NotFound)?;
    let before = decode_list(&found.scopes);
    if let Some(scopes) = &patch.scopes {
        let scopes = normalize_scopes(scopes);
        if found.key == OWNER_ROLE && scopes != before {
            return Err(ApiError::conflict(
                error_codes::OWNER_ROLE_FIXED,
                "the scopes of the owner role cannot change",
            ));
        }
        if found.key == CUSTOMER_ROLE && scopes != ["portal"] {
            return Err(ApiError::conflict(
                error_codes::CUSTOMER_ROLE_FIXED,
                "the customer (portal) role grants exactly `portal`",
            ));
        }
        // Changing a role changes what its holders may do: the caller must hold
        // every scope it had and every scope it gets.
        ensure_grantable(ctx, &before)?;
        ensure_grantable(ctx, &scopes)?;
        found.scopes = encode_list(&scopes);
    }
    if let Some(name) = patch.name {
        found.name = name.trim().to_string();
    }
    if let Some(description) = patch.description {
        found.description = non_empty(Some(description));
    }
    let saved = store.save(found, if_match).await?;
    let after = decode_list(&saved.scopes);
    let details =
        serde_json::json!({"key": saved.key, "scopes_before": before, "scopes_after": after});
    audit_role(txn, ctx, "role.updated", saved.id, ip, details).await?;
    Ok(saved)
}

/// Deletes a tenant-defined role that no user holds.
pub async fn delete(
    txn: &DatabaseTransaction,
    ctx: &TenantContext,
    id: Uuid,
    ip: Option<String>,
) -> Result<(), ApiError> {
    let store = RoleStore::new(txn, ctx.tenant_id);
    let found = store.get(id).await?.ok_or(ApiError::NotFound)?;
    if found.builtin {
        return Err(ApiError::conflict(
            error_codes::BUILTIN_ROLE,
            "a seeded role cannot be deleted",
        ));
    }
    let holders = store.holder_count(&found.key).await?;
    if holders > 0 {
        let detail = format!("{holders} user(s) hold this role; remove it from them first");
        return Err(ApiError::conflict(error_codes::ROLE_IN_USE, detail));
    }
    store.delete(found.id).await?;
    let details = serde_json::json!({"key": found.key});
    audit_role(txn, ctx, "role.deleted", found.id, ip, details).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| (*s).to_string()).collect()
    }

    #[test]
    fn scopes_are_sorted_and_deduplicated() {
        let scopes = normalize_scopes(&strings(&["tickets:write", "kb:read", "tickets:write"]));
        assert_eq!(scopes, strings(&["kb:read", "tickets:write"]));
    }

    #[test]
    fn unknown_and_platform_scopes_name_the_field() {
        let mut checks = Checks::new();
        check_scopes(
            &mut checks,
            "scopes",
            &strings(&["tickets:read", "nope", "platform:admin"]),
            true,
        );
        let problem = checks.finish().expect_err("must fail").problem();
        assert_eq!(problem.errors[0].field, "scopes");
        assert!(problem.errors[0].message.contains("nope"));
        assert!(problem.errors[0].message.contains("platform:admin"));
    }

    #[test]
    fn portal_only_where_allowed() {
        let portal = strings(&["portal"]);
        let mut for_role = Checks::new();
        check_scopes(&mut for_role, "scopes", &portal, true);
        assert!(for_role.finish().is_ok());
        let mut for_client = Checks::new();
        check_scopes(&mut for_client, "scopes", &portal, false);
        assert!(for_client.finish().is_err());
    }
}
