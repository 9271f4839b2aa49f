//! Events of the surveys service (the service itself is still to come; tickets stores
//! CSAT on tickets and opens follow-ups from them).

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::CatalogueEntry;
use crate::envelope::Event;

const SERVICE: &str = "surveys";

/// The scores of one response (each only when the template asks for it).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Scores {
    /// Customer satisfaction, 1–5.
    pub csat: Option<f64>,
    /// Net promoter score answer, 0–10.
    pub nps: Option<f64>,
    /// Customer effort score, 1–7.
    pub ces: Option<f64>,
    /// The template's weighted satisfaction index, 0–100.
    pub index: Option<f64>,
}

/// A submitted survey response.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ResponseData {
    /// The response's id.
    pub response_id: Uuid,
    /// Template.
    pub template_id: Uuid,
    /// Template version answered.
    pub template_version: i64,
    /// Campaign, if any.
    pub campaign_id: Option<Uuid>,
    /// The customer who answered.
    pub customer_id: Option<Uuid>,
    /// The ticket the survey was about, if any.
    pub ticket_id: Option<Uuid>,
    /// Scores.
    pub scores: Scores,
    /// Scores per dimension (e.g. `timeliness`).
    #[serde(default)]
    pub dimension_scores: BTreeMap<String, f64>,
}

event!(
    /// A customer submitted a survey response.
    SurveyResponseSubmitted(ResponseData) = "survey.response_submitted", aggregate: response_id
);
event!(
    /// A response scored as a detractor (low NPS or CSAT).
    SurveyDetractorDetected(ResponseData) = "survey.detractor_detected", aggregate: response_id
);

/// The surveys entries of the catalogue.
pub fn entries() -> Vec<CatalogueEntry> {
    vec![
        CatalogueEntry::of::<SurveyResponseSubmitted>(),
        CatalogueEntry::of::<SurveyDetractorDetected>(),
    ]
}
