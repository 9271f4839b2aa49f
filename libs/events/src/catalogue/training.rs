//! Events of the training service that other services consume (the training service
//! itself is still to come; tickets' dispatch reads certifications as skills).

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::CatalogueEntry;
use crate::envelope::Event;

const SERVICE: &str = "training";

/// A certification of a user for a skill.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CertificationData {
    /// The certification's id.
    pub certification_id: Uuid,
    /// The certified user.
    pub user_id: Uuid,
    /// The skill it certifies, e.g. `printers`.
    pub skill_key: String,
    /// When it lapses, if ever.
    pub expires_at: Option<DateTime<Utc>>,
}

event!(
    /// A user was certified for a skill.
    CertificationGranted(CertificationData) = "certification.granted", aggregate: certification_id
);
event!(
    /// A certification lapsed.
    CertificationExpired(CertificationData) = "certification.expired", aggregate: certification_id
);
event!(
    /// A certification was withdrawn.
    CertificationRevoked(CertificationData) = "certification.revoked", aggregate: certification_id
);

/// The training entries of the catalogue.
pub fn entries() -> Vec<CatalogueEntry> {
    vec![
        CatalogueEntry::of::<CertificationGranted>(),
        CatalogueEntry::of::<CertificationExpired>(),
        CatalogueEntry::of::<CertificationRevoked>(),
    ]
}
