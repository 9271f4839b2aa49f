//! Running business rules: triggers on a ticket's creation or change (inside that change's
//! transaction, one pass, so a trigger never sets off another), and automations on time,
//! each firing once per state of a ticket.

use chrono::{DateTime, Utc};
use kefu_platform::ids::TenantId;
use kefu_platform::ApiError;
use sea_orm::{DatabaseConnection, DatabaseTransaction};
use uuid::Uuid;

use super::changes::{record_change, record_step, trail, Cause, Change, Triggers};
use super::tickets::{apply, check_assignee, TicketPatch};
use crate::domain::fields::{normalize_tags, Priority, TicketType};
use crate::domain::ids::TicketId;
use crate::domain::rules::{holds, RuleActions, RuleConditions, RuleFacts};
use crate::domain::status::Status;
use crate::store::comments::CommentStore;
use crate::store::decode_list;
use crate::store::entities::{business_rule, ticket, ticket_comment};
use crate::store::rules::RuleStore;
use crate::store::tickets::TicketStore;

fn facts<'a>(t: &'a ticket::Model, tags: &'a [String]) -> RuleFacts<'a> {
    RuleFacts {
        status: &t.status,
        priority: &t.priority,
        kind: &t.kind,
        channel: &t.channel,
        tags,
        subject: &t.subject,
        first_response_at: t.first_response_at,
        created_at: t.created_at,
        updated_at: t.updated_at,
    }
}

/// What a rule fires as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Firing {
    /// Inside the change that set it off (which runs the triggers, then announces).
    Trigger,
    /// A change of its own, on time (announced, without triggers: see [`Triggers`]).
    Automation,
}

/// Fires `rule` on `current` if its conditions hold; returns the ticket after it.
/// An action the ticket cannot take (an illegal status, an inactive assignee, a complaint
/// without its resolution) makes the rule skip the ticket rather than fail the change.
async fn fire(
    txn: &DatabaseTransaction,
    tenant: TenantId,
    rule: &business_rule::Model,
    current: ticket::Model,
    firing: Firing,
    now: DateTime<Utc>,
) -> Result<ticket::Model, ApiError> {
    let conditions: RuleConditions = serde_json::from_str(&rule.conditions).unwrap_or_default();
    let actions: RuleActions = serde_json::from_str(&rule.actions).unwrap_or_default();
    let tags: Vec<String> = decode_list(&current.tags);
    if !holds(&conditions, &facts(&current, &tags), now) {
        return Ok(current);
    }
    let mut merged = tags.clone();
    merged.extend(actions.add_tags.iter().cloned());
    let patch = TicketPatch {
        status: actions.status.as_deref().and_then(Status::parse),
        priority: actions.priority.as_deref().and_then(Priority::parse),
        kind: actions.kind.as_deref().and_then(TicketType::parse),
        team_id: actions.team_id.map(Some),
        assignee_id: actions.assignee_id.map(Some),
        tags: normalize_tags(&merged).ok(),
        ..TicketPatch::default()
    };
    let mut after = current.clone();
    if apply(&mut after, patch, now).is_err() {
        return Ok(current);
    }
    if actions.assignee_id.is_some()
        && after.assignee_id != current.assignee_id
        && check_assignee(txn, tenant, after.assignee_id)
            .await
            .is_err()
    {
        after.assignee_id = current.assignee_id;
    }
    let cause = Cause::by(None, format!("rule:{}", rule.id));
    let saved = match firing {
        _ if trail(&current, &after).is_empty() => current,
        // A trigger's firing is a step of the change that set it off, which announces
        // the result once.
        Firing::Trigger => {
            record_step(txn, tenant, Some(&current), after, &cause, vec![], now).await?
        }
        // An automation's firing is a change of its own.
        Firing::Automation => {
            let change = Change {
                triggers: Triggers::Skip,
                ..Change::updated(&current, after, cause)
            };
            // Boxed: record_change runs triggers, which fire rules (never this branch).
            Box::pin(record_change(txn, tenant, change, now)).await?
        }
    };
    if let Some(role) = &actions.notify_role {
        crate::app::notify::role(txn, &saved, role, &format!("rule \"{}\"", rule.name)).await?;
    }
    if let Some(note) = &actions.internal_note {
        CommentStore::new(txn, tenant)
            .insert(ticket_comment::Model {
                id: Uuid::now_v7(),
                tenant_id: saved.tenant_id,
                ticket_id: saved.id,
                author_id: None,
                author_kind: "system".into(),
                public: false,
                body: note.clone(),
                created_at: now,
            })
            .await?;
    }
    Ok(saved)
}

/// Runs the tenant's triggers for `event` (`created` or `updated`) on a ticket, in order,
/// once each; returns the ticket after them.
pub async fn run_triggers(
    txn: &DatabaseTransaction,
    tenant: TenantId,
    event: &str,
    ticket: ticket::Model,
    now: DateTime<Utc>,
) -> Result<ticket::Model, ApiError> {
    let mut current = ticket;
    let rules = RuleStore::new(txn, tenant)
        .active("trigger", Some(event))
        .await?;
    for rule in rules {
        current = fire(txn, tenant, &rule, current, Firing::Trigger, now).await?;
    }
    Ok(current)
}

/// Up to 200 tickets of the rule's tenant that `rule`, an automation, may apply to by
/// `now` (its status and age conditions; the rest are judged when it fires).
pub async fn automation_candidates(
    conn: &DatabaseConnection,
    tenant: TenantId,
    rule: &business_rule::Model,
    now: DateTime<Utc>,
) -> Result<Vec<ticket::Model>, ApiError> {
    let conditions: RuleConditions = serde_json::from_str(&rule.conditions).unwrap_or_default();
    let statuses = match conditions.status.is_empty() {
        true => ["new", "open", "pending", "on_hold", "solved"]
            .map(String::from)
            .to_vec(),
        false => conditions.status.clone(),
    };
    let hours_ago = |hours: i64| now - chrono::Duration::hours(hours);
    Ok(RuleStore::new(conn, tenant)
        .automation_candidates(
            statuses,
            conditions.hours_since_updated.map(hours_ago),
            conditions.hours_since_created.map(hours_ago),
            200,
        )
        .await?)
}

/// Fires `rule`, an automation, on the ticket once for its current state; returns how
/// many tickets it changed, 0 or 1.
pub async fn fire_automation(
    txn: &DatabaseTransaction,
    tenant: TenantId,
    rule: &business_rule::Model,
    ticket_id: TicketId,
    now: DateTime<Utc>,
) -> Result<usize, ApiError> {
    let Some(before) = TicketStore::new(txn, tenant).get(ticket_id).await? else {
        return Ok(0);
    };
    // The cause is this state of the ticket; a firing already recorded for it means
    // the automation fired on it.
    let first = RuleStore::new(txn, tenant)
        .record_firing(
            rule.id,
            ticket_id.uuid(),
            before.updated_at.to_rfc3339(),
            now,
        )
        .await?;
    if !first {
        return Ok(0);
    }
    let after = fire(txn, tenant, rule, before.clone(), Firing::Automation, now).await?;
    Ok(usize::from(after != before))
}
