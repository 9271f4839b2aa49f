//! Response bodies.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::store::decode_list;
use crate::store::entities::{ticket, ticket_comment, ticket_history};

/// A ticket.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0193a0c4-f177-7f28-a85c-2cce39263059", "number": 1042,
    "subject": "Printer prints blank pages", "description": "Since this morning.",
    "status": "open", "priority": "high", "type": "incident", "channel": "phone",
    "customer_id": null, "contact_id": null, "requester_id": null, "team_id": null,
    "assignee_id": null, "tags": ["printer"], "reopen_count": 0,
    "first_response_at": null, "solved_at": null, "closed_at": null,
    "root_cause": null, "remedy": null, "csat_score": null, "custom_fields": {"device_model": "X100"}, "version": 2,
    "created_at": "2026-11-02T02:15:00Z", "updated_at": "2026-11-02T02:20:00Z"
}))]
pub struct TicketView {
    /// Id.
    pub id: Uuid,
    /// Per-tenant number (`#1042`).
    pub number: i64,
    /// Subject.
    pub subject: String,
    /// Description (the first message).
    pub description: String,
    /// Status.
    pub status: String,
    /// Priority.
    pub priority: String,
    /// Type.
    #[serde(rename = "type")]
    pub kind: String,
    /// Channel it came in on.
    pub channel: String,
    /// Customer.
    pub customer_id: Option<Uuid>,
    /// Contact at the customer.
    pub contact_id: Option<Uuid>,
    /// Who asked.
    pub requester_id: Option<Uuid>,
    /// Team.
    pub team_id: Option<Uuid>,
    /// Assignee.
    pub assignee_id: Option<Uuid>,
    /// Tags, sorted.
    pub tags: Vec<String>,
    /// Times reopened.
    pub reopen_count: i64,
    /// First public staff reply.
    pub first_response_at: Option<DateTime<Utc>>,
    /// Last solved.
    pub solved_at: Option<DateTime<Utc>>,
    /// Closed.
    pub closed_at: Option<DateTime<Utc>>,
    /// Root cause (complaints).
    pub root_cause: Option<String>,
    /// Remedy (complaints).
    pub remedy: Option<String>,
    /// Satisfaction (1–5) from the ticket's survey.
    pub csat_score: Option<i64>,
    /// Custom field values by key.
    #[schema(value_type = Object)]
    pub custom_fields: serde_json::Value,
    /// Version, for `If-Match`.
    pub version: i64,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

impl From<ticket::Model> for TicketView {
    fn from(t: ticket::Model) -> Self {
        Self {
            id: t.id,
            number: t.number,
            subject: t.subject,
            description: t.description,
            status: t.status,
            priority: t.priority,
            kind: t.kind,
            channel: t.channel,
            customer_id: t.customer_id,
            contact_id: t.contact_id,
            requester_id: t.requester_id,
            team_id: t.team_id,
            assignee_id: t.assignee_id,
            tags: decode_list(&t.tags),
            reopen_count: t.reopen_count,
            first_response_at: t.first_response_at,
            solved_at: t.solved_at,
            closed_at: t.closed_at,
            root_cause: t.root_cause,
            remedy: t.remedy,
            csat_score: t.csat_score,
            custom_fields: serde_json::from_str(&t.custom_fields)
                .unwrap_or_else(|_| serde_json::json!({})),
            version: t.version,
            created_at: t.created_at,
            updated_at: t.updated_at,
        }
    }
}

/// A page of tickets.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"items": [], "next_cursor": null}))]
pub struct TicketPage {
    /// Tickets, newest first.
    pub items: Vec<TicketView>,
    /// Cursor of the next page, if any.
    pub next_cursor: Option<String>,
}

/// A public reply or internal note.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "0193a0c5-0a1b-7c3d-8e4f-5a6b7c8d9e0f", "author_id": "0193a0c4-f177-7f28-a85c-2cce39263059", "author_kind": "staff", "public": true, "body": "Could you send a photo of the printed page?", "created_at": "2026-11-02T02:25:00Z"}))]
pub struct CommentView {
    /// Id.
    pub id: Uuid,
    /// Author (none for the system).
    pub author_id: Option<Uuid>,
    /// `staff` or `customer`.
    pub author_kind: String,
    /// Public reply (true) or internal note (false).
    pub public: bool,
    /// Text.
    pub body: String,
    /// Written at.
    pub created_at: DateTime<Utc>,
}

impl From<ticket_comment::Model> for CommentView {
    fn from(c: ticket_comment::Model) -> Self {
        Self {
            id: c.id,
            author_id: c.author_id,
            author_kind: c.author_kind,
            public: c.public,
            body: c.body,
            created_at: c.created_at,
        }
    }
}

/// A ticket's conversation.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"items": []}))]
pub struct CommentList {
    /// Oldest first.
    pub items: Vec<CommentView>,
}

/// One changed field in a ticket's history.
#[derive(Debug, Serialize, ToSchema)]
pub struct HistoryEntry {
    /// Field.
    pub field: String,
    /// Value before.
    pub old_value: Option<String>,
    /// Value after.
    pub new_value: Option<String>,
    /// Who changed it (none for rules and the system).
    pub actor_id: Option<Uuid>,
    /// `user`, `portal`, `system` or `rule:<id>`.
    pub via: String,
    /// When.
    pub at: DateTime<Utc>,
}

impl From<ticket_history::Model> for HistoryEntry {
    fn from(h: ticket_history::Model) -> Self {
        Self {
            field: h.field,
            old_value: h.old_value,
            new_value: h.new_value,
            actor_id: h.actor_id,
            via: h.via,
            at: h.at,
        }
    }
}

/// A ticket's history.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"items": [{"field": "status", "old_value": "new", "new_value": "open", "actor_id": "0193a0c4-f177-7f28-a85c-2cce39263059", "via": "user", "at": "2026-11-02T02:20:00Z"}]}))]
pub struct HistoryList {
    /// Oldest first.
    pub items: Vec<HistoryEntry>,
}
