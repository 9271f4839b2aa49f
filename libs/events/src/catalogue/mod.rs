//! The event catalogue (PRODUCT.md §4): one Rust type per event type, by producer.

pub mod accounts;

use schemars::Schema;

use crate::envelope::Event;

/// One event type of the catalogue, with what its committed JSON Schema is built from.
pub struct CatalogueEntry {
    /// `type` string.
    pub event_type: &'static str,
    /// Schema version.
    pub version: u32,
    /// Producing service.
    pub service: &'static str,
    /// The JSON Schema of `data`.
    pub schema: fn() -> Schema,
}

impl CatalogueEntry {
    /// The entry of `E`.
    pub fn of<E: Event>() -> Self {
        Self {
            event_type: E::TYPE,
            version: E::VERSION,
            service: E::SERVICE,
            schema: || schemars::schema_for!(E),
        }
    }

    /// The committed file name, `<type>.v<version>.json`.
    pub fn file_name(&self) -> String {
        format!("{}.v{}.json", self.event_type, self.version)
    }
}

/// Every event type, producer by producer.
pub fn all() -> Vec<CatalogueEntry> {
    accounts::entries()
}
