//! SLA policies: which policy a ticket falls under, and its targets.

use kefu_platform::validation::MaxChars;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::fields::{Priority, TicketType};

/// The metrics an SLA measures.
pub const METRICS: [&str; 3] = ["first_response", "next_response", "resolution"];

/// When a policy applies; an empty list means any value.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Conditions {
    /// Ticket priorities.
    #[serde(default)]
    #[schema(value_type = Vec<Priority>)]
    pub priorities: Vec<String>,
    /// Ticket types.
    #[serde(default)]
    #[schema(value_type = Vec<TicketType>)]
    pub types: Vec<String>,
    /// Customer tiers (from the customer directory; each at most 50 characters).
    #[serde(default)]
    #[schema(value_type = Vec<MaxChars<50>>, inline)]
    pub tiers: Vec<String>,
    /// Customer service levels granted by agreements (e.g. `gold`; each at most 50 characters).
    #[serde(default)]
    #[schema(value_type = Vec<MaxChars<50>>, inline)]
    pub service_levels: Vec<String>,
}

/// One target: minutes, counted in business hours of the policy's calendar or around the clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Target {
    /// Minutes until due, 1–525 600.
    pub minutes: i64,
    /// Count only the calendar's business hours (default true).
    #[serde(default = "kefu_platform::json::default_true")]
    pub business_hours: bool,
}

/// The targets of a policy; a missing metric is not measured.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Targets {
    /// First public staff reply.
    pub first_response: Option<Target>,
    /// Each staff reply after a customer's reply.
    pub next_response: Option<Target>,
    /// Solved.
    pub resolution: Option<Target>,
}

impl Targets {
    /// The target of `metric`.
    pub fn of(&self, metric: &str) -> Option<Target> {
        match metric {
            "first_response" => self.first_response,
            "next_response" => self.next_response,
            "resolution" => self.resolution,
            _ => None,
        }
    }
}

/// What a policy is matched against.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TicketFacts {
    /// Priority.
    pub priority: String,
    /// Type.
    pub kind: String,
    /// The customer's tier, if known.
    pub tier: Option<String>,
    /// The customer's service level, if any.
    pub service_level: Option<String>,
}

fn admits(allowed: &[String], value: Option<&str>) -> bool {
    allowed.is_empty() || value.is_some_and(|v| allowed.iter().any(|a| a == v))
}

/// Whether `conditions` hold for a ticket.
pub fn matches(conditions: &Conditions, facts: &TicketFacts) -> bool {
    admits(&conditions.priorities, Some(&facts.priority))
        && admits(&conditions.types, Some(&facts.kind))
        && admits(&conditions.tiers, facts.tier.as_deref())
        && admits(&conditions.service_levels, facts.service_level.as_deref())
}

/// The first policy (in the given order) whose conditions hold.
pub fn first_match<'a, P>(
    policies: &'a [P],
    facts: &TicketFacts,
    conditions_of: impl Fn(&P) -> &Conditions,
) -> Option<&'a P> {
    policies.iter().find(|p| matches(conditions_of(p), facts))
}

/// The SLA policies every new tenant starts with (editable): urgent tickets around the
/// clock, everything else in business hours.
pub fn defaults() -> Vec<(&'static str, Conditions, Targets)> {
    let target = |minutes, business_hours| {
        Some(Target {
            minutes,
            business_hours,
        })
    };
    vec![
        (
            "Urgent",
            Conditions {
                priorities: vec!["urgent".into()],
                ..Conditions::default()
            },
            Targets {
                first_response: target(60, false),
                next_response: target(120, false),
                resolution: target(8 * 60, false),
            },
        ),
        (
            "Standard",
            Conditions::default(),
            Targets {
                first_response: target(8 * 60, true),
                next_response: target(16 * 60, true),
                resolution: target(40 * 60, true),
            },
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(priority: &str, tier: Option<&str>) -> TicketFacts {
        TicketFacts {
            priority: priority.into(),
            kind: "incident".into(),
            tier: tier.map(String::from),
            service_level: None,
        }
    }

    #[test]
    fn the_first_matching_policy_wins_and_unknown_tiers_do_not_match_tier_rules() {
        let gold = Conditions {
            tiers: vec!["gold".into()],
            ..Conditions::default()
        };
        let urgent = Conditions {
            priorities: vec!["urgent".into()],
            ..Conditions::default()
        };
        let policies = vec![
            ("gold", gold),
            ("urgent", urgent),
            ("any", Conditions::default()),
        ];
        let pick = |f: &TicketFacts| first_match(&policies, f, |p| &p.1).map(|p| p.0);
        assert_eq!(pick(&facts("urgent", Some("gold"))), Some("gold"));
        assert_eq!(pick(&facts("urgent", None)), Some("urgent"));
        assert_eq!(pick(&facts("low", Some("silver"))), Some("any"));
    }

    #[test]
    fn defaults_cover_every_ticket() {
        let defaults = defaults();
        for priority in ["low", "normal", "high", "urgent"] {
            assert!(first_match(&defaults, &facts(priority, None), |p| &p.1).is_some());
        }
    }
}
