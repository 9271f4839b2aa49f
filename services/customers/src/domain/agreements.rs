//! The life of a service agreement: draft → sent → signed → active → expired, or
//! terminated on the way; and which service level a customer's active agreements grant.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Where an agreement stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AgreementStatus {
    /// Being written.
    Draft,
    /// Sent to the customer.
    Sent,
    /// Signed by both sides, not yet in force.
    Signed,
    /// In force: grants its service level.
    Active,
    /// Ran to its end date.
    Expired,
    /// Ended early, or called off before it began.
    Terminated,
}

impl AgreementStatus {
    /// Every status.
    pub const ALL: [AgreementStatus; 6] = [
        AgreementStatus::Draft,
        AgreementStatus::Sent,
        AgreementStatus::Signed,
        AgreementStatus::Active,
        AgreementStatus::Expired,
        AgreementStatus::Terminated,
    ];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            AgreementStatus::Draft => "draft",
            AgreementStatus::Sent => "sent",
            AgreementStatus::Signed => "signed",
            AgreementStatus::Active => "active",
            AgreementStatus::Expired => "expired",
            AgreementStatus::Terminated => "terminated",
        }
    }

    /// The status of a stored name.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// Where an agreement may go from here. Expiry is the scanner's, on the end date.
    pub fn next(self) -> &'static [AgreementStatus] {
        use AgreementStatus::*;
        match self {
            Draft => &[Sent, Terminated],
            Sent => &[Draft, Signed, Terminated],
            Signed => &[Active, Terminated],
            Active => &[Terminated],
            Expired | Terminated => &[],
        }
    }

    /// Whether its terms may still be edited.
    pub fn editable(self) -> bool {
        matches!(self, AgreementStatus::Draft | AgreementStatus::Sent)
    }
}

/// An agreement as far as the customer's service level is concerned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InForce {
    /// The level it grants.
    pub service_level: String,
    /// When it became active.
    pub activated_at: DateTime<Utc>,
}

/// The level a customer's active agreements grant: the most recently activated one's,
/// since a newer agreement is how a customer's service is changed.
pub fn granted_level(active: &[InForce]) -> Option<String> {
    active
        .iter()
        .max_by_key(|a| a.activated_at)
        .map(|a| a.service_level.clone())
}

/// Whether an active agreement ending on `ends_on` has run out on `today` (the end
/// date is the last day it applies).
pub fn has_expired(ends_on: Option<NaiveDate>, today: NaiveDate) -> bool {
    ends_on.is_some_and(|end| end < today)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_flow_goes_forward_and_ends_are_final() {
        use AgreementStatus::*;
        assert_eq!(Draft.next(), &[Sent, Terminated]);
        assert!(Signed.next().contains(&Active));
        assert!(!Draft.next().contains(&Active));
        assert!(Expired.next().is_empty() && Terminated.next().is_empty());
        assert!(Sent.editable() && !Active.editable());
        for status in AgreementStatus::ALL {
            assert_eq!(AgreementStatus::parse(status.as_str()), Some(status));
        }
    }

    #[test]
    fn the_newest_active_agreement_decides_the_level() {
        let at = |h: i64| DateTime::from_timestamp(h * 3600, 0).unwrap();
        let active = [
            InForce {
                service_level: "silver".into(),
                activated_at: at(1),
            },
            InForce {
                service_level: "gold".into(),
                activated_at: at(5),
            },
        ];
        assert_eq!(granted_level(&active), Some("gold".into()));
        assert_eq!(granted_level(&[]), None);
    }

    #[test]
    fn an_agreement_expires_the_day_after_its_end_date() {
        let day = |d| NaiveDate::from_ymd_opt(2026, 12, d).unwrap();
        assert!(!has_expired(Some(day(31)), day(31)));
        assert!(has_expired(Some(day(30)), day(31)));
        assert!(!has_expired(None, day(31)));
    }
}
