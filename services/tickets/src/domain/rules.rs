//! Business rules: the conditions triggers and automations test, and the actions they take.

use chrono::{DateTime, Duration, Utc};
use kefu_platform::validation::MaxChars;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::fields::{Channel, Priority, TicketType};
use super::status::Status;

/// What a ticket must look like for a rule to fire; every given condition must hold.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RuleConditions {
    /// Any of these statuses.
    #[serde(default)]
    #[schema(value_type = Vec<Status>)]
    pub status: Vec<String>,
    /// Any of these priorities.
    #[serde(default)]
    #[schema(value_type = Vec<Priority>)]
    pub priority: Vec<String>,
    /// Any of these types.
    #[serde(default, rename = "type")]
    #[schema(value_type = Vec<TicketType>)]
    pub kind: Vec<String>,
    /// Any of these channels.
    #[serde(default)]
    #[schema(value_type = Vec<Channel>)]
    pub channel: Vec<String>,
    /// Carries at least one of these tags (each at most 50 characters).
    #[serde(default)]
    #[schema(value_type = Vec<MaxChars<50>>, inline)]
    pub tags_any: Vec<String>,
    /// The subject contains this text (case-insensitive; up to 200 characters).
    #[schema(max_length = 200)]
    pub subject_contains: Option<String>,
    /// No public staff reply yet.
    pub unanswered: Option<bool>,
    /// At least this many hours since it was created (automations).
    pub hours_since_created: Option<i64>,
    /// At least this many hours since it last changed (automations).
    pub hours_since_updated: Option<i64>,
}

/// What a rule does; each given action applies.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RuleActions {
    /// Move to this status (skipped if the status machine forbids it).
    #[schema(value_type = Option<Status>)]
    pub status: Option<String>,
    /// Set the priority.
    #[schema(value_type = Option<Priority>)]
    pub priority: Option<String>,
    /// Set the type.
    #[serde(rename = "type")]
    #[schema(value_type = Option<TicketType>)]
    pub kind: Option<String>,
    /// Set the team.
    pub team_id: Option<Uuid>,
    /// Set the assignee.
    pub assignee_id: Option<Uuid>,
    /// Add tags (each 1–50 letters, digits, `_`, `-`, `:` or `.`).
    #[serde(default)]
    #[schema(value_type = Vec<MaxChars<50>>, inline)]
    pub add_tags: Vec<String>,
    /// Add an internal note (1–5000 characters).
    #[schema(max_length = 5000)]
    pub internal_note: Option<String>,
    /// E-mail the active staff holding this role (a role key, up to 64 characters).
    #[schema(max_length = 64)]
    pub notify_role: Option<String>,
}

impl RuleActions {
    /// Whether the actions would do anything.
    pub fn is_empty(&self) -> bool {
        self == &RuleActions::default()
    }
}

/// The parts of a ticket rules look at.
#[derive(Debug, Clone)]
pub struct RuleFacts<'a> {
    /// Status.
    pub status: &'a str,
    /// Priority.
    pub priority: &'a str,
    /// Type.
    pub kind: &'a str,
    /// Channel.
    pub channel: &'a str,
    /// Tags.
    pub tags: &'a [String],
    /// Subject.
    pub subject: &'a str,
    /// First public staff reply, if any.
    pub first_response_at: Option<DateTime<Utc>>,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

fn any_of(allowed: &[String], value: &str) -> bool {
    allowed.is_empty() || allowed.iter().any(|a| a == value)
}

/// Whether every given condition holds for a ticket at `now`.
pub fn holds(conditions: &RuleConditions, facts: &RuleFacts<'_>, now: DateTime<Utc>) -> bool {
    let c = conditions;
    any_of(&c.status, facts.status)
        && any_of(&c.priority, facts.priority)
        && any_of(&c.kind, facts.kind)
        && any_of(&c.channel, facts.channel)
        && (c.tags_any.is_empty() || c.tags_any.iter().any(|t| facts.tags.contains(t)))
        && c.subject_contains.as_ref().is_none_or(|needle| {
            facts
                .subject
                .to_lowercase()
                .contains(&needle.to_lowercase())
        })
        && c.unanswered
            .is_none_or(|wanted| wanted == facts.first_response_at.is_none())
        && c.hours_since_created
            .is_none_or(|h| now - facts.created_at >= Duration::hours(h))
        && c.hours_since_updated
            .is_none_or(|h| now - facts.updated_at >= Duration::hours(h))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts<'a>(tags: &'a [String], now: DateTime<Utc>) -> RuleFacts<'a> {
        RuleFacts {
            status: "pending",
            priority: "normal",
            kind: "incident",
            channel: "email",
            tags,
            subject: "Printer On Fire",
            first_response_at: None,
            created_at: now - Duration::hours(80),
            updated_at: now - Duration::hours(73),
        }
    }

    #[test]
    fn every_given_condition_must_hold() {
        let now = Utc::now();
        let tags = vec!["vip".to_string()];
        let f = facts(&tags, now);
        let pending_72h = RuleConditions {
            status: vec!["pending".into()],
            hours_since_updated: Some(72),
            ..RuleConditions::default()
        };
        assert!(holds(&pending_72h, &f, now));
        assert!(!holds(&pending_72h, &f, now - Duration::hours(2)));
        let fire = RuleConditions {
            subject_contains: Some("on fire".into()),
            tags_any: vec!["vip".into(), "gold".into()],
            unanswered: Some(true),
            ..RuleConditions::default()
        };
        assert!(holds(&fire, &f, now));
        let urgent = RuleConditions {
            priority: vec!["urgent".into()],
            ..RuleConditions::default()
        };
        assert!(!holds(&urgent, &f, now));
        assert!(holds(&RuleConditions::default(), &f, now));
    }
}
