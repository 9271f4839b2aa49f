//! Events of the customers service (the service itself is still to come; tickets keeps a
//! customer directory from them).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::CatalogueEntry;
use crate::envelope::Event;

const SERVICE: &str = "customers";

/// A customer as events carry it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CustomerData {
    /// The customer's id.
    pub customer_id: Uuid,
    /// Name.
    pub name: String,
    /// Value tier, e.g. `gold`.
    pub tier: Option<String>,
    /// ABC class (`A`, `B`, `C`).
    pub abc_class: Option<String>,
    /// The relationship manager (a user id).
    pub owner_id: Option<Uuid>,
    /// Lifecycle stage, e.g. `active`.
    pub lifecycle: String,
    /// The service level its active agreements grant, e.g. `gold`.
    pub service_level: Option<String>,
}

/// A change of a customer's tier.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct TierChangeData {
    /// The customer's id.
    pub customer_id: Uuid,
    /// Tier before.
    pub old: Option<String>,
    /// Tier after.
    pub new: Option<String>,
}

event!(
    /// A customer was created.
    CustomerCreated(CustomerData) = "customer.created", aggregate: customer_id
);
event!(
    /// A customer's details changed.
    CustomerUpdated(CustomerData) = "customer.updated", aggregate: customer_id
);
event!(
    /// A customer moved to another value tier.
    CustomerTierChanged(TierChangeData) = "customer.tier_changed", aggregate: customer_id
);

/// The customers entries of the catalogue.
pub fn entries() -> Vec<CatalogueEntry> {
    vec![
        CatalogueEntry::of::<CustomerCreated>(),
        CatalogueEntry::of::<CustomerUpdated>(),
        CatalogueEntry::of::<CustomerTierChanged>(),
    ]
}
