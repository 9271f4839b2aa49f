//! Running business rules: triggers on a ticket's creation or change (inside that change's
//! transaction, one pass, so a trigger never sets off another), and automations on time,
//! each firing once per state of a ticket.

use chrono::{DateTime, Utc};
use kefu_platform::ids::TenantId;
use kefu_platform::ApiError;
use sea_orm::{DatabaseConnection, DatabaseTransaction};
use uuid::Uuid;

use crate::api::tickets::{apply, check_assignee, trail, TicketPatch};
use crate::domain::fields::{normalize_tags, Priority, TicketType};
use crate::domain::rules::{holds, RuleActions, RuleConditions, RuleFacts};
use crate::domain::status::Status;
use crate::store::comments::CommentStore;
use crate::store::decode_list;
use crate::store::entities::{business_rule, ticket, ticket_comment};
use crate::store::history::HistoryStore;
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

/// Fires `rule` on `current` if its conditions hold; returns the ticket after it.
/// An action the ticket cannot take (an illegal status, an inactive assignee, a complaint
/// without its resolution) makes the rule skip the ticket rather than fail the change.
async fn fire(
    txn: &DatabaseTransaction,
    rule: &business_rule::Model,
    current: ticket::Model,
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
        && check_assignee(txn, current.tenant_id, after.assignee_id)
            .await
            .is_err()
    {
        after.assignee_id = current.assignee_id;
    }
    let tenant = TenantId(current.tenant_id);
    let via = format!("rule:{}", rule.id);
    let changes = trail(&current, &after);
    let saved = if changes.is_empty() {
        current
    } else {
        let saved = TicketStore::new(txn, tenant).save(after, now).await?;
        HistoryStore::new(txn, tenant)
            .record(saved.id, None, &via, &changes, now)
            .await?;
        saved
    };
    if let Some(role) = &actions.notify_role {
        crate::notify::role(txn, &saved, role, &format!("rule \"{}\"", rule.name)).await?;
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
    event: &str,
    ticket: ticket::Model,
    now: DateTime<Utc>,
) -> Result<ticket::Model, ApiError> {
    let mut current = ticket;
    let rules = RuleStore::new(txn, TenantId::from(current.tenant_id))
        .active("trigger", Some(event))
        .await?;
    for rule in rules {
        current = fire(txn, &rule, current, now).await?;
    }
    Ok(current)
}

/// Evaluates every active automation against the tickets it may apply to; returns how
/// many firings it made.
pub async fn run_automations_once(
    db: &DatabaseConnection,
    outbox: &kefu_events::Outbox,
    now: DateTime<Utc>,
) -> Result<usize, ApiError> {
    let mut fired = 0;
    for rule in crate::store::all_tenants::active_automations(db).await? {
        let conditions: RuleConditions = serde_json::from_str(&rule.conditions).unwrap_or_default();
        let statuses = match conditions.status.is_empty() {
            true => ["new", "open", "pending", "on_hold", "solved"]
                .map(String::from)
                .to_vec(),
            false => conditions.status.clone(),
        };
        let candidates = RuleStore::new(db, TenantId::from(rule.tenant_id))
            .automation_candidates(
                statuses,
                conditions
                    .hours_since_updated
                    .map(|h| now - chrono::Duration::hours(h)),
                conditions
                    .hours_since_created
                    .map(|h| now - chrono::Duration::hours(h)),
                200,
            )
            .await?;
        for candidate in candidates {
            let rule = rule.clone();
            fired += outbox
                .transaction::<_, usize, ApiError>(db, move |txn| {
                    Box::pin(async move { fire_automation(txn, &rule, candidate.id, now).await })
                })
                .await?;
        }
    }
    Ok(fired)
}

async fn fire_automation(
    txn: &DatabaseTransaction,
    rule: &business_rule::Model,
    ticket_id: Uuid,
    now: DateTime<Utc>,
) -> Result<usize, ApiError> {
    let tenant = TenantId::from(rule.tenant_id);
    let Some(before) = TicketStore::new(txn, tenant).get(ticket_id).await? else {
        return Ok(0);
    };
    // The cause is this state of the ticket; a firing already recorded for it means
    // the automation fired on it.
    let first = RuleStore::new(txn, tenant)
        .record_firing(rule.id, ticket_id, before.updated_at.to_rfc3339(), now)
        .await?;
    if !first {
        return Ok(0);
    }
    let after = fire(txn, rule, before.clone(), now).await?;
    if after == before {
        return Ok(0);
    }
    crate::clocks::on_changed(txn, &before, &after, now).await?;
    crate::events::emit_ticket_change(txn, None, &before, &after).await?;
    Ok(1)
}
