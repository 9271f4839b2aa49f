//! The one way a ticket changes: every path — a handler, a macro, a bulk update, a
//! merge, a trigger, an automation, an escalation, auto-close, dispatch, an event from
//! another service — records its change here, so none can skip a step: the save, the
//! trail, the SLA clocks, the triggers and the one event.

use chrono::{DateTime, Utc};
use kefu_platform::ids::TenantId;
use kefu_platform::ApiError;
use sea_orm::DatabaseTransaction;
use uuid::Uuid;

use super::announce::{emit, emit_ticket_change, ticket_data};
use crate::domain::history::{changed_fields, text, FieldChange};
use crate::store::entities::ticket;
use crate::store::history::HistoryStore;
use crate::store::tickets::TicketStore;
use kefu_events::catalogue::tickets::TicketCreated;

/// Who or what made a change, as the trail records it.
#[derive(Debug, Clone)]
pub struct Cause {
    /// The user or API client, if a person or client caused it.
    pub actor: Option<Uuid>,
    /// How: `user`, `portal`, `rule:<id>`, `system:auto_close`, `survey:<id>`, …
    pub via: String,
    /// The dispatch rule that chose the assignee in the same change (`rule:<id>`): the
    /// assignee's trail entry is recorded under it rather than under `via`.
    pub assigned_by: Option<String>,
}

impl Cause {
    /// A change by `actor` through `via`.
    pub fn by(actor: Option<Uuid>, via: impl Into<String>) -> Self {
        Self {
            actor,
            via: via.into(),
            assigned_by: None,
        }
    }

    /// The same change, whose assignee a dispatch rule chose.
    pub fn assigned_by(mut self, rule: Option<String>) -> Self {
        self.assigned_by = rule;
        self
    }
}

/// What announces a change to other services.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Announce {
    /// The change's own event (`ticket.created`, `ticket.solved`, `ticket.updated`, …).
    Change,
    /// The caller appends a more specific event carrying the result (a reply's
    /// `ticket.replied`, a merge's `ticket.merged`, an escalation's `ticket.escalated`).
    ByCaller,
}

/// Whether the tenant's triggers run on the change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Triggers {
    /// They do: every change a person, a client, the system or another service makes.
    Run,
    /// They do not, for a change made by a rule (a trigger or an automation): rules run
    /// in one pass, so a rule never sets off another and rules cannot loop.
    Skip,
}

/// One change of a ticket: `before` is `None` for a new ticket.
pub struct Change<'a> {
    /// The ticket as read (`None`: a new ticket, numbered already).
    pub before: Option<&'a ticket::Model>,
    /// The ticket as it should be.
    pub after: ticket::Model,
    /// Who or what made it.
    pub cause: Cause,
    /// Trail entries beyond the fields that changed (a merge's `merged_into`).
    pub notes: Vec<FieldChange>,
    /// Whether triggers run on it.
    pub triggers: Triggers,
    /// What announces it.
    pub announce: Announce,
}

impl<'a> Change<'a> {
    /// A new ticket.
    pub fn created(ticket: ticket::Model, cause: Cause) -> Self {
        Self {
            before: None,
            after: ticket,
            cause,
            notes: Vec::new(),
            triggers: Triggers::Run,
            announce: Announce::Change,
        }
    }

    /// A change of `before` into `after`.
    pub fn updated(before: &'a ticket::Model, after: ticket::Model, cause: Cause) -> Self {
        Self {
            before: Some(before),
            after,
            cause,
            notes: Vec::new(),
            triggers: Triggers::Run,
            announce: Announce::Change,
        }
    }
}

/// Records `change`: saves it (a 412 if the ticket was saved since it was read), writes
/// its trail, moves the SLA clocks, runs the triggers, and appends the one event;
/// returns the ticket as it ends up. A change that changes nothing records nothing.
pub async fn record_change(
    txn: &DatabaseTransaction,
    tenant: TenantId,
    change: Change<'_>,
    now: DateTime<Utc>,
) -> Result<ticket::Model, ApiError> {
    let Change {
        before,
        after,
        cause,
        notes,
        triggers,
        announce,
    } = change;
    if let Some(unchanged) = before.filter(|b| trail(b, &after).is_empty() && notes.is_empty()) {
        return Ok(unchanged.clone());
    }
    let saved = record_step(txn, tenant, before, after, &cause, notes, now).await?;
    // Triggers see the change and may add to it; the one event carries the result.
    let ticket = match triggers {
        Triggers::Run => {
            let event = if before.is_some() {
                "updated"
            } else {
                "created"
            };
            super::rules::run_triggers(txn, tenant, event, saved, now).await?
        }
        Triggers::Skip => saved,
    };
    if before.is_none() {
        // A new ticket's clocks start once the triggers have shaped it (its priority).
        super::clocks::on_created(txn, tenant, &ticket, now).await?;
    }
    if announce == Announce::Change {
        match before {
            None => {
                let data = TicketCreated(ticket_data(&ticket));
                emit(txn, tenant.uuid(), cause.actor, data).await?
            }
            Some(before) => emit_ticket_change(txn, cause.actor, before, &ticket).await?,
        }
    }
    Ok(ticket)
}

/// One step of a change: the save, the trail and the clocks of a ticket already known
/// (none yet for a new one), without triggers or an event. A trigger's firing is a step
/// of the change that set it off, which announces the result once.
pub(super) async fn record_step(
    txn: &DatabaseTransaction,
    tenant: TenantId,
    before: Option<&ticket::Model>,
    after: ticket::Model,
    cause: &Cause,
    notes: Vec<FieldChange>,
    now: DateTime<Utc>,
) -> Result<ticket::Model, ApiError> {
    let store = TicketStore::new(txn, tenant);
    let (saved, mut changes) = match before {
        None => {
            let saved = store.insert(after).await?;
            let mut changes = changed_fields([("status", None, Some(saved.status.clone()))]);
            if saved.assignee_id.is_some() && cause.assigned_by.is_some() {
                changes.extend(changed_fields([(
                    "assignee_id",
                    None,
                    text(saved.assignee_id),
                )]));
            }
            (saved, changes)
        }
        Some(before) => {
            let saved = store.save(after, now).await?;
            super::clocks::on_changed(txn, tenant, before, &saved, now).await?;
            let changes = trail(before, &saved);
            (saved, changes)
        }
    };
    changes.extend(notes);
    let history = HistoryStore::new(txn, tenant);
    let (assigned, rest): (Vec<_>, Vec<_>) = match &cause.assigned_by {
        Some(_) => changes.into_iter().partition(|c| c.field == "assignee_id"),
        None => (Vec::new(), changes),
    };
    history
        .record(saved.id, cause.actor, &cause.via, &rest, now)
        .await?;
    if let Some(rule) = &cause.assigned_by {
        history.record(saved.id, None, rule, &assigned, now).await?;
    }
    Ok(saved)
}

/// The trail entries of a ticket change: every field a change can make.
pub fn trail(before: &ticket::Model, after: &ticket::Model) -> Vec<FieldChange> {
    let time = |t: Option<DateTime<Utc>>| t.map(|t| t.to_rfc3339());
    let mut changes = changed_fields([
        (
            "subject",
            Some(before.subject.clone()),
            Some(after.subject.clone()),
        ),
        (
            "description",
            Some(before.description.clone()),
            Some(after.description.clone()),
        ),
        ("type", Some(before.kind.clone()), Some(after.kind.clone())),
        (
            "priority",
            Some(before.priority.clone()),
            Some(after.priority.clone()),
        ),
        (
            "status",
            Some(before.status.clone()),
            Some(after.status.clone()),
        ),
        (
            "first_response_at",
            time(before.first_response_at),
            time(after.first_response_at),
        ),
        (
            "customer_id",
            text(before.customer_id),
            text(after.customer_id),
        ),
        ("team_id", text(before.team_id), text(after.team_id)),
        (
            "assignee_id",
            text(before.assignee_id),
            text(after.assignee_id),
        ),
        ("tags", Some(before.tags.clone()), Some(after.tags.clone())),
        (
            "root_cause",
            before.root_cause.clone(),
            after.root_cause.clone(),
        ),
        ("remedy", before.remedy.clone(), after.remedy.clone()),
        (
            "custom_fields",
            Some(before.custom_fields.clone()),
            Some(after.custom_fields.clone()),
        ),
    ]);
    changes.extend(changed_fields([(
        "csat_score",
        text(before.csat_score),
        text(after.csat_score),
    )]));
    changes
}
