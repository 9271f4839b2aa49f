//! Persistence: sea-orm entities and tenant-scoped stores. Every store of
//! tenant data is built with a `TenantId` and filters by it itself.

pub mod all_tenants;
pub mod api_clients;
pub mod audit;
pub mod entities;
pub mod invitations;
pub mod login_counters;
pub mod operators;
pub mod password_resets;
pub mod principals;
pub mod roles;
pub mod sessions;
pub mod signing_keys;
pub mod teams;
pub mod tenant_purge;
pub mod tenants;
pub mod users;

/// Encodes a list of strings for a text column.
pub fn encode_list(items: &[String]) -> String {
    serde_json::to_string(items).unwrap_or_else(|_| "[]".into())
}

/// Decodes a list of strings from a text column.
pub fn decode_list(text: &str) -> Vec<String> {
    serde_json::from_str(text).unwrap_or_default()
}
