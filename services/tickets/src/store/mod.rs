//! Persistence: sea-orm entities and tenant-scoped stores. Every store of
//! tenant data is built with a `TenantId` and filters by it itself.

pub mod all_tenants;
pub mod attachments;
pub mod comments;
pub mod custom_fields;
pub mod directory;
pub mod dispatch;
pub mod entities;
pub mod escalation;
pub mod history;
pub mod kb;
pub mod macros;
pub mod rules;
pub mod sla;
pub mod structure;
pub mod tickets;
pub mod views;

/// Encodes a list for a text column.
pub fn encode_list<T: serde::Serialize>(items: &[T]) -> String {
    serde_json::to_string(items).unwrap_or_else(|_| "[]".into())
}

/// Decodes a list from a text column.
pub fn decode_list<T: serde::de::DeserializeOwned>(text: &str) -> Vec<T> {
    serde_json::from_str(text).unwrap_or_default()
}
