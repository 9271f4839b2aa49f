//! API clients' use cases: creating one (its secret shown once), revoking it, and
//! replacing its secret, each with its audit entry.

use chrono::Utc;
use kefu_platform::validation::{Checks, MaxChars, Validate};
use kefu_platform::{ApiError, TenantContext};
use sea_orm::DatabaseTransaction;
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::app::roles::{check_scopes, ensure_grantable, normalize_scopes};
use crate::domain::opaque_token;
use crate::error_codes;
use crate::store::api_clients::ApiClientStore;
use crate::store::entities::api_client;
use crate::store::{audit, decode_list, encode_list};

/// Status of a client that can get tokens.
pub const ACTIVE: &str = "active";
/// Status of a client whose tokens and secret no longer work.
pub const REVOKED: &str = "revoked";
/// Random characters of a client id after `kc_` (22 base64url chars ≈ 132 bits).
const CLIENT_ID_RANDOM_CHARS: usize = 22;

/// A new public client id: `kc_` and 22 random base64url characters.
pub fn new_client_id() -> String {
    // A client id is public, so it need not be as long as a secret; it only must not collide.
    opaque_token::generate("kc_")
        .chars()
        .take(3 + CLIENT_ID_RANDOM_CHARS)
        .collect()
}

/// A new API client.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "ERP sync", "scopes": ["customers:read", "tickets:read"]}))]
pub struct NewApiClientBody {
    /// Display name (1–100 characters).
    #[schema(max_length = 100)]
    pub name: String,
    /// Scopes the client may request (1–100; not `portal` or `platform:admin`).
    #[schema(value_type = Vec<MaxChars<64>>, inline, max_items = 100)]
    pub scopes: Vec<String>,
}

impl Validate for NewApiClientBody {
    fn validate(&self) -> Result<(), ApiError> {
        let mut checks = Checks::new();
        checks.length("name", &self.name, 1, 100).ensure(
            !self.scopes.is_empty(),
            "scopes",
            "must list at least one scope",
        );
        check_scopes(&mut checks, "scopes", &self.scopes, false);
        checks.finish()
    }
}

/// Records an action of the caller on an API client, in the caller's transaction.
async fn audit_client(
    txn: &DatabaseTransaction,
    ctx: &TenantContext,
    action: &'static str,
    client: &api_client::Model,
    ip: Option<String>,
) -> Result<(), ApiError> {
    let entry = audit::AuditRecord {
        tenant_id: Some(ctx.tenant_id.uuid()),
        actor_id: Some(ctx.actor),
        action,
        target_type: Some("api_client"),
        target_id: Some(client.id),
        ip,
        details: serde_json::json!({"client_id": client.client_id, "scopes": decode_list(&client.scopes)}),
    };
    Ok(audit::record(txn, entry).await?)
}

/// Refuses (403, naming the first scope missing) a caller who lacks a scope `client`
/// holds: reading it, replacing its secret or revoking it would hand them that scope
/// (a new secret mints its tokens), which creating it could not.
pub fn ensure_manageable(ctx: &TenantContext, client: &api_client::Model) -> Result<(), ApiError> {
    ensure_grantable(ctx, &decode_list(&client.scopes))
}

/// Whether the caller holds every scope `client` holds (the list shows only those).
pub fn manageable(ctx: &TenantContext, client: &api_client::Model) -> bool {
    ensure_manageable(ctx, client).is_ok()
}

/// Creates an API client; the caller must hold every scope it grants. Answers the client
/// and its secret, which is stored only as a digest.
pub async fn create(
    txn: &DatabaseTransaction,
    ctx: &TenantContext,
    body: NewApiClientBody,
    ip: Option<String>,
) -> Result<(api_client::Model, String), ApiError> {
    ensure_grantable(ctx, &body.scopes)?;
    let client_secret = opaque_token::generate("ks_");
    let now = Utc::now();
    let new = api_client::Model {
        id: Uuid::now_v7(),
        tenant_id: ctx.tenant_id.uuid(),
        name: body.name.trim().to_string(),
        client_id: new_client_id(),
        secret_hash: opaque_token::digest(&client_secret),
        scopes: encode_list(&normalize_scopes(&body.scopes)),
        status: ACTIVE.into(),
        last_used_at: None,
        version: 1,
        created_at: now,
        updated_at: now,
    };
    let created = ApiClientStore::new(txn, ctx.tenant_id).insert(new).await?;
    audit_client(txn, ctx, "client.created", &created, ip).await?;
    Ok((created, client_secret))
}

/// Revokes an API client: its secret and tokens stop working. Revoking twice is a no-op.
pub async fn revoke(
    txn: &DatabaseTransaction,
    ctx: &TenantContext,
    id: Uuid,
    ip: Option<String>,
) -> Result<(), ApiError> {
    let store = ApiClientStore::new(txn, ctx.tenant_id);
    let mut found = store.get(id).await?.ok_or(ApiError::NotFound)?;
    ensure_manageable(ctx, &found)?;
    if found.status != REVOKED {
        found.status = REVOKED.into();
        let saved = store.save(found).await?;
        audit_client(txn, ctx, "client.revoked", &saved, ip).await?;
    }
    Ok(())
}

/// Replaces an active client's secret; the old one stops working at once.
pub async fn rotate_secret(
    txn: &DatabaseTransaction,
    ctx: &TenantContext,
    id: Uuid,
    ip: Option<String>,
) -> Result<(api_client::Model, String), ApiError> {
    let store = ApiClientStore::new(txn, ctx.tenant_id);
    let mut found = store.get(id).await?.ok_or(ApiError::NotFound)?;
    ensure_manageable(ctx, &found)?;
    if found.status != ACTIVE {
        let detail = "a revoked client cannot get a new secret";
        return Err(ApiError::conflict(error_codes::CLIENT_REVOKED, detail));
    }
    let client_secret = opaque_token::generate("ks_");
    found.secret_hash = opaque_token::digest(&client_secret);
    let saved = store.save(found).await?;
    audit_client(txn, ctx, "client.secret_rotated", &saved, ip).await?;
    Ok((saved, client_secret))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_ids_are_short_prefixed_and_distinct() {
        let (a, b) = (new_client_id(), new_client_id());
        assert!(a.starts_with("kc_"));
        assert_eq!(a.len(), 3 + CLIENT_ID_RANDOM_CHARS);
        assert_ne!(a, b);
    }

    #[test]
    fn portal_is_not_a_client_scope() {
        let body = NewApiClientBody {
            name: "ERP".into(),
            scopes: vec!["portal".into()],
        };
        assert_eq!(
            body.validate()
                .expect_err("portal refused")
                .problem()
                .errors[0]
                .field,
            "scopes"
        );
        let empty = NewApiClientBody {
            name: "ERP".into(),
            scopes: Vec::new(),
        };
        assert!(empty.validate().is_err());
    }
}
