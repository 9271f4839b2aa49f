//! Events of the customers service: customers and their value, agreements, pain points
//! and follow-up plans. Tickets keeps a customer directory from them.

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

/// A change of a customer's ABC class.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ClassChangeData {
    /// The customer's id.
    pub customer_id: Uuid,
    /// Class before.
    pub old: Option<String>,
    /// Class after.
    pub new: Option<String>,
}

/// A customer merged into another, which now holds everything the merged one had.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CustomerMergedData {
    /// The merged-away customer, which no longer exists.
    pub customer_id: Uuid,
    /// The customer that survived the merge.
    pub survivor_id: Uuid,
    /// The survivor as it is after the merge.
    pub survivor: CustomerData,
}

/// A service agreement's state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct AgreementData {
    /// The agreement's id.
    pub agreement_id: Uuid,
    /// The customer it covers.
    pub customer_id: Uuid,
    /// Its name.
    pub name: String,
    /// The service level it grants, e.g. `gold`.
    pub service_level: String,
    /// First day it applies.
    pub starts_on: chrono::NaiveDate,
    /// Last day it applies, if it ends.
    pub ends_on: Option<chrono::NaiveDate>,
    /// `draft`, `sent`, `signed`, `active`, `expired` or `terminated`.
    pub status: String,
    /// The service level the customer's active agreements grant after this change.
    pub customer_service_level: Option<String>,
}

/// A pain point of a customer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct PainPointData {
    /// The pain point's id.
    pub pain_point_id: Uuid,
    /// The customer it hurts.
    pub customer_id: Uuid,
    /// What hurts.
    pub title: String,
    /// Computed priority (impact × urgency ÷ difficulty), higher first.
    pub priority: f64,
    /// `open`, `addressing` or `resolved`.
    pub status: String,
}

/// An occurrence of a care or follow-up plan that came due.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct FollowupDueData {
    /// The occurrence's id.
    pub occurrence_id: Uuid,
    /// The plan it belongs to.
    pub plan_id: Uuid,
    /// The customer to follow up.
    pub customer_id: Uuid,
    /// The contact to reach, if the plan names one.
    pub contact_id: Option<Uuid>,
    /// Who does it: the customer's relationship manager, if any.
    pub owner_id: Option<Uuid>,
    /// `phone`, `email`, `sms`, `chat`, `visit` or `portal`.
    pub channel: String,
    /// `survey` (surveys sends one) or `task` (tickets opens a follow-up ticket).
    pub kind: String,
    /// The survey template, for `survey`.
    pub template_id: Option<Uuid>,
    /// What to do, for `task`.
    pub task: Option<String>,
    /// When it came due.
    pub due_at: chrono::DateTime<chrono::Utc>,
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

event!(
    /// A customer moved to another lifecycle stage.
    CustomerLifecycleChanged(CustomerData) = "customer.lifecycle_changed", aggregate: customer_id
);
event!(
    /// A customer moved to another ABC class.
    CustomerAbcClassChanged(ClassChangeData) = "customer.abc_class_changed", aggregate: customer_id
);
event!(
    /// A customer was merged into another; references should move to the survivor.
    CustomerMerged(CustomerMergedData) = "customer.merged", aggregate: customer_id
);
event!(
    /// An occurrence of a follow-up plan came due (emitted once per occurrence).
    CustomerFollowupDue(FollowupDueData) = "customer.followup_due", aggregate: customer_id
);
event!(
    /// A service agreement became active.
    AgreementActivated(AgreementData) = "agreement.activated", aggregate: agreement_id
);
event!(
    /// A service agreement reached its end date.
    AgreementExpired(AgreementData) = "agreement.expired", aggregate: agreement_id
);
event!(
    /// A service agreement was ended early.
    AgreementTerminated(AgreementData) = "agreement.terminated", aggregate: agreement_id
);
event!(
    /// A pain point was recorded.
    PainPointCreated(PainPointData) = "pain_point.created", aggregate: pain_point_id
);
event!(
    /// A pain point changed.
    PainPointUpdated(PainPointData) = "pain_point.updated", aggregate: pain_point_id
);

/// The customers entries of the catalogue.
pub fn entries() -> Vec<CatalogueEntry> {
    vec![
        CatalogueEntry::of::<CustomerCreated>(),
        CatalogueEntry::of::<CustomerUpdated>(),
        CatalogueEntry::of::<CustomerTierChanged>(),
        CatalogueEntry::of::<CustomerLifecycleChanged>(),
        CatalogueEntry::of::<CustomerAbcClassChanged>(),
        CatalogueEntry::of::<CustomerMerged>(),
        CatalogueEntry::of::<CustomerFollowupDue>(),
        CatalogueEntry::of::<AgreementActivated>(),
        CatalogueEntry::of::<AgreementExpired>(),
        CatalogueEntry::of::<AgreementTerminated>(),
        CatalogueEntry::of::<PainPointCreated>(),
        CatalogueEntry::of::<PainPointUpdated>(),
    ]
}
