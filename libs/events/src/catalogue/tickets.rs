//! Events of the tickets service.

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::CatalogueEntry;
use crate::envelope::Event;

const SERVICE: &str = "tickets";

/// What every ticket event carries: the ticket as it is after the change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct TicketData {
    /// The ticket's id.
    pub ticket_id: Uuid,
    /// Per-tenant human number (`#1042` is 1042).
    pub number: i64,
    /// Subject line.
    pub subject: String,
    /// The customer the ticket is for, if known.
    pub customer_id: Option<Uuid>,
    /// The user who asked (a portal user or the staff member who took the call).
    pub requester_id: Option<Uuid>,
    /// `question`, `incident`, `request`, `complaint`, `follow_up` or `defect`.
    #[serde(rename = "type")]
    pub kind: String,
    /// `low`, `normal`, `high` or `urgent`.
    pub priority: String,
    /// `phone`, `email`, `web`, `chat`, `portal` or `api`.
    pub channel: String,
    /// The team working on it.
    pub team_id: Option<Uuid>,
    /// The agent working on it.
    pub assignee_id: Option<Uuid>,
    /// `new`, `open`, `pending`, `on_hold`, `solved`, `closed` or `cancelled`.
    pub status: String,
    /// Tags, sorted.
    pub tags: Vec<String>,
    /// How many times it was reopened.
    pub reopen_count: i64,
    /// Created at.
    pub created_at: DateTime<Utc>,
    /// First public reply by staff.
    pub first_response_at: Option<DateTime<Utc>>,
    /// Last solved at.
    pub solved_at: Option<DateTime<Utc>>,
}

/// A reply or note added to a ticket, with the ticket after it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct TicketReplyData {
    /// The ticket after the reply.
    #[serde(flatten)]
    pub ticket: TicketData,
    /// The reply's id.
    pub comment_id: Uuid,
    /// Public reply (true) or internal note (false).
    pub public: bool,
    /// `staff` or `customer`.
    pub author_kind: String,
    /// The author's user id.
    pub author_id: Option<Uuid>,
}

impl TicketReplyData {
    fn ticket_id(&self) -> Uuid {
        self.ticket.ticket_id
    }
}

/// An SLA clock of a ticket crossing a threshold, with the ticket at that moment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct TicketSlaData {
    /// The ticket.
    #[serde(flatten)]
    pub ticket: TicketData,
    /// `first_response`, `next_response` or `resolution`.
    pub metric: String,
    /// The target, in minutes.
    pub target_minutes: i64,
    /// Whether the target counts business hours (else calendar hours).
    pub business_hours: bool,
    /// The SLA policy that set the target.
    pub policy_id: Uuid,
    /// Its version when it was applied.
    pub policy_version: i64,
    /// When the target is (or was) due.
    pub due_at: DateTime<Utc>,
}

/// Declares an SLA event over [`TicketSlaData`].
macro_rules! sla_event {
    ($(#[$doc:meta])* $name:ident = $type:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
        #[serde(transparent)]
        pub struct $name(pub TicketSlaData);

        impl Event for $name {
            const TYPE: &'static str = $type;
            const VERSION: u32 = 1;
            const SERVICE: &'static str = SERVICE;

            fn aggregate_id(&self) -> Uuid {
                self.0.ticket.ticket_id
            }
        }
    };
}

sla_event!(
    /// An SLA target of a ticket passed its at-risk threshold (default 80 %).
    TicketSlaAtRisk = "ticket.sla_at_risk"
);
sla_event!(
    /// An SLA target of a ticket was breached (emitted once per target).
    TicketSlaBreached = "ticket.sla_breached"
);

/// An escalation rule fired on an SLA threshold, with the ticket after its actions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct TicketEscalationData {
    /// The ticket after the rule's actions.
    #[serde(flatten)]
    pub ticket: TicketData,
    /// The escalation rule.
    pub rule_id: Uuid,
    /// Its name.
    pub rule_name: String,
    /// `at_risk` or `breached`.
    pub trigger: String,
    /// The SLA metric that crossed the threshold.
    pub metric: String,
    /// The role to notify, if the rule says so.
    pub notify_role: Option<String>,
    /// Whether the rule raised the priority.
    pub raised_priority: bool,
    /// The team the rule moved the ticket to.
    pub reassigned_team_id: Option<Uuid>,
}

/// An escalation rule fired for a ticket.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(transparent)]
pub struct TicketEscalated(pub TicketEscalationData);

impl Event for TicketEscalated {
    const TYPE: &'static str = "ticket.escalated";
    const VERSION: u32 = 1;
    const SERVICE: &'static str = SERVICE;

    fn aggregate_id(&self) -> Uuid {
        self.0.ticket.ticket_id
    }
}

/// A ticket merged into another, with the merged (now closed) ticket.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct TicketMergeData {
    /// The merged ticket, closed.
    #[serde(flatten)]
    pub ticket: TicketData,
    /// The ticket it was merged into (the survivor).
    pub merged_into_id: Uuid,
    /// The survivor's number.
    pub merged_into_number: i64,
}

/// A duplicate was merged into another ticket; its conversation and followers moved.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(transparent)]
pub struct TicketMerged(pub TicketMergeData);

impl Event for TicketMerged {
    const TYPE: &'static str = "ticket.merged";
    const VERSION: u32 = 1;
    const SERVICE: &'static str = SERVICE;

    fn aggregate_id(&self) -> Uuid {
        self.0.ticket.ticket_id
    }
}

/// A knowledge-base article as events carry it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ArticleData {
    /// The article's id.
    pub article_id: Uuid,
    /// Title.
    pub title: String,
    /// `internal` (staff) or `public` (also the portal).
    pub visibility: String,
    /// Revision now current.
    pub revision: i64,
}

event!(
    /// A knowledge-base article was published (or a new revision of it).
    ArticlePublished(ArticleData) = "kb.article_published", aggregate: article_id
);
event!(
    /// A knowledge-base article was archived.
    ArticleArchived(ArticleData) = "kb.article_archived", aggregate: article_id
);

/// Declares a ticket event over [`TicketData`].
macro_rules! ticket_event {
    ($(#[$doc:meta])* $name:ident = $type:literal) => {
        event!($(#[$doc])* $name(TicketData) = $type, aggregate: ticket_id);
    };
}

ticket_event!(
    /// A ticket was created (by staff, a portal customer, an API client or a rule).
    TicketCreated = "ticket.created"
);
ticket_event!(
    /// A ticket's subject, priority, type, team, tags or customer changed.
    TicketUpdated = "ticket.updated"
);
ticket_event!(
    /// A ticket got another assignee (or none).
    TicketAssigned = "ticket.assigned"
);
ticket_event!(
    /// A ticket moved between `new`, `open`, `pending` and `on_hold`.
    TicketStatusChanged = "ticket.status_changed"
);
ticket_event!(
    /// A ticket was solved.
    TicketSolved = "ticket.solved"
);
ticket_event!(
    /// A solved ticket was opened again.
    TicketReopened = "ticket.reopened"
);
ticket_event!(
    /// A ticket was closed (final).
    TicketClosed = "ticket.closed"
);
ticket_event!(
    /// A ticket was cancelled (final).
    TicketCancelled = "ticket.cancelled"
);

/// A public reply or an internal note was added, by staff or the customer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(transparent)]
pub struct TicketReplied(pub TicketReplyData);

impl Event for TicketReplied {
    const TYPE: &'static str = "ticket.replied";
    const VERSION: u32 = 1;
    const SERVICE: &'static str = SERVICE;

    fn aggregate_id(&self) -> Uuid {
        self.0.ticket_id()
    }
}

/// The tickets entries of the catalogue.
pub fn entries() -> Vec<CatalogueEntry> {
    vec![
        CatalogueEntry::of::<TicketCreated>(),
        CatalogueEntry::of::<TicketUpdated>(),
        CatalogueEntry::of::<TicketAssigned>(),
        CatalogueEntry::of::<TicketStatusChanged>(),
        CatalogueEntry::of::<TicketSolved>(),
        CatalogueEntry::of::<TicketReopened>(),
        CatalogueEntry::of::<TicketClosed>(),
        CatalogueEntry::of::<TicketCancelled>(),
        CatalogueEntry::of::<TicketReplied>(),
        CatalogueEntry::of::<TicketSlaAtRisk>(),
        CatalogueEntry::of::<TicketSlaBreached>(),
        CatalogueEntry::of::<TicketEscalated>(),
        CatalogueEntry::of::<TicketMerged>(),
        CatalogueEntry::of::<ArticlePublished>(),
        CatalogueEntry::of::<ArticleArchived>(),
    ]
}
