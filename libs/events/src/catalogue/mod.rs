//! The event catalogue (PRODUCT.md §4): one Rust type per event type, by producer.

/// Declares one event type wrapping a data struct, with its `type` and aggregate;
/// the module using it defines `SERVICE`.
macro_rules! event {
    ($(#[$doc:meta])* $name:ident($data:ident) = $type:literal, aggregate: $field:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
        #[serde(transparent)]
        pub struct $name(pub $data);

        impl Event for $name {
            const TYPE: &'static str = $type;
            const VERSION: u32 = 1;
            const SERVICE: &'static str = SERVICE;

            fn aggregate_id(&self) -> Uuid {
                self.0.$field
            }
        }
    };
}

pub mod accounts;
pub mod customers;
pub mod surveys;
pub mod tickets;
pub mod training;

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
    let mut entries = accounts::entries();
    entries.extend(tickets::entries());
    entries.extend(training::entries());
    entries.extend(customers::entries());
    entries.extend(surveys::entries());
    entries
}
