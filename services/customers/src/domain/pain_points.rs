//! Pain points: how much one hurts, in one number, and how its handling moves.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Where the handling of a pain point stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PainStatus {
    /// Known, nobody on it yet.
    Open,
    /// Being worked on.
    Addressing,
    /// Dealt with.
    Resolved,
}

impl PainStatus {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            PainStatus::Open => "open",
            PainStatus::Addressing => "addressing",
            PainStatus::Resolved => "resolved",
        }
    }

    /// The status of a stored name.
    pub fn parse(text: &str) -> Option<Self> {
        [
            PainStatus::Open,
            PainStatus::Addressing,
            PainStatus::Resolved,
        ]
        .into_iter()
        .find(|s| s.as_str() == text)
    }

    /// Where a pain point may go from here: forward, or back to open when it returns.
    pub fn next(self) -> &'static [PainStatus] {
        match self {
            PainStatus::Open => &[PainStatus::Addressing, PainStatus::Resolved],
            PainStatus::Addressing => &[PainStatus::Open, PainStatus::Resolved],
            PainStatus::Resolved => &[PainStatus::Open],
        }
    }
}

/// The priority of a pain point rated 1–5 on impact, urgency and difficulty: what hurts
/// most and soonest, per unit of effort, comes first (0.2 to 25, two decimals).
pub fn priority(impact: u8, urgency: u8, difficulty: u8) -> f64 {
    let value = f64::from(impact) * f64::from(urgency) / f64::from(difficulty.max(1));
    (value * 100.0).round() / 100.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn priority_rises_with_impact_and_urgency_and_falls_with_difficulty() {
        assert_eq!(priority(5, 5, 1), 25.0);
        assert_eq!(priority(1, 1, 5), 0.2);
        assert_eq!(priority(4, 3, 3), 4.0);
        assert_eq!(priority(2, 2, 3), 1.33);
        for impact in 1..=4 {
            for urgency in 1..=5 {
                for difficulty in 1..=5 {
                    assert!(
                        priority(impact + 1, urgency, difficulty)
                            > priority(impact, urgency, difficulty)
                    );
                    if difficulty < 5 {
                        assert!(
                            priority(impact, urgency, difficulty + 1)
                                < priority(impact, urgency, difficulty)
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn the_flow_allows_returns_but_not_standing_still() {
        assert_eq!(PainStatus::Resolved.next(), &[PainStatus::Open]);
        assert!(!PainStatus::Open.next().contains(&PainStatus::Open));
        assert_eq!(
            PainStatus::parse("addressing"),
            Some(PainStatus::Addressing)
        );
    }
}
