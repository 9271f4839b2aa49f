//! Running escalation rules when an SLA target is at risk or breached.

use crate::app::changes::{record_change, Announce, Cause, Change, Triggers};
use chrono::{DateTime, Utc};
use kefu_events::catalogue::tickets::{TicketEscalated, TicketEscalationData};
use kefu_platform::ids::TenantId;
use kefu_platform::ApiError;
use sea_orm::DatabaseTransaction;

use crate::app::announce::{emit, ticket_data};
use crate::domain::escalation::{fires, raised};
use crate::domain::history::{changed_fields, text};
use crate::store::decode_list;
use crate::store::entities::ticket;
use crate::store::escalation::EscalationStore;
use crate::store::history::HistoryStore;

/// Runs every rule for `trigger` (`at_risk` or `breached`) of `metric` on a ticket, in
/// order; each firing changes the ticket, is recorded in its trail as `rule:<id>`, and
/// emits `ticket.escalated`. The scanner calls this once per threshold crossed.
pub async fn escalate(
    txn: &DatabaseTransaction,
    tenant: TenantId,
    mut ticket: ticket::Model,
    trigger: &str,
    metric: &str,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    for rule in EscalationStore::new(txn, tenant).rules().await? {
        let metrics: Vec<String> = decode_list(&rule.metrics);
        let priorities: Vec<String> = decode_list(&rule.priorities);
        if !fires(
            &rule.trigger,
            &metrics,
            &priorities,
            trigger,
            metric,
            &ticket.priority,
        ) {
            continue;
        }
        let before = ticket.clone();
        let mut after = ticket.clone();
        if rule.raise_priority {
            after.priority = raised(&after.priority).into();
        }
        let via = format!("rule:{}", rule.id);
        if let Some(team) = rule.reassign_team_id {
            after.team_id = Some(team);
            after.assignee_id = None;
            crate::app::dispatch::assign_by_rule(txn, tenant, &mut after, now).await?;
        }
        let changes = changed_fields([
            (
                "priority",
                Some(before.priority.clone()),
                Some(after.priority.clone()),
            ),
            ("team_id", text(before.team_id), text(after.team_id)),
            (
                "assignee_id",
                text(before.assignee_id),
                text(after.assignee_id),
            ),
        ]);
        let saved = if changes.is_empty() {
            before.clone()
        } else {
            // An escalation rule's change: no triggers (see `Triggers`), and the
            // `ticket.escalated` below is its one event.
            let change = Change {
                triggers: Triggers::Skip,
                announce: Announce::ByCaller,
                ..Change::updated(&before, after, Cause::by(None, via.clone()))
            };
            record_change(txn, tenant, change, now).await?
        };
        let note = changed_fields([(
            "escalation",
            None,
            Some(format!("{} ({trigger} {metric})", rule.name)),
        )]);
        HistoryStore::new(txn, tenant)
            .record(saved.id, None, &via, &note, now)
            .await?;
        let data = TicketEscalationData {
            ticket: ticket_data(&saved),
            rule_id: rule.id,
            rule_name: rule.name.clone(),
            trigger: trigger.into(),
            metric: metric.into(),
            notify_role: rule.notify_role.clone(),
            raised_priority: before.priority != saved.priority,
            reassigned_team_id: rule.reassign_team_id,
        };
        emit(txn, saved.tenant_id, None, TicketEscalated(data)).await?;
        if let Some(role) = &rule.notify_role {
            let why = format!("escalation \"{}\": {metric} {trigger}", rule.name);
            crate::app::notify::role(txn, &saved, role, &why).await?;
        }
        ticket = saved;
    }
    Ok(())
}
