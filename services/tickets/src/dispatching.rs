//! Applying a team's dispatch rule to a ticket, and re-dispatching a disabled user's tickets.

use chrono::{DateTime, Utc};
use kefu_platform::ids::TenantId;
use sea_orm::{DatabaseTransaction, DbErr};
use uuid::Uuid;

use crate::domain::dispatch::{pick, Strategy};
use crate::domain::history::{changed_fields, text};
use crate::events::emit_ticket_change;
use crate::store::dispatch::DispatchStore;
use crate::store::entities::ticket;
use crate::store::history::HistoryStore;
use crate::store::tickets::TicketStore;

/// Sets the assignee of an unassigned ticket of a team by the team's rule; returns
/// `rule:<id>` when a rule chose someone (for the audit trail).
pub async fn assign_by_rule(
    txn: &DatabaseTransaction,
    ticket: &mut ticket::Model,
    now: DateTime<Utc>,
) -> Result<Option<String>, DbErr> {
    let (Some(team), None) = (ticket.team_id, ticket.assignee_id) else {
        return Ok(None);
    };
    let store = DispatchStore::new(txn, TenantId(ticket.tenant_id));
    let Some(rule) = store.rule_of_team(team).await? else {
        return Ok(None);
    };
    let Some(strategy) = Strategy::parse(&rule.strategy) else {
        return Ok(None);
    };
    let candidates = store.candidates(team, now).await?;
    let Some(chosen) = pick(
        strategy,
        &candidates,
        rule.last_assignee_id,
        rule.skill.as_deref(),
    ) else {
        return Ok(None);
    };
    ticket.assignee_id = Some(chosen);
    let via = format!("rule:{}", rule.id);
    store.move_cursor(rule.id, chosen).await?;
    Ok(Some(via))
}

/// Unassigns a disabled user's unsolved tickets and re-dispatches each by its team's rule.
pub async fn release_tickets_of(
    txn: &DatabaseTransaction,
    tenant: Uuid,
    user: Uuid,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let tenant_id = TenantId(tenant);
    let tickets = DispatchStore::new(txn, tenant_id).unsolved_of(user).await?;
    for before in tickets {
        let mut after = before.clone();
        after.assignee_id = None;
        let via = assign_by_rule(txn, &mut after, now)
            .await?
            .unwrap_or_else(|| "system:user_disabled".into());
        let saved = TicketStore::new(txn, tenant_id).save(after, now).await?;
        let changes = changed_fields([(
            "assignee_id",
            text(before.assignee_id),
            text(saved.assignee_id),
        )]);
        HistoryStore::new(txn, tenant_id)
            .record(saved.id, None, &via, &changes, now)
            .await?;
        emit_ticket_change(txn, None, &before, &saved)
            .await
            .map_err(|e| DbErr::Custom(e.to_string()))?;
    }
    Ok(())
}
