//! Persistence: sea-orm entities and tenant-scoped stores. Every store of
//! tenant data is built with a `TenantId` and filters by it itself.

pub mod activity;
pub mod agreements;
pub mod all_tenants;
pub mod belongings;
pub mod care;
pub mod contacts;
pub mod customers;
pub mod entities;
pub mod pain_points;
pub mod settings;
pub mod values;

/// An id that sorts by `at` (a UUIDv7 of that instant): interactions and follow-ups list
/// in time order by id, so keyset pages follow time even when rows arrive out of order.
pub fn id_at(at: chrono::DateTime<chrono::Utc>) -> uuid::Uuid {
    let secs = u64::try_from(at.timestamp()).unwrap_or_default();
    uuid::Uuid::new_v7(uuid::Timestamp::from_unix(
        uuid::NoContext,
        secs,
        at.timestamp_subsec_nanos(),
    ))
}

/// Encodes a list for a text column.
pub fn encode_list<T: serde::Serialize>(items: &[T]) -> String {
    serde_json::to_string(items).unwrap_or_else(|_| "[]".into())
}

/// Decodes a list from a text column.
pub fn decode_list<T: serde::de::DeserializeOwned>(text: &str) -> Vec<T> {
    serde_json::from_str(text).unwrap_or_default()
}
